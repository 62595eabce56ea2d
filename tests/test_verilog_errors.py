"""Bad Verilog gives one FrontendError with file:line, never a traceback from below."""
from __future__ import annotations

import re

import pytest

from hwverify.errors import FrontendError, UnsupportedError
from hwverify.frontend.verilog.lower import lower_verilog
from hwverify.cosim.icarus import have_iverilog

pytestmark = pytest.mark.skipif(not have_iverilog(), reason="pyverilog preprocesses with Icarus")


def _lower(tmp_path, src: str, top: str = "m", name: str = "bad.v", **kw):
    f = tmp_path / name
    f.write_text(src)
    return lower_verilog([str(f)], top, **kw)


def _err(tmp_path, src, top="m", cls=FrontendError, **kw):
    with pytest.raises(cls) as e:
        _lower(tmp_path, src, top, **kw)
    assert e.value.loc is not None and e.value.loc.file.endswith(".v")
    return e.value


def test_syntax_error_has_line(tmp_path):
    e = _err(tmp_path, "module m(input a, output b);\n  assign b = a +;\nendmodule\n")
    assert e.loc.line == 2
    assert re.match(r"syntax error near ';'", e.message)


def test_syntax_error_line_in_second_file_and_include(tmp_path):
    (tmp_path / "inc.vh").write_text("wire ok;\nwire bad bad;\n")
    (tmp_path / "a.v").write_text("module a; endmodule\n")
    (tmp_path / "b.v").write_text('module m;\n`include "inc.vh"\nendmodule\n')
    with pytest.raises(FrontendError) as e:
        lower_verilog([str(tmp_path / "a.v"), str(tmp_path / "b.v")], "m")
    assert e.value.loc.file.endswith("inc.vh") and e.value.loc.line == 2


def test_missing_include_and_file(tmp_path):
    e = _err(tmp_path, 'module m;\n`include "nope.vh"\nendmodule\n')
    assert e.loc.line == 2 and "nope.vh" in e.message
    with pytest.raises(FrontendError, match="no such file"):
        lower_verilog([str(tmp_path / "missing.v")], "m")


def test_unknown_module_suggests(tmp_path):
    src = "module counter(input a); endmodule\nmodule m(input a);\n  countr u(.a(a));\nendmodule\n"
    e = _err(tmp_path, src)
    assert e.loc.line == 3 and "unknown module 'countr'" in e.message and "counter" in e.message


def test_unknown_top(tmp_path):
    with pytest.raises(FrontendError, match=r"top module 'n' not found.*\bm\b"):
        _lower(tmp_path, "module m; endmodule\n", top="n")


def test_unknown_name_suggests(tmp_path):
    e = _err(tmp_path, "module m(input [3:0] count, output y);\n  assign y = cout[0];\nendmodule\n")
    assert e.loc.line == 2 and "'cout'" in e.message and "count" in e.message


@pytest.mark.parametrize("body, line, what", [
    ("  always @(posedge a) x <= #1 a;\n  always @(b) #5 x2 = b;\n", 3, "timing"),
    ("  initial forever x = 1;\n", 2, "forever"),
    ("  always @(posedge a) x <= 1;\n  always @(posedge b) x2 <= 1;\n", 2, "multiple clocks"),
    ("  wire z = 1.5;\n", 2, "real"),
    ("  always @(posedge a) assert property (a);\n", 2, "SystemVerilog"),
    ("  always @* if (a) x = b;\n", 2, "latch"),
    ("  and g(x, a, b);\n", 2, "primitive"),
])
def test_unsupported_constructs(tmp_path, body, line, what):
    src = "module m(input a, input b);\n  reg x, x2;\n" + body + "endmodule\n"
    e = _err(tmp_path, src, cls=(UnsupportedError, FrontendError))
    assert isinstance(e, UnsupportedError), e
    assert "--frontend yosys" in str(e)
    assert e.loc.line is not None and abs(e.loc.line - line) <= 1, e
    assert what.split()[0].lower() in str(e).lower() or what == "timing", e


def test_combinational_loop(tmp_path):
    src = ("module m(input a, output y);\n  wire p, q;\n  assign p = q & a;\n"
           "  assign q = p | a;\n  assign y = q;\nendmodule\n")
    e = _err(tmp_path, src)
    assert "combinational loop" in e.message and e.loc.line in (3, 4)


def test_bit_chain_is_not_a_loop(tmp_path):
    src = ("module m(input [3:0] a, output [4:0] c);\n  assign c[0] = 1'b0;\n  genvar i;\n"
           "  generate for (i = 0; i < 4; i = i + 1) begin : g\n"
           "    assign c[i+1] = c[i] ^ a[i];\n  end endgenerate\nendmodule\n")
    s = _lower(tmp_path, src)
    assert s.signals["c"].width == 5


def test_multiple_drivers(tmp_path):
    src = "module m(input a, output y);\n  assign y = a;\n  assign y = ~a;\nendmodule\n"
    e = _err(tmp_path, src)
    assert "more than one driver" in e.message and e.loc.line == 3


def test_derived_clock(tmp_path):
    src = ("module m(input clk, input en, output reg q);\n  wire g = clk & en;\n"
           "  always @(posedge g) q <= ~q;\nendmodule\n")
    e = _err(tmp_path, src, cls=UnsupportedError)
    assert "clock" in e.message and e.loc.line == 3


def test_variable_loop_bound(tmp_path):
    src = ("module m(input [2:0] n, output reg [3:0] y);\n  integer i;\n"
           "  always @* begin y = 0; for (i = 0; i < n; i = i + 1) y = y + 1; end\nendmodule\n")
    e = _err(tmp_path, src, cls=UnsupportedError)
    assert "constant" in e.message and e.loc.line == 3


def test_clock_used_as_data(tmp_path):
    src = "module m(input clk, output y, output reg q);\n  assign y = clk;\n  always @(posedge clk) q <= 1;\nendmodule\n"
    e = _err(tmp_path, src, cls=UnsupportedError)
    assert "clock" in e.message and e.loc.line == 2


def test_bad_parameter_override(tmp_path):
    src = ("module c #(parameter W = 1)(input a); endmodule\n"
           "module m(input a);\n  c #(.X(2)) u(.a(a));\nendmodule\n")
    e = _err(tmp_path, src)
    assert "no parameter 'X'" in e.message and e.loc.line == 3


def test_parse_tables_are_cached(tmp_path, monkeypatch):
    import hwverify.frontend.verilog.parse as P
    monkeypatch.setenv("HWVERIFY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(P, "_parser", None)
    P.get_parser()
    assert list((tmp_path / "cache").glob("pyverilog-tables-*.pickle"))
    monkeypatch.setattr(P, "_parser", None)
    import time
    t = time.monotonic()
    P.get_parser()
    assert time.monotonic() - t < 0.5


@pytest.mark.parametrize("src, line", [
    ("module m(input a, output b);\n  assign b = a +;\nendmodule\n", 2),            # syntax
    ("module m(input a);\n  always @* begin forever x = 1; end\nendmodule\n", 2),  # unsupported
    ("module m(input a);\n  nosuch u(.a(a));\nendmodule\n", 2),                   # unknown module
])
def test_cli_reports_file_line_and_exits_16(tmp_path, capsys, src, line):
    from hwverify.cli import main
    f = tmp_path / "bad.v"
    f.write_text(src)
    code = main(["bmc", str(f), "--top", "m"])
    err = capsys.readouterr().err
    assert code == 16
    assert f"bad.v:{line}:" in err and "Traceback" not in err
