"""Equivalent-latch reduction before IC3 (van Eijk's signal correspondence, at the bit level).

Many designs keep copies of the same bit (duplicated registers, one-hot and
binary encodings of one state, pipelines that latch a constant after reset).
IC3 would have to learn each ``x == y`` as lemmas, one frame at a time; here
they are found before the run and the copies merged into one latch.

1. Candidates: bit-parallel random simulation (``LANES`` runs at once, Python
   ints as bit vectors) from initial states (constant start values fixed,
   free ones random, start values given by relations, as in miters, from
   SAT models), inputs random, a lane that violates the constraints
   restarted from an initial state (so every recorded state is reachable).
   Latches with equal or complementary value signatures form a class; the
   constant TRUE is a member, so latches that never change join its class
   as constants.
2. Proof, van Eijk's fixpoint: first initiation (no initial state violates
   a candidate equality), then joint inductiveness (``E & C & T => E'``,
   with the constant-latch facts already folded into the graph); each
   counterexample splits every class by its values, and the check repeats
   until none is violated (the greatest fixpoint below the candidates).
   ``E`` then holds initially and, being inductive, in every reachable state.
3. Merge: every member is replaced by (the complement of) its class's
   representative (``BitModel.merge``); constants go to ``model.constants``.

Evidence stays about the original system: the proven facts are conjoined
with the lemmas of the reduced run (``BitModel.equivalence_terms``); the
conjunction is inductive on the original system because ``E`` is, and under
``E`` the reduced next functions are the original ones.

Out of time (``SHARE`` of the run's remaining time), the reduction is skipped:
no fact is used that was not proven.
"""
from __future__ import annotations

import random
from typing import Callable

from hwverify.prover.pdr.frames import VarPool, transition_clauses
from hwverify.prover.pdr.model import BitModel
from hwverify.prover.pdr.sat import OutOfTime, Sat, Stats
from hwverify.prover.result import Deadline
from hwverify.semantics.bitblast import FALSE, TRUE

LANES = 64
CYCLES = 24               # cycles of the first simulation (fewer for large designs, at least MIN_CYCLES)
MIN_CYCLES = 6
SIM_BUDGET = 500_000      # gates x cycles of the first simulation in Python (~0.5 s)
MAX_ROUNDS = 5_000        # refinement rounds (each splits at least one class)
SHARE = 0.05              # of the remaining time (at least MIN_SECONDS); measured: the fixpoint takes
                          # 0.5-1.4 s on zipcpu (150 rounds), 14 s on dspfilters (800), more on vcegar
MIN_SECONDS = 0.3


class _Classes:
    """Candidate classes: groups of (member, phase); members of a group with equal phases are claimed equal,
    with different phases complementary. The first member of a group is its representative."""

    def __init__(self, groups: list[list[tuple[int, int]]]):
        self.groups = [g for g in groups if len(g) > 1]

    def pairs(self) -> list[tuple[int, int]]:
        """(member, literal it equals): the representative (first element) with the member's phase."""
        out = []
        for g in self.groups:
            rep, ph0 = g[0]
            for x, ph in g[1:]:
                out.append((x, -rep if ph ^ ph0 else rep))
        return out

    def split(self, key: Callable[[int, int], object]) -> bool:
        """Split every group by ``key(member, phase)`` (a value of the member, complemented for phase 1);
        whether anything changed. Phases stay: they are relative to one reference per group."""
        changed = False
        new: list[list[tuple[int, int]]] = []
        for g in self.groups:
            parts: dict[object, list[tuple[int, int]]] = {}
            for x, ph in g:
                parts.setdefault(key(x, ph), []).append((x, ph))
            if len(parts) > 1:
                changed = True
            new.extend(p for p in parts.values() if len(p) > 1)
        self.groups = new
        return changed


def merge_equivalent_latches(model: BitModel, deadline: Deadline, stats: Stats | None = None,
                             seed: int = 0) -> int:
    """Find, prove and merge equivalent (or constant) latches of ``model``; how many were merged (the cone
    of influence that follows may drop more)."""
    if len(model.latches) < 2:
        return 0
    gates = model.aig.cone([model.next[x] for x in model.latches] + [model.constraint])
    cycles = min(CYCLES, SIM_BUDGET // max(1, len(gates)))
    if cycles < MIN_CYCLES:
        model.notes.append("equivalent-latch reduction skipped (design too large for simulation)")
        return 0
    rng = random.Random(seed)
    remaining = deadline.remaining()
    budget = Deadline(None if remaining is None else max(MIN_SECONDS, SHARE * remaining))
    if budget.end is not None and deadline.end is not None:
        budget.end = min(budget.end, deadline.end)
    stats = stats or Stats()
    try:
        start = _initial_states(model, rng, budget, stats)
        if start is None:
            return 0
        classes = _candidates(model, gates, cycles, start, rng)
        if not classes.groups:
            return 0
        pairs = _prove(model, classes, budget, stats)
    except OutOfTime:
        model.notes.append("equivalent-latch reduction skipped (out of time proving the candidates)")
        return 0
    if not pairs:
        return 0
    model.merge(dict(pairs))
    return len(pairs)


def _simulate(model: BitModel, gates: list[tuple[int, int, int]], start, cycles: int,
              rng: random.Random) -> dict[int, int]:
    """Signatures of the latches (and TRUE) over ``cycles`` states of ``LANES`` runs from ``start()``.

    A lane whose step violates the constraints restarts from ``start()``, so
    every recorded state is reachable from a start state by legal steps.
    """
    full = (1 << LANES) - 1

    def lit(val: dict[int, int], l: int) -> int:
        v = val.get(abs(l), 0)
        return v ^ full if l < 0 else v

    state = start()
    sig = {x: 0 for x in model.latches}
    for _ in range(cycles):
        for x in model.latches:
            sig[x] = sig[x] << LANES | state[x]
        val: dict[int, int] = {TRUE: full}
        val.update(state)
        for i in model.inputs:
            val[i] = rng.getrandbits(LANES)
        for o, a, b in gates:
            val[o] = lit(val, a) & lit(val, b)
        ok = lit(val, model.constraint)
        fresh = start() if ok != full else None
        nxt = {}
        for x in model.latches:
            v = lit(val, model.next[x])
            if fresh is not None:
                v = (v & ok) | (fresh[x] & ~ok & full)
            nxt[x] = v
        state = nxt
    sig[TRUE] = (1 << LANES * cycles) - 1
    return sig


def _init_clauses(model: BitModel) -> list[list[int]]:
    """The initial states: constant start values as units, the others' relations with their gates."""
    aig = model.aig
    out = aig.clauses(aig.cone(model.init_general))
    latches = set(model.latches)
    out += [[x if v else -x] for x, v in model.init.items() if x in latches]
    out += [[g] for g in model.init_general]
    return out


def _initial_states(model: BitModel, rng: random.Random, deadline: Deadline, stats: Stats):
    """A function giving ``LANES`` initial states as lane words (None if there are no initial states).

    Constant start values are fixed and free latches random; start values
    given by relations (``x := y`` in a miter) come from SAT models under
    random assumptions on the free latches, drawn once.
    """
    full = (1 << LANES) - 1
    fixed = {x: (full if model.init[x] else 0) for x in model.latches if x in model.init}
    free = [x for x in model.latches if x not in model.init and x not in model.general_init]
    if not model.init_general:
        def fresh() -> dict[int, int]:
            s = dict(fixed)
            for x in free:
                s[x] = rng.getrandbits(LANES)
            return s
        return fresh
    sat = Sat(_init_clauses(model), deadline, stats, model.aig.nvars + 1)
    words = {x: 0 for x in model.latches}
    try:
        for lane in range(LANES):
            guess = [x if rng.getrandbits(1) else -x for x in free]
            if not sat.solve(guess) and not sat.solve([]):
                return None
            m = sat.model()
            for x in model.latches:
                if x <= len(m) and m[x - 1] > 0:
                    words[x] |= 1 << lane
    finally:
        sat.delete()
    return lambda: dict(words)


def _candidates(model: BitModel, gates: list[tuple[int, int, int]], cycles: int, start,
                rng: random.Random) -> _Classes:
    """Classes of latches (and TRUE) with equal or complementary simulation signatures."""
    sig = _simulate(model, gates, start, cycles, rng)
    all_ones = sig[TRUE]
    by_key: dict[int, list[tuple[int, int]]] = {}
    for x in [TRUE] + model.latches:   # phase: complement signatures whose first recorded bit is 1
        ph = sig[x] & 1
        by_key.setdefault(sig[x] ^ all_ones if ph else sig[x], []).append((x, ph))
    return _Classes(list(by_key.values()))


def _prove(model: BitModel, classes: _Classes, deadline: Deadline, stats: Stats) -> list[tuple[int, int]]:
    """Refine ``classes`` until their equalities hold initially and are jointly inductive; the proven
    (member, literal) pairs.

    Initiation first (every initial state satisfies every pair: a violating
    initial state splits the classes), then consecution; splitting a class
    keeps initiation, since its parts' equalities follow from the class's.
    (Simulating a few cycles from each counterexample to split more classes
    per round was measured: it did not reduce the rounds on HWMCC'20's
    zipcpu and cost 35 ms per round.)
    """
    init = Sat(_init_clauses(model), deadline, stats, model.aig.nvars + 1)
    try:
        _refine(init, classes, None, lambda l: l)
    finally:
        init.delete()
    pool = VarPool(model.aig.nvars + 1)
    primed = {x: pool.new() for x in model.latches}

    def prime(l: int) -> int:
        if abs(l) == TRUE:
            return l
        return primed[l] if l > 0 else -primed[-l]

    step = Sat(transition_clauses(model, primed) + [[model.constraint]], deadline, stats, pool.top + 1)
    try:
        return _refine(step, classes, lambda l: l, prime)
    finally:
        step.delete()


def _refine(sat: Sat, classes: _Classes, premise: Callable[[int], int] | None,
            target: Callable[[int], int]) -> list[tuple[int, int]]:
    """Split ``classes`` until no model of ``sat`` (assuming every pair over ``premise``'s variables, if
    given) violates a pair over ``target``'s variables; the remaining pairs."""
    guard: dict[tuple[int, int], int] = {}
    viol: dict[tuple[int, int], int] = {}

    def equal(g: int, x: int, r: int) -> None:   # g -> x == r
        if r in (TRUE, FALSE):
            sat.add([-g, x if r == TRUE else -x])
        else:
            sat.add([-g, -x, r])
            sat.add([-g, x, -r])

    def encode(pair: tuple[int, int]) -> None:
        x, r = pair
        if premise is not None:
            guard[pair] = g = sat.new_var()
            equal(g, premise(x), premise(r))
        viol[pair] = d = sat.new_var()   # d -> x != r over the target variables
        equal(d, target(x), -target(r))

    for _ in range(MAX_ROUNDS):
        if sat.deadline.expired():
            raise OutOfTime()
        pairs = classes.pairs()
        if not pairs:
            return []
        for p in pairs:
            if p not in viol:
                encode(p)
        a = sat.new_var()
        sat.add([-a] + [viol[p] for p in pairs])
        if not sat.solve([a] + [guard[p] for p in pairs if p in guard]):
            sat.add([-a])
            return pairs
        m = sat.model()
        n = len(m)

        def value(x: int, ph: int) -> int:
            if x == TRUE:
                return 1 ^ ph
            v = target(x)
            return int(v <= n and m[v - 1] > 0) ^ ph

        classes.split(value)
        sat.add([-a])
    raise OutOfTime()
