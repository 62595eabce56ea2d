"""Small random transition systems for engine cross-checks.

Widths stay small (1..6 bits) so every engine finishes in milliseconds and
properties are a mix of true and false ones; every operator class is used,
division and shifts included.
"""
from __future__ import annotations

import random

from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Array, Term

BINARY = ("and", "or", "xor", "add", "sub", "mul", "udiv", "urem", "sdiv", "srem", "smod", "shl", "lshr", "ashr")
COMPARE = ("eq", "ult", "ule", "slt", "sle")


def _expr(rng: random.Random, pool: dict[int, list[Term]], width: int, depth: int) -> Term:
    if depth == 0 or rng.random() < 0.25:
        if pool.get(width) and rng.random() < 0.8:
            return rng.choice(pool[width])
        return T.const(rng.randrange(1 << width), width)
    r = rng.random()
    if r < 0.55:
        op = rng.choice(BINARY)
        return T.apply(op, [_expr(rng, pool, width, depth - 1), _expr(rng, pool, width, depth - 1)])
    if r < 0.7:
        return T.ite(_cond(rng, pool, depth - 1), _expr(rng, pool, width, depth - 1), _expr(rng, pool, width, depth - 1))
    if r < 0.8:
        return T.not_(_expr(rng, pool, width, depth - 1))
    if r < 0.9 and width > 1:
        lo = rng.randrange(width)
        return T.concat(_expr(rng, pool, width - lo, depth - 1), _expr(rng, pool, lo, depth - 1)) if lo else \
            _expr(rng, pool, width, depth - 1)
    src = rng.randint(width, 6)
    if src == width:
        return _expr(rng, pool, width, depth - 1)
    lo = rng.randint(0, src - width)
    return T.extract(_expr(rng, pool, src, depth - 1), lo + width - 1, lo)


def _cond(rng: random.Random, pool: dict[int, list[Term]], depth: int) -> Term:
    w = rng.randint(1, 6)
    op = rng.choice(COMPARE)
    return T.apply(op, [_expr(rng, pool, w, depth), _expr(rng, pool, w, depth)])


def random_system(seed: int, n_states: int = 3, n_inputs: int = 2, depth: int = 3) -> TransitionSystem:
    """A random system with one assertion, sometimes a constraint and free initial values."""
    rng = random.Random(seed)
    s = TransitionSystem(f"random{seed}")
    pool: dict[int, list[Term]] = {}
    for i in range(n_inputs):
        v = s.add_input(f"in{i}", rng.randint(1, 6))
        pool.setdefault(v.width, []).append(v)
    states = []
    for i in range(n_states):
        w = rng.randint(1, 6)
        init = T.const(rng.randrange(1 << w), w) if rng.random() < 0.85 else None
        v = s.add_state(f"s{i}", w, init=init)
        states.append(v)
        pool.setdefault(w, []).append(v)
    for v in states:
        s.set_next(v, _expr(rng, pool, v.width, depth))
    if rng.random() < 0.3:
        s.add_constraint(_cond(rng, pool, 1))
    prop = _cond(rng, {w: [v for v in vs if v in states] for w, vs in pool.items()}, 2)
    # Most random conditions are false initially; flip those so deeper failures and proofs dominate.
    initial = {v: (s.init[v] if v in s.init else T.const(0, v.width)) for v in states}
    if T.substitute(prop, initial).value == 0 and rng.random() < 0.9:
        prop = T.not_(prop)
    s.add_assert("p", prop)
    return s


def random_system_mixed(seed: int) -> TransitionSystem:
    """``random_system`` with random sizes, and sometimes a small memory (array state).

    The memory is written every cycle at a computed address and read by the
    property or by a state's next function, so engines, the kernel and BTOR2
    see arrays too.
    """
    rng = random.Random(seed ^ 0x5EED)
    s = random_system(seed, n_states=rng.randint(1, 4), n_inputs=rng.randint(0, 3), depth=rng.randint(1, 4))
    if rng.random() < 0.3:
        s = _add_memory(s, rng)
    return s


def _add_memory(s: TransitionSystem, rng: random.Random) -> TransitionSystem:
    ew, iw = rng.randint(1, 4), rng.randint(1, 2)
    pool: dict[int, list[Term]] = {}
    for v in s.inputs + s.states:
        pool.setdefault(v.width, []).append(v)
    init = T.const_array(T.const(rng.randrange(1 << ew), ew), iw) if rng.random() < 0.8 else None
    mem = s.add_state("mem", Array(iw, ew), init=init)
    addr, data = _expr(rng, pool, iw, 2), _expr(rng, pool, ew, 2)
    s.set_next(mem, T.ite(_cond(rng, pool, 1), T.write(mem, addr, data), mem))
    rd = T.read(mem, _expr(rng, pool, iw, 1))
    p = s.asserts[0]
    extra = T.ule(rd, T.const(rng.randrange(1 << ew), ew)) if rng.random() < 0.5 else T.ne(rd, T.const(rng.randrange(1 << ew), ew))
    s.asserts[0] = type(p)(p.name, T.or_(p.term, extra) if rng.random() < 0.5 else T.and_(p.term, extra), p.kind, p.loc)
    s.reindex()
    return s
