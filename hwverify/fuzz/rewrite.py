"""Variants of a transition system for the equivalence layer: rewrites that keep its meaning, and mutants.

``rewrite_system`` returns a system that behaves exactly like the original,
cycle by cycle, on every named signal, but is built differently:

* term rewrites, each an identity of bit-vector arithmetic: commuted
  operands, ``a - b`` as ``a + ~b + 1``, ``a ^ b`` as ``(a | b) & ~(a & b)``,
  De Morgan, ``ite(c, x, y)`` as ``ite(!c, y, x)``, ``-a`` as ``~a + 1``,
  ``a == b`` as ``!(a != b)`` via ``xor``/``redor``, ``x * 2^k`` as ``x << k``;
* state re-encoding: a bit-vector register with an initial value is stored
  inverted (``r_inv`` holds ``~r``; every reader sees ``~r_inv``), so a
  correspondence between the two systems is ``r == ~r_inv``, not a plain
  equality.

``mutate_system`` changes exactly one operator (or one constant by one) in
one next-state, output or constraint term, and says where; the mutant may or
may not be equivalent to the original, which is what the engines must decide.
Every variant keeps the original's signal names (outputs and registers as the
RTL would name them), so a miter can compare them.
"""
from __future__ import annotations

import random

from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import BV, Term

__all__ = ["rewrite_term", "rewrite_system", "mutate_system", "OUTPUT_PREFIX"]

OUTPUT_PREFIX = "out"
SWAPS = {"add": "sub", "sub": "add", "and": "or", "or": "and", "xor": "and", "ult": "ule", "ule": "ult",
         "slt": "sle", "sle": "slt", "shl": "lshr", "lshr": "ashr", "ashr": "lshr", "udiv": "urem",
         "urem": "udiv", "mul": "add", "sdiv": "udiv", "srem": "urem", "smod": "srem"}


def _rewrite_node(node: Term, args: tuple[Term, ...], rng: random.Random) -> Term:
    """``node`` rebuilt over ``args``, sometimes through an identity that changes its shape."""
    op = node.op
    if rng.random() < 0.5:
        return T.apply(op, args, node.params, node.sort)
    if op in ("and", "or", "xor", "add", "mul", "eq") and len(args) == 2:
        a, b = args
        if op == "xor" and rng.random() < 0.5:
            return T.and_(T.or_(a, b), T.not_(T.and_(a, b)))
        if op == "and" and rng.random() < 0.5:
            return T.not_(T.or_(T.not_(a), T.not_(b)))
        if op == "eq" and isinstance(a.sort, BV) and rng.random() < 0.5:
            return T.not_(T.redor(T.xor(a, b)))
        return T.apply(op, (b, a), node.params, node.sort)
    if op == "sub":
        a, b = args
        return T.add(T.add(a, T.not_(b)), T.const(1, a.width))
    if op == "neg":
        return T.add(T.not_(args[0]), T.const(1, args[0].width))
    if op == "ite":
        c, x, y = args
        return T.ite(T.not_(c), y, x)
    if op == "mul" and len(args) == 2:
        a, b = args
        if b.is_const and b.value and b.value & (b.value - 1) == 0:
            return T.shl(a, T.const(b.value.bit_length() - 1, a.width))
    return T.apply(op, args, node.params, node.sort)


def rewrite_term(term: Term, rng: random.Random, memo: dict[Term, Term] | None = None) -> Term:
    """``term`` with random identities applied at random nodes (variables and constants kept)."""
    memo = {} if memo is None else memo
    for node in T.postorder([term], skip=memo):
        if not node.args:
            memo[node] = node
        else:
            memo[node] = _rewrite_node(node, tuple(memo[a] for a in node.args), rng)
    return memo[term]


def _copy(system: TransitionSystem, name: str, transform, rename: dict[Term, Term] | None = None
          ) -> TransitionSystem:
    """A copy of ``system`` with ``transform`` applied to every term; ``rename`` maps old states to readers."""
    out = TransitionSystem(name)
    mapping: dict[Term, Term] = {}
    for v in system.inputs:
        mapping[v] = out.add_input(v.name, v.sort)
    new_states: dict[Term, Term] = {}
    for s in system.states:
        if rename and s in rename:
            new_states[s] = out.add_state(f"{s.name}_inv", s.sort)
            mapping[s] = T.not_(new_states[s])         # readers see the true value
        else:
            new_states[s] = mapping[s] = out.add_state(s.name, s.sort)
    cache: dict[Term, Term] = {}

    def tr(t: Term) -> Term:
        return transform(T.substitute_all([t], mapping, cache)[0])

    for s in system.states:
        inverted = bool(rename and s in rename)
        if s in system.init:
            init = tr(system.init[s])
            out.set_init(new_states[s], T.not_(init) if inverted else init)
        if s in system.next:
            nxt = tr(system.next[s])
            out.set_next(new_states[s], T.not_(nxt) if inverted else nxt)
    for c in system.constraints:
        out.add_constraint(tr(c))
    for p in system.asserts:
        out.add_assert(p.name, tr(p.term), p.loc)
    for n, t in system.signals.items():
        out.signals[n] = tr(t)
    return out


def rewrite_system(system: TransitionSystem, rng: random.Random) -> TransitionSystem:
    """A semantically identical system with a different structure (see the module docstring)."""
    memo: dict[Term, Term] = {}
    candidates = [s for s in system.states if isinstance(s.sort, BV) and s in system.init]
    inverted = {s: s for s in candidates if rng.random() < 0.4}
    return _copy(system, f"{system.name}_rewritten", lambda t: rewrite_term(t, rng, memo), inverted)


def _mutation_sites(term: Term) -> list[Term]:
    return [n for n in T.postorder([term])
            if (n.op in SWAPS and len(n.args) == 2) or (n.op == "const" and isinstance(n.sort, BV))]


def _mutated(node: Term) -> tuple[Term, str]:
    if node.op == "const":
        value = (node.value + 1) % (1 << node.width)
        return T.const(value, node.width), f"constant {node.value} -> {value}"
    new_op = SWAPS[node.op]
    return T.apply(new_op, node.args, node.params, node.sort), f"{node.op} -> {new_op}"


def mutate_system(system: TransitionSystem, rng: random.Random) -> tuple[TransitionSystem, str] | None:
    """``system`` with one operator or constant changed in one term, and a description; None if none can be."""
    roots: list[tuple[str, Term]] = [(f"next({s.name})", t) for s, t in system.next.items()]
    roots += [(f"signal {n}", t) for n, t in system.signals.items() if n.startswith(OUTPUT_PREFIX)]
    roots = [(where, t) for where, t in roots if _mutation_sites(t)]
    if not roots:
        return None
    where, root = rng.choice(roots)
    site = rng.choice(_mutation_sites(root))
    replacement, what = _mutated(site)
    changed = T.substitute_all([root], {site: replacement})[0]
    out = _copy(system, f"{system.name}_mutant", lambda t: t)
    if where.startswith("next("):
        state = next(s for s in out.states if s.name == where[5:-1])
        out.next[state] = changed        # same names and sorts: the copy's variables are the original's terms
    else:
        out.signals[where[len("signal "):]] = changed
    return out, f"{what} in {where}"
