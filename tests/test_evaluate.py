"""Tests for hwverify.semantics.evaluate: three evaluation paths agree, corner cases, simulation."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hwverify.errors import SemanticsError
from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import (
    CompiledSystem, array_equal, compile_terms, evaluate, evaluate_many,
)
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Array, BV, Term
from hwverify.semantics.values import ArrayValue, Value
from tests.strategies import (
    default_vars, random_terms, random_values, term_to_value, terms_strategy, value_to_term,
    values_strategy,
)

VARS = default_vars()


def _same(a: Value, b: Value, sort) -> bool:
    if isinstance(sort, Array):
        return isinstance(a, ArrayValue) and isinstance(b, ArrayValue) and array_equal(a, b, sort.index_width)
    return type(a) is int and type(b) is int and a == b


def _has_array_eq(t: Term) -> bool:
    return any(n.op == "eq" and isinstance(n.args[0].sort, Array) for n in T.postorder([t]))


def check_three_paths(roots: list[Term], env: dict[Term, Value]) -> None:
    """Interpreter, compiled code and constant folding by substitution must agree."""
    expected = evaluate_many(roots, env)
    for r, v in zip(roots, expected):
        assert evaluate(r, env) == v
    compiled = compile_terms(roots, VARS)(tuple(env[v] for v in VARS))
    for r, want, got in zip(roots, expected, compiled):
        assert got == want and type(got) is type(want), T.to_str(r)
    consts = {v: value_to_term(env[v], v.sort) for v in VARS}
    for r, want, closed in zip(roots, expected, T.substitute_all(roots, consts)):
        folded = term_to_value(closed)
        if folded is None:  # constructors do not fold equalities between distinct array terms
            assert _has_array_eq(closed) and not T.free_vars([closed]), T.to_str(closed)
            folded = evaluate(closed, {})
        assert _same(folded, want, r.sort), T.to_str(r)


# ------------------------------------------------------ random DAGs
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(roots=terms_strategy(VARS), env=values_strategy(VARS))
def test_three_paths_agree_hypothesis(roots: list[Term], env: dict[Term, Value]) -> None:
    check_three_paths(roots, env)


def test_three_paths_agree_random() -> None:
    rng = random.Random(20240601)
    for _ in range(150):
        check_three_paths(random_terms(rng, VARS, 4, depth=5), random_values(rng, VARS))


def test_generator_covers_every_operator() -> None:
    rng = random.Random(7)
    seen: set[str] = set()
    for _ in range(200):
        seen.update(n.op for n in T.postorder(random_terms(rng, VARS, 4, depth=5)))
    assert seen == set(T.ALL_OPS)


# ------------------------------------------------- known answers
def ops3(op, w: int, a: int, b: int) -> int:
    """``op`` on (a, b) via the interpreter, compiled code and folding; they must agree."""
    x, y = T.var("ka", BV(w)), T.var("kb", BV(w))
    t = op(x, y)
    via_eval = evaluate(t, {x: a, y: b})
    via_compiled = compile_terms([t], [x, y])((a, b))[0]
    via_fold = op(T.const(a, w), T.const(b, w)).value
    assert via_eval == via_compiled == via_fold, (via_eval, via_compiled, via_fold)
    return via_eval


@pytest.mark.parametrize("op, a, b, want", [
    # 4-bit: 9 = -7, 14 = -2, 8 = -8, 15 = -1, 10 = -6, 11 = -5, 13 = -3
    (T.sdiv, 9, 2, 13), (T.srem, 9, 2, 15), (T.smod, 9, 2, 1),
    (T.sdiv, 7, 14, 13), (T.srem, 7, 14, 1), (T.smod, 7, 14, 15),
    (T.sdiv, 9, 14, 3), (T.srem, 9, 14, 15), (T.smod, 9, 14, 15),
    (T.sdiv, 7, 2, 3), (T.srem, 7, 2, 1), (T.smod, 7, 2, 1),
    (T.sdiv, 8, 15, 8), (T.srem, 8, 15, 0), (T.smod, 8, 15, 0),
    (T.smod, 10, 3, 0), (T.smod, 11, 3, 1), (T.smod, 5, 13, 15), (T.smod, 11, 13, 14),
    # division by zero (SMT-LIB): x/0 = all ones (signed: -1 or 1), x%0 = x
    (T.udiv, 5, 0, 15), (T.udiv, 0, 0, 15), (T.urem, 5, 0, 5), (T.urem, 0, 0, 0),
    (T.sdiv, 5, 0, 15), (T.sdiv, 9, 0, 1), (T.sdiv, 0, 0, 15),
    (T.srem, 5, 0, 5), (T.srem, 9, 0, 9), (T.smod, 5, 0, 5), (T.smod, 9, 0, 9),
    # shifts, including by the width and beyond
    (T.ashr, 8, 1, 12), (T.ashr, 8, 3, 15), (T.ashr, 8, 4, 15), (T.ashr, 8, 15, 15),
    (T.ashr, 7, 4, 0), (T.ashr, 7, 2, 1), (T.lshr, 8, 3, 1), (T.lshr, 8, 4, 0),
    (T.lshr, 15, 9, 0), (T.shl, 1, 3, 8), (T.shl, 1, 4, 0), (T.shl, 15, 15, 0),
    # signed comparison
    (T.slt, 8, 7, 1), (T.slt, 7, 8, 0), (T.sle, 15, 15, 1), (T.slt, 15, 0, 1), (T.ult, 15, 0, 0),
])
def test_known_answers_4bit(op, a: int, b: int, want: int) -> None:
    assert ops3(op, 4, a, b) == want


@pytest.mark.parametrize("op, a, b, want", [
    (T.sdiv, 1, 1, 1), (T.srem, 1, 1, 0), (T.smod, 1, 1, 0), (T.sdiv, 0, 1, 0),
    (T.sdiv, 1, 0, 1), (T.sdiv, 0, 0, 1), (T.udiv, 1, 0, 1), (T.urem, 1, 0, 1), (T.smod, 1, 0, 1),
    (T.slt, 1, 0, 1), (T.sle, 0, 1, 0), (T.ult, 0, 1, 1),
    (T.ashr, 1, 1, 1), (T.lshr, 1, 1, 0), (T.shl, 1, 1, 0), (T.shl, 1, 0, 1),
    (T.add, 1, 1, 0), (T.mul, 1, 1, 1), (T.sub, 0, 1, 1),
])
def test_known_answers_1bit(op, a: int, b: int, want: int) -> None:
    assert ops3(op, 1, a, b) == want


def test_unary_and_structural_known_answers() -> None:
    x = T.var("u8", BV(8))
    cases = [
        (T.neg(x), 1, 255), (T.not_(x), 0x0F, 0xF0), (T.redand(x), 255, 1), (T.redand(x), 254, 0),
        (T.redor(x), 0, 0), (T.redxor(x), 0b1011, 1), (T.sext(x, 4), 0x80, 0xF80), (T.sext(x, 4), 0x7F, 0x7F),
        (T.zext(x, 4), 0x80, 0x80), (T.extract(x, 7, 4), 0xA5, 0xA), (T.extract(x, 0, 0), 0xA5, 1),
        (T.concat(x, T.extract(x, 3, 0)), 0xA5, 0xA55), (T.sext(T.extract(x, 0, 0), 3), 1, 15),
    ]
    for t, a, want in cases:
        assert evaluate(t, {x: a}) == want, T.to_str(t)
        assert compile_terms([t], [x])((a,)) == (want,), T.to_str(t)
        assert T.substitute(t, {x: T.const(a, 8)}).value == want, T.to_str(t)


@pytest.mark.parametrize("w", [1, 2, 3, 5])
def test_constant_shift_amounts_match_bvops(w: int) -> None:
    """Shifts by a constant are inlined by the compiler; check them exhaustively."""
    x = T.var("sx", BV(w))
    for op in (T.shl, T.lshr, T.ashr):
        for k in range(1 << w):
            t = op(x, T.const(k, w))
            fn = compile_terms([t], [x])
            for a in range(1 << w):
                assert fn((a,))[0] == op(T.const(a, w), T.const(k, w)).value


def test_against_z3_exhaustive_small_widths() -> None:
    """All binary operators on every pair of 1..3-bit values, checked against z3."""
    z3 = pytest.importorskip("z3")
    pairs = {
        T.udiv: z3.UDiv, T.urem: z3.URem, T.sdiv: lambda a, b: a / b, T.srem: z3.SRem,
        T.smod: lambda a, b: a % b, T.shl: lambda a, b: a << b, T.lshr: z3.LShR,
        T.ashr: lambda a, b: a >> b, T.mul: lambda a, b: a * b, T.sub: lambda a, b: a - b,
        T.slt: lambda a, b: z3.If(a < b, z3.BitVecVal(1, 1), z3.BitVecVal(0, 1)),
        T.sle: lambda a, b: z3.If(a <= b, z3.BitVecVal(1, 1), z3.BitVecVal(0, 1)),
    }
    for w in (1, 2, 3):
        for op, zop in pairs.items():
            for a in range(1 << w):
                for b in range(1 << w):
                    want = z3.simplify(zop(z3.BitVecVal(a, w), z3.BitVecVal(b, w))).as_long()
                    assert ops3(op, w, a, b) == want, (op.__name__, w, a, b)


# ------------------------------------------------------- arrays
def test_array_equality_is_extensional() -> None:
    m = T.var("am", Array(1, 4))
    full = T.write(T.write(m, T.const(0, 1), T.const(3, 4)), T.const(1, 1), T.const(3, 4))
    t = T.eq(full, T.const_array(T.const(3, 4), 1))
    for env_val in (ArrayValue(0), ArrayValue(9, {0: 1})):
        assert evaluate(t, {m: env_val}) == 1
        assert compile_terms([t], [m])((env_val,)) == (1,)
    assert array_equal(ArrayValue(0, {0: 3, 1: 3}), ArrayValue(3), 1)
    assert not array_equal(ArrayValue(0, {0: 3, 1: 3}), ArrayValue(3), 2)
    assert array_equal(ArrayValue(5, {2: 1}), ArrayValue(5, {2: 1}), 8)
    assert not array_equal(ArrayValue(5, {2: 1}), ArrayValue(5, {3: 1}), 8)
    assert not array_equal(ArrayValue(5), ArrayValue(4), 8)


def test_array_equal_matches_brute_force() -> None:
    """The evaluators share ``array_equal``, so check it against every index on its own."""
    rng = random.Random(9)
    for iw in (1, 2, 3):
        sort = Array(iw, 2)
        for _ in range(300):
            env = random_values(rng, [T.var("p", sort), T.var("q", sort)])
            a, b = env.values()
            brute = all(a.read(i) == b.read(i) for i in range(1 << iw))
            assert array_equal(a, b, iw) == brute, (a, b)


def test_read_write_const_array() -> None:
    m = T.var("mem", Array(8, 16))
    i, v = T.var("i", BV(8)), T.var("v", BV(16))
    t = T.read(T.write(T.write(m, i, v), T.const(3, 8), T.const(7, 16)), i)
    for iv, want in ((3, 7), (4, 0xBEEF)):
        env = {m: ArrayValue(1, {4: 2}), i: iv, v: 0xBEEF}
        assert evaluate(t, env) == want
        assert compile_terms([t], [m, i, v])((env[m], iv, 0xBEEF)) == (want,)


# ------------------------------------------------------ errors, misc
def test_missing_variable_is_named() -> None:
    x, y = T.var("present", BV(4)), T.var("absent_sig", BV(4))
    with pytest.raises(SemanticsError, match="absent_sig"):
        evaluate(x + y, {x: 1})
    with pytest.raises(SemanticsError, match="absent_sig"):
        compile_terms([x + y], [x])


def test_bad_values_are_rejected() -> None:
    x = T.var("narrow", BV(4))
    for bad in (16, -1, "3", ArrayValue(0)):
        with pytest.raises(SemanticsError, match="narrow"):
            evaluate(T.not_(x), {x: bad})


def test_compile_cache_and_source() -> None:
    x = T.var("cx", BV(32))
    t = T.add(x, T.const(5, 32))
    fn = compile_terms([t], [x])
    assert compile_terms([t], [x]) is fn
    assert "0xffffffff" in fn.source and fn((2**32 - 1,)) == (4,)


def test_deep_terms_need_no_recursion() -> None:
    x, y = T.var("dx", BV(16)), T.var("dy", BV(16))
    t = x
    for i in range(6000):
        t = T.xor(T.add(t, y), T.const(i + 1, 16))
    env = {x: 3, y: 5}
    want = 3
    for i in range(6000):
        want = ((want + 5) & 0xFFFF) ^ (i + 1)
    assert evaluate(t, env) == want
    assert compile_terms([t], [x, y])((3, 5)) == (want,)


# ------------------------------------------------ compiled systems
def counter_system(width: int = 8, limit: int = 5) -> TransitionSystem:
    ts = TransitionSystem("counter")
    en = ts.add_input("en", 1)
    r = ts.add_state("r", width, init=T.const(0, width))
    ts.set_next(r, T.ite(en, r + T.const(1, width), r))
    ts.add_assert("below_limit", T.ult(r, T.const(limit, width)))
    ts.add_cover("reaches_two", T.eq(r, T.const(2, width)))
    return ts


def test_initial_state_dependency_order() -> None:
    ts = TransitionSystem()
    c, b, a = ts.add_state("c", 8), ts.add_state("b", 8), ts.add_state("a", 8)
    ts.set_init(c, a * T.const(2, 8))
    ts.set_init(a, b + T.const(1, 8))
    ts.set_init(b, T.const(5, 8))
    assert CompiledSystem(ts).initial_state() == {"c": 12, "b": 5, "a": 6}


def test_initial_state_free_states() -> None:
    ts = TransitionSystem()
    f = ts.add_state("f", 8)
    ts.add_state("a", 8, init=f + T.const(1, 8))
    ts.add_state("m", Array(4, 8))
    cs = CompiledSystem(ts)
    assert cs.initial_state() == {"f": 0, "a": 1, "m": ArrayValue(0)}
    assert cs.initial_state(free={"f": 3})["a"] == 4
    s = cs.initial_state(rng=random.Random(3))
    assert s["a"] == (s["f"] + 1) & 0xFF
    assert isinstance(s["m"], ArrayValue) and not s["m"].entries
    # a whole trace frame may be passed: init'd states and other names are ignored
    assert cs.initial_state(free={"f": 3, "a": 9, "nosuch": 1}) == {"f": 3, "a": 4, "m": ArrayValue(0)}
    with pytest.raises(SemanticsError, match="'f'"):
        cs.initial_state(free={"f": 256})


def test_initial_state_cycle_is_an_error() -> None:
    ts = TransitionSystem()
    a, b, c = ts.add_state("a", 4), ts.add_state("b", 4), ts.add_state("c", 4)
    ts.set_init(a, b)
    ts.set_init(b, c + a)
    ts.set_init(c, T.const(1, 4))
    with pytest.raises(SemanticsError, match="cycle: a -> b -> a"):
        CompiledSystem(ts).initial_state()
    ts2 = TransitionSystem()
    s = ts2.add_state("s", 4)
    ts2.set_init(s, T.not_(s))
    with pytest.raises(SemanticsError, match="cycle: s -> s"):
        CompiledSystem(ts2).initial_state()


def test_step_free_states_and_missing_inputs() -> None:
    ts = TransitionSystem()
    i = ts.add_input("i", 8)
    r = ts.add_state("r", 8, next=None)
    m = ts.add_state("m", Array(2, 4))
    acc = ts.add_state("acc", 8, init=T.const(0, 8))
    ts.set_next(acc, acc + i + r)
    cs = CompiledSystem(ts)
    assert cs.free_state_names == ["r", "m"]
    s0 = {"r": 2, "m": ArrayValue(0), "acc": 10}
    assert cs.step(s0, {"i": 1}) == {"r": 0, "m": ArrayValue(0), "acc": 13}
    assert cs.step(s0, {"i": 1, "r": 9, "m": ArrayValue(3)}) == {"r": 9, "m": ArrayValue(3), "acc": 13}
    with pytest.raises(SemanticsError, match="'i'"):
        cs.step(s0, {})
    with pytest.raises(SemanticsError, match="'acc'"):
        cs.step({"r": 0, "m": ArrayValue(0)}, {"i": 0})
    with pytest.raises(SemanticsError, match="i"):
        cs.step(s0, {"i": 256})
    assert set(cs.random_inputs(random.Random(1))) == {"i", "r", "m"}


def test_observe_constraints_properties_signals() -> None:
    ts = TransitionSystem()
    x = ts.add_input("x", 4)
    r = ts.add_state("r", 4, init=T.const(0, 4), next=x)
    ts.add_constraint(T.ult(x, T.const(10, 4)))
    ts.add_assert("r_small", T.ult(r, T.const(8, 4)))
    ts.add_cover("r_is_3", T.eq(r, T.const(3, 4)))
    ts.signals["sum"] = r + x
    cs = CompiledSystem(ts)
    ob = cs.observe({"r": 3}, {"x": 12})
    assert ob.constraints_ok is False
    assert ob.asserts == {"r_small": True} and ob.covers == {"r_is_3": True}
    assert ob.signals == {"x": 12, "r": 3, "sum": 15}
    ob = cs.observe({"r": 9}, {"x": 1})
    assert ob.constraints_ok and ob.asserts == {"r_small": False} and ob.covers == {"r_is_3": False}


def memory_system() -> TransitionSystem:
    ts = TransitionSystem("mem")
    we, waddr = ts.add_input("we", 1), ts.add_input("waddr", 4)
    wdata, raddr = ts.add_input("wdata", 8), ts.add_input("raddr", 4)
    mem = ts.add_state("mem", Array(4, 8), init=T.const(0, 8))
    ts.set_next(mem, T.ite(we, T.write(mem, waddr, wdata), mem))
    ts.signals["rdata"] = T.read(mem, raddr)
    ts.add_assert("no_ff", T.ne(T.read(mem, raddr), T.const(0xFF, 8)))
    return ts


def test_memory_over_cycles_matches_dict_model() -> None:
    cs = CompiledSystem(memory_system())
    rng = random.Random(5)
    state = cs.initial_state()
    model: dict[int, int] = {}
    for _ in range(300):
        inp = {"we": rng.getrandbits(1), "waddr": rng.getrandbits(4),
               "wdata": rng.getrandbits(7), "raddr": rng.getrandbits(4)}
        assert cs.observe(state, inp).signals["rdata"] == model.get(inp["raddr"], 0)
        if inp["we"]:
            model[inp["waddr"]] = inp["wdata"]
        state = cs.step(state, inp)
    assert state["mem"] == ArrayValue(0, model)


def test_simulate_memory_finds_written_ff() -> None:
    cs = CompiledSystem(memory_system())
    stim = {0: {"we": 1, "waddr": 6, "wdata": 0xFF}, 1: {"we": 0, "raddr": 1}, 2: {"we": 0, "raddr": 6}}
    res = cs.simulate(10, random.Random(0), stimulus=lambda k: stim.get(k, {"we": 0, "raddr": 0}))
    assert res.failure == (2, "no_ff") and res.cycles == 3
    assert res.states[1]["mem"] == ArrayValue(0, {6: 0xFF})


def test_simulate_stops_at_first_failing_assert() -> None:
    cs = CompiledSystem(counter_system(limit=5))
    res = cs.simulate(50, random.Random(1), stimulus=lambda k: {"en": 1})
    assert res.failure == (5, "below_limit") and res.cycles == 6 and not res.passed
    assert res.covers_hit == {"reaches_two": 2}
    assert [s["r"] for s in res.states] == [0, 1, 2, 3, 4, 5]
    trace = res.to_trace()
    assert trace.prop == "below_limit" and trace.kind == "assert" and trace.depth == 5
    assert trace.frames[-1] == {"en": 1, "r": 5}
    cover = res.to_trace("reaches_two")
    assert cover.kind == "cover" and cover.depth == 2

    res = cs.simulate(50, random.Random(1), stimulus=lambda k: {"en": 1}, stop_on_fail=False, record=False)
    assert res.cycles == 50 and res.failures == {"below_limit": 5} and not res.states
    assert res.final_state == {"r": 50}


def test_simulate_constraints_invalidate_the_rest_of_the_run() -> None:
    ts = counter_system(limit=3)
    ts.add_constraint(ts.inputs[0])  # en must hold
    cs = CompiledSystem(ts)
    res = cs.simulate(10, random.Random(2), stimulus=lambda k: {"en": 0 if k == 1 else 1}, stop_on_fail=False)
    assert res.constraint_violated_at == [1]
    assert res.failure is None and res.covers_hit == {}  # r reaches 2 and 3 only after the violation
    res = cs.simulate(10, random.Random(2), stimulus=lambda k: {"en": 1})
    assert res.constraint_violated_at == [] and res.failure == (3, "below_limit")


def test_simulate_initial_overrides_and_random_inputs() -> None:
    cs = CompiledSystem(counter_system(limit=200))
    res = cs.simulate(5, random.Random(4), initial={"r": 199}, stimulus=lambda k: {"en": 1})
    assert res.failure == (1, "below_limit")
    res = cs.simulate(100, random.Random(4))
    assert 0 < res.final_state["r"] <= 100 and {f["en"] for f in res.inputs} == {0, 1}


def random_system(rng: random.Random) -> TransitionSystem:
    ts = TransitionSystem("random")
    for name, w in (("i1", 1), ("i8", 8), ("i33", 33)):
        ts.add_input(name, w)
    sorts = [BV(1), BV(8), BV(33), BV(70), Array(2, 8), BV(8)]  # the last state has no next: free
    states = [ts.add_state(f"s{k}", s) for k, s in enumerate(sorts)]
    nexts = random_terms(rng, ts.variables, len(states) - 1, depth=3, sorts=sorts[:-1])
    for s, n in zip(states, nexts):
        ts.set_next(s, n)
    return ts


def test_run_fast_matches_step_and_simulate() -> None:
    rng = random.Random(11)
    for _ in range(15):
        cs = CompiledSystem(random_system(rng))
        stim = [cs.random_inputs(rng) for _ in range(40)]
        state = cs.initial_state(rng=rng)
        start = state
        for inp in stim:
            state = cs.step(state, inp)
        tuples = [tuple(d[n] for n in cs.fast_input_names) for d in stim]
        fast = cs.run_fast(len(stim), tuples, initial=tuple(start[n] for n in cs.state_names))
        assert dict(zip(cs.state_names, fast)) == state
        sim = cs.simulate(len(stim), rng, stimulus=lambda k: stim[k], initial=start, record=False)
        assert sim.final_state == state


def test_run_fast_inputs_forms() -> None:
    cs = CompiledSystem(counter_system(width=32))
    assert cs.run_fast(10, [(1,), (0,)]) == (5,)
    assert cs.run_fast(10, lambda k: (k % 3 == 0,)) == (4,)
    assert cs.run_fast(3, [(1,)] * 10, initial=(2**32 - 1,)) == (2,)
    with pytest.raises(SemanticsError, match="en"):
        cs.run_fast(3, [(1, 0)])
    ts = TransitionSystem()
    ts.add_state("t", 3, init=T.const(0, 3), next=None)
    ts.set_next(ts.states[0], ts.states[0] + T.const(1, 3))
    assert CompiledSystem(ts).run_fast(10, []) == (2,)
    assert cs.run_fast(10, iter([(1,)] * 4), initial={"r": 7}) == (11,)  # iterator: stops when it runs out
