"""Fault injection into a lowered model, to show that cosim notices a wrong model.

``CosimConfig.mutate = "hwverify.cosim.faults:add_to_sub"`` applies one of
these to the system inside the simulator before the lock-step run.
"""
from __future__ import annotations

from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem

__all__ = ["flip_operator", "add_to_sub", "redxor_to_redor"]

_COMMUTATIVE = {"add", "mul", "and", "or", "xor", "eq"}


def flip_operator(system: TransitionSystem, old: str, new: str) -> TransitionSystem:
    """Replace the first ``old`` node over a variable (in state order) of a next-state term by ``new``; in place.

    Raises ``ValueError`` when no next-state term contains ``old``.
    """
    for state in system.states:
        nxt = system.next.get(state)
        if nxt is None:
            continue
        for node in T.postorder([nxt]):
            # an operator over constants alone may be folded or visited in any order: skip it, so the
            # fault lands on the datapath deterministically
            if node.op == old and not all(a.op == "const" for a in node.args):
                args = node.args
                if old in _COMMUTATIVE:   # hash-consing may order the operands either way: variable first
                    args = tuple(sorted(args, key=lambda a: a.op == "const"))
                mutant = T.apply(new, args, node.params)
                system.next[state] = T.substitute(nxt, {node: mutant})
                system.notes.append(f"fault injected: {old} -> {new} in next({state.name})")
                return system
    raise ValueError(f"no {old!r} operator in any next-state term")


def add_to_sub(system: TransitionSystem) -> TransitionSystem:
    return flip_operator(system, "add", "sub")


def redxor_to_redor(system: TransitionSystem) -> TransitionSystem:
    return flip_operator(system, "redxor", "redor")
