"""What every engine returns: per-property verdicts with their evidence.

A PASS carries a ``Certificate`` (checked by the kernel), a FAIL a ``Trace``
(replayed by the kernel). The overall status follows SBY: any FAIL makes the
run FAIL, then ERROR, TIMEOUT and UNKNOWN, and PASS only when every property
passed. Exit codes are SBY's.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Callable

from hwverify.errors import SourceLoc
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.trace import Trace



class Status(StrEnum):
    """A verdict. A ``StrEnum``: equal to its name as a string, so JSON and old comparisons keep working."""

    PASS = "PASS"
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"
    TIMEOUT = "TIMEOUT"
    ERROR = "ERROR"


class Mode(StrEnum):
    """What a run checks: assertions to a bound, assertions unbounded, cover goals, or two designs' outputs."""

    BMC = "bmc"
    PROVE = "prove"
    COVER = "cover"
    EQUIV = "equiv"
    SECURE = "secure"      # noninterference: the self-composition's public outputs agree (prover/selfcomp.py)

    @property
    def property_kind(self) -> str:
        """The kind of property this mode decides (``cover`` or ``assert``)."""
        return "cover" if self is Mode.COVER else "assert"


PASS, FAIL, UNKNOWN, TIMEOUT, ERROR = Status.PASS, Status.FAIL, Status.UNKNOWN, Status.TIMEOUT, Status.ERROR
EXIT_CODES = {PASS: 0, FAIL: 2, UNKNOWN: 4, TIMEOUT: 8, ERROR: 16}
EXIT_INTERRUPTED = 130  # Ctrl-C: what was decided is printed, the rest is UNKNOWN (the shell's 128 + SIGINT)


@dataclass
class PropertyResult:
    """The verdict on one property, with evidence and how far the engine got."""

    name: str
    kind: str  # "assert" or "cover"
    status: str
    depth: int | None = None  # FAIL/cover-hit: trace depth; UNKNOWN: last bound checked
    trace: Trace | None = None
    certificate: Certificate | None = None
    reason: str = ""
    loc: SourceLoc | None = None
    checked: bool | None = None  # set once the kernel has re-checked the evidence

    def to_json(self) -> dict:
        d = {"name": self.name, "kind": self.kind, "status": self.status}
        if self.depth is not None:
            d["depth"] = self.depth
        if self.reason:
            d["reason"] = self.reason
        if self.loc:
            d["location"] = str(self.loc)
        if self.checked is not None:
            d["evidence_checked"] = self.checked
        if self.certificate is not None:
            d["method"] = self.certificate.method
            d["k"] = self.certificate.k
        return d


def as_claimed(p: PropertyResult, mode: "Mode | str") -> PropertyResult:
    """``p`` as an answer to ``mode``'s question: a bounded PASS answers only a bounded one.

    BMC's "no counterexample up to step N" is a PASS of ``bmc`` mode; asked
    to prove (or to show equivalence or noninterference, both unbounded
    claims) it decides nothing, so it becomes UNKNOWN and says how far it got.
    """
    if p.status == PASS and p.certificate is not None and p.certificate.bounded and Mode(mode) is not Mode.BMC:
        return PropertyResult(p.name, p.kind, UNKNOWN, depth=p.depth, loc=p.loc,
                              reason=f"{p.reason or 'bounded'} (a bounded check, not a proof)")
    return p


def overall_status(results: list[PropertyResult]) -> str:
    """Combine per-property statuses the way SBY does."""
    statuses = {r.status for r in results}
    for s in (FAIL, ERROR, TIMEOUT, UNKNOWN):
        if s in statuses:
            return s
    return PASS


@dataclass
class Result:
    """Outcome of one engine run over a system."""

    engine: str
    solver: str
    properties: list[PropertyResult] = field(default_factory=list)
    time: float = 0.0
    stats: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        return overall_status(self.properties) if self.properties else UNKNOWN

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def get(self, name: str) -> PropertyResult:
        for r in self.properties:
            if r.name == name:
                return r
        raise KeyError(name)

    def to_json(self) -> dict:
        return {"status": self.status, "engine": self.engine, "solver": self.solver,
                "time": round(self.time, 4), "properties": [p.to_json() for p in self.properties],
                "stats": self.stats}


ProgressFn = Callable[[str], None]


@dataclass
class EngineOptions:
    """Options shared by all engines; an engine rejects what it cannot honour."""

    solver: str = "bitwuzla"
    timeout: float | None = None  # wall-clock seconds for the whole run
    progress: ProgressFn | None = None
    simple_path: bool = True
    memory_mb: int | None = None  # address-space limit of a worker process (run/worker.py); in-process: ignored
    seed: int = 0                 # for engines that simulate at random (equiv): runs are reproducible

    def deadline(self) -> "Deadline":
        return Deadline(self.timeout)


class Deadline:
    """Remaining wall time of a run, for per-check solver timeouts."""

    def __init__(self, seconds: float | None):
        self.end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        return None if self.end is None else max(0.0, self.end - time.monotonic())

    def expired(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end
