"""A traffic-light controller written as an Amaranth formal spec: declared domain, FSM, AnySeq, Initial.

The spec declares its ``sync`` domain (``self.cd_sync = ClockDomain()``, so
the domain's clock and reset are ports, as Amaranth's tests pass
``spec.cd_sync.clk``), drives the side-road sensor from ``AnySeq`` and
checks the FSM (``m.FSM``) with assertions over the state and a register
holding the previous state (meaningful after ``Initial()``):

* ``never_both_green``: the two roads are never green together;
* ``yellow_between``: the main road turns green only from red (after the side
  road's yellow), never straight after the side road's green;
* ``side_green_bounded``: the side road keeps green for at most 3 cycles.

The reset is a free input port (the domain's ``rst``), so every property holds
whatever the reset does. ``TrafficLightBug`` goes from side green straight to
main green when the sensor drops: ``yellow_between`` fails in step 3 (a car
in step 0, main yellow in step 1, side green in step 2, main green in 3).
"""
from amaranth.hdl import *
from amaranth.asserts import AnySeq, Initial

HWVERIFY = {"mode": "prove", "depth": 10, "expect": "pass"}


class TrafficLight(Elaboratable):
    """Main road green by default; a car on the side road gets it green for up to 3 cycles."""

    def __init__(self, skip_yellow: bool = False):
        self.cd_sync = ClockDomain()
        self.main_green = Signal()
        self.side_green = Signal()
        self.yellow = Signal()
        self._skip_yellow = skip_yellow

    def elaborate(self, platform):
        m = Module()
        m.domains.sync = self.cd_sync
        car = Signal()
        m.d.comb += car.eq(AnySeq(1))
        timer = Signal(2)
        with m.FSM() as fsm:
            with m.State("MAIN_GREEN"):
                m.d.comb += self.main_green.eq(1)
                with m.If(car):
                    m.next = "MAIN_YELLOW"
            with m.State("MAIN_YELLOW"):
                m.d.comb += self.yellow.eq(1)
                m.d.sync += timer.eq(0)
                m.next = "SIDE_GREEN"
            with m.State("SIDE_GREEN"):
                m.d.comb += self.side_green.eq(1)
                m.d.sync += timer.eq(timer + 1)
                with m.If((timer == 2) | ~car):
                    m.next = "MAIN_GREEN" if self._skip_yellow else "SIDE_YELLOW"
            with m.State("SIDE_YELLOW"):
                m.d.comb += self.yellow.eq(1)
                m.next = "MAIN_GREEN"
        was_side_green = Signal()
        m.d.sync += was_side_green.eq(self.side_green)
        m.d.comb += Assert(~(self.main_green & self.side_green), "never_both_green")
        with m.If(~Initial()):
            m.d.comb += Assert(~(was_side_green & self.main_green), "yellow_between")
        m.d.comb += Assert(~self.side_green | (timer <= 2), "side_green_bounded")
        m.d.comb += Cover(fsm.ongoing("SIDE_YELLOW"))
        return m


class TrafficLightBug(TrafficLight):
    HWVERIFY = {"mode": "bmc", "expect": "fail", "step": 3}

    def __init__(self):
        super().__init__(skip_yellow=True)
