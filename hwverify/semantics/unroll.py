"""Time-frame expansion shared by the engines.

Frame ``k`` of a variable ``v`` is a fresh variable ``v@k``; ``at(term, k)``
rewrites a term over the system's variables into one over frame ``k``. The
unroller remembers which timed variable belongs to which (variable, frame), so
solver models map back to traces without parsing names.
"""
from __future__ import annotations

from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term


class Unroller:
    """Timed copies of a system's variables and terms, cached per frame."""

    def __init__(self, system: TransitionSystem, prefix: str = ""):
        self.system = system
        self.prefix = prefix
        self._frames: list[dict[Term, Term]] = []
        self.origin: dict[Term, tuple[Term, int]] = {}

    def _frame(self, k: int) -> dict[Term, Term]:
        while len(self._frames) <= k:
            i = len(self._frames)
            memo: dict[Term, Term] = {}
            for v in self.system.variables:
                tv = T.var(f"{self.prefix}{v.name}@{i}", v.sort)
                memo[v] = tv
                self.origin[tv] = (v, i)
            self._frames.append(memo)
        return self._frames[k]

    def var_at(self, v: Term, k: int) -> Term:
        """The frame-``k`` copy of system variable ``v``."""
        return self._frame(k)[v]

    def at(self, term: Term, k: int) -> Term:
        """``term`` evaluated in frame ``k`` (memoised across calls)."""
        memo = self._frame(k)
        return T.substitute_all([term], {}, memo)[0]

    def init(self) -> Term:
        """Initial-state condition on frame 0."""
        return T.and_all(T.eq(self.var_at(s, 0), self.at(v, 0)) for s, v in self.system.init.items())

    def trans(self, k: int) -> Term:
        """Transition from frame ``k`` to frame ``k + 1``."""
        return T.and_all(T.eq(self.var_at(s, k + 1), self.at(nxt, k)) for s, nxt in self.system.next.items())

    def constraints(self, k: int) -> Term:
        """The system's invariant constraints in frame ``k``."""
        return T.and_all(self.at(c, k) for c in self.system.constraints)

    def states_differ(self, i: int, j: int) -> Term:
        """Frames ``i`` and ``j`` hold different states (for simple-path constraints)."""
        return T.or_all(T.ne(self.var_at(s, i), self.var_at(s, j)) for s in self.system.states)
