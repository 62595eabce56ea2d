"""Speed of cosim against Icarus alone, on the same designs, in the same run.

For each bundled design, at ``--cycles`` (default 10,000) cycles, wall time of
* ``icarus``     — Icarus alone: a plain Verilog testbench reads a stimulus
  file with ``$fscanf`` and prints every register and output each cycle (no
  model, no comparison; ``hwverify.cosim.icarus.run_icarus``);
* ``cosim``      — ``hwverify cosim`` as it runs by default (``batch_cosim``:
  stimulus drawn against the model's assumptions, ``$readmemh`` testbench,
  values dumped with ``$fwrite`` and compared with the evaluator afterwards);
* ``lockstep``   — the cocotb lock-step harness (``--harness cocotb``), for reference.
Each is the time of an N-cycle run minus that of a 1-cycle run of the same
kind (compiling, lowering and simulator start-up cancel out), the median of
``--repeat`` runs; ``*_total`` keeps the whole N-cycle wall time.
Prints a table and writes ``bench/results/cosim_speed.json``.

    .venv/bin/python bench/cosim_speed.py [--cycles 10000] [--repeat 3] [--no-cocotb] [designs ...]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hwverify.cosim.batch import batch_cosim  # noqa: E402
from hwverify.cosim.icarus import run_icarus  # noqa: E402
from hwverify.cosim.runner import cosim  # noqa: E402
from hwverify.frontend.verilog.lower import lower_verilog_info  # noqa: E402

DESIGNS = ["counter", "fifo", "pipe_mul", "arbiter", "sat_counter", "lfsr", "alu", "handshake", "fsm_onehot"]


def stimulus(info, cycles: int, seed: int) -> list[dict[str, int]]:
    rng = random.Random(seed)
    return [{n: (1 if k < 2 else int(rng.random() < 0.02)) if n in ("rst",) else rng.getrandbits(w)
             for n, w in info.inputs} for k in range(cycles)]


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_icarus(path: str, top: str, cycles: int) -> tuple[float, float]:
    rtl, info = lower_verilog_info([path], top, formal=False)   # what Icarus has without FORMAL
    signals = [(n, rtl.signals[n].sort.width) for n in info.registers + [o for o, _ in info.outputs]
               if n in rtl.signals and n not in info.memories]
    seq = stimulus(info, cycles, 1)
    one = timed(lambda: run_icarus([path], info, signals, {}, seq[:1]))
    full = timed(lambda: run_icarus([path], info, signals, {}, seq))
    return full - one, full


def bench_cosim(path: str, top: str, cycles: int) -> tuple[float, float]:
    def run(n: int) -> None:
        res = batch_cosim([path], top, cycles=n, seed=1)
        assert res.status == "pass", res.summary()
    one, full = timed(lambda: run(1)), timed(lambda: run(cycles))
    return full - one, full


def bench_lockstep(path: str, top: str, cycles: int, work: str) -> tuple[float, float]:
    def run(n: int) -> None:
        res = cosim([path], top, cycles=n, seed=1, work_dir=os.path.join(work, f"{top}-{n}"))
        assert res.status == "pass", res.summary()
    one, full = timed(lambda: run(1)), timed(lambda: run(cycles))
    return full - one, full


def median_of(repeat: int, fn) -> tuple[float, float]:
    runs = [fn() for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cycles", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-cocotb", action="store_true", help="skip the cocotb lock-step reference")
    ap.add_argument("designs", nargs="*", default=DESIGNS)
    args = ap.parse_args()
    rows = []
    work = tempfile.mkdtemp(prefix="hwverify-cosim-bench-")
    for name in args.designs:
        path = str(ROOT / "designs" / "verilog" / f"{name}.v")
        row: dict = {"design": name, "cycles": args.cycles}
        row["icarus_s"], row["icarus_total_s"] = median_of(args.repeat, lambda: bench_icarus(path, name, args.cycles))
        row["cosim_s"], row["cosim_total_s"] = median_of(args.repeat, lambda: bench_cosim(path, name, args.cycles))
        row["cosim_vs_icarus"] = row["cosim_s"] / max(1e-9, row["icarus_s"])
        row["cosim_total_vs_icarus_total"] = row["cosim_total_s"] / max(1e-9, row["icarus_total_s"])
        line = (f"{name:12s} icarus {row['icarus_s']:.3f}s  cosim {row['cosim_s']:.3f}s  "
                f"=> {row['cosim_vs_icarus']:.2f}x (whole runs: {row['icarus_total_s']:.2f}s vs "
                f"{row['cosim_total_s']:.2f}s, {row['cosim_total_vs_icarus_total']:.2f}x)")
        if not args.no_cocotb:
            row["lockstep_s"], row["lockstep_total_s"] = bench_lockstep(path, name, args.cycles, work)
            row["lockstep_vs_icarus"] = row["lockstep_s"] / max(1e-9, row["icarus_s"])
            line += f"  cocotb lock step {row['lockstep_s']:.2f}s => {row['lockstep_vs_icarus']:.1f}x"
        rows.append(row)
        print(line, flush=True)
    worst = max(r["cosim_vs_icarus"] for r in rows)
    out = ROOT / "bench" / "results" / "cosim_speed.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                               "note": "seconds for N cycles beyond a 1-cycle run of the same kind (median of "
                                       f"{args.repeat}); *_total_s: the whole N-cycle run",
                               "worst_cosim_vs_icarus": worst, "rows": rows}, indent=1))
    print(f"worst cosim/Icarus ratio {worst:.2f}x; wrote {out}")


if __name__ == "__main__":
    main()
