"""The design being lowered: the netlist plus the steps that lower its behaviour.

``Design`` adds to ``Netlist`` (state and value resolution) and ``Calls``
(functions, tasks, memory files) the registration of continuous assignments,
port connections and procedural blocks, which needs the expression lowerer,
the statement executor and write collection. It is the one object
``lower.py`` drives; the modules below it only see it as a ``Netlist``.
"""
from __future__ import annotations

from typing import Any

from pyverilog.vparser import ast as A

from hwverify.frontend.verilog import nodes as N
from hwverify.frontend.verilog.calls import Calls
from hwverify.frontend.verilog.elab import Elaborator
from hwverify.frontend.verilog.expr import ExprLowerer
from hwverify.frontend.verilog.formal import Formal
from hwverify.frontend.verilog.model import Driver, Net, Scope
from hwverify.frontend.verilog.netlist import Block, Netlist
from hwverify.frontend.verilog.parse import Parsed
from hwverify.frontend.verilog.stmt import Executor
from hwverify.frontend.verilog.writes import collect_writes
from hwverify.semantics import terms as T
from hwverify.semantics.terms import Term


class Design(Calls):
    """Everything known about the design while it is lowered."""

    def __init__(self, parsed: Parsed, name: str):
        super().__init__(parsed, name)
        self.formal = Formal(self)
        self.elab = Elaborator(self)

    # ------------------------------------------------------- registration
    def lvalue_parts(self, scope: Scope, node: Any) -> list[tuple[Net, int, int]]:
        """Nets and bit ranges a continuous assignment target covers, MSB part first."""
        lw = ExprLowerer(self, scope, self.elab.const)
        if isinstance(node, A.Lvalue):
            return self.lvalue_parts(scope, node.var)
        if isinstance(node, A.LConcat) or isinstance(node, A.Concat):
            return [p for x in node.list for p in self.lvalue_parts(scope, x)]
        if isinstance(node, A.Identifier):
            net = lw.resolve(node)
            if not isinstance(net, Net) or net.is_memory:
                raise self.error(node, f"{node.name} cannot be driven by a continuous assignment")
            return [(net, 0, net.width - 1)]
        base = getattr(node, "var", None)
        if isinstance(base, A.Identifier):
            net = lw.resolve(base)
            if isinstance(net, Net) and not net.is_memory:
                if isinstance(node, A.Pointer):
                    o = net.bit_offset(lw.const_int(node.ptr, "index of a continuous assignment target"))
                    offs = (o, o)
                elif isinstance(node, A.Partselect):
                    offs = (net.bit_offset(lw.const_int(node.msb)), net.bit_offset(lw.const_int(node.lsb)))
                elif isinstance(node, N.IndexedPartselect):
                    b, w = lw.const_int(node.base), lw.const_int(node.width)
                    first = b if node.up else b - w + 1
                    offs = (net.bit_offset(first), net.bit_offset(first + w - 1))
                else:
                    offs = None
                if offs is not None:
                    lo, hi = min(offs), max(offs)
                    if lo < 0 or hi >= net.width:
                        raise self.error(node, f"select [{hi}:{lo}] is outside {net.name}")
                    return [(net, lo, hi)]
        raise self.error(node, "unsupported target of a continuous assignment or output port", True)

    def _add_parts_driver(self, scope: Scope, lhs: Any, what: str, node: Any,
                          compute: Any, alias: Any = None) -> None:
        parts = self.lvalue_parts(scope, lhs)
        total = sum(hi - lo + 1 for _, lo, hi in parts)

        def fn(design: Netlist) -> dict:
            value = compute(total)
            out, pos = {}, total
            for i, (_, lo, hi) in enumerate(parts):
                w = hi - lo + 1
                out[i] = T.extract(value, pos - 1, pos - w)
                pos -= w
            return out

        drv = Driver(self.loc(node), what, fn)
        drv.alias = alias if len(parts) == 1 and parts[0][1] == 0 and parts[0][2] == parts[0][0].width - 1 else None
        self.drivers.append(drv)
        for i, (net, lo, hi) in enumerate(parts):
            self.add_chunk(net, lo, hi, drv, i, node)

    def add_assign(self, scope: Scope, lhs: Any, rhs: Any, node: Any) -> None:
        lw = ExprLowerer(self, scope, self.ctx)
        target = lhs.var if isinstance(lhs, A.Lvalue) else lhs
        if isinstance(target, A.Pointer) and isinstance(target.var, A.Identifier):
            mem = ExprLowerer(self, scope, self.elab.const).resolve(target.var)
            if isinstance(mem, Net) and mem.is_memory:
                return self._add_word_assign(scope, mem, target, rhs, node)
        self._add_parts_driver(scope, lhs, "assign", node, lambda w: lw.lower_assign(rhs, w),
                               alias=(scope, rhs.var) if isinstance(rhs.var, A.Identifier) else None)

    def _add_word_assign(self, scope: Scope, mem: Net, target: Any, rhs: Any, node: Any) -> None:
        """``assign table[8'h3c] = 8'heb;``: one word of a wire array (a lookup table, say)."""
        lw = ExprLowerer(self, scope, self.ctx)
        addr = ExprLowerer(self, scope, self.elab.const).const_int(target.ptr, "address of an assigned memory word")
        off = mem.word_offset(addr)
        if not 0 <= off < mem.depth:
            raise self.error(node, f"address {addr} is outside memory {mem.name}")
        if off in mem.word_drivers:
            raise self.error(node, f"{mem.name}[{addr}] has more than one driver (also {mem.word_drivers[off]})")
        drv = Driver(self.loc(node), f"assign {mem.name}[{addr}]",
                     lambda d: {0: lw.lower_assign(rhs, mem.width)})
        self.drivers.append(drv)
        mem.word_drivers[off] = drv

    def add_port_input(self, scope: Scope, expr: Any, net: Net, inst: Any) -> None:
        lw = ExprLowerer(self, scope, self.ctx)
        drv = Driver(self.loc(inst), f"input port {net.name}", lambda d: {0: lw.lower_assign(expr, net.width)})
        drv.alias = (scope, expr) if isinstance(expr, A.Identifier) else None
        self.drivers.append(drv)
        self.add_chunk(net, 0, net.width - 1, drv, 0, inst)

    def add_port_output(self, scope: Scope, expr: Any, net: Net, inst: Any) -> None:
        def compute(w: int) -> Term:
            v = self.value(net, inst)
            return T.resize(v, w, net.signed)
        alias = (net.scope, A.Identifier(net.name.rsplit(".", 1)[-1]))
        self._add_parts_driver(scope, expr, f"output port {net.name}", inst, compute, alias)

    def add_always(self, scope: Scope, item: Any) -> None:
        sens = list(item.sens_list.list) if item.sens_list is not None else []
        edges = [s for s in sens if s.type in ("posedge", "negedge")]
        if isinstance(item, A.AlwaysLatch):
            raise self.error(item, "latches are not supported", True)
        if not sens and not isinstance(item, A.AlwaysComb):
            raise self.error(item, "always without an event control is not supported", True)
        if edges and len(edges) != len(sens):
            raise self.error(item, "mixing edge and level events is not supported", True)
        body = item.statement
        if not edges:
            blk = Block("comb", scope, item, body)
            self._collect(blk)
            self._add_comb(blk)
            return
        blk = Block("clocked", scope, item, body)
        if len(edges) == 1:
            blk.clock = (edges[0].sig, edges[0].type)
        else:
            fits = []
            for cand in edges:
                others = [e for e in edges if e is not cand]
                depth = _async_depth(body, {_sens_name(e) for e in others}, _sens_name(cand))
                if depth:
                    fits.append((cand, others, depth))
            if len(fits) != 1:
                raise self.error(item, "asynchronous reset must be written 'if (reset) ... else ...' "
                                       "with the reset signals tested before anything else", True)
            cand, others, blk.async_depth = fits[0]
            blk.clock = (cand.sig, cand.type)
            blk.asyncs = [(e.sig, e.type) for e in others]
        self._collect(blk)
        self.blocks.append(blk)

    def _add_comb(self, blk: Block) -> None:
        for net in blk.targets:
            if net.is_memory and (net.word_drivers or net.comb_block is not None):
                raise self.error(blk.node, f"memory {net.name} has more than one driver")

        # A block driving several nets reads the others' inputs as placeholders first, and
        # each of its nets then resolves only the reads in its own cone: one block may feed
        # a submodule and read that submodule's outputs for another net (secworks' chacha
        # and aes cores do), which is no loop although the block as a whole sits on both sides.
        defer = len(blk.targets) > 1

        def fn(design: Netlist) -> dict:
            ex = Executor(self, blk.scope, "comb", blk.targets, set(blk.loopvars))
            if defer:
                ex.defer = {}
            ex.run(blk.body)
            finals = ex.final_values(sorted(blk.targets, key=lambda n: n.name))
            out = {}
            # Words of a memory the block does not write are x (none, when it writes all): the
            # same base wherever the memory is read, its own final value and the nets read from it.
            bases = {}
            for net, v in finals.items():
                if net.is_memory and self.has_placeholder(v):
                    bases[T.var(f"$unassigned${net.name}", self.sort_of(net))] = \
                        T.const_array(T.const(0, net.width), net.addr_width) \
                        if _writes_every_word(v, net.depth) else self.fresh_x_array(net, blk.node)
            for net, v in finals.items():
                v = ex.replace(v, bases) if bases else v
                if net.is_memory:
                    out[net] = v
                    continue
                missing = ex.unassigned_bits(net)
                if missing:
                    raise self.error(blk.node, f"{net.name} is not assigned on every path of this "
                                               "always @* block (a latch)", True)
                out[net] = ex.cleanup(net, v)
            if defer:
                out["$ext"] = dict(ex.defer)
            return out

        drv = Driver(self.loc(blk.node), "always @*", fn)
        drv.alias = None
        self.drivers.append(drv)
        for net in blk.targets:
            net.comb_block = blk
            self.add_chunk(net, 0, net.width - 1, self._resolving(drv, net, blk) if defer else drv, net,
                           blk.node)
        self.blocks.append(blk)

    def _resolving(self, block_drv: Driver, net: Net, blk: Block) -> Driver:
        """The driver of one net of a deferred ``always @*``: the block's term for it, its reads resolved."""
        def fn(design: Netlist) -> dict:
            self.ensure(block_drv, blk.node)
            v = block_drv.results[net]
            ext: dict[Term, Net] = block_drv.results["$ext"]
            used = [x for x in T.free_vars([v]) if x in ext]
            mapping = {x: (self.mem_value(ext[x], blk.node) if ext[x].is_memory else self.value(ext[x], blk.node))
                       for x in used}
            return {net: T.substitute(v, mapping) if mapping else v}

        drv = Driver(self.loc(blk.node), "always @*", fn)
        self.drivers.append(drv)
        return drv

    def add_initial(self, scope: Scope, stmt: Any, node: Any) -> None:
        blk = Block("initial", scope, node, stmt)
        self._collect(blk)
        self.blocks.append(blk)

    def _collect(self, blk: Block) -> None:
        blk.targets, blk.loopvars = collect_writes(self, blk.scope, blk.body)


def _writes_every_word(arr: Term, depth: int) -> bool:
    """Does every path of ``arr`` write all ``depth`` words at constant addresses (its base unobservable)?

    ``arr`` is a block's final array: writes, and ``ite`` where branches merged.
    """
    memo: dict[Term, frozenset[int]] = {}
    stack = [arr]
    while stack:
        t = stack[-1]
        if t in memo:
            stack.pop()
            continue
        kids = t.args[:1] if t.op == "write" else t.args[1:] if t.op == "ite" else ()
        todo = [k for k in kids if k not in memo]
        if todo:
            stack.extend(todo)
            continue
        stack.pop()
        if t.op == "write":
            memo[t] = memo[t.args[0]] | ({t.args[1].value} if t.args[1].op == "const" else set())
        elif t.op == "ite":
            memo[t] = memo[t.args[1]] & memo[t.args[2]]
        else:
            memo[t] = frozenset()
    return len({a for a in memo[arr] if a < depth}) == depth


def _sens_name(s: Any) -> str:
    sig = s.sig
    return sig.name if isinstance(sig, A.Identifier) else ""


def _only_statement(block: Any) -> Any:
    """The one statement of a ``begin ... end`` besides its declarations, else None.

    ``begin : reg_update integer i; if (!reset_n) ... end`` is how real code
    declares a loop counter for the reset branch: the block is still one ``if``.
    """
    if not isinstance(block, A.Block):
        return None
    stmts = [s for s in block.statements if not isinstance(s, A.Decl)]
    return stmts[0] if len(stmts) == 1 else None


def unwrap(body: Any) -> Any:
    """``body`` without the blocks around a single statement."""
    while (inner := _only_statement(body)) is not None:
        body = inner
    return body


def unwrap_in(design: Netlist, body: Any, scope: Scope) -> tuple[Any, Scope]:
    """``unwrap``, also returning the scope the statement runs in (named blocks declare names)."""
    while (inner := _only_statement(body)) is not None:
        scope = design.block_scope(body, scope)
        body = inner
    return body, scope


def _async_depth(body: Any, asyncs: set[str], clock: str) -> int:
    """How many leading ``if`` conditions of the chain test asynchronous signals.

    0 when the block does not have the ``if (rst) .. else if (set) .. else ..``
    shape with every asynchronous signal tested (and the clock in none).
    """
    body = unwrap(body)
    depth, seen = 0, set()
    while isinstance(body, A.IfStatement):
        names = _names_in(body.cond)
        if clock in names or not names & asyncs:
            break
        seen |= names & asyncs
        depth += 1
        body = unwrap(body.false_statement)
    return depth if seen == asyncs else 0


def _names_in(node: Any) -> set[str]:
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, A.Identifier):
            out.add(n.name)
        if n is not None and hasattr(n, "children"):
            stack.extend(c for c in n.children() if c is not None)
    return out
