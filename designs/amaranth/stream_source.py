"""A valid/ready packet source checked against the stream rules with ``m.d.sync`` assertions.

``PacketSource`` sends packets of three words (``last`` on the third) from a
counter. The sink's ``ready`` is free in every cycle (``AnySeq``); the spec
keeps the previous cycle's ``valid``, ``ready``, ``data`` and ``last`` and
asserts:

* ``valid_held``: a word offered and not taken is still offered;
* ``data_held``/``last_held``: and unchanged;
* ``word_count_matches``: the source's position in the packet is the spec's
  count of words taken;
* ``last_every_third``: ``last`` marks every third word taken, an assertion
  in the ``sync`` domain (sampled at the clock edge, so reported one step
  later, as a clocked SystemVerilog ``assert``).

The domain is declared with ``m.domains.sync = self.cd_sync`` (clock and reset
ports); the reset is held low by an assumption after ``Initial()`` so that the
stream rules are checked across packets. ``PacketSourceBug`` gives up on a
word after two cycles of back-pressure and withdraws it: ``valid_held`` fails
in step 4 (offered in steps 1-3 with ``ready`` low, withdrawn in step 4).
"""
from amaranth.hdl import *
from amaranth.asserts import AnySeq, Initial

HWVERIFY = {"mode": "prove", "depth": 8, "expect": "pass"}


class PacketSource(Elaboratable):
    def __init__(self, patience: int = 0):
        self.cd_sync = ClockDomain()
        self.valid = Signal()
        self.data = Signal(8)
        self.last = Signal()
        self._patience = patience          # 0: waits forever (correct)

    def elaborate(self, platform):
        m = Module()
        m.domains.sync = self.cd_sync
        ready = Signal()
        m.d.comb += ready.eq(AnySeq(1))
        m.d.comb += Assume(~self.cd_sync.rst)

        word = Signal(2)                   # position in the packet
        waited = Signal(2)
        take = self.valid & ready
        with m.If(take):
            m.d.sync += [self.data.eq(self.data + 1), word.eq(Mux(word == 2, 0, word + 1)), waited.eq(0)]
        with m.Elif(self.valid):
            m.d.sync += waited.eq(waited + 1)
        if self._patience:
            with m.If(self.valid & ~ready & (waited == self._patience)):
                m.d.sync += [self.valid.eq(0), waited.eq(0)]
            with m.Else():
                m.d.sync += self.valid.eq(1)
        else:
            m.d.sync += self.valid.eq(1)
        m.d.comb += self.last.eq(word == 2)

        taken = Signal(2)                  # the spec's own count of words taken in this packet
        with m.If(take):
            m.d.sync += taken.eq(Mux(taken == 2, 0, taken + 1))
        with m.If(~Initial()):
            m.d.comb += Assert(taken == word, "word_count_matches")
        with m.If(take):
            m.d.sync += Assert(self.last == (taken == 2), "last_every_third")
        prev_valid, prev_ready, prev_data, prev_last = Signal(), Signal(), Signal(8), Signal()
        m.d.sync += [prev_valid.eq(self.valid), prev_ready.eq(ready), prev_data.eq(self.data),
                     prev_last.eq(self.last)]
        with m.If(~Initial() & prev_valid & ~prev_ready):
            m.d.comb += [Assert(self.valid, "valid_held"), Assert(self.data == prev_data, "data_held"),
                         Assert(self.last == prev_last, "last_held")]
        m.d.comb += Cover(take & self.last)
        return m


class PacketSourceBug(PacketSource):
    HWVERIFY = {"mode": "bmc", "expect": "fail", "step": 4}

    def __init__(self):
        super().__init__(patience=2)
