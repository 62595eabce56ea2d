"""A round-robin arbiter for 4 requesters, with a bounded-wait (no starvation) guarantee.

``RoundRobin`` grants at most one requester, only one that requests, someone
whenever anyone requests, and a requester that keeps requesting waits at most
3 cycles (``wait_<i>`` counts its cycles of waiting; ``progress_<i>`` is the
strengthening that makes the bound inductive). ``RoundRobinBug`` never moves
its priority pointer (fixed priority): requester 1 starves behind requester 0,
``bounded_wait_1`` fails at step 4.
"""
from amaranth import Module, Signal
from amaranth.hdl import Assert, Cover
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

N = 4


class RoundRobin(wiring.Component):
    """``grant`` is one-hot (or 0): the first requester after ``last`` in cyclic order."""

    req: In(N)
    grant: Out(N)

    def __init__(self, rotate: bool = True):
        self._rotate = rotate
        super().__init__()

    def elaborate(self, platform):
        m = Module()
        last = Signal(range(N), init=N - 1)       # index of the last grant
        # priority: last+1, last+2, ... (cyclic); written as one case per value of last
        with m.Switch(last):
            for l in range(N):
                with m.Case(l):
                    order = [(l + 1 + j) % N for j in range(N)]
                    with m.If(self.req[order[0]]):
                        m.d.comb += self.grant.eq(1 << order[0])
                    for i in order[1:]:
                        with m.Elif(self.req[i]):
                            m.d.comb += self.grant.eq(1 << i)
        if self._rotate:
            for i in range(N):
                with m.If(self.grant[i]):
                    m.d.sync += last.eq(i)

        m.d.comb += Assert((self.grant & (self.grant - 1)) == 0, "at_most_one")
        m.d.comb += Assert((self.grant & ~self.req) == 0, "only_requesters")
        m.d.comb += Assert((self.req == 0) | (self.grant != 0), "work_conserving")
        for i in range(N):
            wait = Signal(range(N + 2), name=f"wait_{i}")
            with m.If(self.req[i] & ~self.grant[i]):
                with m.If(wait != N + 1):
                    m.d.sync += wait.eq(wait + 1)
            with m.Else():
                m.d.sync += wait.eq(0)
            distance = Signal(range(N), name=f"distance_{i}")   # steps from last to i, cyclically
            m.d.comb += distance.eq(i - last)
            m.d.comb += Assert(wait <= N - 1, f"bounded_wait_{i}")
            m.d.comb += Assert((wait == 0) | ((distance != 0) & (wait + distance <= N)), f"progress_{i}")
        m.d.comb += Cover(self.grant[N - 1] & (self.req == (1 << N) - 1))
        return m


class RoundRobinBug(RoundRobin):
    """Forgets to move the pointer: fixed priority, requesters can starve."""

    def __init__(self):
        super().__init__(rotate=False)
