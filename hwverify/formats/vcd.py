"""Traces as VCD waveforms, signals named and scoped as in the source.

A hierarchical name ``u_core.state`` becomes variable ``state`` in scope
``top.u_core``. Arrays are written one variable per element the trace
touches (``mem[3]``), as waveform viewers cannot show whole arrays.
"""
from __future__ import annotations

from typing import TextIO

from vcd import VCDWriter

from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Array
from hwverify.semantics.trace import Trace
from hwverify.semantics.values import ArrayValue, Value

CLOCK_PERIOD = 10


def flatten_frames(frames: list[dict[str, Value]]) -> list[dict[str, int]]:
    """Expand array values into ``name[i]`` entries for every index any frame touches."""
    touched: dict[str, set[int]] = {}
    for f in frames:
        for name, v in f.items():
            if isinstance(v, ArrayValue):
                touched.setdefault(name, set()).update(v.entries)
    out = []
    for f in frames:
        flat: dict[str, int] = {}
        for name, v in f.items():
            if isinstance(v, ArrayValue):
                flat.update({f"{name}[{i}]": v.read(i) for i in sorted(touched[name])})
            else:
                flat[name] = v
        out.append(flat)
    return out


def signal_widths(system: TransitionSystem) -> dict[str, int]:
    """Bit width of every name a flattened trace may contain (array elements by their base name)."""
    widths = {}
    for name, term in list(system.signals.items()) + [(v.name, v) for v in system.variables]:
        widths[name] = term.sort.elem_width if isinstance(term.sort, Array) else term.sort.width
    return widths


def _clock_name(names: list[str]) -> str:
    """The waveform's own clock variable: ``clock``, unless the design has a top-level signal of that name."""
    taken = set(names)
    name = "clock"
    while name in taken:
        name = "_" + name
    return name


def write_vcd(system: TransitionSystem, trace: Trace, out: TextIO, timescale: str = "1 ns") -> None:
    """Write ``trace`` (its replayed named signals when present, else its variables) to ``out``."""
    rows = flatten_frames(trace.signals or trace.frames)
    widths = signal_widths(system)
    top = system.name or "top"
    names = sorted({n for f in rows for n in f})
    with VCDWriter(out, timescale=timescale, date="today") as w:
        clock = w.register_var(top, _clock_name(names), "wire", size=1)
        handles = {}
        for name in names:
            width = widths.get(name) or widths.get(name.rsplit("[", 1)[0])
            if width is None:
                continue
            parts = name.split(".")
            handles[name] = w.register_var(".".join([top] + parts[:-1]), parts[-1], "wire", size=width)
        for k, frame in enumerate(rows):
            t = k * CLOCK_PERIOD
            w.change(clock, t, 0)
            for name, var in handles.items():
                if name in frame:
                    w.change(var, t, frame[name])
            w.change(clock, t + CLOCK_PERIOD // 2, 1)
        w.change(clock, len(rows) * CLOCK_PERIOD, 0)
