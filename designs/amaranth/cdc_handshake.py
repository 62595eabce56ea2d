"""A toggle request/acknowledge handshake between two clock domains, with ``sync`` as the formal clock.

The ``src`` domain sends events to the ``dst`` domain: it toggles ``req``
(when ``send`` and not ``busy``), ``dst`` sees the toggle through a two-flop
synchronizer, counts the event and answers by copying ``req`` into ``ack``,
which goes back to ``src`` through two more flops; ``busy`` is
``req != ack`` as ``src`` sees it. Both counters are 4-bit, so
``(src_count - dst_count) % 16`` must be 0 or 1 (``at_most_one_in_flight``):
no event is lost or duplicated.

The spec declares three domains (``self.cd_sync``, ``self.cd_src``,
``self.cd_dst``: clocks are ports) and runs with ``multiclock`` and
``global_clock: sync``: one step is one ``sync`` cycle, the ``src`` and
``dst`` clocks are free inputs that rise when the solver likes (``clk2fflogic``).
``send`` is free in every step (``AnySeq``). The resets are driven low.

``CdcHandshakeBug`` ignores ``busy``: ``src`` counts two events (its clock
rises in steps 1 and 3) before ``dst`` has seen the first, so
``at_most_one_in_flight`` fails in step 3 (and the two toggles cancel out:
``dst`` never sees them).
"""
from amaranth.hdl import *
from amaranth.asserts import AnySeq

HWVERIFY = {"mode": "prove", "depth": 12, "multiclock": True, "global_clock": "sync", "expect": "pass"}


class CdcHandshake(Elaboratable):
    def __init__(self, wait_for_ack: bool = True):
        self.cd_sync = ClockDomain()
        self.cd_src = ClockDomain()
        self.cd_dst = ClockDomain()
        self.src_count = Signal(4)
        self.dst_count = Signal(4)
        self._wait = wait_for_ack

    def elaborate(self, platform):
        m = Module()
        m.domains += [self.cd_sync, self.cd_src, self.cd_dst]
        m.d.comb += [self.cd_sync.rst.eq(0), self.cd_src.rst.eq(0), self.cd_dst.rst.eq(0)]

        send = Signal()
        m.d.comb += send.eq(AnySeq(1))
        req = Signal()
        ack = Signal()
        req_meta, req_sync = Signal(), Signal()      # req as dst sees it
        ack_meta, ack_sync = Signal(), Signal()      # ack as src sees it
        m.d.dst += [req_meta.eq(req), req_sync.eq(req_meta)]
        m.d.src += [ack_meta.eq(ack), ack_sync.eq(ack_meta)]

        busy = Signal()
        m.d.comb += busy.eq(req != ack_sync)
        with m.If(send & (~busy if self._wait else 1)):
            m.d.src += [req.eq(~req), self.src_count.eq(self.src_count + 1)]
        with m.If(req_sync != ack):
            m.d.dst += [ack.eq(req_sync), self.dst_count.eq(self.dst_count + 1)]

        in_flight = Signal(4)
        m.d.comb += in_flight.eq(self.src_count - self.dst_count)
        m.d.comb += Assert(in_flight <= 1, "at_most_one_in_flight")
        # what makes the proof inductive: an event is in flight while dst has not acknowledged it, and
        # around the ring req -> req_meta -> req_sync -> ack -> ack_meta -> ack_sync the new value of
        # req has travelled as far as some flop and no further (one change point at most)
        m.d.comb += Assert((in_flight == 0) == (req == ack), "in_flight_iff_unacknowledged")
        ring = [req, req_meta, req_sync, ack, ack_meta, ack_sync]
        for a, b in zip(ring[1:], ring[2:]):
            m.d.comb += Assert(~(a != req) | (b != req), "one_change_point")
        m.d.comb += Cover(self.dst_count == 2)
        return m


class CdcHandshakeBug(CdcHandshake):
    HWVERIFY = {"mode": "bmc", "expect": "fail", "step": 3}

    def __init__(self):
        super().__init__(wait_for_ack=False)
