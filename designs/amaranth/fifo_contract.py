# Adapted from Amaranth HDL's own test suite: tests/test_lib_fifo.py (FIFOModel,
# FIFOModelEquivalenceSpec, FIFOContractSpec and FIFOFormalCase), amaranth-lang/amaranth v0.5.8,
# https://github.com/amaranth-lang/amaranth/blob/v0.5.8/tests/test_lib_fifo.py
#
# Copyright (C) 2019-2023 Amaranth HDL contributors
#
# Redistribution and use in source and binary forms, with or without modification,
# are permitted provided that the following conditions are met:
#
# 1. Redistributions of source code must retain the above copyright notice, this
#    list of conditions and the following disclaimer.
# 2. Redistributions in binary form must reproduce the above copyright notice,
#    this list of conditions and the following disclaimer in the documentation
#    and/or other materials provided with the distribution.
#
# THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
# ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
# WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
# DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT OWNER OR CONTRIBUTORS BE LIABLE FOR
# ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
# (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
# LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON
# ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
# (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
# SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""Amaranth's own FIFO formal specs, run by hwverify instead of SymbiYosys.

The three spec classes are Amaranth's, unchanged but for the removed
``_ignore_deprecated`` decorator (a private Amaranth test helper). What
``FIFOFormalCase`` passed to ``assertFormal`` (the FIFO, the ports, mode and
depth) is here a subclass built without arguments with a ``HWVERIFY`` dict:

* ``SyncFifoContract`` (``SyncFIFO`` 8 x 4), ``SyncFifoBufferedContract``
  (``SyncFIFOBuffered`` 8 x 3): the contract (two entries written in a row are
  read in a row within ``bound`` cycles), proven by k-induction; Amaranth
  checked it by BMC to ``bound``.
* ``SyncFifoEquivalence``: ``SyncFIFO`` 8 x 4 against the naive model, BMC to
  depth + 1 as in Amaranth.
* ``AsyncFifoContract``: ``AsyncFIFO`` 8 x 4 across the ``write`` and ``read``
  domains, with ``sync`` as the global formal clock (``multiclock``): one step
  per ``sync`` cycle, in which the spec assumes one of the other clocks rises.
  BMC past the bound (Amaranth: ``hybrid`` mode to the bound).

The buggy variants put a FIFO that loses data in front of the same specs:
``LossyFIFO`` drops a write that arrives while exactly one entry is stored.
"""
from amaranth.hdl import *
from amaranth.asserts import Initial, AnyConst
from amaranth.lib.fifo import FIFOInterface, SyncFIFO, SyncFIFOBuffered, AsyncFIFO
from amaranth.lib.memory import Memory

HWVERIFY = {"mode": "prove", "depth": 20, "expect": "pass"}


class FIFOModel(Elaboratable, FIFOInterface):
    """
    Non-synthesizable first-in first-out queue, implemented naively as a chain of registers.
    """
    def __init__(self, *, width, depth, r_domain, w_domain):
        super().__init__(width=width, depth=depth)

        self.r_domain = r_domain
        self.w_domain = w_domain

        self.level = Signal(range(self.depth + 1))
        self.r_level = Signal(range(self.depth + 1))
        self.w_level = Signal(range(self.depth + 1))

    def elaborate(self, platform):
        m = Module()

        storage = m.submodules.storage = Memory(shape=self.width, depth=self.depth, init=[])
        w_port  = storage.write_port(domain=self.w_domain)
        r_port  = storage.read_port (domain="comb")

        produce = Signal(range(self.depth))
        consume = Signal(range(self.depth))

        m.d.comb += self.r_rdy.eq(self.level > 0)
        m.d.comb += r_port.addr.eq((consume + 1) % self.depth)
        m.d.comb += self.r_data.eq(r_port.data)
        with m.If(self.r_en & self.r_rdy):
            m.d[self.r_domain] += consume.eq(r_port.addr)

        m.d.comb += self.w_rdy.eq(self.level < self.depth)
        m.d.comb += w_port.data.eq(self.w_data)
        with m.If(self.w_en & self.w_rdy):
            m.d.comb += w_port.addr.eq((produce + 1) % self.depth)
            m.d.comb += w_port.en.eq(1)
            m.d[self.w_domain] += produce.eq(w_port.addr)

        with m.If(ResetSignal(self.r_domain) | ResetSignal(self.w_domain)):
            m.d.sync += self.level.eq(0)
        with m.Else():
            m.d.sync += self.level.eq(self.level
                + (self.w_rdy & self.w_en)
                - (self.r_rdy & self.r_en))

        m.d.comb += [
            self.r_level.eq(self.level),
            self.w_level.eq(self.level),
        ]
        m.d.comb += Assert(ResetSignal(self.r_domain) == ResetSignal(self.w_domain))

        return m


class FIFOModelEquivalenceSpec(Elaboratable):
    """
    The first-in first-out queue model equivalence specification: for any inputs and control
    signals, the behavior of the implementation under test exactly matches the ideal model,
    except for behavior not defined by the model.
    """
    def __init__(self, fifo, *, is_async=False):
        self.fifo = fifo
        self.is_async = is_async

        if is_async:
            self.cd_read = ClockDomain()
            self.cd_write = ClockDomain()
        else:
            self.cd_sync = ClockDomain()
            self.cd_read = self.cd_write = self.cd_sync

    def elaborate(self, platform):
        m = Module()

        if self.is_async:
            m.domains += self.cd_read
            m.domains += self.cd_write
        else:
            m.domains += self.cd_sync

        m.submodules.dut  = dut  = self.fifo
        m.submodules.gold = gold = FIFOModel(width=dut.width, depth=dut.depth,
                                             r_domain=self.cd_read.name,
                                             w_domain=self.cd_write.name)

        m.d.comb += [
            gold.r_en.eq(dut.r_rdy & dut.r_en),
            gold.w_en.eq(dut.w_en),
            gold.w_data.eq(dut.w_data),
        ]

        with m.If(dut.r_rdy):
            m.d.comb += Assert(gold.r_rdy)
        with m.If(dut.w_rdy):
            m.d.comb += Assert(gold.w_rdy)
        m.d.comb += Assert(dut.r_level == gold.r_level)
        m.d.comb += Assert(dut.w_level == gold.w_level)

        with m.If(dut.r_rdy):
            m.d.comb += Assert(dut.r_data == gold.r_data)

        return m


class FIFOContractSpec(Elaboratable):
    """
    The first-in first-out queue contract specification: if two elements are written to the queue
    consecutively, they must be read out consecutively at some later point, no matter all other
    circumstances, with the exception of reset.
    """
    def __init__(self, fifo, *, is_async=False, bound):
        self.fifo     = fifo
        self.is_async = is_async
        self.bound    = bound

        self.cd_sync = ClockDomain()
        if is_async:
            self.cd_read = ClockDomain()
            self.cd_write = ClockDomain()
        else:
            self.cd_read = self.cd_write = self.cd_sync

    def elaborate(self, platform):
        m = Module()
        m.submodules.dut = fifo = self.fifo

        m.domains += self.cd_sync
        m.d.comb += self.cd_sync.rst.eq(0)
        if self.is_async:
            m.domains += self.cd_read
            m.domains += self.cd_write
            m.d.comb += self.cd_write.rst.eq(0)
            m.d.comb += self.cd_read.rst.eq(0)

        entry_1 = AnyConst(fifo.width)
        entry_2 = AnyConst(fifo.width)

        with m.FSM(domain=self.cd_write.name) as write_fsm:
            with m.State("WRITE-1"):
                with m.If(fifo.w_rdy):
                    m.d.comb += [
                        fifo.w_data.eq(entry_1),
                        fifo.w_en.eq(1)
                    ]
                    m.next = "WRITE-2"
            with m.State("WRITE-2"):
                with m.If(fifo.w_rdy):
                    m.d.comb += [
                        fifo.w_data.eq(entry_2),
                        fifo.w_en.eq(1)
                    ]
                    m.next = "DONE"
            with m.State("DONE"):
                pass

        with m.FSM(domain=self.cd_read.name) as read_fsm:
            read_1 = Signal(fifo.width)
            read_2 = Signal(fifo.width)
            with m.State("READ"):
                m.d.comb += fifo.r_en.eq(1)
                with m.If(fifo.r_rdy):
                    m.d.sync += [
                        read_1.eq(read_2),
                        read_2.eq(fifo.r_data),
                    ]
                with m.If((read_1 == entry_1) & (read_2 == entry_2)):
                    m.next = "DONE"
            with m.State("DONE"):
                pass

        with m.If(Initial()):
            m.d.comb += Assume(write_fsm.ongoing("WRITE-1"))
            m.d.comb += Assume(read_fsm.ongoing("READ"))

        cycle = Signal(range(self.bound + 1))
        m.d.sync += cycle.eq(cycle + 1)
        with m.If(Initial()):
            m.d.comb += Assume(cycle == 0)
        with m.If(cycle == self.bound):
            m.d.comb += Assert(read_fsm.ongoing("DONE"))

        with m.If(self.cd_write.rst):
            m.d.comb += Assert(~fifo.r_rdy)

        if self.is_async:
            # rose_w_domain_clk = Rose(self.cd_write.clk)
            past_w_domain_clk = Signal()
            m.d.sync += past_w_domain_clk.eq(self.cd_write.clk)
            rose_w_domain_clk = (past_w_domain_clk == 0) & (self.cd_write.clk == 1)
            # rose_r_domain_clk = Rose(self.cd_read.clk)
            past_r_domain_clk = Signal()
            m.d.sync += past_r_domain_clk.eq(self.cd_read.clk)
            rose_r_domain_clk = (past_r_domain_clk == 0) & (self.cd_read.clk == 1)

            m.d.comb += Assume(rose_w_domain_clk | rose_r_domain_clk)

        return m


# ---------------------------------------------------------------- what FIFOFormalCase checked, as classes

class LossyFIFO(Elaboratable, FIFOInterface):
    """BUG: a FIFO that silently drops the second write it accepts.

    Wraps a correct FIFO (``inner``) and hides that write from it while
    telling the writer it was taken (``w_rdy`` is the inner FIFO's);
    ``w_domain`` is the inner FIFO's write domain.
    """
    def __init__(self, inner, w_domain="sync"):
        super().__init__(width=inner.width, depth=inner.depth)
        self.inner = inner
        self.w_domain = w_domain

    def elaborate(self, platform):
        m = Module()
        m.submodules.inner = inner = self.inner
        accepted = Signal(2)
        with m.If(self.w_en & self.w_rdy & (accepted != 3)):
            m.d[self.w_domain] += accepted.eq(accepted + 1)
        m.d.comb += [
            inner.w_data.eq(self.w_data),
            inner.w_en.eq(self.w_en & (accepted != 1)),
            self.w_rdy.eq(inner.w_rdy),
            self.w_level.eq(inner.w_level),
            inner.r_en.eq(self.r_en),
            self.r_data.eq(inner.r_data),
            self.r_rdy.eq(inner.r_rdy),
            self.r_level.eq(inner.r_level),
        ]
        return m


class SyncFifoContract(FIFOContractSpec):
    """``test_sync_pot``'s contract: SyncFIFO 8 x 4, bound 2 * 4 + 1; ports: the sync clock (its attribute)."""

    HWVERIFY = {"mode": "prove", "depth": 20}

    def __init__(self):
        super().__init__(SyncFIFO(width=8, depth=4), bound=4 * 2 + 1)


class SyncFifoLossyContract(FIFOContractSpec):
    """BUG: the same contract over a SyncFIFO that drops the second entry: fails when ``cycle`` reaches 9."""

    HWVERIFY = {"mode": "bmc", "depth": 12, "expect": "fail", "step": 9}

    def __init__(self):
        super().__init__(LossyFIFO(SyncFIFO(width=8, depth=4)), bound=4 * 2 + 1)


class SyncFifoBufferedContract(FIFOContractSpec):
    """``test_sync_buffered_potm1``'s contract: SyncFIFOBuffered 8 x 3, bound 2 * 3 + 1."""

    HWVERIFY = {"mode": "prove", "depth": 20}

    def __init__(self):
        super().__init__(SyncFIFOBuffered(width=8, depth=3), bound=3 * 2 + 1)


class SyncFifoBufferedLossyContract(FIFOContractSpec):
    """BUG: the buffered FIFO behind the lossy front end."""

    HWVERIFY = {"mode": "bmc", "depth": 12, "expect": "fail", "step": 7}

    def __init__(self):
        super().__init__(LossyFIFO(SyncFIFOBuffered(width=8, depth=3)), bound=3 * 2 + 1)


class SyncFifoEquivalence(FIFOModelEquivalenceSpec):
    """``test_sync_pot``'s model equivalence: BMC to depth + 1, ports as Amaranth passed them."""

    HWVERIFY = {"mode": "bmc", "depth": 5}

    def __init__(self):
        super().__init__(SyncFIFO(width=8, depth=4), is_async=False)

    def ports(self):
        return [self.cd_sync.clk, self.cd_sync.rst, self.fifo.w_en, self.fifo.w_data, self.fifo.r_en]


class SyncFifoLossyEquivalence(SyncFifoEquivalence):
    """BUG: the lossy FIFO is not the model: its level falls behind after a dropped write."""

    HWVERIFY = {"expect": "fail", "step": 2}

    def __init__(self):
        FIFOModelEquivalenceSpec.__init__(self, LossyFIFO(SyncFIFO(width=8, depth=4)), is_async=False)


class AsyncFifoContract(FIFOContractSpec):
    """``test_async``'s contract: AsyncFIFO 8 x 4 across ``write`` and ``read``, ``sync`` the formal clock."""

    HWVERIFY = {"mode": "bmc", "depth": 20, "multiclock": True, "global_clock": "sync"}

    def __init__(self):
        super().__init__(AsyncFIFO(width=8, depth=4), is_async=True, bound=4 * 4 + 1)


class AsyncFifoLossyContract(FIFOContractSpec):
    """BUG: the AsyncFIFO behind the lossy front end (in the write domain)."""

    HWVERIFY = {"mode": "bmc", "depth": 20, "multiclock": True, "global_clock": "sync",
                "expect": "fail", "step": 17}

    def __init__(self):
        super().__init__(LossyFIFO(AsyncFIFO(width=8, depth=4), w_domain="write"), is_async=True, bound=4 * 4 + 1)
