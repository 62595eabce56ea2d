"""cocotb test module: apply conformance vectors to a core through a user's driver.

Run by ``hwverify.cosim.conformance.run_conformance`` (never by hand): it
reads the vectors and the driver's name from ``conformance.json`` beside the
cosim config, starts the clock, runs the reset routine once, then awaits
``driver(dut, inputs)`` for each vector in order and records what it
returned (or the exception it raised). Nothing is compared here: the golden
model and the comparison stay in the test's process.

Drivers use ``Bench`` for the clocking conventions: inputs are written right
after a rising edge and outputs read at a rising edge, before that edge's
register updates land, i.e. the values the design held during the cycle
that just ended.
"""
from __future__ import annotations

import json
import os
import time
import traceback

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge

from hwverify.cosim.common import CosimConfig, write_result
from hwverify.cosim.conformance import VECTORS_FILE, decode, encode, resolve_ref


class Bench:
    """The clock of a running conformance test and cycle-level helpers for drivers."""

    def __init__(self, dut, clock: str | None):
        self.dut = dut
        self.clk = getattr(dut, clock) if clock else None

    async def tick(self, n: int = 1) -> None:
        """Wait for ``n`` rising edges."""
        for _ in range(n):
            await RisingEdge(self.clk)

    async def pulse(self, signal, cycles: int = 1) -> None:
        """Hold ``signal`` at 1 for ``cycles`` clock cycles, then 0."""
        signal.value = 1
        await self.tick(cycles)
        signal.value = 0

    async def wait_for(self, signal, value: int = 1, limit: int = 10_000) -> int:
        """Wait for a rising edge at which ``signal`` reads ``value``; return the edges waited.

        Raises ``TimeoutError`` naming the signal after ``limit`` edges: a
        core that never finishes is a failed vector, not a hung test run.
        """
        for k in range(1, limit + 1):
            await RisingEdge(self.clk)
            if signal.value.is_resolvable and int(signal.value) == value:
                return k
        raise TimeoutError(f"{signal._name} did not become {value} within {limit} clock cycles")


def read_int(signal) -> int:
    """The signal's value as an unsigned int; x/z bits are an error naming the signal."""
    v = signal.value
    if not v.is_resolvable:
        raise ValueError(f"{signal._name} has x/z bits: {v}")
    return int(v)


def read_bytes(signal, n: int | None = None) -> bytes:
    """The signal as big-endian bytes (bit [width-1] is the first byte's MSB)."""
    width = len(signal)
    return read_int(signal).to_bytes(n if n is not None else (width + 7) // 8, "big")


def _driver_frame(e: BaseException) -> str:
    """`` (file:line)`` of the innermost frame of the driver's own code (not this module's helpers, not cocotb)."""
    frames = [f for f in traceback.extract_tb(e.__traceback__)
              if os.path.abspath(f.filename) != os.path.abspath(__file__) and f"{os.sep}cocotb{os.sep}" not in f.filename]
    return f" ({os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""


@cocotb.test()
async def conformance(dut):
    """Run every vector through the driver; record the core's answers for the comparison."""
    cfg = CosimConfig.load()
    t0 = time.perf_counter()
    try:
        with open(os.path.join(os.path.dirname(os.environ["HWVERIFY_COSIM_CONFIG"]), VECTORS_FILE)) as fh:
            spec = json.load(fh)
        driver = resolve_ref(spec["driver"])
        reset = resolve_ref(spec["reset"]) if spec.get("reset") else None
    except Exception as e:  # noqa: BLE001 - reported to the runner, which raises it there
        write_result(cfg, {"status": "error", "error": f"{type(e).__name__}: {e}"})
        raise
    bench = Bench(dut, spec.get("clock"))
    if bench.clk is not None:
        cocotb.start_soon(Clock(bench.clk, spec.get("period_ns", 10), unit="ns").start())
    results, stopped = [], None
    try:
        if reset is not None:
            await reset(dut, bench)
    except Exception as e:  # noqa: BLE001
        stopped = f"reset failed: {type(e).__name__}: {e}"
    if stopped is None:
        for vec in spec["vectors"]:
            try:
                actual = await driver(dut, bench, decode(vec["inputs"]))
                results.append({"actual": encode(actual)})
            except Exception as e:  # noqa: BLE001 - one vector's failure is that vector's outcome
                where = _driver_frame(e)
                results.append({"error": f"{type(e).__name__}: {e}{where}"})
                if isinstance(e, TimeoutError):
                    stopped = f"vector {vec['name']!r} timed out; the core's state is unknown after it"
                    break
    write_result(cfg, {"status": "done", "results": results, "stopped": stopped,
                       "seconds": time.perf_counter() - t0})
