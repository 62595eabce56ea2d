"""The batch kernel path (``check_evidence``): incremental bounded checks, shared across items.

Good and tampered evidence side by side: a bounded certificate claiming frames past the
property's first failure must be rejected, alone or batched with valid evidence, and the
valid items next to it must still be accepted. The incremental path must agree with the
one-by-one path on the bundled designs, and a solver that gives up or crashes mid-session
must hand over to another, never be taken as an answer.
"""
from __future__ import annotations

import json
import os

import pytest

from hwverify.formats.btor2 import read_btor2
from hwverify.kernel import check_certificate, check_evidence, check_trace
from hwverify.kernel import session as kernel_session
from hwverify.kernel.bounded import build_bounded
from hwverify.kernel.certdir import _scripts, check_certificate_dir, write_certificate_dir
from hwverify.kernel.flatten import flatten_system
from hwverify.prover.bmc import BMC
from hwverify.prover.kind import KInduction
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate

from tests import systems

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def bounded(prop: str, term, k: int, solver: str = "none") -> Certificate:
    return Certificate(prop, [term], k, False, "bmc", solver, bounded=True)


def load_btor2(name: str):
    path = os.path.join(ROOT, "designs", "btor2", name)
    with open(path) as fh:
        return read_btor2(fh.read(), path)


# ----------------------------------------------------------- good and tampered, batched
def test_one_claim_at_several_depths_is_decided_once_per_frame():
    """wrap_counter(wrap_at=13) first reaches 12 (forbidden) at step 12: k=12 holds, k=13 does not."""
    s = systems.wrap_counter(wrap_at=13)
    p = s.asserts[0].term
    reports = check_evidence(s, [bounded("never_forbidden", p, 12), bounded("never_forbidden", p, 13),
                                 bounded("never_forbidden", p, 5)])
    assert [r.ok for r in reports] == [True, False, True]
    assert reports[1].details[-1] == "base_12: sat"
    assert reports[0].details[-1] == "base_11: unsat" and len([d for d in reports[0].details if "base_" in d]) == 12
    assert reports[2].details[-1] == "base_4: unsat"


def test_tampered_bounded_certificate_rejected_next_to_valid_evidence():
    """two_props: reach3 fails at step 3, succ holds. BMC's evidence is accepted; a bounded
    certificate claiming reach3 up to step 5, batched with it, is rejected at frame 3."""
    s = load_btor2("two_props.btor2")
    r = BMC(s).check(8)
    items = [p.certificate or p.trace for p in r.properties]
    assert {type(i).__name__ for i in items} == {"Certificate", "Trace"}
    reach3 = s.property("reach3").term
    lie = bounded("reach3", reach3, 6)
    reports = check_evidence(s, items + [lie] + items)
    assert [x.ok for x in reports] == [True] * len(items) + [False] + [True] * len(items)
    assert reports[len(items)].details[-1] == "base_3: sat"
    succ = reports[[i for i, it in enumerate(items) if isinstance(it, Certificate)][0]]
    assert succ.details[-1] == "base_8: unsat"   # depth 8 -> frames 0..8
    # alone, the lie is rejected the same way
    alone = check_evidence(s, [lie])[0]
    assert not alone.ok and alone.details[-1] == "base_3: sat"


def test_several_properties_one_failing_inside_the_batch():
    """Two bounded claims in one session: the disjunction is sat at frame 3, narrowing blames only reach3."""
    s = load_btor2("two_props.btor2")
    claims = [bounded("succ", s.property("succ").term, 10), bounded("reach3", s.property("reach3").term, 10),
              bounded("succ", s.property("succ").term, 3)]
    reports = check_evidence(s, claims)
    assert [r.ok for r in reports] == [True, False, True]
    assert reports[1].details[-1] == "base_3: sat" and reports[0].details[-1] == "base_9: unsat"


def test_static_problems_are_reported_per_item():
    s = systems.wrap_counter()
    p = s.asserts[0].term
    c = s.signals["count"]
    items = [bounded("never_forbidden", p, 10), bounded("nope", p, 3),
             bounded("never_forbidden", T.ule(c, T.const(9, 4)), 5), bounded("never_forbidden", p, 0)]
    reports = check_evidence(s, items)
    assert [r.ok for r in reports] == [True, False, False, False]
    assert "no property named" in reports[1].details[0]
    assert "exactly the property" in reports[2].details[0]
    assert "at least 1" in reports[3].details[0]
    with pytest.raises(TypeError):
        check_evidence(s, ["not evidence"])


def test_unbounded_certificates_share_base_and_step():
    """Two certificates with one invariant: bases in one session, step and safety decided once."""
    s = systems.wrap_counter(hold=True)
    p = s.asserts[0].term
    good = Certificate("never_forbidden", [p], 3, True, "test", "none")
    weak = Certificate("never_forbidden", [p], 2, True, "test", "none")   # step fails at k=2
    reports = check_evidence(s, [good, weak, good])
    assert [r.ok for r in reports] == [True, False, True]
    assert reports[1].details[-1] == "step: sat"
    assert any("same obligation" in d for d in reports[2].details)


def test_traces_in_a_batch_are_replayed():
    s = systems.wrap_counter(wrap_at=13)
    trace = BMC(s).check(20).get("never_forbidden").trace
    short = type(trace)(trace.prop, trace.kind, trace.frames[:-1])
    reports = check_evidence(s, [trace, short, bounded("never_forbidden", s.asserts[0].term, 12)])
    assert [r.ok for r in reports] == [True, False, True]
    assert check_trace(s, trace).ok


# ---------------------------------------------- incremental and one-by-one paths agree
FAST_DESIGNS = ["btor2/two_props.btor2", "btor2/memory.btor2", "btor2/counter_bug.btor2",
                "btor2/constraints.btor2", "btor2/counter_inductive.btor2"]


@pytest.mark.parametrize("name", FAST_DESIGNS)
def test_incremental_agrees_with_one_by_one_on_bundled_designs(name):
    s = load_btor2(name.split("/")[1])
    items = []
    for engine in (BMC(s), KInduction(s)):
        r = engine.check(10)
        for p in r.properties:
            if p.certificate is not None:
                items.append(p.certificate)
            elif p.trace is not None:
                items.append(p.trace)
                # a lie: the failing property claimed to hold up to and including its failing frame
                items.append(bounded(p.name, s.property(p.name).term, len(p.trace.frames)))
    new = [r.ok for r in check_evidence(s, items)]
    old = [check_certificate(s, it, incremental=False).ok if isinstance(it, Certificate) else check_trace(s, it).ok
           for it in items]
    assert new == old
    assert any(new)
    lies = [i for i, it in enumerate(items) if isinstance(it, Certificate) and it.bounded and it.method == "bmc"
            and it.solver == "none"]
    assert all(not new[i] for i in lies)


@pytest.mark.slow
def test_incremental_agrees_with_one_by_one_on_the_yosys_fifo():
    """The FIFO with a memory (flattened by the kernel): both paths accept its 16-frame certificates."""
    from hwverify.frontend.load import load_system
    s = load_system([os.path.join(ROOT, "designs/verilog/fifo.v")], top="fifo", frontend="yosys")
    r = BMC(s).check(15)
    items = [p.certificate for p in r.properties]
    assert all(c is not None and c.bounded for c in items)
    assert [x.ok for x in check_evidence(s, items)] == [True] * len(items)
    assert check_certificate(s, items[-1], solver="bitwuzla", incremental=False).ok


def test_flattening_agrees_with_arrays():
    """memory_system: entry1_small fails at step 1; with the memory flattened or not, the verdicts match."""
    s = systems.memory_system()
    assert flatten_system(s) is not None
    for name, k, ok in (("shadow_matches", 8, True), ("entry1_small", 1, True), ("entry1_small", 2, False)):
        c = bounded(name, s.property(name).term, k)
        assert check_evidence(s, [c])[0].ok is ok
        assert check_certificate(s, c, solver="bitwuzla", incremental=False).ok is ok
    inv = Certificate("shadow_matches", [s.property("shadow_matches").term], 1, False, "test", "none")
    assert check_evidence(s, [inv])[0].ok


# ------------------------------------------------------------- solver fallback
class _Crashing(kernel_session.Session):
    name = "z3"

    def __init__(self, budget):
        super().__init__(budget)

    def _run(self, text):
        raise RuntimeError("segfault (simulated)")

    def _check(self):
        return "unknown"


class _GivingUp(kernel_session.Z3Session):
    def _check(self):
        return "unknown"


@pytest.mark.parametrize("fake, note", [(_Crashing, "z3 failed: segfault (simulated)"),
                                        (_GivingUp, "z3: no answer within 1 s")])
def test_unknown_or_crash_hands_over_to_another_solver(monkeypatch, fake, note):
    s = systems.wrap_counter(wrap_at=13)
    p = s.asserts[0].term
    monkeypatch.setitem(kernel_session.SESSIONS, "z3", fake)
    good, bad = bounded("never_forbidden", p, 12, solver="bitwuzla"), bounded("never_forbidden", p, 13,
                                                                                solver="bitwuzla")
    reports = check_evidence(s, [good, bad])
    assert reports[0].solver == "z3"                   # the preferred one, which failed
    assert [r.ok for r in reports] == [True, False]
    assert note in reports[0].details
    assert any(d.startswith("(decided by ") for d in reports[0].details)
    assert reports[1].details[-1] == "base_12: sat"


def test_every_solver_failing_is_an_error_not_an_answer(monkeypatch):
    s = systems.wrap_counter()
    for name in kernel_session.SESSIONS:
        monkeypatch.setitem(kernel_session.SESSIONS, name, type("Bad", (_Crashing,), {"name": name}))
    report = check_evidence(s, [bounded("never_forbidden", s.asserts[0].term, 4)])[0]
    assert not report.ok and report.details[-1] == "base_0: error"


# ------------------------------------------------------------- certificate directories
def test_bounded_certificate_directory_has_one_incremental_script(tmp_path):
    import z3
    s = systems.wrap_counter()
    d = str(tmp_path / "cert")
    write_certificate_dir(s, bounded("never_forbidden", s.asserts[0].term, 6), d)
    assert os.listdir(os.path.join(d, "obligations")) == ["bounded.smt2"]
    assert check_certificate_dir(d).ok
    text = open(os.path.join(d, "obligations", "bounded.smt2")).read()
    ctx = z3.Context()   # kept alive: the raw call does not hold a reference to it
    out = z3.Z3_eval_smtlib2_string(ctx.ref(), text).split()
    assert out == ["unsat"] * 6          # any SMT solver can check it: one unsat per frame
    with open(os.path.join(d, "obligations", "bounded.smt2"), "a") as fh:
        fh.write("(assert false)\n")
    report = check_certificate_dir(d)
    assert not report.ok and "differs" in report.details[0]


def test_tampered_bounded_certificate_directory_rejected(tmp_path):
    s = systems.wrap_counter(wrap_at=13)
    d = str(tmp_path / "cert")
    write_certificate_dir(s, bounded("never_forbidden", s.asserts[0].term, 12), d)
    assert check_certificate_dir(d).ok
    # claim one more frame: the rebuilt script differs from the stored one
    manifest_path = os.path.join(d, "manifest.json")
    manifest = json.load(open(manifest_path))
    manifest["k"] = 13
    json.dump(manifest, open(manifest_path, "w"))
    assert not check_certificate_dir(d).ok
    # and with the matching script stored too, the solver rejects the claim
    stored = read_btor2(open(os.path.join(d, "model.btor2")).read(), "model.btor2")
    text = build_bounded(stored, [(stored.asserts[0].term, 13)]).text(0)
    open(os.path.join(d, "obligations", "bounded.smt2"), "w").write(text)
    report = check_certificate_dir(d)
    assert not report.ok and report.details[-1] == "base_12: sat"


def test_directories_with_base_scripts_are_still_read(tmp_path):
    """A bounded certificate written before the incremental script (base_<j>.smt2 files) still checks."""
    s = systems.wrap_counter()
    d = str(tmp_path / "cert")
    cert = bounded("never_forbidden", s.asserts[0].term, 4)
    write_certificate_dir(s, cert, d)
    stored = read_btor2(open(os.path.join(d, "model.btor2")).read(), "model.btor2")
    p = stored.asserts[0].term
    old = _scripts(stored, p, p, cert, None, incremental=False)
    os.remove(os.path.join(d, "obligations", "bounded.smt2"))
    for name, text in old.items():
        open(os.path.join(d, name), "w").write(text)
    manifest_path = os.path.join(d, "manifest.json")
    manifest = json.load(open(manifest_path))
    manifest["obligations"] = list(old)
    json.dump(manifest, open(manifest_path, "w"))
    assert sorted(os.listdir(os.path.join(d, "obligations"))) == [f"base_{j}.smt2" for j in range(4)]
    assert check_certificate_dir(d).ok
