"""Which variables a procedural block writes (its targets), found before lowering.

The targets decide what a block produces: registers for clocked blocks, driven
nets for ``always @*``, initial values for ``initial``. Variables only used as
``for`` loop counters are block-local temporaries instead (so two blocks may
share ``integer i``). Named blocks with declarations get their own scope here.
"""
from __future__ import annotations

from typing import Any

from pyverilog.vparser import ast as A

from hwverify.frontend.verilog import nodes as N
from hwverify.frontend.verilog.expr import ExprLowerer
from hwverify.frontend.verilog.model import Net, Param, Scope
from hwverify.frontend.verilog.netlist import Netlist



def collect_writes(design: Netlist, scope: Scope, body: Any) -> tuple[set[Net], set[Net]]:
    """Return (targets, loop variables) of the statement ``body`` in ``scope``."""
    writes: dict[Net, bool] = {}      # net -> written outside for-loop headers
    _walk(design, scope, body, writes, set())
    targets = {n for n, outside in writes.items() if outside}
    loopvars = {n for n, outside in writes.items() if not outside}
    return targets, loopvars


def _base(node: Any) -> list[Any]:
    if isinstance(node, A.Lvalue):
        return _base(node.var)
    if isinstance(node, (A.LConcat, A.Concat)):
        return [b for x in node.list for b in _base(x)]
    if isinstance(node, A.Identifier):
        return [node]
    if isinstance(node, (A.Pointer, A.Partselect, N.IndexedPartselect)):
        return _base(node.var)
    return []


def _note(design: Netlist, scope: Scope, lhs: Any, writes: dict[Net, bool], header: bool) -> None:
    lw = ExprLowerer(design, scope, design.ctx)
    for ident in _base(lhs):
        sym = lw.resolve(ident)
        if isinstance(sym, Param):
            raise design.error(ident, f"cannot assign to parameter {sym.name}")
        if sym not in design.net_set:
            continue   # function/task locals
        writes[sym] = writes.get(sym, False) or not header


def _walk(design: Netlist, scope: Scope, s: Any, writes: dict[Net, bool], tasks: set[int]) -> None:
    if s is None:
        return
    if isinstance(s, (A.Block, A.ParallelBlock)):
        sub = scope
        decls = [x for x in s.statements if isinstance(x, A.Decl)]
        if decls:
            if not s.scope:
                raise design.error(s, "declarations need a named block (begin : name)")
            key = (id(scope), id(s))
            sub = design.block_scopes.get(key)
            if sub is None:
                sub = Scope(f"{scope.prefix}{s.scope}.", scope.module, parent=scope)
                scope.children[s.scope] = sub
                design.block_scopes[key] = sub
                for d in decls:
                    for v in d.list:
                        design.elab.declare(sub, v)
        for x in s.statements:
            _walk(design, sub, x, writes, tasks)
    elif isinstance(s, A.Substitution):
        _note(design, scope, s.left, writes, False)
    elif isinstance(s, A.IfStatement):
        _walk(design, scope, s.true_statement, writes, tasks)
        _walk(design, scope, s.false_statement, writes, tasks)
    elif isinstance(s, A.CaseStatement):
        for c in s.caselist:
            _walk(design, scope, c.statement, writes, tasks)
    elif isinstance(s, A.ForStatement):
        for hdr in (s.pre, s.post):
            if isinstance(hdr, A.Substitution):
                _note(design, scope, hdr.left, writes, True)
        _walk(design, scope, s.statement, writes, tasks)
    elif isinstance(s, A.WhileStatement):
        _walk(design, scope, s.statement, writes, tasks)
    elif isinstance(s, A.SingleStatement):
        st = s.statement
        if isinstance(st, N.TaskEnable) and st.name not in ("assert", "assume", "cover", "restrict"):
            found = scope.lookup_task(st.name)
            if found is not None and id(found[0]) not in tasks:
                tnode, tscope = found
                tscope, ports, _ = design.sub_scope(tscope, tnode, None)
                for port, arg in zip(ports, st.args):   # task outputs write the caller's arguments
                    if port.port == "output":
                        _note(design, scope, arg, writes, False)
                body = tnode.statement if isinstance(tnode.statement, tuple) else (tnode.statement,)
                for x in body:
                    if not isinstance(x, A.Decl):
                        _walk(design, tscope, x, writes, tasks | {id(tnode)})
        elif isinstance(st, A.SystemCall) and st.syscall in ("readmemh", "readmemb") and len(st.args) > 1:
            _note(design, scope, st.args[1], writes, False)
