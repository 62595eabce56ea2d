"""The formal subset inside RTL: immediate assertions and the SBY system functions.

Semantics (SBY/yosys conventions, with our step numbering where the initial
state is step 0):

* ``assert(c)``/``assume(c)``/``cover(c)`` inside any ``always`` block are
  checked in every cycle on the values of that cycle (state and inputs before
  the clock edge, blocking updates made earlier in the block included),
  guarded by the ``if``/``case`` path leading to them. Inside ``initial`` they
  apply to step 0 only. (SBY reports a clocked assertion one step later than
  we do; the condition is the same.)
* ``$past(x, n)`` is ``x`` delayed by ``n`` cycles through auxiliary registers
  without an initial value: in the first ``n`` cycles it is an arbitrary value,
  as in yosys. ``$stable``, ``$changed``, ``$rose``, ``$fell`` are built on it
  (``$rose``/``$fell`` look at bit 0).
* ``$initstate`` is 1 in step 0 only.
* ``$anyconst`` / ``(* anyconst *)``: a value chosen once (a state with no
  initial value and ``next = itself``); ``$anyseq`` / ``(* anyseq *)``: a fresh
  input every cycle.
"""
from __future__ import annotations

from typing import Any

from pyverilog.vparser import ast as A

from hwverify.frontend.verilog.expr import ExprLowerer
from hwverify.frontend.verilog.netlist import Netlist
from hwverify.frontend.verilog.stmt import Executor
from hwverify.semantics import terms as T
from hwverify.semantics.terms import Term



class Formal:
    """Creates the auxiliary state formal constructs need, shared per design."""

    def __init__(self, design: Netlist):
        self.design = design
        self._past: dict[tuple[Term, int], Term] = {}
        self._init: Term | None = None
        self._count = 0

    def _name(self, base: str) -> str:
        taken = {v.name for v in self.design.system.variables}
        while True:
            self._count += 1
            name = f"${base}{self._count}"
            if name not in taken:
                return name

    # ------------------------------------------------------------ values
    def initstate(self) -> Term:
        if self._init is None:
            s = self.design.system
            found = [v for v in s.states if v.name == "$initstate"]
            self._init = found[0] if found else s.add_state("$initstate", 1, init=T.true(), next=T.false())
        return self._init

    def past(self, value: Term, n: int) -> Term:
        """``value`` delayed by ``n`` >= 1 cycles (free in the first ``n`` cycles)."""
        cur = value
        for k in range(1, n + 1):
            key = (value, k)
            reg = self._past.get(key)
            if reg is None:
                reg = self.design.system.add_state(self._name("past"), value.width, next=cur)
                self._past[key] = reg
            cur = reg
        return cur

    def any_value(self, node: Any, width: int) -> Term:
        s = self.design.system
        if node.syscall in ("anyconst", "allconst"):
            if node.syscall == "allconst":
                raise self.design.error(node, "$allconst is not supported", True)
            v = s.add_state(self._name("anyconst"), width)
            s.set_next(v, v)
            return v
        if node.syscall == "allseq":
            raise self.design.error(node, "$allseq is not supported", True)
        return s.add_input(self._name("anyseq"), width)

    def syscall(self, lw: ExprLowerer, n: A.SystemCall) -> Term:
        name = n.syscall
        d = self.design
        if name == "initstate":
            return self.initstate()
        if name == "past":
            if len(n.args) not in (1, 2):
                raise d.error(n, "$past takes 1 or 2 arguments (a gating clock is not supported)", True)
            k = lw.const_int(n.args[1], "$past depth") if len(n.args) == 2 else 1
            if k < 1:
                raise d.error(n, "$past depth must be at least 1")
            return self.past(lw.lower_self(n.args[0]), k)
        if name in ("stable", "changed", "rose", "fell"):
            if len(n.args) != 1:
                raise d.error(n, f"${name} takes one argument", True)
            v = lw.lower_self(n.args[0])
            if name in ("rose", "fell"):
                v = T.extract(v, 0, 0)
            p = self.past(v, 1)
            if name == "stable":
                return T.eq(v, p)
            if name == "changed":
                return T.ne(v, p)
            if name == "rose":
                return T.and_(T.not_(p), v)
            return T.and_(p, T.not_(v))
        raise d.error(n, f"system function ${name} is not supported", True)

    # -------------------------------------------------------- properties
    def immediate(self, ex: Executor, s: Any) -> None:
        """Register ``assert``/``assume``/``cover``/``restrict`` at its program point."""
        d = self.design
        args = [a for a in s.args if not isinstance(a, A.StringConst)]
        if len(args) != 1:
            raise d.error(s, f"{s.name} takes one condition")
        if ex.mode not in ("clocked", "comb", "initial"):
            raise d.error(s, f"{s.name} is only supported in always and initial blocks", True)
        cond = ex.lowerer().truth(args[0])
        guard = ex.path
        if ex.mode == "initial":
            guard = T.and_(guard, self.initstate())
        loc = d.loc(s)
        name = f"{ex.scope.prefix}{s.name}_L{loc.line}"
        if s.name == "assert":
            d.system.add_assert(name, T.implies(guard, cond), loc)
        elif s.name in ("assume", "restrict"):
            d.system.add_constraint(T.implies(guard, cond))
            d.assumption_locs.append(loc)
        else:
            d.system.add_cover(name, T.and_(guard, cond), loc)
