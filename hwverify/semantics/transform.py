"""System-to-system reductions that keep evidence valid for the original system.

``cone_of_influence`` keeps only the variables that can affect the given
properties and the constraints. The reduced system's variables are the
original's (same terms), so an invariant proved on it is a term over the
original; traces are completed on the original with ``replay.complete_trace``.
The kept state set is closed under dependencies, which is what makes
simple-path constraints over it sound (the kernel re-checks that closure).
"""
from __future__ import annotations

from typing import Sequence

from hwverify.semantics import terms as T
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.terms import Term


def influencing_variables(system: TransitionSystem, roots: Sequence[Term]) -> set[Term]:
    """Variables the roots depend on, directly or through next/init functions."""
    keep: set[Term] = set()
    work = T.free_vars(roots)
    while work:
        v = work.pop()
        if v in keep:
            continue
        keep.add(v)
        deps = [t for t in (system.next.get(v), system.init.get(v)) if t is not None]
        if deps:
            work.extend(u for u in T.free_vars(deps) if u not in keep)
    return keep


def cone_of_influence(system: TransitionSystem, props: Sequence[Property]) -> TransitionSystem:
    """The part of ``system`` that ``props`` (and the constraints) depend on."""
    keep = influencing_variables(system, [p.term for p in props] + list(system.constraints))
    if len(keep) == len(system.inputs) + len(system.states):
        return system
    reduced = TransitionSystem(
        name=system.name,
        inputs=[v for v in system.inputs if v in keep],
        states=[v for v in system.states if v in keep],
        init={s: t for s, t in system.init.items() if s in keep},
        next={s: t for s, t in system.next.items() if s in keep},
        constraints=list(system.constraints),
        asserts=[p for p in props if p.kind == "assert"],
        covers=[p for p in props if p.kind == "cover"],
        notes=list(system.notes) + [f"cone of influence: {len(keep)} of "
                                    f"{len(system.inputs) + len(system.states)} variables"],
    )
    return reduced
