"""The kernel accepts valid evidence and rejects tampered evidence, side by side."""
from __future__ import annotations

import json
import os

import pytest

from hwverify.kernel import check_certificate, check_trace
from hwverify.kernel.certdir import check_certificate_dir, write_certificate_dir
from hwverify.kernel.smt import KERNEL_SOLVERS
from hwverify.prover.bmc import BMC
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.trace import Trace

from tests import systems


def cert(system, invariant, k, simple_path=True, bounded=False, prop="never_forbidden"):
    return Certificate(prop, invariant, k, simple_path, "test", "none", bounded=bounded)


@pytest.fixture
def counter():
    return systems.wrap_counter()


@pytest.mark.parametrize("solver", KERNEL_SOLVERS)
def test_valid_k_induction_certificate(counter, solver):
    p = counter.asserts[0].term
    assert check_certificate(counter, cert(counter, [p], 3), solver=solver).ok


@pytest.mark.parametrize("solver", KERNEL_SOLVERS)
def test_too_small_k_rejected(counter, solver):
    p = counter.asserts[0].term
    report = check_certificate(counter, cert(counter, [p], 2), solver=solver)
    assert not report.ok and report.details[-1] == "step: sat"


def test_simple_path_claim_matters():
    s = systems.wrap_counter(hold=True)
    p = s.asserts[0].term
    assert check_certificate(s, cert(s, [p], 3, simple_path=True)).ok
    assert not check_certificate(s, cert(s, [p], 3, simple_path=False)).ok


def test_strengthened_inductive_invariant(counter):
    c = counter.signals["count"]
    inv = [T.ule(c, T.const(9, 4))]
    assert check_certificate(counter, cert(counter, inv, 1, simple_path=False)).ok


def test_false_invariant_fails_base(counter):
    c = counter.signals["count"]
    report = check_certificate(counter, cert(counter, [T.ult(c, T.const(5, 4))], 1, simple_path=False))
    assert not report.ok and report.details == ["base_0: unsat", "step: sat"]
    report = check_certificate(counter, cert(counter, [T.ult(c, T.const(5, 4))], 6, simple_path=False))
    assert not report.ok and report.details[-1] == "base_5: sat"


def test_invariant_not_implying_property_fails_safety(counter):
    report = check_certificate(counter, cert(counter, [T.true()], 1, simple_path=False))
    assert not report.ok and report.details[-1] == "safety: sat"


def test_bounded_certificate_must_claim_the_property(counter):
    c = counter.signals["count"]
    assert check_certificate(counter, cert(counter, [counter.asserts[0].term], 12, bounded=True)).ok
    assert not check_certificate(counter, cert(counter, [T.ule(c, T.const(9, 4))], 5, bounded=True)).ok
    bug = systems.wrap_counter(wrap_at=13)
    report = check_certificate(bug, cert(bug, [bug.asserts[0].term], 13, bounded=True))
    assert not report.ok and report.details[-1] == "base_12: sat"


def test_unknown_property_or_variable_rejected(counter):
    assert not check_certificate(counter, cert(counter, [T.true()], 1, prop="nope")).ok
    stranger = T.var("stranger", T.BV(4))
    assert not check_certificate(counter, cert(counter, [T.ne(stranger, T.const(1, 4))], 1)).ok


def failing_trace():
    s = systems.wrap_counter(wrap_at=13)
    r = BMC(s).check(20)
    return s, r.get("never_forbidden").trace


def test_trace_replays(tmp_path):
    s, trace = failing_trace()
    assert check_trace(s, trace).ok
    path = str(tmp_path / "t.json")
    trace.dump(path)
    assert check_trace(s, Trace.load(path)).ok


def test_tampered_traces_rejected():
    s, trace = failing_trace()
    short = Trace(trace.prop, trace.kind, trace.frames[:-1])
    assert not check_trace(s, short).ok  # property holds in the last frame
    lying = Trace(trace.prop, trace.kind, [dict(f) for f in trace.frames])
    lying.frames[3]["count"] = 9
    report = check_trace(s, lying)
    assert not report.ok and "replay gives 3" in report.details[-1]
    assert not check_trace(s, Trace("nope", "assert", trace.frames)).ok
    assert not check_trace(s, Trace(trace.prop, "assert", [])).ok


def test_trace_must_respect_constraints():
    s = systems.enabled_counter(constrained=True)
    frames = [{"count": i, "en": 1} for i in range(6)]
    report = check_trace(s, Trace("below_limit", "assert", frames))
    assert not report.ok and "constraints" in report.details[-1]


def test_certificate_directory_round_trip_and_tampering(tmp_path, counter):
    d = str(tmp_path / "cert")
    write_certificate_dir(counter, cert(counter, [counter.asserts[0].term], 3), d)
    assert sorted(os.listdir(os.path.join(d, "obligations"))) == ["base_0.smt2", "base_1.smt2", "base_2.smt2",
                                                                   "safety.smt2", "step.smt2"]
    assert check_certificate_dir(d).ok
    # a smaller k in the manifest: obligations no longer match / step fails
    manifest = json.load(open(os.path.join(d, "manifest.json")))
    manifest["k"] = 2
    json.dump(manifest, open(os.path.join(d, "manifest.json"), "w"))
    assert not check_certificate_dir(d).ok
    manifest["k"] = 3
    json.dump(manifest, open(os.path.join(d, "manifest.json"), "w"))
    assert check_certificate_dir(d).ok
    # an edited model no longer matches its hash
    model = os.path.join(d, "model.btor2")
    text = open(model).read()
    open(model, "w").write(text.replace(" 12", " 11", 1) if " 12" in text else text + "\n")
    report = check_certificate_dir(d)
    assert not report.ok and "hash" in report.details[0]
    open(model, "w").write(text)
    # an edited obligation file is detected
    ob = os.path.join(d, "obligations", "step.smt2")
    open(ob, "a").write("(assert false)\n")
    report = check_certificate_dir(d)
    assert not report.ok and "differs" in report.details[0]


def test_obligation_files_are_standalone_smtlib(tmp_path, counter):
    import z3
    d = str(tmp_path / "cert")
    write_certificate_dir(counter, cert(counter, [counter.asserts[0].term], 3), d)
    for name in os.listdir(os.path.join(d, "obligations")):
        s = z3.Solver()
        s.from_file(os.path.join(d, "obligations", name))
        assert s.check() == z3.unsat, name


def with_free_running_junk(system):
    """Add a free-running counter outside the property's cone of influence."""
    junk = system.add_state("junk", 8, init=T.const(0, 8))
    system.set_next(junk, T.add(junk, T.const(1, 8)))
    return system


def test_simple_path_over_a_closed_subset():
    s = with_free_running_junk(systems.wrap_counter(hold=True))
    p = s.asserts[0].term
    good = Certificate("never_forbidden", [p], 3, True, "test", "none", simple_path_vars=["count"])
    assert check_certificate(s, good).ok
    # over all states the premise says nothing (junk always differs), so the step fails
    everything = Certificate("never_forbidden", [p], 3, True, "test", "none")
    assert check_certificate(s, everything).details[-1] == "step: sat"
    not_closed = Certificate("never_forbidden", [p], 3, True, "test", "none", simple_path_vars=["junk"])
    report = check_certificate(s, not_closed)
    assert not report.ok and "outside the simple-path state set" in report.details[0]
    unknown = Certificate("never_forbidden", [p], 3, True, "test", "none", simple_path_vars=["nope"])
    assert not check_certificate(s, unknown).ok


def test_engine_certificates_use_the_cone_of_influence(tmp_path):
    from hwverify.prover.kind import KInduction
    s = with_free_running_junk(systems.wrap_counter(hold=True))
    r = KInduction(s).check(8)
    p = r.get("never_forbidden")
    assert p.status == "PASS" and p.certificate.simple_path_vars == ["count"]
    assert check_certificate(s, p.certificate).ok
    d = str(tmp_path / "cert")
    write_certificate_dir(s, p.certificate, d)
    assert check_certificate_dir(d).ok


def test_traces_from_reduced_systems_are_completed():
    s = with_free_running_junk(systems.wrap_counter(wrap_at=13))
    r = BMC(s).check(20)
    trace = r.get("never_forbidden").trace
    assert [f["junk"] for f in trace.frames] == list(range(13))
    assert check_trace(s, trace).ok


def test_shared_obligations_are_decided_once_and_never_confused(counter):
    """With a shared ``decided`` memo, a second certificate with the same obligations reuses the answers,
    while a different (too weak) certificate's obligations are decided afresh and still rejected."""
    p = counter.asserts[0].term
    decided: dict[str, str] = {}
    first = check_certificate(counter, cert(counter, [p], 3), decided=decided)
    assert first.ok and decided and set(decided.values()) == {"unsat"}
    again = check_certificate(counter, cert(counter, [p], 3), decided=decided)
    assert again.ok and any("same obligation" in d for d in again.details)
    weak = check_certificate(counter, cert(counter, [p], 2), decided=decided)
    assert not weak.ok and weak.details[-1] == "step: sat"


def _lookup_table_system(entry3: int = 5, index_width: int = 4):
    """A lookup table x -> 7x as a constant array inside the property (no array variable anywhere);
    ``entry3`` other than 5 plants a wrong entry."""
    from hwverify.semantics.system import TransitionSystem
    s = TransitionSystem(name="rom")
    x = s.add_input("x", T.BV(index_width))
    table = T.const_array(T.const(0, 4), index_width)
    for i in range(1 << index_width):
        table = T.write(table, T.const(i, index_width), T.const(entry3 if i == 3 else (i * 7) & 15, 4))
    s.add_assert("rom_ok", T.eq(T.read(table, x), T.extract(T.mul(x, T.const(7, index_width)), 3, 0)))
    return s


@pytest.mark.parametrize("solver", KERNEL_SOLVERS)
def test_lookup_tables(solver):
    """Regression: obligations once declared QF_BV when no *variable* was an array; cvc5 and bitwuzla then
    refused the script and z3 mis-answered 'sat' on secworks' AES S-box table. Tables of up to 2^8 entries
    are now read as ite chains (bit-vectors only)."""
    from hwverify.kernel.bounded import build_bounded
    for entry3, valid in ((5, True), (6, False)):
        s = _lookup_table_system(entry3)
        p = s.asserts[0].term
        text = build_bounded(s, [(p, 1)]).text(0)
        assert text.startswith("(set-logic QF_BV)") and "(Array " not in text
        report = check_certificate(s, Certificate("rom_ok", [p], 1, False, "test", "none"), solver=solver)
        assert report.ok == valid, report.details


def test_larger_tables_stay_arrays_under_an_array_logic():
    from hwverify.kernel.bounded import build_bounded
    from hwverify.kernel.flatten import uses_arrays_after
    s = _lookup_table_system(index_width=9)
    assert uses_arrays_after(s, None)
    text = build_bounded(s, [(s.asserts[0].term, 1)]).text(0)
    assert text.startswith("(set-logic QF_ABV)") and "(Array " in text
