"""Solver back ends on a BMC-style unrolling of a counter with a free enable.

The formula is built directly from terms, one fresh variable per frame as the
unroller makes them: ``c@0 = 0`` and ``c@k+1 = ite(en@k, c@k + 1, c@k)`` for
``k < steps``, then the question ``c@steps == target``:

* ``reach``:   target ``steps * 3 // 4`` is reachable (SAT; the model is checked);
* ``unreach``: target ``steps + 1`` is not (UNSAT);
* ``incr``:    the engine pattern: frames added one at a time, each step checked
  under the assumption ``c@k == steps + 1`` (``steps`` UNSAT checks).

Every back end runs in this one process, one after the other, so ratios are
meaningful on a noisy machine; each case runs ``--repeats`` times with a fresh
solver and the best and worst seconds are reported (conversion included, term
building not: it is shared and timed once). Prints a table and writes
bench/results/solver_speed.json.

    python bench/solver_speed.py [--steps 200] [--width 16] [--repeats 3] [--timeout 60] [--solvers a,b]
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hwverify.prover.solvers import SAT, UNSAT, available_solvers, make_solver  # noqa: E402
from hwverify.semantics import terms as T  # noqa: E402
from hwverify.semantics.terms import BV, Term  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "solver_speed.json"


def unroll(steps: int, width: int) -> tuple[list[Term], list[Term], list[Term]]:
    """Counter frames ``c``, enables ``en`` and the per-frame constraints (init first)."""
    c = [T.var(f"c@{k}", BV(width)) for k in range(steps + 1)]
    en = [T.var(f"en@{k}", BV(1)) for k in range(steps)]
    frames = [T.eq(c[0], T.const(0, width))]
    frames += [T.eq(c[k + 1], T.ite(en[k], T.add(c[k], T.const(1, width)), c[k])) for k in range(steps)]
    return c, en, frames


def run_monolithic(name: str, timeout: float, c: list[Term], en: list[Term], frames: list[Term],
                   target: int, expected: str) -> tuple[str, float]:
    start = time.perf_counter()
    with make_solver(name, timeout=timeout) as s:
        for f in frames:
            s.add(f)
        s.add(T.eq(c[-1], T.const(target, c[-1].width)))
        answer = s.check()
        elapsed = time.perf_counter() - start
        if answer == SAT:  # the model must really count to the target
            enabled = sum(s.value(e) for e in en)
            if enabled != target or s.value(c[-1]) != target:
                raise SystemExit(f"{name}: wrong model ({enabled} enables for target {target})")
    if answer not in (expected, "unknown"):
        raise SystemExit(f"{name}: answered {answer}, expected {expected}")
    return answer, elapsed


def run_incremental(name: str, timeout: float, c: list[Term], frames: list[Term]) -> tuple[str, float]:
    """Frame by frame, a check per step under an assumption; stops at the first non-UNSAT."""
    width = c[0].width
    start = time.perf_counter()
    with make_solver(name, timeout=timeout) as s:
        s.add(frames[0])
        for k in range(1, len(c)):
            s.add(frames[k])
            answer = s.check([T.eq(c[k], T.const(len(c), width))])
            if answer != UNSAT or time.perf_counter() - start > timeout:
                return answer if answer != UNSAT else "unknown", time.perf_counter() - start
    return UNSAT, time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--width", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per check (and per incr run)")
    ap.add_argument("--solvers", default=",".join(available_solvers()))
    args = ap.parse_args()
    if args.steps + 1 >= 1 << args.width:
        ap.error("the counter must not wrap: need steps + 1 < 2**width")

    t = time.perf_counter()
    c, en, frames = unroll(args.steps, args.width)
    build = time.perf_counter() - t
    cases = {
        "reach": lambda n: run_monolithic(n, args.timeout, c, en, frames, args.steps * 3 // 4, SAT),
        "unreach": lambda n: run_monolithic(n, args.timeout, c, en, frames, args.steps + 1, UNSAT),
        "incr": lambda n: run_incremental(n, args.timeout, c, frames),
    }
    rows = []
    for name in args.solvers.split(","):
        for case, run in cases.items():
            times, answers = [], set()
            for _ in range(args.repeats):
                answer, seconds = run(name)
                times.append(seconds)
                answers.add(answer)
            rows.append({"solver": name, "case": case, "answer": "/".join(sorted(answers)),
                         "best": round(min(times), 4), "worst": round(max(times), 4)})
            print(f"  {name:9} {case:8} {rows[-1]['answer']:8} {min(times):8.3f} {max(times):8.3f}", file=sys.stderr)

    print(f"{args.steps}-step counter, {args.width} bits; terms built in {build * 1000:.1f} ms; "
          f"best/worst of {args.repeats} runs, seconds")
    print(f"{'solver':10}" + "".join(f"{case:>22}" for case in cases))
    for name in args.solvers.split(","):
        cells = []
        for case in cases:
            r = next(r for r in rows if r["solver"] == name and r["case"] == case)
            cells.append(f"{r['answer']:>8} {r['best']:6.3f}-{r['worst']:<6.3f}")
        print(f"{name:10}" + "".join(f"{cell:>22}" for cell in cells))

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "steps": args.steps, "width": args.width, "repeats": args.repeats, "timeout": args.timeout,
        "build_seconds": round(build, 4), "python": platform.python_version(), "machine": platform.machine(),
        "results": rows,
    }, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
