"""A register file indexed through ``Array``, checked at one symbolic register (``AnyConst``).

Four 8-bit registers, written through ``Array(regs)[waddr]`` and read through
``Array(regs)[raddr]``. The spec picks one register index ``watch`` with
``AnyConst`` and keeps a shadow copy of what was last written there; a read
of ``watch`` must return the shadow (``read_matches``), and the register
itself equals the shadow (``register_matches``: the inductive strengthening).
A proof covers every index at once. Ports: the ``Signal`` attributes (inputs
``we``, ``waddr``, ``wdata``, ``raddr``, output ``rdata``) and the declared
``sync`` domain's clock and reset.

``RegisterFileBug`` decodes the write address from its low bit only, so a
write to register 2 lands in register 0: ``register_matches`` fails in step 1.
"""
from amaranth.hdl import *
from amaranth.asserts import AnyConst, Initial

HWVERIFY = {"mode": "prove", "depth": 4, "expect": "pass"}


class RegisterFile(Elaboratable):
    def __init__(self, full_decode: bool = True):
        self.cd_sync = ClockDomain()
        self.we = Signal()
        self.waddr = Signal(2)
        self.wdata = Signal(8)
        self.raddr = Signal(2)
        self.rdata = Signal(8)
        self._full_decode = full_decode

    def elaborate(self, platform):
        m = Module()
        m.domains += self.cd_sync
        regs = Array(Signal(8, name=f"r{i}") for i in range(4))
        target = self.waddr if self._full_decode else self.waddr[0]
        with m.If(self.we):
            m.d.sync += regs[target].eq(self.wdata)
        m.d.comb += self.rdata.eq(regs[self.raddr])

        watch = Signal(2)
        shadow = Signal(8)
        m.d.comb += watch.eq(AnyConst(2))
        with m.If(self.we & (self.waddr == watch)):
            m.d.sync += shadow.eq(self.wdata)
        with m.If(Initial()):
            m.d.comb += Assume(shadow == regs[watch])
        with m.If(self.raddr == watch):
            m.d.comb += Assert(self.rdata == shadow, "read_matches")
        m.d.comb += Assert(regs[watch] == shadow, "register_matches")
        m.d.comb += Cover((self.raddr == watch) & (self.rdata == 0x5A))
        return m


class RegisterFileBug(RegisterFile):
    HWVERIFY = {"mode": "bmc", "depth": 4, "expect": "fail", "step": 1}

    def __init__(self):
        super().__init__(full_decode=False)
