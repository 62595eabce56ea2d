"""Formal checks as pytest tests: ``prove(dut)``, ``bmc(dut, depth)`` and ``secure(dut, secret=, public=)``.

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

They go through the run layer like the CLI (``hwverify.run.verify``): the
engine runs in a worker process (``isolate=False`` keeps it in-process) and
evidence is re-checked by the kernel (``check=False`` skips it). As with
SBY's smtbmc, assertions that are not inductive on their own are proved as
one conjunction (each may rely on the others): k-induction does that itself.

``secure`` checks noninterference (``hwverify secure``, docs/crypto.md): the
``public`` signals never depend on the ``secret`` inputs/registers (while
``when`` holds, with ``release`` declassified). ``dut`` may also be Verilog
files (a path or a list, with ``top=``)::

    def test_key_isolation():
        secure(["rtl/aes.v"], top="aes", secret=["key"], public=["dout"], when="!done")

``expect="fail"`` turns it round for a planted leak: it returns the result
when the leak is found (a kernel-replayed trace of two runs) and raises when
it is not.
"""
from __future__ import annotations

import io
from typing import Any, Sequence

from hwverify.frontend.amaranth import lower_amaranth
from hwverify.prover.result import FAIL, PASS, Mode, Result
from hwverify.report.console import print_trace, visible_signals
from hwverify.run.session import RunResult, verify
from hwverify.run.task import Secure, Task
from hwverify.semantics.replay import annotate_trace
from hwverify.semantics.system import TransitionSystem

__all__ = ["prove", "bmc", "secure", "lower", "format_failure"]


def lower(dut: Any) -> TransitionSystem:
    """``dut`` as a TransitionSystem (lowering an Amaranth design through yosys)."""
    if isinstance(dut, TransitionSystem):
        return dut
    return lower_amaranth(dut)


def format_failure(system: TransitionSystem, result: Result, max_signals: int = 60) -> str:
    """Each property that did not pass, then its counterexample as a table."""
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
            names = visible_signals(sorted({n for f in p.trace.signals for n in f}))[:max_signals]
            out = io.StringIO()
            print_trace(p.trace, out=out, names=names, system=system)
            tables.append(out.getvalue())
    return "\n".join(lines + tables)


def _run(dut: Any, mode: Mode, engine: str | None, depth: int, solver: str, check: bool,
         timeout: float | None, isolate: bool) -> Result:
    system = lower(dut)
    return _verdict(Task(system=system, mode=mode, engine=engine, depth=depth, solver=solver, check=check,
                         timeout=timeout, isolate=isolate, name=system.name))


def _verdict(task: Task, want: str = PASS) -> Result:
    """Run ``task``; its result if the verdict is ``want``, else raise (a user error as itself)."""
    run: RunResult = verify(task)
    if run.error is not None:
        raise run.error
    if run.status != want:
        if want == FAIL:
            raise AssertionError(f"expected a leak, got {run.status} for {task.name}: "
                                 + "; ".join(f"{p.name}: {p.status}{' (' + p.reason + ')' if p.reason else ''}"
                                             for p in run.properties))
        raise AssertionError(format_failure(run.system, run.result))
    return run.result


def prove(dut: Any, depth: int = 20, engine: str = "kind", *, solver: str = "bitwuzla",
          check: bool = True, timeout: float | None = None, isolate: bool = True) -> Result:
    """Prove every assertion of ``dut`` (k-induction up to ``depth``); raise AssertionError otherwise."""
    return _run(dut, Mode.PROVE, engine, depth, solver, check, timeout, isolate)


def bmc(dut: Any, depth: int, *, solver: str = "bitwuzla", check: bool = True,
        timeout: float | None = None, isolate: bool = True) -> Result:
    """Check every assertion of ``dut`` for steps 0..``depth``; raise AssertionError on a counterexample."""
    return _run(dut, Mode.BMC, "bmc", depth, solver, check, timeout, isolate)


def secure(dut: Any, secret: Sequence[str], public: Sequence[str], *, when: str | None = None,
           release: Sequence[str] = (), top: str | None = None, defines: dict[str, str] | None = None,
           assumes: Sequence[str] = (), depth: int = 20, engine: str | None = None, solver: str = "bitwuzla",
           check: bool = True, timeout: float | None = None, isolate: bool = True, expect: str = "pass") -> Result:
    """Prove ``public`` never depends on ``secret`` (noninterference); raise AssertionError otherwise.

    ``dut`` is what ``prove`` takes, or Verilog/SystemVerilog files (a path or a list of paths). With
    ``expect="fail"`` the leak must be found: the FAIL result is returned, anything else raises.
    """
    if isinstance(dut, str) or (isinstance(dut, (list, tuple)) and dut and all(isinstance(d, str) for d in dut)):
        source: dict[str, Any] = {"design": [dut] if isinstance(dut, str) else list(dut), "top": top,
                                  "defines": dict(defines or {})}
    else:
        source = {"system": lower(dut)}
    spec = Secure(list(secret), list(public), when=when, release=list(release))
    task = Task(mode=Mode.SECURE, secure=spec, engine=engine, depth=depth, solver=solver, check=check,
                timeout=timeout, isolate=isolate, assumes=list(assumes), **source)
    task.name = task.label()
    return _verdict(task, FAIL if expect.lower() == "fail" else PASS)
