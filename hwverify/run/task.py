"""What to verify and how: one ``Task`` for every entry point.

The CLI, ``.sby`` files, ``hwverify.toml`` projects, ``hwverify.testing`` and
the demo all describe their work as a ``Task`` and hand it to
``hwverify.run.session.verify``, so a limit, a check or an output option
works everywhere or nowhere. ``Task.validate`` rejects bad settings before
anything is loaded, with the messages the CLI prints (exit 16).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from hwverify.errors import ProverError, UsageError
from hwverify.prover.registry import AUTO_MEMBERS, DEFAULT_DEPTH, DEFAULT_ENGINE, ENGINES, engines_for
from hwverify.prover.result import EngineOptions, Mode, Status
from hwverify.prover.solvers import make_solver
from hwverify.semantics.system import TransitionSystem

__all__ = ["Task", "Gate", "Secure", "Mode", "Status", "KERNEL_SOLVERS", "parse_members"]

KERNEL_SOLVERS = ("z3", "cvc5", "bitwuzla")
PORTFOLIO = "portfolio"
AUTO = "auto"   # the portfolio of AUTO_MEMBERS (prover/registry.py)


@dataclass
class Gate:
    """The second design of an equivalence check (the task's own design is the reference)."""

    design: list[str]
    top: str | None = None
    frontend: str | None = None
    outputs: list[str] | None = None   # signals to compare (default: common output ports)
    # what "equivalent" means (prover/miter.py's EquivSemantics): registers without initial value start
    # equal/free/zero, a reset held for the first cycles ("rst_n=0:2"), undefined reference bits refined
    # by the gate or compared strictly, outputs compared during reset, gate outputs `latency` cycles late
    init: str = "equal"
    reset: str | None = None
    x: str = "refine"
    compare_during_reset: bool = False
    latency: int = 0
    map: str | None = None             # file of "GATE_NAME REF_NAME" lines: renamed ports and registers
    libs: list[str] = field(default_factory=list)   # cell library models (Verilog) read with both designs


@dataclass
class Secure:
    """What a noninterference task keeps secret and compares (prover/selfcomp.py builds the two runs)."""

    secrets: list[str]                 # inputs and registers whose values must not reach ``public``
    public: list[str]                  # signals an observer sees: equal in two runs that differ only in secrets
    when: str | None = None            # compare only in cycles where this expression holds (in either run)
    release: list[str] = field(default_factory=list)   # expressions declassified: assumed equal in both runs


@dataclass
class Task:
    """One verification job: a design, what to check, with which engine and limits, what to produce."""

    design: list[str] = field(default_factory=list)
    top: str | None = None
    frontend: str | None = None
    defines: dict[str, str] = field(default_factory=dict)
    include: list[str] = field(default_factory=list)
    multiclock: bool = False
    clocks_together: bool = False      # several clocks: accept SBY's model in which all of them tick together
    mode: Mode = Mode.PROVE
    engine: str | None = None          # None: the registry's default for the mode; "portfolio": race members
    members: list[tuple[str, str]] | None = None   # portfolio members (engine, solver)
    depth: int | None = None           # None: not given (see ``bound``); an int bounds BMC and k-induction
    jobs: int | None = None            # portfolio members running at once (None: the core count)
    unbounded: bool = False            # no depth even without a time limit (SBY's abc pdr has none)
    solver: str = "bitwuzla"
    kernel_solver: str | None = None   # None: the kernel picks one other than ``solver``
    check: bool = True                 # have the kernel re-check every verdict's evidence
    timeout: float | None = None       # seconds for the engine run (enforced by killing its worker)
    memory_mb: int | None = None       # address-space limit of the engine's worker
    isolate: bool = True               # run the engine in a worker process
    simple_path: bool = True
    seed: int = 0                      # engines that simulate at random use it
    script: str | None = None          # prove by this proof script (.hwp, prover/tactics) instead of an engine
    asserts: list[str] = field(default_factory=list)
    assumes: list[str] = field(default_factory=list)
    covers: list[str] = field(default_factory=list)
    gate: Gate | None = None           # equivalence: the design compared against ``design``
    secure: Secure | None = None       # noninterference: secrets and public outputs of the self-composition
    name: str = ""
    expect: list[Status] = field(default_factory=lambda: [Status.PASS])
    system: TransitionSystem | None = None   # an already lowered design (Python API)
    loader: Callable[[], TransitionSystem] | None = None   # a picklable function lowering the design
                                                           # its own way (an SBY [script]); run in verify
    notes: list[str] = field(default_factory=list)   # warnings to show with the result (SBY engine mapping)
    allow_empty: bool = False          # no property to check is PASS with a warning (SBY), not ERROR
    cache: bool = False                # look the verdicts up in (and store them to) the result cache (run/cache.py)
    trust_cache: bool = False          # a cached verdict's evidence is not re-checked by the kernel
    cache_dir: str | None = None       # the cache's folder (default .hwverify/ in the working directory)

    def __post_init__(self) -> None:
        self.mode = Mode(self.mode)
        if (self.engine or DEFAULT_ENGINE[self.mode]) == AUTO and self.mode in AUTO_MEMBERS and not self.members:
            # a race of the mode's best engines, the SMT ones with the task's solver (PDR has its own)
            self.engine, self.members = None, [(e, self.solver) for e, _ in AUTO_MEMBERS[self.mode]]
        self.expect = [Status(e.upper()) if isinstance(e, str) else e for e in self.expect]

    @property
    def engine_name(self) -> str:
        """The engine that runs (``portfolio`` for a race)."""
        if self.members:
            return PORTFOLIO
        return self.engine or DEFAULT_ENGINE[self.mode]

    @property
    def bound(self) -> int | None:
        """The depth engines stop at: the user's ``depth``; without one, ``None`` (no bound: every member
        that can runs until a verdict or the deadline) for an unbounded question under a time limit,
        else ``DEFAULT_DEPTH`` so that a run without a time limit ends (unless ``unbounded``). BMC
        and cover answer "up to a depth", so they always have one."""
        if self.depth is not None:
            return self.depth
        if (self.timeout is not None or self.unbounded) and self.mode in (Mode.PROVE, Mode.EQUIV, Mode.SECURE):
            return None
        return DEFAULT_DEPTH

    def options(self, progress=None) -> EngineOptions:
        return EngineOptions(solver=self.solver, timeout=self.timeout, progress=progress,
                             simple_path=self.simple_path, memory_mb=self.memory_mb, seed=self.seed)

    def label(self) -> str:
        """A short name for messages: the task's name, else its top module or first design file."""
        return self.name or self.top or (self.design[0] if self.design else (self.system.name if self.system else "task"))

    def validate(self) -> None:
        """Raise UsageError for settings no engine could honour (checked before loading anything)."""
        if self.depth is not None and self.depth < 0:
            raise UsageError(f"--depth must not be negative, not {self.depth}")
        if self.jobs is not None and self.jobs < 1:
            raise UsageError(f"--jobs must be at least 1, not {self.jobs}")
        if self.timeout is not None and self.timeout < 0:
            raise UsageError(f"--timeout must not be negative, not {self.timeout:g}")
        if self.memory_mb is not None and self.memory_mb <= 0:
            raise UsageError(f"--memory-limit must be a positive number of MiB, not {self.memory_mb}")
        engine = self.engine_name
        if engine != PORTFOLIO:
            if engine not in ENGINES:
                raise UsageError(f"unknown engine {engine!r}; engines for {self.mode}: "
                                 f"{', '.join(engines_for(self.mode) + [PORTFOLIO])}")
            if self.mode not in ENGINES[engine].modes:
                raise UsageError(f"engine {engine!r} cannot be used for {self.mode} (engines for {self.mode}: "
                                 f"{', '.join(engines_for(self.mode) + [PORTFOLIO])})")
            if self.memory_mb is not None and not self.isolate:
                raise UsageError("--memory-limit needs an engine process; drop --no-isolate")
        for engine_name, solver in self.members or []:
            _check_solver(solver, f"portfolio member {engine_name}/{solver}: ")
        _check_solver(self.solver)
        if self.kernel_solver is not None and self.kernel_solver not in KERNEL_SOLVERS:
            raise UsageError(f"unknown kernel solver {self.kernel_solver!r}; choose one of {', '.join(KERNEL_SOLVERS)}")
        if self.system is None and self.loader is None and not self.design:
            raise UsageError("no design given")
        if self.script is not None and self.mode is not Mode.PROVE:
            raise UsageError(f"--script proves assertions: it needs mode prove, not {self.mode}")
        if self.mode is Mode.EQUIV and self.gate is None:
            raise UsageError("an equivalence task needs a second design (--gate)")
        if self.mode is not Mode.EQUIV and self.gate is not None:
            raise UsageError(f"--gate only makes sense for equiv, not {self.mode}")
        if self.mode is Mode.SECURE and (self.secure is None or not self.secure.secrets or not self.secure.public):
            raise UsageError("a noninterference task needs the secrets (--secret) and public outputs (--public)")
        if self.mode is not Mode.SECURE and self.secure is not None:
            raise UsageError(f"--secret/--public only make sense for secure, not {self.mode}")
        for e in self.expect:
            if e not in Status.__members__.values():
                raise UsageError(f"expect {e!r} is not a status")


def _check_solver(name: str, prefix: str = "") -> None:
    """An unknown or missing solver is a usage error, reported before any work."""
    try:
        make_solver(name).close()
    except ProverError as e:
        raise UsageError(f"{prefix}{e.message}") from None


def parse_members(spec: str | Sequence[str]) -> list[tuple[str, str]]:
    """``"kind/bitwuzla,bmc/cvc5"`` -> ``[("kind", "bitwuzla"), ("bmc", "cvc5")]``."""
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    members = []
    for item in items:
        engine, sep, solver = item.strip().partition("/")
        if not sep or not engine or not solver:
            raise UsageError(f"portfolio member must be ENGINE/SOLVER (e.g. kind/cvc5), not {item.strip()!r}")
        members.append((engine, solver))
    return members
