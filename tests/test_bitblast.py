"""The bit-blaster against the evaluator: every operator, random DAGs, CNF, arrays, errors."""
from __future__ import annotations

import itertools
import random

import pytest

from hwverify.errors import SemanticsError, UnsupportedError
from hwverify.fuzz.gen_terms import default_vars, random_terms, random_values
from hwverify.semantics import terms as T
from hwverify.semantics.bitblast import FALSE, TRUE, Aig, BitBlaster
from hwverify.semantics.evaluate import evaluate
from hwverify.semantics.terms import Array, BV


def _assignment(bb: BitBlaster, env: dict) -> dict[int, bool]:
    """AIG input values for the variables' values in ``env``."""
    out: dict[int, bool] = {}
    for v, bits in bb.var_bits.items():
        val = env[v]
        if isinstance(v.sort, BV):
            out.update((b, bool(val >> i & 1)) for i, b in enumerate(bits))
        else:
            for j, elem in enumerate(bits):
                out.update((b, bool(val.read(j) >> i & 1)) for i, b in enumerate(elem))
    return out


def _word(sim: dict[int, bool], bits: list[int]) -> int:
    return sum(Aig.lit_value(sim, b) << i for i, b in enumerate(bits))


def _agrees(term: T.Term, bits: object, sim: dict[int, bool], expected: object) -> bool:
    if isinstance(term.sort, BV):
        return _word(sim, bits) == expected  # type: ignore[arg-type]
    return all(_word(sim, bits[j]) == expected.read(j)  # type: ignore[index, union-attr]
               for j in range(1 << term.sort.index_width))


BINARY = ("and", "or", "xor", "add", "sub", "mul", "udiv", "urem", "sdiv", "srem", "smod",
          "shl", "lshr", "ashr", "ult", "ule", "slt", "sle", "eq")


@pytest.mark.parametrize("op", BINARY)
@pytest.mark.parametrize("width", [1, 3, 4])
def test_binary_operators_exhaustive(op, width):
    """Every pair of values at small widths: division by zero, shifts past the width, signs."""
    x, y = T.var("x", BV(width)), T.var("y", BV(width))
    term = T.apply(op, [x, y])
    bb = BitBlaster()
    bits = bb.blast(term)
    for a, b in itertools.product(range(1 << width), repeat=2):
        env = {x: a, y: b}
        sim = bb.aig.simulate(_assignment(bb, env))
        assert _word(sim, bits) == evaluate(term, env), (op, width, a, b)


@pytest.mark.parametrize("make", [
    lambda x: T.neg(x), lambda x: T.not_(x), lambda x: T.redand(x), lambda x: T.redor(x), lambda x: T.redxor(x),
    lambda x: T.extract(x, 3, 1), lambda x: T.zext(x, 3), lambda x: T.sext(x, 3), lambda x: T.concat(x, T.not_(x)),
    lambda x: T.ite(T.extract(x, 0, 0), x, T.neg(x)),
])
def test_unary_and_structural_exhaustive(make):
    x = T.var("x", BV(5))
    term = make(x)
    bb = BitBlaster()
    bits = bb.blast(term)
    for a in range(32):
        sim = bb.aig.simulate(_assignment(bb, {x: a}))
        assert _word(sim, bits) == evaluate(term, {x: a}), a


def test_random_dags_agree_with_the_evaluator():
    """Random DAGs over every operator (widths 1..70, arrays) give the evaluator's values."""
    variables = default_vars()
    seen: set[str] = set()
    checked = 0
    for seed in range(150):
        rng = random.Random(seed)
        terms = random_terms(rng, variables, 3, depth=4)
        bb = BitBlaster()
        try:
            outs = bb.blast_all(terms)
        except UnsupportedError as e:  # a wide array: the error says which and why
            assert "only arrays of at most" in str(e)
            continue
        seen.update(n.op for n in T.postorder(terms))
        for _ in range(3):
            env = random_values(rng, variables)
            sim = bb.aig.simulate(_assignment(bb, env))
            for t, o in zip(terms, outs):
                assert _agrees(t, o, sim, evaluate(t, env)), (seed, T.to_str(t, 200))
                checked += 1
    assert checked > 300
    assert seen >= set(T.ALL_OPS), f"operators never generated: {set(T.ALL_OPS) - seen}"


def test_cnf_matches_simulation():
    """The Tseitin clauses force every gate to its simulated value (checked with CaDiCaL)."""
    from pysat.solvers import Cadical195  # local: python-sat's C extension
    variables = [v for v in default_vars() if isinstance(v.sort, BV)]
    for seed in range(30):
        rng = random.Random(1000 + seed)
        terms = random_terms(rng, variables, 2, depth=4, sorts=[BV(8), BV(1)])
        bb = BitBlaster()
        outs = bb.blast_all(terms)
        env = random_values(rng, variables)
        assign = _assignment(bb, env)
        sim = bb.aig.simulate(assign)
        with Cadical195(bootstrap_with=bb.aig.clauses(bb.aig.gates)) as s:
            assert s.solve(assumptions=[v if b else -v for v, b in assign.items()])
            model = s.get_model()
        for t, o in zip(terms, outs):
            got = sum((1 if (abs(b) == TRUE or model[abs(b) - 1] > 0) == (b > 0) else 0) << i
                      for i, b in enumerate(o))
            assert got == evaluate(t, env) == _word(sim, o), seed


def test_small_arrays_are_blasted_per_index():
    mem = T.var("mem", Array(2, 4))
    i, d = T.var("i", BV(2)), T.var("d", BV(4))
    term = T.read(T.write(mem, i, d), T.const(1, 2))
    bb = BitBlaster()
    bits = bb.blast(term)
    assert len(bb.var_bits[mem]) == 4 and all(len(e) == 4 for e in bb.var_bits[mem])
    rng = random.Random(5)
    for _ in range(50):
        env = random_values(rng, [mem, i, d])
        sim = bb.aig.simulate(_assignment(bb, env))
        assert _word(sim, bits) == evaluate(term, env)


def test_wide_arrays_are_refused_with_the_reason():
    mem = T.var("big_mem", Array(16, 32))
    with pytest.raises(UnsupportedError, match=r"array big_mem \(array\[bv16 -> bv32\]\) has 65536 entries"):
        BitBlaster().blast(T.read(mem, T.var("a", BV(16))))


def test_unknown_operator_is_an_error():
    bogus = T._make("frobnicate", (T.var("x", BV(2)),), (), BV(2))
    with pytest.raises(UnsupportedError, match="unknown operator 'frobnicate'"):
        BitBlaster().blast(bogus)


def test_bit_needs_a_one_bit_term():
    with pytest.raises(SemanticsError, match="expected a 1-bit term"):
        BitBlaster().bit(T.var("x", BV(2)))


def test_aig_folds_and_shares():
    g = Aig()
    a, b = g.new_var(), g.new_var()
    assert g.and_(a, FALSE) == FALSE and g.and_(a, TRUE) == a and g.and_(a, -a) == FALSE
    assert g.and_(a, b) == g.and_(b, a)
    assert len(g.gates) == 1
    assert g.xor(a, a) == FALSE and g.xor(a, -a) == TRUE
