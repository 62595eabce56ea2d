"""The netlist being lowered: nets, drivers, blocks, and on-demand value resolution.

``Netlist`` is the state of one ``lower_verilog`` call that every lowering
module shares. Elaboration registers nets, continuous drivers and procedural
blocks in it; lowering asks ``value``/``value_bits`` for the term of a net,
which computes the drivers it needs (detecting combinational loops) and
caches the result.

Why this module sits below the expression and statement lowerers: they read
and write this state, and the few steps that need them in turn (function and
task calls, assignments, always blocks) are hooks declared here and
implemented above them (``calls.Calls``, then ``design.Design``). So the
package imports one way: nodes/parse/model -> netlist -> expr -> stmt ->
formal/elab/writes -> calls -> design -> lower.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from typing import Any, Protocol

from pyverilog.vparser import ast as A

from hwverify.errors import FrontendError, SourceLoc, UnsupportedError
from hwverify.frontend.verilog.model import Chunk, Driver, FunctionDef, Net, Param, Scope
from hwverify.frontend.verilog.parse import YOSYS_HINT, Parsed
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term

PRIMITIVES = {"and", "or", "nand", "nor", "xor", "xnor", "not", "buf", "bufif0", "bufif1",
              "notif0", "notif1", "pullup", "pulldown"}


class ReadCtx(Protocol):
    """Where expression reads go: global values, or a procedural block's environment."""

    def read_net(self, net: Net, node: Any) -> Term: ...
    def read_bits(self, net: Net, lo: int, hi: int, node: Any) -> Term: ...
    def read_mem(self, net: Net, node: Any) -> Term: ...


class FormalHooks(Protocol):
    """What expression and statement lowering ask of ``formal.Formal`` (which sits above them).

    ``lw`` is an ``expr.ExprLowerer``, ``ex`` a ``stmt.Executor``.
    """

    def any_value(self, node: Any, width: int) -> Term: ...
    def syscall(self, lw: Any, n: Any) -> Term: ...
    def immediate(self, ex: Any, s: Any) -> None: ...


class ElabHooks(Protocol):
    """What calls and write collection ask of ``elab.Elaborator`` (which sits above this module)."""

    const: ReadCtx

    def declare(self, scope: Scope, var: Any, extra: Any = None, attrs: set[str] | None = None,
                register: bool = True) -> Net | None: ...


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

    def __init__(self, design: "Netlist"):
        self.design = design

    def read_net(self, net: Net, node: Any) -> Term:
        return self.design.value(net, node)

    def read_bits(self, net: Net, lo: int, hi: int, node: Any) -> Term:
        return self.design.value_bits(net, lo, hi, node)

    def read_mem(self, net: Net, node: Any) -> Term:
        return self.design.mem_value(net, node)


def slice_(t: Term, hi: int, lo: int) -> Term:
    """``extract`` that looks through concatenations (keeps placeholders out of dead bits)."""
    while t.op == "concat":
        h, l = t.args
        if lo >= l.width:
            t, hi, lo = h, hi - l.width, lo - l.width
        elif hi < l.width:
            t = l
        else:
            return T.concat(slice_(h, hi - l.width, 0), slice_(l, l.width - 1, lo))
    return T.extract(t, hi, lo)


class Netlist:
    """Everything known about the design while it is lowered, and the values of its nets.

    ``formal`` and ``elab`` are set by ``Design``; the hook methods at the end
    are implemented by ``calls.Calls`` and ``design.Design``.
    """

    formal: FormalHooks
    elab: ElabHooks

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
        self.ctx = GlobalCtx(self)
        self._stack: list[Driver] = []
        self._x_count = 0
        self._fn_results: dict = {}
        self._call_depth = 0
        self._notes: set[str] = set()
        self._ph_memo: dict[Term, bool] = {}
        self.top_scope: Scope | None = None

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
            drv = net.block.async_driver if net.block is not None else None
            if drv is not None:   # a memory an asynchronous reset clears reads as cleared while it is active
                self.ensure(drv, node)
                net.value = drv.results[net]
            elif net.state is not None:
                net.value = net.state
            elif net.comb_block is not None:
                drv = net.chunks[0].driver
                self.ensure(drv, node)
                net.value = drv.results[net]
            elif net.word_drivers:
                net.value = self._assigned_words(net, node)
            else:
                self.note(f"memory {net.name} is never written: its contents are free inputs")
                net.value = self.system.add_input(net.name, self.sort_of(net))
        return net.value

    def _assigned_words(self, net: Net, node: Any) -> Term:
        """A memory whose words are driven by ``assign m[k] = ...``: writes over zero, or over a
        free array when some words have no driver (x in Verilog)."""
        if len(net.word_drivers) == net.depth:
            arr = T.const_array(T.const(0, net.width), net.addr_width)
        else:
            self.note(f"memory {net.name}: words without an assign are free inputs")
            arr = self.system.add_input(f"{net.name}$undriven", self.sort_of(net))
        for off in sorted(net.word_drivers):
            drv = net.word_drivers[off]
            self.ensure(drv, node)
            arr = T.write(arr, T.const(off, net.addr_width), drv.results[0])
        return arr

    def fresh_x_array(self, net: Net, node: Any) -> Term:
        """A free array for the words of ``net`` nothing assigned (x in Verilog)."""
        self._x_count += 1
        loc = self.loc(node)
        self.note("x/z values and out-of-range selects are modelled as free inputs ($x...)")
        return self.system.add_input(f"$x{self._x_count}@{os.path.basename(loc.file)}:{loc.line}",
                                     self.sort_of(net))

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
                memo[n] = n.params[0].startswith(("$unassigned$", "$hold$", "$ext$"))
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

    # -------------------------------------------- hooks implemented above
    # Expression and statement lowering (expr, stmt) and elaboration (elab,
    # writes) call these; they need the lowerers themselves, so they live in
    # the subclasses ``calls.Calls`` and ``design.Design``.
    def function(self, scope: Scope, node: Any) -> FunctionDef:
        """Return the definition of the function ``node`` calls, as seen from ``scope``."""
        raise NotImplementedError

    def sub_scope(self, parent: Scope, node: Any,
                  ret: tuple[int, bool] | None) -> tuple[Scope, list[Net], list[Net]]:
        """Return the local scope of a function or task: (scope, inputs in order, all locals)."""
        raise NotImplementedError

    def call_function(self, lw: Any, node: Any) -> Term:
        """Return the value of function call ``node`` lowered by ``lw`` (an ``ExprLowerer``)."""
        raise NotImplementedError

    def call_task(self, ex: Any, s: Any) -> None:
        """Run task call ``s`` inline in executor ``ex``."""
        raise NotImplementedError

    def readmem(self, ex: Any, s: Any) -> None:
        """Run ``$readmemh``/``$readmemb`` ``s`` in executor ``ex``."""
        raise NotImplementedError

    def add_assign(self, scope: Scope, lhs: Any, rhs: Any, node: Any) -> None:
        """Register a continuous assignment."""
        raise NotImplementedError

    def add_port_input(self, scope: Scope, expr: Any, net: Net, inst: Any) -> None:
        """Register the driver of an instance's input port ``net`` by ``expr``."""
        raise NotImplementedError

    def add_port_output(self, scope: Scope, expr: Any, net: Net, inst: Any) -> None:
        """Register ``expr`` as driven by an instance's output port ``net``."""
        raise NotImplementedError

    def add_always(self, scope: Scope, item: Any) -> None:
        """Register an ``always`` block."""
        raise NotImplementedError

    def add_initial(self, scope: Scope, stmt: Any, node: Any) -> None:
        """Register an ``initial`` block."""
        raise NotImplementedError
