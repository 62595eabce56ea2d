"""Invariant discovery: candidates mined from simulation, pruned by the Houdini fixpoint.

Mining (``mine_candidates``) guesses facts every sampled reachable state
satisfies: constant registers, equalities and fixed offsets between two
registers, one register the sum or difference of two others, value ranges,
one-hot encodings, and implications between 1-bit flags. Each candidate has a
term and the same fact as text in the property language, so a survivor can
be written into a proof script as a lemma and parses back to the same term
(a test checks this with a solver).

Pruning (``houdini``) keeps the largest subset that holds initially and is
1-inductive relative to itself and the proven hypotheses: drop every candidate
an initial state violates until none does, then every candidate some step
from a state satisfying all of them violates, until the step is UNSAT. The
survivors are therefore invariants (a simulation guess is never trusted).
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Sequence

from hwverify.prover.result import Deadline
from hwverify.prover.solvers import SAT, UNSAT, make_solver
from hwverify.prover.tactics.naming import ident, source_names
from hwverify.prover.tactics.queries import cone_of
from hwverify.prover.tactics.sample import Sample
from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import evaluate_many
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term
from hwverify.semantics.unroll import Unroller

__all__ = ["Candidate", "HoudiniResult", "mine_candidates", "houdini"]

MAX_WIDTH = 64          # wider registers take part in constants and equalities only
MAX_TRIPLE_REGS = 24    # sums/differences of pairs are cubic in the number of registers
MAX_FLAGS = 40          # implications are quadratic in the number of 1-bit registers
MAX_CANDIDATES = 3000


@dataclass(frozen=True)
class Candidate:
    """A guessed invariant: its text in the property language and its term."""

    text: str
    term: Term
    kind: str       # const, range, equal, offset, sum, onehot, implies


@dataclass
class HoudiniResult:
    """What survived, what was tried, and how long it took."""

    survivors: list[Candidate] = field(default_factory=list)
    candidates: int = 0
    dropped_base: int = 0
    dropped_step: int = 0
    rounds: int = 0
    time: float = 0.0
    complete: bool = True      # False when the deadline stopped the fixpoint (survivors then empty)


def _lit(value: int, width: int) -> str:
    return f"{width}'d{value}"


def mine_candidates(system: TransitionSystem, sample: Sample) -> list[Candidate]:
    """Facts every sampled state satisfies, over the sampled registers."""
    if not sample.rows:
        return []
    names = source_names(system)
    regs = [(i, v) for i, v in enumerate(sample.registers)]
    cols = {i: sample.column(i) for i, _ in regs}
    out: list[Candidate] = []
    const = {i for i, _ in regs if len(set(cols[i])) == 1}
    for i, v in regs:
        w, col, n = v.sort.width, cols[i], ident(names[v])
        if i in const:
            out.append(Candidate(f"{n} == {_lit(col[0], w)}", T.eq(v, T.const(col[0], w)), "const"))
            continue
        if w == 1 or w > MAX_WIDTH:
            continue
        lo, hi = min(col), max(col)
        if hi < (1 << w) - 1:
            out.append(Candidate(f"{n} <= {_lit(hi, w)}", T.ule(v, T.const(hi, w)), "range"))
        if lo > 0:
            out.append(Candidate(f"{n} >= {_lit(lo, w)}", T.ule(T.const(lo, w), v), "range"))
        popcounts = {bin(x).count("1") for x in col}
        one = T.const(1, w)
        zero_low = T.eq(T.and_(v, T.sub(v, one)), T.const(0, w))
        if popcounts == {1}:
            out.append(Candidate(f"{n} != {_lit(0, w)} && ({n} & ({n} - {_lit(1, w)})) == {_lit(0, w)}",
                                 T.and_(T.ne(v, T.const(0, w)), zero_low), "onehot"))
        elif popcounts <= {0, 1}:
            out.append(Candidate(f"({n} & ({n} - {_lit(1, w)})) == {_lit(0, w)}", zero_low, "onehot"))
    free = [(i, v) for i, v in regs if i not in const]
    words = [(i, v) for i, v in free if v.sort.width > 1]
    for (i, a), (j, b) in itertools.combinations(words, 2):
        w = a.sort.width
        if b.sort.width != w:
            continue
        mask = (1 << w) - 1
        diffs = {(x - y) & mask for x, y in zip(cols[i], cols[j])}
        if len(diffs) != 1:
            continue
        d = diffs.pop()
        na, nb = ident(names[a]), ident(names[b])
        if d == 0:
            out.append(Candidate(f"{na} == {nb}", T.eq(a, b), "equal"))
        else:
            out.append(Candidate(f"{na} == {nb} + {_lit(d, w)}", T.eq(a, T.add(b, T.const(d, w))), "offset"))
    if len(words) <= MAX_TRIPLE_REGS:
        # c == a - b is a == b + c: one relation "s = x + y" per sum register and pair of addends
        relations: set[tuple[int, frozenset[int]]] = set()
        for (i, c), (j, a), (m, b) in itertools.permutations(words, 3):
            w = c.sort.width
            if a.sort.width != w or b.sort.width != w:
                continue
            mask = (1 << w) - 1
            nc, na, nb = ident(names[c]), ident(names[a]), ident(names[b])
            if (j, frozenset((i, m))) not in relations and \
                    all(z == (x - y) & mask for z, x, y in zip(cols[i], cols[j], cols[m])):
                relations.add((j, frozenset((i, m))))
                out.append(Candidate(f"{nc} == {na} - {nb}", T.eq(c, T.sub(a, b)), "sum"))
            if (i, frozenset((j, m))) not in relations and \
                    all(z == (x + y) & mask for z, x, y in zip(cols[i], cols[j], cols[m])):
                relations.add((i, frozenset((j, m))))
                out.append(Candidate(f"{nc} == {na} + {nb}", T.eq(c, T.add(a, b)), "sum"))
    flags = [(i, v) for i, v in free if v.sort.width == 1][:MAX_FLAGS]
    for (i, a), (j, b) in itertools.combinations(flags, 2):
        pairs = set(zip(cols[i], cols[j]))
        na, nb = ident(names[a]), ident(names[b])
        for pa, pb in itertools.product((0, 1), repeat=2):
            # the clause "a != pa || b != pb" holds unless the pair (pa, pb) was seen
            if (pa, pb) in pairs:
                continue
            text = f"{'' if pa else '!'}{na} -> {'!' if pb else ''}{nb}"
            lhs = a if pa else T.not_(a)
            rhs = T.not_(b) if pb else b
            out.append(Candidate(text, T.implies(lhs, rhs), "implies"))
    return out[:MAX_CANDIDATES]


def houdini(system: TransitionSystem, candidates: Sequence[Candidate], hyps: Sequence[Term] = (), *,
            solver: str = "bitwuzla", deadline: Deadline | None = None) -> HoudiniResult:
    """The largest subset of ``candidates`` that is inductive relative to itself and ``hyps``."""
    start = time.monotonic()
    deadline = deadline or Deadline(None)
    result = HoudiniResult(candidates=len(candidates))
    alive = list(candidates)
    if not alive:
        return result
    cone = cone_of(system, [c.term for c in alive] + list(hyps))
    u = Unroller(cone)
    hyp = T.and_all(hyps)
    variables = cone.variables

    def frame_values(s, j: int) -> dict[Term, object]:
        return {v: s.value(u.var_at(v, j)) for v in variables}

    def prune(s, j: int) -> int:
        """Drop the candidates the model violates in frame ``j``; how many were dropped."""
        nonlocal alive
        env = frame_values(s, j)
        values = evaluate_many([c.term for c in alive], env)
        kept = [c for c, ok in zip(alive, values) if ok]
        dropped = len(alive) - len(kept)
        alive = kept
        return dropped

    with make_solver(solver, timeout=deadline.remaining()) as s:
        s.add(u.init())
        s.add(u.constraints(0))
        s.add(u.at(hyp, 0))
        while alive:
            result.rounds += 1
            s.set_timeout(deadline.remaining())
            answer = s.check([T.not_(u.at(T.and_all(c.term for c in alive), 0))])
            if answer == UNSAT:
                break
            if answer != SAT:
                result.complete, alive = False, []
                break
            result.dropped_base += prune(s, 0)
    with make_solver(solver, timeout=deadline.remaining()) as s:
        for j in (0, 1):
            s.add(u.constraints(j))
            s.add(u.at(hyp, j))
        s.add(u.trans(0))
        while alive:
            result.rounds += 1
            s.set_timeout(deadline.remaining())
            pre = [u.at(c.term, 0) for c in alive]
            answer = s.check(pre + [T.not_(u.at(T.and_all(c.term for c in alive), 1))])
            if answer == UNSAT:
                break
            if answer != SAT:
                result.complete, alive = False, []
                break
            result.dropped_step += prune(s, 1)
    result.survivors = alive
    result.time = time.monotonic() - start
    return result
