"""Two unrelated clock domains (``sync`` and ``fast``), proved with ``multiclock=True`` (``--multiclock``).

As ``designs/sv/two_clocks.sv``: ``a`` counts by 2 in the ``fast`` domain
(always even) and ``b`` samples ``a`` in the ``sync`` domain, so ``b`` is
always even too. Neither domain is defined in the design, so each becomes a
clock input (``clk``, ``fast_clk``) with its reset (``rst``, ``fast_rst``).
With ``multiclock`` yosys' ``clk2fflogic`` makes every step one tick of a
global clock in which each clock input may or may not have an edge, as SBY's
``multiclock on``; without it the frontend refuses the design (two clocks
ticking as one would prove things no hardware guarantees).

``TwoDomainsBug`` claims ``b`` lags ``a`` by at most one ``fast`` tick, which
holds only if the clocks were one: ``b_lags_one_tick`` fails at step 3 (the
clock inputs let ``fast`` run ahead of ``sync``).
"""
from amaranth import Module
from amaranth.hdl import Assert, Cover
from amaranth.lib import wiring
from amaranth.lib.wiring import Out


class TwoDomains(wiring.Component):
    """``a`` += 2 on ``fast``; ``b`` <= ``a`` on ``sync``."""

    a: Out(4)
    b: Out(4)

    def elaborate(self, platform):
        m = Module()
        m.d.fast += self.a.eq(self.a + 2)
        m.d.sync += self.b.eq(self.a)
        m.d.comb += Assert(~self.a[0], "a_even")
        m.d.comb += Assert(~self.b[0], "b_even")
        m.d.comb += Cover(self.b == 6)
        return m


class TwoDomainsBug(TwoDomains):
    """Also asserts that ``b`` is at most one ``fast`` step behind ``a``: false for independent clocks."""

    def elaborate(self, platform):
        m = super().elaborate(platform)
        m.d.comb += Assert((self.a == self.b) | (self.a == self.b + 2), "b_lags_one_tick")
        return m
