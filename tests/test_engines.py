"""Engines on systems with known answers, over every installed solver.

Every PASS is re-checked by the kernel and every FAIL trace replayed; BMC,
k-induction and cover are checked against each other.
"""
from __future__ import annotations

import re

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


# ------------------------------------------------- what the messages say (real designs)
def design(name: str, **props):
    from pathlib import Path
    from hwverify.frontend.load import load_system
    path = Path(__file__).resolve().parent.parent / "designs" / "verilog" / f"{name}.v"
    return load_system([str(path)], top=name.removesuffix("_bug"), **props)


def test_unreachable_cover_says_unreachable_up_to_the_bound():
    s = design("counter", covers=["count == 12"])
    r = BMC(s, covers=True).check(10)
    p = r.get("count == 12")
    assert (p.status, p.depth, p.reason, p.trace) == (FAIL, 10, "unreachable up to step 10", None)
    assert r.get("cover_L26").status == PASS and r.get("cover_L26").depth == 9


def _slow_progress(stop_at: int, pause: float):
    """A progress callback that lets steps 0..stop_at-1 start, then holds the engine past its deadline.

    Each message waits longer than the engines' 0.1 s throttle, so every step reports.
    """
    import time

    def report(message: str) -> None:
        time.sleep(pause if f"step {stop_at}," in message else 0.12)
    return report


@pytest.mark.parametrize("engine, name", [(BMC, "fifo"), (KInduction, "counter_bug")])
def test_timeout_says_how_deep_the_search_got(engine, name):
    r = engine(design(name), EngineOptions(timeout=0.6, progress=_slow_progress(3, 0.6))).check(50)
    # counter_bug's assert_L25 is 1-inductive; its assert_L24 fails only in step 10
    for p in [p for p in r.properties if p.name != "assert_L25"]:
        assert p.status == "TIMEOUT"
        # step 3 was started after the deadline: it is searched (solver answers in 1 ms) or not
        assert p.depth in (2, 3), p.to_json()
        assert f"no counterexample up to step {p.depth}" in p.reason and "-1" not in p.reason
        assert p.to_json()["depth"] == p.depth


@pytest.mark.parametrize("engine", [BMC, KInduction])
def test_timeout_zero_checks_no_step(engine):
    r = engine(design("counter"), EngineOptions(timeout=0)).check(10)
    for p in r.properties:
        assert (p.status, p.depth, p.reason) == ("TIMEOUT", None, "no step checked")
        assert "depth" not in p.to_json()


def test_kind_never_goes_beyond_its_bound():
    r = KInduction(design("counter_bug")).check(5)     # the counterexample needs step 10
    p = r.get("assert_L24")
    assert p.status == UNKNOWN and p.depth == 5
    assert p.reason == "not 5-inductive and no counterexample up to step 5"
    # the bound is the largest induction depth: a 3-inductive property needs bound 3
    s = systems.wrap_counter()
    two = KInduction(s).check(2).get("never_forbidden")
    assert two.status == UNKNOWN and two.reason == "not 2-inductive and no counterexample up to step 2"
    assert KInduction(s).check(3).get("never_forbidden").certificate.k == 3
    zero = KInduction(s).check(0).get("never_forbidden")
    assert zero.reason == "no counterexample up to step 0; induction not tried (it needs a depth of at least 1)"


@pytest.mark.parametrize("engine, covers, word", [(BMC, False, "bmc"), (BMC, True, "cover"),
                                                  (KInduction, False, "kind")])
def test_progress_messages_name_the_step(engine, covers, word):
    messages: list[str] = []
    options = EngineOptions(progress=messages.append)
    e = engine(design("counter"), options, covers=True) if covers else engine(design("counter"), options)
    e.check(5)
    assert messages and all(re.match(rf"{word}: step \d+, \d+ open$", m) for m in messages)
