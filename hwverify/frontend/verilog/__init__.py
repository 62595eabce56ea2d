"""The pyverilog frontend: Verilog-2005 (and the formal subset) lowered to a TransitionSystem.

Its modules import one way, bottom to top (a test checks there is no cycle):

* ``nodes`` (AST nodes our grammar adds), ``parse`` (preprocess and parse),
  ``model`` (nets, parameters, scopes, drivers);
* ``netlist`` (the shared state and on-demand net values; hooks for what
  needs the lowerers);
* ``expr`` (expressions), ``stmt`` (symbolic execution of statements);
* ``formal`` (assert/assume/cover, ``$past``...), ``elab`` (hierarchy,
  parameters, generate), ``writes`` (targets of procedural blocks);
* ``calls`` (functions, tasks, ``$readmemh``), ``design`` (registration of
  assignments and blocks), ``lower`` (``lower_verilog``: clocks, registers,
  initial values).
"""
from hwverify.frontend.verilog.lower import VerilogInfo, lower_verilog

__all__ = ["VerilogInfo", "lower_verilog"]
