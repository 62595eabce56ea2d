"""Properties: the formal subset inside RTL and the CLI property language.

Semantics are pinned with BMC depths (0-based steps, the initial state is
step 0): a clocked assertion checks the values of its own cycle, ``$past``
is free in the first cycle, ``$initstate`` is 1 only at step 0, ``anyconst``
never changes and ``anyseq`` is free in every cycle.
"""
from __future__ import annotations

import random

import pytest

from hwverify.errors import FrontendError
from hwverify.frontend.properties import add_property, parse_property
from hwverify.frontend.verilog.lower import lower_verilog
from hwverify.cosim.icarus import have_iverilog
from hwverify.prover.bmc import BMC
from hwverify.prover.kind import KInduction
from hwverify.prover.result import EngineOptions
from hwverify.semantics.evaluate import CompiledSystem, evaluate

pytestmark = pytest.mark.skipif(not have_iverilog(), reason="pyverilog preprocesses with Icarus")


def _lower(tmp_path, body: str, ports: str = "input clk, input [3:0] d", top: str = "m"):
    f = tmp_path / "p.v"
    f.write_text(f"module {top}({ports});\n{body}\nendmodule\n")
    return lower_verilog([str(f)], top)


def _fail_depth(system, bound: int = 6) -> dict[str, int | None]:
    r = BMC(system, EngineOptions()).check(bound)
    return {p.name: (p.depth if p.status == "FAIL" else None) for p in r.properties}


def _proved(system) -> bool:
    return KInduction(system, EngineOptions()).check(10).status == "PASS"


def test_clocked_and_combinational_asserts_check_the_current_cycle(tmp_path):
    s = _lower(tmp_path, "  reg [3:0] q = 0;\n  always @(posedge clk) q <= d;\n"
                         "  always @(posedge clk) assert(q != 4'd5);\n  always @* assert(q != 4'd6);")
    assert _fail_depth(s) == {"assert_L4": 1, "assert_L5": 1}


def test_assert_sees_blocking_updates_and_branch_conditions(tmp_path):
    s = _lower(tmp_path, "  reg [3:0] t;\n  always @(posedge clk) begin\n    t = d + 1;\n"
                         "    if (d != 4'hf) assert(t > d);\n    assert(t != 0);\n  end")
    assert _fail_depth(s) == {"assert_L5": None, "assert_L6": 0}


def test_past_is_free_in_the_first_cycle(tmp_path):
    s = _lower(tmp_path, "  always @* assume(d == 0);\n  always @(posedge clk) assert($past(d) == 0);")
    assert _fail_depth(s) == {"assert_L3": 0}
    s = _lower(tmp_path, "  reg pv = 0;\n  always @(posedge clk) pv <= 1;\n  always @* assume(d == 0);\n"
                         "  always @(posedge clk) if (pv) assert($past(d) == 0 && $past(d, 2) == 0);")
    assert _fail_depth(s) == {"assert_L5": 1}   # $past(d, 2) is still free at step 1


def test_stable_rose_fell_changed(tmp_path):
    body = ("  reg pv = 0;\n  always @(posedge clk) pv <= 1;\n  reg [3:0] q = 0;\n"
            "  always @(posedge clk) q <= q + 1;\n  always @(posedge clk) if (pv) begin\n"
            "    assert($changed(q));\n    assert(!$stable(q));\n    assert($rose(q[0]) == q[0]);\n"
            "    assert($fell(q[0]) == !q[0]);\n    assert(!$rose(q[0]) || !$fell(q[0]));\n  end")
    s = _lower(tmp_path, body)
    assert _proved(s)


def test_initstate_and_initial_assertions(tmp_path):
    s = _lower(tmp_path, "  reg [3:0] q = 3;\n  always @(posedge clk) q <= d;\n"
                         "  always @* if ($initstate) assert(q == 3);\n  initial assert(q == 3);\n"
                         "  initial assert(d == 1);")
    assert _fail_depth(s) == {"assert_L4": None, "assert_L5": None, "assert_L6": 0}


def test_initial_assume_constrains_step_zero_only(tmp_path):
    s = _lower(tmp_path, "  initial assume(d == 4'd9);\n  always @* assert(d == 4'd9);")
    assert _fail_depth(s) == {"assert_L3": 1}


def test_anyconst_and_anyseq(tmp_path):
    body = ("  (* anyconst *) reg [3:0] c;\n  (* anyseq *) reg [3:0] s;\n  wire [3:0] c2 = $anyconst;\n"
            "  wire [3:0] s2 = $anyseq;\n  reg pv = 0;\n  always @(posedge clk) pv <= 1;\n"
            "  always @(posedge clk) if (pv) begin\n    assert($stable(c) && $stable(c2));\n"
            "    assert($stable(s));\n    assert($stable(s2));\n  end\n  always @* assert(c != 4'd7);")
    s = _lower(tmp_path, body)
    assert _fail_depth(s) == {"assert_L9": None, "assert_L10": 1, "assert_L11": 1, "assert_L13": 0}
    assert s.signals["c"].width == 4 and s.signals["c2"].width == 4


def test_cover_is_guarded_by_its_path(tmp_path):
    s = _lower(tmp_path, "  reg [3:0] q = 0;\n  always @(posedge clk) begin\n    q <= q + 1;\n"
                         "    if (q == 4'd3) cover(d == 4'd2);\n  end")
    r = BMC(s, EngineOptions(), covers=True).check(6)
    assert [(p.status, p.depth) for p in r.properties] == [("PASS", 3)]


def test_properties_in_submodules_get_hierarchical_names(tmp_path):
    f = tmp_path / "h.v"
    f.write_text("module c(input clk, input [3:0] d);\n  always @* assert(d != 1);\nendmodule\n"
                 "module m(input clk, input [3:0] d);\n  c u_c(.clk(clk), .d(d));\nendmodule\n")
    s = lower_verilog([str(f)], "m")
    assert [p.name for p in s.asserts] == ["u_c.assert_L2"]
    assert s.asserts[0].loc.line == 2


def test_hierarchical_references_and_negedge_clock(tmp_path):
    f = tmp_path / "hr.v"
    f.write_text("module cnt(input clk, input en, output reg [3:0] q);\n  initial q = 0;\n"
                 "  always @(negedge clk) if (en) q <= q == 4'd9 ? 4'd0 : q + 4'd1;\nendmodule\n"
                 "module top(input clk, input en);\n  cnt u_c(.clk(clk), .en(en), .q());\n"
                 "  always @(negedge clk) assert(u_c.q <= 4'd9);\n"
                 "  always @* assert(top.u_c.q != 4'd7);\nendmodule\n")
    s = lower_verilog([str(f)], "top")
    assert "clock: negedge clk (one transition per edge)" in s.notes
    assert _fail_depth(s, 8) == {"assert_L7": None, "assert_L8": 7}


def test_async_reset_reads_reset_value_in_the_same_cycle(tmp_path):
    body = ("  reg [3:0] q;\n  always @(posedge clk or negedge rst_n)\n    if (!rst_n) q <= 4'd0;\n"
            "    else q <= q + 4'd1;\n  always @* if (!rst_n) assert(q == 0);\n"
            "  always @* assert(q != 4'd2);")
    s = _lower(tmp_path, body, ports="input clk, input rst_n")
    d = _fail_depth(s)
    assert d["assert_L6"] is None
    assert d["assert_L7"] == 0    # free initial value, no reset


# ---------------------------------------------------------- property language
@pytest.fixture(scope="module")
def fifo():
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "designs" / "verilog"
    return lambda: lower_verilog([str(root / "fifo.v")], "fifo")


def test_language_operators_and_precedence(fifo):
    s = fifo()
    cs = CompiledSystem(s)
    rng = random.Random(3)
    exprs = {
        "count <= 4": lambda v: v["count"] <= 4,
        "full -> !empty": lambda v: (not v["full"]) or (not v["empty"]),
        "empty -> count == 0 -> full": lambda v: (not v["empty"]) or (v["count"] != 0) or v["full"],
        "count + 1 > 4": lambda v: v["count"] + 1 > 4,
        "wr_ptr - rd_ptr == count[1:0]": lambda v: (v["wr_ptr"] - v["rd_ptr"]) % 4 == v["count"] % 4,
        "{full, empty} == 2'b01 || count[2] & !empty": lambda v: (v["full"] == 0 and v["empty"] == 1)
        or (v["count"] >> 2 & 1 and not v["empty"]),
        "count * 2 >= 3 ? 1 : 0": lambda v: v["count"] * 2 >= 3,
        "wr_data[7:4] ^ rd_data[3:0]": lambda v: (v["wr_data"] >> 4) ^ (v["rd_data"] & 15) != 0,
    }
    terms = {t: parse_property(t, s) for t in exprs}
    for _ in range(200):
        state = cs.initial_state(rng=rng)
        inputs = cs.random_inputs(rng)
        env = cs.observe(state, inputs).signals
        full_env = {v: (state.get(v.name) if v.name in state else inputs.get(v.name))
                    for v in s.states + s.inputs}
        for text, ref in exprs.items():
            assert bool(evaluate(terms[text], full_env)) == bool(ref(env)), text


def test_language_past_adds_registers_and_proves(fifo):
    s = fifo()
    n = len(s.states)
    add_property(s, "assert", "past(full) && !past(rst) && !past(rd_en) -> full || !past(rst, 2)")
    assert len(s.states) > n
    add_property(s, "assume", "!rst")
    p = add_property(s, "cover", "full && past(empty, 3)")
    assert p is not None and p.kind == "cover"


def test_language_hierarchical_and_generate_names(tmp_path):
    f = tmp_path / "g.v"
    f.write_text("module c(input clk, input [3:0] d, output reg [3:0] q);\n"
                 "  always @(posedge clk) q <= d;\nendmodule\n"
                 "module m(input clk, input [3:0] d);\n  genvar i;\n  generate for (i = 0; i < 2; i = i + 1)"
                 " begin : g\n    c u(.clk(clk), .d(d + i));\n  end endgenerate\nendmodule\n")
    s = lower_verilog([str(f)], "m")
    assert "g[1].u.q" in s.signals
    t = parse_property("g[1].u.q == g[0].u.q + 1", s)
    assert t.width == 1
    t = parse_property("g[0].u.q[3] -> g[1].u.q[2:0] != 3'd7", s)
    assert t.width == 1


@pytest.mark.parametrize("text, message", [
    ("cout <= 3", r"unknown signal 'cout'.*closest: count"),
    ("u_x.state == 1", r"unknown"),
    ("count[7:4] == 0", r"outside the signal"),
    ("count == 9", r"9 does not fit in 3 bits"),
    ("count <=", r"syntax error"),
    ("(count -> full", r"unbalanced"),
    ("-> full", r"both sides"),
    ("", r"empty"),
    ("foo(count)", r"unknown function"),
])
def test_language_errors(fifo, text, message):
    with pytest.raises(FrontendError, match=message):
        parse_property(text, fifo())


@pytest.mark.parametrize("kind, text, column, message", [
    ("assert", "count <= ", 10, "syntax error at column 10: unexpected end of property"),
    ("assert", "a &&& b", 3, "syntax error at column 3: '&&&' is not an expression operator"),
    ("assert", "cnt < 3", 1, "unknown signal 'cnt' at column 1: closest: count"),
    ("assume", "full && cuont == 2", 9, "unknown signal 'cuont' at column 9: closest: count"),
    ("cover", "count + -> full", 9, "syntax error at column 9: unexpected '->'"),
    ("assert", "past(count) <= count -> full +", 31, "syntax error at column 31: unexpected end of property"),
    ("assert", "(empty -> count == 0 + ) || full", 24, "syntax error at column 24: unexpected ')'"),
    ("assert", "count == 3 #", 12, "syntax error at column 12: unexpected '#'"),
    ("assert", "count == 3)", 11, "unbalanced ')' at column 11"),
    ("assert", "full || (count", 9, "unbalanced '(' at column 9: it is never closed"),
    ("assert", "full -> ", 6, "'->' needs an expression on both sides at column 6"),
    ("assert", "count == 9", 10, "width error at column 10: 9 does not fit in 3 bits"),
])
def test_language_errors_point_at_a_column(fifo, kind, text, column, message):
    """Errors name the option and the column in the user's text, never the wrapper pyverilog parses."""
    from hwverify.frontend.properties import add_properties
    with pytest.raises(FrontendError) as info:
        add_properties(fifo(), **{f"{kind}s": [text]})
    first, shown, caret = str(info.value).split("\n")
    assert first.startswith(f'--{kind} "{text}": {message}')
    assert info.value.loc.column == column and "<property>" not in str(info.value)
    assert shown == "    " + text and caret == " " * (3 + column) + "^"


def test_null_statement_in_case_is_accepted(tmp_path):
    """'default: ;' is legal Verilog-2005; pyverilog parses it as an empty event control."""
    src = tmp_path / "null.v"
    src.write_text("module null_stmt(input clk, input [1:0] s, output reg [3:0] q);\n"
                   "  initial q = 0;\n"
                   "  always @(posedge clk)\n"
                   "    case (s)\n"
                   "      2'd0: q <= q + 1;\n"
                   "      default: ;\n"
                   "    endcase\n"
                   "endmodule\n")
    from hwverify.frontend.verilog.lower import lower_verilog
    from hwverify.prover.bmc import BMC
    from hwverify.frontend.properties import add_properties
    system = lower_verilog([str(src)], "null_stmt")
    add_properties(system, asserts=["q != 3"])
    r = BMC(system).check(5)
    assert r.status == "FAIL" and r.properties[0].depth == 3
