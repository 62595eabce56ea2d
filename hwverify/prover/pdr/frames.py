"""IC3's frames: the lemma store and the SAT solvers that answer queries about frames.

Frame ``F_0`` is the initial states; frame ``F_j`` (j >= 1) is the set of
states satisfying every lemma at level >= j (delta encoding: a lemma is kept
once, at the highest level it is known to hold). A lemma is the negation of
a cube over latch literals.

Two layouts answer the same queries (``FRAME_LAYOUTS``):

* ``"activation"``: one solver for all frames; a lemma at level j is the
  clause ``~a_j | ~cube`` and a query about ``F_i`` assumes ``a_i..a_top``.
  The transition relation is encoded once.
* ``"per-frame"``: one solver per frame holding the lemmas of that frame as
  plain clauses (IC3ref's layout).

``bench/pdr.py`` measures both; the engine uses the faster (``DEFAULT_LAYOUT``).
Temporary clauses (the ``~cube`` of a relative-induction query) get a fresh
activation literal that is retired by a unit clause after the query.
"""
from __future__ import annotations

from hwverify.prover.pdr.model import BitModel, Cube
from hwverify.prover.pdr.sat import Sat, Stats
from hwverify.prover.result import Deadline

FRAME_LAYOUTS = ("activation", "per-frame")
DEFAULT_LAYOUT = "activation"


class VarPool:
    """Fresh SAT variables beyond the AIG's (primed latches, activation literals)."""

    def __init__(self, first: int):
        self.top = first - 1

    def new(self) -> int:
        self.top += 1
        return self.top


def transition_clauses(model: BitModel, primed: dict[int, int]) -> list[list[int]]:
    """The gates of next functions, ``bad``, constraints and initial relations; ``x' <-> next(x)``."""
    aig = model.aig
    roots = [model.next[x] for x in model.latches] + model.roots()
    clauses = aig.clauses(aig.cone(roots))
    for x in model.latches:
        p, n = primed[x], model.next[x]
        clauses.append([-p, n])
        clauses.append([p, -n])
    return clauses


class Frames:
    """The lemmas per level and the solvers for ``F_i & T`` queries."""

    def __init__(self, model: BitModel, pool: VarPool, primed: dict[int, int], deadline: Deadline,
                 stats: Stats, layout: str = DEFAULT_LAYOUT, background: list[Cube] = ()):
        if layout not in FRAME_LAYOUTS:
            raise ValueError(f"unknown frame layout {layout!r}; known: {', '.join(FRAME_LAYOUTS)}")
        self.model = model
        self.pool = pool
        self.primed = primed
        self.deadline = deadline
        self.stats = stats
        self.layout = layout
        # background: clauses known to hold in every reachable state (Houdini's), in every frame
        self.base = transition_clauses(model, primed) + [[model.constraint]] + [[-l for l in c] for c in background]
        self.init_clauses = [[x if v else -x] for x, v in model.initiation_units().items()]
        self.init_clauses += [[g] for g in model.init_general]
        self.lemmas: list[set[Cube]] = [set(), set()]   # levels 0 (unused) .. top
        self.solvers: list[Sat] = []
        self.act: list[int] = []
        self.last: Sat | None = None
        self._pending: dict[int, int] = {}  # solver id -> activation literal to retire
        if layout == "activation":
            self.one = Sat(self.base, deadline, stats)
            self.act = [pool.new(), pool.new()]
            for c in self.init_clauses:
                self.one.add([-self.act[0]] + c)
        else:
            self.solvers = [self._new_solver(0), self._new_solver(1)]

    @property
    def top(self) -> int:
        return len(self.lemmas) - 1

    def _new_solver(self, level: int) -> Sat:
        s = Sat(self.base, self.deadline, self.stats)
        if level == 0:
            for c in self.init_clauses:
                s.add(c)
        else:
            for j in range(level, len(self.lemmas)):
                for cube in self.lemmas[j]:
                    s.add([-l for l in cube])
        return s

    def extend(self) -> None:
        """Open a new top level (its frame starts as all states)."""
        self.lemmas.append(set())
        if self.layout == "activation":
            self.act.append(self.pool.new())
        else:
            self.solvers.append(self._new_solver(self.top))

    # -------------------------------------------------------- lemmas
    def add_lemma(self, cube: Cube, level: int) -> None:
        """``~cube`` holds in frames 1..level; weaker lemmas it subsumes at lower levels go."""
        s = set(cube)
        for j in range(1, min(level, self.top) + 1):
            dead = [c for c in self.lemmas[j] if s.issubset(c)]
            for c in dead:
                self.lemmas[j].discard(c)
        self.lemmas[min(level, self.top)].add(cube)
        clause = [-l for l in cube]
        if self.layout == "activation":
            self.one.add([-self.act[min(level, self.top)]] + clause)
        else:
            for j in range(1, min(level, self.top) + 1):
                self.solvers[j].add(clause)

    def move_up(self, cube: Cube, level: int, new: Cube) -> None:
        """Replace ``cube`` at ``level`` by ``new`` (a sub-cube) at ``level + 1``."""
        self.lemmas[level].discard(cube)
        self.add_lemma(new, level + 1)

    def blocked_at(self, cube: Cube, level: int) -> int | None:
        """The highest level >= ``level`` with a lemma whose cube is contained in ``cube`` (it is blocked there)."""
        s = set(cube)
        for j in range(self.top, level - 1, -1):
            for c in self.lemmas[j]:
                if len(c) <= len(s) and s.issuperset(c):
                    return j
        return None

    def invariant(self, level: int) -> list[Cube]:
        """The lemmas of ``F_level`` (levels >= level)."""
        return [c for j in range(level, len(self.lemmas)) for c in self.lemmas[j]]

    def count(self) -> int:
        return sum(len(s) for s in self.lemmas)

    # -------------------------------------------------------- queries
    def _frame(self, level: int) -> tuple[Sat, list[int]]:
        if self.layout == "activation":
            return self.one, self.act[level:] if level > 0 else [self.act[0]]
        return self.solvers[level], []

    def solve(self, level: int, assumptions: list[int], temp_clause: list[int] | None = None) -> bool:
        """Is ``F_level & C & T & assumptions [& temp_clause]`` satisfiable? (``self.last`` answers more.)

        The temporary clause's activation literal is retired (a unit clause) just
        before the next query on the same solver, so the model or core of this
        one stays readable until then.
        """
        sat, extra = self._frame(level)
        pending = self._pending.pop(id(sat), None)
        if pending is not None:
            sat.add([-pending])
        if temp_clause is not None:
            a = self.pool.new()
            sat.add([-a] + temp_clause)
            extra = extra + [a]
            self._pending[id(sat)] = a
        self.last = sat
        return sat.solve(extra + assumptions)

    def relative_induction(self, level: int, cube: Cube, assume_neg: bool = True) -> bool:
        """``F_level & ~cube & T & cube'`` satisfiable? (UNSAT: ``~cube`` is inductive relative to F_level.)"""
        primed = [self.primed[abs(l)] if l > 0 else -self.primed[abs(l)] for l in cube]
        return self.solve(level, primed, [-l for l in cube] if assume_neg else None)

    def bad(self, level: int) -> bool:
        return self.solve(level, [self.model.bad])
