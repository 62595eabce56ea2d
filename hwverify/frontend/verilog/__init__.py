"""The pyverilog frontend: Verilog-2005 (and the formal subset) lowered to a TransitionSystem."""
from hwverify.frontend.verilog.lower import VerilogInfo, lower_verilog

__all__ = ["VerilogInfo", "lower_verilog"]
