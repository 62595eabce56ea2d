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
activation literal that is retired by a unit clause after the query; a solver
that has used many is rebuilt (``sat.REBUILD_AFTER``). Lemmas are indexed by
literal, so subsumption and "already blocked" checks look only at lemmas
that can match.
"""
from __future__ import annotations

from hwverify.prover.pdr.model import BitModel, Cube
from hwverify.prover.pdr.sat import REBUILD_AFTER, Sat, Stats
from hwverify.prover.result import Deadline

FRAME_LAYOUTS = ("activation", "per-frame")
DEFAULT_LAYOUT = "activation"


class VarPool:
    """Variables beyond the AIG's that every solver shares (primed latches)."""

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
        self.primed = primed
        self.first_var = pool.top + 1
        self.deadline = deadline
        self.stats = stats
        self.layout = layout
        # background: clauses known to hold in every reachable state (Houdini's), in every frame
        self.base = transition_clauses(model, primed) + [[model.constraint]] + [[-l for l in c] for c in background]
        self.init_clauses = [[x if v else -x] for x, v in model.initiation_units().items()]
        self.init_clauses += [[g] for g in model.init_general]
        self.lemmas: list[set[Cube]] = [set(), set()]   # levels 0 (unused) .. top
        self.level_of: dict[Cube, int] = {}
        self.by_lit: dict[int, set[Cube]] = {}            # literal -> lemmas containing it
        self.by_first: dict[int, set[Cube]] = {}          # first literal -> lemmas
        self.solvers: list[Sat] = []
        self.act: list[int] = []
        self.last: Sat | None = None
        self.rebuilds = 0
        self._pending: dict[int, int] = {}  # solver id -> activation literal to retire
        if layout == "activation":
            self._build_one()
        else:
            self.solvers = [self._new_solver(0), self._new_solver(1)]

    @property
    def top(self) -> int:
        return len(self.lemmas) - 1

    # ------------------------------------------------------ solvers
    def _build_one(self) -> None:
        """The single solver of the activation layout, with every lemma re-added."""
        self.one = Sat(self.base, self.deadline, self.stats, self.first_var)
        self.act = [self.one.new_var() for _ in self.lemmas]
        for c in self.init_clauses:
            self.one.add([-self.act[0]] + c)
        for j in range(1, len(self.lemmas)):
            for cube in self.lemmas[j]:
                self.one.add([-self.act[j]] + [-l for l in cube])

    def _new_solver(self, level: int) -> Sat:
        s = Sat(self.base, self.deadline, self.stats, self.first_var)
        if level == 0:
            for c in self.init_clauses:
                s.add(c)
        else:
            for j in range(level, len(self.lemmas)):
                for cube in self.lemmas[j]:
                    s.add([-l for l in cube])
        return s

    def _maybe_rebuild(self, level: int) -> None:
        if self.layout == "activation":
            if self.one.fresh > REBUILD_AFTER:
                self._pending.pop(id(self.one), None)
                self.one.delete()
                self._build_one()
                self.rebuilds += 1
        elif self.solvers[level].fresh > REBUILD_AFTER:
            self._pending.pop(id(self.solvers[level]), None)
            self.solvers[level].delete()
            self.solvers[level] = self._new_solver(level)
            self.rebuilds += 1

    def extend(self) -> None:
        """Open a new top level (its frame starts as all states)."""
        self.lemmas.append(set())
        if self.layout == "activation":
            self.act.append(self.one.new_var())
        else:
            self.solvers.append(self._new_solver(self.top))

    # -------------------------------------------------------- lemmas
    def _remove(self, cube: Cube) -> None:
        level = self.level_of.pop(cube)
        self.lemmas[level].discard(cube)
        for l in cube:
            self.by_lit[l].discard(cube)
        self.by_first[cube[0]].discard(cube)

    def add_lemma(self, cube: Cube, level: int) -> None:
        """``~cube`` holds in frames 1..level; weaker lemmas it subsumes at lower levels go."""
        level = min(level, self.top)
        if self.level_of.get(cube, -1) >= level:
            return  # already known at this level or higher
        sets = sorted((self.by_lit.get(l, set()) for l in cube), key=len)
        weaker = set(sets[0]).intersection(*sets[1:]) if sets else set()
        for c in weaker:  # c contains cube: ~c is implied by ~cube
            if self.level_of[c] <= level:
                self._remove(c)
        if cube in self.level_of:
            self._remove(cube)
        self.lemmas[level].add(cube)
        self.level_of[cube] = level
        for l in cube:
            self.by_lit.setdefault(l, set()).add(cube)
        self.by_first.setdefault(cube[0], set()).add(cube)
        clause = [-l for l in cube]
        if self.layout == "activation":
            self.one.add([-self.act[level]] + clause)
        else:
            for j in range(1, level + 1):
                self.solvers[j].add(clause)

    def move_up(self, cube: Cube, level: int, new: Cube) -> None:
        """Replace ``cube`` at ``level`` by ``new`` (a sub-cube) at ``level + 1``."""
        if cube in self.level_of:
            self._remove(cube)
        self.add_lemma(new, level + 1)

    def blocked_at(self, cube: Cube, level: int) -> int | None:
        """The highest level >= ``level`` with a lemma whose cube is contained in ``cube`` (it is blocked there)."""
        s = set(cube)
        best = None
        for l in cube:
            for c in self.by_first.get(l, ()):
                lv = self.level_of[c]
                if lv >= level and (best is None or lv > best) and s.issuperset(c):
                    best = lv
        return best

    def invariant(self, level: int) -> list[Cube]:
        """The lemmas of ``F_level`` (levels >= level)."""
        return [c for j in range(level, len(self.lemmas)) for c in self.lemmas[j]]

    def count(self) -> int:
        return len(self.level_of)

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
        self._maybe_rebuild(level)
        sat, extra = self._frame(level)
        pending = self._pending.pop(id(sat), None)
        if pending is not None:
            sat.add([-pending])
        if temp_clause is not None:
            a = sat.new_var()
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
