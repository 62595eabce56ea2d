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
prove      ``abc pdr`` (or aiger      ``pdr`` (IC3) until a verdict: SBY's
           ``abcpdr``) only           ``depth`` does not apply, as in SBY
prove      smtbmc, or any mix         ``auto``: k-induction (``depth`` as the
                                      induction bound, as smtbmc) races PDR
cover      any                        ``cover`` (BMC over cover goals)
=========  =========================  ==============================

Every PASS certificate and FAIL trace is re-checked by the kernel. Each task
prints SBY-style lines and ``DONE (STATUS, rc=N)``; a task's return code is
0 when its status is in ``expect`` (default ``pass``), else SBY's code for
the status (PASS 1, FAIL 2, UNKNOWN 4, TIMEOUT 8, ERROR 16); the run's exit
code is the bitwise OR over tasks, as in SBY.

Differences from SBY, reported rather than hidden: in cover mode only cover
goals are checked (SBY checks assertions only along its cover traces);
``[engines]`` other than the mapping above only choose the mode (each task's
notes say what ran instead of each engine line); liveness
(``mode live``) and ``--pycode`` blocks are rejected.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from typing import Sequence

from hwverify.errors import FrontendError, SourceLoc
from hwverify.frontend.yosys import lower_with_yosys
from hwverify.prover.registry import AUTO_MEMBERS, make_engine
from hwverify.prover.result import EngineOptions, Mode, Status
from hwverify.run.executor import run_tasks
from hwverify.run.project import STATUSES, runs_exit_code
from hwverify.run.session import RunResult
from hwverify.run.task import AUTO, Task
from hwverify.semantics import terms as T
from hwverify.semantics.system import Property, TransitionSystem

__all__ = ["SbyFile", "SbyTask", "parse_sby", "sby_tasks", "task_label", "SBY_ENGINES", "run_sby"]

# SBY's engines and their solvers/variants; all run as one of ours (reported, never silently)
SBY_ENGINES = {"smtbmc": {"yices", "z3", "boolector", "bitwuzla", "cvc4", "cvc5", "mathsat", "dummy", "abc"},
               "abc": {"bmc3", "sim3", "pdr"}, "btor": {"btormc", "pono"},
               "aiger": {"suprove", "avy", "aigbmc", "rIC3", "abcpdr"}, "none": set()}

@dataclass
class SbyTask:
    """One task of a .sby file, its configuration as SBY reads it for that task."""

    name: str | None
    options: dict[str, tuple[str, int]] = field(default_factory=dict)   # key -> (value, line)
    engines: list[tuple[str, int]] = field(default_factory=list)         # [engines] (no mode argument)
    mode_engines: dict[str, list[tuple[str, int]]] = field(default_factory=dict)   # [engines MODE]
    script: list[str] = field(default_factory=list)
    files: list[tuple[str, int]] = field(default_factory=list)
    inline_files: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)   # sections read and not acted on ([cancelledby], ...)

    def option(self, key: str, default: str | None = None) -> str | None:
        return self.options[key][0] if key in self.options else default

    def engines_for(self, mode: str | None) -> list[tuple[str, int]]:
        """The engines SBY runs for ``mode``: its ``[engines MODE]`` section, else ``[engines]``."""
        return self.mode_engines.get(mode or "", self.engines) if mode in self.mode_engines else self.engines


@dataclass
class SbyFile:
    """A .sby file: its lines, task names, default tasks and tags (``[tasks]`` as SBY reads it)."""

    path: str
    lines: list[str]
    tasks: list[str]
    defaults: list[str]
    tags: list[str]

    def task(self, name: str | None) -> SbyTask:
        """The configuration SBY reads for task ``name`` (None: the file as it is, no task)."""
        config, _, _, _ = _read_config(self.path, self.lines, name)
        return _parse_config(self.path, config, name)


_REGEX_CHARS = set("(?*.[]|)")


def _read_config(path: str, raw: Sequence[str], taskname: str | None
                 ) -> tuple[list[tuple[str, int]], list[str], list[str], list[str]]:
    """SBY's ``read_sbyconfig``: the lines task ``taskname`` sees, with their numbers; tasks, defaults, tags.

    A ``tag:`` prefix filters a line only when ``tag`` names a task or tag of
    ``[tasks]`` and starts the line (so ``reachable: cover (x);`` in an inline
    file is Verilog, not a filter); ``tag:`` alone opens a block that ``--``
    closes; ``~tag:`` inverts. ``[tasks]`` lines are ``task1 task2 [: tag...]``
    (``default`` among the tags makes them default tasks). As in SBY, an
    unindented ``word:`` that names no tag in a file with tasks is an error.
    """
    config: list[tuple[str, int]] = []
    tasks: list[str] = []
    defaults: list[str] | None = None
    active: set[str] = set()
    all_tags: set[str] = set()
    in_tasks = skipping_blocks = skip_block = matched = False
    for no, line in enumerate(raw, 1):
        line = line.rstrip("\n").rstrip("\r")
        if line == "--pycode-begin--":
            raise FrontendError("--pycode-- blocks are not supported (SBY runs Python there)", SourceLoc(path, no))
        if in_tasks and line.startswith("["):
            in_tasks = False
        if skipping_blocks and line.strip() == "--":
            skipping_blocks = skip_block = False
            continue
        if not in_tasks:
            found = skip_line = False
            for t in sorted(all_tags, key=len, reverse=True):   # SBY iterates a set: longest first is stable
                if line.startswith(t + ":"):
                    line, match = line[len(t) + 1:].lstrip(), t in active
                elif line.startswith("~" + t + ":"):
                    line, match = line[len(t) + 2:].lstrip(), t not in active
                else:
                    continue
                if line == "":
                    skipping_blocks, skip_block, skip_line = True, not match, True
                else:
                    skip_line = not match
                found = True
                break
            if all_tags and not found:
                words = line.split()
                if words and words[0][0] == line[0] and words[0].endswith(":") and not _in_file_section(config):
                    raise FrontendError(f"invalid task specifier {words[0]!r} (no task or tag of that name)",
                                        SourceLoc(path, no))
            if skip_line or skip_block:
                continue
        if in_tasks:
            if taskname is None:
                config.append((line, no))
            if line.startswith("#"):
                continue
            parts = line.split(":")
            if len(parts) == 1:
                words = parts[0].split()
                if not words:
                    continue
                lhs, rhs = words[:1], words[1:]
            elif len(parts) == 2:
                lhs, rhs = parts[0].split(), parts[1].split()
            else:
                raise FrontendError("syntax error in [tasks]", SourceLoc(path, no))
            all_tags.update(t for t in rhs if t != "default" and not _REGEX_CHARS & set(t))
            for name in lhs:
                if not _REGEX_CHARS & set(name):
                    if name not in tasks:
                        tasks.append(name)
                    if "default" in rhs:
                        defaults = defaults if defaults is not None else []
                        if name not in defaults:
                            defaults.append(name)
                    all_tags.add(name)
                if taskname is not None and re.fullmatch(name, taskname):
                    matched = True
                    active.add(name)
                    for tag in rhs:
                        if tag == "default":
                            continue
                        if not _REGEX_CHARS & set(tag):
                            active.add(tag)
                        else:
                            active.update(t for t in all_tags if re.fullmatch(tag, t))
        elif line == "[tasks]":
            if taskname is None:
                config.append((line, no))
            in_tasks = True
        else:
            config.append((line, no))
    if taskname is not None and not matched:
        raise FrontendError(f"no task named {taskname} (tasks: {', '.join(tasks) or 'none'})", SourceLoc(path))
    return config, tasks, defaults if defaults is not None else list(tasks), sorted(all_tags)


def _in_file_section(config: list[tuple[str, int]]) -> bool:
    """Whether the last section header read so far is an inline ``[file NAME]``.

    SBY rejects an unindented ``word:`` naming no tag everywhere; inside a
    ``[file]`` section that is Verilog (a labelled statement), so it is kept.
    """
    for line, _ in reversed(config):
        m = _SECTION.match(line)
        if m:
            return m.group(1).split()[0] == "file" if m.group(1).split() else False
    return False


_SECTION = re.compile(r"^\s*\[(.*)\]\s*$")
_SECTIONS = ("options", "engines", "script", "files", "file", "autotune", "cancelledby")


def _parse_config(path: str, config: list[tuple[str, int]], name: str | None) -> SbyTask:
    """SBY's ``SbyConfig.parse_config``: the sections of one task's lines."""
    t = SbyTask(name)
    section: str | None = None
    engine_mode: str | None = None
    current_file = ""
    seen: set[str] = set()
    for raw, no in config:
        if section in ("options", "engines", "files"):
            line = re.sub(r"\s*(\s#.*)?$", "", raw)
            if line == "" or line[0] == "#":
                continue
        else:
            line = raw.rstrip()
        if section is None and (not line or line[0] == "#"):
            continue
        m = _SECTION.match(line)
        if m:
            entries = m.group(1).strip().split(maxsplit=1)
            if not entries:
                raise FrontendError(f"expected a section header, not {line!r}", SourceLoc(path, no))
            section, arg = entries[0], (entries[1] if len(entries) > 1 else None)
            if section not in _SECTIONS:
                raise FrontendError(f"unknown section [{section}] (SBY reads "
                                    f"{', '.join('[' + s + ']' for s in _SECTIONS)})", SourceLoc(path, no))
            if section == "engines":
                engine_mode = arg.split()[0] if arg else None
                if arg and (len(arg.split()) > 1 or engine_mode not in ("bmc", "prove", "cover", "live")):
                    raise FrontendError(f"[engines] takes one mode (bmc, prove, cover, live), not {arg!r}",
                                        SourceLoc(path, no))
                key = f"engines {engine_mode or ''}"
                if key in seen:
                    raise FrontendError(f"[{key.strip()}] defined twice", SourceLoc(path, no))
                seen.add(key)
                if engine_mode:
                    t.mode_engines[engine_mode] = []
            elif section == "file":
                if not arg or len(arg.split()) != 1:
                    raise FrontendError("[file] takes exactly one file name", SourceLoc(path, no))
                current_file = arg.strip()
                if current_file in t.inline_files:
                    raise FrontendError(f"duplicate file {current_file}", SourceLoc(path, no))
                t.inline_files[current_file] = ""
            else:
                if arg is not None:
                    raise FrontendError(f"[{section}] takes no argument, not {arg!r}", SourceLoc(path, no))
                if section in seen and section != "cancelledby":
                    raise FrontendError(f"[{section}] defined twice", SourceLoc(path, no))
                seen.add(section)
                if section in ("autotune", "cancelledby"):
                    t.ignored.append(section)
            continue
        if section == "options":
            words = line.strip().split(maxsplit=1)
            if len(words) != 2:
                raise FrontendError(f"option {line.strip()!r} has no value", SourceLoc(path, no))
            t.options[words[0]] = (words[1], no)
        elif section == "engines":
            (t.mode_engines[engine_mode] if engine_mode else t.engines).append((line.strip(), no))
        elif section == "script":
            if line.strip():
                t.script.append(line.strip())
        elif section == "files":
            if len(line.split()) > 2:
                raise FrontendError("a [files] line is 'FILE' or 'NAME FILE'", SourceLoc(path, no))
            t.files.append((line.strip(), no))
        elif section == "file":
            t.inline_files[current_file] += raw + "\n"
    return t


def parse_sby(path: str) -> SbyFile:
    """Read a .sby file: its lines, and its tasks, default tasks and tags as SBY reads ``[tasks]``."""
    try:
        with open(path) as fh:
            lines = fh.read().split("\n")
    except OSError as e:
        raise FrontendError(f"cannot read SBY file: {e.strerror or e}", SourceLoc(path)) from None
    if lines and lines[-1] == "":
        lines.pop()
    _, tasks, defaults, tags = _read_config(path, lines, None)
    return SbyFile(path, lines, tasks, defaults, tags)


def task_label(sby: SbyFile, name: str | None) -> str:
    """SBY's name of a task's work folder: ``<file stem>_<task>`` (``<file stem>`` without tasks)."""
    return os.path.splitext(os.path.basename(sby.path))[0] + (f"_{name}" if name else "")


# SBY engines that are PDR: a prove task naming only these runs our ``pdr``
PDR_ENGINES = {("abc", "pdr"), ("aiger", "abcpdr")}


def _engine_words(text: str) -> tuple[str, str | None]:
    """An [engines] line's engine and variant: ``abc --keep-going pdr`` -> ``("abc", "pdr")``."""
    words = text.split()
    name = words[0] if words else "smtbmc"
    return name, next((w for w in words[1:] if not w.startswith("-")), None)


def prove_engine(task: SbyTask) -> str:
    """Our engine for a prove task: ``pdr`` when every engine line is SBY's PDR, else the ``auto`` race."""
    lines = task.engines_for(str(Mode.PROVE)) or [("smtbmc", 0)]
    return "pdr" if all(_engine_words(text) in PDR_ENGINES for text, _ in lines) else AUTO


def _engine_notes(task: SbyTask, mode: Mode, ours: str, solver: str) -> list[str]:
    """A note for each [engines] line: which SBY engine it names and what runs instead (a warning if unknown)."""
    if ours == AUTO:
        members = ", ".join(e for e, _ in AUTO_MEMBERS[mode])
        instead = f"hwverify auto (the first checked verdict of {members}; SMT solver {solver})"
    elif ours == "pdr":
        instead = "hwverify pdr (IC3 over CaDiCaL)"
    else:
        instead = f"hwverify {ours} with {solver}"
    notes = []
    for text, _ in task.engines_for(str(mode)) or [("smtbmc", 0)]:
        name, variant = _engine_words(text)
        if name not in SBY_ENGINES:
            notes.append(f"warning: unknown engine '{text}': {instead} runs instead")
        elif variant is not None and variant not in SBY_ENGINES[name]:
            notes.append(f"warning: unknown {name} engine variant '{text}': {instead} runs instead")
        else:
            notes.append(f"engine '{text}' runs as {instead}")
    return notes


# SBY's options (sby_core.py handle_non_engine_options and the modes): kind, and the modes that read it;
# an option no mode reads is an error, as in SBY ("Unused option")
_OPTIONS = {"mode": ("str", None), "expect": ("str", None), "depth": ("int", None), "multiclock": ("bool", None),
            "wait": ("bool", None), "timeout": ("num", None), "vcd": ("bool", None), "vcd_sim": ("bool", None),
            "fst": ("bool", None), "cycle_width": ("int", None), "witrename": ("bool", None),
            "aigfolds": ("bool", None), "aigvmap": ("bool", None), "aigsyms": ("bool", None),
            "smtc": ("str", None), "skip": ("int", None), "tbtop": ("str", None), "append": ("int", None),
            "append_assume": ("bool", None), "make_model": ("str", None), "skip_prep": ("bool", None),
            "assume_early": ("bool", None), "cover_assert": ("bool", ("cover",)),
            "aigsmt": ("str", ("bmc", "prove", "live"))}
KNOWN_OPTIONS = set(_OPTIONS)


@dataclass
class _Settings:
    """What a task's [options] ask for, checked."""

    mode: Mode
    depth: int
    multiclock: bool
    timeout: float | None
    expect: list[str]
    skip: int = 0
    assume_early: bool = True
    cover_assert: bool = False
    notes: list[str] = field(default_factory=list)


def _task_options(path: str, task: SbyTask) -> _Settings:
    """A task's options, each checked with its line as SBY checks it; unsupported ones named."""
    def where(key: str) -> SourceLoc:
        return SourceLoc(path, task.options[key][1]) if key in task.options else SourceLoc(path)

    mode = task.option("mode")
    if mode is None:
        raise FrontendError("missing 'mode' option", SourceLoc(path))
    if mode not in ("bmc", "prove", "cover"):
        raise FrontendError(f"mode {mode!r} is not supported (bmc, prove, cover)", where("mode"))
    values: dict[str, object] = {}
    for key, (value, no) in task.options.items():
        if key not in _OPTIONS:
            raise FrontendError(f"unknown option {key!r}", SourceLoc(path, no))
        kind, modes = _OPTIONS[key]
        if modes is not None and mode not in modes:
            raise FrontendError(f"option {key!r} is not used in mode {mode} (SBY: unused option)", SourceLoc(path, no))
        if kind == "bool":
            if value not in ("on", "off"):
                raise FrontendError(f"{key} must be on or off, not {value!r}", SourceLoc(path, no))
            values[key] = value == "on"
        elif kind == "int":
            if not value.isdigit():
                raise FrontendError(f"{key} must be a number, not {value!r}", SourceLoc(path, no))
            values[key] = int(value)
        elif kind == "num":
            try:
                values[key] = float(value)
            except ValueError:
                raise FrontendError(f"{key} must be a number of seconds, not {value!r}", SourceLoc(path, no)) from None
    expect = [e.strip().upper() for e in (task.option("expect", "pass") or "pass").split(",")]
    bad = [e for e in expect if e not in STATUSES]
    if bad:
        raise FrontendError(f"expect {bad[0].lower()!r} is not one of {', '.join(s.lower() for s in STATUSES)}",
                            where("expect"))
    for key, why in (("smtc", "smtbmc constraint files (.smtc) are not supported"),
                     ("skip_prep", "skip_prep on (no SBY model preparation) is not supported")):
        if values.get(key, key == "smtc" and key in task.options):
            raise FrontendError(why, where(key))
    if not task.script:
        raise FrontendError("empty [script] section", SourceLoc(path))
    notes = [f"warning: [{section}] is not used by hwverify" for section in task.ignored]
    if values.get("append"):
        notes.append(f"warning: append {values['append']}: traces are not extended after the failure")
    return _Settings(Mode(mode), int(values.get("depth", 20)), bool(values.get("multiclock", False)),
                     values.get("timeout"), expect, skip=int(values.get("skip", 0) or 0),
                     assume_early=bool(values.get("assume_early", True)),
                     cover_assert=bool(values.get("cover_assert", False)), notes=notes)


_DEFINE = re.compile(r"(?:^|\s)(?:-define\s+|-D)(\w+)(?:=(\S*))?")


def _script_defines(script: Sequence[str]) -> dict[str, str]:
    """Macros the [script]'s read commands define (``read -define A=1``, ``read_verilog -DB``)."""
    out: dict[str, str] = {}
    for line in script:
        if line.split()[:1] and line.split()[0] in ("read", "read_verilog", "verific"):
            for m in _DEFINE.finditer(line):
                out[m.group(1)] = m.group(2) or "1"
    return out


def lower_sby_task(path: str, task: SbyTask, settings: _Settings, timeout: float | None) -> TransitionSystem:
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
            target = os.path.join(src, fname)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w") as fh:
                fh.write(content)
            copied.append(fname)
        system = lower_with_yosys([p for p in copied if p.endswith((".v", ".sv", ".vh", ".svh"))],
                                  defines=_script_defines(task.script), script=task.script, root=src,
                                  multiclock=settings.multiclock, mode=str(settings.mode), timeout=timeout,
                                  clocks_together=True, assume_early=settings.assume_early)
    if settings.mode is Mode.COVER and settings.cover_assert and system.asserts:
        raise FrontendError("cover_assert on with assertions in the design: checking assertions along cover "
                            "traces is not supported (run the assertions in a bmc task)",
                            SourceLoc(path, task.options["cover_assert"][1]))
    if settings.mode in (Mode.BMC, Mode.PROVE) and system.constraints and not _assumptions_hold_at_step0(system):
        raise FrontendError("the assumptions are unsatisfiable in the initial state: nothing can be checked "
                            "(SBY reports this PREUNSAT as ERROR)", SourceLoc(path))
    if settings.skip:
        skip_steps(system, settings.skip)
    return system


def _assumptions_hold_at_step0(system: TransitionSystem) -> bool:
    """Whether some initial state satisfies the assumptions (smtbmc's ``--presat`` check, at step 0).

    smtbmc checks the assumptions before the assertions at each step; unsatisfiable at step 0, no
    assertion can fail anywhere and SBY says ERROR (PREUNSAT) where a bare BMC would say PASS.
    The answer only ever turns a task into an ERROR, so it needs no certificate.
    """
    probe = system.with_properties(covers=[Property("assumptions at step 0", T.true(), "cover")])
    result = make_engine("cover", probe, EngineOptions(), Mode.COVER).check(0)
    return any(p.status == Status.PASS for p in result.properties)


def skip_steps(system: TransitionSystem, skip: int) -> None:
    """SBY's ``skip N``: assertions and covers are not checked in steps 0..N-1 (a step counter gates them)."""
    width = max(skip.bit_length(), 1)
    count = system.add_state("sby$skip_count", width, init=T.const(0, width))
    done = T.uge(count, T.const(skip, width))
    system.set_next(count, T.ite(done, count, T.add(count, T.const(1, width))))
    system.asserts = [replace(p, term=T.or_(T.not_(done), p.term)) for p in system.asserts]
    system.covers = [replace(p, term=T.and_(done, p.term)) for p in system.covers]
    system.notes.append(f"skip {skip}: properties are not checked in steps 0..{skip - 1}")


def sby_tasks(sby: SbyFile, names: Sequence[str] = (), solver: str = "bitwuzla", check: bool = True,
              timeout: float | None = None) -> list[Task]:
    """One run-layer Task per SBY task (default: the file's default tasks, or the file itself without [tasks]).

    SBY's ``depth N`` in bmc/cover mode explores steps 0..N-1 (our bound N-1);
    in prove mode it is the induction depth (SBY's default 20 included), which
    PDR, as in SBY, does not take. A task whose options are wrong
    is still a Task: it comes back as that task's ERROR. Several clocks keep
    SBY's model (all clocks tick together) with a warning unless the task
    says ``multiclock on``.
    """
    if names:
        unknown = [t for t in names if t not in sby.tasks]
        if unknown:
            raise FrontendError(f"no task named {', '.join(unknown)} (tasks: {', '.join(sby.tasks) or 'none'})",
                                SourceLoc(sby.path))
    selected: list[str | None] = list(names) if names else (list(sby.defaults) or [None])
    out = []
    for name in selected:
        label = task_label(sby, name)
        try:
            task = sby.task(name)
            settings = _task_options(sby.path, task)
        except FrontendError as e:
            out.append(Task(name=label, loader=functools.partial(_raise, e), solver=solver, check=check))
            continue
        mode, depth = settings.mode, settings.depth
        ours = prove_engine(task) if mode is Mode.PROVE else {Mode.BMC: "bmc", Mode.COVER: "cover"}[mode]
        limit = timeout if timeout is not None else settings.timeout
        out.append(Task(
            name=label, mode=mode, engine=ours,
            depth=None if ours == "pdr" else max(depth - 1, 0) if mode is not Mode.PROVE else depth,
            unbounded=ours == "pdr",   # SBY's abc pdr runs until a verdict (or the task's timeout)
            solver=solver, check=check, timeout=limit, expect=[Status(e) for e in settings.expect],
            multiclock=settings.multiclock, notes=settings.notes + _engine_notes(task, mode, ours, solver),
            allow_empty=True, loader=functools.partial(lower_sby_task, sby.path, task, settings, limit)))
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
