"""Which model names are which RTL names: ports, the clock, registers, memories, by hierarchical name.

Why: cosim and replay must work whatever frontend lowered the design
(pyverilog, yosys, a fallback from one to the other), so the match is made
between the lowered system the proof used and what Icarus itself elaborated
(``rtl.RtlDesign``), never through a second parse of our own.

* Inputs: every input port of the RTL except the clock is driven; the model
  input of the same name gives its value (0 when the model has none: the
  frontend found it unused). Model inputs without a port (``$anyseq``,
  undriven nets) are model-only: signals reading them are nondeterministic.
* The clock: the one 1-bit input port the RTL waits on (``posedge``/``negedge``
  events, Icarus' own elaboration) that the model's next-state, initial,
  constraint and property terms do not read (pyverilog drops it, yosys keeps
  it as an unread input). None for a combinational design.
* Compared: every bit-vector state of the model that is an RTL variable or net,
  and every output port, unless its term reads the clock; memories word by
  word. Deposited: states without an initial value that are RTL variables,
  and the words a partial ``$readmemh`` leaves unset (x in the RTL).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from hwverify.cosim.rtl import RtlDesign, RtlError
from hwverify.frontend.verilog.calls import unset_memory_words
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import BV, Array

__all__ = ["PortMap", "map_design", "RESETS"]

# Reset ports by name: rst, rst_n, reset, resetn, arst_ni, clr, clear ...
RESETS = re.compile(r"(^|_)a?(rst|reset|clr|clear)(_?n|_ni?|_b)?$", re.I)
_CLOCKISH = re.compile(r"(^|_)(clk|clock|ck)(_?i|_in)?$", re.I)


@dataclass
class PortMap:
    """The model and the RTL side by side (see the module docstring)."""

    rtl: RtlDesign
    clock: str | None = None
    edge: str = "posedge"
    inputs: list[tuple[str, int]] = field(default_factory=list)      # RTL input ports driven (no clock)
    compared: list[tuple[str, int]] = field(default_factory=list)    # bit-vector signals, both sides
    words: list[tuple[str, int, int]] = field(default_factory=list)  # (memory, model offset, RTL index)
    deposits: list[str] = field(default_factory=list)                # states the RTL gets from the model
    unset_words: dict[str, list[int]] = field(default_factory=dict)  # memory -> offsets deposited
    nondet: set[str] = field(default_factory=set)                    # compared names reading model-only inputs
    model_only: list[str] = field(default_factory=list)              # model inputs without an RTL port
    skipped: list[str] = field(default_factory=list)                 # model states the RTL does not have
    resets: dict[str, int] = field(default_factory=dict)             # reset port -> active level

    @property
    def active(self) -> int:
        return 0 if self.edge == "negedge" else 1

    def signal_names(self) -> list[str]:
        return [n for n, _ in self.compared] + list(dict.fromkeys(n for n, _, _ in self.words))


def _dynamics_vars(system: TransitionSystem) -> set[T.Term]:
    roots = (list(system.next.values()) + list(system.init.values()) + list(system.constraints)
             + [p.term for p in system.asserts + system.covers + system.justice])
    return set(T.free_vars(roots))


def find_clock(system: TransitionSystem, rtl: RtlDesign) -> tuple[str | None, str]:
    """(clock port, edge) as the module docstring says; RtlError when several ports qualify."""
    read = {v.name for v in _dynamics_vars(system)}
    unread = [n for n, w in rtl.inputs if w == 1 and n not in read]
    clocks = [n for n in unread if rtl.edges.get(n)]
    if len(clocks) > 1:
        named = [n for n in clocks if _CLOCKISH.search(n)]
        clocks = named if len(named) == 1 else clocks
    if len(clocks) > 1:
        raise RtlError(f"several clocks ({', '.join(clocks)}): cosim and replay drive one clock; "
                       "multiclock designs are not simulated yet")
    if not clocks:
        return None, "posedge"
    edges = rtl.edges[clocks[0]]
    if len(edges) > 1:
        raise RtlError(f"the RTL uses both edges of {clocks[0]}: cosim and replay drive one active edge")
    return clocks[0], next(iter(edges))


def map_design(system: TransitionSystem, rtl: RtlDesign, *, all_signals: bool = False) -> PortMap:
    """Match ``system`` (any frontend's lowering) with ``rtl`` (Icarus' elaboration) by name."""
    clock, edge = find_clock(system, rtl)
    pm = PortMap(rtl, clock, edge)
    ports = {n for n, _ in rtl.inputs}
    pm.inputs = [(n, w) for n, w in rtl.inputs if n != clock]
    pm.resets = {n: (0 if m.group(3) else 1) for n, w in pm.inputs if w == 1 and (m := RESETS.search(n))}
    model_only = [v for v in system.inputs if v.name not in ports]
    pm.model_only = [v.name for v in model_only]
    clock_var = [v for v in system.inputs if v.name == clock]
    nondet_vars = set(model_only) - set(clock_var)
    unset = unset_memory_words(system)
    init = set(system.init)
    names: list[str] = []
    for s in system.states:
        if rtl.has(s.name):
            names.append(s.name)
            if s not in init and s.name in rtl.regs | set(rtl.memories):
                pm.deposits.append(s.name)
            elif s.name in unset and s.name in rtl.memories:
                pm.unset_words[s.name] = unset[s.name]
        else:
            pm.skipped.append(s.name)
    names += [n for n, _ in rtl.outputs if n in system.signals]
    if all_signals:
        names += [n for n in system.signals if rtl.has(n) and n not in ports]
    for n in dict.fromkeys(names):
        term = system.signals.get(n)
        if term is None:
            continue
        reads = set(T.free_vars([term]))
        if clock_var and clock_var[0] in reads:
            continue
        if isinstance(term.sort, Array):
            if n in rtl.memories:
                lo, hi, _w = rtl.memories[n]
                depth = min(hi - lo + 1, 1 << term.sort.index_width)
                pm.words += [(n, i, lo + i) for i in range(depth)]
            continue
        if isinstance(term.sort, BV) and n in rtl.nets:
            pm.compared.append((n, term.sort.width))
            if reads & nondet_vars:
                pm.nondet.add(n)
    return pm
