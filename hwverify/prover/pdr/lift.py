"""Lifting: from one concrete predecessor state to a cube of states that all work.

A model of ``F & C & T & c'`` gives a full state ``s`` and inputs ``i``. SAT-based
lifting (Chockler et al., as in IC3ref and rIC3) asks whether
``s & i & ~(C & c')`` is satisfiable: it is not, and the failed assumptions
among the state literals form a sub-cube every state of which, under the same
inputs ``i``, satisfies the constraints and steps into ``c'``. For bad states
the query is ``s & i & ~bad``. Because the inputs stay fixed, replaying them
from any state of the lifted cube reproduces the step, which is what makes a
counterexample built from lifted cubes replayable.

One solver holds the transition relation without the constraints as hard
clauses; it is rebuilt after many queries because every query leaves a
retired activation literal behind.
"""
from __future__ import annotations

from hwverify.prover.pdr.frames import VarPool, transition_clauses
from hwverify.prover.pdr.model import BitModel, Cube
from hwverify.prover.pdr.sat import REBUILD_AFTER, Sat, Stats
from hwverify.prover.result import Deadline


class Lifter:
    """Generalises predecessor and bad states by SAT-based lifting."""

    def __init__(self, model: BitModel, pool: VarPool, primed: dict[int, int], deadline: Deadline, stats: Stats):
        self.model = model
        self.pool = pool
        self.primed = primed
        self.deadline = deadline
        self.stats = stats
        self.clauses = transition_clauses(model, primed)
        self.first_var = pool.top + 1
        self.sat = Sat(self.clauses, deadline, stats, self.first_var)

    def _query(self, state: list[int], inputs: list[int], target: list[int], temp: list[int] | None) -> Cube:
        if self.sat.fresh > REBUILD_AFTER:
            self.sat.delete()
            self.sat = Sat(self.clauses, self.deadline, self.stats, self.first_var)
        extra: list[int] = []
        if temp is not None:
            a = self.sat.new_var()
            self.sat.add([-a] + temp)
            extra = [a]
        # inputs first: the solver then blames as few state literals as it can
        sat = self.sat.solve(extra + inputs + target + state)
        if sat:  # cannot happen for a genuine step; keep the full state rather than guess
            cube = tuple(sorted(state, key=abs))
        else:
            core = self.sat.core()
            cube = tuple(sorted((l for l in state if l in core), key=abs))
        if extra:
            self.sat.add([-extra[0]])
        return cube

    def predecessor(self, state: list[int], inputs: list[int], succ: Cube) -> Cube:
        """A sub-cube of ``state`` whose every state steps into ``succ`` under ``inputs``."""
        temp = [-self.model.constraint] + [-(self.primed[l] if l > 0 else -self.primed[-l]) for l in succ]
        return self._query(state, inputs, [], temp)

    def bad_state(self, state: list[int], inputs: list[int]) -> Cube:
        """A sub-cube of ``state`` whose every state is bad under ``inputs``."""
        return self._query(state, inputs, [-self.model.bad], None)
