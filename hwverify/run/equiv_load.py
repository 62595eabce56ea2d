"""Loading the two designs of an equivalence check: netlists, cell libraries and clocks.

``run.session._load_miter`` reads the reference and the gate through
``load_system``; this module decides *how*, so that what users compare
(RTL against a synthesized or standard-cell netlist, a core whose clock is
used on both edges) loads instead of failing:

* a file that instantiates yosys' internal cells (``\\$_AND_``, ``\\$_DFF_P_``,
  what ``write_verilog -noexpr`` writes) is read by yosys when no frontend
  was chosen (yosys reads it with ``read_verilog -icells``);
* cell libraries (``--lib FILE...``) are Verilog models read with both
  designs; a model written as a user-defined primitive (``primitive ...
  endprimitive``, as many PDK models are) is an error naming the UDP and its
  file:line, since no frontend here reads UDP tables;
* when a design's clock is used on both edges, or it has several clocks,
  and ``--multiclock`` was not given, both designs are lowered again by
  yosys with ``clk2fflogic`` (one step is one tick of a global clock, so a
  clock period takes two steps) and a one-line note says so. Both designs,
  never one: a miter of a clk2fflogic model and a one-step-per-cycle model
  would compare different time scales. A single clock used on both edges is
  returned by name, for the miter to toggle it every step
  (``EquivSemantics.clock``): one clock has one waveform, and without it the
  solver could hold the clock still through the reset. Several clocks stay
  free inputs (any interleaving of their edges).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from hwverify.errors import FrontendError, HwverifyError, SourceLoc
from hwverify.frontend.load import load_system
from hwverify.semantics.system import TransitionSystem

__all__ = ["load_pair", "LoadedPair", "check_no_udp", "uses_yosys_cells"]

_UDP = re.compile(r"^\s*primitive\s+(\\?\S+?)\s*\(", re.M)
_YOSYS_CELL = re.compile(r"^\s*\\\$_?[A-Za-z]\w*\s", re.M)     # an instance of \$_AND_, \$add, ...
# the messages frontends give for clocking only clk2fflogic models: a clock used on both edges
# (pyverilog, yosys' "also used with opposite polarity"), several clocks (yosys frontend)
_CLOCK_TROUBLE = re.compile(r"both edges of clock|multiple clocks|opposite polarity|clk2fflogic|"
                            r"the design has \d+ clocks")


def _read(path: str) -> str:
    try:
        with open(path, errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""       # load_system reports missing files with their name


def check_no_udp(paths: Sequence[str]) -> None:
    """Raise a FrontendError naming the first user-defined primitive (UDP) in ``paths``."""
    for path in paths:
        text = _read(path)
        m = _UDP.search(text)
        if m:
            line = text.count("\n", 0, m.start()) + 1
            raise FrontendError(
                f"user-defined primitive (UDP) 'primitive {m.group(1)}' is not supported: no frontend here reads "
                f"UDP tables; give the cell a behavioural model (assign/always) or one of gate primitives "
                f"(and, nand, not, ...)", SourceLoc(path, line))


def uses_yosys_cells(paths: Sequence[str]) -> bool:
    """Does a file instantiate yosys' internal cells (a netlist written by ``write_verilog -noexpr``)?"""
    return any(_YOSYS_CELL.search(_read(p)) for p in paths)


@dataclass
class LoadedPair:
    """The two designs of an equivalence check and how they were read."""

    gold: TransitionSystem
    gate: TransitionSystem
    notes: list[str] = field(default_factory=list)   # one line each: yosys cells, clk2fflogic
    clock: str | None = None                          # the one clock lowered by clk2fflogic, to be toggled


def _frontend(files: list[str], chosen: str | None, notes: list[str]) -> str | None:
    if chosen is None and uses_yosys_cells(files):
        notes.append(f"netlist: {files[0]} instantiates yosys internal cells: read by yosys (read_verilog -icells)")
        return "yosys"
    return chosen


def load_pair(ref_files: list[str], ref_top: str | None, ref_frontend: str | None,
              gate_files: list[str], gate_top: str | None, gate_frontend: str | None,
              libs: Sequence[str] = (), *, multiclock: bool = False, **common) -> LoadedPair:
    """The reference and gate systems and how they were read (see the module docstring).

    ``common`` holds ``load_system``'s other options (defines, include_dirs, clocks_together).
    """
    libs = list(libs)
    check_no_udp(libs + ref_files + gate_files)
    notes: list[str] = []
    fe_ref = _frontend(ref_files, ref_frontend, notes)
    fe_gate = _frontend(gate_files, gate_frontend, notes)

    def both(mc: bool, a: str | None, b: str | None) -> tuple[TransitionSystem, TransitionSystem]:
        gold = load_system(ref_files + libs, top=ref_top, frontend=a, multiclock=mc, **common)
        gate = load_system(gate_files + libs, top=gate_top, frontend=b, multiclock=mc, **common)
        return gold, gate

    clock = None
    try:
        gold, gate = both(multiclock, fe_ref, fe_gate)
    except HwverifyError as e:
        if multiclock or not _CLOCK_TROUBLE.search(e.message) or "pyverilog" in (fe_ref, fe_gate):
            raise
        try:
            gold, gate = both(True, fe_ref or "yosys", fe_gate or "yosys")
        except HwverifyError as again:
            raise FrontendError(f"{e.message}; lowering both designs with clk2fflogic failed too: {again.message}",
                                e.loc) from None
        where = f"{e.loc}: " if e.loc else ""
        clock = _both_edges_clock(e.message)
        notes.append(f"clocks: {where}{_clock_reason(e.message)}: both designs lowered with yosys clk2fflogic "
                     + (f"(clock {clock} toggles every step: a clock cycle is 2 steps)" if clock else
                        "(one step = one global-clock tick; clocks are free inputs)"))
    return LoadedPair(gold, gate, notes, clock)


def _both_edges_clock(message: str) -> str | None:
    """The clock a 'used on both edges' error names (None for several clocks)."""
    m = re.search(r"both edges of clock (\S+) are used|CLK (\S+) on .* also used with opposite polarity", message)
    return (m.group(1) or m.group(2)) if m else None


def _clock_reason(message: str) -> str:
    m = re.search(r"(both edges of clock \S+ are used|multiple clocks \([^)]*\)|"
                  r"CLK \S+ .*? also used with opposite polarity|the design has \d+ clocks: [^;]*)", message)
    return m.group(1) if m else "the clocking needs clk2fflogic"
