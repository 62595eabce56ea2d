"""The engine contract and the pieces every engine shares.

Each engine is ``Engine(system, options)`` with ``check(bound) -> Result``;
``bound`` is the largest depth it may explore (BMC/cover) or the largest
induction depth (k-induction). Engines never edit the system they are given.
"""
from __future__ import annotations

import time
from abc import ABC, abstractmethod

from hwverify.errors import ProverError
from hwverify.prover.result import (ERROR, TIMEOUT, UNKNOWN, Deadline, EngineOptions,
                                    PropertyResult, Result)
from hwverify.prover.solvers import SAT as S_SAT, UNKNOWN as S_UNKNOWN, UNSAT as S_UNSAT, Solver, make_solver
from hwverify.semantics.replay import complete_trace
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.transform import cone_of_influence
from hwverify.semantics.trace import Trace
from hwverify.semantics.unroll import Unroller


PROGRESS_INTERVAL = 0.1  # seconds: engines report at most this often (a depth per message is plenty)


class Engine(ABC):
    """Base of all engines: option checks, solver creation, trace extraction."""

    name = "engine"
    _last_progress = float("-inf")

    def __init__(self, system: TransitionSystem, options: EngineOptions | None = None):
        self.original = system
        self.options = options or EngineOptions()
        system.validate()
        # Engines work on the cone of influence; evidence is mapped back in ``check``.
        self.system = cone_of_influence(system, self.properties_of(system))

    def progress(self, message: str, force: bool = False) -> None:
        """Report ``message`` (such as ``bmc: step 7, 2 open``) unless one went out less than 0.1 s ago.

        Throttled so a fast loop over depths costs a clock read per step, not a
        callback (or a pipe write in a worker); ``force`` for one-off news.
        """
        if not self.options.progress:
            return
        now = time.monotonic()
        if force or now - self._last_progress >= PROGRESS_INTERVAL:
            self._last_progress = now
            self.options.progress(message)

    def new_solver(self, deadline: Deadline) -> Solver:
        return make_solver(self.options.solver, timeout=deadline.remaining())

    def check(self, bound: int) -> Result:
        """Run the engine to ``bound``; solver failures become ERROR results."""
        start = time.monotonic()
        result = Result(self.name, self.options.solver)
        deadline = self.options.deadline()
        try:
            result.properties = self._check(bound, deadline)
            for p in result.properties:
                if p.trace is not None:
                    complete_trace(self.original, p.trace)
        except Exception as e:  # noqa: BLE001 - solver crashes and garbage answers are ERRORs, never verdicts
            reason = str(e) if isinstance(e, ProverError) else f"{type(e).__name__}: {e}"
            result.properties = [PropertyResult(p.name, p.kind, ERROR, reason=reason, loc=p.loc)
                                 for p in self.properties()]
        # Liveness is not decided by any engine yet: say so per property, never drop it silently.
        result.properties += [PropertyResult(p.name, p.kind, UNKNOWN, loc=p.loc,
                                             reason=f"justice/fairness properties are not supported by {self.name}")
                              for p in self.original.justice]
        result.time = time.monotonic() - start
        return result

    @abstractmethod
    def properties_of(self, system: TransitionSystem) -> list[Property]:
        """The properties of ``system`` this engine decides."""

    def properties(self) -> list[Property]:
        return self.properties_of(self.system)

    @abstractmethod
    def _check(self, bound: int, deadline: Deadline) -> list[PropertyResult]: ...


def explored(prop: Property, depth: int | None) -> str:
    """How far a search for a trace of ``prop`` got: frames 0..``depth`` have none.

    ``depth`` below 0 (a deadline that expired before step 0) says no step was
    checked, never "up to step -1".
    """
    if depth is None or depth < 0:
        return "no step checked"
    return f"{'not reached' if prop.kind == 'cover' else 'no counterexample'} up to step {depth}"


def undecided(prop: Property, depth: int | None, deadline: Deadline, reason: str = "",
              solver_reason: str = "") -> PropertyResult:
    """UNKNOWN (bound reached / solver gave up) or TIMEOUT (out of time), saying how far the engine got.

    ``depth`` is the last step searched without finding a trace (``depth`` of
    the result, None when no step was); ``reason`` defaults to what that
    means (``explored``); ``solver_reason`` is why a solver gave up, added for
    UNKNOWN only (a TIMEOUT's status already says it).
    """
    reached = depth if depth is not None and depth >= 0 else None
    text = reason or explored(prop, reached)
    if deadline.expired():
        return PropertyResult(prop.name, prop.kind, TIMEOUT, depth=reached, reason=text, loc=prop.loc)
    if solver_reason:
        text += f" (the solver gave up: {solver_reason})"
    return PropertyResult(prop.name, prop.kind, UNKNOWN, depth=reached, reason=text, loc=prop.loc)


def checked_answer(solver: Solver, answer: object) -> str:
    """``answer`` if it is sat/unsat/unknown; anything else is a solver failure."""
    if answer not in (S_SAT, S_UNSAT, S_UNKNOWN):
        raise ProverError(f"solver {solver.name} gave a nonsense answer {answer!r}")
    return answer  # type: ignore[return-value]


def extract_trace(solver: Solver, unroller: Unroller, depth: int, prop: Property) -> Trace:
    """Read frames 0..depth of every input and state from the solver's model."""
    frames = []
    for k in range(depth + 1):
        frames.append({v.name: solver.value(unroller.var_at(v, k)) for v in unroller.system.variables})
    return Trace(prop.name, "cover" if prop.kind == "cover" else "assert", frames)
