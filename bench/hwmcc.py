"""HWMCC'20 BTOR2 subset: solved counts, times and verdict checks per solver back end.

Each (instance, solver) runs ``hwverify prove --json`` in its own process with a
wall-clock limit, so a solver that ignores its timeout cannot stall the run.
Every verdict is compared with ``expected.csv``: a wrong verdict (PASS on a
``sat`` instance or FAIL on an ``unsat`` one) fails the benchmark (exit 1).
Evidence is kernel-checked as in normal use; the engine time and the total
wall time (including the kernel) are reported separately.

    python bench/hwmcc.py [--timeout S] [--solvers a,b] [--filter SUBSTR] [--jobs N]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data", "hwmcc20")
RESULTS = os.path.join(HERE, "results")


def run_instance(path: str, solver: str, timeout: float, depth: int) -> dict:
    cmd = [sys.executable, "-m", "hwverify.cli", "prove", path, "--json", "--solver", solver,
           "--timeout", str(timeout), "--depth", str(depth)]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout * 2 + 30)
    except subprocess.TimeoutExpired:
        return {"status": "TIMEOUT", "wall": time.monotonic() - start, "engine_time": None, "note": "killed"}
    wall = time.monotonic() - start
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"status": "ERROR", "wall": wall, "engine_time": None,
                "note": (proc.stderr.strip().splitlines() or ["no output"])[-1][:200]}
    return {"status": out["status"], "wall": wall, "engine_time": out["time"],
            "checked": all(p.get("evidence_checked", False) for p in out["properties"]
                           if p["status"] in ("PASS", "FAIL")),
            "note": "; ".join(p.get("reason", "") for p in out["properties"] if p.get("reason"))[:200]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--depth", type=int, default=1000)
    ap.add_argument("--solvers", default="bitwuzla,cvc5,z3,pysmt")
    ap.add_argument("--filter", default="")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    with open(os.path.join(DATA, "expected.csv")) as fh:
        rows = [r for r in csv.DictReader(fh) if args.filter in r["file"]]
    solvers = args.solvers.split(",")
    jobs = [(r, s) for r in rows for s in solvers]
    results: dict[tuple[str, str], dict] = {}

    def work(item):
        row, solver = item
        res = run_instance(os.path.join(DATA, row["file"]), solver, args.timeout, args.depth)
        expected = {"sat": "FAIL", "unsat": "PASS"}[row["verdict"]]
        res["wrong"] = res["status"] in ("PASS", "FAIL") and res["status"] != expected
        res["solved"] = res["status"] == expected
        results[(row["file"], solver)] = res
        mark = "WRONG" if res["wrong"] else ("ok" if res["solved"] else res["status"])
        print(f"{row['file'][:60]:60} {solver:9} {mark:8} {res['wall']:7.2f}s {res.get('note', '')[:60]}",
              flush=True)

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(work, jobs))
    total = time.monotonic() - start

    print(f"\n{'solver':10} {'solved':>7} {'pass':>5} {'fail':>5} {'wrong':>6} {'time(solved)':>13}")
    summary = {}
    for s in solvers:
        mine = [(f, results[(f, s)]) for f in (r["file"] for r in rows)]
        solved = [r for _, r in mine if r["solved"]]
        summary[s] = {
            "instances": len(mine), "solved": len(solved),
            "pass": sum(r["status"] == "PASS" for r in solved), "fail": sum(r["status"] == "FAIL" for r in solved),
            "wrong": sum(r["wrong"] for _, r in mine), "time_solved": round(sum(r["wall"] for r in solved), 2),
        }
        m = summary[s]
        print(f"{s:10} {m['solved']:>4}/{m['instances']:<3}{m['pass']:>5} {m['fail']:>5} {m['wrong']:>6} "
              f"{m['time_solved']:>12.1f}s")
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "hwmcc.json"), "w") as fh:
        json.dump({"timeout": args.timeout, "wall_total": round(total, 1), "summary": summary,
                   "instances": {f"{f}|{s}": r for (f, s), r in sorted(results.items())}}, fh, indent=1)
    wrong = sum(m["wrong"] for m in summary.values())
    print(f"\nwall {total:.0f}s; wrong verdicts: {wrong}; results in bench/results/hwmcc.json")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
