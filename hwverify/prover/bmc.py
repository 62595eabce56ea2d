"""Incremental bounded model checking.

One solver holds the initial condition and the transition relation unrolled
frame by frame; at each depth every still-open property is checked under an
assumption (its negation at that frame), so the first counterexample found
for a property has minimal depth. Covers use the same loop with the cover
condition as the target.

``check(None)`` has no bound: the search deepens until every property has a
trace or the deadline passes (TIMEOUT, saying the last step searched); the
run layer asks for it only under a time limit.
"""
from __future__ import annotations

from itertools import count

from hwverify.prover.engine import Engine, checked_answer, explored, extract_trace, undecided
from hwverify.prover.result import FAIL, PASS, Deadline, PropertyResult
from hwverify.prover.solvers import SAT, UNSAT
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.system import Property
from hwverify.semantics.terms import Term
from hwverify.semantics.unroll import Unroller


class BoundedSearch:
    """The shared unrolling: init, constraints and transitions up to the current depth.

    ``goal(prop, k)`` is the frame-``k`` condition that makes a trace for ``prop``
    (the negated assertion, or the cover condition). Used by BMC, cover and the
    base case of k-induction.
    """

    def __init__(self, engine: Engine, deadline: Deadline):
        self.unroller = Unroller(engine.system)
        self.solver = engine.new_solver(deadline)
        self.deadline = deadline
        self.solver.add(self.unroller.init())
        self.depth = -1

    def extend_to(self, k: int) -> None:
        """Make frames 0..k available (constraints hold in each)."""
        while self.depth < k:
            if self.depth >= 0:
                self.solver.add(self.unroller.trans(self.depth))
            self.depth += 1
            self.solver.add(self.unroller.constraints(self.depth))

    def goal(self, prop: Property, k: int) -> Term:
        target = self.unroller.at(prop.term, k)
        return target if prop.kind == "cover" else T.not_(target)

    def trace_result(self, prop: Property, k: int, status: str) -> PropertyResult:
        """The verdict backed by the trace of the current model (frames 0..k)."""
        trace = extract_trace(self.solver, self.unroller, k, prop)
        return PropertyResult(prop.name, prop.kind, status, depth=k, trace=trace, loc=prop.loc)

    def reach(self, prop: Property, k: int) -> str:
        """Is there a run of exactly k+1 frames ending in the goal of ``prop``?"""
        self.extend_to(k)
        self.solver.set_timeout(self.deadline.remaining())
        return checked_answer(self.solver, self.solver.check([self.goal(prop, k)]))


class BMC(Engine):
    """Bounded model checking of the assertions (or, with ``covers=True``, the covers)."""

    name = "bmc"

    def __init__(self, system, options=None, covers: bool = False):
        self.covers = covers
        if covers:
            self.name = "cover"
        super().__init__(system, options)

    def properties_of(self, system) -> list[Property]:
        return system.covers if self.covers else system.asserts

    def _check(self, bound: int | None, deadline: Deadline) -> list[PropertyResult]:
        search = BoundedSearch(self, deadline)
        open_props = list(self.properties())
        done: dict[str, PropertyResult] = {}
        for k in (count() if bound is None else range(bound + 1)):
            if not open_props or deadline.expired():
                break
            self.progress(f"{self.name}: step {k}, {len(open_props)} open")
            still_open = []
            for prop in open_props:
                answer = search.reach(prop, k)
                if answer == SAT:
                    done[prop.name] = search.trace_result(prop, k, PASS if self.covers else FAIL)
                elif answer == UNSAT:
                    still_open.append(prop)
                else:
                    done[prop.name] = undecided(prop, k - 1, deadline, solver_reason=search.solver.last_reason)
            open_props = still_open
        for prop in open_props:
            if bound is None or search.depth < bound:   # out of time: every open property was searched up to search.depth
                done[prop.name] = undecided(prop, search.depth, deadline)
            elif self.covers:
                # FAIL as SBY's cover mode, but say what it means: no run of up to bound+1 steps reaches it
                done[prop.name] = PropertyResult(prop.name, prop.kind, FAIL, depth=bound,
                                                 reason=f"unreachable up to step {bound}", loc=prop.loc)
            else:
                cert = Certificate(prop.name, [prop.term], bound + 1, False, "bmc", self.options.solver,
                                   bounded=True)
                done[prop.name] = PropertyResult(prop.name, prop.kind, PASS, depth=bound, certificate=cert,
                                                 reason=f"bounded: {explored(prop, bound)}",
                                                 loc=prop.loc)
        return [done[p.name] for p in self.properties()]

