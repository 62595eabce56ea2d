"""A serial CRC-8 (polynomial x^8 + x^2 + x + 1, 0x07, MSB first) checked against a byte-wise reference.

``Crc8Serial`` shifts a byte in over 8 cycles. When it starts it also records
``expected``, the CRC computed combinationally in one step (a Python-unrolled
XOR network); when it finishes (``done``) the serial result must match
(``matches_reference``). ``consistent`` relates the partial CRC to the
reference for every count of remaining bits, which makes the proof
1-inductive. ``Crc8SerialBug`` uses the wrong polynomial (0x05) in the
serial datapath: ``matches_reference`` fails at step 9.
"""
from amaranth import Cat, Const, Module, Mux, Signal
from amaranth.hdl import Assert, Cover
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

POLY = 0x07


def crc_bits(crc, bits, poly=POLY):
    """The CRC after feeding ``bits`` (MSB first) into ``crc``: lists of Amaranth 1-bit values."""
    crc = [Const(c, 1) if isinstance(c, int) else c for c in crc]    # crc[0] is the LSB
    for b in bits:
        fb = crc[7] ^ b
        crc = [fb if poly & 1 else Const(0, 1)] + [crc[k - 1] ^ fb if (poly >> k) & 1 else crc[k - 1]
                                                for k in range(1, 8)]
    return Cat(*crc)


class Crc8Serial(wiring.Component):
    """``start`` loads ``data``; 8 cycles later ``done`` pulses with ``crc`` = CRC-8 of the byte."""

    start: In(1)
    data: In(8)
    busy: Out(1)
    done: Out(1)
    crc: Out(8)

    def __init__(self, poly: int = POLY):
        self._poly = poly
        super().__init__()

    def elaborate(self, platform):
        m = Module()
        shreg = Signal(8)                 # bits still to feed, MSB first
        count = Signal(range(9))          # number of them
        expected = Signal(8)
        m.d.comb += self.busy.eq(count != 0)
        m.d.sync += self.done.eq(0)
        with m.If(self.start & ~self.busy):
            m.d.sync += [
                shreg.eq(self.data),
                count.eq(8),
                self.crc.eq(0),
                expected.eq(crc_bits([0] * 8, [self.data[7 - j] for j in range(8)])),
            ]
        with m.Elif(self.busy):
            m.d.sync += [
                self.crc.eq(crc_bits(self.crc, [shreg[7]], self._poly)),
                shreg.eq(shreg << 1),
                count.eq(count - 1),
            ]
            with m.If(count == 1):
                m.d.sync += self.done.eq(1)

        m.d.comb += Assert(count <= 8, "count_bounded")
        m.d.comb += Assert(~self.done | (self.crc == expected), "matches_reference")
        # the reference, finished from the current partial state, for each count of remaining bits
        finish = [crc_bits(self.crc, [shreg[7 - j] for j in range(c)]) for c in range(9)]
        reference = finish[0]
        for c in range(1, 9):
            reference = Mux(count == c, finish[c], reference)
        m.d.comb += Assert(~self.busy | (reference == expected), "consistent")
        m.d.comb += Assert(~self.done | ~self.busy, "done_when_idle")
        m.d.comb += Cover(self.done & (self.crc == 0xF3))
        return m


class Crc8SerialBug(Crc8Serial):
    """Serial datapath with the wrong polynomial (0x05)."""

    def __init__(self):
        super().__init__(poly=0x05)
