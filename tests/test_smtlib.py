"""SMT-LIB printing: parsed by z3 and cvc5, and agreeing with our constant folding."""
from __future__ import annotations

import gc
import re

import cvc5
import pytest
import z3
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hwverify.errors import SemanticsError
from hwverify.kernel.smt import decide
from hwverify.semantics import terms as T
from hwverify.formats.smtlib import canonical_postorder, const_text, quote_symbol, script, to_smtlib
from hwverify.semantics.terms import BV, Array, Term


# ----------------------------------------------------------------- solvers
def z3_check(text: str) -> str:
    s = z3.Solver()
    s.from_string(text)
    return str(s.check())


def _cvc5_solver() -> cvc5.Solver:
    solver = cvc5.Solver()
    # cvc5 rejects constant arrays ("STORE_ALL") at check-sat without this option.
    solver.setOption("arrays-exp", "true")
    return solver


def cvc5_check(text: str) -> str:
    """Run every command of ``text`` (which has no check-sat), then check (the kernel's cvc5 path)."""
    return decide(text, "cvc5")


def cvc5_run_all(text: str) -> None:
    solver = _cvc5_solver()
    parser = cvc5.InputParser(solver)
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, "test")
    symbols = parser.getSymbolManager()
    while True:
        cmd = parser.nextCommand()
        if cmd.isNull():
            break
        cmd.invoke(solver, symbols)


# --------------------------------------------------------------- strategies
@st.composite
def term_pools(draw, arrays: bool = True, max_ops: int = 14) -> list[Term]:
    """Random term DAGs over every operator (sub-terms are reused, so there is sharing)."""
    pool: list[Term] = [T.var(f"v{w}", BV(w)) for w in (1, 3, 4, 8)]
    pool.append(T.var("odd name", BV(2)))
    if arrays:
        pool.append(T.var("mem", Array(3, 4)))
    bvs = lambda: [t for t in pool if isinstance(t.sort, BV)]  # noqa: E731

    def pick(width: int | None = None) -> Term:
        t = draw(st.sampled_from(bvs()))
        return t if width is None else T.resize(t, width, signed=draw(st.booleans()))

    for _ in range(draw(st.integers(1, max_ops))):
        op = draw(st.sampled_from(sorted(T.ALL_OPS)))
        arrs = [t for t in pool if isinstance(t.sort, Array)]
        if op in T.UNARY_SAME + T.REDUCE:
            t = T.apply(op, [pick()])
        elif op in T.BINARY_SAME + T.COMPARE + ("eq",):
            a = pick()
            if op == "eq" and arrs and draw(st.booleans()):
                t = T.eq(draw(st.sampled_from(arrs)), draw(st.sampled_from(arrs)))
            else:
                t = T.apply(op, [a, pick(a.width)])
        elif op == "concat":
            a, b = pick(), pick()
            if a.width + b.width > 16:
                continue
            t = T.concat(a, b)
        elif op == "extract":
            a = pick()
            hi = draw(st.integers(0, a.width - 1))
            t = T.extract(a, hi, draw(st.integers(0, hi)))
        elif op in ("zext", "sext"):
            a = pick()
            t = T.apply(op, [a], (draw(st.integers(0, min(4, 16 - a.width))),))
        elif op == "ite":
            if arrs and draw(st.booleans()):
                t = T.ite(pick(1), draw(st.sampled_from(arrs)), draw(st.sampled_from(arrs)))
            else:
                a = pick()
                t = T.ite(pick(1), a, pick(a.width))
        elif op == "read" and arrs:
            arr = draw(st.sampled_from(arrs))
            t = T.read(arr, pick(arr.sort.index_width))
        elif op == "write" and arrs:
            arr = draw(st.sampled_from(arrs))
            t = T.write(arr, pick(arr.sort.index_width), pick(arr.sort.elem_width))
        elif op == "const_array" and arrays:
            # cvc5 only accepts values inside (as const ...), so elements are constants here.
            t = T.const_array(T.const(draw(st.integers(0, 15)), 4), 3)
        elif op == "const":
            w = draw(st.integers(1, 16))
            t = T.const(draw(st.integers(0, (1 << w) - 1)), w)
        else:
            continue
        pool.append(t)
    return pool


@st.composite
def bv_terms(draw, arrays: bool = True) -> Term:
    pool = draw(term_pools(arrays))
    bvs = [t for t in pool if isinstance(t.sort, BV)]
    # Prefer the newest terms (the deepest ones).
    return bvs[-1 - draw(st.integers(0, min(3, len(bvs) - 1)))]


def assignment(draw, term: Term) -> dict[Term, Term]:
    env: dict[Term, Term] = {}
    for v in T.free_vars([term]):
        if isinstance(v.sort, BV):
            env[v] = T.const(draw(st.integers(0, (1 << v.width) - 1)), v.width)
        else:
            env[v] = T.const_array(T.const(draw(st.integers(0, 15)), v.sort.elem_width), v.sort.index_width)
    return env


# -------------------------------------------------------------------- tests
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(term_pools())
def test_random_scripts_parse_in_z3_and_cvc5(pool):
    bools = [T.resize(t, 1) for t in pool if isinstance(t.sort, BV)][-4:]
    text = script(bools, get_values=[t for t in pool if isinstance(t.sort, BV)][-3:])
    z3.parse_smt2_string(text)
    cvc5_run_all(script(bools, check=False))   # parse only: random formulas can be slow to solve
    assert text.startswith("(set-option :produce-models true)\n(set-logic QF_ABV)\n")
    assert text.endswith("(check-sat)\n" + text.splitlines()[-2] + "\n(exit)\n")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_printed_semantics_match_constant_folding(data):
    term = data.draw(bv_terms())
    env = assignment(data.draw, term)
    value = T.substitute(term, env)
    assume(value.is_const)           # array equalities need not fold
    fixed = [T.eq(v, c) for v, c in env.items()]
    assert z3_check(script(fixed + [T.eq(term, value)], check=False)) == "sat"
    differs = script(fixed + [T.ne(term, value)], check=False)
    assert z3_check(differs) == "unsat", differs
    assert cvc5_check(differs) == "unsat", differs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_to_smtlib_expression_matches_folding(data):
    term = data.draw(bv_terms())
    env = assignment(data.draw, term)
    value = T.substitute(term, env)
    assume(value.is_const)
    names = {v: f"|in {i}|" for i, v in enumerate(env)}
    from hwverify.formats.smtlib import sort_text
    decls = "".join(f"(declare-fun {names[v]} () {sort_text(v.sort)})\n" for v in env)
    fixed = "".join(f"(assert (= {names[v]} {to_smtlib(c)}))\n" for v, c in env.items())
    text = (f"(set-logic QF_ABV)\n{decls}{fixed}"
            f"(assert (distinct {to_smtlib(term, names)} {const_text(value.value, value.width)}))\n")
    assert z3_check(text) == "unsat", text


BIN_OPS = T.BINARY_SAME + T.COMPARE + ("eq",)


@pytest.mark.parametrize("op", BIN_OPS)
def test_binary_operators_exhaustive_width3(op):
    """Every pair of 3-bit values, division by zero included, against z3 and cvc5."""
    fixed, mismatch = [], []
    for a in range(8):
        for b in range(8):
            x, y = T.var(f"x{a}{b}", BV(3)), T.var(f"y{a}{b}", BV(3))
            fixed += [T.eq(x, T.const(a, 3)), T.eq(y, T.const(b, 3))]
            folded = T.apply(op, [T.const(a, 3), T.const(b, 3)])
            mismatch.append(T.ne(T.apply(op, [x, y]), folded))
    text = script(fixed + [T.or_all(mismatch)], check=False)
    assert z3_check(text) == "unsat"
    assert cvc5_check(text) == "unsat"


@pytest.mark.parametrize("op", ["not", "neg", "redand", "redor", "redxor", "extract", "zext", "sext"])
def test_unary_operators_exhaustive_width4(op):
    fixed, mismatch = [], []
    params = {"extract": (2, 1), "zext": (3,), "sext": (3,)}.get(op, ())
    for a in range(16):
        x = T.var(f"x{a}", BV(4))
        fixed.append(T.eq(x, T.const(a, 4)))
        mismatch.append(T.ne(T.apply(op, [x], params), T.apply(op, [T.const(a, 4)], params)))
    text = script(fixed + [T.or_all(mismatch)], check=False)
    assert z3_check(text) == "unsat"
    assert cvc5_check(text) == "unsat"


def test_heavy_sharing_stays_linear():
    x = T.var("x", BV(16))
    t = x
    for _ in range(200):                   # as a tree this would have 2**200 nodes
        t = T.add(T.mul(t, t), T.xor(t, x))
    text = script([T.eq(t, x)])
    assert len(text) < 200 * 200
    assert text.count("define-fun") <= 3 * 200
    z3.parse_smt2_string(text)
    expr = to_smtlib(t)
    assert len(expr) < 200 * 200 and expr.startswith("(let ")


def test_deep_chains_are_iterative_and_cut():
    x = T.var("x", BV(8))
    t = x
    for i in range(5000):                  # far deeper than Python's recursion limit
        t = T.add(T.not_(t), T.const(i % 256, 8))
    text = script([T.ult(t, x)])
    assert max(len(line) for line in text.splitlines()) < 2000   # nesting is cut by define-fun
    z3.parse_smt2_string(text)
    cvc5_run_all(script([T.ult(t, x)], check=False))
    assert to_smtlib(t).count("(let ") > 1


def test_names_are_quoted_or_renamed():
    names = ["plain", "a b", "and", "bvadd", "@x", ".y", "x|y", "back\\slash", "select", "true", "é", "v_and"]
    vs = [T.var(n, BV(4)) for n in names]
    text = script([T.eq(v, T.const(i % 16, 4)) for i, v in enumerate(vs)], get_values=vs)
    assert "(declare-fun plain " in text and "(declare-fun |a b| " in text
    declared = re.findall(r"\(declare-fun (\S+|\|[^|]*\|) \(\)", text)
    assert len(declared) == len(set(declared)) == len(names)
    z3.parse_smt2_string(text)
    cvc5_run_all(text)
    s = z3.Solver()
    s.from_string(script([T.eq(v, T.const(i % 16, 4)) for i, v in enumerate(vs)], check=False))
    assert s.check() == z3.sat
    assert quote_symbol("a b") == "|a b|" and quote_symbol("x1") == "x1"
    for bad in ("and", "@x", "x|y", ""):
        with pytest.raises(SemanticsError):
            quote_symbol(bad)


def test_same_name_different_sorts_get_distinct_symbols():
    a, b = T.var("x", BV(4)), T.var("x", BV(8))
    text = script([T.eq(T.zext(a, 4), b)])
    assert len(re.findall(r"declare-fun", text)) == 2
    z3.parse_smt2_string(text)


def test_binding_names_avoid_variable_names():
    x, y = T.var("_t0", BV(4)), T.var("_t1", BV(4))
    s = T.add(x, y)
    text = script([T.eq(T.mul(s, s), x)])
    z3.parse_smt2_string(text)
    assert "(define-fun __t0 " in text


def test_script_shape_and_options():
    x = T.var("x", BV(8))
    p = T.ult(x, T.const(3, 8))
    text = script([p])
    assert text == ("(set-logic QF_ABV)\n(declare-fun x () (_ BitVec 8))\n"
                    "(assert (bvult x #x03))\n(check-sat)\n(exit)\n")
    assert script([p], check=False) == "(set-logic QF_ABV)\n(declare-fun x () (_ BitVec 8))\n(assert (bvult x #x03))\n"
    assert script([p], logic="QF_BV").startswith("(set-logic QF_BV)\n")
    with pytest.raises(SemanticsError):
        script([x])                        # not 1-bit
    with pytest.raises(SemanticsError):
        script([p], check=False, get_values=[x])
    with pytest.raises(SemanticsError):
        script([p], logic="QF_BV) (exit")


def test_get_value_reports_model():
    x, y = T.var("x", BV(8)), T.var("y", BV(8))
    text = script([T.eq(T.add(x, y), T.const(10, 8)), T.eq(x, T.const(3, 8))], get_values=[x, y, T.add(x, y)])
    assert "(get-value (x y " in text
    s = z3.Solver()
    s.from_string(text.replace("(check-sat)\n", "").replace(text.splitlines()[-2] + "\n", ""))
    assert s.check() == z3.sat and s.model().eval(z3.BitVec("y", 8)).as_long() == 7


def test_constants_and_sorts():
    assert const_text(5, 3) == "#b101"
    assert const_text(255, 8) == "#xff"
    assert const_text(1, 1) == "#b1"
    assert const_text(3, 65) == "(_ bv3 65)"
    mem = T.var("mem", Array(4, 8))
    ca = T.const_array(T.const(7, 8), 4)
    text = script([T.eq(T.read(T.write(ca, T.const(1, 4), T.const(2, 8)), T.const(1, 4)), T.read(mem, T.const(0, 4)))])
    assert "((as const (Array (_ BitVec 4) (_ BitVec 8))) #x07)" in text or "#x02" in text
    t = T.eq(mem, ca)
    text = script([t])
    assert "((as const (Array (_ BitVec 4) (_ BitVec 8))) #x07)" in text
    assert z3_check(text.replace("(check-sat)\n(exit)\n", "")) == "sat"
    cvc5_run_all(text)


def _printed_with_creation_order(first: str) -> tuple[str, str, bool]:
    names = ["ordA", "ordB"] if first == "A" else ["ordB", "ordA"]
    vs = {n: T.var(n, BV(4)) for n in names}
    a, b = vs["ordA"], vs["ordB"]
    t = T.eq(T.and_(a, b), T.add(T.mul(b, a), T.xor(a, T.const(3, 4))))
    swapped = T.and_(a, b).args[0] is b
    return script([t]), to_smtlib(t), swapped


def test_text_does_not_depend_on_creation_order():
    one = _printed_with_creation_order("A")
    gc.collect()
    two = _printed_with_creation_order("B")
    assert one[2] != two[2], "the terms were not rebuilt in a different order"
    assert one[:2] == two[:2]


def test_canonical_postorder_children_first():
    x, y = T.var("x", BV(4)), T.var("y", BV(4))
    t = T.add(T.mul(x, y), T.and_(y, x))
    order = canonical_postorder([t])
    pos = {n.id: i for i, n in enumerate(order)}
    assert all(pos[c.id] < pos[n.id] for n in order for c in n.args)
    assert order[-1] is t and len(order) == len(set(pos))
