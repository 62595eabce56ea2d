"""The solver questions behind the tactics: base case, step case with hypotheses, and their models.

Why not ``prover.kind.StepCase`` as it is: a tactic's step case assumes the
proven hypotheses in every frame (including the last), proves a goal together
with its strengthenings, may be restricted to one case of a split, and must
hand back the model (the counterexample to induction) rather than only an
answer. The encoding is the same as k-induction's: frames 0..k over the cone
of influence of everything mentioned, constraints in every frame, the claim in
frames 0..k-1, its negation in frame k, and simple-path constraints added
lazily for the pairs of frames a model repeats.

A case condition holds in frame k-1 (the state the failing step leaves): the
cases of a split then compose into one step of depth max(k_i), since the last
k_i + 1 frames of a longer window are a window of the shorter proof.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from hwverify.errors import ProverError
from hwverify.prover.engine import checked_answer
from hwverify.prover.result import Deadline
from hwverify.prover.solvers import SAT, UNKNOWN, UNSAT, Solver, make_solver
from hwverify.semantics import terms as T
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.terms import Term
from hwverify.semantics.transform import cone_of_influence
from hwverify.semantics.unroll import Unroller
from hwverify.semantics.values import Value

__all__ = ["Frames", "StepAnswer", "BaseAnswer", "check_step", "check_base", "cone_of"]

Frames = list[dict[str, Value]]


@dataclass
class StepAnswer:
    """The step case's answer; with SAT, the frames 0..k of the counterexample to induction."""

    answer: str
    k: int
    frames: Frames = field(default_factory=list)
    simple_path: bool = False      # whether simple-path constraints were needed for UNSAT
    cone: TransitionSystem | None = None
    reason: str = ""               # why the solver gave up (UNKNOWN)


@dataclass
class BaseAnswer:
    """The base case's answer; with SAT, a run from an initial state violating the claim at ``depth``."""

    answer: str
    depth: int = -1
    frames: Frames = field(default_factory=list)
    reason: str = ""


def cone_of(system: TransitionSystem, terms: Sequence[Term]) -> TransitionSystem:
    """The part of ``system`` the terms (and the constraints) depend on; closed under next/init."""
    return cone_of_influence(system, [Property("__tactic_query", T.and_all(terms), "assert")])


def _solver(name: str, deadline: Deadline) -> Solver:
    return make_solver(name, timeout=deadline.remaining())


def _frames(solver: Solver, unroller: Unroller, last: int) -> Frames:
    return [{v.name: solver.value(unroller.var_at(v, j)) for v in unroller.system.variables}
            for j in range(last + 1)]


def check_step(system: TransitionSystem, claim: Sequence[Term], hyps: Sequence[Term], k: int, *,
               case: Term | None = None, solver: str = "bitwuzla", simple_path: bool = True,
               deadline: Deadline | None = None) -> StepAnswer:
    """Is there a path of k+1 frames with ``hyps`` everywhere, ``claim`` in 0..k-1 and not in k?

    UNSAT means ``claim`` is k-inductive relative to the hypotheses (and the
    case, when given). ``claim`` is a conjunction (the goal and its
    strengthenings).
    """
    if k < 1:
        raise ProverError(f"induction needs a depth of at least 1, not {k}")
    deadline = deadline or Deadline(None)
    roots = list(claim) + list(hyps) + ([case] if case is not None else [])
    cone = cone_of(system, roots)
    u = Unroller(cone)
    s = _solver(solver, deadline)
    try:
        good = T.and_all(claim)
        hyp = T.and_all(hyps)
        for j in range(k + 1):
            s.add(u.constraints(j))
            s.add(u.at(hyp, j))
            if j < k:
                s.add(u.trans(j))
                s.add(u.at(good, j))
        if case is not None:
            s.add(u.at(case, k - 1))
        distinct: set[tuple[int, int]] = set()
        while True:
            s.set_timeout(deadline.remaining())
            answer = checked_answer(s, s.check([T.not_(u.at(good, k))]))
            if answer != SAT:
                return StepAnswer(answer, k, simple_path=bool(distinct), cone=cone,
                                  reason=s.last_reason if answer == UNKNOWN else "")
            frames = _frames(s, u, k)
            repeated = [(i, j) for j in range(k + 1) for i in range(j) if (i, j) not in distinct
                        and all(frames[i][v.name] == frames[j][v.name] for v in cone.states)]
            if not simple_path or not repeated:
                return StepAnswer(SAT, k, frames, simple_path=bool(distinct), cone=cone)
            for i, j in repeated:
                s.add(u.states_differ(i, j))
                distinct.add((i, j))
    finally:
        s.close()


def check_base(system: TransitionSystem, claim: Sequence[Term], hyps: Sequence[Term], depth: int, *,
               solver: str = "bitwuzla", deadline: Deadline | None = None, first: int = 0) -> BaseAnswer:
    """Does every run from an initial state satisfy ``claim`` in frames ``first``..``depth``?

    The hypotheses are proven invariants, so assuming them in every frame
    removes no real run. SAT gives the shortest violating run (frames 0..j).
    """
    deadline = deadline or Deadline(None)
    cone = cone_of(system, list(claim) + list(hyps))
    u = Unroller(cone)
    s = _solver(solver, deadline)
    try:
        good, hyp = T.and_all(claim), T.and_all(hyps)
        s.add(u.init())
        for j in range(depth + 1):
            s.add(u.constraints(j))
            s.add(u.at(hyp, j))
            if j > 0:
                s.add(u.trans(j - 1))
            if j < first:
                continue
            s.set_timeout(deadline.remaining())
            answer = checked_answer(s, s.check([T.not_(u.at(good, j))]))
            if answer == SAT:
                return BaseAnswer(SAT, j, _frames(s, u, j))
            if answer == UNKNOWN:
                return BaseAnswer(UNKNOWN, j, reason=s.last_reason)
        return BaseAnswer(UNSAT, depth)
    finally:
        s.close()


def satisfiable_start(system: TransitionSystem, solver: str = "bitwuzla") -> bool:
    """Whether some initial state satisfies the constraints (else every claim would hold vacuously)."""
    u = Unroller(system)
    with make_solver(solver) as s:
        s.add(u.init())
        s.add(u.constraints(0))
        return s.check() == SAT
