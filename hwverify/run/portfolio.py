"""A portfolio: several (engine, solver) configurations race in worker processes.

Solvers differ by orders of magnitude from one problem to the next, so the
portfolio starts its members (each in its own ``Worker``, with the same
memory limit; at most ``jobs`` at once, default the core count, the rest in
order as slots free up, with what is left of the time limit), takes for each
property the first definitive answer (PASS or FAIL) and kills the members
still running once every property is decided. UNKNOWN, TIMEOUT or ERROR is
reported only when no member decides; a bounded PASS (BMC to a depth) decides
nothing outside ``bmc`` mode. The result's ``solver`` names the winning
member(s), each verdict's reason ends with ``[engine/solver]``.

A member can be wrong, so evidence is vetted with the kernel before it wins,
while the other members keep running: rejected evidence decides nothing, and
if no other member decides, the property is ERROR with the kernel's reason.
By default (``vet="traces"``) only traces are vetted: replaying one takes
milliseconds, while re-checking a certificate can cost several times the
proof (the crypto core: 24 s of kernel time for 15 certificates that
k-induction found in 5 s), and the caller has the kernel check every
certificate anyway, as for any engine; ``vet="all"`` vets certificates too,
``vet="none"`` nothing. A trace is vetted even from the last member still
running (so a FAIL never wins unreplayed); a certificate only while another
member could answer instead (the caller's kernel check decides the last one). Two accepted verdicts that contradict each other are a bug
and give ERROR, never a silent choice.
"""
from __future__ import annotations

import os
import time
from dataclasses import replace
from multiprocessing.connection import wait
from typing import Sequence

from hwverify.errors import ProverError
from hwverify.kernel import check_certificate, check_trace
from hwverify.prover.registry import PORTFOLIO_MEMBERS, check_engine, engine_bound
from hwverify.prover.result import (ERROR, FAIL, PASS, TIMEOUT, UNKNOWN, as_claimed, Deadline, EngineOptions, Mode,
                                    PropertyResult, Result)
from hwverify.prover.solvers import make_solver
from hwverify.run.worker import Worker
from hwverify.semantics.system import Property, TransitionSystem

# When no member decides, the most informative non-verdict is reported.
_UNDECIDED_RANK = {UNKNOWN: 0, TIMEOUT: 1, ERROR: 2}


class Portfolio:
    """Run ``members`` (engine, solver) in parallel worker processes; first vetted verdict wins.

    A runner over workers, not an engine: it has no solver of its own and
    returns the members' results (with their evidence) merged per property.
    """

    name = "portfolio"

    def __init__(self, system: TransitionSystem, options: EngineOptions | None = None,
                 mode: Mode | str = Mode.PROVE, members: Sequence[tuple[str, str]] | None = None, *,
                 vet: str = "traces", grace: float | None = None, start_method: str | None = None,
                 jobs: int | None = None):
        self.mode = Mode(mode)
        self.members = list(members if members is not None else PORTFOLIO_MEMBERS[self.mode])
        if not self.members:
            raise ProverError("a portfolio needs at least one member")
        for engine, solver in self.members:
            try:
                check_engine(engine, self.mode)
            except ProverError as e:
                raise ProverError(f"portfolio member {engine}/{solver}: {e}") from None
            make_solver(solver).close()  # an unknown or missing solver is a usage error, reported up front
        if vet not in ("traces", "all", "none"):
            raise ProverError(f"vet must be 'traces', 'all' or 'none', not {vet!r}")
        if len(set(self.members)) != len(self.members):
            raise ProverError("portfolio members must differ")
        if jobs is not None and jobs < 1:
            raise ProverError(f"a portfolio needs at least one job slot, not {jobs}")
        self.vet, self.grace, self.start_method = vet, grace, start_method
        self.jobs = jobs or os.cpu_count() or 1
        # No cone of influence here: each member computes its own in its process.
        self.system = system
        self.options = options or EngineOptions()
        if not (system.covers if self.mode is Mode.COVER else system.asserts):
            raise ProverError(f"the design has no {'cover goals' if self.mode is Mode.COVER else 'assertions'} "
                              "to check")
        system.validate()
        self.workers: list[Worker] = []

    def properties(self) -> list[Property]:
        return list(self.system.covers if self.mode is Mode.COVER else self.system.asserts) + list(self.system.justice)

    def check(self, bound: int | None) -> Result:
        """Race the members to ``bound``; kill the rest once every property is decided.

        ``bound`` None: no depth (``Task.bound``), so every member that can
        runs until a verdict or the deadline (the others to ``DEFAULT_DEPTH``,
        ``registry.engine_bound``). At most ``jobs`` members
        run at once, in the order given; the next starts when one ends, with
        what is left of the time limit, which bounds the whole race.
        """
        start = time.monotonic()
        deadline = Deadline(self.options.timeout)
        props = self.properties()
        decided: dict[str, tuple[str, PropertyResult]] = {}
        seen: dict[str, list[tuple[str, PropertyResult, bool]]] = {p.name: [] for p in props}
        stats: dict[str, dict] = {}
        workers = self.workers
        queue = list(self.members)
        pending: list[Worker] = []
        interrupted = False
        try:
            while len(decided) < len(props):
                while queue and len(pending) < self.jobs and not deadline.expired():
                    pending.append(self._start(*queue.pop(0), bound, deadline.remaining()))
                if not pending:
                    break
                limits = [r for r in (w.remaining() for w in pending) if r is not None]
                wait([h for w in pending for h in w.handles], min(limits) if limits else None)
                for w in list(pending):
                    r = w.poll()
                    if r is not None:
                        pending.remove(w)
                        stats[w.label] = {"status": r.status, "time": round(r.time, 4),
                                          "started": round(w.started - start, 4)}
                        self._merge(w.label, r, decided, seen, others_left=bool(pending or queue))
            for w in pending:
                stats[w.label] = {"status": "killed", "time": round(time.monotonic() - w.started, 4),
                                  "started": round(w.started - start, 4)}
            for engine, solver in queue:
                stats[f"{engine}/{solver}"] = {"status": "not started"}
        except KeyboardInterrupt:  # Ctrl-C: keep what was decided, the rest is UNKNOWN
            interrupted = True
        finally:
            for w in workers:
                w.kill()
        if not decided and workers and all(w.raised is not None for w in workers):
            raise workers[0].raised  # every member failed to set up: a usage error, not a result
        results = [decided[p.name][1] if p.name in decided
                   else PropertyResult(p.name, p.kind, UNKNOWN, loc=p.loc, reason="interrupted") if interrupted
                   else PropertyResult(p.name, p.kind, TIMEOUT, loc=p.loc, reason="no member started in time")
                   if not seen[p.name] and deadline.expired()
                   else self._undecided(p, seen[p.name]) for p in props]
        winners = sorted({label for label, r in decided.values() if r.status in (PASS, FAIL)})
        solver = "+".join(winners or (f"{e}/{s}" for e, s in self.members))
        stats = {"members": stats, "jobs": self.jobs, **({"interrupted": True} if interrupted else {})}
        return Result(self.name, solver, results, time.monotonic() - start, stats)

    def _start(self, engine: str, solver: str, bound: int | None, remaining: float | None) -> Worker:
        """Start member ``engine/solver`` with the time left to the race and its own bound."""
        label = f"{engine}/{solver}"
        options = replace(self.options, solver=solver, progress=self._relay(label), timeout=remaining)
        worker = Worker(self.system, engine, options, engine_bound(engine, bound), self.mode,
                        grace=self.grace, start_method=self.start_method, label=label).start()
        self.workers.append(worker)
        return worker

    def _relay(self, label: str):
        if self.options.progress is None:
            return None
        progress = self.options.progress
        return lambda message: progress(f"[{label}] {message}")

    def _merge(self, label: str, result: Result, decided: dict[str, tuple[str, PropertyResult]],
               seen: dict[str, list[tuple[str, PropertyResult, bool]]], others_left: bool) -> None:
        """Record a member's result; accept its (vetted) verdicts for undecided properties."""
        for p in result.properties:
            if p.name not in seen:
                continue
            p = as_claimed(p, self.mode)
            rejected = False
            if p.status in (PASS, FAIL) and (p.trace is not None or others_left or p.name in decided):
                problem = self._rejected(p)
                if problem:
                    rejected = True
                    p = PropertyResult(p.name, p.kind, ERROR, depth=p.depth, loc=p.loc,
                                       reason=f"kernel rejected the {p.status} evidence: {problem}")
            seen[p.name].append((label, p, rejected))
            if p.status not in (PASS, FAIL):
                continue
            if p.name not in decided:
                p.reason = f"{p.reason} [{label}]" if p.reason else f"[{label}]"
                decided[p.name] = (label, p)
                continue
            first, earlier = decided[p.name]
            if earlier.status in (PASS, FAIL) and earlier.status != p.status:
                decided[p.name] = (first, PropertyResult(
                    p.name, p.kind, ERROR, loc=p.loc,
                    reason=f"portfolio contradiction (a bug): {first} says {earlier.status}, {label} says {p.status}"))

    def _rejected(self, p: PropertyResult) -> str:
        """The kernel's objection to ``p``'s evidence ('' if it accepts or there is none)."""
        if p.certificate is not None and self.vet == "all":
            report = check_certificate(self.system, p.certificate)
        elif p.trace is not None and self.vet != "none":
            report = check_trace(self.system, p.trace)
        else:
            return ""
        return "" if report.ok else "; ".join(report.details)[:300]

    @staticmethod
    def _undecided(prop: Property, seen: list[tuple[str, PropertyResult, bool]]) -> PropertyResult:
        """No member decided: the most telling non-verdict, with every member's reason.

        Evidence the kernel rejected makes it ERROR (a member is wrong); otherwise
        UNKNOWN beats TIMEOUT beats ERROR (one crashed member says little).
        """
        if not seen:
            return PropertyResult(prop.name, prop.kind, ERROR, loc=prop.loc, reason="no member answered")
        lied = [p for _, p, rejected in seen if rejected]
        best = lied[0] if lied else min((p for _, p, _ in seen), key=lambda p: _UNDECIDED_RANK.get(p.status, 3))
        why = "; ".join(f"{label}: {p.status}" + (f" ({p.reason})" if p.reason else "") for label, p, _ in seen)
        return PropertyResult(prop.name, prop.kind, best.status, depth=best.depth, loc=prop.loc, reason=why)
