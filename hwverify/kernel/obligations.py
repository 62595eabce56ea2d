"""The proof obligations of a certificate, built from scratch.

For system S (init I, transition T, constraints C), property P and a claimed
invariant Inv (a conjunction) with depth k, every obligation below must be
UNSAT. ``x#j`` is the copy of variable x in frame j.

  base_j  (0 <= j < k):  I ∧ T(0..j-1) ∧ C(0..j) ∧ ¬Inv#j
  step    (unless bounded):  T(0..k-1) ∧ C(0..k) ∧ Inv#0 ∧ … ∧ Inv#(k-1)
                             [∧ S#i ≠ S#j for all i < j <= k] ∧ ¬Inv#k
  safety  (unless bounded):  C#0 ∧ Inv#0 ∧ ¬P#0

base + step say every reachable frame (whose constraints hold) satisfies Inv,
safety that Inv gives P. The optional simple-path premise ranges over a state
set S; it is sound only when S is closed (``closure_violation``): then a
shortest path to a violation never repeats its S-part, since cutting out the
repetition would give a shorter one. A bounded certificate (from BMC) claims only frames
0..k-1 and needs Inv to be P itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term


@dataclass(frozen=True)
class Obligation:
    """A named formula that must be unsatisfiable."""

    name: str
    formula: Term


def relevant_states(system: TransitionSystem, roots: Sequence[Term]) -> set[Term]:
    """States the roots and constraints depend on, directly or through init/next.

    Dropping the init and next equations of the other states keeps every
    obligation equisatisfiable: each dropped equation defines a fresh frame
    variable that nothing kept reads, so any model extends by computing it.
    The engines' cone of influence (``semantics/transform.py``) does the same
    walk; the kernel keeps its own copy on purpose, so a bug there cannot
    both shrink an engine's problem and hide it from the check.
    """
    keep: set[Term] = set()
    work = T.free_vars(list(roots) + list(system.constraints))
    while work:
        v = work.pop()
        if v in keep:
            continue
        keep.add(v)
        deps = [t for t in (system.next.get(v), system.init.get(v)) if t is not None]
        work.extend(T.free_vars(deps))
    return keep


class Frames:
    """Frame copies ``x#j`` of the system's variables (the kernel's own unrolling).

    Relational (default): every state has a fresh copy per frame and ``trans(j)``
    says ``s#(j+1) = next(s)#j``. Functional: a state with a next function *is*
    that function of the previous frame (``trans`` is true by construction), so
    the solver sees one word-level DAG across frames: equal terms in different
    frames (a multiplier and its pipelined copy) are equal by hash-consing,
    which z3 and cvc5 exploit and cannot see through relational equations in
    incremental mode (pipe_mul.v, 16 BMC frames in z3: 2 s -> 0.02 s). On
    flattened memories it is the other way round (fifo.v: 0.15 s relational,
    2 s functional), so callers unroll functionally only without them. Both
    are equisatisfiable: the equations define each copy uniquely.
    """

    def __init__(self, system: TransitionSystem, keep: set[Term] | None = None, functional: bool = False):
        self.system = system
        self.keep = set(system.states) if keep is None else keep
        self.functional = functional
        self._maps: list[dict[Term, Term]] = []

    def _extend(self) -> None:
        i = len(self._maps)
        defined = set()
        if self.functional and i > 0:
            defined = {s for s in self.system.next if s in self.keep}
        frame = {v: T.var(f"{v.name}#{i}", v.sort) for v in self.system.variables if v not in defined}
        if defined:
            states = [s for s in self.system.next if s in defined]
            values = T.substitute_all([self.system.next[s] for s in states], {}, self._maps[i - 1])
            frame.update(zip(states, values))
        self._maps.append(frame)

    def at(self, term: Term, j: int) -> Term:
        return self.all_at([term], j)[0]

    def all_at(self, terms: list[Term], j: int) -> list[Term]:
        """Frame-``j`` copies of ``terms`` (one walk for all of them)."""
        while len(self._maps) <= j:
            self._extend()
        return T.substitute_all(terms, {}, self._maps[j])  # the frame map doubles as memo

    def init(self) -> Term:
        pairs = [(s, v) for s, v in self.system.init.items() if s in self.keep]
        lhs = self.all_at([s for s, _ in pairs], 0)
        rhs = self.all_at([v for _, v in pairs], 0)
        return T.and_all(T.eq(a, b) for a, b in zip(lhs, rhs))

    def trans(self, j: int) -> Term:
        if self.functional:
            return T.true()
        pairs = [(s, n) for s, n in self.system.next.items() if s in self.keep]
        lhs = self.all_at([s for s, _ in pairs], j + 1)
        rhs = self.all_at([n for _, n in pairs], j)
        return T.and_all(T.eq(a, b) for a, b in zip(lhs, rhs))

    def constraints(self, j: int) -> Term:
        return T.and_all(self.at(c, j) for c in self.system.constraints)

    def path(self, last: int) -> Term:
        """Transitions 0..last-1 and constraints in frames 0..last."""
        return T.and_all([self.trans(j) for j in range(last)] + [self.constraints(j) for j in range(last + 1)])


def closure_violation(system: TransitionSystem, states: Sequence[Term], roots: Sequence[Term]) -> str | None:
    """Why ``states`` is not closed (next/init of a member, or a root, reads another state), else None."""
    allowed = set(states) | set(system.inputs)
    for s in states:
        for what, t in (("next", system.next.get(s)), ("init", system.init.get(s))):
            if t is not None:
                for v in T.free_vars([t]):
                    if v not in allowed:
                        return f"{what} of {s.name} reads {v.name}, outside the simple-path state set"
    for v in T.free_vars(list(roots) + list(system.constraints)):
        if v not in allowed:
            return f"the invariant, property or constraints read {v.name}, outside the simple-path state set"
    return None


def build_obligations(system: TransitionSystem, prop: Term, invariant: Term, k: int,
                      path_states: Sequence[Term] | None, bounded: bool, base: bool = True,
                      functional: bool = False) -> list[Obligation]:
    """All obligations of a certificate; each must be UNSAT for it to be valid.

    ``base=False`` leaves out base_0..base_{k-1}, for callers that decide them
    incrementally (``bounded.py``); ``functional`` unrolls as ``Frames`` says.
    """
    if k < 1:
        raise ValueError(f"certificate depth k must be at least 1, not {k}")
    f = Frames(system, relevant_states(system, [prop, invariant] + list(path_states or [])), functional)
    out = [Obligation(f"base_{j}", T.and_all([f.init(), f.path(j), T.not_(f.at(invariant, j))]))
           for j in range(k if base else 0)]
    if bounded:
        if invariant is not prop:
            raise ValueError("a bounded certificate must claim the property itself")
        return out
    premises = [f.path(k)] + [f.at(invariant, j) for j in range(k)]
    if path_states is not None:
        premises += [T.or_all(T.ne(f.at(s, i), f.at(s, j)) for s in path_states)
                     for j in range(k + 1) for i in range(j)]
    out.append(Obligation("step", T.and_all(premises + [T.not_(f.at(invariant, k))])))
    out.append(Obligation("safety", T.and_all([f.constraints(0), f.at(invariant, 0), T.not_(f.at(prop, 0))])))
    return out
