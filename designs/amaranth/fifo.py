"""A synchronous FIFO (4 entries of 8 bits) on an Amaranth memory, with its invariants as assertions.

``SyncFifo`` is correct (k-induction proves every assertion); ``SyncFifoBug``
accepts a write when full (its ``w_rdy`` checks for 5 entries), so ``level``
overflows: ``level_bounded`` fails at step 5 (SBY numbering: writes in steps
0-4, the fifth accepted although full, leave ``level`` = 5 in step 5).
"""
from amaranth import Module, Signal
from amaranth.hdl import Assert, Cover
from amaranth.lib import memory, wiring
from amaranth.lib.wiring import In, Out

DEPTH = 4
WIDTH = 8


class SyncFifo(wiring.Component):
    """First-word-fall-through FIFO: ``r_data`` shows the oldest entry while ``r_rdy``."""

    w_en: In(1)
    w_data: In(WIDTH)
    w_rdy: Out(1)
    r_en: In(1)
    r_data: Out(WIDTH)
    r_rdy: Out(1)
    level: Out(range(DEPTH + 1))

    def __init__(self, full_at: int = DEPTH):
        self._full_at = full_at
        super().__init__()

    def elaborate(self, platform):
        m = Module()
        m.submodules.mem = mem = memory.Memory(shape=WIDTH, depth=DEPTH, init=[])
        wr = mem.write_port()
        rd = mem.read_port(domain="comb")
        wr_ptr = Signal(range(DEPTH))
        rd_ptr = Signal(range(DEPTH))

        do_write = Signal()
        do_read = Signal()
        m.d.comb += [
            self.w_rdy.eq(self.level != self._full_at),
            self.r_rdy.eq(self.level != 0),
            do_write.eq(self.w_en & self.w_rdy),
            do_read.eq(self.r_en & self.r_rdy),
            wr.addr.eq(wr_ptr),
            wr.data.eq(self.w_data),
            wr.en.eq(do_write),
            rd.addr.eq(rd_ptr),
            self.r_data.eq(rd.data),
        ]
        with m.If(do_write):
            m.d.sync += wr_ptr.eq(wr_ptr + 1)
        with m.If(do_read):
            m.d.sync += rd_ptr.eq(rd_ptr + 1)
        with m.If(do_write & ~do_read):
            m.d.sync += self.level.eq(self.level + 1)
        with m.Elif(do_read & ~do_write):
            m.d.sync += self.level.eq(self.level - 1)

        # properties
        m.d.comb += Assert(self.level <= DEPTH, "level_bounded")
        m.d.comb += Assert((wr_ptr - rd_ptr)[:2] == self.level[:2], "pointers_match_level")
        m.d.comb += Assert(self.w_rdy | self.r_rdy, "never_stuck")
        m.d.comb += Cover(self.level == DEPTH)
        return m


class SyncFifoBug(SyncFifo):
    """Wrong full flag: a fifth write is accepted and overwrites the oldest entry."""

    def __init__(self):
        super().__init__(full_at=DEPTH + 1)
