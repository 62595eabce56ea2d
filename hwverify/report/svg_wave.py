"""Traces drawn as SVG waveforms: one row per signal, one column per step, the failing step marked.

A 1-bit signal is a line between low and high; a wider one (a bus) is a
chain of segments, one per run of equal values, each labelled with its value
in hex (when it fits; the value is in the segment's tooltip either way).
The step where an assertion fails (or a cover goal is reached) is a coloured
band across every row. Rows can be paired (``pairs``): for an equivalence
counterexample the reference's and the gate's copy of each output sit one
above the other on the same time axis, the steps where they differ shaded.

Plain SVG 1.1 with no script and no external resource, so the page showing
it needs no server and no plugin; class and ``data-*`` attributes name every
part for tests and style sheets.
"""
from __future__ import annotations

from html import escape
from typing import Mapping, Sequence

from hwverify.semantics.values import Value

__all__ = ["waveform_svg", "Pair"]

ROW = 26            # pixels per signal row
HEADER = 30         # the step-number header
CHAR = 7.2          # width of one character of the 12 px monospace font
MIN_STEP = 30
MAX_STEP = 90
Pair = tuple[str, str]


def _hex(value: int, width: int | None) -> str:
    digits = max(1, ((width or max(1, value.bit_length())) + 3) // 4)
    return format(value, f"0{digits}x")


def waveform_svg(frames: Sequence[Mapping[str, Value]], names: Sequence[str], widths: Mapping[str, int], *,
                 marked: int | None = None, mark_label: str = "FAIL", title: str = "",
                 pairs: Sequence[Pair] = ()) -> str:
    """The SVG text of ``names`` along ``frames`` (flattened: ints only; missing values left blank).

    ``marked`` is the step to mark (the failing or reaching step) with
    ``mark_label``; ``pairs`` lists (reference, gate) names drawn next to each
    other with the steps where they differ shaded (both must be in ``names``).
    """
    steps = len(frames)
    names = list(names)
    labels = [f"{n} [{widths[n] - 1}:0]" if widths.get(n, 1) > 1 else n for n in names]
    label_w = int(max([len(lab) for lab in labels] + [6]) * CHAR) + 16
    widest = max([len(_hex(v, widths.get(n))) for f in frames for n in names
                  if isinstance(v := f.get(n), int) and widths.get(n, 1) > 1] + [1])
    step_w = int(min(MAX_STEP, max(MIN_STEP, widest * CHAR + 14)))
    width = label_w + steps * step_w + 10
    height = HEADER + ROW * len(names) + 8
    differs = _differences(frames, pairs)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="waveform" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="monospace" font-size="12" role="img" '
           f'data-steps="{steps}" data-marked="{"" if marked is None else marked}">']
    if title:
        out.append(f"<title>{escape(title)}</title>")
    out.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>')
    for k in range(steps):   # step grid and numbers
        x = label_w + k * step_w
        out.append(f'<line x1="{x}" y1="{HEADER - 6}" x2="{x}" y2="{height - 4}" stroke="#e3e3e3"/>')
        out.append(f'<text x="{x + step_w / 2:.1f}" y="{HEADER - 12}" text-anchor="middle" fill="#555">{k}</text>')
    if marked is not None and 0 <= marked < steps:
        x = label_w + marked * step_w
        colour = "#d62728" if mark_label == "FAIL" else "#2ca02c"
        out.append(f'<rect class="marked-step" x="{x}" y="{HEADER - 26}" width="{step_w}" '
                   f'height="{height - HEADER + 24}" fill="{colour}" fill-opacity="0.16" stroke="{colour}"/>')
        out.append(f'<text x="{x + step_w / 2:.1f}" y="{HEADER - 1}" text-anchor="middle" font-weight="bold" '
                   f'font-size="10" fill="{colour}">{escape(mark_label)}</text>')
    for row, (name, label) in enumerate(zip(names, labels)):
        top = HEADER + row * ROW
        out.append(f'<g class="signal" data-name="{escape(name, quote=True)}">')
        out.append(f'<text x="6" y="{top + ROW / 2 + 4:.1f}" fill="#222">{escape(label)}</text>')
        values = [f.get(name) if isinstance(f.get(name), int) else None for f in frames]
        if widths.get(name, 1) <= 1 and all(v in (0, 1, None) for v in values):
            out += _bit_row(values, top, label_w, step_w)
        else:
            out += _bus_row(values, widths.get(name), top, label_w, step_w)
        for k in differs.get(name, ()):   # over the values: a pale cover with an outline
            out.append(f'<rect class="differs" x="{label_w + k * step_w}" y="{top + 1}" width="{step_w}" '
                       f'height="{ROW - 2}" fill="#ff7f0e" fill-opacity="0.30" stroke="#ff7f0e"/>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _differences(frames: Sequence[Mapping[str, Value]], pairs: Sequence[Pair]) -> dict[str, list[int]]:
    """Per name of a pair, the steps where the two sides' values differ."""
    marks: dict[str, list[int]] = {}
    for a, b in pairs:
        steps = [k for k, f in enumerate(frames) if f.get(a) is not None and f.get(a) != f.get(b)]
        if steps:
            marks[a] = marks[b] = steps
    return marks


def _bit_row(values: list[int | None], top: int, x0: int, step_w: int) -> list[str]:
    """A 1-bit signal as one polyline (high 5 px below the row's top, low 5 px above its bottom)."""
    hi, lo = top + 5, top + ROW - 5
    points: list[str] = []
    parts = []
    for k, v in enumerate(values):
        if v is None:
            if len(points) > 1:
                parts.append(points)
            points = []
            continue
        y = hi if v else lo
        x = x0 + k * step_w
        if points:
            points.append(f"{x},{y}")
        points += [f"{x},{y}", f"{x + step_w},{y}"]
    if len(points) > 1:
        parts.append(points)
    return [f'<polyline class="bit" fill="none" stroke="#1f77b4" stroke-width="1.6" points="{" ".join(p)}"/>'
            for p in parts]


def _bus_row(values: list[int | None], width: int | None, top: int, x0: int, step_w: int) -> list[str]:
    """A bus as one hexagon per run of equal values, labelled with the value in hex when it fits."""
    out = []
    k = 0
    mid, hi, lo = top + ROW / 2, top + 4, top + ROW - 4
    while k < len(values):
        end = k
        while end + 1 < len(values) and values[end + 1] == values[k]:
            end += 1
        if values[k] is not None:
            text = _hex(values[k], width)
            x1, x2 = x0 + k * step_w + 1, x0 + (end + 1) * step_w - 1
            s = min(4, (x2 - x1) / 4)
            shape = (f"{x1},{mid} {x1 + s},{hi} {x2 - s},{hi} {x2},{mid} {x2 - s},{lo} {x1 + s},{lo}")
            fill = "#fff3cd" if values[k] else "#f4f4f4"
            out.append(f'<g class="bus-value" data-value="{text}"><title>{text} (steps {k}-{end})</title>'
                       f'<polygon points="{shape}" fill="{fill}" stroke="#8c6d1f" stroke-width="1"/>')
            if len(text) * CHAR <= x2 - x1 - 6:
                out.append(f'<text x="{(x1 + x2) / 2:.1f}" y="{mid + 4:.1f}" text-anchor="middle" '
                           f'fill="#222">{text}</text>')
            elif x2 - x1 > 3 * CHAR:
                out.append(f'<text x="{(x1 + x2) / 2:.1f}" y="{mid + 4:.1f}" text-anchor="middle" '
                           f'fill="#222">…</text>')
            out.append("</g>")
        k = end + 1
    return out
