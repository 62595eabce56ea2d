"""A UART-style transmitter: a 10-bit shift register (start bit, 8 data bits, stop bit), one bit per cycle.

``UartTx`` is correct: the line idles high, the first bit of a frame is the
start bit (0) and the last the stop bit (1). The per-bit assertions
``filled_<i>`` (bits at or above the stop bit are 1) make the others
1-inductive. ``UartTxBug`` loads a 0 as stop bit: ``stop_bit_high`` fails
at step 11 (accept at step 0, the stop bit is on the line at step 10, the
assertion reports it one step later as it is sampled at the clock edge).
"""
from amaranth import Cat, Const, Module, Signal
from amaranth.hdl import Assert, Cover
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

FRAME = 10


class UartTx(wiring.Component):
    """Sends ``data`` when ``valid & ready``; ``tx`` is the serial line."""

    data: In(8)
    valid: In(1)
    ready: Out(1)
    tx: Out(1)

    def __init__(self, stop_bit: int = 1):
        self._stop_bit = stop_bit
        super().__init__()

    def elaborate(self, platform):
        m = Module()
        shreg = Signal(FRAME, init=(1 << FRAME) - 1)
        count = Signal(range(FRAME + 1))          # bits still to send
        m.d.comb += [
            self.ready.eq(count == 0),
            self.tx.eq(shreg[0]),
        ]
        with m.If(self.valid & self.ready):
            m.d.sync += [
                shreg.eq(Cat(Const(0, 1), self.data, Const(self._stop_bit, 1))),
                count.eq(FRAME),
            ]
        with m.Elif(count != 0):
            m.d.sync += [
                shreg.eq(Cat(shreg[1:], Const(1, 1))),
                count.eq(count - 1),
            ]

        m.d.comb += Assert(count <= FRAME, "count_bounded")
        m.d.comb += Assert((count != 0) | self.tx, "idle_high")
        m.d.comb += Assert((count != FRAME) | ~self.tx, "start_bit_low")
        # clocked: sampled at the edge, so it reports one step after the comb ones
        m.d.sync += Assert((count != 1) | self.tx, "stop_bit_high")
        for i in range(FRAME):
            # every bit at or above the stop bit's position is 1
            m.d.comb += Assert((i + 1 < count) | shreg[i], f"filled_{i}")
        m.d.comb += Cover((count == 1) & self.tx)
        return m


class UartTxBug(UartTx):
    """Sends 0 as stop bit."""

    def __init__(self):
        super().__init__(stop_bit=0)
