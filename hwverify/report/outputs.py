"""Files a run leaves behind: traces (VCD, JSON), certificates, JUnit — written after the verdict is shown.

Every writer collects its failures as one-line messages instead of raising,
so an unwritable path never loses the verdict; the caller prints them after
it. File and folder names derived from property names are sanitised
(``count <= 8`` becomes ``count_le_8``), and default outputs go under
``.hwverify/`` rather than into the working directory.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
from dataclasses import dataclass, field

from hwverify.cosim.command import design_record
from hwverify.formats.vcd import write_vcd
from hwverify.kernel.certdir import write_certificate_dir
from hwverify.prover.result import FAIL, PASS, PropertyResult
from hwverify.report.console import print_trace
from hwverify.report.junit import JUnitCase, write_junit
from hwverify.run.project import task_retcode
from hwverify.run.session import RunResult
from hwverify.semantics.replay import annotate_trace

__all__ = ["OUTPUT_ROOT", "safe_name", "unique_names", "Written", "write_traces", "write_certificates",
           "write_run_junit", "junit_cases", "task_junit_case", "task_junit_cases", "error_case",
           "write_sby_workdir", "write_task_traces"]

OUTPUT_ROOT = ".hwverify"
_OPERATORS = [("<=", "le"), (">=", "ge"), ("==", "eq"), ("!=", "ne"), ("&&", "and"), ("||", "or"),
              ("->", "implies"), ("<<", "shl"), (">>", "shr"), ("<", "lt"), (">", "gt"), ("!", "not"),
              ("~", "inv"), ("+", "plus"), ("-", "minus"), ("*", "times"), ("&", "band"), ("|", "bor"),
              ("^", "xor"), ("%", "mod"), ("/", "div")]


def safe_name(name: str, limit: int = 80) -> str:
    """A file-name-safe version of a property name: operators spelled out, other odd characters as ``_``."""
    text = name
    for op, word in _OPERATORS:
        text = text.replace(op, f" {word} ")
    text = re.sub(r"[^A-Za-z0-9_.]+", "_", text).strip("._") or "property"
    if len(text) > limit:
        text = text[:limit - 9] + "_" + hashlib.sha256(name.encode()).hexdigest()[:8]
    return text


def unique_names(names: list[str]) -> dict[str, str]:
    """``safe_name`` of each name, made unique (a short hash when two names clash)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for n in names:
        s = safe_name(n)
        if s in used:
            s = f"{s}_{hashlib.sha256(n.encode()).hexdigest()[:8]}"
        used.add(s)
        out[n] = s
    return out


@dataclass
class Written:
    """What the writers produced: paths by property, and the errors to show after the verdict."""

    vcd: dict[str, str] = field(default_factory=dict)
    trace_json: dict[str, str] = field(default_factory=dict)
    certificates: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def attempt(self, path: str, action) -> bool:
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            action()
            return True
        except OSError as e:
            self.errors.append(f"cannot write {path}: {e.strerror or e}")
            return False


def _per_property(base: str, safe: str, several: bool) -> str:
    if not several:
        return base
    root, ext = os.path.splitext(base)
    return f"{root}.{safe}{ext}"


def write_traces(run: RunResult, written: Written, vcd: str | None = None, trace_json: str | None = None,
                 design: dict | None = None) -> None:
    """Write every trace as VCD to ``vcd`` and/or JSON to ``trace_json`` (one file per property when several)."""
    traced = [p for p in run.properties if p.trace is not None]
    if not traced or run.system is None or not (vcd or trace_json):
        return
    names = unique_names([p.name for p in traced])
    for p in traced:
        if not p.trace.signals:   # already named by an earlier reporter (console, HTML)
            annotate_trace(run.system, p.trace)
        several = len(traced) > 1
        if vcd:
            path = _per_property(vcd, names[p.name], several)

            def dump_vcd(path: str = path, p: PropertyResult = p) -> None:
                with open(path, "w") as fh:
                    write_vcd(run.system, p.trace, fh)
            if written.attempt(path, dump_vcd):
                written.vcd[p.name] = path
        if trace_json:
            path = _per_property(trace_json, names[p.name], several)
            p.trace.design = design
            if written.attempt(path, lambda path=path, p=p: p.trace.dump(path)):
                written.trace_json[p.name] = path


def write_certificates(run: RunResult, written: Written, folder: str) -> None:
    """Export the certificate of every PASS as ``folder/<property>/`` (``check-proof folder`` re-checks all)."""
    proven = [p for p in run.properties if p.status == PASS and p.certificate is not None]
    names = unique_names([p.name for p in proven])
    for p in proven:
        path = os.path.join(folder, names[p.name])
        if written.attempt(os.path.join(path, "manifest.json"),
                           lambda path=path, p=p: write_certificate_dir(run.system, p.certificate, path)):
            written.certificates[p.name] = path


TRACE_LINES = 16   # lines of a counterexample table a JUnit failure shows


def _failure_text(p: PropertyResult) -> str:
    where = f" at {p.loc}" if p.loc else ""
    if p.status == FAIL:
        step = f" in step {p.depth}" if p.depth is not None else ""
        why = f": {p.reason}" if p.trace is None and p.reason else ""
        return f"{p.kind} {p.name}{where} fails{step}{why}"
    return f"{p.status}{where}: {p.reason}" if p.reason else f"{p.status}{where}"


def _trace_head(run: RunResult, p: PropertyResult, lines: int = TRACE_LINES) -> str:
    """The first ``lines`` lines of the property's trace table (as the console prints it), or ''."""
    if p.trace is None:
        return ""
    out = io.StringIO()
    try:
        print_trace(p.trace, out=out, width=100, system=run.system)
    except Exception as e:  # noqa: BLE001 - the verdict's case is written even if its table cannot be
        return f"(trace not shown: {type(e).__name__}: {e})"
    text = out.getvalue().splitlines()
    more = f"\n... ({len(text) - lines} more lines: see the VCD/JSON trace)" if len(text) > lines else ""
    return "\n".join(text[:lines]) + more


def _property_case(run: RunResult, p: PropertyResult, classname: str, seconds: float,
                   expected: bool = False) -> JUnitCase:
    """One property's case; under an expected task status (``expect = fail``) it passes, the verdict in system-out."""
    text = "" if p.status == PASS else _failure_text(p)
    details = "\n".join(t for t in (text, _trace_head(run, p) if p.status == FAIL else "") if t)
    if expected and p.status != PASS:
        return JUnitCase(p.name, PASS, seconds, classname=classname, output=f"expected: {details}")
    return JUnitCase(p.name, p.status, seconds, text, classname=classname, details=details)


def error_case(name: str, error: BaseException, classname: str = "hwverify", seconds: float = 0.0) -> JUnitCase:
    """The one error case of a run whose design (or project file) did not load."""
    return JUnitCase(name, "ERROR", seconds, str(error), classname=classname)


def junit_cases(run: RunResult, classname: str | None = None) -> list[JUnitCase]:
    """One JUnit case per property; one error case when the task did not run."""
    cls = classname or run.task.label()
    if run.error is not None:
        return [error_case(run.task.name or "load", run.error, cls, run.wall)]
    share = run.engine_time / max(1, len(run.properties))
    return [_property_case(run, p, cls, share) for p in run.properties]


def task_junit_case(run: RunResult, classname: str | None = None) -> JUnitCase:
    """One JUnit case for a whole task of ``hwverify run``: passing when its status is the expected one."""
    ok = task_retcode(run.status, run.task.expect) == 0
    if run.error is not None:
        text = str(run.error)
    else:
        text = "; ".join(_failure_text(p) for p in run.properties if p.status != PASS)
    expect = "/".join(str(e) for e in run.task.expect)
    return JUnitCase(run.task.name, PASS if ok else run.status, run.wall,
                     "" if ok else f"{run.status} (expected {expect}): {text}", classname=classname or run.task.name,
                     output=f"{run.status} (expected {expect})" + (f": {text}" if text else "") if ok else "")


def task_junit_cases(run: RunResult, project: str) -> list[JUnitCase]:
    """A project task's cases: the task (its status against ``expect``), then one per property.

    The task case is classed under the project, its properties under
    ``project.task``. A task expected to fail has passing property cases that
    say what failed; a task that did not load has only its error case.
    """
    cases = [task_junit_case(run, classname=project)]
    if run.error is not None:
        return cases
    ok = task_retcode(run.status, run.task.expect) == 0
    share = run.engine_time / max(1, len(run.properties))
    return cases + [_property_case(run, p, f"{project}.{run.task.name}", share, expected=ok) for p in run.properties]


def write_run_junit(path: str, suite: str, cases: list[JUnitCase], written: Written) -> None:
    written.attempt(path, lambda: write_junit(path, suite, cases))


def write_task_traces(run: RunResult, written: Written, folder: str) -> None:
    """A project task's traces as ``folder/<property>.vcd`` and ``.json``."""
    write_traces(run, written, vcd=os.path.join(folder, "trace.vcd"), trace_json=os.path.join(folder, "trace.json"),
                 design=design_record(run.task))


def write_sby_workdir(run: RunResult, written: Written, folder: str, log: list[str]) -> None:
    """SBY's work-folder layout, so scripts written for SymbiYosys keep working.

    ``status`` (first word: the status), an empty file named after the status,
    ``logfile.txt``, and for a failing assertion ``engine_0/trace.vcd`` (cover
    traces ``engine_0/trace<i>.vcd``), each with a JSON twin.
    """
    status = str(run.status)
    retcode = task_retcode(run.status, run.task.expect)

    def write_text(name: str, text: str) -> None:
        path = os.path.join(folder, name)

        def dump() -> None:
            with open(path, "w") as fh:
                fh.write(text)
        written.attempt(path, dump)

    for stale in ("PASS", "FAIL", "UNKNOWN", "TIMEOUT", "ERROR"):
        try:
            os.remove(os.path.join(folder, stale))
        except OSError:
            pass
    write_text("status", f"{status} {retcode} {run.wall:.0f}\n")
    write_text(status, "")
    write_text("logfile.txt", "".join(line + "\n" for line in log))
    fails = [p for p in run.properties if p.trace is not None and p.status == FAIL]
    covers = [p for p in run.properties if p.trace is not None and p.kind == "cover" and p.status == PASS]
    engine = os.path.join(folder, "engine_0")
    for i, p in enumerate(fails[:1] + covers):
        stem = "trace" if p in fails else f"trace{i - len(fails[:1])}"
        single = RunResult(run.task, [p], run.system)
        write_traces(single, written, vcd=os.path.join(engine, stem + ".vcd"),
                     trace_json=os.path.join(engine, stem + ".json"))
