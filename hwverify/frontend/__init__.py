"""Frontends: design files in any supported language -> one ``TransitionSystem``.

``load_system`` picks the frontend from one table (``load.FILE_KINDS``: file
kind -> frontend; ``load.FRONTENDS``: the frontends and the kinds they read):
BTOR2 (``btor2``), Verilog (``verilog``, the pyverilog path), SystemVerilog
and RTLIL (``yosys``), Amaranth (``amaranth``). Properties written outside
the RTL are ``properties``.
"""
from hwverify.frontend.load import FILE_KINDS, FRONTENDS, load_system

__all__ = ["FILE_KINDS", "FRONTENDS", "load_system"]
