"""``verify(task)``: the one path from a task to a kernel-checked verdict.

Load the design (or build the equivalence miter), run the engine in a worker
process (unless ``task.isolate`` is off) or race a portfolio of workers, have
the kernel re-check every certificate and trace, and return a ``RunResult``
with per-property verdicts and their evidence. Printing and writing files are
reporters over the ``RunResult`` (``hwverify.report``); nothing here prints.

Errors a user can cause (bad file, unknown signal, bad option) do not raise:
they come back as a RunResult with status ERROR and ``error`` set, so a
project of many tasks reports them per task. Ctrl-C while the engine runs
stops its workers and returns what was decided, the rest UNKNOWN, with
``interrupted`` set (exit code 130).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Callable

from hwverify.errors import FrontendError, HwverifyError, ProverError, SourceLoc
from hwverify.frontend.load import load_system
from hwverify.frontend.properties import add_properties
from hwverify.kernel import check_evidence
from hwverify.prover.miter import EquivSemantics, Miter, ResetSpec, build_miter
from hwverify.prover.registry import DEFAULT_DEPTH, engine_bound, make_engine
from hwverify.prover.result import (EXIT_CODES, as_claimed, EXIT_INTERRUPTED, ERROR, UNKNOWN, Mode, PropertyResult, Result,
                                    Status, overall_status)
from hwverify.prover.tactics.script import run_script_file
from hwverify.run.cache import TaskCache
from hwverify.run.equiv_load import load_pair
from hwverify.run.portfolio import Portfolio
from hwverify.run.secure_load import load_selfcomp
from hwverify.run.task import PORTFOLIO, Gate, Task
from hwverify.run.worker import run_isolated
from hwverify.semantics.system import TransitionSystem

__all__ = ["RunResult", "verify", "load", "kernel_check"]

ProgressFn = Callable[[str], None]


@dataclass
class RunResult:
    """The outcome of one task: per-property verdicts with evidence, times, and what went wrong."""

    task: Task
    properties: list[PropertyResult] = field(default_factory=list)
    system: TransitionSystem | None = None
    engine: str = ""
    solver: str = ""
    load_time: float = 0.0
    engine_time: float = 0.0
    kernel_time: float = 0.0
    wall: float = 0.0
    error: HwverifyError | None = None      # the task could not run (bad design, bad option)
    interrupted: bool = False               # Ctrl-C: undecided properties are UNKNOWN
    notes: list[str] = field(default_factory=list)   # warnings for the user (e.g. an SBY engine mapped)
    stats: dict = field(default_factory=dict)
    vacuous: bool = False                   # nothing to check and the task allows it (SBY): PASS, with a note
    cached: bool = False                    # the verdicts came from the result cache (run/cache.py)

    @property
    def status(self) -> Status:
        if self.error is not None:
            return Status.ERROR
        if self.vacuous:
            return Status.PASS
        return Status(overall_status(self.properties)) if self.properties else Status.UNKNOWN

    @property
    def exit_code(self) -> int:
        """SBY's code of the status (0 PASS, 2 FAIL, 4 UNKNOWN, 8 TIMEOUT, 16 ERROR); 130 after Ctrl-C."""
        return EXIT_INTERRUPTED if self.interrupted else EXIT_CODES[self.status]

    @property
    def expected(self) -> bool:
        return self.status in self.task.expect

    @property
    def result(self) -> Result:
        """The verdicts as an engine ``Result`` (for reporters written against engines)."""
        return Result(self.engine, self.solver, self.properties, self.engine_time, self.stats)

    def to_json(self) -> dict:
        d: dict = {"status": str(self.status), "exit_code": self.exit_code, "name": self.task.label(),
                   "mode": str(self.task.mode), "engine": self.engine, "solver": self.solver,
                   "wall": round(self.wall, 4), "load_time": round(self.load_time, 4),
                   "engine_time": round(self.engine_time, 4), "kernel_time": round(self.kernel_time, 4),
                   "cached": self.cached, "properties": [p.to_json() for p in self.properties]}
        if self.error is not None:
            d["message"] = self.error.message
            d["location"] = str(self.error.loc) if self.error.loc else None
        if self.interrupted:
            d["interrupted"] = True
        if self.notes:
            d["notes"] = list(self.notes)
        if self.stats:
            d["stats"] = self.stats
        return d


def load(task: Task) -> TransitionSystem:
    """The task's system: given, loaded from its files, or the miter of design and gate; with extra properties."""
    system = task.system if task.system is not None else task.loader() if task.loader is not None else None
    if task.mode is Mode.SECURE:   # the self-composition of the design, given or loaded
        return load_selfcomp(task, system)
    if system is not None:
        if task.asserts or task.assumes or task.covers:
            system = system.copy()   # the caller's system keeps its properties: verify twice, same result
            add_properties(system, asserts=task.asserts, assumes=task.assumes, covers=task.covers)
        return system
    if task.mode is Mode.EQUIV:
        return _load_miter(task)
    return load_system(task.design, top=task.top, frontend=task.frontend, defines=task.defines,
                       include_dirs=task.include, asserts=task.asserts, assumes=task.assumes, covers=task.covers,
                       multiclock=task.multiclock, clocks_together=task.clocks_together)



def _load_miter(task: Task) -> Miter:
    """The miter of the reference design and the gate under the task's equivalence semantics.

    Compares the gate's ``outputs`` or the common output ports; ``--lib`` files
    (cell models) are read with both designs; the miter's notes say which
    semantics was used and what found no counterpart.
    """
    assert task.gate is not None
    gate_spec = task.gate
    if task.asserts or task.covers:
        raise FrontendError("equiv compares the two designs' outputs; --assert and --cover belong to "
                            "prove/bmc/cover (--assume constrains the shared inputs)", SourceLoc(task.design[0]))
    try:
        semantics = _semantics(gate_spec)
    except ProverError as e:
        raise FrontendError(e.message, SourceLoc(gate_spec.map) if gate_spec.map else None) from None
    common = dict(defines=task.defines, include_dirs=task.include, multiclock=task.multiclock,
                  clocks_together=task.clocks_together)
    pair = load_pair(task.design, task.top, task.frontend, gate_spec.design, gate_spec.top or task.top,
                     gate_spec.frontend or task.frontend, gate_spec.libs, **common)
    gold, gate = pair.gold, pair.gate
    if pair.clock:      # one clock on both edges, lowered by clk2fflogic: it toggles every step
        semantics = replace(semantics, clock=pair.clock)
    renamed = dict(semantics.rename)
    outputs = gate_spec.outputs
    if not outputs:
        gate_outputs = {renamed.get(o, o) for o in gate.outputs}
        outputs = [o for o in gold.outputs if o in gate_outputs]
        if not outputs:
            raise FrontendError("the two designs have no output port in common (or their frontend does not "
                                "record ports, as for BTOR2): name the signals to compare with --outputs "
                                "or map the gate's names with --map", SourceLoc(gate_spec.design[0]))
    try:
        miter = build_miter(gold, gate, outputs=outputs, name=f"equiv({gold.name},{gate.name})",
                            semantics=semantics)
    except ProverError as e:
        raise FrontendError(e.message, SourceLoc(gate_spec.design[0])) from None
    miter.notes += pair.notes       # how the designs were read: yosys cells, clk2fflogic
    if task.assumes:
        add_properties(miter, assumes=task.assumes)
    return miter


def _semantics(gate: Gate) -> EquivSemantics:
    """The ``EquivSemantics`` a gate's options describe (``--map`` read here)."""
    rename: list[tuple[str, str]] = []
    if gate.map:
        try:
            with open(gate.map) as fh:
                lines = fh.read().splitlines()
        except OSError as e:
            raise ProverError(f"--map {gate.map}: {e.strerror}") from None
        for number, line in enumerate(lines, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) != 2:
                raise ProverError(f"--map {gate.map}:{number}: expected 'GATE_NAME REFERENCE_NAME', "
                                  f"not {line.strip()!r}")
            rename.append((words[0], words[1]))
    reset = ResetSpec.parse(gate.reset) if gate.reset else None
    return EquivSemantics(init=gate.init, reset=reset, x=gate.x, compare_during_reset=gate.compare_during_reset,
                          latency=gate.latency, rename=tuple(rename))


def _run_engine(task: Task, system: TransitionSystem, progress: ProgressFn | None) -> Result:
    options = task.options(progress)
    if task.engine_name == PORTFOLIO:
        return Portfolio(system, options, task.mode, task.members, jobs=task.jobs).check(task.bound)
    bound = engine_bound(task.engine_name, task.bound)
    if task.isolate:
        result = run_isolated(system, task.engine_name, options, bound, task.mode)
    else:
        result = make_engine(task.engine_name, system, options, task.mode).check(bound)
    result.properties = [as_claimed(p, task.mode) for p in result.properties]
    return result


def _run_script(task: Task, run: RunResult, progress: ProgressFn | None) -> Result:
    """A proof script drives the tactics (in this process) instead of an engine; its system is the one checked."""
    depth = task.depth if task.depth is not None else DEFAULT_DEPTH   # tactics take a number (their largest k)
    result, run.system = run_script_file(run.system, task.script, solver=task.solver, depth=depth,
                                         timeout=task.timeout, seed=task.seed, simple_path=task.simple_path,
                                         progress=progress)
    run.engine = "script"
    return result


def kernel_check(system: TransitionSystem, properties: list[PropertyResult], solver: str | None = None) -> None:
    """Have the kernel re-check every certificate and trace; rejected evidence turns the verdict into ERROR."""
    items = [(p, p.certificate if p.certificate is not None else p.trace) for p in properties]
    items = [(p, e) for p, e in items if e is not None]
    reports = check_evidence(system, [e for _, e in items], solver=solver)
    for (p, _), report in zip(items, reports):
        p.checked = report.ok
        if not report.ok:
            p.reason = f"kernel rejected the {p.status} evidence: {'; '.join(report.details)}"
            p.status = ERROR


def verify(task: Task, progress: ProgressFn | None = None) -> RunResult:
    """Run ``task`` to a kernel-checked RunResult; user errors come back as ERROR results, never raised."""
    start = time.monotonic()
    run = RunResult(task, engine=task.engine_name, solver=task.solver, notes=list(task.notes))
    try:
        task.validate()
        run.system = load(task)
        run.load_time = time.monotonic() - start
        # the frontend's warnings (a model SBY chose, a yosys bug worked around) reach every reporter
        run.notes += [n for n in run.system.notes if n.startswith("warning:") and n not in run.notes]
        props = run.system.covers if task.mode is Mode.COVER else run.system.asserts
        if not props:
            what = "cover goals" if task.mode is Mode.COVER else "assertions"
            if not task.allow_empty:
                raise FrontendError(f"the design has no {what} to check",
                                    SourceLoc(task.design[0]) if task.design else None)
            run.vacuous = True
            run.notes.append(f"warning: no {what}: nothing to check (PASS, as SymbiYosys says)")
            run.wall = time.monotonic() - start
            return run
        cache = TaskCache(task, run.system, props) if task.cache and not task.script else None
        result = cache.lookup() if cache else None
        run.cached = result is not None
        try:
            result = result or (_run_script(task, run, progress) if task.script else
                                _run_engine(task, run.system, progress))
        except KeyboardInterrupt:
            run.interrupted = True
            result = Result(task.engine_name, task.solver, [
                PropertyResult(p.name, p.kind, UNKNOWN, loc=p.loc, reason="interrupted") for p in props])
        run.interrupted = run.interrupted or bool(result.stats.get("interrupted"))
        run.properties, run.engine_time, run.stats = result.properties, result.time, result.stats
        run.solver = result.solver
        if task.check and not (run.cached and task.trust_cache):   # cached evidence is re-checked too
            kernel_start = time.monotonic()
            kernel_check(run.system, run.properties, task.kernel_solver)
            run.kernel_time = time.monotonic() - kernel_start
        if cache:
            if not run.cached:
                cache.store(result)
            run.notes += cache.notes
    except HwverifyError as e:
        run.error = e
    run.wall = time.monotonic() - start
    return run
