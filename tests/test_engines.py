"""Engines on systems with known answers, over every installed solver.

Every PASS is re-checked by the kernel and every FAIL trace replayed; BMC,
k-induction and cover are checked against each other.
"""
from __future__ import annotations

import pytest

from hwverify.kernel import check_certificate, check_trace
from hwverify.prover.bmc import BMC
from hwverify.prover.kind import KInduction
from hwverify.prover.result import FAIL, PASS, UNKNOWN, EngineOptions
from hwverify.prover.solvers import available_solvers
from hwverify.semantics import terms as T

from tests import systems

SOLVERS = available_solvers()


def assert_evidence(system, result) -> None:
    """Every PASS certificate and FAIL/cover trace must satisfy the kernel."""
    for p in result.properties:
        if p.certificate is not None:
            report = check_certificate(system, p.certificate)
            assert report.ok, str(report)
        if p.trace is not None:
            report = check_trace(system, p.trace)
            assert report.ok, str(report)


@pytest.mark.parametrize("solver", SOLVERS)
def test_kind_proves_wrap_counter_with_k3(solver):
    s = systems.wrap_counter()
    r = KInduction(s, EngineOptions(solver=solver)).check(10)
    p = r.get("never_forbidden")
    assert p.status == PASS
    assert p.certificate.k == 3
    assert_evidence(s, r)


@pytest.mark.parametrize("solver", SOLVERS)
def test_kind_and_bmc_find_minimal_counterexample(solver):
    s = systems.wrap_counter(wrap_at=13)
    for engine in (BMC(s, EngineOptions(solver=solver)), KInduction(s, EngineOptions(solver=solver))):
        r = engine.check(20)
        p = r.get("never_forbidden")
        assert p.status == FAIL
        assert p.depth == 12 and p.trace.depth == 12
        assert [f["count"] for f in p.trace.frames] == list(range(13))
        assert_evidence(s, r)


def test_simple_path_constraints_are_needed_with_self_loops():
    s = systems.wrap_counter(hold=True)
    r = KInduction(s, EngineOptions(simple_path=False)).check(8)
    assert r.get("never_forbidden").status == UNKNOWN
    r = KInduction(s).check(8)
    assert r.get("never_forbidden").status == PASS and r.get("never_forbidden").certificate.k == 3
    assert_evidence(s, r)


def test_swap_pair_is_2_inductive():
    s = systems.swap_pair()
    r = KInduction(s).check(5)
    assert r.get("x_zero").status == PASS and r.get("x_zero").certificate.k == 2
    assert_evidence(s, r)


def test_bmc_bounded_pass_has_checked_bounded_certificate():
    s = systems.swap_pair()
    r = BMC(s).check(6)
    p = r.get("x_zero")
    assert p.status == PASS and p.certificate.bounded and p.certificate.k == 7
    assert_evidence(s, r)


def test_constraints_restrict_the_environment():
    r = KInduction(systems.enabled_counter(constrained=True)).check(5)
    assert r.get("below_limit").status == PASS
    r = BMC(systems.enabled_counter()).check(10)
    assert r.get("below_limit").status == FAIL and r.get("below_limit").depth == 5


def test_cover_reaches_at_minimal_depth_and_fails_when_unreachable():
    s = systems.enabled_counter()
    r = BMC(s, covers=True).check(10)
    assert r.get("reaches_3").status == PASS and r.get("reaches_3").depth == 3
    assert_evidence(s, r)
    s = systems.enabled_counter(constrained=True)
    r = BMC(s, covers=True).check(6)
    assert r.get("reaches_3").status == FAIL


@pytest.mark.parametrize("solver", SOLVERS)
def test_arrays(solver):
    s = systems.memory_system()
    r = KInduction(s, EngineOptions(solver=solver)).check(5)
    assert r.get("shadow_matches").status == PASS
    assert r.get("entry1_small").status == FAIL and r.get("entry1_small").depth == 1
    assert_evidence(s, r)


def test_free_initial_value_fails_at_step_0():
    s = systems.free_init()
    r = BMC(s).check(3)
    p = r.get("r_not_7")
    assert p.status == FAIL and p.depth == 0 and p.trace.frames[0]["r"] == 7
    assert_evidence(s, r)


def test_timeout_gives_timeout_not_verdict():
    s = systems.wrap_counter(width=16, wrap_at=60000, forbidden=60001)
    r = BMC(s, EngineOptions(timeout=0.5)).check(100000)
    assert r.get("never_forbidden").status == "TIMEOUT"


def test_assertions_help_each_other_by_joint_induction():
    s = systems.wrap_counter()
    c = s.signals["count"]
    s.add_assert("in_range", T.ule(c, T.const(9, 4)))
    r = KInduction(s).check(10)
    alone, helper = r.get("never_forbidden"), r.get("in_range")
    assert helper.status == PASS and helper.certificate.k == 1
    # alone it needs k=3; with in_range as a lemma it is 1-inductive
    assert alone.status == PASS and alone.certificate.k == 1 and "in_range" in alone.certificate.lemmas
    assert_evidence(s, r)


def test_joint_induction_never_uses_a_failing_assertion():
    s = systems.wrap_counter()
    c = s.signals["count"]
    s.add_assert("wrong_bound", T.ule(c, T.const(5, 4)))  # fails at step 6
    r = KInduction(s).check(10)
    assert r.get("wrong_bound").status == FAIL and r.get("wrong_bound").depth == 6
    ok = r.get("never_forbidden")
    assert ok.status == PASS and "wrong_bound" not in ok.certificate.lemmas
    assert_evidence(s, r)
