"""``$allconst`` / ``$allseq``: universally quantified values, expanded over their finite domain.

yosys' formal flow has two kinds of universally quantified value: an
``$allconst`` keeps one value for the whole trace, an ``$allseq`` may change
each step, and in both cases what depends on it must hold *for every* value
(SymbiYosys hands smtbmc a ``forall``). Our engines search over existentially
quantified inputs only, so the frontend lowers such a cell as a free value
first (``$anyconst``/``$anyseq``, marked) and this module removes it again:
each assumption that reads it becomes the conjunction of its instances over
every value. For assumptions that is exact, for ``$allconst`` and
``$allseq`` alike: "for every value a, at every step t, c(t, a)" is "at every
step t, for every a, c(t, a)".

Where the quantified value reaches a register, an assertion or a cover, that
reading does not hold (the value would have to be chosen per trace), so it is
an error naming the cell, as is a value too wide to expand (more than
``MAX_BITS`` bits in one assumption).
"""
from __future__ import annotations

import itertools

from hwverify.errors import FrontendError, SourceLoc
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem

__all__ = ["expand_quantified", "MAX_BITS"]

MAX_BITS = 12   # 4096 instances of one assumption at most


def expand_quantified(system: TransitionSystem, quantified: dict[str, str], loc: SourceLoc | None = None) -> None:
    """Replace the ``quantified`` states (name -> ``allconst``/``allseq``) by expanding the assumptions over them."""
    qvars = [v for v in system.states if v.name in quantified]
    if not qvars:
        return
    qset = set(qvars)
    others = [v for v in system.states if v not in qset]
    for what, roots in (("a register", [system.next[v] for v in others if v in system.next]
                         + [system.init[v] for v in others if v in system.init]),
                        ("an assertion", [p.term for p in system.asserts]),
                        ("a cover", [p.term for p in system.covers + system.justice])):
        used = [v for v in T.free_vars(roots) if v in qset]
        if used:
            v = used[0]
            raise FrontendError(f"${quantified[v.name]} {v.name!r} reaches {what}; universally quantified values "
                                f"are supported in assumptions only (they are expanded over every value)", loc)
    constraints = []
    for c in system.constraints:
        used = [v for v in T.free_vars([c]) if v in qset]
        if not used:
            constraints.append(c)
            continue
        bits = sum(v.sort.width for v in used)
        if bits > MAX_BITS:
            names = ", ".join(f"{v.name} ({v.sort.width} bits)" for v in used)
            raise FrontendError(f"universally quantified {names}: an assumption over more than {MAX_BITS} "
                                f"quantified bits cannot be expanded (2**{bits} instances)", loc)
        instances = []
        for values in itertools.product(*(range(1 << v.sort.width) for v in used)):
            instances.append(T.substitute(c, {v: T.const(x, v.sort.width) for v, x in zip(used, values)}))
        constraints.append(T.and_all(instances))
    system.constraints = constraints
    system.states = others
    for v in qvars:
        system.init.pop(v, None)
        system.next.pop(v, None)
    system.signals = {n: t for n, t in system.signals.items() if not (set(T.free_vars([t])) & qset)}
    system.reindex()
    for v in qvars:
        system.notes.append(f"${quantified[v.name]} {v.name} ({v.sort.width} bits): assumptions expanded over "
                            f"its {1 << v.sort.width} values")
