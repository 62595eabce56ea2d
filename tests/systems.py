"""Small transition systems built directly from terms, with known answers.

Each builder documents its expected verdict; engine, kernel and CLI tests
share them so every engine is checked on the same ground truth.
"""
from __future__ import annotations

from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem


def wrap_counter(wrap_at: int = 9, width: int = 4, forbidden: int = 12, hold: bool = False) -> TransitionSystem:
    """Counter 0..wrap_at; assert it never equals ``forbidden``.

    With wrap_at=9, forbidden=12 the property holds but is not 1-inductive
    (10 -> 11 -> 12 are unreachable predecessors): k-induction needs k=3.
    With wrap_at >= forbidden it fails at step ``forbidden`` (minimal depth).
    With ``hold`` an input can freeze the counter: unreachable states then loop,
    so only k-induction with simple-path constraints proves the property.
    """
    s = TransitionSystem("wrap_counter")
    c = s.add_state("count", width, init=T.const(0, width))
    step = T.ite(T.eq(c, T.const(wrap_at, width)), T.const(0, width), T.add(c, T.const(1, width)))
    if hold:
        step = T.ite(s.add_input("hold", 1), c, step)
    s.set_next(c, step)
    s.add_assert("never_forbidden", T.ne(c, T.const(forbidden, width)))
    return s


def swap_pair(width: int = 8) -> TransitionSystem:
    """x' = y, y' = x from x = y = 0 with a free enable; x == 0 holds, 2-inductive only."""
    s = TransitionSystem("swap_pair")
    en = s.add_input("en", 1)
    x = s.add_state("x", width, init=T.const(0, width))
    y = s.add_state("y", width, init=T.const(0, width))
    s.set_next(x, T.ite(en, y, x))
    s.set_next(y, T.ite(en, x, y))
    s.add_assert("x_zero", T.eq(x, T.const(0, width)))
    return s


def enabled_counter(width: int = 8, limit: int = 5, constrained: bool = False) -> TransitionSystem:
    """A counter that counts when ``en`` is high; asserts it stays below ``limit``.

    Fails at step ``limit`` (en high every cycle). With ``constrained`` the
    environment is constrained to en == 0 and the property holds.
    """
    s = TransitionSystem("enabled_counter")
    en = s.add_input("en", 1)
    c = s.add_state("count", width, init=T.const(0, width))
    s.set_next(c, T.ite(en, T.add(c, T.const(1, width)), c))
    s.add_assert("below_limit", T.ult(c, T.const(limit, width)))
    s.add_cover("reaches_3", T.eq(c, T.const(3, width)))
    if constrained:
        s.add_constraint(T.not_(en))
    return s


def memory_system() -> TransitionSystem:
    """A 4-entry memory written with (addr, data) and a shadow of entry 0; they agree (inductive)."""
    s = TransitionSystem("memory")
    we = s.add_input("we", 1)
    addr = s.add_input("addr", 2)
    data = s.add_input("data", 8)
    mem = s.add_state("mem", T.Array(2, 8), init=T.const(0, 8))
    shadow = s.add_state("shadow", 8, init=T.const(0, 8))
    s.set_next(mem, T.ite(we, T.write(mem, addr, data), mem))
    s.set_next(shadow, T.ite(T.and_(we, T.eq(addr, T.const(0, 2))), data, shadow))
    s.add_assert("shadow_matches", T.eq(T.read(mem, T.const(0, 2)), shadow))
    s.add_assert("entry1_small", T.ult(T.read(mem, T.const(1, 2)), T.const(200, 8)))  # fails at step 1
    return s


def free_init() -> TransitionSystem:
    """A register with no initial value that is never updated: any value is possible at step 0."""
    s = TransitionSystem("free_init")
    r = s.add_state("r", 4)
    s.set_next(r, r)
    s.add_assert("r_not_7", T.ne(r, T.const(7, 4)))
    return s
