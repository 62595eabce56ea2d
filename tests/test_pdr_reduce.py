"""Equivalent-latch reduction before IC3 (prover/pdr/reduce.py): merged only when proven, evidence about the original.

* duplicated and complemented registers are merged, the PASS certificate
  states the equalities and the kernel accepts it; without them (a tampered
  certificate) it does not;
* a candidate that random simulation suggests but that fails later (a
  counter's top bit, 0 for the first 32 cycles) is refuted by the inductive
  check: no merge, and the deep counterexample is found and replays;
* constraints: lanes that violate them do not make equivalences up;
* the reduction is skipped, not trusted, when it runs out of time.
"""
from __future__ import annotations

from hwverify.fuzz.gen_systems import random_system_mixed
from hwverify.kernel import check_certificate, check_trace
from hwverify.prover.pdr.engine import CONSTANT, EQUIVALENT, PDR
from hwverify.prover.pdr.model import BitModel
from hwverify.prover.pdr.reduce import merge_equivalent_latches
from hwverify.prover.result import FAIL, PASS, Deadline, EngineOptions
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.system import TransitionSystem


def _var(s: TransitionSystem, name: str):
    return next(v for v in s.states if v.name == name)


def _twins() -> TransitionSystem:
    """a and b count together, c is a's complement, k stays 5: the property a == b needs a == b."""
    s = TransitionSystem("twins")
    en = s.add_input("en", 1)
    one = T.const(1, 4)
    a = s.add_state("a", 4, init=T.const(0, 4))
    b = s.add_state("b", 4, init=T.const(0, 4))
    c = s.add_state("c", 4, init=T.const(15, 4))
    k = s.add_state("k", 4, init=T.const(5, 4))
    s.set_next(a, T.ite(en, T.add(a, one), a))
    s.set_next(b, T.ite(en, T.add(b, one), b))
    s.set_next(c, T.ite(en, T.sub(c, one), c))
    s.set_next(k, T.ite(T.eq(a, c), T.const(0, 4), k))   # a == c never: k stays 5 (not ternary-constant)
    s.add_assert("same", T.and_(T.eq(a, b), T.eq(T.not_(c), b)))
    s.add_assert("k_five", T.eq(k, T.const(5, 4)))
    return s


def test_equal_and_complementary_latches_are_merged_and_stated():
    s = _twins()
    engine = PDR(s, EngineOptions(timeout=30))
    result = engine.check(100)
    for p in result.properties:
        assert p.status == PASS, (p.name, p.reason)
        assert check_certificate(s, p.certificate).ok
    same = result.get("same")
    assert engine.stats["same"]["merged_latches"] == 8   # b and c, 4 bits each
    facts = [t for t, tag in zip(same.certificate.invariant, same.certificate.lemmas) if tag == EQUIVALENT]
    a, b, c = (_var(s, n) for n in "abc")
    assert set(facts) == {T.eq(a, b), T.eq(c, T.not_(a))} or set(facts) == {T.eq(b, a), T.eq(c, T.not_(a))}, facts
    # the equalities are what makes the invariant inductive: without them the kernel refuses it
    rest = [t for t, tag in zip(same.certificate.invariant, same.certificate.lemmas) if tag != EQUIVALENT]
    tampered = Certificate("same", rest or [T.true()], 1, False, "pdr", "cadical195")
    assert not check_certificate(s, tampered).ok
    # k == 5 needs a != c, i.e. c == ~a: found as equivalences (and k's bits as constants)
    k_five = result.get("k_five")
    assert EQUIVALENT in k_five.certificate.lemmas or CONSTANT in k_five.certificate.lemmas


def test_a_candidate_that_fails_late_is_refuted_not_merged():
    """The top bit of a 6-bit counter is 0 for 32 cycles, longer than the simulation: proposed, then refuted."""
    s = TransitionSystem("late")
    c = s.add_state("c", 6, init=T.const(0, 6))
    z = s.add_state("z", 1, init=T.const(0, 1))
    s.set_next(c, T.add(c, T.const(1, 6)))
    s.set_next(z, z)    # constant 0 (ternary simulation finds it)
    s.add_assert("top_is_z", T.eq(T.extract(c, 5, 5), z))
    model = BitModel.build(s, s.asserts[0])
    merge_equivalent_latches(model, Deadline(30))
    top = [x for x, o in model.origin.items() if o.var is c and o.bit == 5][0]
    assert top in model.latches and top not in model.constants and top not in model.equivalences
    p = PDR(s, EngineOptions(timeout=30)).check(100).properties[0]
    assert p.status == FAIL and p.depth == 32 and check_trace(s, p.trace).ok


def test_constraint_violating_runs_do_not_count():
    """x and y differ only in cycles the constraint rules out (go == 0 after the first): merged, proven."""
    s = TransitionSystem("constrained_twins")
    go = s.add_input("go", 1)
    x = s.add_state("x", 3, init=T.const(0, 3))
    y = s.add_state("y", 3, init=T.const(0, 3))
    s.set_next(x, T.add(x, T.const(1, 3)))
    s.set_next(y, T.ite(go, T.add(y, T.const(1, 3)), T.const(7, 3)))
    s.add_constraint(go)
    s.add_assert("xy", T.eq(x, y))
    engine = PDR(s, EngineOptions(timeout=30))
    p = engine.check(100).properties[0]
    assert p.status == PASS and check_certificate(s, p.certificate).ok
    assert engine.stats["xy"]["merged_latches"] == 3


def test_out_of_time_skips_the_reduction():
    s = _twins()
    model = BitModel.build(s, s.asserts[0])
    before = list(model.latches)
    expired = Deadline(0.0)
    assert merge_equivalent_latches(model, expired) == 0
    assert model.latches == before and not model.equivalences


def test_random_systems_with_and_without_the_reduction_agree():
    merged = 0
    for seed in range(50):
        s = random_system_mixed(seed)
        with_, without = (PDR(s, EngineOptions(timeout=20), equivalences=e) for e in (True, False))
        a, b = with_.check(100).properties[0], without.check(100).properties[0]
        assert (a.status, a.depth if a.status == FAIL else None) == (b.status, b.depth if b.status == FAIL else None)
        if a.status == PASS:
            assert check_certificate(s, a.certificate).ok
        merged += with_.stats["p"].get("merged_latches", 0) > 0
    assert merged >= 3


def _miter_like(bug: bool) -> TransitionSystem:
    """Two copies of a free-start register (b starts as a: an initial relation, as in an equivalence miter)."""
    s = TransitionSystem("copies")
    i = s.add_input("i", 3)
    a = s.add_state("a", 3)                      # free initial value
    b = s.add_state("b", 3, init=a)              # starts equal to a
    n = s.add_state("n", 2, init=T.const(0, 2))
    s.set_next(a, T.xor(a, i))
    s.set_next(b, T.xor(b, i) if not bug else T.ite(T.eq(n, T.const(3, 2)), i, T.xor(b, i)))
    s.set_next(n, T.add(n, T.const(1, 2)))
    s.add_assert("same", T.eq(a, b))
    return s


def test_latches_with_related_initial_values_are_merged():
    s = _miter_like(bug=False)
    engine = PDR(s, EngineOptions(timeout=30))
    p = engine.check(100).properties[0]
    assert p.status == PASS and check_certificate(s, p.certificate).ok
    assert engine.stats["same"]["merged_latches"] == 3


def test_counterexamples_replay_after_merging_latches_with_free_starts():
    s = _miter_like(bug=True)
    p = PDR(s, EngineOptions(timeout=30)).check(100).properties[0]
    assert p.status == FAIL and p.depth == 4 and check_trace(s, p.trace).ok


def test_a_merged_free_latch_takes_its_representatives_start_value_in_the_trace():
    """b (first, so the representative) starts as a; a is free and merged into b: the trace must give a the
    start value IC3 chose for b, or the replay would not fail."""
    s = TransitionSystem("free_merged")
    b = s.add_state("b", 1)
    a = s.add_state("a", 1)
    s.set_init(b, a)
    n = s.add_state("n", 2, init=T.const(0, 2))
    s.set_next(a, a)
    s.set_next(b, b)
    s.set_next(n, T.add(n, T.const(1, 2)))
    s.add_assert("not_a_at_3", T.not_(T.and_(T.and_(a, b), T.eq(n, T.const(3, 2)))))
    engine = PDR(s, EngineOptions(timeout=30))
    p = engine.check(100).properties[0]
    assert engine.stats["not_a_at_3"]["merged_latches"] == 1
    assert p.status == FAIL and p.depth == 3 and check_trace(s, p.trace).ok
    assert p.trace.frames[0]["a"] == 1
