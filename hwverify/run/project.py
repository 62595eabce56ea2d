"""Project files (``hwverify.toml``): named verification tasks run together.

A project file is to hwverify what a ``.sby`` file is to SymbiYosys, but
every task names its own design, so one file covers a whole repository::

    [project]                 # defaults for every task (all optional)
    solver = "bitwuzla"
    timeout = 60              # seconds per task
    jobs = 2                  # tasks run at once (worker processes)

    [tasks.counter]
    design = "designs/verilog/counter.v"     # or a list of files
    top = "counter"
    mode = "prove"            # bmc | prove | cover
    depth = 20
    expect = "pass"           # or a list: ["pass", "fail"]

Keys a task may have: ``design``, ``top``, ``frontend``, ``mode``,
``engine``, ``depth``, ``solver``, ``timeout``, ``expect``, ``asserts``,
``assumes``, ``covers``, ``defines``, ``include``, ``multiclock``.
Paths are relative to the project file. ``hwverify run hwverify.toml
[TASK...]`` runs the tasks (in parallel worker processes when ``jobs`` > 1),
re-checks every verdict's evidence with the kernel, prints one line per task
and a summary, and exits like ``hwverify run FILE.sby``: a task's return code
is 0 when its status is expected, else SBY's code for the status; the run's
is the bitwise OR. A task's ``timeout`` is enforced: its engine runs in a
worker process that is killed when the time is up (TIMEOUT). Every mistake in the file is a one-line ``file:line``
error (exit 16) before anything runs.
"""
from __future__ import annotations

import os
import re
import sys
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any, Callable, Sequence, TextIO

from hwverify.errors import FrontendError, HwverifyError, SourceLoc
from hwverify.run.sby import task_retcode

__all__ = ["ProjectTask", "Project", "load_project", "run_project", "TaskSummary"]

MODES = {"bmc": "bmc", "prove": "kind", "cover": "cover"}
STATUSES = ("PASS", "FAIL", "UNKNOWN", "TIMEOUT", "ERROR")
PROJECT_KEYS = {"solver": str, "timeout": (int, float), "jobs": int, "depth": int, "engine": str,
                "frontend": str}
TASK_KEYS: dict[str, Any] = {
    "design": (str, list), "top": str, "frontend": str, "mode": str, "engine": str, "depth": int,
    "solver": str, "timeout": (int, float), "expect": (str, list), "asserts": list, "assumes": list,
    "covers": list, "defines": dict, "include": list, "multiclock": bool,
}
TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "a table",
              (int, float): "a number", (str, list): "a string or a list of strings"}


@dataclass
class ProjectTask:
    """One named task, with paths already resolved against the project file."""

    name: str
    design: list[str]
    line: int
    top: str | None = None
    frontend: str | None = None
    mode: str = "prove"
    engine: str | None = None
    depth: int = 20
    solver: str = "bitwuzla"
    timeout: float | None = None
    expect: list[str] = field(default_factory=lambda: ["PASS"])
    asserts: list[str] = field(default_factory=list)
    assumes: list[str] = field(default_factory=list)
    covers: list[str] = field(default_factory=list)
    defines: dict[str, str] = field(default_factory=dict)
    include: list[str] = field(default_factory=list)
    multiclock: bool = False


@dataclass
class Project:
    path: str
    tasks: list[ProjectTask]
    jobs: int = 1


@dataclass
class TaskSummary:
    """What a task's run came to: picklable, so it can come back from a worker process."""

    name: str
    status: str
    retcode: int
    seconds: float
    lines: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------- reading
def _key_line(text: str, table: str, key: str | None) -> int | None:
    """The line of ``[table]``'s header (``key`` None) or of ``key = ...`` inside it (1-based)."""
    header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(re.escape(p) for p in table.split(".")) + r"\s*\]")
    in_table = False
    for no, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*\[", line):
            in_table = bool(header.match(line))
            if in_table and key is None:
                return no
            continue
        if in_table and key is not None and re.match(r"^\s*\"?" + re.escape(key) + r"\"?\s*=", line):
            return no
    return None


def _toml_error(path: str, e: tomllib.TOMLDecodeError) -> FrontendError:
    msg = str(e)
    m = re.search(r"\(at line (\d+), column \d+\)", msg)
    line = int(m.group(1)) if m else None
    msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg) if m else msg
    return FrontendError(f"TOML syntax error: {msg}", SourceLoc(path, line))


def _check_type(value: Any, want: Any, what: str, loc: SourceLoc) -> None:
    ok = isinstance(value, want) and not (want in (int, (int, float)) and isinstance(value, bool))
    if not ok:
        raise FrontendError(f"{what} must be {TYPE_NAMES[want]}, not {type(value).__name__} {value!r}", loc)
    if isinstance(value, list) and any(not isinstance(x, str) for x in value):
        raise FrontendError(f"{what} must be a list of strings", loc)


def load_project(path: str) -> Project:
    """Read and validate ``path``; every problem is a FrontendError with file:line."""
    try:
        text = open(path, encoding="utf-8").read()
    except FileNotFoundError:
        raise FrontendError(f"no such file: {path}", SourceLoc(path)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise FrontendError(f"cannot read the project file: {e}", SourceLoc(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise _toml_error(path, e) from None
    for key in data:
        if key not in ("project", "tasks"):
            raise FrontendError(f"unknown table [{key}] (expected [project] and [tasks.NAME])",
                                SourceLoc(path, _key_line(text, key, None) or _key_line(text, "", key)))
    defaults = data.get("project", {})
    if not isinstance(defaults, dict):
        raise FrontendError("'project' must be a table", SourceLoc(path, _key_line(text, "", "project")))
    for key, value in defaults.items():
        loc = SourceLoc(path, _key_line(text, "project", key))
        if key not in PROJECT_KEYS:
            raise FrontendError(f"unknown key {key!r} in [project] (known: {', '.join(sorted(PROJECT_KEYS))})", loc)
        _check_type(value, PROJECT_KEYS[key], f"[project] {key}", loc)
    tasks = data.get("tasks")
    if not isinstance(tasks, dict) or not tasks:
        raise FrontendError("the project defines no tasks (add a [tasks.NAME] table)", SourceLoc(path))
    base = os.path.dirname(os.path.abspath(path))
    jobs = defaults.get("jobs", 1)
    if jobs < 1:
        raise FrontendError(f"[project] jobs must be at least 1, not {jobs}",
                            SourceLoc(path, _key_line(text, "project", "jobs")))
    out = [_read_task(path, text, base, name, body, defaults) for name, body in tasks.items()]
    return Project(path, out, jobs)


def _read_task(path: str, text: str, base: str, name: str, body: Any, defaults: dict) -> ProjectTask:
    table = f"tasks.{name}"
    header = _key_line(text, table, None)
    if not isinstance(body, dict):
        raise FrontendError(f"task {name!r} must be a table ([tasks.{name}])", SourceLoc(path, header))

    def loc(key: str | None = None) -> SourceLoc:
        return SourceLoc(path, (_key_line(text, table, key) if key else None) or header)

    for key, value in body.items():
        if key not in TASK_KEYS:
            raise FrontendError(f"task {name!r}: unknown key {key!r} (known: {', '.join(sorted(TASK_KEYS))})",
                                loc(key))
        _check_type(value, TASK_KEYS[key], f"task {name!r}: {key}", loc(key))
    if "design" not in body:
        raise FrontendError(f"task {name!r} has no 'design'", loc())
    designs = [body["design"]] if isinstance(body["design"], str) else list(body["design"])
    if not designs:
        raise FrontendError(f"task {name!r}: 'design' is empty", loc("design"))
    resolved = []
    for d in designs:
        file_part, sep, cls = d.partition(".py:")
        full = os.path.join(base, file_part + (".py" if sep else ""))
        if not os.path.isfile(full):
            raise FrontendError(f"task {name!r}: no such design file {file_part + ('.py' if sep else '')!r}",
                                loc("design"))
        resolved.append(full + (":" + cls if sep else ""))
    merged = {**{k: v for k, v in defaults.items() if k != "jobs"}, **body}
    mode = merged.get("mode", "prove")
    if mode not in MODES:
        raise FrontendError(f"task {name!r}: mode {mode!r} is not one of {', '.join(MODES)}", loc("mode"))
    from hwverify.prover.registry import ENGINES
    engine = merged.get("engine")
    if engine is not None and (engine not in ENGINES or mode not in ENGINES[engine]):
        usable = [e for e, modes in ENGINES.items() if mode in modes]
        raise FrontendError(f"task {name!r}: engine {engine!r} cannot run mode {mode} "
                            f"(engines for {mode}: {', '.join(usable)})", loc("engine"))
    if merged.get("depth", 20) < 0:
        raise FrontendError(f"task {name!r}: depth must not be negative", loc("depth"))
    expect = merged.get("expect", "pass")
    expect_list = [e.strip().upper() for e in (expect.split(",") if isinstance(expect, str) else expect)]
    bad = [e for e in expect_list if e not in STATUSES]
    if bad:
        raise FrontendError(f"task {name!r}: expect {bad[0].lower()!r} is not one of "
                            f"{', '.join(s.lower() for s in STATUSES)}", loc("expect"))
    defines = merged.get("defines", {})
    for k, v in defines.items():
        if not isinstance(v, (str, int)):
            raise FrontendError(f"task {name!r}: define {k!r} must be a string or integer", loc("defines"))
    return ProjectTask(
        name=name, design=resolved, line=header or 1, top=merged.get("top"), frontend=merged.get("frontend"),
        mode=mode, engine=merged.get("engine"), depth=merged.get("depth", 20),
        solver=merged.get("solver", "bitwuzla"), timeout=merged.get("timeout"), expect=expect_list,
        asserts=list(merged.get("asserts", [])), assumes=list(merged.get("assumes", [])),
        covers=list(merged.get("covers", [])), defines={k: str(v) for k, v in defines.items()},
        include=[os.path.join(base, i) for i in merged.get("include", [])],
        multiclock=bool(merged.get("multiclock", False)))


# ----------------------------------------------------------------------- running
def run_task(task: ProjectTask, check: bool = True) -> TaskSummary:
    """Load, check and kernel-verify one task; design problems are the task's ERROR, not an exception."""
    from hwverify.frontend.load import load_system
    from hwverify.prover.registry import make_engine
    from hwverify.prover.result import EngineOptions
    start = time.monotonic()
    lines: list[str] = []
    try:
        system = load_system(task.design, top=task.top, frontend=task.frontend, defines=task.defines,
                             include_dirs=task.include, asserts=task.asserts, assumes=task.assumes,
                             covers=task.covers, multiclock=task.multiclock)
        options = EngineOptions(solver=task.solver, timeout=task.timeout)
        engine = task.engine or MODES[task.mode]
        if task.timeout is not None and engine != "portfolio":
            # a solver that ignores its limit must not hold the whole run: the worker is killed
            from hwverify.run.worker import run_isolated
            result = run_isolated(system, engine, options, task.depth, task.mode)
        else:
            result = make_engine(engine, system, options, mode=task.mode).check(task.depth)
        if check:
            from hwverify.cli import check_evidence
            check_evidence(system, result, None)
        for p in result.properties:
            where = f" ({p.loc})" if p.loc else ""
            depth = f" at step {p.depth}" if p.status == "FAIL" and p.depth is not None else ""
            why = f": {p.reason}" if p.reason and p.status not in ("PASS",) else ""
            lines.append(f"{p.status:7} {p.name}{where}{depth}{why}")
        status = result.status
    except HwverifyError as e:
        lines.append(f"error: {e}")
        status = "ERROR"
    retcode = task_retcode(status, task.expect)
    return TaskSummary(task.name, status, retcode, time.monotonic() - start, lines)


def run_project(path: str, names: Sequence[str] = (), out: TextIO | None = None, check: bool = True,
                jobs: int | None = None, solver: str | None = None) -> tuple[int, list[TaskSummary]]:
    """Run the named tasks (default: all) of the project at ``path``; return (exit code, summaries).

    ``solver`` (the command line's ``--solver``) overrides the file's choice for every task.
    """
    out = out or sys.stdout
    project = load_project(path)
    by_name = {t.name: t for t in project.tasks}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise FrontendError(f"no task named {', '.join(unknown)} (tasks: {', '.join(by_name)})", SourceLoc(path))
    tasks = [by_name[n] for n in names] if names else project.tasks
    if solver:
        for t in tasks:
            t.solver = solver
    jobs = max(1, min(jobs or project.jobs, len(tasks)))

    def report(s: TaskSummary) -> None:
        print(f"[{s.name}] {s.status} rc={s.retcode} ({s.seconds:.1f} s)", file=out, flush=True)
        for line in s.lines:
            print(f"[{s.name}]   {line}", file=out, flush=True)

    summaries = _run_all(tasks, check, jobs, report)
    code = 0
    for s in summaries:
        code |= s.retcode
    width = max(len(s.name) for s in summaries)
    print("summary:", file=out)
    for s in summaries:
        mark = "ok" if s.retcode == 0 else "UNEXPECTED"
        print(f"  {s.name:<{width}}  {s.status:7}  {s.seconds:6.1f} s  {mark}", file=out)
    return code, summaries


def _run_all(tasks: list[ProjectTask], check: bool, jobs: int,
             report: Callable[[TaskSummary], None]) -> list[TaskSummary]:
    """Run tasks in order (jobs == 1) or in a pool of worker processes; report each as it finishes."""
    if jobs == 1:
        done = []
        for t in tasks:
            done.append(run_task(t, check))
            report(done[-1])
        return done
    results: dict[str, TaskSummary] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        futures = {pool.submit(run_task, t, check): t for t in tasks}
        for fut in as_completed(futures):
            t = futures[fut]
            try:
                s = fut.result()
            except Exception as e:  # noqa: BLE001 - a dead worker is that task's ERROR, never a verdict
                s = TaskSummary(t.name, "ERROR", task_retcode("ERROR", t.expect), 0.0,
                                [f"error: worker failed: {type(e).__name__}: {e}"])
            results[t.name] = s
            report(s)
    return [results[t.name] for t in tasks]
