"""The trusted checks: certificates against their obligations, traces by replay.

Nothing here trusts an engine: obligations are rebuilt from the system and
the claimed invariant (``obligations.py``) and decided by a solver through
SMT-LIB text (``smt.py``); traces are replayed in the concrete evaluator from
their inputs, recomputing every state the system determines.

``check_evidence`` checks everything one run produced at once: the base
obligations of all certificates (all of a bounded one) are one incremental
session, frame by frame (``bounded.py``); step and safety obligations shared
by certificates proven together are decided once.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from hwverify.kernel.bounded import build_bounded, decide_bounded
from hwverify.kernel.flatten import Flattened, flatten_system, uses_arrays_after
from hwverify.kernel.obligations import Obligation, build_obligations, closure_violation
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
    unreadable: bool = False   # the evidence could not even be read (missing file, bad format): nothing checked

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


def _what(cert: Certificate) -> str:
    return f"{cert.method} certificate for {cert.prop} (k={cert.k}{', bounded' if cert.bounded else ''})"


@dataclass
class _Claimed:
    """A certificate that passed the static checks, with the terms its obligations need."""

    cert: Certificate
    prop: T.Term
    invariant: T.Term
    path_states: list[T.Term] | None
    report: CheckReport
    solvers: list[str]


def _prepare(system: TransitionSystem, cert: Certificate, solver: str | None,
             uses_arrays: bool, kind: str | None) -> _Claimed | CheckReport:
    """The static checks of ``cert`` (property, variables, bounded shape, simple-path set)."""
    solvers = [solver] if solver else solver_order(cert.solver, uses_arrays, kind)
    what = _what(cert)
    try:
        prop = system.property(cert.prop)
    except ValueError as e:
        return CheckReport(False, what, [str(e)], solvers[0])
    known = set(system.variables)
    for v in T.free_vars(cert.invariant):
        if v not in known:
            return CheckReport(False, what, [f"invariant mentions unknown variable {v.name!r}"], solvers[0])
    invariant = T.and_all(cert.invariant)
    if cert.bounded and cert.invariant != [prop.term]:
        return CheckReport(False, what, ["a bounded certificate must claim exactly the property"], solvers[0])
    if cert.k < 1:
        return CheckReport(False, what, [f"certificate depth k must be at least 1, not {cert.k}"], solvers[0])
    path_states, problem = simple_path_states(system, cert, [invariant, prop.term])
    if problem:
        return CheckReport(False, what, [problem], solvers[0])
    return _Claimed(cert, prop.term, invariant, path_states, CheckReport(True, what, solver=solvers[0]), solvers)


def _induction_obligations(system: TransitionSystem, c: _Claimed, flat: Flattened | None) -> list[Obligation]:
    """Step and safety of ``c``, over the system with small arrays flattened (``flatten.py``)."""
    prop, invariant, path_states = c.prop, c.invariant, c.path_states
    if flat is not None:
        system, fl = flat
        prop, invariant = fl.terms([prop, invariant])
        path_states = None if path_states is None else fl.variables(path_states)
    return build_obligations(system, prop, invariant, c.cert.k, path_states, False, base=False,
                             functional=flat is None)


def _decide(script: str, solvers: list[str], timeout: float | None,
            decided: dict[str, str] | None) -> tuple[str, str, list[str]]:
    """``decide_with_fallback`` through the shared memo of identical scripts."""
    key = hashlib.sha256(script.encode()).hexdigest()
    if decided is not None and key in decided:
        return decided[key], "", ["(same obligation as an earlier certificate's)"]
    answer, used, notes = decide_with_fallback(script, solvers, timeout)
    if decided is not None and answer in ("sat", "unsat"):
        decided[key] = answer
    return answer, used, notes


def _check_bases(system: TransitionSystem, group: list[_Claimed], timeout: float | None,
                 decided: dict[str, str] | None, flat: Flattened | None) -> None:
    """Decide the base obligations of every certificate in ``group`` (same solvers) in one session.

    Certificates with the same invariant share one claim (the deepest k);
    each reads the answers of its own frames 0..k-1.
    """
    depth: dict[T.Term, int] = {}
    for c in group:
        depth[c.invariant] = max(depth.get(c.invariant, 0), c.cert.k)
    claims = list(depth.items())
    index = {t: i for i, (t, _) in enumerate(claims)}
    script = build_bounded(system, claims, flat)
    key = None
    if decided is not None and len(claims) == 1:
        key = "bounded:" + hashlib.sha256(script.text(0).encode()).hexdigest()
    if key is not None and decided.get(key) == "unsat":
        answers, used, notes = [["unsat"] * claims[0][1]], [], ["(same obligation as an earlier certificate's)"]
    else:
        out = decide_bounded(script, group[0].solvers, timeout)
        answers, used, notes = out.answers, out.used, out.notes
        if key is not None and all(a == "unsat" for a in answers[0]) and len(answers[0]) == claims[0][1]:
            decided[key] = "unsat"
    for c in group:
        r = c.report
        r.details.extend(notes)
        r.details.extend(f"(decided by {u})" for u in used if u != r.solver)
        mine = answers[index[c.invariant]][:c.cert.k]
        for j, answer in enumerate(mine):
            r.details.append(f"base_{j}: {answer}")
        if len(mine) < c.cert.k or any(a != "unsat" for a in mine):
            r.ok = False


def check_certificates(system: TransitionSystem, certs: list[Certificate], solver: str | None = None,
                       timeout: float | None = None, decided: dict[str, str] | None = None) -> list[CheckReport]:
    """Re-check every certificate of ``certs`` (all about ``system``), sharing work between them.

    Base obligations (all of a bounded certificate's) are decided frame by
    frame in one incremental session per solver order; then step and safety
    of each unbounded certificate whose base held, through ``decided`` (the
    memo of identical obligations). ``timeout`` bounds each solver query. The
    ``time`` of each report is its own work plus an even share of the session.
    """
    reports: list[CheckReport | None] = [None] * len(certs)
    flat = flatten_system(system) if certs else None
    arrays = uses_arrays_after(system, flat)
    groups: dict[tuple[str, ...], list[_Claimed]] = {}
    claimed: list[tuple[int, _Claimed]] = []
    for i, cert in enumerate(certs):
        start = time.monotonic()
        prepared = _prepare(system, cert, solver, arrays, "bounded")
        if isinstance(prepared, CheckReport):
            prepared.time = time.monotonic() - start
            reports[i] = prepared
            continue
        claimed.append((i, prepared))
        groups.setdefault(tuple(prepared.solvers), []).append(prepared)
    for group in groups.values():
        start = time.monotonic()
        _check_bases(system, group, timeout, decided, flat)
        share = (time.monotonic() - start) / len(group)
        for c in group:
            c.report.time += share
    for i, c in claimed:
        reports[i] = c.report
        if c.cert.bounded or not c.report.ok:
            continue
        start = time.monotonic()
        for ob in _induction_obligations(system, c, flat):
            solvers = [solver] if solver else solver_order(c.cert.solver, arrays, ob.name)
            answer, used, notes = _decide(smtlib.script([ob.formula], check=False), solvers, timeout, decided)
            c.report.details.extend(notes)
            if used and used != c.report.solver:
                c.report.details.append(f"(decided by {used})")
            c.report.details.append(f"{ob.name}: {answer}")
            if answer != "unsat":
                c.report.ok = False
                break
        c.report.time += time.monotonic() - start
    return reports  # type: ignore[return-value]


def check_evidence(system: TransitionSystem, items: list[Certificate | Trace], solver: str | None = None,
                   timeout: float | None = None) -> list[CheckReport]:
    """Check every certificate and trace of one run on ``system``: one report per item, in order.

    Certificates are checked together (``check_certificates``: one incremental
    session for all bounded claims, shared obligations decided once); traces
    are replayed one by one (``check_trace``). ``solver`` forces one kernel
    solver; by default each certificate avoids the solver that produced it.
    """
    reports: list[CheckReport | None] = [None] * len(items)
    certs: list[tuple[int, Certificate]] = []
    for i, item in enumerate(items):
        if isinstance(item, Certificate):
            certs.append((i, item))
        elif isinstance(item, Trace):
            reports[i] = check_trace(system, item)
        else:
            raise TypeError(f"evidence must be a Certificate or a Trace, not {type(item).__name__}")
    checked = check_certificates(system, [c for _, c in certs], solver=solver, timeout=timeout, decided={})
    for (i, _), report in zip(certs, checked):
        reports[i] = report
    return reports  # type: ignore[return-value]


def check_certificate(system: TransitionSystem, cert: Certificate, solver: str | None = None,
                      timeout: float | None = None, decided: dict[str, str] | None = None,
                      incremental: bool = True) -> CheckReport:
    """Re-check every obligation of ``cert``; all must be UNSAT.

    ``decided`` (optional, shared across calls) remembers the answer to each
    obligation script already decided, keyed by the SHA-256 of its text: the
    certificates of properties proven together share one invariant and so the
    same base and step obligations, which need deciding only once. Identical
    text is an identical formula, so reusing its answer costs no trust.
    ``incremental=False`` decides base_0..base_{k-1} as k separate scripts
    (the original path, kept as a reference and for measurements).
    """
    if incremental:
        return check_certificates(system, [cert], solver=solver, timeout=timeout, decided=decided)[0]
    return _check_one_by_one(system, cert, solver, timeout, decided)


def _check_one_by_one(system: TransitionSystem, cert: Certificate, solver: str | None,
                      timeout: float | None, decided: dict[str, str] | None) -> CheckReport:
    """Every obligation as its own script, in order, with the general solver preference."""
    start = time.monotonic()
    uses_arrays = uses_arrays_after(system, None)
    prepared = _prepare(system, cert, solver, uses_arrays, None)
    if isinstance(prepared, CheckReport):
        return prepared
    report, solvers = prepared.report, prepared.solvers
    for ob in build_obligations(system, prepared.prop, prepared.invariant, cert.k, prepared.path_states,
                                cert.bounded):
        answer, used, notes = _decide(smtlib.script([ob.formula], check=False), solvers, timeout, decided)
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
