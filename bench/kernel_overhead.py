"""Kernel re-check cost next to engine time, on every bundled design with an ``expect:`` header.

For each design (designs/btor2, designs/verilog, designs/sv) and the FIFO through
yosys, BMC (depth 15) and k-induction (depth 20) run in-process with bitwuzla;
then the kernel checks all the evidence twice, the old way (each certificate on
its own, base obligations as k separate scripts) and the new way
(``check_evidence``: one incremental session for all bounded claims). Both must
give the same verdicts. Prints a table and writes bench/results/kernel_overhead.json
with engine time, kernel times and (engine + kernel) / engine per design, and the
median and max of that ratio.

``--solvers`` also times each kernel solver on each obligation kind (bounded
session, step, safety; with/without arrays) over the same evidence: the
measurement behind ``kernel/smt.py``'s PREFERENCE table.

    .venv/bin/python bench/kernel_overhead.py [--solvers] [--only NAME] [--no-old]
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from hwverify.formats import smtlib  # noqa: E402
from hwverify.frontend.load import load_system  # noqa: E402
from hwverify.kernel import check_certificate, check_evidence, check_trace  # noqa: E402
from hwverify.kernel.bounded import build_bounded, decide_bounded  # noqa: E402
from hwverify.kernel.check import _induction_obligations, _prepare  # noqa: E402
from hwverify.kernel.flatten import uses_arrays_after  # noqa: E402
from hwverify.kernel.flatten import flatten_system  # noqa: E402
from hwverify.kernel.smt import KERNEL_SOLVERS, decide_with_fallback  # noqa: E402
from hwverify.prover.registry import make_engine  # noqa: E402
from hwverify.prover.result import EngineOptions  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "results", "kernel_overhead.json")
EXPECT = re.compile(r"^\W*expect:\s*(pass|fail)(?:\s+depth=(\d+))?\s*$", re.M)
RUNS = (("bmc", "bmc", 15), ("kind", "prove", 20))


def expectation(path: str) -> str | None:
    """The ``expect:`` header of a design (as hwverify/demo.py reads it)."""
    with open(path, errors="replace") as fh:
        m = EXPECT.search(fh.read(2000))
    return m.group(1) if m else None


def top_of(path: str) -> str | None:
    """The ``top:`` header of a Verilog file, else its last module (as hwverify/demo.py)."""
    with open(path, errors="replace") as fh:
        text = fh.read()
    m = re.search(r"top:\s*(\w+)", text[:2000])
    if m:
        return m.group(1)
    modules = re.findall(r"^\s*module\s+(\w+)", text, re.M)
    return modules[-1] if modules else None


def designs() -> list[tuple[str, dict]]:
    """(label, load_system keyword arguments) of every bundled design with an expectation."""
    out = []
    paths = (sorted(glob.glob(os.path.join(ROOT, "designs/btor2/*.btor2")))
             + sorted(glob.glob(os.path.join(ROOT, "designs/verilog/*.v")))
             + sorted(glob.glob(os.path.join(ROOT, "designs/sv/*.sv"))))
    for path in paths:
        if expectation(path) is None:
            continue
        kw: dict = {"paths": [path]}
        if path.endswith((".v", ".sv")):
            kw["top"] = top_of(path) or os.path.splitext(os.path.basename(path))[0]
            with open(path, errors="replace") as fh:
                if "multiclock: on" in fh.read(500):
                    kw["multiclock"] = True
        out.append((os.path.relpath(path, ROOT), kw))
    out.append(("designs/verilog/fifo.v (yosys)", {"paths": [os.path.join(ROOT, "designs/verilog/fifo.v")],
                                                   "top": "fifo", "frontend": "yosys"}))
    return out


def evidence(result) -> list:
    items = []
    for p in result.properties:
        if p.certificate is not None:
            items.append(p.certificate)
        elif p.trace is not None:
            items.append(p.trace)
    return items


def old_path(system, items) -> list[bool]:
    """What the CLI did before check_evidence: each item on its own, base_j as separate scripts."""
    decided: dict[str, str] = {}
    out = []
    for it in items:
        if hasattr(it, "invariant"):
            out.append(check_certificate(system, it, decided=decided, incremental=False).ok)
        else:
            out.append(check_trace(system, it).ok)
    return out


def timed(fn, repeat: int = 1):
    best, value = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        t = time.perf_counter() - start
        best = t if best is None else min(best, t)
    return best, value


def solver_times(system, items, per_query: float, table: dict) -> None:
    """Add each solver's time on this evidence's bounded sessions, steps and safeties to ``table``."""
    certs = [c for c in items if hasattr(c, "invariant")]
    if not certs:
        return
    flat = flatten_system(system)
    arrays = uses_arrays_after(system, flat)
    claimed = [c for c in (_prepare(system, cert, None, arrays, "bounded") for cert in certs)
               if not hasattr(c, "ok")]
    depth: dict = {}
    for c in claimed:
        depth[c.invariant] = max(depth.get(c.invariant, 0), c.cert.k)
    jobs = []
    if depth:
        script = build_bounded(system, list(depth.items()))
        jobs.append(("bounded", lambda s, script=script: decide_bounded(script, [s], per_query)))
    seen = set()
    for c in claimed:
        if c.cert.bounded:
            continue
        for ob in _induction_obligations(system, c, flat):
            text = smtlib.script([ob.formula], check=False)
            if text in seen:
                continue
            seen.add(text)
            jobs.append((ob.name, lambda s, text=text: decide_with_fallback(text, [s], per_query)))
    for kind, job in jobs:
        row = table.setdefault(f"{kind}, {'arrays' if arrays else 'no arrays'}",
                               {s: {"time": 0.0, "unanswered": 0, "cases": 0} for s in KERNEL_SOLVERS})
        for s in KERNEL_SOLVERS:
            t, out = timed(lambda: job(s))
            answers = [a for a in out.answers for a in a] if hasattr(out, "answers") else [out[0]]
            row[s]["time"] += t
            row[s]["cases"] += 1
            row[s]["unanswered"] += sum(a not in ("sat", "unsat") for a in answers)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--solvers", action="store_true", help="also time every kernel solver per obligation kind")
    ap.add_argument("--only", default=None, help="only designs whose label contains this")
    ap.add_argument("--no-old", action="store_true", help="skip the old (one-by-one) path")
    ap.add_argument("--per-query", type=float, default=10.0, help="seconds per solver query in --solvers")
    ap.add_argument("--engine-timeout", type=float, default=60.0,
                    help="seconds per engine run (BMC of mem_anyconst.sv takes 20 s at depth 10 and doubles per step)")
    args = ap.parse_args()
    rows = []
    solvers: dict = {}
    print(f"{'design':44} {'engine':6} {'items':>5} {'engine s':>9} {'old s':>8} {'new s':>8} "
          f"{'(e+k)/e':>8} agree", flush=True)
    for label, kw in designs():
        if args.only and args.only not in label:
            continue
        try:
            system = load_system(**kw)
        except Exception as e:  # noqa: BLE001 - report and go on with the other designs
            print(f"{label:44} cannot load: {str(e).splitlines()[0][:80]}", flush=True)
            continue
        for name, mode, depth in RUNS:
            opts = EngineOptions(solver="bitwuzla", timeout=args.engine_timeout)
            engine_t, result = timed(lambda: make_engine(name, system, opts, mode).check(depth), repeat=2)
            items = evidence(result)
            new_t, new = timed(lambda: check_evidence(system, items), repeat=2)
            old_t, old = (None, None) if args.no_old else timed(lambda: old_path(system, items))
            new_ok = [r.ok for r in new]
            agree = old is None or old == new_ok
            ratio = (engine_t + new_t) / engine_t
            rows.append({"design": label, "engine": name, "depth": depth, "status": result.status,
                         "items": len(items), "certificates": sum(hasattr(i, "invariant") for i in items),
                         "engine_time": round(engine_t, 4), "kernel_time_old": None if old_t is None else
                         round(old_t, 4), "kernel_time_new": round(new_t, 4), "ratio_new": round(ratio, 3),
                         "ratio_old": None if old_t is None else round((engine_t + old_t) / engine_t, 3),
                         "verified": new_ok, "old_new_agree": agree,
                         "kernel_solvers": sorted({r.solver for r in new if r.solver})})
            print(f"{label:44} {name:6} {len(items):5} {engine_t:9.3f} "
                  f"{'-' if old_t is None else f'{old_t:8.3f}':>8} {new_t:8.3f} {ratio:8.2f} "
                  f"{'yes' if agree else 'NO'}{'' if all(new_ok) else ' (rejected: ' + str(new_ok) + ')'}",
                  flush=True)
            if args.solvers:
                solver_times(system, items, args.per_query, solvers)
    ratios = [r["ratio_new"] for r in rows]
    summary = {"median_ratio_new": round(statistics.median(ratios), 3) if ratios else None,
               "max_ratio_new": round(max(ratios), 3) if ratios else None,
               "targets": {"median": 1.5, "max": 3.0}}
    # below ~50 ms of engine time the ratio measures fixed costs (solver start-up), not the kernel's work
    big = [r["ratio_new"] for r in rows if r["engine_time"] >= 0.05]
    if big:
        summary.update(median_ratio_new_engine_50ms=round(statistics.median(big), 3),
                       max_ratio_new_engine_50ms=round(max(big), 3), rows_engine_50ms=len(big))
    with_certs = [r for r in rows if r["certificates"]]
    summary["kernel_time_new_total"] = round(sum(r["kernel_time_new"] for r in rows), 3)
    summary["engine_time_total"] = round(sum(r["engine_time"] for r in rows), 3)
    summary["rows"] = len(rows)
    summary["rows_with_certificates"] = len(with_certs)
    olds = [r["ratio_old"] for r in rows if r["ratio_old"] is not None]
    if olds:
        summary.update(median_ratio_old=round(statistics.median(olds), 3), max_ratio_old=round(max(olds), 3),
                       kernel_time_old_total=round(sum(r["kernel_time_old"] for r in rows
                                                       if r["kernel_time_old"] is not None), 3))
    print(json.dumps(summary))
    data = {"machine": os.uname().machine, "cpus": os.cpu_count(), "rows": rows, "summary": summary}
    if args.solvers:
        for row in solvers.values():
            for v in row.values():
                v["time"] = round(v["time"], 3)
        data["solvers"] = solvers
        for kind, row in sorted(solvers.items()):
            print(f"{kind:28} " + "  ".join(f"{s} {v['time']:7.3f} s ({v['unanswered']} unanswered)"
                                             for s, v in row.items()))
    if not args.only:
        os.makedirs(os.path.dirname(OUT), exist_ok=True)
        with open(OUT, "w") as fh:
            json.dump(data, fh, indent=1)
            fh.write("\n")
    return 0 if all(r["old_new_agree"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
