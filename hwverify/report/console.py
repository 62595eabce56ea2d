"""Human-readable output: per-property results, traces as tables, progress.

On a terminal this uses rich (colours, a live status with one line per
running job); otherwise plain lines, so logs and CI output stay clean.

Traces are printed in blocks of steps that fit the width (80 columns when the
output is not a terminal), each block repeating the signal names, so a
200-step counterexample reads like a 10-step one: no cell is ever wrapped or
cut. Internal names (yosys' ``stateNN``, ``$past1``, enable wires, constant
clocks) are hidden unless asked for: ``visible_signals`` is the one place
that decides what is internal.
"""
from __future__ import annotations

import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence, TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.markup import escape
from rich.text import Text

from hwverify.formats.vcd import signal_widths
from hwverify.prover.result import FAIL, PASS, Result
from hwverify.semantics.replay import annotate_trace
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.trace import Trace
from hwverify.semantics.values import ArrayValue, Value

__all__ = ["print_result", "print_trace", "visible_signals", "ProgressDisplay", "STATUS_STYLE"]

STATUS_STYLE = {"PASS": "bold green", "FAIL": "bold red", "UNKNOWN": "yellow", "TIMEOUT": "yellow",
                "ERROR": "bold magenta"}
LOG_WIDTH = 80          # trace width when the output is not a terminal (and COLUMNS is not set)
MAX_ARRAY_WORDS = 8     # arrays touching more words than this show one summary row
MAX_CELL = 16           # wider values (more than 64 bits) are listed step by step below the tables
_COLUMN_GAP = 3         # spaces between trace table columns

# Names a user did not write: yosys' unnamed BTOR2 states and inputs (state12, input3), auxiliary
# registers and cells ($past1, $auto$..., a.$formal$...), escaped `\$` names, names starting with '_'.
_INTERNAL = re.compile(r"^(state|input)\d+$|^[$_]|(^|\.)\\?\$")
_CLOCK = re.compile(r"(^|[._])(clk|clock)(_?[a-z]|\d+)?$|_(clk|clock)$", re.I)   # clk, clk_a, sys_clk; not clk_en


def visible_signals(names: Iterable[str], all_signals: bool = False) -> list[str]:
    """The names of ``names`` a user wants to see, sorted; every one with ``all_signals``.

    Hidden: yosys' ``stateNN``/``inputNN``, ``$``-names (``$past1``, a ``\\$``
    escaped one, ``u.$formal``), names starting with ``_``, and ``X_EN`` when
    ``X`` is also a name (the enable wire yosys adds next to a register or
    memory). Constant clocks need the values: ``print_trace`` drops those.
    """
    names = sorted(set(names))
    if all_signals:
        return names
    present = set(names)
    return [n for n in names
            if not _INTERNAL.search(n) and not (n.endswith("_EN") and n[:-3] in present)]


# ------------------------------------------------------------------ results
def print_result(result: Result, out: TextIO | None = None) -> None:
    """One line per property, then the overall verdict."""
    console = _console(out)
    for p in result.properties:
        where = f" ({p.loc})" if p.loc else ""
        extra = []
        if p.status == FAIL and p.trace is None and p.reason:
            extra.append(p.reason)      # an unreachable cover says so, never a step it failed in
        elif p.status == FAIL and p.depth is not None:
            extra.append(f"step {p.depth}")
        elif p.status == PASS and p.kind == "cover" and p.depth is not None:
            extra.append(f"reached in step {p.depth}")
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


# ------------------------------------------------------------------- traces
@dataclass
class _Row:
    """One row of a trace table: a label (name and radix) and one cell per step."""

    label: str
    cells: list[str]

    @property
    def cell_width(self) -> int:
        return max((len(c) for c in self.cells), default=0)


def print_trace(trace: Trace, out: TextIO | None = None, names: Sequence[str] | None = None, *,
                all_signals: bool = False, width: int | None = None,
                widths: Mapping[str, int] | None = None, system: TransitionSystem | None = None) -> None:
    """A title line, then the trace in blocks of steps: one row per signal, one column per step.

    ``names`` picks the signals (in that order; array names show their
    words); by default every signal ``visible_signals`` keeps, minus clocks
    that never change, or all with ``all_signals``. ``width`` defaults to the
    terminal's (``COLUMNS`` or 80 in logs); ``widths`` (bit widths by name,
    e.g. ``formats.vcd.signal_widths``) pads hex to the signal's width.
    1-bit signals show 0/1, wider ones hex (``'h`` after the name).
    ``system`` (the one the trace is about) supplies both: the widths, and
    every named signal per step (``annotate_trace``) when the trace has only
    inputs and states. Without widths a radix is guessed from the values, so
    a 32-bit register that stays 0 shows as one bit.

    The title is a line of its own, never wrapped by rich: as a table title it
    would be broken to the table's width (a one-step trace is narrower than
    "counterexample for <property>"), splitting the property's name.
    """
    if system is not None:
        if not trace.signals:
            annotate_trace(system, trace)
        widths = {**signal_widths(system), **(widths or {})}
    frames = trace.signals or trace.frames
    steps = len(frames)
    console = _console(out)
    width = width or _width(out)
    title = (f"{'counterexample' if trace.kind == 'assert' else 'cover trace'} for {trace.prop}, "
             f"{steps} step{'s' if steps != 1 else ''}")
    console.print(Text(title, style="bold"), soft_wrap=True)
    if names is None:
        names = [n for n in visible_signals({n for f in frames for n in f}, all_signals)
                 if all_signals or not _constant_clock(n, frames)]
    rows = _rows(frames, names, widths or {})
    if not rows or not steps:
        return
    label_width = max(len("signal"), *(len(r.label) for r in rows))
    room = width - label_width - _COLUMN_GAP
    wide = [r for r in rows if r.cell_width > min(room, MAX_CELL)]   # one would leave a step per block
    narrow = [r for r in rows if r not in wide]
    if narrow:
        for n, (first, last) in enumerate(_blocks(narrow, steps, room)):
            if n:
                console.print()
            _print_block(console, narrow, first, last, steps, trace.kind == "assert")
    for row in wide:
        _print_wide(console, row, width)


def _rows(frames: list[dict[str, Value]], names: Sequence[str], widths: Mapping[str, int]) -> list[_Row]:
    """The table rows of ``names``: arrays become one row per word the trace touches (or a summary)."""
    rows = []
    for name in names:
        values = [f.get(name) for f in frames]
        if any(isinstance(v, ArrayValue) for v in values):
            rows += _array_rows(name, values, widths.get(name))
        else:
            rows.append(_int_row(name, values, widths.get(name)))  # type: ignore[arg-type]
    return rows


def _int_row(label: str, values: list[int | None], width: int | None) -> _Row:
    """Binary for 1-bit signals, hex (padded to the width) for wider ones."""
    if width is None:   # not told: the widest value decides (0 and 1 read the same in both radixes)
        width = max((v.bit_length() for v in values if v is not None), default=1)
    if width <= 1:
        return _Row(label, ["" if v is None else str(v) for v in values])
    digits = (width + 3) // 4
    return _Row(f"{label} 'h", ["" if v is None else format(v, f"0{digits}x") for v in values])


def _array_rows(name: str, values: list, width: int | None) -> list[_Row]:
    """One row per touched word (``mem[3]``), or a ``[n words]`` row when there are many."""
    touched = sorted({i for v in values if isinstance(v, ArrayValue) for i in v.entries})
    if len(touched) > MAX_ARRAY_WORDS:
        return [_Row(f"{name} (words set)", [f"[{len(v.entries)} words]" if isinstance(v, ArrayValue) else ""
                                            for v in values])]
    if not touched:
        return [_int_row(f"{name}[*]", [v.default if isinstance(v, ArrayValue) else None for v in values], width)]
    return [_int_row(f"{name}[{i}]", [v.read(i) if isinstance(v, ArrayValue) else None for v in values], width)
            for i in touched]


def _blocks(rows: list[_Row], steps: int, room: int) -> list[tuple[int, int]]:
    """Split steps 0..steps-1 into runs whose columns fit in ``room`` characters (at least one each)."""
    blocks, first, used = [], 0, 0
    for k in range(steps):
        w = max(len(str(k)), *(len(r.cells[k]) for r in rows)) + _COLUMN_GAP
        if k > first and used + w > room + _COLUMN_GAP:
            blocks.append((first, k))
            first, used = k, 0
        used += w
    blocks.append((first, steps))
    return blocks


def _print_block(console: Console, rows: list[_Row], first: int, last: int, steps: int,
                 counterexample: bool) -> None:
    """Steps first..last-1 as aligned text: a header of step numbers, a rule, one line per row.

    Laid out here rather than by rich's Table: the widths are already known
    (they decided the blocks), and a Table costs ~40 ms a block.
    """
    label_width = max(len("signal"), *(len(r.label) for r in rows))
    widths = [max(len(str(k)), *(len(r.cells[k]) for r in rows)) for k in range(first, last)]
    gap = " " * _COLUMN_GAP
    header = Text("signal".ljust(label_width), style="bold")
    for k, w in zip(range(first, last), widths):
        final = counterexample and k == steps - 1     # the step where the assertion fails
        header.append(gap + str(k).rjust(w), style="bold red" if final else "bold")
    console.print(header, soft_wrap=True)
    console.print("─" * len(header.plain), soft_wrap=True)
    for r in rows:
        line = r.label.ljust(label_width) + "".join(gap + c.rjust(w) for c, w in zip(r.cells[first:last], widths))
        console.print(Text(line), soft_wrap=True)


def _print_wide(console: Console, row: _Row, width: int) -> None:
    """A signal too wide for a table of several steps: one step per line, hex in groups of 8 digits."""
    console.print(Text(row.label, style="bold"), soft_wrap=True)
    for k, cell in enumerate(row.cells):
        groups = [cell[max(0, i - 8):i] for i in range(len(cell), 0, -8)][::-1]
        prefix = f"  {k:>4}: "
        line = prefix
        for g in groups:
            if len(line) + len(g) + 1 > width and line.strip() != prefix.strip():
                console.print(line.rstrip(), soft_wrap=True)
                line = " " * len(prefix)
            line += g + "_"
        console.print(line.rstrip("_"), soft_wrap=True)


def _constant_clock(name: str, frames: list[dict[str, Value]]) -> bool:
    """A clock input the lowering made constant (one step is one cycle): noise in a table."""
    if not _CLOCK.search(name):
        return False
    values = {f.get(name) for f in frames if not isinstance(f.get(name), ArrayValue)}
    return len(values) <= 1


def _width(out: TextIO | None) -> int:
    f = out or sys.stdout
    if _isatty(f):
        return Console(file=f).width
    try:
        return max(20, int(os.environ.get("COLUMNS", "")))
    except ValueError:
        return LOG_WIDTH


def _console(out: TextIO | None) -> Console:
    """Rich on a terminal; unbounded width in logs (callers keep their own lines short)."""
    f = out or sys.stdout
    return Console(file=f, highlight=False, width=None if _isatty(f) else 100_000)


def _isatty(f: TextIO) -> bool:
    try:
        return f.isatty()
    except (AttributeError, ValueError):
        return False


# ----------------------------------------------------------------- progress
_MESSAGE = re.compile(r"^(?:\[(?P<member>[^\]]+)\]\s*)?(?:(?P<engine>[\w/-]+):\s*)?(?P<rest>.*)$", re.S)
_DEPTH = re.compile(r"\bstep (\d+)|\bk=(\d+)")
_PLAIN_INTERVAL = 5.0   # seconds between plain progress lines of one job in a log
_QUIET = 1.0            # nothing is shown for a job younger than this (most runs are over by then)


@dataclass
class _Job:
    """What one running job reported last: per portfolio member (or engine), its engine and depth."""

    label: str
    start: float
    members: dict[str, tuple[str, int | None, str]] = field(default_factory=dict)
    status: str | None = None
    end: float | None = None
    printed: float = float("-inf")    # when its last plain line went out

    def update(self, message: str) -> None:
        m = _MESSAGE.match(message.strip())
        member, engine, rest = (m.group("member"), m.group("engine"), m.group("rest")) if m else (None, None, message)
        depth = [d for pair in _DEPTH.findall(rest) for d in pair if d]
        self.members[member or engine or ""] = (engine or "", int(depth[-1]) if depth else None, rest)

    def describe(self, now: float, label_width: int = 0) -> str:
        """``label  12.3s  engine step N`` (every member of a portfolio), or its final status."""
        elapsed = f"{(self.end or now) - self.start:6.1f}s"
        label = self.label.ljust(label_width)
        if self.status is not None:
            return f"{label}  {elapsed}  {self.status}"
        parts = []
        for member, (engine, depth, rest) in self.members.items():
            who = member if member and member != engine else engine
            parts.append(f"{who} step {depth}" if depth is not None else f"{who}: {rest}".strip(": "))
        return f"{label}  {elapsed}  {', '.join(parts) or 'starting'}"


class ProgressDisplay:
    """A live status of running jobs: one line each with engine, depth reached and elapsed time.

    On a terminal the lines are updated in place (rich ``Live``, erased at
    ``close``); in a log, a plain line per job at most every 5 s; nothing when
    disabled. Jobs finished within a second print nothing, so quick runs stay
    quiet. ``callback(label)`` is the ``EngineOptions.progress`` of one job;
    calling the display itself reports for a job labelled ``run``.
    """

    def __init__(self, enabled: bool | None = None, out: TextIO | None = None):
        self.out = out or sys.stderr
        self.enabled = True if enabled is None else enabled
        self.live_mode = _isatty(self.out)
        self.jobs: dict[str, _Job] = {}
        self.live: Live | None = None
        self.lock = threading.Lock()   # callbacks may come from worker-relay threads

    def callback(self, label: str) -> Callable[[str], None]:
        """The progress function for job ``label``: each engine message updates its line."""
        self._job(label)
        return lambda message: self.report(label, message)

    def __call__(self, message: str) -> None:
        self.report("run", message)

    def report(self, label: str, message: str) -> None:
        if not self.enabled:
            return
        with self.lock:
            job = self._job(label)
            job.update(message)
            self._show(job)

    def done(self, label: str, status: str) -> None:
        """Job ``label`` finished with ``status``: its line says so (a log gets it only if it said anything)."""
        if not self.enabled:
            return
        with self.lock:
            job = self._job(label)
            job.status, job.end = str(getattr(status, "value", status)), time.monotonic()
            if not self.live_mode and job.printed > float("-inf"):
                self._plain(job.describe(job.end))
            elif self.live is not None:
                self.live.refresh()

    def close(self) -> None:
        """Stop the live display (its lines are erased: the results follow)."""
        with self.lock:
            if self.live is not None:
                self.live.stop()
                self.live = None

    # internals
    def _job(self, label: str) -> _Job:
        if label not in self.jobs:
            self.jobs[label] = _Job(label, time.monotonic())
        return self.jobs[label]

    def _show(self, job: _Job) -> None:
        now = time.monotonic()
        if self.live_mode:
            if self.live is None:   # started at once, showing jobs only after a second (see ``lines``)
                console = Console(file=self.out, highlight=False)
                self.live = Live(_Lines(self), console=console, refresh_per_second=4, transient=True)
                self.live.start()
        elif now - job.start >= _QUIET and now - job.printed >= _PLAIN_INTERVAL:
            job.printed = now
            self._plain(job.describe(now))

    def _plain(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def lines(self) -> list[str]:
        """The current status lines, one per job (what the live display shows)."""
        now = time.monotonic()
        shown = [j for j in self.jobs.values() if (j.members or j.status is not None) and now - j.start >= _QUIET]
        width = max((len(j.label) for j in shown), default=0)
        return [j.describe(now, width) for j in shown]


class _Lines:
    """The live display's renderable: re-read at every refresh so elapsed times keep moving."""

    def __init__(self, display: ProgressDisplay):
        self.display = display

    def __rich__(self) -> Group:
        texts = []
        for line in self.display.lines():
            text = Text(line, no_wrap=True, overflow="ellipsis")
            for status, style in STATUS_STYLE.items():
                text.highlight_regex(rf"(?<=s  ){status}$", style=style)
            texts.append(text)
        return Group(*texts)
