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
    mode = "prove"            # bmc | prove | cover | secure
    depth = 20
    expect = "pass"           # or a list: ["pass", "fail"]

    [tasks.key_isolation]     # noninterference (hwverify secure; docs/crypto.md)
    design = "designs/secure/xor_cipher.v"
    mode = "secure"
    secret = ["key"]          # inputs/registers; "bus_wdata if bus_we && bus_waddr == 4": secret while COND
    public = ["dout", "busy", "done"]
    when = "!done"            # optional: compare only while this holds (in either run)
    release = []              # optional: declassified expressions ("dout if done")

Keys a task may have: ``design``, ``top``, ``frontend``, ``mode``,
``engine``, ``depth``, ``solver``, ``timeout``, ``expect``, ``asserts``,
``assumes``, ``covers``, ``defines``, ``include``, ``multiclock``; for
``mode = "secure"`` also ``secret``, ``public`` (both required), ``when`` and
``release``.
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
import tomllib
from dataclasses import dataclass
from typing import Any, Sequence

from hwverify.errors import FrontendError, SourceLoc
from hwverify.prover.registry import ENGINES, engines_for
from hwverify.prover.result import Mode, Status
from hwverify.run.executor import run_tasks
from hwverify.run.session import RunResult
from hwverify.run.task import PORTFOLIO, Secure, Task

__all__ = ["Project", "load_project", "select_tasks", "task_retcode", "runs_exit_code", "run_project"]

RETCODE_UNEXPECTED = {Status.PASS: 1, Status.FAIL: 2, Status.UNKNOWN: 4, Status.TIMEOUT: 8, Status.ERROR: 16}
STATUSES = tuple(s.value for s in Status)
MODES = tuple(m.value for m in Mode if m is not Mode.EQUIV)   # equiv needs a second design
SECURE_KEYS = ("secret", "public", "when", "release")


def task_retcode(status: str, expect: Sequence[str]) -> int:
    """SBY's per-task return code: 0 when ``status`` is expected, else the code of the status."""
    return 0 if status in expect else RETCODE_UNEXPECTED[Status(status)]


def runs_exit_code(runs: Sequence[RunResult]) -> int:
    """SBY's rule: the bitwise OR of the tasks' return codes; 130 if Ctrl-C stopped the run."""
    if any(r.interrupted for r in runs):
        return 130
    code = 0
    for r in runs:
        code |= task_retcode(r.status, r.task.expect)
    return code
PROJECT_KEYS = {"solver": str, "timeout": (int, float), "jobs": int, "depth": int, "engine": str,
                "frontend": str}
TASK_KEYS: dict[str, Any] = {
    "design": (str, list), "top": str, "frontend": str, "mode": str, "engine": str, "depth": int,
    "solver": str, "timeout": (int, float), "expect": (str, list), "asserts": list, "assumes": list,
    "covers": list, "defines": dict, "include": list, "multiclock": bool,
    "secret": list, "public": list, "when": str, "release": list,
}
TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "a table",
              (int, float): "a number", (str, list): "a string or a list of strings"}


@dataclass
class Project:
    path: str
    tasks: list[Task]
    jobs: int = 1


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


def _read_task(path: str, text: str, base: str, name: str, body: Any, defaults: dict) -> Task:
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
    engine = merged.get("engine")
    if engine is not None and engine != PORTFOLIO and (engine not in ENGINES or Mode(mode) not in ENGINES[engine].modes):
        usable = engines_for(mode) + [PORTFOLIO]
        raise FrontendError(f"task {name!r}: engine {engine!r} cannot run mode {mode} "
                            f"(engines for {mode}: {', '.join(usable)})", loc("engine"))
    if merged.get("depth", 0) < 0:
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
    secure = None
    given = [k for k in SECURE_KEYS if k in body]
    if mode == Mode.SECURE.value:
        for key in ("secret", "public"):
            if not body.get(key):
                raise FrontendError(f"task {name!r}: mode secure needs {key!r} (a list of signal names)", loc(key))
        secure = Secure(list(body["secret"]), list(body["public"]), when=body.get("when"),
                        release=list(body.get("release", [])))
    elif given:
        raise FrontendError(f"task {name!r}: {given[0]!r} only makes sense with mode = \"secure\"", loc(given[0]))
    return Task(
        secure=secure, name=name, design=resolved, top=merged.get("top"), frontend=merged.get("frontend"),
        mode=Mode(mode), engine=merged.get("engine"), depth=merged.get("depth"),
        solver=merged.get("solver", "bitwuzla"), timeout=merged.get("timeout"), expect=expect_list,
        asserts=list(merged.get("asserts", [])), assumes=list(merged.get("assumes", [])),
        covers=list(merged.get("covers", [])), defines={k: str(v) for k, v in defines.items()},
        include=[os.path.join(base, i) for i in merged.get("include", [])],
        multiclock=bool(merged.get("multiclock", False)))


def select_tasks(project: Project, names: Sequence[str] = (), solver: str | None = None,
                 timeout: float | None = None) -> list[Task]:
    """The named tasks (default: all), with the command line's ``--solver``/``--timeout`` over the file's."""
    by_name = {t.name: t for t in project.tasks}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise FrontendError(f"no task named {', '.join(unknown)} (tasks: {', '.join(by_name)})",
                            SourceLoc(project.path))
    tasks = [by_name[n] for n in names] if names else list(project.tasks)
    for t in tasks:
        if solver:
            t.solver = solver
        if timeout is not None:
            t.timeout = timeout
    return tasks


def run_project(path: str, names: Sequence[str] = (), jobs: int | None = None, solver: str | None = None,
                check: bool = True, timeout: float | None = None, on_done=None,
                progress=None, cache: bool = False, trust_cache: bool = False,
                dask: str | None = None) -> tuple[int, list[RunResult]]:
    """Run the named tasks (default: all) of the project at ``path``: (exit code, results in file order).

    ``cache``/``trust_cache`` use the result cache (``run/cache.py``); ``dask``
    (a scheduler address or ``local``) runs the tasks on a Dask cluster instead
    of the local pool (``run/executor.py``).
    """
    project = load_project(path)
    tasks = select_tasks(project, names, solver=solver, timeout=timeout)
    for t in tasks:
        t.check = check
        t.cache, t.trust_cache = cache, trust_cache
    runs = run_tasks(tasks, jobs or project.jobs, on_done=on_done, progress=progress, dask=dask)
    return runs_exit_code(runs), runs
