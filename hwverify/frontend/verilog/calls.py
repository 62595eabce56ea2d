"""Functions, tasks and ``$readmemh``: the parts of procedural code that call out.

A function call runs the body in a fresh ``Executor`` over the function's
locals (arguments sized as assignments); results are cached per argument
terms, so a ROM function called twice with the same address costs nothing.
Tasks run inline in the caller's executor, so their assignments to module
variables behave exactly like the caller's own.
"""
from __future__ import annotations

import difflib
import os
import re
from typing import Any

from pyverilog.vparser import ast as A

from hwverify.errors import FrontendError, SourceLoc
from hwverify.frontend.verilog.expr import ExprLowerer
from hwverify.frontend.verilog.model import FunctionDef, Net, Scope
from hwverify.frontend.verilog.netlist import Netlist
from hwverify.frontend.verilog.stmt import Executor, full_mask
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term


class Calls(Netlist):
    """The netlist's hooks for function and task calls and memory files (``Design`` builds on it)."""

    def function(self, scope: Scope, node: Any) -> FunctionDef:
        name = node.name.name if isinstance(node.name, A.Identifier) else str(node.name)
        found = scope.lookup_function(name)
        if found is None:
            close = difflib.get_close_matches(name, [f for s in _chain(scope) for f in s.functions], n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise FrontendError(f"unknown function {name!r}{hint}", self.loc(node))
        fnode, fscope = found
        key = ("fdef", id(fnode))
        fd = fscope.fn_cache.get(key)
        if fd is None:
            lw = ExprLowerer(self, fscope, self.elab.const)
            w = abs(lw.const_int(fnode.retwidth.msb) - lw.const_int(fnode.retwidth.lsb)) + 1
            fd = FunctionDef(fnode, fscope, w, bool(getattr(fnode, "signed", False)))
            fscope.fn_cache[key] = fd
        return fd

    def sub_scope(self, parent: Scope, node: Any, ret: tuple[int, bool] | None) -> tuple[Scope, list[Net], list[Net]]:
        """Local scope of a function or task: (scope, ports in order, all locals).

        A function's ports are its inputs; a task's may be outputs too
        (``net.port == "output"``), copied to the caller's arguments when it returns.
        """
        key = ("sub", id(node))
        cached = parent.fn_cache.get(key)
        if cached is not None:
            return cached
        sub = Scope(f"{parent.prefix}{node.name}.", parent.module, parent=parent)
        inputs: list[Net] = []
        locals_: list[Net] = []
        stmts = node.statement if isinstance(node.statement, tuple) else (node.statement,)
        for s in stmts:
            if isinstance(s, A.Decl):
                for v in s.list:
                    if isinstance(v, A.Output) and ret is not None:
                        raise self.error(v, f"function {node.name} has an output port (only tasks may)")
                    if isinstance(v, A.Inout):
                        raise self.error(v, f"inout port {v.name} of {node.name} is not supported", True)
                    net = self.elab.declare(sub, v, register=False)
                    if net is None:
                        continue
                    if isinstance(v, (A.Input, A.Output)) and net not in inputs:
                        inputs.append(net)
                    if net not in locals_:
                        locals_.append(net)
        if ret is not None:
            w, s = ret
            rnet = Net(f"{sub.prefix}{node.name}", w, s, w - 1, 0, self.loc(node), kind="reg", scope=sub)
            sub.names[node.name] = rnet
            locals_.append(rnet)
        parent.fn_cache[key] = (sub, inputs, locals_)
        return sub, inputs, locals_

    def call_function(self, lw: ExprLowerer, node: Any) -> Term:
        fd = self.function(lw.scope, node)
        sub, inputs, locals_ = self.sub_scope(fd.scope, fd.node, (fd.width, fd.signed))
        if len(node.args) != len(inputs):
            raise self.error(node, f"function {fd.node.name} takes {len(inputs)} arguments, "
                                   f"not {len(node.args)}")
        args = tuple(lw.lower_assign(a, n.width) for a, n in zip(node.args, inputs))
        key = (id(fd.node), id(fd.scope), args)
        hit = self._fn_results.get(key)
        if hit is not None:
            return hit
        if self._call_depth > 32:
            raise self.error(node, f"function {fd.node.name} recurses too deeply", True)
        ex = Executor(self, sub, "function", set(), set(locals_))
        for n, v in zip(inputs, args):
            ex.env.vals[n] = v
            ex.env.mask[n] = full_mask(n)
        body = [s for s in (fd.node.statement if isinstance(fd.node.statement, tuple)
                            else (fd.node.statement,)) if not isinstance(s, A.Decl)]
        self._call_depth += 1
        try:
            for s in body:
                ex.run(s)
        finally:
            self._call_depth -= 1
        rnet = sub.names[fd.node.name]
        v = ex.final_values([rnet])[rnet]
        if self.has_placeholder(v):   # unassigned bits and locals read before assignment are x
            mapping = {ph: (T.const(0, n.width) if n is rnet and not ex.unassigned_bits(rnet)
                            else self.fresh_x(n.width, node))
                       for ph, n in ex.placeholders.items() if ph.name.startswith("$unassigned$")}
            v = T.substitute(v, mapping)
        self._fn_results[key] = v
        return v

    def call_task(self, ex: Executor, s: Any) -> None:
        found = ex.scope.lookup_task(s.name)
        if found is None:
            raise FrontendError(f"unknown task {s.name!r}", self.loc(s))
        tnode, tscope = found
        sub, inputs, locals_ = self.sub_scope(tscope, tnode, None)
        if len(s.args) != len(inputs):
            raise self.error(s, f"task {s.name} takes {len(inputs)} arguments, not {len(s.args)}")
        lw = ex.lowerer()
        vals = [(n, lw.lower_assign(a, n.width)) for a, n in zip(s.args, inputs) if n.port == "input"]
        saved_scope, saved_locals = ex.scope, set(ex.locals)
        ex.locals |= set(locals_)
        for n, v in vals:
            ex.env.vals[n] = v
            ex.env.mask[n] = full_mask(n)
        ex.scope = sub
        try:
            for st in (tnode.statement if isinstance(tnode.statement, tuple) else (tnode.statement,)):
                if not isinstance(st, A.Decl):
                    ex.run(st)
        finally:
            ex.scope = saved_scope
        # Outputs are copied to the arguments when the task returns (a blocking assignment);
        # bits the task left unassigned are x.
        outs = []
        for a, n in zip(s.args, inputs):
            if n.port != "output":
                continue
            v = ex.env.vals.get(n)
            if v is None or ex.env.mask.get(n, 0) != full_mask(n):
                v = self.fresh_x(n.width, s) if v is None else \
                    T.substitute(v, {ph: self.fresh_x(n.width, s) for ph, m in ex.placeholders.items()
                                     if m is n})
            outs.append((a, v, n.signed))
        ex.locals = saved_locals
        for a, v, signed in outs:
            w = ex.lvalue_width(a)
            ex.store(a, T.resize(v, w, signed) if w >= v.width else T.extract(v, w - 1, 0), False)
        for n in locals_:
            ex.env.vals.pop(n, None)
            ex.env.mask.pop(n, None)

    def readmem(self, ex: Executor, s: Any) -> None:
        if ex.mode != "initial":
            raise self.error(s, f"${s.syscall} is only supported in initial blocks", True)
        if len(s.args) < 2 or not isinstance(s.args[0], A.StringConst):
            raise self.error(s, f"${s.syscall} needs a file name string and a memory")
        lw = ex.lowerer()
        mem = lw.resolve(s.args[1])
        if not isinstance(mem, Net) or not mem.is_memory:
            raise self.error(s, f"${s.syscall} needs a memory as second argument")
        path = s.args[0].value
        src_dir = os.path.dirname(self.loc(s).file)
        for cand in (path, os.path.join(src_dir, path)):
            if os.path.isfile(cand):
                path = cand
                break
        else:
            raise self.error(s, f"${s.syscall}: cannot read {path!r}")
        words = _read_mem_file(path, 16 if s.syscall == "readmemh" else 2, self.loc(s))
        lo = min(mem.mem_range)  # type: ignore[arg-type]
        start = lw.const_int(s.args[2]) if len(s.args) > 2 else lo
        arr = ex._cur(mem, False)
        for addr, v in words(start):
            off = addr - lo
            if 0 <= off < mem.depth:
                arr = T.write(arr, T.const(off, mem.addr_width), T.const(v, mem.width))
        ex._put(mem, arr, False, 0)


def unset_memory_words(system: TransitionSystem) -> dict[str, list[int]]:
    """Memory state name -> the word offsets its initial value leaves free, sorted.

    A memory that ``initial`` code (``$readmemh``, ``mem[i] = v``) sets in part
    starts as ``write(..write(base, i, v)..)`` over a state ``base`` without an
    initial value (``<mem>$init``; yosys' BTOR2 has the same shape): words no
    write sets are ``base``'s, free, where a simulator has x. Memories whose
    writes are not all at constant addresses are left out (which words are
    set is then unknown).
    """
    states = set(system.states)
    out: dict[str, list[int]] = {}
    for s, t in system.init.items():
        if not isinstance(s.sort, T.Array) or t.op != "write":
            continue
        written: set[int] = set()
        while t.op == "write" and t.args[1].op == "const":
            written.add(t.args[1].params[0])
            t = t.args[0]
        if t in states and t not in system.init:
            out[s.name] = [i for i in range(1 << s.sort.index_width) if i not in written]
    return out


def _read_mem_file(path: str, base: int, loc: SourceLoc):
    text = open(path, errors="replace").read()
    text = re.sub(r"//[^\n]*|/\*.*?\*/", " ", text, flags=re.S)
    tokens = text.split()

    def gen(start: int):
        addr = start
        for tok in tokens:
            if tok.startswith("@"):
                addr = int(tok[1:], 16)
                continue
            t = tok.replace("_", "")
            if re.search(r"[xXzZ]", t):
                raise FrontendError(f"x/z in memory file {path} is not supported", loc)
            yield addr, int(t, base)
            addr += 1
    return gen


def _chain(scope: Scope):
    s: Scope | None = scope
    while s is not None:
        yield s
        s = s.parent
