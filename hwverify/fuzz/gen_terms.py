"""Random well-sorted term DAGs and values (fuzzing and property-based tests).

One generator, two front ends:

* hypothesis: ``terms_strategy(variables)`` and ``values_strategy(variables)``
  (choices are drawn from hypothesis, so failures shrink to small terms);
* plain ``random``: ``random_term(rng, variables, depth)``,
  ``random_terms(...)`` and ``random_values(rng, variables)``, usable without
  hypothesis (fuzz loops, benchmarks, differential tests against solvers).

Terms cover every operator in ``terms.ALL_OPS`` at widths 1..70, with the
corner cases biased in: division and remainder by zero, shifts by at least
the width, sign-bit values, arrays written at every index (extensional
equality) and ``write(a, i, read(a, i))``. Sub-terms are reused so the
results are DAGs, not only trees. Everything is built through the checking
constructors, so constant folding happens as it would in real use.

Also: ``default_vars()`` (a ready-made variable set), ``value_to_term`` and
``term_to_value`` (constants <-> values, for substitution-based checks).
"""
from __future__ import annotations

import random
from typing import Callable, Protocol, Sequence

from hwverify.semantics import bvops
from hwverify.semantics import terms as T
from hwverify.semantics.terms import Array, BV, Sort, Term
from hwverify.semantics.values import ArrayValue, Value

__all__ = [
    "WIDTHS", "INDEX_WIDTHS", "Chooser", "RandomChooser", "DrawChooser", "TermGenerator",
    "default_vars", "random_term", "random_terms", "random_values", "terms_strategy",
    "values_strategy", "value_to_term", "term_to_value",
]

WIDTHS = (1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 32, 33, 63, 64, 65, 70)
INDEX_WIDTHS = (1, 2, 3, 8)


class Chooser(Protocol):
    """Source of choices: ``integer(lo, hi)`` returns an int in ``[lo, hi]``.

    Lower numbers should be the "simpler" choice (hypothesis shrinks towards them).
    """

    def integer(self, lo: int, hi: int) -> int: ...


class RandomChooser:
    """Choices from a ``random.Random``."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


class DrawChooser:
    """Choices drawn from hypothesis (``draw`` of an ``st.composite`` or ``st.data()``)."""

    def __init__(self, draw: Callable):
        from hypothesis import strategies as st  # local: hypothesis is a test-only dependency
        self._draw, self._integers = draw, st.integers

    def integer(self, lo: int, hi: int) -> int:
        return self._draw(self._integers(lo, hi))


def default_vars() -> list[Term]:
    """Bit-vector variables of assorted widths (1..70) and a few array variables."""
    bvs = [T.var(f"{p}{w}", BV(w)) for p, w in
           (("x", 1), ("y", 1), ("x", 2), ("x", 4), ("x", 8), ("y", 8), ("x", 13),
            ("x", 32), ("y", 32), ("x", 33), ("x", 64), ("x", 70))]
    arrays = [T.var(f"m{i}_{e}", Array(i, e)) for i, e in ((1, 4), (2, 8), (3, 33), (8, 1))]
    return bvs + arrays


class TermGenerator:
    """Builds random well-sorted terms over ``variables`` from a ``Chooser``."""

    def __init__(self, chooser: Chooser, variables: Sequence[Term]):
        self.c = chooser
        self.bv_vars = [v for v in variables if isinstance(v.sort, BV)]
        self.array_sorts = sorted({v.sort for v in variables if isinstance(v.sort, Array)},
                                  key=lambda s: (s.index_width, s.elem_width))
        self.by_sort: dict[Sort, list[Term]] = {}
        for v in variables:
            self.by_sort.setdefault(v.sort, []).append(v)
        self.pool: dict[Sort, list[Term]] = {}

    # -------------------------------------------------------- choices
    def pick(self, options: Sequence):
        return options[self.c.integer(0, len(options) - 1)]

    def width(self) -> int:
        return self.pick(WIDTHS)

    def sort(self) -> Sort:
        """Mostly bit-vectors; sometimes an array sort (of a variable, or a fresh one)."""
        r = self.c.integer(0, 9)
        if r < 7:
            return BV(self.width())
        if r == 7:
            return T.BOOL  # the home of comparisons, reductions and array equality
        if r == 8 and self.array_sorts:
            return self.pick(self.array_sorts)
        return Array(self.pick(INDEX_WIDTHS), self.width())

    def interesting(self, w: int) -> int:
        """A value of width ``w``, biased to the corners (0, 1, all ones, sign bit, ...)."""
        m = bvops.mask(w)
        r = self.c.integer(0, 6)
        return (0, 1, m, 1 << (w - 1), m >> 1, 2 % (m + 1))[r] if r < 6 else self.c.integer(0, m)

    def value(self, sort: Sort) -> Value:
        """A random value of ``sort``; arrays get a few entries (sometimes every index)."""
        if isinstance(sort, BV):
            return self.interesting(sort.width)
        entries = {}
        count = self.c.integer(0, 3)
        if count == 3 and sort.index_width <= 2:
            count = 1 << sort.index_width
            indices = list(range(count))
        else:
            indices = [self.interesting(sort.index_width) for _ in range(count)]
        for i in indices:
            entries[i] = self.interesting(sort.elem_width)
        return ArrayValue(self.interesting(sort.elem_width), entries)

    # ---------------------------------------------------------- terms
    def term(self, sort: Sort, depth: int) -> Term:
        """A term of ``sort`` at most ``depth`` operators deep (plus leaf adapters)."""
        if isinstance(sort, Array):
            t = self._array(sort, depth)
        else:
            t = self._bv(sort.width, depth)
        self.pool.setdefault(sort, []).append(t)
        return t

    def _bv(self, w: int, depth: int) -> Term:
        r = self.c.integer(0, 9) if depth > 0 else 0
        if r == 0:
            return self.leaf(w)
        if r == 1 and self.pool.get(BV(w)):
            return self.pick(self.pool[BV(w)])
        families = ["unary", "bitwise", "arith", "div", "shift", "ite", "extract", "read"]
        families += ["concat", "zext", "sext"] if w >= 2 else ["compare", "reduce", "array_eq"]
        return getattr(self, f"_f_{self.pick(families)}")(w, depth - 1)

    def leaf(self, w: int) -> Term:
        """A constant, a variable of width ``w``, or a slice/extension of another variable."""
        r = self.c.integer(0, 2)
        if r == 0 or not self.bv_vars:
            return T.const(self.interesting(w), w)
        same = self.by_sort.get(BV(w), [])
        if r == 1 and same:
            return self.pick(same)
        v = self.pick(self.bv_vars)
        if v.width >= w:
            lo = self.c.integer(0, v.width - w)
            return T.extract(v, lo + w - 1, lo)
        return (T.zext if self.c.integer(0, 1) == 0 else T.sext)(v, w - v.width)

    def _f_unary(self, w: int, d: int) -> Term:
        return self.pick((T.not_, T.neg))(self.term(BV(w), d))

    def _f_bitwise(self, w: int, d: int) -> Term:
        return self.pick((T.and_, T.or_, T.xor))(self.term(BV(w), d), self.term(BV(w), d))

    def _f_arith(self, w: int, d: int) -> Term:
        return self.pick((T.add, T.sub, T.mul))(self.term(BV(w), d), self.term(BV(w), d))

    def _f_div(self, w: int, d: int) -> Term:
        op = self.pick((T.udiv, T.urem, T.sdiv, T.srem, T.smod))
        divisor = self.term(BV(w), d) if self.c.integer(0, 1) else T.const(self.interesting(w), w)
        return op(self.term(BV(w), d), divisor)

    def _f_shift(self, w: int, d: int) -> Term:
        op = self.pick((T.shl, T.lshr, T.ashr))
        if self.c.integer(0, 1):
            amount = self.term(BV(w), d)
        else:  # amounts around the width, wrapped into w bits
            amount = T.const(self.pick((0, 1, w - 1, w, w + 1, bvops.mask(w))), w)
        return op(self.term(BV(w), d), amount)

    def _f_ite(self, w: int, d: int) -> Term:
        return T.ite(self.term(T.BOOL, d), self.term(BV(w), d), self.term(BV(w), d))

    def _f_extract(self, w: int, d: int) -> Term:
        src = self.pick([x for x in WIDTHS if x >= w] + [w + self.c.integer(1, 8)])
        lo = self.c.integer(0, src - w)
        return T.extract(self.term(BV(src), d), lo + w - 1, lo)

    def _f_read(self, w: int, d: int) -> Term:
        sort = self._array_sort(elem_width=w)
        return T.read(self.term(sort, d), self.term(BV(sort.index_width), d))

    def _f_concat(self, w: int, d: int) -> Term:
        hi = self.c.integer(1, w - 1)
        return T.concat(self.term(BV(hi), d), self.term(BV(w - hi), d))

    def _f_zext(self, w: int, d: int) -> Term:
        n = self.c.integer(1, w - 1)
        return T.zext(self.term(BV(w - n), d), n)

    def _f_sext(self, w: int, d: int) -> Term:
        n = self.c.integer(1, w - 1)
        return T.sext(self.term(BV(w - n), d), n)

    def _f_compare(self, w: int, d: int) -> Term:
        op = self.pick((T.ult, T.ule, T.slt, T.sle, T.eq, T.ne, T.ugt, T.sge))
        aw = self.width()
        return op(self.term(BV(aw), d), self.term(BV(aw), d))

    def _f_reduce(self, w: int, d: int) -> Term:
        return self.pick((T.redand, T.redor, T.redxor))(self.term(BV(self.width()), d))

    def _f_array_eq(self, w: int, d: int) -> Term:
        """Array equality, often between extensionally equal but differently built arrays."""
        sort = self._array_sort()
        a = self.term(sort, d)
        iw, ew = sort.index_width, sort.elem_width
        r = self.c.integer(0, 3)
        if r == 0:
            b = self.term(sort, d)
        elif r == 1:  # same contents: write back what is there
            i = self.term(BV(iw), d)
            b = T.write(a, i, T.read(a, i))
        elif r == 2:
            b = T.write(a, self.term(BV(iw), d), self.term(BV(ew), d))
        else:  # overwrite every index of a small array: equal to a constant array
            x = self.term(BV(ew), d)
            b = T.const_array(x, iw)
            if iw <= 3:
                for i in range(1 << iw):
                    a = T.write(a, T.const(i, iw), x)
        return T.eq(a, b) if self.c.integer(0, 1) else T.eq(b, a)

    def _array_sort(self, elem_width: int | None = None) -> Array:
        fits = [s for s in self.array_sorts if elem_width is None or s.elem_width == elem_width]
        if fits and self.c.integer(0, 1) == 0:
            return self.pick(fits)
        return Array(self.pick(INDEX_WIDTHS), elem_width or self.width())

    def _array(self, sort: Array, depth: int) -> Term:
        r = self.c.integer(0, 4) if depth > 0 else 0
        own = self.by_sort.get(sort, [])
        if r == 0:
            if own and self.c.integer(0, 1) == 0:
                return self.pick(own)
            return T.const_array(self.leaf(sort.elem_width), sort.index_width)
        d = depth - 1
        if r == 1 and self.pool.get(sort):
            return self.pick(self.pool[sort])
        if r == 2:
            return T.const_array(self.term(BV(sort.elem_width), d), sort.index_width)
        if r == 3:
            return T.ite(self.term(T.BOOL, d), self.term(sort, d), self.term(sort, d))
        return T.write(self.term(sort, d), self.term(BV(sort.index_width), d),
                       self.term(BV(sort.elem_width), d))


# ------------------------------------------------------ plain-random API
def random_term(rng: random.Random, variables: Sequence[Term], depth: int = 4,
                sort: Sort | None = None) -> Term:
    """One random term over ``variables`` (of ``sort``, else a random sort)."""
    gen = TermGenerator(RandomChooser(rng), variables)
    return gen.term(sort or gen.sort(), depth)


def random_terms(rng: random.Random, variables: Sequence[Term], count: int, depth: int = 4,
                 sorts: Sequence[Sort] | None = None) -> list[Term]:
    """``count`` random terms sharing sub-terms (one DAG), of ``sorts`` if given."""
    gen = TermGenerator(RandomChooser(rng), variables)
    return [gen.term(sorts[i] if sorts else gen.sort(), depth) for i in range(count)]


def random_values(rng: random.Random, variables: Sequence[Term]) -> dict[Term, Value]:
    """A corner-biased random value for each variable."""
    gen = TermGenerator(RandomChooser(rng), variables)
    return {v: gen.value(v.sort) for v in variables}


# -------------------------------------------------------- hypothesis API
def terms_strategy(variables: Sequence[Term], max_depth: int = 5, max_terms: int = 3):
    """Hypothesis strategy: a list of 1..``max_terms`` random terms sharing sub-terms."""
    from hypothesis import strategies as st  # local: hypothesis is a test-only dependency

    @st.composite
    def _terms(draw) -> list[Term]:
        gen = TermGenerator(DrawChooser(draw), variables)
        n = draw(st.integers(1, max_terms))
        return [gen.term(gen.sort(), max_depth) for _ in range(n)]

    return _terms()


def values_strategy(variables: Sequence[Term]):
    """Hypothesis strategy: a dict giving every variable a corner-biased value."""
    from hypothesis import strategies as st  # local: hypothesis is a test-only dependency

    @st.composite
    def _values(draw) -> dict[Term, Value]:
        gen = TermGenerator(DrawChooser(draw), variables)
        return {v: gen.value(v.sort) for v in variables}

    return _values()


# ------------------------------------------------ constants <-> values
def value_to_term(value: Value, sort: Sort) -> Term:
    """The constant term for ``value``: a ``const``, or writes over a ``const_array``."""
    if isinstance(sort, BV):
        return T.const(value, sort.width)
    t = T.const_array(T.const(value.default, sort.elem_width), sort.index_width)
    for i, v in sorted(value.entries.items()):
        t = T.write(t, T.const(i, sort.index_width), T.const(v, sort.elem_width))
    return t


def term_to_value(term: Term) -> Value | None:
    """The value of a folded constant term, or None if ``term`` is not one."""
    if term.op == "const":
        return term.value
    writes = []
    while term.op == "write":
        if term.args[1].op != "const" or term.args[2].op != "const":
            return None
        writes.append((term.args[1].value, term.args[2].value))
        term = term.args[0]
    if term.op != "const_array" or term.args[0].op != "const":
        return None
    value = ArrayValue(term.args[0].value)
    for i, v in reversed(writes):
        value = value.write(i, v)
    return value
