"""HWMCC'20 BTOR2 subset: solved counts, PAR-2 and verdict checks of every ``hwverify prove`` engine.

The one HWMCC script (it replaced ``bench/hwmcc.py``, whose solver comparison
is ``--engines kind/bitwuzla,kind/cvc5,kind/z3,kind/pysmt`` here). Each
(instance, engine) runs ``hwverify prove FILE --engine E --json --no-cache``
in its own process, so the kernel re-checks every verdict as in normal use and
a stuck engine cannot stall the run.

- Engines: ``bmc``, ``kind``, ``pdr`` and the portfolio ``auto`` (default all
  four; ``E/SOLVER`` adds ``--solver``). No ``--depth`` unless given: with a
  time limit, engines run until a verdict or the deadline. A PASS that is only
  bounded (BMC: "no counterexample up to step N") is counted as ``BOUNDED``,
  not as a proof.
- Concurrency: single engines run ``--jobs`` (default 2) instances at a time;
  ``auto`` runs one at a time, since it races its members on all cores itself.
- Verdicts: every one is compared with ``expected.csv`` (``sat`` -> FAIL,
  ``unsat`` -> PASS). A wrong verdict, or a verdict whose evidence the kernel
  did not check, fails the run (exit 1).
- Scores per engine: solved (right verdict within the time limit; a right
  verdict after it is counted as ``late``, not solved), PASS/FAIL split,
  PAR-2 (solved: wall time; unsolved: 2 x timeout), wall time on solved; the
  virtual best of the single engines.
- Per-query Python overhead of IC3: SAT queries per second through the whole
  PDR loop against the raw python-sat call rate (queries / time inside
  CaDiCaL), from PDR's counters; ``--layouts`` also compares PDR's two frame
  layouts on the same instances.
- ``--reuse OLD.json``: take the engines of an earlier result that are not in
  ``--engines`` from it (same instances and timeout required), so one engine
  can be re-measured alone: ``--engines auto --reuse bench/results/pdr.json``.

Results: ``bench/results/pdr.json`` and ``bench/results/pdr.md`` (tool
versions, hwverify commit, cores, timeout, date); the Markdown is printed at
the end.

Duration of the full run (default 60 s, 84 instances, 4 engines, 2 cores):
each unsolved instance costs the full 60 s. With the solved counts of the
10 s run (pdr ~50, kind ~35, bmc ~17 (its FAILs), auto ~55 of 84) that is
about 25 min for bmc, 25 for kind and 15 for pdr (two at a time) plus about
35 min for auto (one at a time): about 1 h 40 min (an estimate, not measured
at 60 s); the bound (nothing solved) is 84 x 60 s x (3/2 + 1) = 3.5 h, plus
the kill margin of runs whose kernel re-check overruns. Short runs for testing:

    python bench/pdr.py --timeout 5 --filter beem --engines pdr,auto --out /tmp/p.json
    python bench/pdr.py --engines auto --reuse bench/results/pdr.json     # re-measure auto only
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import bench_meta

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
_BUNDLED = os.path.join(HERE, "data", "hwmcc20")
DATA = os.environ.get("HWMCC20_DIR", _BUNDLED if os.path.isdir(_BUNDLED) else
                      os.path.join(os.path.dirname(ROOT), "shared", "benchmarks", "hwmcc20"))
RESULTS = os.path.join(HERE, "results")
ENGINES = ("bmc", "kind", "pdr", "auto")
PORTFOLIOS = ("auto", "portfolio")
GRACE = 30.0   # seconds after the limit before the process is killed (the kernel's re-check runs after the engine)


def run_cli(path: str, spec: str, timeout: float, depth: int | None) -> dict:
    """One ``hwverify prove`` run of engine ``spec`` (``E`` or ``E/SOLVER``): verdict, times, PDR's counters."""
    engine, _, solver = spec.partition("/")
    cmd = [sys.executable, "-m", "hwverify.cli", "prove", path, "--json", "--no-cache", "--engine", engine,
           "--timeout", str(timeout)]
    if depth is not None:
        cmd += ["--depth", str(depth)]
    if solver:
        cmd += ["--solver", solver]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + GRACE, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"status": "TIMEOUT", "wall": round(time.monotonic() - start, 2), "note": "killed"}
    wall = time.monotonic() - start
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"status": "ERROR", "wall": round(wall, 2),
                "note": (proc.stderr.strip().splitlines() or ["no output"])[-1][:200]}
    decided = [p for p in out.get("properties", []) if p["status"] in ("PASS", "FAIL")]
    bounded = [p["name"] for p in decided if p["status"] == "PASS" and
               (p.get("method") == "bmc" or str(p.get("reason", "")).startswith("bounded"))]
    status = "BOUNDED" if out["status"] == "PASS" and bounded else out["status"]
    res = {"status": status, "wall": round(wall, 2), "engine_time": out.get("engine_time"),
           "solver": out.get("solver"), "checked": all(p.get("evidence_checked", False) for p in decided),
           "depth": max((p.get("depth") or 0 for p in decided if p["status"] == "FAIL"), default=None),
           "note": (out.get("message") or "; ".join(p.get("reason", "") for p in out.get("properties", [])
                                                    if p.get("reason")))[:200]}
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
                              timeout=timeout + GRACE, cwd=ROOT)
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        return {"status": "ERROR", "time": round(time.monotonic() - start, 2)}
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in out.items()}


def judge(res: dict, verdict: str, timeout: float) -> dict:
    """Mark a run against the expected verdict: wrong, solved (in time), late (right but over the limit)."""
    expected = {"sat": "FAIL", "unsat": "PASS"}[verdict]
    right = res["status"] == expected
    res["wrong"] = res["status"] in ("PASS", "FAIL") and not right
    res["solved"] = right and res["wall"] <= timeout
    res["late"] = right and not res["solved"]
    return res


def summarise(rows: list[dict], results: dict, engine: str, timeout: float) -> dict:
    mine = [results[(r["file"], engine)] for r in rows]
    solved = [r for r in mine if r["solved"]]
    return {"instances": len(mine), "solved": len(solved),
            "pass": sum(r["status"] == "PASS" for r in solved), "fail": sum(r["status"] == "FAIL" for r in solved),
            "late": sum(r.get("late", False) for r in mine),
            "wrong": sum(r["wrong"] for r in mine),
            "unchecked": sum(r["status"] in ("PASS", "FAIL") and not r.get("checked") for r in mine),
            "errors": sum(r["status"] == "ERROR" for r in mine),
            "time_solved": round(sum(r["wall"] for r in solved), 1),
            "median_solved": round(statistics.median([r["wall"] for r in solved]), 2) if solved else None,
            "par2": round(sum(r["wall"] if r["solved"] else 2 * timeout for r in mine), 1),
            # the portfolio's winning members ("kind/bitwuzla", "pdr/bitwuzla", ...) on the solved instances
            "winners": dict(Counter(r.get("solver") or "?" for r in solved)) if engine.partition("/")[0]
            in PORTFOLIOS else None}


def query_overhead(rows: list[dict], results: dict, engine: str) -> dict | None:
    """IC3's SAT queries per second against the rate inside python-sat, over ``engine``'s PDR runs."""
    runs = [results[(r["file"], engine)].get("pdr") for r in rows if (r["file"], engine) in results]
    runs = [p for p in runs if p and p["sat_queries"] > 0 and p["time"] > 0]
    q = sum(p["sat_queries"] for p in runs)
    t_all = sum(p["time"] for p in runs)
    t_sat = sum(p["sat_time"] for p in runs)
    if not (q and t_sat):
        return None
    return {"engine": engine, "instances": len(runs), "queries": q, "engine_time": round(t_all, 1),
            "sat_time": round(t_sat, 1), "ic3_queries_per_s": round(q / t_all),
            "raw_sat_queries_per_s": round(q / t_sat), "python_share": round(1 - t_sat / t_all, 3)}


def load_reuse(path: str, rows: list[dict], engines: list[str], timeout: float) -> tuple[dict, dict]:
    """The engines of an earlier result not re-run now: (results by (file, engine), where each came from)."""
    with open(path) as fh:
        old = json.load(fh)
    old_timeout = old.get("timeout_per_instance")
    if old_timeout != timeout:
        sys.exit(f"--reuse {path}: measured at {old_timeout} s per instance, this run at {timeout} s "
                 "(PAR-2 and solved counts would not compare); give --timeout {old_timeout}")
    taken: dict[tuple[str, str], dict] = {}
    sources = {}
    old_engines = old.get("engines") or [e for e, v in old.get("summary", {}).items()
                                         if isinstance(v, dict) and "instances" in v]
    for e in old_engines:
        if e in engines:
            continue
        missing = [r["file"] for r in rows if f"{r['file']}|{e}" not in old["instances"]]
        if missing:
            print(f"--reuse: {e} not taken from {path}: {len(missing)} of the selected instances missing "
                  f"(e.g. {missing[0]})")
            continue
        for r in rows:
            taken[(r["file"], e)] = judge(dict(old["instances"][f"{r['file']}|{e}"]), r["verdict"], timeout)
        sources[e] = {"file": os.path.relpath(path, ROOT), "date": old.get("date"),
                      "hwverify": (old.get("versions") or {}).get("hwverify")}
    return taken, sources


def markdown(meta: dict, engines: list[str], summary: dict, overhead: dict | None, families: dict,
             sources: dict) -> str:
    """The result as Markdown: the per-engine table, the query overhead, solved counts per family."""
    head = ["engine", "solved", "PASS", "FAIL", "late", "wrong", "unchecked", "PAR-2 (s)", "time on solved (s)",
            "median solved (s)", "measured"]
    rows = [[e, f"{m['solved']}/{m['instances']}", m["pass"], m["fail"], m["late"], m["wrong"], m["unchecked"],
             m["par2"], m["time_solved"], m["median_solved"],
             f"reused from {sources[e]['file']} ({sources[e]['date'] or 'undated'})" if e in sources else "this run"]
            for e, m in summary.items() if e in engines]
    out = [f"# HWMCC'20 BV subset: hwverify engines ({os.path.basename(__file__)})", "",
           f"{summary[engines[0]]['instances']} instances, {meta['timeout_per_instance']:g} s wall per instance "
           f"and engine (the kernel's re-check included); single engines {meta['jobs']} at a time, the portfolio "
           "one at a time. Solved = right verdict within the limit; PAR-2 counts an unsolved instance as "
           "2 x timeout.", "", bench_meta.md_table(head, rows), ""]
    for e in engines:
        if summary[e].get("winners"):
            out += [f"{e} won by: " + ", ".join(f"{w} {n}" for w, n in sorted(summary[e]["winners"].items())) + ".", ""]
    if "virtual_best" in summary:
        vb = summary["virtual_best"]
        out.append(f"Virtual best of {'+'.join(vb['engines'])}: {vb['solved']}/{summary[engines[0]]['instances']}.")
        out.append("")
    if overhead:
        out.append(f"Per-query overhead ({overhead['engine']}, {overhead['instances']} runs): "
                   f"{overhead['queries']} SAT queries; {overhead['ic3_queries_per_s']} queries/s through IC3 vs "
                   f"{overhead['raw_sat_queries_per_s']} queries/s inside python-sat (CaDiCaL); Python's share of "
                   f"PDR's time {overhead['python_share']:.0%}.")
        out.append("")
    if families:
        fam_rows = [[f, n] + [families[f][e] for e in engines] for f, n in
                    ((f, families[f]["instances"]) for f in sorted(families))]
        out += ["Solved per family:", "", bench_meta.md_table(["family", "instances", *engines], fam_rows), ""]
    out.append(bench_meta.md_versions(meta))
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per instance and engine (default 60)")
    ap.add_argument("--depth", type=int, default=None, help="bound passed to every engine (default: none)")
    ap.add_argument("--engines", default=",".join(ENGINES), help="engines (E or E/SOLVER), comma-separated")
    ap.add_argument("--filter", default="", help="only instances whose path contains this text")
    ap.add_argument("--files", help="a file listing the instances to run (paths as in expected.csv), one a line")
    ap.add_argument("--jobs", type=int, default=2, help="single-engine runs at a time (the portfolio: always 1)")
    ap.add_argument("--reuse", metavar="OLD.json", help="take the engines not in --engines from this earlier result")
    ap.add_argument("--layouts", action="store_true", help="also compare PDR's two frame layouts")
    ap.add_argument("--out", default=os.path.join(RESULTS, "pdr.json"), help="JSON result (Markdown next to it)")
    args = ap.parse_args()
    with open(os.path.join(DATA, "expected.csv")) as fh:
        rows = [r for r in csv.DictReader(fh) if args.filter in r["file"]]
    if args.files:
        with open(args.files) as fh:
            wanted = {line.strip() for line in fh if line.strip()}
        rows = [r for r in rows if r["file"] in wanted]
    if not rows:
        print(f"no instance of {DATA}/expected.csv matches")
        return 1
    run_engines = [e for e in args.engines.split(",") if e]
    results: dict[tuple[str, str], dict] = {}
    sources: dict = {}
    if args.reuse:
        taken, sources = load_reuse(args.reuse, rows, run_engines, args.timeout)
        results.update(taken)
    engines = sorted(run_engines + [e for e in sources if e not in run_engines],   # the table in a fixed order
                     key=lambda e: (ENGINES.index(e.partition("/")[0]) if e.partition("/")[0] in ENGINES else 9, e))
    meta = {"timeout_per_instance": args.timeout, "jobs": args.jobs, **bench_meta.machine(),
            "versions": bench_meta.tool_versions(), "data": os.path.relpath(DATA, ROOT)}
    print(f"{len(rows)} instances x {len(run_engines)} engines at {args.timeout:g} s"
          + (f"; reused from {args.reuse}: {', '.join(sources)}" if sources else ""), flush=True)

    def work(item: tuple[dict, str]) -> None:
        row, engine = item
        res = judge(run_cli(os.path.join(DATA, row["file"]), engine, args.timeout, args.depth),
                    row["verdict"], args.timeout)
        results[(row["file"], engine)] = res
        mark = "WRONG" if res["wrong"] else "ok" if res["solved"] else "late" if res["late"] else res["status"]
        print(f"{row['file'][:62]:62} {engine:6} {mark:8} {res['wall']:7.2f}s {res.get('note', '')[:60]}",
              flush=True)

    start = time.monotonic()
    single = [e for e in run_engines if e.partition("/")[0] not in PORTFOLIOS]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(work, [(r, e) for r in rows for e in single]))
    for e in run_engines:
        if e not in single:
            for r in rows:
                work((r, e))
    total = time.monotonic() - start

    summary: dict = {e: summarise(rows, results, e, args.timeout) for e in engines}
    singles = [e for e in engines if e.partition("/")[0] not in PORTFOLIOS]
    if len(singles) > 1:
        summary["virtual_best"] = {"engines": singles, "solved": sum(
            any(results[(r["file"], e)]["solved"] for e in singles) for r in rows)}
    pdr_engine = next((e for e in engines if e.partition("/")[0] == "pdr"), None)
    overhead = query_overhead(rows, results, pdr_engine) if pdr_engine else None
    families: dict = {}
    for r in rows:
        fam = families.setdefault(r["family"], {"instances": 0, **{e: 0 for e in engines}})
        fam["instances"] += 1
        for e in engines:
            fam[e] += results[(r["file"], e)]["solved"]

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
            layouts[lay] = {"instances": len(picked), "solved": len(solved), "wrong": wrong,
                            "time_solved": round(sum(o["time"] for o in solved), 1),
                            "sat_queries": sum(o.get("sat_queries", 0) for o in outs),
                            "sat_time": round(sum(o.get("sat_time", 0) for o in outs), 1),
                            "per_instance": {r["file"]: o for r, o in zip(picked, outs)}}
            print(f"layout {lay:10}: solved {len(solved)}/{len(picked)}, wrong {wrong}", flush=True)
            summary["wrong_layouts"] = summary.get("wrong_layouts", 0) + wrong

    md = markdown(meta, engines, summary, overhead, families, sources)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump({**meta, "engines": engines, "reused": sources, "wall_total": round(total, 1),
                   "summary": summary, "query_overhead": overhead, "families": families, "layouts": layouts,
                   "instances": {f"{f}|{e}": r for (f, e), r in sorted(results.items())}}, fh, indent=1)
    md_path = os.path.splitext(args.out)[0] + ".md"
    with open(md_path, "w") as fh:
        fh.write(md)
    wrong = sum(summary[e]["wrong"] for e in engines) + summary.get("wrong_layouts", 0)
    unchecked = sum(summary[e]["unchecked"] for e in engines)
    print("\n" + md)
    print(f"wall {total:.0f}s; wrong verdicts: {wrong}; verdicts without checked evidence: {unchecked}; "
          f"results in {os.path.relpath(args.out, ROOT)} and {os.path.relpath(md_path, ROOT)}")
    for (f, e), r in sorted(results.items()):
        if r["wrong"] or (r["status"] in ("PASS", "FAIL") and not r.get("checked")):
            print(f"  {'WRONG' if r['wrong'] else 'UNCHECKED'}: {f} {e}: {r['status']}")
    return 1 if wrong or unchecked else 0


if __name__ == "__main__":
    sys.exit(main())
