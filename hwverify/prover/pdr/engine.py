"""The IC3/PDR engine: bit-level IC3 over CaDiCaL, evidence about the word-level system.

Per assertion: bit-blast its cone (``model.py``, with bit-level cone of
influence and constant-latch reduction), merge equivalent latches
(``reduce.py``), check the initial states, then for
k = 1, 2, ...: clear frame k of bad states (``block.py``), push lemmas
(``propagate.py``) and stop when two frames agree.

* PASS carries a k = 1 certificate: the constant-latch facts, the proven
  latch equivalences and the lemmas of the fixpoint frame, each a word-level
  term over the original state variables (named per conjunct in
  ``Certificate.lemmas``: ``CONSTANT``, ``EQUIVALENT``, Houdini clauses, lemmas). The kernel re-checks it like any other invariant.
* FAIL carries a trace: the initial state and the inputs of every step, read
  from the SAT models along the chain of obligations; the kernel replays it.
  Its depth is minimal when it equals the frontier (no shorter trace exists
  once frame k-1 is clear); when it is longer, BMC searches for a shorter
  one for at most half as long as IC3 took. The verdict's reason says which.
* TIMEOUT (``EngineOptions.timeout``) and UNKNOWN say how far the run got.

``bound`` caps the frontier only for runs without a time limit (so a plain
run terminates); with a time limit, or ``bound`` None, PDR runs until a
verdict or the deadline.
"""
from __future__ import annotations

import time
from dataclasses import replace

from hwverify.errors import UnsupportedError
from hwverify.prover.bmc import BMC
from hwverify.prover.engine import Engine
from hwverify.prover.pdr.block import Obligation, strengthen
from hwverify.prover.pdr.context import Context
from hwverify.prover.pdr.frames import DEFAULT_LAYOUT
from hwverify.prover.pdr.model import BitModel
from hwverify.prover.pdr.propagate import propagate
from hwverify.prover.pdr.reduce import merge_equivalent_latches
from hwverify.prover.pdr.sat import SOLVER_NAME, OutOfTime
from hwverify.prover.result import (FAIL, PASS, TIMEOUT, UNKNOWN, Deadline, EngineOptions, PropertyResult,
                                    Result)
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.trace import Trace
from hwverify.semantics.transform import cone_of_influence

# names of the certificate's conjuncts that are facts about latches rather than IC3 lemmas
CONSTANT = "constant latch"
EQUIVALENT = "equivalent latches"


class PDR(Engine):
    """IC3/PDR over the bit-blasted system; one run per assertion."""

    name = "pdr"

    def __init__(self, system: TransitionSystem, options: EngineOptions | None = None,
                 layout: str = DEFAULT_LAYOUT, houdini: bool = True, equivalences: bool = True):
        super().__init__(system, options)
        self.word_solver = self.options.solver   # for the BMC that shortens a counterexample (``_fail``)
        # the solver is always CaDiCaL: say so in results (and the kernel then prefers any other)
        self.options = replace(self.options, solver=SOLVER_NAME)
        self.layout = layout
        self.houdini = houdini
        self.equivalences = equivalences
        self.stats: dict[str, dict] = {}

    def check(self, bound: int) -> Result:
        """As every engine, plus per-property statistics (sizes, SAT queries and time, frames, lemmas)."""
        result = super().check(bound)
        result.stats["pdr"] = self.stats
        return result

    def properties_of(self, system: TransitionSystem) -> list[Property]:
        return system.asserts

    def _check(self, bound: int, deadline: Deadline) -> list[PropertyResult]:
        limit = None if self.options.timeout is not None or bound is None else max(bound, 1)
        return [self._check_one(p, limit, deadline) for p in self.properties()]

    def _check_one(self, prop: Property, limit: int | None, deadline: Deadline) -> PropertyResult:
        cone = cone_of_influence(self.system, [prop])
        start = time.monotonic()
        try:
            model = BitModel.build(cone, prop)
        except UnsupportedError as e:
            return PropertyResult(prop.name, prop.kind, UNKNOWN, reason=f"pdr: {e}", loc=prop.loc)
        try:
            merged = merge_equivalent_latches(model, deadline) if self.equivalences else 0
            ctx = Context(model, deadline, self.layout, self.houdini)
        except OutOfTime:
            return PropertyResult(prop.name, prop.kind, TIMEOUT, loc=prop.loc,
                                  reason="pdr: out of time before the first frame (bit-blasting and Houdini)")
        stats = {"blast_time": round(time.monotonic() - start, 3), "latches": len(model.latches),
                 "inputs": len(model.inputs), "gates": len(model.aig.gates), "constant_latches": len(model.constants),
                 "merged_latches": merged}
        self.stats[prop.name] = stats
        k = 0
        try:
            if ctx.frames.bad(0):
                state, inputs = ctx.read_state(ctx.frames.last)
                return self._fail(model, cone, prop, Obligation(-1, (), state, inputs, None), 0, deadline, start)
            while True:
                if limit is not None and k >= limit:
                    return PropertyResult(prop.name, prop.kind, UNKNOWN, depth=k, loc=prop.loc,
                                          reason=f"pdr: no proof within {k} frames and no counterexample "
                                                 f"up to step {k}")
                ctx.frames.extend()
                k = ctx.frames.top - 1
                self.progress(f"pdr: frame {k}, {ctx.frames.count()} lemmas")
                cex = strengthen(ctx)
                if cex is not None:
                    return self._fail(model, cone, prop, cex, k, deadline, start)
                fixed = propagate(ctx)
                self.progress(f"pdr: frame {k}, {ctx.frames.count()} lemmas")
                if fixed is not None:
                    return invariant_result(model, prop, ctx, fixed + 1)
        except OutOfTime:
            return PropertyResult(prop.name, prop.kind, TIMEOUT, depth=k - 1 if k > 0 else None, loc=prop.loc,
                                  reason=f"pdr: out of time at frame {k} with {ctx.frames.count()} lemmas; "
                                         f"no counterexample up to step {k - 1}")
        finally:
            stats.update(ctx.stats.to_json())
            stats.update({"frames": k, "lemmas": ctx.frames.count(), "time": round(time.monotonic() - start, 3)})

    def _fail(self, model: BitModel, cone: TransitionSystem, prop: Property, first: Obligation, frontier: int,
              deadline: Deadline, start: float) -> PropertyResult:
        trace = obligation_trace(model, cone, prop, first)
        depth = trace.depth
        minimal = depth == frontier
        if not minimal:
            shorter = self._shorter(cone, prop, depth, deadline, time.monotonic() - start)
            if shorter is not None:
                trace, minimal = shorter.trace, True
                depth = shorter.depth
        note = "minimal depth" if minimal else f"not necessarily minimal (frontier {frontier})"
        return PropertyResult(prop.name, prop.kind, FAIL, depth=depth, trace=trace, loc=prop.loc,
                              reason=f"pdr: counterexample at step {depth} ({note})")

    def _shorter(self, cone: TransitionSystem, prop: Property, depth: int, deadline: Deadline,
                 spent: float) -> PropertyResult | None:
        """BMC's minimal counterexample when IC3's (``depth`` steps, past the frontier) may not be minimal.

        IC3 re-queues blocked obligations, so its trace can be longer than the
        shortest one; users and the cross-checks want the minimal depth. BMC
        to ``depth`` gets at most half as long as IC3 took (at least a second)
        and what is left of the run: a FAIL is not held back long.
        """
        remaining = deadline.remaining()
        budget = max(1.0, spent / 2) if remaining is None else min(remaining, max(1.0, spent / 2))
        try:
            p = BMC(cone, EngineOptions(solver=self.word_solver, timeout=budget)).check(depth).get(prop.name)
        except Exception:  # noqa: BLE001 - a failing helper must not cost the FAIL: IC3's trace stands
            return None
        return p if p.status == FAIL and p.trace is not None and p.depth is not None and p.depth <= depth else None


def model_facts(model: BitModel) -> tuple[list[T.Term], list[str]]:
    """What the bit-level model assumes of every reachable state (constant and merged latches), with the
    conjunct names report/invariant.py groups them by. IC3's lemmas are about the reduced model, so every
    certificate built from them carries these facts too (each is inductive on its own)."""
    constants, equal = model.constant_terms(), model.equivalence_terms()
    return constants + equal, [CONSTANT] * len(constants) + [EQUIVALENT] * len(equal)


def invariant_result(model: BitModel, prop: Property, ctx: Context, level: int) -> PropertyResult:
    """PASS with IC3's fixpoint at ``level`` as a k = 1 certificate over the word-level system."""
    cubes = ctx.background + ctx.frames.invariant(level)
    facts, tags = model_facts(model)
    invariant = facts + [model.lemma_term(c) for c in cubes]
    # one name per conjunct: report/invariant.py groups them by these names
    cert = Certificate(prop.name, invariant or [T.true()], 1, False, "pdr", SOLVER_NAME,
                       lemmas=tags + [f"houdini clause {i}" for i in range(len(ctx.background))]
                       + [f"lemma {i}" for i in range(len(cubes) - len(ctx.background))])
    return PropertyResult(prop.name, prop.kind, PASS, depth=1, certificate=cert, loc=prop.loc,
                          reason=f"inductive invariant of {len(invariant)} clauses found by pdr at frame {level}")


def obligation_trace(model: BitModel, cone: TransitionSystem, prop: Property, first: Obligation) -> Trace:
    """The counterexample along the chain of obligations from ``first`` (an initial state) to the bad state."""
    chain = first.chain()
    frames = model.trace_frames(cone, {abs(l): l > 0 for l in first.state},
                                [{abs(l): l > 0 for l in ob.inputs} for ob in chain])
    return Trace(prop.name, "assert", frames)
