"""A global formal clock for multiclock Amaranth specs: one step per edge of one domain's clock.

Amaranth's formal specs often declare a ``sync`` domain as the time base of
the spec and let the design's own domains (an ``AsyncFIFO``'s ``read`` and
``write``) run from clocks the spec reads and constrains
(``Assume(rose(write_clk) | rose(read_clk))``). Under SBY's ``multiclock on``
every clock, ``sync`` included, is a free input that may or may not rise in
a step, so ``sync`` ticks at most every other step and a bound counted in
``sync`` cycles needs twice the depth. With a global clock the ``sync``
registers become plain ``$ff`` cells (``formalff -clk2ff`` on the cells that
clock reaches, its memories mapped to flip-flops first), so each step is one
``sync`` edge, and only the other clocks go through ``clk2fflogic``.

This is a restriction of SBY's model (no other clock edges twice between two
global-clock edges), the usual meaning of a formal clock, and is only applied
when the design asks for it (``HWVERIFY = {"global_clock": "sync", ...}``).
After lowering, the global clock input must be used by nothing: a register
yosys did not convert, or the clock read as data, is an error rather than a
model in which some ``sync`` registers tick only when the solver likes.
"""
from __future__ import annotations

from hwverify.errors import FrontendError, SourceLoc
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem

__all__ = ["global_clock_script", "check_global_clock_unused"]

# cell ports that carry a clock: flip-flops (CLK), memory write ports (WR_CLK), clocked checks (TRG)
_CLOCK_PORTS = "CLK,WR_CLK,RD_CLK,TRG"


def global_clock_script(path: str, top: str, clk: str) -> list[str]:
    """The yosys commands reading ``path`` and making ``clk`` (a top-level input) the global clock.

    They replace ``read`` + ``prep`` of the model flow; the rest of the flow
    (``clk2fflogic`` for the other clocks, ``write_btor``) follows.
    """
    wire = f"w:{clk}"
    clocked = f"{wire} %co1:+[{_CLOCK_PORTS}] {wire} %d"
    return [
        f"read_rtlil {path}",
        f"hierarchy -check -top {top}",
        "proc",
        f"prep -top {top}",
        "flatten",
        "opt_clean",                      # submodule clock ports become the top-level clock wire
        "memory_nordff",
        f"memory_map {wire} %co1:+[WR_CLK] t:$mem_v2 %i",   # formalff -clk2ff leaves memories alone
        "opt_clean",
        "chformal -lower",                # clocked checks: flip-flops clocked by the global clock + $assert
        f"formalff -clk2ff {clocked}",
    ]


def check_global_clock_unused(system: TransitionSystem, clk: str, domain: str, outputs: set[str],
                              loc: SourceLoc | None) -> None:
    """Raise unless the global clock input ``clk`` feeds nothing but its own name (and output ports)."""
    var = next((v for v in system.inputs if v.name == clk), None)
    if var is None:
        return
    roots = (list(system.init.values()) + list(system.next.values()) + system.constraints
             + [p.term for p in system.asserts + system.covers]
             + [t for n, t in system.signals.items() if t is not var or n in outputs])
    if var in T.free_vars(roots):
        raise FrontendError(f"the global clock {clk} (domain {domain!r}) is read as data or clocks logic yosys did "
                            f"not move to the global clock; a step is one edge of it, where it has no value: "
                            f"read another domain's clock, or drop global_clock for SBY's multiclock model", loc)
