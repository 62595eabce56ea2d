"""One SAT solver (CaDiCaL 1.9.5 through python-sat) with deadlines and counters.

python-sat holds the GIL while CaDiCaL searches, so a timer thread cannot
interrupt it; long queries run in slices of a conflict budget instead, and
the deadline is checked between slices. Queries that finish within the first
slice (almost all of IC3's) pay one extra call for setting the budget.
"""
from __future__ import annotations

import time
from typing import Iterable, Sequence

from hwverify.errors import ProverError
from hwverify.prover.result import Deadline

SOLVER_NAME = "cadical195"
SLICE_CONFLICTS = 5_000
REBUILD_AFTER = 2_000   # fresh variables before an owner rebuilds a solver


class OutOfTime(Exception):
    """The run's deadline passed during a SAT query."""


class Stats:
    """Counters shared by the solvers of one run (queries, time in the SAT library)."""

    def __init__(self) -> None:
        self.queries = 0
        self.sat_time = 0.0

    def to_json(self) -> dict:
        return {"sat_queries": self.queries, "sat_time": round(self.sat_time, 3)}


def _cadical():
    try:
        from pysat.solvers import Cadical195  # local: optional heavy C extension, explained if missing
    except ImportError as e:  # pragma: no cover - python-sat is a dependency
        raise ProverError("the pdr engine needs python-sat (pip install python-sat)") from e
    return Cadical195


class Sat:
    """An incremental solver with its own counter for fresh variables (activation literals).

    Every variable the clauses use is below ``first_var``; ``new_var`` counts up
    from there. Keeping each solver's numbering dense matters: python-sat's
    ``get_model`` returns one entry per variable, so a solver that had a fresh
    literal per query for a long time pays for all of them on every model; owners
    rebuild a solver once ``new_var`` has been called ``REBUILD_AFTER`` times.
    """

    def __init__(self, clauses: Iterable[Sequence[int]], deadline: Deadline, stats: Stats, first_var: int):
        self.solver = _cadical()()
        self.solver.append_formula(list(clauses))
        self.deadline = deadline
        self.stats = stats
        self._model: list[int] | None = None
        self.next_var = first_var
        self.fresh = 0

    def new_var(self) -> int:
        v = self.next_var
        self.next_var += 1
        self.fresh += 1
        return v

    def add(self, clause: Sequence[int]) -> None:
        self.solver.add_clause(list(clause))

    def solve(self, assumptions: Sequence[int]) -> bool:
        """Satisfiable under ``assumptions``? Raises ``OutOfTime`` past the deadline."""
        self.stats.queries += 1
        self._model = None
        start = time.perf_counter()
        try:
            if self.deadline.end is None:
                return bool(self.solver.solve(assumptions=assumptions))
            while True:
                if self.deadline.expired():
                    raise OutOfTime()
                self.solver.conf_budget(SLICE_CONFLICTS)
                answer = self.solver.solve_limited(assumptions=assumptions)
                if answer is not None:
                    return bool(answer)
        finally:
            self.stats.sat_time += time.perf_counter() - start

    def model(self) -> list[int]:
        if self._model is None:
            self._model = self.solver.get_model()
        return self._model

    def value(self, var: int) -> bool:
        m = self.model()
        return var <= len(m) and m[var - 1] > 0

    def core(self) -> set[int]:
        return set(self.solver.get_core() or ())

    def delete(self) -> None:
        self.solver.delete()
