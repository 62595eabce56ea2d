"""Every installed solver back end against one corpus, random terms and the incremental API.

* a shared corpus of small formulas with known answers (SMT-LIB corner cases:
  division by zero, signed division overflow, shifts by at least the width,
  sign extension, arrays);
* random terms (``tests/strategies.py``): with every variable fixed to a
  constant, the solver's value of a term must be its constant-folded value;
* push/pop, assumptions, model values after re-checks, misuse errors;
* timeouts: a factoring instance gives UNKNOWN with reason "timeout".
"""
from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings

from hwverify.errors import ProverError
from hwverify.prover.solvers import SAT, UNKNOWN, UNSAT, available_solvers, make_solver
from hwverify.semantics import terms as T
from hwverify.semantics.terms import ALL_OPS, Array, BV, Term
from hwverify.semantics.values import ArrayValue

from tests.strategies import default_vars, term_to_value, terms_strategy, value_to_term, values_strategy

SOLVERS = available_solvers()
pytestmark = pytest.mark.skipif(not SOLVERS, reason="no solver back end installed")


def c(value: int, width: int) -> Term:
    return T.const(value, width)


x8, y8, z8 = (T.var(n, BV(8)) for n in ("x8", "y8", "z8"))
x70, y70 = T.var("x70", BV(70)), T.var("y70", BV(70))
b1 = T.var("b1", BV(1))
i4, j4 = T.var("i4", BV(4)), T.var("j4", BV(4))
A = T.var("A", Array(4, 8))
B = T.var("B", Array(4, 8))
M1 = T.var("M1", Array(1, 8))  # two indices only: extensionality is visible
ONES8 = T.ones(8)
NEG = T.slt(x8, c(0, 8))

# (name, formula, expected): "valid" means the negation is UNSAT.
CORPUS: list[tuple[str, Term, str]] = [
    # plain arithmetic
    ("x+1 != x", T.eq(T.add(x8, c(1, 8)), x8), "unsat"),
    ("8-bit factor 15", T.and_all([T.eq(T.mul(x8, y8), c(15, 8)), T.ult(c(1, 8), x8), T.ult(c(1, 8), y8),
                                   T.ult(x8, c(16, 8)), T.ult(y8, c(16, 8))]), "sat"),
    ("neg is 0 - x", T.eq(T.neg(x8), T.sub(c(0, 8), x8)), "valid"),
    ("70-bit mul commutes", T.eq(T.mul(x70, y70), T.mul(y70, x70)), "valid"),
    ("70-bit udiv by 1", T.eq(T.udiv(x70, c(1, 70)), x70), "valid"),
    ("70-bit wrap", T.eq(T.add(x70, c(1, 70)), c(0, 70)), "sat"),
    # division by zero, SMT-LIB style
    ("udiv x 0 = ones", T.eq(T.udiv(x8, c(0, 8)), ONES8), "valid"),
    ("urem x 0 = x", T.eq(T.urem(x8, c(0, 8)), x8), "valid"),
    ("udiv x y, y=0", T.implies(T.eq(y8, c(0, 8)), T.eq(T.udiv(x8, y8), ONES8)), "valid"),
    ("sdiv x 0", T.eq(T.sdiv(x8, c(0, 8)), T.ite(NEG, c(1, 8), ONES8)), "valid"),
    ("srem x 0 = x", T.eq(T.srem(x8, c(0, 8)), x8), "valid"),
    ("smod x 0 = x", T.eq(T.smod(x8, c(0, 8)), x8), "valid"),
    ("70-bit udiv x 0", T.eq(T.udiv(x70, c(0, 70)), T.ones(70)), "valid"),
    # signed division edge cases
    ("sdiv min -1 = min", T.implies(T.eq(x8, c(0x80, 8)), T.eq(T.sdiv(x8, ONES8), c(0x80, 8))), "valid"),
    ("srem min -1 = 0", T.implies(T.eq(x8, c(0x80, 8)), T.eq(T.srem(x8, ONES8), c(0, 8))), "valid"),
    ("srem -7 2 = -1", T.implies(T.eq(x8, c(-7, 8)), T.eq(T.srem(x8, c(2, 8)), c(-1, 8))), "valid"),
    ("smod -7 2 = 1", T.implies(T.eq(x8, c(-7, 8)), T.eq(T.smod(x8, c(2, 8)), c(1, 8))), "valid"),
    ("smod 7 -2 = -1", T.implies(T.eq(x8, c(7, 8)), T.eq(T.smod(x8, c(-2, 8)), c(-1, 8))), "valid"),
    ("smod -7 -2 = -1", T.implies(T.eq(x8, c(-7, 8)), T.eq(T.smod(x8, c(-2, 8)), c(-1, 8))), "valid"),
    ("sdiv -7 2 = -3", T.implies(T.eq(x8, c(-7, 8)), T.eq(T.sdiv(x8, c(2, 8)), c(-3, 8))), "valid"),
    ("smod sign follows divisor", T.and_all([T.slt(c(0, 8), y8), T.slt(T.smod(x8, y8), c(0, 8))]), "unsat"),
    # shifts by at least the width
    ("shl by 8", T.eq(T.shl(x8, c(8, 8)), c(0, 8)), "valid"),
    ("lshr by 200", T.eq(T.lshr(x8, c(200, 8)), c(0, 8)), "valid"),
    ("shl by y>=8", T.implies(T.ule(c(8, 8), y8), T.eq(T.shl(x8, y8), c(0, 8))), "valid"),
    ("lshr by y>=8", T.implies(T.ule(c(8, 8), y8), T.eq(T.lshr(x8, y8), c(0, 8))), "valid"),
    ("ashr by y>=8", T.implies(T.ule(c(8, 8), y8), T.eq(T.ashr(x8, y8), T.ite(NEG, ONES8, c(0, 8)))), "valid"),
    ("ashr by 1", T.implies(T.eq(x8, c(0x81, 8)), T.eq(T.ashr(x8, c(1, 8)), c(0xC0, 8))), "valid"),
    ("shl then lshr", T.implies(T.ult(x8, c(16, 8)), T.eq(T.lshr(T.shl(x8, c(4, 8)), c(4, 8)), x8)), "valid"),
    # extension, extraction, concatenation
    ("sext high bits", T.eq(T.extract(T.sext(x8, 8), 15, 8), T.ite(NEG, ONES8, c(0, 8))), "valid"),
    ("sext 0x80", T.implies(T.eq(x8, c(0x80, 8)), T.eq(T.sext(x8, 8), c(0xFF80, 16))), "valid"),
    ("zext keeps value", T.eq(T.extract(T.zext(x8, 4), 7, 0), x8), "valid"),
    ("zext high zero", T.eq(T.extract(T.zext(x8, 4), 11, 8), c(0, 4)), "valid"),
    ("concat halves", T.eq(T.concat(T.extract(x8, 7, 4), T.extract(x8, 3, 0)), x8), "valid"),
    ("sext 1-bit", T.eq(T.sext(b1, 7), T.ite(b1, ONES8, c(0, 8))), "valid"),
    # reductions and 1-bit logic
    ("redand", T.eq(T.redand(x8), T.eq(x8, ONES8)), "valid"),
    ("redor", T.eq(T.redor(x8), T.ne(x8, c(0, 8))), "valid"),
    ("redxor of x.x", T.eq(T.redxor(T.concat(x8, x8)), c(0, 1)), "valid"),
    ("redxor 0b111", T.implies(T.eq(x8, c(7, 8)), T.redxor(x8)), "valid"),
    ("1-bit excluded middle", T.or_(b1, T.not_(b1)), "valid"),
    ("1-bit contradiction", T.and_(b1, T.not_(b1)), "unsat"),
    ("signed vs unsigned", T.and_(T.ult(x8, y8), T.slt(y8, x8)), "sat"),
    ("ult antisymmetric", T.and_(T.ult(x8, y8), T.ult(y8, x8)), "unsat"),
    # arrays
    ("read over write, same", T.eq(T.read(T.write(A, i4, x8), i4), x8), "valid"),
    ("read over write, other", T.implies(T.ne(i4, j4), T.eq(T.read(T.write(A, i4, x8), j4), T.read(A, j4))), "valid"),
    ("const array read", T.eq(T.read(T.write(T.const_array(c(5, 8), 4), i4, x8), j4),
                              T.ite(T.eq(i4, j4), x8, c(5, 8))), "valid"),
    ("const array equality", T.eq(T.eq(T.const_array(x8, 4), T.const_array(y8, 4)), T.eq(x8, y8)), "valid"),
    ("write back is identity", T.eq(T.write(A, i4, T.read(A, i4)), A), "valid"),
    ("different writes differ", T.eq(T.write(A, i4, c(1, 8)), T.write(A, i4, c(2, 8))), "unsat"),
    ("arrays may be equal", T.and_(T.eq(A, B), T.eq(T.read(A, i4), c(3, 8))), "sat"),
    ("equal arrays agree", T.and_(T.eq(A, B), T.ne(T.read(A, i4), T.read(B, i4))), "unsat"),
    ("extensionality", T.eq(T.write(T.write(M1, c(0, 1), x8), c(1, 1), x8), T.const_array(x8, 1)), "valid"),
    ("array ite", T.eq(T.read(T.ite(b1, A, B), i4), T.ite(b1, T.read(A, i4), T.read(B, i4))), "valid"),
]


def _decide(name: str, formula: Term) -> str:
    with make_solver(name) as s:
        s.add(formula)
        return s.check()


@pytest.mark.parametrize("name", SOLVERS)
@pytest.mark.parametrize("label,formula,expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus(name: str, label: str, formula: Term, expected: str) -> None:
    if expected == "valid":
        assert _decide(name, T.not_(formula)) == UNSAT
        assert _decide(name, formula) == SAT
    else:
        assert _decide(name, formula) == expected


# ------------------------------------------------------------- random terms
VARS = default_vars()


def _expected(term: Term, values: dict[Term, object]):
    """The value of ``term`` with every variable replaced by its constant.

    The constructors fold everything except equality of two arrays built from
    writes (they do not compare arrays), which the reference evaluator decides.
    """
    folded = term_to_value(T.substitute(term, {v: value_to_term(values[v], v.sort) for v in VARS}))
    if folded is None:
        from hwverify.semantics.evaluate import evaluate
        folded = evaluate(term, values)
    return folded


def _same(sort, got, want) -> bool:
    if isinstance(sort, BV):
        return got == want
    return all(got.read(i) == want.read(i) for i in range(1 << sort.index_width))  # index widths <= 8


@pytest.mark.parametrize("name", SOLVERS)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roots=terms_strategy(VARS, max_depth=4, max_terms=3), values=values_strategy(VARS))
def test_random_terms_match_constant_folding(name: str, roots: list[Term], values: dict) -> None:
    with make_solver(name, timeout=20) as s:
        for v in T.free_vars(roots):
            s.add(T.eq(v, value_to_term(values[v], v.sort)))
        assert s.check() == SAT
        for t in roots:
            got = s.value(t)
            want = _expected(t, values)
            assert isinstance(got, ArrayValue if isinstance(t.sort, Array) else int)
            assert _same(t.sort, got, want), f"{name}: {t!r} gave {got}, expected {want}"


# ---------------------------------------------------------------- incremental
@pytest.mark.parametrize("name", SOLVERS)
def test_push_pop_and_assumptions(name: str) -> None:
    with make_solver(name) as s:
        s.add(T.ult(x8, c(10, 8)))
        assert s.check() == SAT
        assert s.value(x8) < 10
        # unsat under one assumption, sat without it, sat under another
        assert s.check([T.eq(x8, c(12, 8))]) == UNSAT
        assert s.check() == SAT
        assert s.check([T.eq(x8, c(7, 8)), T.eq(y8, T.add(x8, x8))]) == SAT
        assert (s.value(x8), s.value(y8), s.value(T.add(y8, c(1, 8)))) == (7, 14, 15)
        s.push()
        s.add(T.eq(x8, c(3, 8)))
        assert s.check() == SAT and s.value(x8) == 3
        s.push()
        s.add(T.eq(x8, c(4, 8)))
        assert s.check() == UNSAT
        s.pop()
        assert s.check() == SAT and s.value(x8) == 3
        s.pop()
        assert s.check([T.eq(x8, c(9, 8))]) == SAT and s.value(x8) == 9
        assert s.check([T.eq(x8, c(10, 8))]) == UNSAT
        assert s.checks == 9


@pytest.mark.parametrize("name", SOLVERS)
def test_model_values_after_recheck(name: str) -> None:
    with make_solver(name) as s:
        s.add(T.eq(T.read(A, c(3, 4)), c(9, 8)))
        s.add(T.eq(T.read(A, i4), x8))
        for k in (1, 2, 5):
            assert s.check([T.eq(x8, c(k, 8)), T.ne(i4, c(3, 4))]) == SAT
            arr, i = s.value(A), s.value(i4)
            assert arr.read(3) == 9 and arr.read(i) == k and s.value(x8) == k
            assert s.value(T.write(A, i4, c(0, 8))).read(i) == 0
        assert s.value(T.const_array(c(5, 8), 4)) == ArrayValue(5)


@pytest.mark.parametrize("name", SOLVERS)
def test_misuse_is_prover_error(name: str) -> None:
    with make_solver(name) as s:
        with pytest.raises(ProverError, match=r"no model to read x8 from \(no check yet"):
            s.value(x8)
        with pytest.raises(ProverError, match=r"asserted term must be a 1-bit term, not bv8"):
            s.add(x8)
        with pytest.raises(ProverError, match=r"assumption must be a 1-bit Term, not 1"):
            s.check([1])
        with pytest.raises(ProverError, match=r"pop without a matching push"):
            s.pop()
        s.add(T.eq(x8, c(1, 8)))
        assert s.check([T.eq(x8, c(2, 8))]) == UNSAT
        with pytest.raises(ProverError, match=r"last check was unsat"):
            s.value(x8)
        assert s.check() == SAT
        s.add(T.eq(y8, c(1, 8)))
        with pytest.raises(ProverError, match=r"assertions changed"):
            s.value(x8)


@pytest.mark.parametrize("name", SOLVERS)
def test_same_name_different_sorts_are_different_variables(name: str) -> None:
    narrow, wide, mem = T.var("v", BV(4)), T.var("v", BV(12)), T.var("v", Array(2, 4))
    with make_solver(name) as s:
        s.add(T.eq(narrow, c(3, 4)))
        s.add(T.eq(wide, c(0xABC, 12)))
        s.add(T.eq(T.read(mem, c(1, 2)), c(9, 4)))
        assert s.check() == SAT
        assert (s.value(narrow), s.value(wide), s.value(mem).read(1)) == (3, 0xABC, 9)


@pytest.mark.parametrize("name", SOLVERS)
def test_every_operator_has_a_handler(name: str) -> None:
    with make_solver(name) as s:
        assert set(s._conv._handlers) == set(ALL_OPS)


@pytest.mark.parametrize("name", SOLVERS)
def test_unknown_operator_is_prover_error(name: str) -> None:
    bogus = T._make("bogus", (x8,), (), BV(8))  # as if terms grew an operator the back end lacks
    with make_solver(name) as s:
        with pytest.raises(ProverError, match=rf"^{name}: no conversion for operator 'bogus'$"):
            s.add(T.eq(bogus, c(0, 8)))


@pytest.mark.parametrize("name", SOLVERS)
def test_deep_terms_convert_iteratively(name: str) -> None:
    acc = x8
    for k in range(5000):  # far beyond Python's recursion limit
        acc = T.xor(T.add(acc, c(1, 8)), c(k, 8))
    want = 0
    for k in range(5000):
        want = ((want + 1) & 0xFF) ^ (k & 0xFF)
    with make_solver(name) as s:
        s.add(T.eq(x8, c(0, 8)))
        assert s.check() == SAT
        assert s.value(acc) == want


@pytest.mark.parametrize("name", SOLVERS)
def test_arrays_written_everywhere(name: str) -> None:
    n = T.var("n", Array(2, 4))
    full = n
    for k in range(4):
        full = T.write(full, c(k, 2), c(k, 4))
    with make_solver(name) as s:
        s.add(T.eq(n, T.const_array(c(5, 4), 2)))
        assert s.check() == SAT
        # extensionally equal to a constant array overwritten at 1, 2, 3: one canonical value
        assert s.value(full) == ArrayValue(0, {1: 1, 2: 2, 3: 3})
        other = T.write(T.write(T.write(T.const_array(c(0, 4), 2), c(1, 2), c(1, 4)), c(2, 2), c(2, 4)),
                        c(3, 2), c(3, 4))
        assert s.value(T.eq(full, other)) == 1
        assert s.value(T.eq(T.write(full, c(0, 2), c(9, 4)), other)) == 0


# ------------------------------------------------------------------- timeouts
P, Q = 3000000019, 2500000009  # primes; factoring their product is hard for bit-blasting


@pytest.mark.parametrize("name", SOLVERS)
def test_timeout_gives_unknown(name: str) -> None:
    x, y = T.var("fx", BV(64)), T.var("fy", BV(64))
    with make_solver(name, timeout=0.5) as s:
        s.add(T.eq(T.mul(x, y), c(P * Q, 64)))
        for v in (x, y):
            s.add(T.ult(c(1, 64), v))
            s.add(T.ult(v, c(1 << 32, 64)))
        start = time.monotonic()
        assert s.check() == UNKNOWN
        elapsed = time.monotonic() - start
        assert s.last_reason == "timeout"
        assert elapsed < 3.0
        # the limit is per check and can be lifted for an easy question
        s.set_timeout(None)
        assert s.check([T.eq(x, c(P, 64))]) == SAT
        assert s.value(y) == Q
