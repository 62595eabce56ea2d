"""Concrete bit-vector semantics on Python ints (SMT-LIB QF_BV, unsigned encoding).

One definition shared by constant folding and the evaluator, so the two cannot
drift apart; the solvers are the independent reference it is tested against.
Every function takes unsigned operands already reduced modulo ``2**width``.
Division by zero follows SMT-LIB: ``x / 0`` is all ones, ``x % 0`` is ``x``.
"""
from __future__ import annotations


def mask(width: int) -> int:
    return (1 << width) - 1


def to_signed(value: int, width: int) -> int:
    """Read an unsigned ``width``-bit value as two's complement."""
    return value - (1 << width) if value >> (width - 1) & 1 else value


def neg(a: int, w: int) -> int:
    return -a & mask(w)


def udiv(a: int, b: int, w: int) -> int:
    return mask(w) if b == 0 else a // b


def urem(a: int, b: int, w: int) -> int:
    return a if b == 0 else a % b


def sdiv(a: int, b: int, w: int) -> int:
    sa, sb = a >> (w - 1) & 1, b >> (w - 1) & 1
    ua = neg(a, w) if sa else a
    ub = neg(b, w) if sb else b
    q = udiv(ua, ub, w)
    return neg(q, w) if sa != sb else q


def srem(a: int, b: int, w: int) -> int:
    sa, sb = a >> (w - 1) & 1, b >> (w - 1) & 1
    ua = neg(a, w) if sa else a
    ub = neg(b, w) if sb else b
    r = urem(ua, ub, w)
    return neg(r, w) if sa else r


def smod(a: int, b: int, w: int) -> int:
    sa, sb = a >> (w - 1) & 1, b >> (w - 1) & 1
    ua = neg(a, w) if sa else a
    ub = neg(b, w) if sb else b
    u = urem(ua, ub, w)
    if u == 0 or (not sa and not sb):
        return u
    if sa and not sb:
        return (neg(u, w) + b) & mask(w)
    if not sa and sb:
        return (u + b) & mask(w)
    return neg(u, w)


def shl(a: int, b: int, w: int) -> int:
    return 0 if b >= w else (a << b) & mask(w)


def lshr(a: int, b: int, w: int) -> int:
    return 0 if b >= w else a >> b


def ashr(a: int, b: int, w: int) -> int:
    sign = a >> (w - 1) & 1
    if b >= w:
        return mask(w) if sign else 0
    r = a >> b
    if sign:
        r |= mask(w) ^ mask(w - b)
    return r


def slt(a: int, b: int, w: int) -> int:
    return int(to_signed(a, w) < to_signed(b, w))


def sle(a: int, b: int, w: int) -> int:
    return int(to_signed(a, w) <= to_signed(b, w))


def sext(a: int, w: int, extra: int) -> int:
    if a >> (w - 1) & 1:
        return a | (mask(extra) << w)
    return a


def redxor(a: int) -> int:
    return bin(a).count("1") & 1
