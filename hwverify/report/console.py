"""Human-readable output: per-property results, traces as tables, progress.

On a terminal this uses rich (colours, a live status line for runs longer
than a second); otherwise plain lines, so logs and CI output stay clean.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from hwverify.prover.result import FAIL, PASS, Result
from hwverify.formats.vcd import flatten_frames
from hwverify.semantics.trace import Trace

STATUS_STYLE = {"PASS": "bold green", "FAIL": "bold red", "UNKNOWN": "yellow", "TIMEOUT": "yellow",
                "ERROR": "bold magenta"}
MAX_TRACE_COLUMNS = 40


def print_result(result: Result, out: TextIO | None = None) -> None:
    """One line per property, then the overall verdict."""
    console = _console(out)
    for p in result.properties:
        where = f" ({p.loc})" if p.loc else ""
        extra = []
        if p.status == FAIL and p.depth is not None:
            extra.append(f"step {p.depth}")
        if p.status == PASS and p.certificate is not None:
            extra.append("bounded" if p.certificate.bounded else f"{p.certificate.method}, k={p.certificate.k}")
        if p.reason and p.status not in (PASS, FAIL):
            extra.append(p.reason)
        if p.checked:
            extra.append("evidence checked by kernel")
        tail = escape(f" [{'; '.join(extra)}]") if extra else ""
        style = STATUS_STYLE.get(p.status, "")
        console.print(f"{p.kind} {escape(p.name)}{escape(where)}: [{style}]{p.status}[/]{tail}")
    style = STATUS_STYLE.get(result.status, "")
    console.print(f"[{style}]{result.status}[/] ({result.engine}, {result.solver}, {result.time:.2f}s)")


def print_trace(trace: Trace, out: TextIO | None = None, names: list[str] | None = None) -> None:
    """A title line, then the trace as a table: one row per signal, one column per cycle.

    The title is a line of its own, never wrapped by rich: as a table title it
    would be broken to the table's width (a one-step trace is narrower than
    "counterexample for <property>"), splitting the property's name.
    """
    rows = flatten_frames(trace.signals or trace.frames)
    console = _console(out)
    shown = names or sorted({n for f in rows for n in f})
    first = max(0, len(rows) - MAX_TRACE_COLUMNS)
    steps = f"{len(rows)} step{'s' if len(rows) != 1 else ''}"
    title = f"{'counterexample' if trace.kind == 'assert' else 'cover trace'} for {trace.prop}, {steps}"
    if first:
        title += f" (the last {len(rows) - first} shown)"
    console.print(Text(title, style="bold"), soft_wrap=True)
    table = Table()
    table.add_column("signal", no_wrap=True)
    for k in range(first, len(rows)):
        table.add_column(str(k), justify="right")
    for name in shown:
        table.add_row(name, *[_fmt(rows[k].get(name)) for k in range(first, len(rows))])
    console.print(table)


def _console(out: TextIO | None) -> Console:
    """Rich on a terminal; unbounded width in logs so tables are never squeezed."""
    f = out or sys.stdout
    return Console(file=f, highlight=False, width=None if f.isatty() else 100_000)


def _fmt(v: int | None) -> str:
    if v is None:
        return ""
    return str(v) if v < 10 else hex(v)


class ProgressDisplay:
    """A live status line on a terminal, shown only once a run passes one second."""

    def __init__(self, enabled: bool | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.start = time.monotonic()
        self.status = None
        self.console = Console(file=sys.stderr)

    def __call__(self, message: str) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.start
        if elapsed < 1.0:
            return
        text = f"{message}  [{elapsed:.1f}s]"
        if self.status is None:
            self.status = self.console.status(text)
            self.status.start()
        else:
            self.status.update(text)

    def close(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None
