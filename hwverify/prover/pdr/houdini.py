"""Cheap inductive clauses found before IC3 starts (Houdini over short clauses).

Candidates are every one-literal clause over the cone's latches and, for
small cones, every two-literal clause, kept only if they hold in all initial
states. Houdini removes every candidate that some step from a state
satisfying all remaining candidates (and the constraints) violates, until
none is violated: what is left is inductive on its own, holds initially and
so holds in every reachable state. IC3 gets these clauses in every frame and
the certificate lists them with its lemmas.

Why: counters and data paths often need invariants such as ``count < 12``
(upper bits 0, two middle bits never both set) whose pieces IC3 would only
discover one frame at a time from the obligations near the bad states; in
two-literal CNF they are found in a handful of SAT calls.
"""
from __future__ import annotations

import itertools

from hwverify.prover.pdr.frames import VarPool, transition_clauses
from hwverify.prover.pdr.model import BitModel, Cube
from hwverify.prover.pdr.sat import OutOfTime, Sat, Stats
from hwverify.prover.result import Deadline

MAX_PAIR_LATCHES = 64   # two-literal candidates only for cones up to this many latches
MAX_ROUNDS = 200
SHARE = 0.2             # of the remaining time (at least MIN_SECONDS); then IC3 runs without these clauses
MIN_SECONDS = 1.0


def _holds_initially(model: BitModel, clause: tuple[int, ...]) -> bool:
    """Whether ``clause`` holds in every initial state (some literal fixed true by a constant init)."""
    for l in clause:
        v = model.init.get(abs(l))
        if v is not None and v == (l > 0):
            return True
    return False


def inductive_clauses(model: BitModel, pool: VarPool, primed: dict[int, int], deadline: Deadline,
                      stats: Stats) -> list[Cube]:
    """The inductive subset of the short candidate clauses, as cubes (the clause is ``~cube``)."""
    latches = model.latches
    if not latches:
        return []
    lits = [x for x in latches] + [-x for x in latches]
    cands: list[tuple[int, ...]] = [(l,) for l in lits]
    if len(latches) <= MAX_PAIR_LATCHES:
        cands += [(a, b) for a, b in itertools.combinations(lits, 2) if a != -b]
    alive = [c for c in cands if _holds_initially(model, c)]
    if not alive:
        return []
    remaining = deadline.remaining()
    budget = Deadline(None if remaining is None else max(MIN_SECONDS, SHARE * remaining))
    if budget.end is not None and deadline.end is not None:
        budget.end = min(budget.end, deadline.end)
    try:
        return _houdini(model, primed, alive, budget, stats, pool.top + 1)
    except OutOfTime:
        if deadline.expired():
            raise
        return []


def _houdini(model: BitModel, primed: dict[int, int], alive: list[tuple[int, ...]], deadline: Deadline,
             stats: Stats, first_var: int) -> list[Cube]:
    sat = Sat(transition_clauses(model, primed) + [[model.constraint]], deadline, stats, first_var)
    guard: dict[tuple[int, ...], int] = {}
    viol: dict[tuple[int, ...], int] = {}
    for c in alive:
        g = sat.new_var()
        guard[c] = g
        sat.add([-g] + list(c))
        d = sat.new_var()  # d -> the clause fails in the next state
        viol[c] = d
        for l in c:
            sat.add([-d, -(primed[l] if l > 0 else -primed[-l])])
    for _ in range(MAX_ROUNDS):
        if not alive or deadline.expired():
            break
        a = sat.new_var()
        sat.add([-a] + [viol[c] for c in alive])
        answer = sat.solve([a] + [guard[c] for c in alive])
        if not answer:
            sat.delete()
            units = {c[0] for c in alive if len(c) == 1}
            kept = [c for c in alive if len(c) == 1 or not units.intersection(c)]  # the rest follow from units
            return [tuple(sorted((-l for l in c), key=abs)) for c in kept]
        m = sat.model()
        n = len(m)

        def val(lit: int) -> bool:
            p = primed[abs(lit)]
            v = p <= n and m[p - 1] > 0
            return v if lit > 0 else not v

        alive = [c for c in alive if any(val(l) for l in c)]
        sat.add([-a])
    sat.delete()
    return []
