"""A memory (8 words of 8 bits) with a data-integrity check at a symbolic address (``AnyConst``).

The formal harness watches one address, ``addr = AnyConst(3)``: chosen freely
at step 0 and fixed for the run, so a proof covers every address at once.
When a write goes to ``addr`` it records the value in ``shadow`` and sets
``valid``; from then on the word at ``addr`` must hold ``shadow``
(``word_kept``, read through a port of its own, which also makes the proof
1-inductive) and a read of ``addr`` must return it (``read_returns_write``).

``TrackedMemory`` is correct. ``TrackedMemoryBug`` swaps the two low address
bits on the write port only, so a write to address 1 lands in word 2 (and
2 in 1, 5 in 6, 6 in 5): ``word_kept`` and ``read_returns_write`` fail at
step 1 (nonzero data written to ``addr``, one of 1, 2, 5, 6, in step 0; in
step 1 the word at ``addr`` still holds 0). The harness only finds this
because ``addr`` is free: were it 0, as a lowering that zeroes ``AnyConst``
would make it, the bug would be invisible.
"""
from amaranth import Cat, Module, Signal
from amaranth.asserts import AnyConst
from amaranth.hdl import Assert, Cover
from amaranth.lib import memory, wiring
from amaranth.lib.wiring import In, Out

DEPTH = 8
WIDTH = 8


class TrackedMemory(wiring.Component):
    """One write port and one combinational read port; ``r_data`` is the word at ``r_addr``."""

    w_en: In(1)
    w_addr: In(range(DEPTH))
    w_data: In(WIDTH)
    r_addr: In(range(DEPTH))
    r_data: Out(WIDTH)

    def __init__(self, swap_write_bits: bool = False):
        self._swap = swap_write_bits
        super().__init__()

    def elaborate(self, platform):
        m = Module()
        m.submodules.mem = mem = memory.Memory(shape=WIDTH, depth=DEPTH, init=[])
        wr = mem.write_port()
        rd = mem.read_port(domain="comb")
        w_addr = Cat(self.w_addr[1], self.w_addr[0], self.w_addr[2]) if self._swap else self.w_addr
        m.d.comb += [
            wr.en.eq(self.w_en),
            wr.addr.eq(w_addr),
            wr.data.eq(self.w_data),
            rd.addr.eq(self.r_addr),
            self.r_data.eq(rd.data),
        ]

        # formal harness: one symbolic address, the last value written there
        addr = Signal(range(DEPTH))
        m.d.comb += addr.eq(AnyConst(range(DEPTH)))
        shadow = Signal(WIDTH)
        valid = Signal()
        with m.If(self.w_en & (self.w_addr == addr)):
            m.d.sync += [shadow.eq(self.w_data), valid.eq(1)]
        check = mem.read_port(domain="comb")
        m.d.comb += check.addr.eq(addr)
        m.d.comb += Assert(~valid | (check.data == shadow), "word_kept")
        m.d.comb += Assert(~valid | (self.r_addr != addr) | (self.r_data == shadow), "read_returns_write")
        m.d.comb += Cover(valid & (self.r_addr == addr) & (self.r_data == 0xA5))
        return m


class TrackedMemoryBug(TrackedMemory):
    """Write address bits 0 and 1 swapped: words 1/2 and 5/6 trade places on writes only."""

    def __init__(self):
        super().__init__(swap_write_bits=True)
