"""Running SymbiYosys ``.sby`` task files with hwverify's engines.

``hwverify run FILE.sby [TASK...]`` reads the sections SBY documents —
``[tasks]``, ``[options]`` (``mode`` bmc/prove/cover, ``depth``,
``multiclock``, ``expect``, ``timeout``), ``[engines]``, ``[script]``,
``[files]`` and inline ``[file NAME]`` — including task-filtered lines
(``bmc prv: depth 20``, ``~cov: ...``). The design is lowered by the yosys
frontend with the file's own ``[script]`` (files copied into a scratch
``src/`` as SBY does), then checked by our engines:

=========  =========================  ==============================
SBY mode   SBY engines                hwverify engine
=========  =========================  ==============================
bmc        any (smtbmc, abc bmc3,..)  ``bmc`` to ``depth - 1`` (steps 0..depth-1)
prove      smtbmc (k-induction),      ``kind`` with ``depth`` as the
           abc pdr, ...               induction bound (pdr is reported as mapped)
cover      any                        ``cover`` (BMC over cover goals)
=========  =========================  ==============================

Every PASS certificate and FAIL trace is re-checked by the kernel. Each task
prints SBY-style lines and ``DONE (STATUS, rc=N)``; a task's return code is
0 when its status is in ``expect`` (default ``pass``), else SBY's code for
the status (PASS 1, FAIL 2, UNKNOWN 4, TIMEOUT 8, ERROR 16); the run's exit
code is the bitwise OR over tasks, as in SBY.

Differences from SBY, reported rather than hidden: in cover mode only cover
goals are checked (SBY checks assertions only along its cover traces);
``[engines]`` other than the mapping above only choose the mode; liveness
(``mode live``) and ``--pycode`` blocks are rejected.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Sequence

from hwverify.errors import FrontendError, SourceLoc
from hwverify.frontend.yosys import lower_with_yosys
from hwverify.prover.result import Mode, Status
from hwverify.run.executor import run_tasks
from hwverify.run.project import STATUSES, runs_exit_code
from hwverify.run.session import RunResult
from hwverify.run.task import Task
from hwverify.semantics.system import TransitionSystem

__all__ = ["SbyFile", "SbyTask", "parse_sby", "sby_tasks", "task_label", "SBY_ENGINES", "run_sby"]

# SBY's engines and their solvers/variants; all run as one of ours (reported, never silently)
SBY_ENGINES = {"smtbmc": {"yices", "z3", "boolector", "bitwuzla", "cvc4", "cvc5", "mathsat", "dummy", "abc"},
               "abc": {"bmc3", "sim3", "pdr"}, "btor": {"btormc", "pono"},
               "aiger": {"suprove", "avy", "aigbmc", "rIC3", "abcpdr"}, "none": set()}

KNOWN_OPTIONS = {"mode", "depth", "multiclock", "expect", "timeout", "append", "skip",
                 "wait", "vcd", "vcd_sim", "fst", "aigsmt", "tbtop", "make_model", "smtc",
                 "unroll", "noinit", "stbv", "stdt", "incr", "presat", "assume_early"}


@dataclass
class SbyTask:
    """One task of a .sby file with its lines filtered for it."""

    name: str | None
    options: dict[str, tuple[str, int]] = field(default_factory=dict)   # key -> (value, line)
    engines: list[tuple[str, int]] = field(default_factory=list)
    script: list[str] = field(default_factory=list)
    files: list[tuple[str, int]] = field(default_factory=list)
    inline_files: dict[str, str] = field(default_factory=dict)

    def option(self, key: str, default: str | None = None) -> str | None:
        return self.options[key][0] if key in self.options else default


@dataclass
class SbyFile:
    path: str
    tasks: list[str]
    sections: list[tuple[str, str | None, list[tuple[str, int]]]]   # (section, argument, lines)

    def task(self, name: str | None) -> SbyTask:
        t = SbyTask(name)
        tags = self.task_tags.get(name, {name}) if name else set()
        for section, arg, lines in self.sections:
            selected = [(text, no) for text, no in (_filter(line, no, tags, self.path) for line, no in lines)
                        if text is not None]
            if section == "options":
                for text, no in selected:
                    if not text.strip():
                        continue
                    key, _, value = text.strip().partition(" ")
                    t.options[key] = (value.strip(), no)
            elif section == "engines":
                t.engines += [(text.strip(), no) for text, no in selected if text.strip()]
            elif section == "script":
                t.script += [text.strip() for text, _ in selected if text.strip()]
            elif section == "files":
                t.files += [(text.strip(), no) for text, no in selected if text.strip()]
            elif section == "file":
                t.inline_files[arg or ""] = "".join(text + "\n" for text, _ in selected)
        return t

    task_tags: dict[str, set[str]] = field(default_factory=dict)


def _filter(line: str, lineno: int, tags: set[str], path: str) -> tuple[str | None, int]:
    """Apply SBY's ``task1 task2:`` / ``~task:`` line prefixes."""
    m = re.match(r"^\s*((?:~?[\w.-]+\s+)*~?[\w.-]+)\s*:(?!\S*=)(\s|$)(.*)$", line)
    if not m or "/" in m.group(1):
        return line, lineno
    words = m.group(1).split()
    if any(w.startswith("~") for w in words):
        keep = not any(w[1:] in tags for w in words if w.startswith("~"))
    else:
        keep = any(w in tags for w in words)
    return (m.group(3) if keep else None), lineno


def parse_sby(path: str) -> SbyFile:
    """Split a .sby file into sections (lines keep their numbers for error messages)."""
    try:
        with open(path) as fh:
            text = fh.read()
    except OSError as e:
        raise FrontendError(f"cannot read SBY file: {e.strerror or e}", SourceLoc(path)) from None
    sections: list[tuple[str, str | None, list[tuple[str, int]]]] = []
    tasks: list[str] = []
    task_tags: dict[str, set[str]] = {}
    current = None
    for no, line in enumerate(text.split("\n"), 1):
        if line.startswith("--pycode-begin--"):
            raise FrontendError("--pycode-- blocks are not supported", SourceLoc(path, no))
        stripped = line.strip()
        m = re.match(r"^\[(\w+)(?:\s+(.+?))?\]\s*$", stripped)
        if m:
            current = (m.group(1), m.group(2), [])
            if current[0] not in ("tasks", "options", "engines", "script", "files", "file"):
                raise FrontendError(f"unknown section [{current[0]}]", SourceLoc(path, no))
            sections.append(current)
            continue
        if current is None:
            if stripped and not stripped.startswith("#"):
                raise FrontendError("text before the first section", SourceLoc(path, no))
            continue
        if current[0] != "file" and (not stripped or stripped.startswith("#")):
            continue
        if current[0] == "tasks":
            words = stripped.split()
            if words[0].endswith(":"):   # "tag: task1 task2" groups
                for w in words[1:]:
                    task_tags.setdefault(w, {w}).add(words[0][:-1])
                continue
            name, extra = words[0], words[1:]
            if name == "--":
                continue
            tasks.append(name)
            task_tags.setdefault(name, {name}).update(w for w in extra if w != "default")
            continue
        current[2].append((line, no))
    f = SbyFile(path, tasks, sections)
    f.task_tags = task_tags
    return f


def task_label(sby: SbyFile, name: str | None) -> str:
    """SBY's name of a task's work folder: ``<file stem>_<task>`` (``<file stem>`` without tasks)."""
    return os.path.splitext(os.path.basename(sby.path))[0] + (f"_{name}" if name else "")


def _engine_notes(task: SbyTask, mode: Mode, ours: str, solver: str) -> list[str]:
    """A warning for each [engines] line: which SBY engine it names and what runs instead."""
    notes = []
    for text, _ in task.engines or [("smtbmc", 0)]:
        words = text.split()
        name = words[0] if words else "smtbmc"
        variant = next((w for w in words[1:] if not w.startswith("-")), None)
        instead = f"hwverify {ours} with {solver}"
        if name not in SBY_ENGINES:
            notes.append(f"warning: unknown engine '{text}': {instead} runs instead")
        elif variant is not None and variant not in SBY_ENGINES[name]:
            notes.append(f"warning: unknown {name} engine variant '{text}': {instead} runs instead")
        elif name == "abc" and variant == "pdr" and mode is Mode.PROVE:
            notes.append(f"warning: engine '{text}' (PDR) is not available: {instead} (k-induction) runs instead")
        else:
            notes.append(f"engine '{text}' runs as {instead}")
    return notes


def _task_options(path: str, task: SbyTask) -> tuple[Mode, int, bool, float | None, list[str]]:
    """mode, depth, multiclock, timeout and expect of a task, each checked with its line."""
    mode = task.option("mode")
    if mode is None:
        raise FrontendError("missing 'mode' option", SourceLoc(path))
    if mode not in ("bmc", "prove", "cover"):
        raise FrontendError(f"mode {mode!r} is not supported (bmc, prove, cover)",
                            SourceLoc(path, task.options["mode"][1]))
    for key, (_, no) in task.options.items():
        if key not in KNOWN_OPTIONS:
            raise FrontendError(f"unknown option {key!r}", SourceLoc(path, no))
    depth_text = task.option("depth", "20")
    if not depth_text.isdigit():
        raise FrontendError(f"depth must be a number, not {depth_text!r}", SourceLoc(path, task.options["depth"][1]))
    timeout_text = task.option("timeout")
    try:
        timeout = float(timeout_text) if timeout_text else None
    except ValueError:
        raise FrontendError(f"timeout must be a number of seconds, not {timeout_text!r}",
                            SourceLoc(path, task.options["timeout"][1])) from None
    expect = [e.strip().upper() for e in (task.option("expect", "pass") or "pass").split(",")]
    bad = [e for e in expect if e not in STATUSES]
    if bad:
        raise FrontendError(f"expect {bad[0].lower()!r} is not one of {', '.join(s.lower() for s in STATUSES)}",
                            SourceLoc(path, task.options["expect"][1]))
    if not task.script:
        raise FrontendError("empty [script] section", SourceLoc(path))
    return Mode(mode), int(depth_text), task.option("multiclock", "off") == "on", timeout, expect


def lower_sby_task(path: str, task: SbyTask, mode: Mode, multiclock: bool,
                   timeout: float | None) -> TransitionSystem:
    """Copy the task's files into a scratch ``src/`` as SBY does and lower them with its [script]."""
    base = os.path.dirname(os.path.abspath(path))
    with tempfile.TemporaryDirectory(prefix="hwverify_sby_") as work:
        src = os.path.join(work, "src")
        os.makedirs(src)
        copied = []
        for text, no in task.files:
            parts = text.split()
            dest, origin = (parts[0], parts[1]) if len(parts) == 2 else (os.path.basename(parts[0]), parts[0])
            candidates = [origin] if os.path.isabs(origin) else [os.path.join(base, origin), origin]
            found = next((c for c in candidates if os.path.exists(c)), None)
            if found is None:
                raise FrontendError(f"[files]: no such file {origin!r}", SourceLoc(path, no))
            target = os.path.join(src, dest)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if os.path.isdir(found):
                shutil.copytree(found, target)
            else:
                shutil.copyfile(found, target)
                copied.append(dest)
        for fname, content in task.inline_files.items():
            with open(os.path.join(src, fname), "w") as fh:
                fh.write(content)
            copied.append(fname)
        return lower_with_yosys([p for p in copied if p.endswith((".v", ".sv", ".vh", ".svh"))],
                                script=task.script, root=src, multiclock=multiclock, mode=str(mode),
                                timeout=timeout)


def sby_tasks(sby: SbyFile, names: Sequence[str] = (), solver: str = "bitwuzla", check: bool = True,
              timeout: float | None = None) -> list[Task]:
    """One run-layer Task per SBY task (default: all of the file's, or the file itself without [tasks]).

    SBY's ``depth N`` in bmc/cover mode explores steps 0..N-1 (our bound N-1);
    in prove mode it is the induction depth. A task whose options are wrong
    is still a Task: it comes back as that task's ERROR.
    """
    if names:
        unknown = [t for t in names if t not in sby.tasks]
        if unknown:
            raise FrontendError(f"no task named {', '.join(unknown)} (tasks: {', '.join(sby.tasks) or 'none'})",
                                SourceLoc(sby.path))
    selected: list[str | None] = list(names) if names else (list(sby.tasks) or [None])
    out = []
    for name in selected:
        task = sby.task(name)
        label = task_label(sby, name)
        try:
            mode, depth, multiclock, own_timeout, expect = _task_options(sby.path, task)
        except FrontendError as e:
            out.append(Task(name=label, loader=functools.partial(_raise, e), solver=solver, check=check))
            continue
        ours = {Mode.BMC: "bmc", Mode.PROVE: "kind", Mode.COVER: "cover"}[mode]
        limit = timeout if timeout is not None else own_timeout
        out.append(Task(
            name=label, mode=mode, engine=ours, depth=max(depth - 1, 0) if mode is not Mode.PROVE else depth,
            solver=solver, check=check, timeout=limit, expect=[Status(e) for e in expect],
            multiclock=multiclock, notes=_engine_notes(task, mode, ours, solver), allow_empty=True,
            loader=functools.partial(lower_sby_task, sby.path, task, mode, multiclock, limit)))
    return out


def _raise(error: FrontendError) -> TransitionSystem:
    raise error


def run_sby(path: str, names: Sequence[str] = (), solver: str = "bitwuzla", check: bool = True,
            timeout: float | None = None, jobs: int = 1, on_done=None,
            progress=None) -> tuple[int, list[RunResult]]:
    """Run ``names`` (default: all) of the .sby file at ``path``: (SBY's exit code, results)."""
    runs = run_tasks(sby_tasks(parse_sby(path), names, solver, check, timeout), jobs, on_done=on_done,
                     progress=progress)
    return runs_exit_code(runs), runs
