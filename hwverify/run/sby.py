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

import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Sequence, TextIO

from hwverify.errors import FrontendError, HwverifyError, SourceLoc

__all__ = ["SbyFile", "SbyTask", "parse_sby", "run_sby", "TaskOutcome"]

RETCODE_UNEXPECTED = {"PASS": 1, "FAIL": 2, "UNKNOWN": 4, "TIMEOUT": 8, "ERROR": 16}


def task_retcode(status: str, expect: Sequence[str]) -> int:
    """SBY's per-task return code: 0 when ``status`` is expected, else the code of the status."""
    return 0 if status in expect else RETCODE_UNEXPECTED[status]

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


@dataclass
class TaskOutcome:
    name: str
    status: str
    retcode: int
    seconds: float
    lines: list[str] = field(default_factory=list)


def _engine_mapping(task: SbyTask, mode: str, path: str) -> tuple[str, list[str]]:
    """Our engine for the task's mode, and notes on engines we map differently."""
    ours = {"bmc": "bmc", "prove": "kind", "cover": "cover"}[mode]
    notes = []
    for text, no in task.engines or [("smtbmc", 0)]:
        words = text.split()
        name = words[0] if words else "smtbmc"
        if name == "smtbmc":
            if mode == "prove":
                notes.append(f"engine '{text}' -> hwverify kind (k-induction, as smtbmc)")
            else:
                notes.append(f"engine '{text}' -> hwverify {ours}")
        elif name in ("abc", "btor", "aiger"):
            notes.append(f"engine '{text}' mapped differently -> hwverify {ours}"
                         + (" (no PDR engine yet; k-induction instead)" if "pdr" in words else ""))
        else:
            raise FrontendError(f"unknown engine {name!r}", SourceLoc(path, no or None))
    return ours, notes


def run_task(sby: SbyFile, name: str | None, out: TextIO, solver: str = "bitwuzla",
             check: bool = True) -> TaskOutcome:
    """Run one task; never raises for design problems (they are the task's ERROR)."""
    label = os.path.splitext(os.path.basename(sby.path))[0] + (f"_{name}" if name else "")
    start = time.monotonic()
    lines: list[str] = []

    def say(msg: str) -> None:
        line = f"SBY {time.strftime('%H:%M:%S')} [{label}] {msg}"
        lines.append(line)
        print(line, file=out, flush=True)

    task = sby.task(name)
    try:
        status, detail = _run(sby, task, say, solver, check)
    except HwverifyError as e:
        say(f"ERROR: {e}")
        status = "ERROR"
    expect = [e.strip().upper() for e in (task.option("expect", "pass") or "pass").split(",")]
    retcode = task_retcode(status, expect)
    secs = time.monotonic() - start
    say(f"summary: Elapsed clock time: {secs:.1f} s")
    say(f"DONE ({status}, rc={retcode})")
    return TaskOutcome(label, status, retcode, secs, lines)


def _run(sby: SbyFile, task: SbyTask, say, solver: str, check: bool) -> tuple[str, str]:
    from hwverify.frontend.yosys import lower_with_yosys
    from hwverify.prover.bmc import BMC
    from hwverify.prover.kind import KInduction
    from hwverify.prover.result import EngineOptions
    path = sby.path
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
    depth = int(depth_text)
    multiclock = task.option("multiclock", "off") == "on"
    timeout = float(task.option("timeout")) if task.option("timeout") else None
    ours, notes = _engine_mapping(task, mode, path)
    for n in notes:
        say(n)
    if not task.script:
        raise FrontendError("empty [script] section", SourceLoc(path))
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
        say(f"lowering with yosys (mode {mode}, {'clk2fflogic' if multiclock else 'async2sync'})")
        system = lower_with_yosys([p for p in copied if p.endswith((".v", ".sv", ".vh", ".svh"))],
                                  script=task.script, root=src, multiclock=multiclock, mode=mode,
                                  timeout=timeout)
    say(system.summary())
    options = EngineOptions(solver=solver, timeout=timeout)
    if mode == "cover":
        if not system.covers:
            say("no cover statements: nothing to check")
            return "PASS", ""
        result = BMC(system.with_properties(covers=system.covers), options, covers=True).check(max(depth - 1, 0))
    else:
        if not system.asserts:
            say("no assertions: nothing to check")
            return "PASS", ""
        sub = system.with_properties(system.asserts)
        result = (BMC(sub, options).check(max(depth - 1, 0)) if ours == "bmc"
                  else KInduction(sub, options).check(depth))
    if check:
        from hwverify.cli import check_evidence
        check_evidence(system, result, None)
    statuses = []
    for p in result.properties:
        where = f" at {p.loc}" if p.loc else ""
        if p.kind == "cover":
            if p.status == "PASS":
                say(f"summary: reached cover statement {p.name}{where} step {p.depth}")
                statuses.append("PASS")
            else:
                say(f"summary: unreached cover statement {p.name}{where}")
                statuses.append("FAIL" if p.status in ("UNKNOWN", "FAIL") else p.status)
        else:
            if p.status == "FAIL":
                say(f"summary: failed assertion {p.name}{where} step {p.depth}")
            elif p.status == "PASS":
                say(f"summary: {'proved' if ours == 'kind' else 'no failure up to depth'} {p.name}{where}"
                    + (" (evidence checked by the kernel)" if p.checked else ""))
            else:
                say(f"summary: {p.status} {p.name}{where}{': ' + p.reason if p.reason else ''}")
            statuses.append(p.status)
    for s in ("FAIL", "ERROR", "TIMEOUT", "UNKNOWN"):
        if s in statuses:
            return s, ""
    return "PASS", ""


def run_sby(path: str, tasks: Sequence[str] = (), out: TextIO | None = None,
            solver: str = "bitwuzla", check: bool = True) -> tuple[int, list[TaskOutcome]]:
    """Run ``tasks`` (default: all) of the .sby file at ``path``; return (exit code, outcomes)."""
    out = out or sys.stdout
    sby = parse_sby(path)
    names: list[str | None]
    if tasks:
        unknown = [t for t in tasks if t not in sby.tasks]
        if unknown:
            raise FrontendError(f"no task named {', '.join(unknown)} (tasks: {', '.join(sby.tasks) or 'none'})",
                                SourceLoc(path))
        names = list(tasks)
    else:
        names = list(sby.tasks) or [None]
    outcomes = [run_task(sby, n, out, solver, check) for n in names]
    code = 0
    for o in outcomes:
        code |= o.retcode
    if len(outcomes) > 1:
        for o in outcomes:
            print(f"SBY [{o.name}] {o.status} rc={o.retcode} ({o.seconds:.1f} s)", file=out)
    return code, outcomes
