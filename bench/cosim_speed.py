"""Speed of the lock-step cross-check against its parts, on the same design and stimulus.

For each design: cycles per second of
* ``icarus``   — Icarus alone: a plain Verilog testbench reads the stimulus file (no cocotb);
* ``cocotb``   — Icarus driven by cocotb with the same timing as cosim, no model, no comparison;
* ``cosim``    — the full lock-step check (``hwverify.cosim.lockstep``);
* ``evaluator``— the model alone: ``CompiledSystem.observe`` + ``step`` per cycle (what cosim does),
  and ``run_fast`` (the evaluator's throughput mode).
Simulator start-up (about 0.4 s) is excluded by timing inside the simulation
for cocotb and cosim and by subtracting a 1-cycle run for Icarus alone.
Prints a table and writes ``bench/results/cosim_speed.json``.

    .venv/bin/python bench/cosim_speed.py [--cycles 20000] [designs ...]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hwverify.cosim.common import CosimConfig  # noqa: E402
from hwverify.cosim.runner import cosim, run_module  # noqa: E402
from hwverify.frontend.verilog.lower import lower_verilog_info  # noqa: E402
from hwverify.cosim.icarus import run_icarus  # noqa: E402
from hwverify.semantics.evaluate import CompiledSystem  # noqa: E402

DESIGNS = ["counter", "fifo", "pipe_mul", "arbiter"]


def stimulus(info, cycles: int, seed: int) -> list[dict[str, int]]:
    rng = random.Random(seed)
    return [{n: (1 if k < 2 else int(rng.random() < 0.02)) if n in ("rst",) else rng.getrandbits(w)
             for n, w in info.inputs} for k in range(cycles)]


def bench_icarus(path: str, info, system, cycles: int) -> float:
    rtl, rtl_info = lower_verilog_info([path], info.top, formal=False)   # what Icarus has without FORMAL
    signals = [(n, rtl.signals[n].sort.width) for n in rtl_info.registers + [o for o, _ in rtl_info.outputs]
               if n in rtl.signals and n not in rtl_info.memories]
    seq = stimulus(info, cycles, 1)
    t0 = time.perf_counter()
    run_icarus([path], info, signals, {}, seq[:1])
    t1 = time.perf_counter()
    run_icarus([path], info, signals, {}, seq)
    t2 = time.perf_counter()
    return cycles / max(1e-9, (t2 - t1) - (t1 - t0))


def bench_evaluator(system, info, cycles: int) -> tuple[float, float]:
    cs = CompiledSystem(system)
    rng = random.Random(1)
    state = cs.initial_state(rng=rng)
    ins = [cs.random_inputs(rng) for _ in range(cycles)]
    t0 = time.perf_counter()
    for inp in ins:
        cs.observe(state, inp)
        state = cs.step(state, inp)
    t1 = time.perf_counter()
    tuples = [tuple(i[n] for n in cs.fast_input_names) for i in ins]
    t2 = time.perf_counter()
    cs.run_fast(cycles, tuples)
    t3 = time.perf_counter()
    return cycles / (t1 - t0), cycles / (t3 - t2)


def bench_cocotb(path: str, top: str, cycles: int, work: str) -> float:
    cfg = CosimConfig(files=[path], top=top, cycles=cycles, seed=1)
    data, _ = run_module(cfg, "hwverify.cosim.drive_only", work)
    return data["cycles"] / data["seconds"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cycles", type=int, default=20000)
    ap.add_argument("designs", nargs="*", default=DESIGNS)
    args = ap.parse_args()
    rows = []
    work = tempfile.mkdtemp(prefix="hwverify-cosim-bench-")
    for name in args.designs:
        path = str(ROOT / "designs" / "verilog" / f"{name}.v")
        system, info = lower_verilog_info([path], name)
        row = {"design": name, "cycles": args.cycles}
        row["icarus"] = bench_icarus(path, info, system, args.cycles)
        row["cocotb"] = bench_cocotb(path, name, args.cycles, os.path.join(work, name + "-drive"))
        res = cosim([path], name, cycles=args.cycles, seed=1, work_dir=os.path.join(work, name))
        assert res.status == "pass", res.summary()
        row["cosim"] = args.cycles / res.data["loop_seconds"]
        row["evaluator_step"], row["evaluator_fast"] = bench_evaluator(system, info, args.cycles)
        row["cosim_vs_icarus"] = row["icarus"] / row["cosim"]
        row["cosim_vs_cocotb"] = row["cocotb"] / row["cosim"]
        rows.append(row)
        print(f"{name:10s} icarus {row['icarus']:>10.0f}  cocotb {row['cocotb']:>8.0f}  cosim {row['cosim']:>8.0f}  "
              f"eval(step) {row['evaluator_step']:>8.0f}  eval(fast) {row['evaluator_fast']:>9.0f} cycles/s  "
              f"slowdown vs icarus {row['cosim_vs_icarus']:.1f}x, vs cocotb-only {row['cosim_vs_cocotb']:.2f}x",
              flush=True)
    out = ROOT / "bench" / "results" / "cosim_speed.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                               "note": "cycles/s; cosim and cocotb timed inside the simulation (start-up excluded)",
                               "rows": rows}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
