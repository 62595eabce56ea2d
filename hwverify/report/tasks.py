"""What ``hwverify run`` prints: one block per task as it finishes, then a summary.

Project files (``.toml``) print ``[task] STATUS rc=N (s)`` blocks; ``.sby``
files print SBY's own log style (``SBY hh:mm:ss [name_task] ...`` and
``DONE (STATUS, rc=N)``) so logs read like SymbiYosys'. A failing task shows
its counterexample table too. Everything is over ``RunResult``.
"""
from __future__ import annotations

import io
import time
from typing import TextIO

from hwverify.prover.result import FAIL, PASS
from hwverify.report.console import print_trace
from hwverify.run.project import runs_exit_code, task_retcode
from hwverify.run.session import RunResult

__all__ = ["property_lines", "sby_lines", "trace_tables", "summary_lines", "run_json", "print_lines"]


def property_lines(run: RunResult) -> list[str]:
    """One line per property: status, name, location, step of a FAIL, reason of anything undecided."""
    if run.error is not None:
        return [f"error: {run.error}"]
    lines = []
    for p in run.properties:
        where = f" ({p.loc})" if p.loc else ""
        depth = f" at step {p.depth}" if p.status == FAIL and p.depth is not None else ""
        why = f": {p.reason}" if p.reason and p.status != PASS else ""
        checked = " (evidence checked by the kernel)" if p.checked else ""
        lines.append(f"{p.status:7} {p.name}{where}{depth}{why}{checked}")
    if run.interrupted:
        lines.append("interrupted: undecided properties are UNKNOWN")
    return lines


def trace_tables(run: RunResult, all_signals: bool = False) -> str:
    """The counterexample / cover tables of a run's failing assertions and reached covers."""
    out = io.StringIO()
    for p in run.properties:
        if p.trace is not None and (p.status == FAIL or (p.status == PASS and p.kind == "cover")):
            print_trace(p.trace, out=out, all_signals=all_signals, system=run.system)
    return out.getvalue()


def sby_lines(run: RunResult) -> list[str]:
    """SBY-style log lines of one task (``summary:`` lines, then ``DONE (STATUS, rc=N)``)."""
    label = run.task.name
    stamp = time.strftime("%H:%M:%S")
    say = [f"SBY {stamp} [{label}] {note}" for note in run.notes]
    if run.error is not None:
        say.append(f"SBY {stamp} [{label}] ERROR: {run.error}")
    elif run.system is not None:
        say.append(f"SBY {stamp} [{label}] {run.system.summary()}")
    for p in run.properties:
        where = f" at {p.loc}" if p.loc else ""
        if p.kind == "cover":
            text = (f"reached cover statement {p.name}{where} step {p.depth}" if p.status == PASS
                    else f"unreached cover statement {p.name}{where}" + (f": {p.reason}" if p.reason else ""))
        elif p.status == FAIL:
            text = f"failed assertion {p.name}{where} step {p.depth}"
        elif p.status == PASS:
            text = (f"{'proved' if p.certificate is not None and not p.certificate.bounded else 'no failure up to depth'}"
                    f" {p.name}{where}" + (" (evidence checked by the kernel)" if p.checked else ""))
        else:
            text = f"{p.status} {p.name}{where}" + (f": {p.reason}" if p.reason else "")
        say.append(f"SBY {stamp} [{label}] summary: {text}")
    say.append(f"SBY {stamp} [{label}] summary: Elapsed clock time: {run.wall:.1f} s")
    say.append(f"SBY {stamp} [{label}] DONE ({run.status}, rc={task_retcode(run.status, run.task.expect)})")
    return say


def summary_lines(runs: list[RunResult]) -> list[str]:
    """The table after all tasks: name, status, seconds, whether it was expected."""
    width = max((len(r.task.name) for r in runs), default=4)
    lines = ["summary:"]
    for r in runs:
        mark = "interrupted" if r.interrupted else "ok" if task_retcode(r.status, r.task.expect) == 0 else "UNEXPECTED"
        mark += "  cached" if r.cached else ""
        lines.append(f"  {r.task.name:<{width}}  {r.status:7}  {r.wall:6.1f} s  {mark}")
        lines += [f"  {'':<{width}}  {note}" for note in r.notes if note.startswith("warning:")]
    return lines


def run_json(runs: list[RunResult]) -> dict:
    code = runs_exit_code(runs)
    statuses = [r.status for r in runs]
    overall = next((s for s in ("FAIL", "ERROR", "TIMEOUT", "UNKNOWN") if s in statuses), "PASS")
    return {"status": overall, "exit_code": code,
            "tasks": [{**r.to_json(), "retcode": task_retcode(r.status, r.task.expect),
                       "expect": [str(e) for e in r.task.expect]} for r in runs]}


def print_lines(lines: list[str], out: TextIO) -> None:
    for line in lines:
        print(line, file=out, flush=True)
