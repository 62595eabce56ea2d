"""Soundness of the Verilog frontend: the lowered model must simulate like Icarus.

For every design under designs/verilog (bundled examples and the frontend's
conformance designs in designs/verilog/lowering), a generated testbench drives
the same random inputs into Icarus and into the lowered system (from the same
random initial register values) and every named signal is compared in every
cycle. The RTL is simulated without ``FORMAL``, as a simulator would see it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from hwverify.frontend.verilog import lower_verilog_info
from hwverify.frontend.verilog_icarus import compare, have_iverilog

ROOT = Path(__file__).resolve().parent.parent / "designs" / "verilog"
DESIGNS = sorted(ROOT.glob("*.v")) + sorted((ROOT / "lowering").glob("*.v")) + sorted((ROOT / "aes").glob("*.v"))

pytestmark = [pytest.mark.iverilog,
              pytest.mark.skipif(not have_iverilog(), reason="Icarus Verilog not installed")]


def top_of(path: Path) -> str:
    """The top module: a ``// top: NAME`` header, else the last module in the file."""
    src = path.read_text()
    m = re.search(r"^//\s*top:\s*(\w+)", src, re.M)
    return m.group(1) if m else re.findall(r"^\s*module\s+(\w+)", src, re.M)[-1]


def _compare(path: Path, cycles: int, seed: int) -> None:
    system, info = lower_verilog_info([str(path)], top_of(path), formal=False)
    r = compare([str(path)], system, info, cycles, seed=seed)
    assert r.ok, "\n".join(str(m) for m in r.mismatches[:5])
    assert r.compared >= cycles  # at least one signal per cycle was really compared
    assert r.skipped_x <= r.compared // 50, f"too many x values from Icarus ({r.skipped_x})"


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_lowering_matches_icarus(path):
    _compare(path, 1000 if path.parent.name != "aes" else 300, seed=1)


@pytest.mark.slow
@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_lowering_matches_icarus_10k(path):
    _compare(path, 10_000 if path.parent.name != "aes" else 3000, seed=7)


def test_formal_code_is_lowered_only_with_formal():
    path = ROOT / "counter.v"
    with_formal = lower_verilog_info([str(path)], "counter")[0]
    without = lower_verilog_info([str(path)], "counter", formal=False)[0]
    assert with_formal.asserts and not without.asserts
    assert "past_valid" in with_formal.signals and "past_valid" not in without.signals
