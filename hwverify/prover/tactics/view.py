"""The proof state as people read it: text with colours in a terminal, HTML in Jupyter.

Laid out like a proof assistant's info view: the open goals (the current one
first, with where it comes from), the hypotheses, the assumptions, what the
last tactic said, and, when induction failed, the counterexample to
induction as a table (one row per named register, input and claim, one column
per frame; the violated claim and unreachable values marked), then hints.
Plain text marks cells with ``*`` (unreachable: violates a proven invariant),
``?`` (a value simulation never produced) and ``✗`` (the violated claim).
"""
from __future__ import annotations

import html
import io

from rich.console import Console
from rich.text import Text

from hwverify.prover.tactics.cti import CTI, Row
from hwverify.prover.tactics.state import State

__all__ = ["ProofView", "render_cti"]

_MARK = {"unreachable": "*", "unseen": "?", "violated": ""}
_STYLE = {"unreachable": "bold red", "unseen": "yellow", "violated": "bold red reverse"}
_KIND_STYLE = {"register": "", "input": "cyan", "signal": "dim", "claim": "bold", "hypothesis": "green"}
MAX_FRAMES_PER_BLOCK = 10


class ProofView:
    """A snapshot of the proof state for display (``str``, rich, ``_repr_html_``)."""

    def __init__(self, state: State, proven: list[str], complete: bool):
        self.state = state
        self.proven = list(proven)
        self.complete = complete

    @property
    def ok(self) -> bool:
        """Whether the last tactic succeeded."""
        return self.state.ok

    @property
    def message(self) -> str:
        return self.state.message

    @property
    def cti(self) -> CTI | None:
        return self.state.cti

    def text(self) -> Text:
        """The state as rich text (styles for a terminal; ``.plain`` for logs)."""
        st = self.state
        out = Text()
        n_goals = len(st.goals)
        out.append(f"{n_goals} goal{'s' if n_goals != 1 else ''}", style="bold")
        out.append(f", {len(st.hyps)} hypothes{'is' if len(st.hyps) == 1 else 'es'}  (solver {st.solver})\n")
        for i, g in enumerate(st.goals):
            claim = st.claims[g.claim]
            head = "▶ " if i == 0 else "  "
            out.append(head + g.label(), style="bold" if i == 0 else "")
            desc = f"lemma: {claim.text}" if claim.kind == "lemma" else "assertion"
            where = f" ({claim.loc})" if claim.loc else ""
            out.append(f"  {desc}{where}\n", style="dim")
            for text, _ in claim.strengthen:
                out.append(f"      with {text}\n", style="dim")
        if not st.goals:
            out.append("  no goals\n", style="green")
        if st.hyps:
            out.append("hypotheses\n", style="bold")
            for h in st.hyps:
                shown = "; ".join(h.texts[:6]) + (f"; … ({len(h.texts)} in all)" if len(h.texts) > 6 else "")
                how = f"{h.method}, {h.k}-inductive" + (", simple path" if h.simple_path else "")
                out.append(f"  {h.name}: ", style="green")
                out.append(f"{shown}  [{how}]\n")
        if st.assumptions:
            out.append("assumptions\n", style="bold")
            for a in st.assumptions:
                out.append(f"  {a}\n")
        for name, trace in st.refuted.items():
            out.append(f"FAIL {name}: counterexample of {trace.depth + 1} step(s) from reset\n", style="bold red")
        if st.message:
            out.append(("" if st.ok else "✗ ") + st.message + "\n", style="" if st.ok else "bold red")
        if st.cti is not None:
            out.append_text(render_cti(st.cti))
        if st.hints:
            out.append("next: ", style="bold")
            out.append("  |  ".join(st.hints) + "\n")
        return out

    def __str__(self) -> str:
        return self.text().plain

    __repr__ = __str__

    def __rich__(self) -> Text:
        return self.text()

    def ansi(self, width: int = 100) -> str:
        """The state with terminal colours (for the shell)."""
        buf = io.StringIO()
        Console(file=buf, force_terminal=True, width=width, highlight=False).print(self.text(), end="")
        return buf.getvalue()

    def _repr_html_(self) -> str:
        st = self.state
        parts = [f"<div><b>{len(st.goals)} goal(s), {len(st.hyps)} hypothesis(es)</b> (solver {st.solver})<ul>"]
        for i, g in enumerate(st.goals):
            claim = st.claims[g.claim]
            desc = f"lemma: {claim.text}" if claim.kind == "lemma" else "assertion"
            loc = f" ({claim.loc})" if claim.loc else ""
            label = f"<b>{html.escape(g.label())}</b>" if i == 0 else html.escape(g.label())
            parts.append(f"<li>{label} <i>{html.escape(desc + loc)}</i></li>")
        parts.append("</ul>")
        if st.hyps:
            parts.append("<b>hypotheses</b><ul>")
            for h in st.hyps:
                parts.append(f"<li><span style='color:green'>{html.escape(h.name)}</span>: "
                             f"{html.escape('; '.join(h.texts))} [{h.method}, {h.k}-inductive]</li>")
            parts.append("</ul>")
        if st.message:
            color = "black" if st.ok else "#b00"
            parts.append(f"<p style='color:{color}'>{html.escape(st.message)}</p>")
        if st.cti is not None:
            parts.append(cti_html(st.cti))
        if st.hints:
            parts.append("<p><b>next:</b> " + " | ".join(f"<code>{html.escape(h)}</code>" for h in st.hints)
                         + "</p>")
        return "".join(parts) + "</div>"


def _label(row: Row) -> str:
    if row.kind in ("register", "input", "signal") and row.width > 1:
        return f"{row.name} 'h"
    return row.name


def render_cti(cti: CTI) -> Text:
    """The CTI table in blocks of frames, marks after the values."""
    out = Text()
    case = f", case {cti.case}" if cti.case else ""
    out.append(f"counterexample to {cti.k}-induction of {cti.goal}{case}: frames 0..{cti.k - 1} satisfy "
               f"the claim, frame {cti.k} violates {', '.join(cti.violated) or 'it'}\n", style="bold")
    labels = [_label(r) for r in cti.rows]
    lw = max([len("frame")] + [len(x) for x in labels])
    frames = list(range(cti.k + 1))
    for b in range(0, len(frames), MAX_FRAMES_PER_BLOCK):
        block = frames[b:b + MAX_FRAMES_PER_BLOCK]
        widths = [max([len(str(j))] + [len(r.cell(j)) + 1 for r in cti.rows]) for j in block]
        out.append("frame".ljust(lw), style="bold")
        for j, w in zip(block, widths):
            out.append("  " + str(j).rjust(w), style="bold red" if j == cti.k else "bold")
        out.append("\n" + "─" * (lw + sum(w + 2 for w in widths)) + "\n")
        for row, label in zip(cti.rows, labels):
            out.append(label.ljust(lw), style=_KIND_STYLE.get(row.kind, ""))
            for j, w in zip(block, widths):
                mark = row.marks.get(j)
                cell = row.cell(j) + (_MARK.get(mark, "") if mark else "")
                out.append("  " + cell.rjust(w), style=_STYLE.get(mark, "") if mark else "")
            out.append("\n")
        if b + MAX_FRAMES_PER_BLOCK < len(frames):
            out.append("\n")
    legend = []
    if any("unreachable" in r.marks.values() for r in cti.rows):
        legend.append("* violates a proven invariant (no reachable state has it)")
    if any("unseen" in r.marks.values() for r in cti.rows):
        legend.append("? never seen in simulation")
    if legend:
        out.append("  ".join(legend) + "\n", style="dim")
    if cti.blocked_by:
        out.append("invariants this CTI violates: " + "; ".join(cti.blocked_by[:5]) + "\n", style="dim")
    return out


def cti_html(cti: CTI) -> str:
    """The CTI table as HTML (Jupyter)."""
    head = "".join(f"<th style='color:{'#b00' if j == cti.k else 'inherit'}'>{j}</th>" for j in range(cti.k + 1))
    rows = []
    for row in cti.rows:
        cells = []
        for j in range(cti.k + 1):
            mark = row.marks.get(j)
            style = {"unreachable": "background:#fcc;font-weight:bold", "unseen": "background:#ffd",
                     "violated": "background:#b00;color:white"}.get(mark or "", "")
            title = f" title='{mark}'" if mark else ""
            cells.append(f"<td style='{style}'{title}>{html.escape(row.cell(j))}</td>")
        rows.append(f"<tr><th style='text-align:left'>{html.escape(_label(row))}</th>{''.join(cells)}</tr>")
    case = f", case {html.escape(cti.case)}" if cti.case else ""
    return (f"<p><b>counterexample to {cti.k}-induction of {html.escape(cti.goal)}{case}</b></p>"
            f"<table><tr><th>frame</th>{head}</tr>{''.join(rows)}</table>")
