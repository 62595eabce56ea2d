"""The design being lowered: nets, drivers and on-demand value resolution.

``Design`` is the shared state of one ``lower_verilog`` call. Elaboration
registers nets, continuous drivers and procedural blocks here; lowering asks
``value``/``value_bits`` for the term of a net, which computes the drivers it
needs (detecting combinational loops) and caches the result.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from typing import Any

from pyverilog.vparser import ast as A

from hwverify.errors import FrontendError, SourceLoc, UnsupportedError
from hwverify.frontend.verilog import nodes as N
from hwverify.frontend.verilog.calls import CallsMixin
from hwverify.frontend.verilog.expr import ExprLowerer
from hwverify.frontend.verilog.formal import Formal
from hwverify.frontend.verilog.model import Chunk, Driver, Net, Param, Scope
from hwverify.frontend.verilog.parse import YOSYS_HINT, Parsed
from hwverify.frontend.verilog.stmt import Executor, slice_
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term

PRIMITIVES = {"and", "or", "nand", "nor", "xor", "xnor", "not", "buf", "bufif0", "bufif1",
              "notif0", "notif1", "pullup", "pulldown"}


@dataclass(eq=False)
class Block:
    """A procedural block: clocked ``always``, ``always @*``, or ``initial``."""

    kind: str                      # clocked | comb | initial
    scope: Scope
    node: Any
    body: Any
    targets: set[Net] = field(default_factory=set)
    loopvars: set[Net] = field(default_factory=set)
    clock: Any = None              # (sens node, edge) for clocked blocks
    asyncs: list = field(default_factory=list)   # [(sens node, edge)]
    async_depth: int = 0           # leading if-branches that are asynchronous
    async_driver: Driver | None = None


class GlobalCtx:
    """Module-level reads: the resolved value of each net."""

    def __init__(self, design: "Design"):
        self.design = design

    def read_net(self, net: Net, node: Any) -> Term:
        return self.design.value(net, node)

    def read_bits(self, net: Net, lo: int, hi: int, node: Any) -> Term:
        return self.design.value_bits(net, lo, hi, node)

    def read_mem(self, net: Net, node: Any) -> Term:
        return self.design.mem_value(net, node)


class Design(CallsMixin):
    """Everything known about the design while it is lowered."""

    def __init__(self, parsed: Parsed, name: str):
        self.parsed = parsed
        self.system = TransitionSystem(name=name)
        self.modules: dict[str, Any] = {}
        for d in parsed.ast.description.definitions:
            if isinstance(d, A.ModuleDef):
                if d.name in self.modules:
                    raise self.error(d, f"module {d.name} defined twice")
                self.modules[d.name] = d
        self.primitives = PRIMITIVES
        self.nets: list[Net] = []
        self.net_set: set[Net] = set()
        self.blocks: list[Block] = []
        self.drivers: list[Driver] = []
        self.init_regs: list[Net] = []
        self.defparams: dict[str, tuple[Param, Any]] = {}
        self.defparams_used: set[str] = set()
        self.defparams_seen: set[int] = set()
        self.block_scopes: dict[tuple[int, int], Scope] = {}
        self.assumption_locs: list[SourceLoc] = []
        self.formal = Formal(self)
        self.ctx = GlobalCtx(self)
        self._stack: list[Driver] = []
        self._x_count = 0
        self._fn_results: dict = {}
        self._call_depth = 0
        self._notes: set[str] = set()
        self._ph_memo: dict[Term, bool] = {}
        self.top_scope: Scope | None = None
        from hwverify.frontend.verilog.elab import Elaborator
        self.elab = Elaborator(self)

    # ------------------------------------------------------------ errors
    def loc(self, node: Any) -> SourceLoc:
        return self.parsed.lines.loc(getattr(node, "lineno", None) or None)

    def error(self, node: Any, msg: str, unsupported: bool = False) -> FrontendError:
        if unsupported:
            return UnsupportedError(f"{msg} in the pyverilog frontend; {YOSYS_HINT}", self.loc(node))
        return FrontendError(msg, self.loc(node))

    def unknown_name(self, node: Any, name: str, scope: Scope) -> FrontendError:
        close = difflib.get_close_matches(name, scope.all_names(), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        return FrontendError(f"unknown name {name!r}{hint}", self.loc(node))

    def unknown_module(self, node: Any, name: str) -> FrontendError:
        close = difflib.get_close_matches(name, list(self.modules), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        return FrontendError(f"unknown module {name!r}{hint}", self.loc(node))

    def note(self, msg: str) -> None:
        if msg not in self._notes:
            self._notes.add(msg)
            self.system.notes.append(msg)

    # ------------------------------------------------------- registration
    def add_net(self, net: Net) -> None:
        self.nets.append(net)
        self.net_set.add(net)

    def sort_of(self, net: Net) -> T.Sort:
        return T.Array(net.addr_width, net.width) if net.is_memory else T.BV(net.width)

    def add_chunk(self, net: Net, lo: int, hi: int, driver: Driver, key: Any, node: Any) -> None:
        for c in net.chunks:
            if c.lo <= hi and lo <= c.hi:
                raise self.error(node, f"{net.name} has more than one driver (also {c.driver})")
        net.chunks.append(Chunk(lo, hi, driver, key))

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

        def fn(design: "Design") -> dict:
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
        alias = (scope, rhs.var) if isinstance(rhs.var, A.Identifier) else None
        self._add_parts_driver(scope, lhs, "assign", node, lambda w: lw.lower_assign(rhs, w), alias)

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
            if net.is_memory:
                raise self.error(blk.node, f"memory {net.name} written in combinational logic", True)

        def fn(design: "Design") -> dict:
            ex = Executor(self, blk.scope, "comb", blk.targets, set(blk.loopvars))
            ex.run(blk.body)
            finals = ex.final_values(sorted(blk.targets, key=lambda n: n.name))
            out = {}
            for net, v in finals.items():
                missing = ex.unassigned_bits(net)
                if missing:
                    raise self.error(blk.node, f"{net.name} is not assigned on every path of this "
                                               "always @* block (a latch)", True)
                out[net] = ex.cleanup(net, v)
            return out

        drv = Driver(self.loc(blk.node), "always @*", fn)
        drv.alias = None
        self.drivers.append(drv)
        for net in blk.targets:
            net.comb_block = blk
            self.add_chunk(net, 0, net.width - 1, drv, net, blk.node)
        self.blocks.append(blk)

    def add_initial(self, scope: Scope, stmt: Any, node: Any) -> None:
        blk = Block("initial", scope, node, stmt)
        self._collect(blk)
        self.blocks.append(blk)

    def _collect(self, blk: Block) -> None:
        from hwverify.frontend.verilog.writes import collect_writes
        blk.targets, blk.loopvars = collect_writes(self, blk.scope, blk.body)

    def block_scope(self, node: Any, scope: Scope) -> Scope:
        return self.block_scopes.get((id(scope), id(node)), scope)

    # ------------------------------------------------------------- values
    def state_of(self, net: Net) -> Term:
        if net.state is None:  # pragma: no cover - internal
            raise self.error(None, f"internal: {net.name} has no state")
        return net.state

    def fresh_x(self, width: int, node: Any) -> Term:
        self._x_count += 1
        loc = self.loc(node)
        self.note("x/z values and out-of-range selects are modelled as free inputs ($x...)")
        return self.system.add_input(f"$x{self._x_count}@{os.path.basename(loc.file)}:{loc.line}", width)

    def value(self, net: Net, node: Any) -> Term:
        if net.value is not None:
            return net.value
        return self.value_bits(net, 0, net.width - 1, node)

    def value_bits(self, net: Net, lo: int, hi: int, node: Any) -> Term:
        if net.value is not None:
            return slice_(net.value, hi, lo)
        if net.clock:
            raise self.error(node, f"clock {net.name} is used as data (not supported by this frontend)", True)
        if net.is_memory:
            raise self.error(node, f"memory {net.name} used without an address")
        if net.block is not None:
            drv = net.block.async_driver
            if drv is not None:
                self.ensure(drv, node)
                net.value = drv.results[net]
            else:
                net.value = net.state
            return slice_(net.value, hi, lo)  # type: ignore[arg-type]
        parts: list[Term] = []
        pos = lo
        for c in sorted(net.chunks, key=lambda c: c.lo):
            if c.hi < lo or c.lo > hi:
                continue
            if c.lo > pos:
                parts.append(slice_(self.undriven(net), c.lo - 1, pos))
            self.ensure(c.driver, node)
            v = c.driver.results[c.key]
            a, b = max(c.lo, lo), min(c.hi, hi)
            parts.append(slice_(v, b - c.lo, a - c.lo))
            pos = b + 1
        if pos <= hi:
            parts.append(slice_(self.undriven(net), hi, pos))
        acc = parts[-1]
        for p in reversed(parts[:-1]):
            acc = T.concat(acc, p)
        if lo == 0 and hi == net.width - 1:
            net.value = acc
        return acc

    def undriven(self, net: Net) -> Term:
        key = ("undriven", net)
        v = self._fn_results.get(key)
        if v is None:
            self.note(f"{net.name} (or part of it) has no driver: modelled as a free input")
            v = self.system.add_input(net.name if not net.chunks else f"{net.name}$undriven", net.width)
            self._fn_results[key] = v
        return v

    def mem_value(self, net: Net, node: Any) -> Term:
        if net.value is None:
            if net.state is not None:
                net.value = net.state
            else:
                self.note(f"memory {net.name} is never written: its contents are free inputs")
                net.value = self.system.add_input(net.name, self.sort_of(net))
        return net.value

    def memory_init_base(self, net: Net) -> Term:
        """The contents ``initial`` writes (``$readmemh``, ``mem[i] = v``) go over: free, as x in Verilog.

        A state ``<mem>$init`` without an initial value that never changes, so
        words no initial code sets are free at step 0 (as in yosys, whose
        BTOR2 writes a memory's ``$meminit`` words over a free array too).
        """
        key = ("meminit", net)
        v = self._fn_results.get(key)
        if v is None:
            self.note(f"words of {net.name} not set by initial blocks are free at step 0 "
                      f"(x in Verilog): state {net.name}$init")
            v = self.system.add_state(f"{net.name}$init", self.sort_of(net))
            self.system.set_next(v, v)
            self._fn_results[key] = v
        return v

    def has_placeholder(self, t: Term) -> bool:
        """Does ``t`` mention a lowering placeholder? (memoised over the whole design)."""
        memo = self._ph_memo
        if t in memo:
            return memo[t]
        stack = [t]
        while stack:
            n = stack[-1]
            if n in memo:
                stack.pop()
                continue
            if n.op == "var":
                memo[n] = n.params[0].startswith(("$unassigned$", "$hold$"))
                stack.pop()
                continue
            pending = [a for a in n.args if a not in memo]
            if pending:
                stack.extend(pending)
                continue
            memo[n] = any(memo[a] for a in n.args)
            stack.pop()
        return memo[t]

    def ensure(self, drv: Driver, node: Any) -> None:
        """Compute ``drv`` unless done; re-entering one under computation is a loop."""
        if drv.state == 2:
            return
        if drv.state == 1:
            i = self._stack.index(drv)
            cycle = " -> ".join(f"{d.what} ({d.loc})" for d in self._stack[i:] + [drv])
            raise FrontendError(f"combinational loop: {cycle}", drv.loc)
        drv.state = 1
        self._stack.append(drv)
        try:
            drv.results = drv.fn(self)
        finally:
            self._stack.pop()
        drv.state = 2

def _chain(scope: Scope):
    s: Scope | None = scope
    while s is not None:
        yield s
        s = s.parent


def _sens_name(s: Any) -> str:
    sig = s.sig
    return sig.name if isinstance(sig, A.Identifier) else ""


def unwrap(body: Any) -> Any:
    while isinstance(body, A.Block) and len(body.statements) == 1 and not body.scope:
        body = body.statements[0]
    return body


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
