"""The trusted checks: certificates against their obligations, traces by replay.

Nothing here trusts an engine: obligations are rebuilt from the system and
the claimed invariant (``obligations.py``) and decided by a solver through
SMT-LIB text (``smt.py``); traces are replayed in the concrete evaluator from
their inputs, recomputing every state the system determines.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from hwverify.kernel.obligations import build_obligations, closure_violation
from hwverify.kernel.smt import decide_with_fallback, solver_order
from hwverify.formats import smtlib
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.evaluate import CompiledSystem, array_equal
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.trace import Trace
from hwverify.semantics.values import ArrayValue, Value


@dataclass
class CheckReport:
    """VERIFIED or NOT VERIFIED, with the outcome of every obligation or replay step."""

    ok: bool
    what: str
    details: list[str] = field(default_factory=list)
    solver: str = ""
    time: float = 0.0

    def __str__(self) -> str:
        head = f"{'VERIFIED' if self.ok else 'NOT VERIFIED'}: {self.what}"
        return "\n".join([head] + [f"  {d}" for d in self.details])


def simple_path_states(system: TransitionSystem, cert: Certificate,
                       roots: list[T.Term]) -> tuple[list[T.Term] | None, str | None]:
    """The states the simple-path premise ranges over, or why the claimed set is unusable."""
    if not cert.simple_path:
        return None, None
    if cert.simple_path_vars is None:
        return list(system.states), None
    by_name = {s.name: s for s in system.states}
    missing = [n for n in cert.simple_path_vars if n not in by_name]
    if missing:
        return None, f"simple-path set names unknown states: {', '.join(missing[:5])}"
    states = [by_name[n] for n in cert.simple_path_vars]
    return states, closure_violation(system, states, roots)


def check_certificate(system: TransitionSystem, cert: Certificate, solver: str | None = None,
                      timeout: float | None = None, decided: dict[str, str] | None = None) -> CheckReport:
    """Re-check every obligation of ``cert``; all must be UNSAT.

    ``decided`` (optional, shared across calls) remembers the answer to each
    obligation script already decided, keyed by the SHA-256 of its text: the
    certificates of properties proven together share one invariant and so the
    same base and step obligations, which need deciding only once. Identical
    text is an identical formula, so reusing its answer costs no trust.
    """
    start = time.monotonic()
    uses_arrays = any(isinstance(v.sort, T.Array) for v in system.variables)
    solvers = [solver] if solver else solver_order(cert.solver, uses_arrays)
    solver = solvers[0]
    what = f"{cert.method} certificate for {cert.prop} (k={cert.k}{', bounded' if cert.bounded else ''})"
    report = CheckReport(True, what, solver=solver)
    try:
        prop = system.property(cert.prop)
    except ValueError as e:
        return CheckReport(False, what, [str(e)], solver)
    known = set(system.variables)
    for v in T.free_vars(cert.invariant):
        if v not in known:
            return CheckReport(False, what, [f"invariant mentions unknown variable {v.name!r}"], solver)
    invariant = T.and_all(cert.invariant)
    if cert.bounded and cert.invariant != [prop.term]:
        return CheckReport(False, what, ["a bounded certificate must claim exactly the property"], solver)
    path_states, problem = simple_path_states(system, cert, [invariant, prop.term])
    if problem:
        return CheckReport(False, what, [problem], solver)
    for ob in build_obligations(system, prop.term, invariant, cert.k, path_states, cert.bounded):
        script = smtlib.script([ob.formula], check=False)
        key = hashlib.sha256(script.encode()).hexdigest()
        if decided is not None and key in decided:
            answer, used, notes = decided[key], "", ["(same obligation as an earlier certificate's)"]
        else:
            answer, used, notes = decide_with_fallback(script, solvers, timeout)
            if decided is not None and answer in ("sat", "unsat"):
                decided[key] = answer
        report.details.extend(notes)
        if used and used != report.solver:
            report.details.append(f"(decided by {used})")
        report.details.append(f"{ob.name}: {answer}")
        if answer != "unsat":
            report.ok = False
            break
    report.time = time.monotonic() - start
    return report


def _same_value(a: Value, b: Value, sort: T.Sort) -> bool:
    """Equality of values; arrays by contents (their representations may differ)."""
    if isinstance(sort, T.Array):
        return isinstance(a, ArrayValue) and isinstance(b, ArrayValue) and array_equal(a, b, sort.index_width)
    return a == b


def check_trace(system: TransitionSystem, trace: Trace) -> CheckReport:
    """Replay ``trace`` and confirm it violates (or, for covers, reaches) its property.

    Inputs, initial values of uninitialised states and values of states without a
    next function come from the trace; every other state is recomputed, and a
    trace value that disagrees with the recomputation rejects the trace.
    """
    start = time.monotonic()
    what = f"{trace.kind} trace for {trace.prop} ({len(trace.frames)} frames)"
    report = CheckReport(True, what)
    try:
        prop = system.property(trace.prop)
    except ValueError as e:
        return CheckReport(False, what, [str(e)])
    if not trace.frames:
        return CheckReport(False, what, ["trace has no frames"])
    sim = CompiledSystem(system)
    try:
        state = sim.initial_state(free=trace.frames[0])
    except Exception as e:  # noqa: BLE001 - a malformed trace is a rejected trace
        return CheckReport(False, what, [f"cannot build the initial state: {e}"])
    last = len(trace.frames) - 1
    sorts = {s.name: s.sort for s in system.states}
    for j, frame in enumerate(trace.frames):
        for name, value in state.items():
            if name in frame and not _same_value(frame[name], value, sorts[name]):
                report.ok = False
                report.details.append(f"frame {j}: trace says {name} = {frame[name]}, replay gives {value}")
                return report
        inputs = {v.name: frame.get(v.name, 0) for v in system.inputs}
        obs = sim.observe(state, inputs)
        if not obs.constraints_ok:
            report.ok = False
            report.details.append(f"frame {j}: constraints do not hold")
            return report
        if j < last:
            nxt = dict(inputs)
            nxt.update({s.name: trace.frames[j + 1].get(s.name, 0) for s in system.states if s not in system.next})
            state = sim.step(state, nxt)
    holds = obs.covers[prop.name] if prop.kind == "cover" else obs.asserts[prop.name]
    if prop.kind == "cover" and not holds:
        report.ok = False
        report.details.append(f"frame {last}: cover {prop.name} is not reached")
    elif prop.kind != "cover" and holds:
        report.ok = False
        report.details.append(f"frame {last}: assertion {prop.name} holds, so this is no counterexample")
    else:
        report.details.append(f"frame {last}: {prop.name} {'reached' if prop.kind == 'cover' else 'fails'} as claimed")
    report.time = time.monotonic() - start
    return report
