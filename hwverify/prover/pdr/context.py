"""The state of one IC3 run that every part (blocking, generalisation, propagation) shares."""
from __future__ import annotations

from hwverify.prover.pdr.frames import DEFAULT_LAYOUT, Frames, VarPool
from hwverify.prover.pdr.houdini import inductive_clauses
from hwverify.prover.pdr.lift import Lifter
from hwverify.prover.pdr.model import BitModel, Cube
from hwverify.prover.pdr.sat import OutOfTime, Sat, Stats
from hwverify.prover.result import Deadline


class Context:
    """Model, frames, lifter and bookkeeping (literal activity, counters) of one run."""

    def __init__(self, model: BitModel, deadline: Deadline, layout: str = DEFAULT_LAYOUT, houdini: bool = True):
        self.model = model
        self.deadline = deadline
        self.stats = Stats()
        pool = VarPool(model.aig.nvars + 1)
        self.primed = {x: pool.new() for x in model.latches}
        self.background = inductive_clauses(model, pool, self.primed, deadline, self.stats) if houdini else []
        self.frames = Frames(model, pool, self.primed, deadline, self.stats, layout, self.background)
        self.lifter = Lifter(model, pool, self.primed, deadline, self.stats)
        self.activity: dict[int, float] = {}
        self.init_units = model.initiation_units()
        self.general_init = bool(model.init_general)
        self.lemmas_learned = 0
        self.ctg_count = 0

    def check_time(self) -> None:
        if self.deadline.expired():
            raise OutOfTime()

    # ---------------------------------------------------------- states
    def read_state(self, sat: Sat) -> tuple[list[int], list[int]]:
        """Latch and input literals of the last model of ``sat``."""
        m = sat.model()
        n = len(m)
        state = [x if x <= n and m[x - 1] > 0 else -x for x in self.model.latches]
        inputs = [i if i <= n and m[i - 1] > 0 else -i for i in self.model.inputs]
        return state, inputs

    # ------------------------------------------------------- initiation
    def intersects_init(self, cube: Cube) -> bool:
        """Does some initial state lie in ``cube``?"""
        units = self.init_units
        for l in cube:
            v = units.get(abs(l))
            if v is not None and v != (l > 0):
                return False
        if not self.general_init:
            return True
        return self.frames.solve(0, list(cube))

    def initiation_fix(self, core: Cube, cube: Cube) -> Cube:
        """``core`` (a sub-cube of ``cube``, which excludes init) made to exclude init again.

        With initial values as a cube, one literal of ``cube`` that contradicts
        them is added back (IC3ref's fix); otherwise ``cube`` itself is kept.
        """
        if not self.intersects_init(core):
            return core
        if not self.general_init:
            units = self.init_units
            for l in cube:
                v = units.get(abs(l))
                if v is not None and v != (l > 0):
                    return tuple(sorted(set(core) | {l}, key=abs))
        return cube

    # ----------------------------------------------------------- lemmas
    def learn(self, cube: Cube, level: int) -> None:
        self.frames.add_lemma(cube, level)
        self.lemmas_learned += 1
        for l in cube:
            self.activity[abs(l)] = self.activity.get(abs(l), 0.0) + 1.0
        if self.lemmas_learned % 256 == 0:  # decay, so recent lemmas steer the literal order
            for k in self.activity:
                self.activity[k] *= 0.5
