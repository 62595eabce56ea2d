"""Verilog-2005 to ``TransitionSystem`` through pyverilog's AST (not its dataflow analyser).

``lower_verilog(files, top)`` preprocesses and parses the files, elaborates
the hierarchy below ``top`` (parameters, generate, instances flattened under
hierarchical names such as ``u_core.state``), then lowers behaviour:

* one global clock: every clocked ``always`` must use the same top-level
  input edge (derived or multiple clocks are rejected, see ``--frontend yosys``);
  one transition of the system is one clock cycle;
* registers are the variables clocked blocks write; their next-state terms
  come from symbolic execution with simulation semantics for blocking and
  non-blocking assignments; without an initial value they are free at step 0;
* asynchronous resets (``always @(posedge clk or negedge rst_n)``) follow
  yosys' ``async2sync``: the register's next state is the block's result,
  and while a reset is active the register *reads* as its reset value in the
  same cycle. Inputs are sampled once per cycle, so this is exact for a
  cycle-based environment (a reset pulse between two edges is invisible);
* ``assign``, ``always @*`` and port connections are combinational and
  resolved on demand; a loop among them is an error naming the chain;
* properties inside the RTL follow ``formal.py``.

The supported subset and the constructs we reject are listed in docs/verilog.md.
"""
from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from typing import Any

from pyverilog.vparser import ast as A

from hwverify.errors import FrontendError, SemanticsError
from hwverify.frontend.verilog.design import Design, unwrap_in
from hwverify.frontend.verilog.expr import ExprLowerer
from hwverify.frontend.verilog.model import Driver, Net
from hwverify.frontend.verilog.netlist import Block, Netlist
from hwverify.frontend.verilog.parse import parse_files
from hwverify.frontend.verilog.stmt import Executor
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem

__all__ = ["lower_verilog", "lower_verilog_info", "VerilogInfo", "FORMAL_DEFINES"]

FORMAL_DEFINES = {"FORMAL": "1"}


@dataclass
class VerilogInfo:
    """What a simulator-side harness needs to know about a lowered design."""

    top: str
    clock: str | None = None                 # top-level clock input, if any
    clock_edge: str = "posedge"
    inputs: list[tuple[str, int]] = field(default_factory=list)    # (name, width), clock excluded
    outputs: list[tuple[str, int]] = field(default_factory=list)
    registers: list[str] = field(default_factory=list)   # states that are RTL variables
    memories: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (lowest address, depth)


def lower_verilog(files: list[str], top: str, defines: dict[str, str] | None = None,
                  include_dirs: list[str] | None = None, formal: bool = True) -> TransitionSystem:
    """Lower Verilog ``files`` with top module ``top`` into a transition system.

    ``FORMAL`` is defined unless ``formal=False`` (so `` `ifdef FORMAL`` code
    is included, as SBY does). Errors are ``FrontendError`` (or its subclass
    ``UnsupportedError``) carrying ``file:line``.
    """
    return lower_verilog_info(files, top, defines, include_dirs, formal)[0]


def lower_verilog_info(files: list[str], top: str, defines: dict[str, str] | None = None,
                       include_dirs: list[str] | None = None,
                       formal: bool = True) -> tuple[TransitionSystem, VerilogInfo]:
    """``lower_verilog`` plus the clock, ports and registers of the design."""
    defs = dict(FORMAL_DEFINES if formal else {})
    defs.update(defines or {})
    parsed = parse_files(list(files), defs, include_dirs)
    design = Design(parsed, top)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20000))
    try:
        return _lower(design, top)
    except RecursionError:
        raise FrontendError("design nesting too deep to lower (combinational chain or expression)",
                            parsed.lines.loc(None)) from None
    finally:
        sys.setrecursionlimit(old)


def _lower(design: Design, top: str) -> tuple[TransitionSystem, VerilogInfo]:
    d = design
    mod = d.modules.get(top)
    if mod is None:
        close = difflib.get_close_matches(top, list(d.modules), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else \
            f"; modules: {', '.join(sorted(d.modules)) or 'none'}"
        raise FrontendError(f"top module {top!r} not found{hint}", d.parsed.lines.loc(1))
    scope = d.elab.module(mod, "", {})
    d.top_scope = scope
    for key, (_, node) in d.defparams.items():
        if key not in d.defparams_used:
            raise d.error(node, f"defparam target {key} does not exist")
    clocked = [b for b in d.blocks if b.kind == "clocked"]
    _analyse_clocks(d, clocked)
    system = d.system
    # Inputs, in port order (the clock is implicit: one step per edge).
    for name in scope.fn_cache["ports"]:
        net = scope.names[name]
        if net.port == "input" and not net.clock:
            net.value = system.add_input(net.name, net.width)
    # Registers: variables written by clocked blocks.
    for blk in clocked:
        for net in sorted(blk.targets, key=lambda n: n.name):
            _make_register(d, net, blk)
    _formal_attributes(d)
    _constant_registers(d)
    for blk in clocked:
        if blk.asyncs:
            blk.async_driver = _async_driver(d, blk)
    _initial_values(d)
    for blk in clocked:
        ex = Executor(d, blk.scope, "clocked", blk.targets, set(blk.loopvars))
        ex.run(blk.body)
        for net, v in ex.final_values(sorted(blk.targets, key=lambda n: n.name)).items():
            system.set_next(net.state, v)
    for drv in list(d.drivers):
        if not getattr(drv, "clock_path", False):
            d.ensure(drv, None)
    loopvars = {n for b in d.blocks for n in b.loopvars}
    info = VerilogInfo(top)
    for net in d.nets:
        if net.clock:
            if net.top_port:
                info.clock, info.clock_edge = net.name, clocked[0].clock[1]
            continue
        if net in loopvars and net.state is None and not net.chunks:
            continue   # a for-loop counter: a temporary of its block
        system.signals[net.name] = d.mem_value(net, None) if net.is_memory else d.value(net, None)
        if net.state is not None and net.state.name == net.name:
            info.registers.append(net.name)
            if net.is_memory:
                info.memories[net.name] = (min(net.mem_range), net.depth)  # type: ignore[arg-type]
        if net.top_port and net.port == "input":
            info.inputs.append((net.name, net.width))
        elif net.top_port and net.port == "output":
            info.outputs.append((net.name, net.width))
    system.outputs = [n for n, _ in info.outputs]
    # Properties in source order, whatever order their blocks were lowered in.
    order = lambda p: (p.loc.file if p.loc else "", p.loc.line or 0 if p.loc else 0)  # noqa: E731
    system.asserts.sort(key=order)
    system.covers.sort(key=order)
    try:
        system.validate()
    except SemanticsError as e:  # placeholders must never escape: an internal error
        raise FrontendError(f"internal error while lowering {top}: {e}") from None
    return system, info


# --------------------------------------------------------------------- clocks
def _clock_root(d: Design, blk: Block) -> Net:
    sig, _ = blk.clock
    if not isinstance(sig, A.Identifier):
        raise d.error(sig, "clock must be a plain signal name", True)
    lw = ExprLowerer(d, blk.scope, d.elab.const)
    net = lw.resolve(sig)
    path: list[tuple[Net, Driver | None]] = [(net, None)]
    while not net.top_port:
        chunks = net.chunks
        if len(chunks) != 1 or chunks[0].lo != 0 or chunks[0].hi != net.width - 1 or \
                chunks[0].driver.alias is None:
            raise d.error(sig, f"clock {net.name} is not a top-level input (derived or gated "
                               "clocks are not supported)", True)
        drv = chunks[0].driver
        ascope, ident = drv.alias
        net = ExprLowerer(d, ascope, d.elab.const).resolve(ident)
        path.append((net, drv))
    if net.port != "input":
        raise d.error(sig, f"clock {net.name} must be a top-level input", True)
    for n, drv in path:
        n.clock = True
        if drv is not None:
            drv.clock_path = True
    return net


def _analyse_clocks(d: Design, clocked: list[Block]) -> None:
    seen: dict[Net, set[str]] = {}
    for blk in clocked:
        root = _clock_root(d, blk)
        seen.setdefault(root, set()).add(blk.clock[1])
    if len(seen) > 1:
        names = ", ".join(sorted(n.name for n in seen))
        raise d.error(clocked[0].node, f"multiple clocks ({names}) are not supported", True)
    for root, edges in seen.items():
        if len(edges) > 1:
            raise d.error(clocked[0].node, f"both edges of clock {root.name} are used", True)
        d.note(f"clock: {next(iter(edges))} {root.name} (one transition per edge)")


# ------------------------------------------------------------------ registers
def _make_register(d: Design, net: Net, blk: Block) -> None:
    if net.block is not None and net.block is not blk:
        raise d.error(blk.node, f"{net.name} is assigned in more than one clocked block "
                                f"(also at {net.block.scope and d.loc(net.block.node)})")
    if net.chunks or net.comb_block is not None or net.word_drivers:
        raise d.error(blk.node, f"{net.name} is assigned in a clocked block and also driven "
                                f"combinationally ({net.chunks[0].driver if net.chunks else 'always @*'})")
    if net.port == "input":
        raise d.error(blk.node, f"input {net.name} cannot be assigned")
    if net.attrs & {"anyconst", "anyseq"}:
        raise d.error(blk.node, f"{net.name} is (* {' '.join(net.attrs)} *) and cannot be assigned")
    net.block = blk
    net.state = d.system.add_state(net.name, d.sort_of(net))


def _formal_attributes(d: Design) -> None:
    for net in d.nets:
        kinds = net.attrs & {"anyconst", "anyseq"}
        if not kinds:
            continue
        if net.chunks or net.block is not None:
            raise d.error(None, f"{net.name} is (* {kinds.pop()} *) but also assigned")
        if "anyseq" in kinds:
            net.value = d.system.add_input(net.name, d.sort_of(net))
        else:
            st = d.system.add_state(net.name, d.sort_of(net))
            d.system.set_next(st, st)
            net.state = net.value = st


def _constant_registers(d: Design) -> None:
    """Variables with an initial value but no other writer keep it forever."""
    inited: list[Net] = list(d.init_regs)
    for blk in d.blocks:
        if blk.kind == "initial":
            inited += sorted(blk.targets, key=lambda n: n.name)
    done: set[Net] = set()
    for net in inited:
        if net in done or net.block is not None or net.state is not None:
            continue
        done.add(net)
        if net.chunks:
            d.note(f"initial value of {net.name} ignored: it is driven combinationally")
            continue
        st = d.system.add_state(net.name, d.sort_of(net))
        d.system.set_next(st, st)
        net.state = net.value = st


def _async_driver(d: Design, blk: Block) -> Driver:
    def fn(design: Netlist) -> dict:
        ex = Executor(d, blk.scope, "async", blk.targets, set(blk.loopvars))
        s, scope = unwrap_in(d, blk.body, blk.scope)
        arms = []

        def arm(st: Any, sc: Any) -> None:
            ex.scope = sc
            ex.run(st)

        for _ in range(blk.async_depth):
            ex.scope = scope
            arms.append((ex.lowerer().truth(s.cond), (lambda st=s.true_statement, sc=scope: arm(st, sc))))
            s, scope = unwrap_in(d, s.false_statement, scope)
        ex.branch(arms, lambda: None)
        return ex.final_values(sorted(blk.targets, key=lambda n: n.name))

    names = ", ".join(sorted(getattr(sig, "name", "?") for sig, _ in blk.asyncs))
    d.note(f"asynchronous reset ({names}) at {d.loc(blk.node)} modelled as async2sync: "
           "registers read as their reset value while it is active")
    return Driver(d.loc(blk.node), "asynchronous reset", fn)


def _initial_values(d: Design) -> None:
    """Initial states: declaration assignments, then every ``initial`` block in source order.

    All initial blocks run at time 0, one after the other in source order as
    Icarus runs them (yosys differs in corners, see docs/verilog.md): one executor
    carries the values of one block into the next, so ``$readmemh`` in one
    block and ``mem[7] = 0`` in another both count, the later write of the
    same bits wins, and ``a = 1`` then ``a[3:2] = 2'b11`` is ``4'b1101``.
    Non-blocking assignments land after all blocks, as in the NBA region.
    """
    blocks = [b for b in d.blocks if b.kind == "initial"]
    ex: Executor | None = None
    last: dict[Net, Block] = {}
    for net in d.init_regs:   # ``reg r = 0;`` comes first (Icarus and SystemVerilog agree)
        if net.state is None:
            continue
        ex = ex or Executor(d, net.scope, "initial", set())
        ex.env.vals[net] = ExprLowerer(d, net.scope, d.ctx).lower_assign(net.init_node, net.width)
        ex.env.mask[net] = (1 << net.width) - 1
    for blk in blocks:
        if ex is None:
            ex = Executor(d, blk.scope, "initial", blk.targets, set(blk.loopvars))
        ex.scope, ex.targets, ex.locals = blk.scope, blk.targets, set(blk.loopvars)
        ex.run(blk.body)
        for net in blk.targets:
            last[net] = blk
        # Only variables with a state carry over: loop counters and nets driven
        # combinationally are read afresh by later blocks, as before.
        for env in (ex.env.vals, ex.env.nba, ex.env.mask, ex.env.nba_mask):
            for net in [n for n in env if n.state is None]:
                del env[net]
    if ex is None:
        return
    nets = sorted(ex.env.vals.keys() | ex.env.nba.keys(), key=lambda n: n.name)
    inits: dict[Net, Any] = {}
    for net, v in ex.final_values(nets).items():
        if not net.is_memory and ex.unassigned_bits(net):
            blk = last.get(net)
            raise d.error(blk.node if blk else None,
                          f"{net.name} is only partly or conditionally initialised", True)
        v = ex.cleanup(net, v)
        inits[net] = _sorted_writes(v) if net.is_memory else v
    inputs = set(d.system.inputs)
    for net, v in inits.items():
        used = [x for x in T.free_vars([v]) if x in inputs]
        if used:
            if all(x.name.startswith("$x") for x in used):
                d.note(f"initial value of {net.name} contains x: left free")
                continue
            raise d.error(None, f"initial value of {net.name} depends on input {used[0].name}")
        d.system.set_init(net.state, v)


def _sorted_writes(arr: Any) -> Any:
    """``arr``'s outer writes at constant addresses, one per address (the last), in address order.

    Writes to distinct constant addresses commute, so this is the same array;
    it is also the shape yosys gives a memory's ``$meminit`` words, so the
    cross-frontend miter sees the two initial memories as the same term.
    """
    words: dict[int, Any] = {}
    while arr.op == "write" and arr.args[1].op == "const":
        words.setdefault(arr.args[1].value, arr.args)
        arr = arr.args[0]
    for addr in sorted(words):
        _, idx, val = words[addr]
        arr = T.write(arr, idx, val)
    return arr
