"""Formal checks as pytest tests: ``prove(dut)`` and ``bmc(dut, depth)``.

``dut`` is an Amaranth ``Elaboratable`` (instance or class built without
arguments) or an already lowered ``TransitionSystem``. Both return the
engine's ``Result`` when it is what the test wants (every assertion PASS),
and otherwise raise ``AssertionError`` whose message names each property
that did not pass, with its source location, and prints the counterexample
as a table (one row per signal, one column per step)::

    from hwverify.testing import prove
    from mydesign import Fifo

    def test_fifo():
        prove(Fifo(depth=4), depth=20)

Evidence is re-checked by the kernel (``check=False`` skips it). As with
SBY's smtbmc, assertions that are not inductive on their own are proved as
one conjunction (each may rely on the others): k-induction does that itself.
"""
from __future__ import annotations

import io
import re
from typing import Any

from hwverify.prover.result import FAIL, PASS, EngineOptions, Result
from hwverify.semantics.system import TransitionSystem

__all__ = ["prove", "bmc", "lower", "format_failure"]

_INTERNAL = re.compile(r"^(state|input)\d+$|^[$_]|(^|\.)\$")


def lower(dut: Any) -> TransitionSystem:
    """``dut`` as a TransitionSystem (lowering an Amaranth design through yosys)."""
    if isinstance(dut, TransitionSystem):
        return dut
    from hwverify.frontend.amaranth import lower_amaranth
    return lower_amaranth(dut)


def _check(system: TransitionSystem, result: Result) -> None:
    from hwverify.cli import check_evidence
    check_evidence(system, result, None)


def format_failure(system: TransitionSystem, result: Result, max_signals: int = 60) -> str:
    """Each property that did not pass, then its counterexample as a table."""
    from hwverify.report.console import print_trace
    from hwverify.semantics.replay import annotate_trace
    lines = [f"{result.status} ({result.engine}, {result.solver}) for {system.name}:"]
    tables = []
    for p in result.properties:
        if p.status == PASS:
            continue
        where = f" at {p.loc}" if p.loc else ""
        step = f" in step {p.depth}" if p.status == FAIL and p.depth is not None else ""
        why = f": {p.reason}" if p.reason else ""
        lines.append(f"  {p.kind} {p.name}{where}: {p.status}{step}{why}")
        if p.trace is not None:
            annotate_trace(system, p.trace)
            names = sorted({n for f in p.trace.signals for n in f if not _INTERNAL.search(n)})[:max_signals]
            out = io.StringIO()
            print_trace(p.trace, out=out, names=names)
            tables.append(out.getvalue())
    return "\n".join(lines + tables)


def _run(dut: Any, engine: str, depth: int, solver: str, check: bool, timeout: float | None) -> Result:
    from hwverify.prover.registry import make_engine
    system = lower(dut)
    options = EngineOptions(solver=solver, timeout=timeout)
    result = make_engine(engine, system, options, mode="prove").check(depth)
    if check:
        _check(system, result)
    if result.status != PASS:
        raise AssertionError(format_failure(system, result))
    return result


def prove(dut: Any, depth: int = 20, engine: str = "kind", *, solver: str = "bitwuzla",
          check: bool = True, timeout: float | None = None) -> Result:
    """Prove every assertion of ``dut`` (k-induction up to ``depth``); raise AssertionError otherwise."""
    return _run(dut, engine, depth, solver, check, timeout)


def bmc(dut: Any, depth: int, *, solver: str = "bitwuzla", check: bool = True,
        timeout: float | None = None) -> Result:
    """Check every assertion of ``dut`` for steps 0..``depth``; raise AssertionError on a counterexample."""
    return _run(dut, "bmc", depth, solver, check, timeout)
