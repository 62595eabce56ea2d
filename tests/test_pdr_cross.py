"""IC3/PDR cross-checked against BMC and k-induction, every verdict's evidence re-checked by the kernel.

For every bundled design with assertions (designs/btor2, designs/verilog,
designs/verilog/pdr, designs/sv, and the prove/bmc tasks of
designs/hwverify.toml with their options), and for random systems:

* a PDR FAIL replays in the kernel and its depth is BMC's minimal depth (and
  the design's ``expect: fail depth=N`` header when it gives one);
* a PDR PASS carries a certificate the kernel accepts, and neither BMC nor
  k-induction finds a counterexample;
* k-induction's PASS is never met by a PDR FAIL;
* the design's ``expect:`` header is PDR's overall verdict.

The fast set (``make test``) covers the BTOR2 designs, the designs whose
invariants are not k-inductive and a fixed number of random systems; the
other Verilog/SystemVerilog designs (each costs a frontend run) are slow.
"""
from __future__ import annotations

import glob
import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwverify.cosim.icarus import have_iverilog
from hwverify.demo import expectation, top_of
from hwverify.formats.btor2 import read_btor2_file
from hwverify.frontend import load_system
from hwverify.fuzz.gen_systems import random_system, random_system_mixed
from hwverify.kernel import check_certificate, check_trace
from hwverify.prover.bmc import BMC
from hwverify.prover.kind import KInduction
from hwverify.prover.pdr.engine import PDR
from hwverify.prover.result import FAIL, PASS, TIMEOUT, UNKNOWN, EngineOptions
from hwverify.semantics.system import TransitionSystem

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ROOT / "designs"
BTOR2 = sorted(glob.glob(str(DESIGNS / "btor2" / "*.btor2")))
NOT_K_INDUCTIVE = sorted(glob.glob(str(DESIGNS / "verilog" / "pdr" / "*.v")))
VERILOG = sorted(glob.glob(str(DESIGNS / "verilog" / "*.v")))
SV = sorted(glob.glob(str(DESIGNS / "sv" / "*.sv")))

KIND_DEPTH = 8
BMC_DEPTH = 8          # BMC's search for a counterexample to a PASS (the certificate is the proof)
# Beyond bit-level IC3 in test time (a multiplier's output related to its inputs three cycles back):
# PDR may time out there, but must not contradict anything.
MAY_TIME_OUT = {"pipe_mul"}
SLOW_PDR = {"twin_counters"}   # IC3 needs ~20 s

needs_icarus = pytest.mark.skipif(not have_iverilog(), reason="pyverilog preprocesses with Icarus")


def cross_check(system: TransitionSystem, timeout: float = 60.0, may_time_out: bool = False) -> dict[str, object]:
    """PDR's verdict per assertion, after checking it against the kernel, BMC and k-induction."""
    pdr = PDR(system, EngineOptions(timeout=timeout)).check(1000)
    kind = KInduction(system, EngineOptions(timeout=timeout)).check(KIND_DEPTH)
    out = {}
    for p in pdr.properties:
        k = kind.get(p.name)
        if p.status == PASS:
            report = check_certificate(system, p.certificate)
            assert report.ok, f"{p.name}: kernel rejects PDR's certificate: {report}"
            assert p.certificate.k == 1 and p.certificate.method == "pdr"
            assert k.status != FAIL, f"{p.name}: k-induction refutes PDR's PASS at depth {k.depth}"
            bmc = BMC(system).check(BMC_DEPTH).get(p.name)
            assert bmc.status != FAIL, f"{p.name}: BMC refutes PDR's PASS at depth {bmc.depth}"
        elif p.status == FAIL:
            report = check_trace(system, p.trace)
            assert report.ok, f"{p.name}: kernel rejects PDR's trace: {report}"
            assert k.status != PASS, f"{p.name}: k-induction proves what PDR refutes at depth {p.depth}"
            bmc = BMC(system).check(p.depth).get(p.name)
            assert bmc.status == FAIL and bmc.depth == p.depth, \
                f"{p.name}: PDR fails at depth {p.depth}, BMC's minimal depth is {bmc.depth} ({bmc.status})"
            assert "(minimal depth)" in p.reason, p.reason
        else:
            assert may_time_out and p.status in (TIMEOUT, UNKNOWN), (p.name, p.status, p.reason)
        if k.status == PASS:
            assert p.status != FAIL
        out[p.name] = p
    return out


def check_expectation(path: str, verdicts: dict) -> None:
    """The design's ``expect:`` header: the overall verdict, and the first failing step when given."""
    exp = expectation(path)
    assert exp is not None, f"{path}: no expect header"
    want, depth = exp
    fails = [p.depth for p in verdicts.values() if p.status == FAIL]
    if want == "fail":
        assert fails, f"{path}: expected a FAIL, PDR says {[p.status for p in verdicts.values()]}"
        if depth is not None:
            assert min(fails) == depth, f"{path}: first failure at {min(fails)}, header says {depth}"
    else:
        assert not fails and all(p.status == PASS for p in verdicts.values()), \
            f"{path}: expected PASS, PDR says {[(p.name, p.status) for p in verdicts.values()]}"


def _hdl_system(path: str) -> TransitionSystem:
    """A Verilog/SV design loaded as the demo runs it (top, multiclock header)."""
    with open(path, errors="replace") as fh:
        multiclock = "multiclock: on" in fh.read(500)
    name = os.path.splitext(os.path.basename(path))[0]
    return load_system([path], top=top_of(path) or name, multiclock=multiclock)


def _stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


# ------------------------------------------------------------------ fast set
@pytest.mark.parametrize("path", BTOR2, ids=os.path.basename)
def test_btor2_designs(path):
    check_expectation(path, cross_check(read_btor2_file(path)))


@needs_icarus
@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.slow) if _stem(p) in SLOW_PDR else p
                                  for p in NOT_K_INDUCTIVE], ids=_stem)
def test_designs_whose_invariants_are_not_k_inductive(path):
    check_expectation(path, cross_check(_hdl_system(path)))


@settings(max_examples=40, derandomize=True, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_states=st.integers(1, 4), n_inputs=st.integers(0, 3),
       depth=st.integers(1, 4))
def test_random_systems(seed, n_states, n_inputs, depth):
    cross_check(random_system(seed, n_states, n_inputs, depth))


@settings(max_examples=40, derandomize=True, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_systems_with_memories_and_constraints(seed):
    cross_check(random_system_mixed(seed))


# ------------------------------------------------------------------ slow set
@pytest.mark.slow
@needs_icarus
@pytest.mark.parametrize("path", [p for p in VERILOG if expectation(p)], ids=_stem)
def test_verilog_designs(path):
    verdicts = cross_check(_hdl_system(path), timeout=5 if _stem(path) in MAY_TIME_OUT else 60,
                           may_time_out=_stem(path) in MAY_TIME_OUT)
    if all(p.status in (PASS, FAIL) for p in verdicts.values()):
        check_expectation(path, verdicts)


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in SV if expectation(p)], ids=_stem)
def test_systemverilog_designs(path):
    check_expectation(path, cross_check(_hdl_system(path)))


def _project_tasks() -> list[tuple[str, dict]]:
    """The prove/bmc tasks of designs/hwverify.toml over RTL or BTOR2 (Amaranth and cover tasks aside)."""
    with open(DESIGNS / "hwverify.toml", "rb") as fh:
        tasks = tomllib.load(fh).get("tasks", {})
    return [(name, t) for name, t in sorted(tasks.items())
            if t.get("mode", "prove") in ("prove", "bmc") and t["design"].endswith((".v", ".sv", ".btor2"))]


@pytest.mark.slow
@needs_icarus
@pytest.mark.parametrize("name,task", _project_tasks(), ids=[n for n, _ in _project_tasks()])
def test_project_tasks(name, task):
    system = load_system([str(DESIGNS / task["design"])], top=task.get("top"), frontend=task.get("frontend"),
                         asserts=task.get("asserts", ()), assumes=task.get("assumes", ()),
                         multiclock=task.get("multiclock", False))
    verdicts = cross_check(system)
    want = task.get("expect", "pass")
    assert any(p.status == FAIL for p in verdicts.values()) == (want == "fail"), (name, verdicts)


@pytest.mark.slow
@settings(max_examples=300, derandomize=True, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_systems_many(seed):
    cross_check(random_system_mixed(seed))
