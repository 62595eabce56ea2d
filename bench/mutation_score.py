"""Mutation score of the bundled designs: how many single-edit mutants do their properties kill?

For every designs/verilog/*.v marked ``// expect: pass`` (top = the last
module in the file), each mutant from ``hwverify.fuzz.mutate`` that still
lowers is proved with the real CLI::

    python -m hwverify.cli prove MUTANT.v --top TOP --depth 12 --json

and counted as killed (FAIL), survived (PASS) or other (UNKNOWN, TIMEOUT,
ERROR). Mutants that do not parse or lower are skipped. Prints a table per
design and every survivor with its diff (a survivor is either an equivalent
mutant or behaviour no property pins down), and writes
bench/results/mutation_score.json.

    .venv/bin/python bench/mutation_score.py [--jobs N] [--design NAME ...] [--depth K]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hwverify.fuzz.mutate import mutants  # noqa: E402



def top_of(src: str) -> str:
    return re.findall(r"^\s*module\s+(\w+)", src, re.M)[-1]


def designs(names: list[str] | None) -> list[Path]:
    out = []
    for p in sorted((ROOT / "designs" / "verilog").glob("*.v")):
        if not re.search(r"^//\s*expect:\s*pass\b", p.read_text(), re.M):
            continue
        if names and p.stem not in names:
            continue
        out.append(p)
    return out


def lowers(path: str, top: str) -> str | None:
    """None when the mutant lowers (with its properties), else the one-line reason."""
    from hwverify.frontend.verilog.lower import lower_verilog
    try:
        lower_verilog([path], top)
        return None
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"


def prove(path: str, top: str, depth: int, timeout: float) -> dict:
    cmd = [sys.executable, "-m", "hwverify.cli", "prove", path, "--top", top, "--depth", str(depth),
           "--json", "--timeout", str(timeout)]
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout + 60)
    except subprocess.TimeoutExpired:
        return {"outcome": "other", "status": "TIMEOUT", "seconds": time.monotonic() - t0}
    try:
        data = json.loads(r.stdout)
        status = data.get("status", "?")
    except ValueError:
        data, status = {}, "ERROR"
    outcome = {"FAIL": "killed", "PASS": "survived"}.get(status, "other")
    failed = [p["name"] for p in data.get("properties", []) if p.get("status") == "FAIL"]
    return {"outcome": outcome, "status": status, "exit": r.returncode, "failed": failed,
            "seconds": round(time.monotonic() - t0, 2),
            "error": (r.stderr.strip().splitlines() or [""])[-1][:200] if outcome == "other" else ""}


def run_design(path: Path, depth: int, timeout: float, jobs: int, work: str) -> dict:
    src = path.read_text()
    top = top_of(src)
    rows = []
    todo = []
    for m in mutants(src):
        mpath = os.path.join(work, f"{path.stem}_m{m.index}.v")
        with open(mpath, "w") as fh:
            fh.write(m.source)
        reason = lowers(mpath, top)
        row = {"index": m.index, "operator": m.operator, "line": m.line, "original": m.original,
               "replacement": m.replacement}
        if reason:
            row.update(outcome="skipped", reason=reason)
        else:
            todo.append((row, mpath))
        rows.append((row, m))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda t: prove(t[1], top, depth, timeout), todo))
    for (row, _), res in zip(todo, results):
        row.update(res)
    counts = {k: sum(1 for r, _ in rows if r["outcome"] == k) for k in ("killed", "survived", "other", "skipped")}
    decided = counts["killed"] + counts["survived"]
    survivors = []
    for row, m in rows:
        if row["outcome"] == "survived":
            survivors.append({**row, "diff": m.diff(src, path.name)})
    others = [row for row, _ in rows if row["outcome"] == "other"]
    return {"design": path.name, "top": top, "mutants": len(rows), **counts,
            "score": round(counts["killed"] / decided, 3) if decided else None,
            "survivors": survivors, "others": others, "rows": [r for r, _ in rows]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--design", action="append", help="only these designs (file stem)")
    ap.add_argument("--depth", type=int, default=12)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per prove run")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "mutation_score.json"))
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    report = []
    with tempfile.TemporaryDirectory(prefix="hwverify-mutants-") as work:
        for path in designs(args.design):
            res = run_design(path, args.depth, args.timeout, args.jobs, work)
            report.append(res)
            print(f"{res['design']:<16} mutants {res['mutants']:>3}  killed {res['killed']:>3}  "
                  f"survived {res['survived']:>3}  other {res['other']:>2}  skipped {res['skipped']:>2}  "
                  f"score {res['score'] if res['score'] is not None else '-'}", flush=True)
    tot = {k: sum(r[k] for r in report) for k in ("mutants", "killed", "survived", "other", "skipped")}
    decided = tot["killed"] + tot["survived"]
    print(f"{'total':<16} mutants {tot['mutants']:>3}  killed {tot['killed']:>3}  "
          f"survived {tot['survived']:>3}  other {tot['other']:>2}  skipped {tot['skipped']:>2}  "
          f"score {round(tot['killed'] / decided, 3) if decided else '-'}  ({time.monotonic() - t0:.0f} s)")
    for r in report:
        for s in r["survivors"]:
            print(f"\nsurvivor {r['design']} #{s['index']} line {s['line']} ({s['operator']}):\n{s['diff']}", end="")
        for o in r["others"]:
            print(f"\nother {r['design']} #{o['index']} line {o['line']} ({o['operator']}): "
                  f"{o['status']} {o.get('error', '')}")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as fh:
        score = round(tot["killed"] / decided, 3) if decided else None
        json.dump({"depth": args.depth, "total": {**tot, "score": score}, "designs": report}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
