"""Cycles per second of the compiled evaluator (``CompiledSystem``).

Two designs: the reference target (4 32-bit counters with a shared enable,
``r_i' = ite(en, r_i + c_i, r_i)``) and a larger datapath (16 32-bit registers
mixing add, xor, mul and ite). For each, the three simulation paths run in
this one process so their ratios are meaningful on a noisy machine:
``run_fast`` (one compiled loop over locals), ``simulate`` (per-cycle
properties, with and without recording) and ``step`` (dict API).

Prints a table, writes bench/results/evaluator_speed.json and exits 1 if
``run_fast`` on the counter design is below the 100,000 cycles/s target.
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from pathlib import Path
from typing import Callable

from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import CompiledSystem
from hwverify.semantics.system import TransitionSystem

TARGET = 100_000  # cycles/s for run_fast on the counter design (DESIGN.md)
RESULTS = Path(__file__).resolve().parent / "results" / "evaluator_speed.json"


def counter_system(registers: int = 4, width: int = 32) -> TransitionSystem:
    """``registers`` counters with a shared enable, each stepping by its own odd constant."""
    ts = TransitionSystem(f"counter{registers}x{width}")
    en = ts.add_input("en", 1)
    for i in range(registers):
        r = ts.add_state(f"r{i}", width, init=T.const(0, width))
        ts.set_next(r, T.ite(en, r + T.const(2 * i + 1, width), r))
    ts.add_assert("r0_not_magic", T.ne(ts.states[0], T.const(0xDEADBEEF, width)))
    return ts


def datapath_system(registers: int = 16, width: int = 32) -> TransitionSystem:
    """A ring of registers mixing neighbours with add, xor, mul and ite."""
    ts = TransitionSystem(f"datapath{registers}x{width}")
    a, b, sel = ts.add_input("a", width), ts.add_input("b", width), ts.add_input("sel", 1)
    regs = [ts.add_state(f"d{i}", width, init=T.const(i, width)) for i in range(registers)]
    for i, r in enumerate(regs):
        nxt = regs[(i + 1) % registers]
        mixed = (r * T.const(0x9E3779B1 + 2 * i, width) + nxt) ^ a
        bit = T.extract(r, i % width, i % width)
        ts.set_next(r, T.ite(T.xor(sel, bit), mixed, r + b))
    ts.add_assert("d0_nonzero_or_d1", T.or_(T.ne(regs[0], T.const(0, width)), T.eq(regs[1], T.const(0, width))))
    ts.add_cover("d3_small", T.ult(regs[3], T.const(16, width)))
    return ts


def best_rate(run: Callable[[], int], repeats: int) -> float:
    """Best cycles/s over ``repeats`` runs (the least disturbed by other load)."""
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        cycles = run()
        best = max(best, cycles / (time.perf_counter() - start))
    return best


def measure(system: TransitionSystem, cycles: int, repeats: int) -> dict[str, float]:
    """Cycles/s of each simulation path on ``system``, after checking they agree."""
    cs = CompiledSystem(system)
    rng = random.Random(1)
    pool = [tuple(cs.random_inputs(rng)[n] for n in cs.fast_input_names) for _ in range(4096)]
    start = time.perf_counter()
    cs.run_fast(1, pool)  # generate and compile the loop once, outside the timings
    compile_s = time.perf_counter() - start
    check_agreement(cs, pool)
    slow = max(cycles // 10, 1000)
    state0 = cs.initial_state()
    inputs0 = cs.random_inputs(rng)

    def step_loop() -> int:
        state = state0
        for _ in range(slow // 5):
            state = cs.step(state, inputs0)
        return slow // 5

    return {
        "run_fast": best_rate(lambda: (cs.run_fast(cycles, pool), cycles)[1], repeats),
        "simulate": best_rate(lambda: cs.simulate(slow, random.Random(2), record=False,
                                                  stop_on_fail=False).cycles, repeats),
        "simulate_record": best_rate(lambda: cs.simulate(slow, random.Random(2),
                                                         stop_on_fail=False).cycles, repeats),
        "step_dict": best_rate(step_loop, repeats),
        "compile_s": compile_s,
    }


def check_agreement(cs: CompiledSystem, pool: list[tuple]) -> None:
    """Refuse to time a fast path that disagrees with the checked dict API."""
    n = 200
    state = cs.initial_state()
    for k in range(n):
        state = cs.step(state, dict(zip(cs.fast_input_names, pool[k])))
    fast = dict(zip(cs.state_names, cs.run_fast(n, pool[:n])))
    if fast != state:
        raise SystemExit(f"run_fast disagrees with step on {cs.system.name}: {fast} vs {state}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=300_000, help="cycles per run_fast timing")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)

    designs = {"counter4x32": counter_system(), "datapath16x32": datapath_system()}
    rows = {name: measure(ts, args.cycles, args.repeats) for name, ts in designs.items()}

    paths = ("run_fast", "simulate", "simulate_record", "step_dict")
    print(f"{'design':<16}" + "".join(f"{p:>17}" for p in paths) + f"{'compile s':>11}")
    for name, row in rows.items():
        print(f"{name:<16}" + "".join(f"{row[p]:>17,.0f}" for p in paths) + f"{row['compile_s']:>11.4f}")
    rate = rows["counter4x32"]["run_fast"]
    ok = rate >= TARGET
    print(f"target: run_fast on counter4x32 >= {TARGET:,} cycles/s: {'met' if ok else 'MISSED'} ({rate:,.0f})")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "bench": "evaluator_speed", "unit": "cycles/s", "target": TARGET, "target_met": ok,
        "python": platform.python_version(), "machine": platform.machine(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"), "cycles": args.cycles, "repeats": args.repeats,
        "results": rows,
    }, indent=1) + "\n")
    print(f"wrote {RESULTS}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
