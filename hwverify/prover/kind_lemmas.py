"""k-induction strengthened by IC3's lemmas (engine ``kind-pdr``): a word-level portfolio member.

Why: k-induction fails on properties whose invariant is not k-inductive for
any small k (a counter that must stay below 12), and IC3 can spend its time
on the last few lemmas of an invariant that a deeper induction would not
need. Lemmas IC3 has already learned, added to the induction hypothesis,
often close the gap from either side.

Per assertion, in rounds whose time slices double (k-induction gets at
least as much time as IC3 overall):

1. k-induction over the word-level system (the SMT back end of
   ``options.solver``, ``kind.StepCase``) of ``L ∧ P``, ``L`` being the lemmas
   of the rounds before (none in round 0: plain k-induction first, before any
   bit-blasting). Its base case is incremental BMC, shared by all rounds, so
   a FAIL found there has minimal depth.
2. IC3 (``prover/pdr``) continues on the bit-blasted cone for one slice. Its
   frames survive an interrupted slice (a lemma is stored only once proven),
   so the next round resumes; a verdict of IC3 itself is returned with the
   evidence the ``pdr`` engine gives.
3. The candidates (IC3's Houdini clauses, two-literal clauses within narrow
   words, the frame lemmas highest level first) that exclude the initial
   states are closed by Houdini *relative to the property*: the largest
   subset ``L`` with ``L ∧ P ∧ C ∧ T ⇒ L'`` (bit level, on IC3's model, whose
   constant and merged latches are facts of every certificate).

Why ``L ∧ P`` with depth k is a certificate the kernel accepts: ``L`` holds
initially and is preserved by every step from a state satisfying ``L ∧ P``
and the constraints, so in the first k frames it holds wherever ``P`` held
before, which BMC checked up to k-1; the step case assumes ``L ∧ P`` in
frames 0..k-1 and finds no frame k violating it. The kernel re-derives all of
it from the word-level terms (``BitModel.lemma_term``), never trusting the
bit-level filtering.

Not registered: on the shared HWMCC'20 subset it solved nothing that ``kind``
or ``pdr`` does not (10 s per instance: 43/84 against kind 35 and pdr 50,
virtual best of kind+pdr 54 with or without it; 60 s on the 30 neither
solves at 10 s: 1, a 1023-step counterexample IC3 found by chance, which
none of the three found in a re-run; ``bench/results/kind_pdr_*``). It
proves designs such as ``tests/test_kind_lemmas.py``'s multiplier next to a
mod-12 counter, which neither proves quickly, so it stays available.
"""
from __future__ import annotations

import time
from itertools import count

from hwverify.errors import ProverError, UnsupportedError
from hwverify.prover.bmc import BoundedSearch
from hwverify.prover.engine import Engine, explored, undecided
from hwverify.prover.kind import StepCase
from hwverify.prover.pdr.block import Obligation, strengthen
from hwverify.prover.pdr.context import Context
from hwverify.prover.pdr.engine import invariant_result, model_facts, obligation_trace
from hwverify.prover.pdr.frames import transition_clauses
from hwverify.prover.pdr.model import BitModel, Cube
from hwverify.prover.pdr.propagate import propagate
from hwverify.prover.pdr.sat import OutOfTime, Sat
from hwverify.prover.result import FAIL, PASS, Deadline, EngineOptions, PropertyResult, Result
from hwverify.prover.solvers import SAT, UNSAT
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.transform import cone_of_influence

__all__ = ["KindPDR", "RelativeHoudini", "word_pairs"]

METHOD = "k-induction + pdr lemmas"
FIRST_SLICE = 0.5     # seconds of IC3 (and as many of k-induction) in round 0; doubled every round
PAIR_WIDTH = 8        # ``word_pairs``: words up to this width
MAX_PAIRS = 4000
MAX_CANDIDATES = 1000  # lemmas offered to Houdini per round (each kept one is a term in every SMT frame)
MAX_ROUNDS = 24       # without a time limit, so a run whose solvers keep giving up still ends


def _primed(primed: dict[int, int], lit: int) -> int:
    return primed[lit] if lit > 0 else -primed[-lit]


class RelativeHoudini:
    """The largest subset of candidate lemmas inductive relative to the property, over one persistent solver.

    The solver holds ``C ∧ ~bad ∧ T`` (so ``P`` in the current state); each
    candidate ``~c`` gets, once, a guard (assumed: the lemma holds now) and a
    violation literal (its cube holds next). A model violating some alive
    lemma removes every lemma it violates; UNSAT means the rest is closed.
    Rounds offer overlapping candidate sets, so guards are kept and only new
    candidates cost clauses.
    """

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.sat: Sat | None = None
        self.guard: dict[Cube, int] = {}
        self.viol: dict[Cube, int] = {}

    def _solver(self) -> Sat:
        if self.sat is None:
            model, primed = self.ctx.model, self.ctx.primed
            first = max([model.aig.nvars] + list(primed.values())) + 1
            self.sat = Sat(transition_clauses(model, primed) + [[model.constraint], [-model.bad]],
                           self.ctx.deadline, self.ctx.stats, first)
        return self.sat

    def run(self, cubes: list[Cube]) -> list[Cube]:
        """The closed subset of ``cubes`` (raises ``OutOfTime`` past ``ctx.deadline``)."""
        if not cubes:
            return []
        sat, primed = self._solver(), self.ctx.primed
        for c in cubes:
            if c not in self.guard:
                self.guard[c] = g = sat.new_var()
                sat.add([-g] + [-l for l in c])
                self.viol[c] = d = sat.new_var()
                for l in c:
                    sat.add([-d, _primed(primed, l)])
        alive = list(cubes)
        while alive:
            a = sat.new_var()
            sat.add([-a] + [self.viol[c] for c in alive])
            try:
                if not sat.solve([a] + [self.guard[c] for c in alive]):
                    return alive
                alive = [c for c in alive if not all(sat.value(abs(p)) == (p > 0)
                                                      for p in (_primed(primed, l) for l in c))]
            finally:
                sat.add([-a])
        return []


def word_pairs(model: BitModel) -> list[Cube]:
    """Two-literal clauses over the bits of one narrow word (counters, state encodings), as cubes.

    IC3's own Houdini tries all pairs only in small cones; a narrow word's
    range (``count < 12`` is ``~(c3 & c2)``) is what k-induction most often
    lacks, and its pairs are few. Words up to ``PAIR_WIDTH`` bits, at most
    ``MAX_PAIRS`` clauses; only clauses that hold initially (for constant
    initial values) are candidates.
    """
    words: dict[tuple, list[int]] = {}
    for x in model.latches:
        o = model.origin[x]
        words.setdefault((o.var, o.index), []).append(x)
    out: list[Cube] = []
    for bits in words.values():
        if len(bits) > PAIR_WIDTH:
            continue
        lits = bits + [-x for x in bits]
        for i, a in enumerate(lits):
            for b in lits[i + 1:]:
                if a != -b and any(model.init.get(abs(l)) == (l < 0) for l in (a, b)):
                    out.append(tuple(sorted((a, b), key=abs)))
                    if len(out) >= MAX_PAIRS:
                        return out
    return out


class _Ic3Run:
    """One IC3 run that proceeds a time slice at a time (``advance``) and keeps its frames in between."""

    def __init__(self, cone: TransitionSystem, prop: Property):
        self.cone, self.prop = cone, prop
        self.model: BitModel | None = None    # bit-blasted on the first ``advance`` (k-induction runs before)
        self.deadline = Deadline(None)   # its ``end`` is moved for every slice; the solvers read it
        self.ctx: Context | None = None
        self.checked_init = False
        self.open_frame = False          # the top frame's blocking/propagation was interrupted
        self.k = 0
        self.pairs: list[Cube] | None = None
        self.houdini: RelativeHoudini | None = None
        self.last: tuple[list[Cube], list[Cube]] | None = None   # the candidates of the last strengthening, kept

    def advance(self, until: float, frame_limit: int | None) -> tuple[str, object]:
        """Run until ``until`` (monotonic time): ("fail", obligation), ("pass", level), ("limit"|"slice", None)."""
        self.deadline.end = until
        if self.model is None:
            self.model = BitModel.build(self.cone, self.prop)   # may raise UnsupportedError
        try:
            if self.ctx is None:
                self.ctx = Context(self.model, self.deadline)
            ctx = self.ctx
            if not self.checked_init:
                if ctx.frames.bad(0):
                    state, inputs = ctx.read_state(ctx.frames.last)
                    return "fail", Obligation(-1, (), state, inputs, None)
                self.checked_init = True
            while True:
                if not self.open_frame:
                    if frame_limit is not None and self.k >= frame_limit:
                        return "limit", None
                    ctx.frames.extend()
                    self.k = ctx.frames.top - 1
                    self.open_frame = True
                cex = strengthen(ctx)
                if cex is not None:
                    return "fail", cex
                fixed = propagate(ctx)
                self.open_frame = False
                if fixed is not None:
                    return "pass", fixed + 1
        except OutOfTime:
            return "slice", None

    def candidates(self) -> list[Cube]:
        """Houdini's clauses, ``word_pairs`` and the frame lemmas, as cubes, at most ``MAX_CANDIDATES``.

        Frame lemmas go highest level first (the fixpoint's lemmas live
        there), shortest first within a level: every lemma becomes a term in
        every frame of the SMT step case, so the set is kept small.
        """
        if self.ctx is None:
            return []
        if self.pairs is None:
            self.pairs = word_pairs(self.model)
        lemmas = self.ctx.frames.lemmas
        ordered = [c for j in range(len(lemmas) - 1, 0, -1) for c in sorted(lemmas[j], key=lambda c: (len(c), c))]
        return list(dict.fromkeys(self.ctx.background + self.pairs + ordered))[:MAX_CANDIDATES]

    def strengthening(self, until: float) -> list[Cube] | None:
        """The candidates that exclude the initial states, closed by ``RelativeHoudini``; None if out of time."""
        if self.ctx is None:
            return []
        self.deadline.end = until
        cands = self.candidates()
        if self.last is not None and cands == self.last[0]:
            return self.last[1]
        if self.houdini is None:
            self.houdini = RelativeHoudini(self.ctx)
        try:
            kept = self.houdini.run([c for c in cands if not self.ctx.intersects_init(c)])
        except OutOfTime:
            return None
        self.last = (cands, kept)
        return kept


class KindPDR(Engine):
    """k-induction whose hypothesis is strengthened by the IC3 lemmas that are inductive relative to the property."""

    name = "kind-pdr"

    def __init__(self, system: TransitionSystem, options: EngineOptions | None = None,
                 frames_per_round: int | None = None):
        """``frames_per_round`` caps how many new IC3 frames a round opens (tests use it for determinism)."""
        super().__init__(system, options)
        self.frames_per_round = frames_per_round
        self.stats: dict[str, dict] = {}

    def _ic3_result(self, ic3: _Ic3Run, cone: TransitionSystem, prop: Property, what: str,
                    data: object) -> PropertyResult:
        """IC3's own verdict, with the evidence the pdr engine gives (a k = 1 invariant, a trace)."""
        if what == "pass":
            return invariant_result(ic3.model, prop, ic3.ctx, data)  # type: ignore[arg-type]
        trace = obligation_trace(ic3.model, cone, prop, data)  # type: ignore[arg-type]
        depth = trace.depth
        note = "minimal depth" if depth == ic3.k else f"not necessarily minimal (frontier {ic3.k})"
        return PropertyResult(prop.name, prop.kind, FAIL, depth=depth, trace=trace,
                              loc=prop.loc, reason=f"pdr: counterexample at step {depth} ({note})")

    def check(self, bound: int) -> Result:
        """As every engine, plus per-property statistics (rounds, lemmas offered and kept, depths)."""
        result = super().check(bound)
        result.stats["kind-pdr"] = self.stats
        return result

    def properties_of(self, system: TransitionSystem) -> list[Property]:
        return system.asserts

    def _check(self, bound: int | None, deadline: Deadline) -> list[PropertyResult]:
        if bound is None and deadline.end is None:
            raise ProverError("kind-pdr needs a depth or a time limit")
        base = BoundedSearch(self, Deadline(None))
        return [self._check_one(p, base, bound, deadline) for p in self.properties()]

    def _check_one(self, prop: Property, base: BoundedSearch, bound: int | None, deadline: Deadline) -> PropertyResult:
        start = time.monotonic()
        cone = cone_of_influence(self.system, [prop])
        stats = {"rounds": 0, "candidates": 0, "kept": 0, "pdr_frames": 0, "k": 0}
        self.stats[prop.name] = stats
        note = ""
        ic3 = _Ic3Run(cone, prop)
        # as pdr: the depth caps IC3's frontier only in runs without a time limit
        frame_limit = None if self.options.timeout is not None or bound is None else max(bound, 1)
        last = float("inf") if bound is None else bound
        slice_dl = Deadline(None)           # the k-induction solvers' time slice
        base.deadline = slice_dl
        step: StepCase | None = None
        kept: list[Cube] = []
        facts: list[T.Term] = []
        tags: list[str] = []
        checked = -1                        # BMC found no counterexample in frames 0..checked
        k = 0                               # next iteration: base case of frame k, step case of k+1
        ic3_done = False
        spent = {"ic3": 0.0, "kind": 0.0}     # seconds each side has had: k-induction gets at least half
        for rnd in (count() if deadline.end is not None else range(MAX_ROUNDS)):
            if deadline.expired():
                break
            stats["rounds"] = rnd + 1
            length = FIRST_SLICE * 2 ** rnd
            # k-induction first, with the lemmas of the rounds before (none in round 0: plain k-induction)
            t0 = time.monotonic()
            slice_dl.end = self._until(max(length, spent["ic3"] - spent["kind"]), deadline)
            if step is None:
                strong = Property(prop.name, T.and_all(facts + [prop.term]), "assert")
                step, k = StepCase(self, strong, slice_dl), 0  # base cases stay checked; small k first again
            while k <= last and not slice_dl.expired():
                if checked < k:
                    answer = base.reach(prop, k)
                    if answer == SAT:
                        return base.trace_result(prop, k, FAIL)
                    if answer != UNSAT:
                        break
                    checked = k
                if k == last:
                    break
                answer = step.check(k + 1)
                if answer == UNSAT:
                    stats["k"] = k + 1
                    return self._certified(prop, step, facts, tags, len(kept), k + 1)
                if answer != SAT:
                    break
                k += 1
                stats["k"] = k
                self.progress(f"kind-pdr: round {rnd}, k={k}, {len(kept)} lemmas")
            spent["kind"] += time.monotonic() - t0
            if ic3_done:
                if k >= last and checked >= last:
                    break
                continue
            if deadline.expired():
                break
            t0 = time.monotonic()
            limit = frame_limit
            if self.frames_per_round is not None:
                limit = ic3.k + self.frames_per_round if limit is None else min(limit, ic3.k + self.frames_per_round)
            try:
                what, data = ic3.advance(self._until(length, deadline), limit)
            except UnsupportedError as e:   # k-induction goes on alone
                ic3_done, note = True, f" (no pdr lemmas: {e})"
                continue
            stats["pdr_frames"] = ic3.k
            self.progress(f"kind-pdr: round {rnd}, pdr frame {ic3.k}")
            if what in ("fail", "pass"):
                return self._ic3_result(ic3, cone, prop, what, data)
            ic3_done = what == "limit" and frame_limit is not None and ic3.k >= frame_limit
            if not deadline.expired():
                new = ic3.strengthening(self._until(length, deadline))
                if new is not None and set(new) != set(kept):
                    kept, step = new, None
                    fixed, tags = model_facts(ic3.model)
                    facts = fixed + [ic3.model.lemma_term(c) for c in kept]
                    stats["candidates"], stats["kept"] = len(ic3.candidates()), len(kept)
            spent["ic3"] += time.monotonic() - t0
        stats["time"] = round(time.monotonic() - start, 3)
        reason = (f"not {k}-inductive with {len(kept)} pdr lemmas and {explored(prop, checked)}" if k >= 1
                  else explored(prop, checked)) + note
        return undecided(prop, checked, deadline, reason)

    @staticmethod
    def _until(length: float, deadline: Deadline) -> float:
        end = time.monotonic() + length
        return end if deadline.end is None else min(end, deadline.end)

    def _certified(self, prop: Property, step: StepCase, facts: list[T.Term], tags: list[str], kept: int,
                   k: int) -> PropertyResult:
        """PASS with the certificate ``facts ∧ prop`` at depth ``k`` (the model's facts, named by ``tags``, first)."""
        invariant = facts + [prop.term]
        simple_path = step.used_simple_path
        constants = len(facts) - kept
        cert = Certificate(prop.name, invariant, k, simple_path, METHOD, self.options.solver,
                           simple_path_vars=[s.name for s in step.cone.states] if simple_path else None,
                           lemmas=tags + [f"pdr lemma {i}" for i in range(kept)] + [prop.name])
        return PropertyResult(prop.name, prop.kind, PASS, depth=k, certificate=cert, loc=prop.loc,
                              reason=f"{k}-inductive with {kept} pdr lemma(s) and {constants} fact(s) of "
                                     f"constant or equal latches")
