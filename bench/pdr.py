"""IC3/PDR on the shared HWMCC'20 BTOR2 subset, next to k-induction in the same run.

Each (instance, engine) runs ``hwverify prove --engine E --json`` in its own
process with a wall-clock limit (so the kernel re-checks every verdict, as in
normal use). Every verdict is compared with ``expected.csv``: a wrong verdict
(PASS on a ``sat`` instance, FAIL on an ``unsat`` one) fails the run (exit 1).

Also measured, from PDR's own counters: SAT queries per second of the whole
IC3 loop against the raw python-sat call rate (queries / time inside
CaDiCaL), i.e. the per-query Python overhead; and, with ``--layouts``, the two
frame layouts (one solver with activation literals, one solver per frame) on
the same instances.

    python bench/pdr.py [--timeout S] [--engines pdr,kind] [--filter SUBSTR] [--jobs N] [--layouts]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.environ.get("HWMCC20_DIR", os.path.join(os.path.dirname(ROOT), "shared", "benchmarks", "hwmcc20"))
RESULTS = os.path.join(HERE, "results")


def run_cli(path: str, engine: str, timeout: float, depth: int) -> dict:
    """One ``hwverify prove`` run; the verdict, times and PDR's counters."""
    cmd = [sys.executable, "-m", "hwverify.cli", "prove", path, "--json", "--engine", engine,
           "--timeout", str(timeout), "--depth", str(depth)]
    if engine == "kind":
        cmd += ["--solver", "bitwuzla"]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout * 2 + 60, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"status": "TIMEOUT", "wall": round(time.monotonic() - start, 2), "note": "killed"}
    wall = time.monotonic() - start
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"status": "ERROR", "wall": round(wall, 2),
                "note": (proc.stderr.strip().splitlines() or ["no output"])[-1][:200]}
    res = {"status": out["status"], "wall": round(wall, 2), "engine_time": out.get("engine_time"),
           "checked": all(p.get("evidence_checked", False) for p in out["properties"]
                          if p["status"] in ("PASS", "FAIL")),
           "depth": max((p.get("depth") or 0 for p in out["properties"] if p["status"] == "FAIL"), default=None),
           "note": "; ".join(p.get("reason", "") for p in out["properties"] if p.get("reason"))[:200]}
    pdr = (out.get("stats") or {}).get("pdr")
    if pdr:
        res["pdr"] = {k: sum(s.get(k, 0) for s in pdr.values())
                      for k in ("sat_queries", "sat_time", "time", "latches", "gates", "lemmas", "frames")}
    return res


def run_layout(path: str, layout: str, timeout: float) -> dict:
    """PDR with one frame layout, in a child process (the engine directly; evidence re-checked here)."""
    code = (
        "import json,sys,time\n"
        "from hwverify.frontend import load_system\n"
        "from hwverify.prover.pdr.engine import PDR\n"
        "from hwverify.prover.result import EngineOptions\n"
        "from hwverify.kernel import check_certificate, check_trace\n"
        f"s=load_system([{path!r}])\n"
        "t=time.monotonic()\n"
        f"r=PDR(s, EngineOptions(timeout={timeout}), layout={layout!r}).check(1000)\n"
        "el=time.monotonic()-t\n"
        "ok=all((check_certificate(s,p.certificate).ok if p.certificate else check_trace(s,p.trace).ok)\n"
        "       for p in r.properties if p.status in ('PASS','FAIL'))\n"
        "st=r.stats.get('pdr',{})\n"
        "print(json.dumps({'status':r.status,'time':el,'checked':ok,\n"
        "  'sat_queries':sum(v.get('sat_queries',0) for v in st.values()),\n"
        "  'sat_time':sum(v.get('sat_time',0) for v in st.values())}))\n")
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=timeout * 2 + 60, cwd=ROOT)
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        return {"status": "ERROR", "time": round(time.monotonic() - start, 2)}
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in out.items()}


def summarise(rows: list[dict], results: dict, engine: str, timeout: float) -> dict:
    mine = [results[(r["file"], engine)] for r in rows]
    solved = [r for r in mine if r["solved"]]
    par2 = sum(r["wall"] if r["solved"] else 2 * timeout for r in mine)
    return {"instances": len(mine), "solved": len(solved),
            "pass": sum(r["status"] == "PASS" for r in solved), "fail": sum(r["status"] == "FAIL" for r in solved),
            "wrong": sum(r["wrong"] for r in mine), "unchecked": sum(r["solved"] and not r.get("checked") for r in mine),
            "time_solved": round(sum(r["wall"] for r in solved), 1), "par2": round(par2, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per instance and engine")
    ap.add_argument("--depth", type=int, default=1000, help="k-induction's largest k (PDR ignores it with a timeout)")
    ap.add_argument("--engines", default="pdr,kind")
    ap.add_argument("--filter", default="")
    ap.add_argument("--files", help="a file listing the instances to run (paths as in expected.csv), one a line")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--layouts", action="store_true", help="also compare PDR's two frame layouts")
    ap.add_argument("--out", default=os.path.join(RESULTS, "pdr.json"))
    args = ap.parse_args()
    with open(os.path.join(DATA, "expected.csv")) as fh:
        rows = [r for r in csv.DictReader(fh) if args.filter in r["file"]]
    if args.files:
        with open(args.files) as fh:
            wanted = {line.strip() for line in fh if line.strip()}
        rows = [r for r in rows if r["file"] in wanted]
    engines = args.engines.split(",")
    results: dict[tuple[str, str], dict] = {}

    def work(item: tuple[dict, str]) -> None:
        row, engine = item
        res = run_cli(os.path.join(DATA, row["file"]), engine, args.timeout, args.depth)
        expected = {"sat": "FAIL", "unsat": "PASS"}[row["verdict"]]
        res["wrong"] = res["status"] in ("PASS", "FAIL") and res["status"] != expected
        res["solved"] = res["status"] == expected
        results[(row["file"], engine)] = res
        mark = "WRONG" if res["wrong"] else ("ok" if res["solved"] else res["status"])
        print(f"{row['file'][:62]:62} {engine:5} {mark:8} {res['wall']:7.2f}s {res.get('note', '')[:70]}",
              flush=True)

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(work, [(r, e) for r in rows for e in engines]))
    total = time.monotonic() - start

    summary = {e: summarise(rows, results, e, args.timeout) for e in engines}
    print(f"\n{'engine':7} {'solved':>8} {'pass':>5} {'fail':>5} {'wrong':>6} {'PAR-2':>8}")
    for e, m in summary.items():
        print(f"{e:7} {m['solved']:>4}/{m['instances']:<3} {m['pass']:>5} {m['fail']:>5} {m['wrong']:>6} {m['par2']:>8.1f}")
    if len(engines) > 1:
        either = sum(any(results[(r["file"], e)]["solved"] for e in engines) for r in rows)
        summary["virtual_best"] = {"solved": either}
        print(f"virtual best of {'+'.join(engines)}: {either}/{len(rows)}")

    overhead = None
    if "pdr" in engines:
        runs = [results[(r["file"], "pdr")].get("pdr") for r in rows]
        runs = [p for p in runs if p and p["sat_queries"] > 0 and p["time"] > 0]
        q = sum(p["sat_queries"] for p in runs)
        t_all = sum(p["time"] for p in runs)
        t_sat = sum(p["sat_time"] for p in runs)
        if q and t_sat:
            overhead = {"queries": q, "engine_time": round(t_all, 1), "sat_time": round(t_sat, 1),
                        "ic3_queries_per_s": round(q / t_all), "raw_sat_queries_per_s": round(q / t_sat),
                        "python_share": round(1 - t_sat / t_all, 3)}
            print(f"\nPDR: {q} SAT queries; {overhead['ic3_queries_per_s']} queries/s through IC3 vs "
                  f"{overhead['raw_sat_queries_per_s']} queries/s inside python-sat "
                  f"(Python's share of the engine time: {overhead['python_share']:.0%})")

    layouts = None
    if args.layouts:
        picked = [r for r in rows if any(results[(r["file"], e)]["solved"] for e in engines)] or rows
        layouts = {}
        for lay in ("activation", "per-frame"):
            with ThreadPoolExecutor(max_workers=args.jobs) as pool:
                outs = list(pool.map(lambda r: run_layout(os.path.join(DATA, r["file"]), lay, args.timeout), picked))
            expected = [{"sat": "FAIL", "unsat": "PASS"}[r["verdict"]] for r in picked]
            solved = [o for o, x in zip(outs, expected) if o["status"] == x]
            wrong = sum(o["status"] in ("PASS", "FAIL") and o["status"] != x for o, x in zip(outs, expected))
            q = sum(o.get("sat_queries", 0) for o in outs)
            layouts[lay] = {"instances": len(picked), "solved": len(solved), "wrong": wrong,
                            "time_solved": round(sum(o["time"] for o in solved), 1),
                            "sat_queries": q, "sat_time": round(sum(o.get("sat_time", 0) for o in outs), 1),
                            "per_instance": {r["file"]: o for r, o in zip(picked, outs)}}
            summary_line = layouts[lay]
            print(f"layout {lay:10}: solved {summary_line['solved']}/{len(picked)}, wrong {wrong}, "
                  f"time on solved {summary_line['time_solved']}s, {q} queries in {summary_line['sat_time']}s")

    try:
        import pysat  # noqa: F401 - its version goes into the record
        pysat_version = getattr(pysat, "__version__", "?")
    except ImportError:  # pragma: no cover
        pysat_version = None
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump({"timeout_per_instance": args.timeout, "jobs": args.jobs, "cores": os.cpu_count(),
                   "python": platform.python_version(), "python_sat": pysat_version, "sat_solver": "CaDiCaL 1.9.5",
                   "wall_total": round(total, 1), "summary": summary, "query_overhead": overhead,
                   "layouts": layouts,
                   "instances": {f"{f}|{e}": r for (f, e), r in sorted(results.items())}}, fh, indent=1)
    wrong = sum(summary[e]["wrong"] for e in engines)
    print(f"\nwall {total:.0f}s; wrong verdicts: {wrong}; results in {os.path.relpath(args.out, ROOT)}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
