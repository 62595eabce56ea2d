"""Sequential equivalence by signal correspondence (van Eijk; ABC's ``scorr``).

Works on any transition system; a miter (``prover/miter.py``) is the main
case. The engine looks for an inductive invariant made of equalities between
state variables and proves the assertions from it:

1. *Candidates from simulation.* Random runs from the initial states (uninit
   states random; init terms evaluated, so registers a miter starts together
   start equal) record every state variable per cycle; states of one sort with
   the same value sequence form a class (bit-vectors also up to inversion,
   ``x == ~y``), a constant sequence gives a constant class. Each class is
   written as equalities to one representative, so the invariant stays linear.
2. *Refinement.* Base: ``init ∧ C ⇒ Inv`` in frame 0. Step:
   ``Inv#0 ∧ C#0 ∧ T ∧ C#1 ⇒ Inv#1``. Each model splits the classes by its
   values, and a short random run from the model's state splits further
   (every state on it satisfies the refined candidates and the constraints,
   so each split removes only candidates no inductive subset keeps). Repeat
   until both hold: ``Inv`` is then an inductive invariant.
3. *Assertions.* If ``Inv ∧ C ⇒ P`` the assertion is PASS with the 1-inductive
   certificate ``Inv ∧ P`` (``P`` being all assertions proven this way, so
   their certificates share one invariant). Otherwise k-induction strengthened by ``Inv``
   (``kind.StepCase``) with incremental BMC as its base case, so a FAIL is the
   *shortest* counterexample: for a miter, the first cycle where the two
   designs differ. Assertions that random simulation already violated go
   straight to BMC.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator, Sequence

from hwverify.errors import ProverError
from hwverify.prover.bmc import BMC, BoundedSearch
from hwverify.prover.engine import Engine, checked_answer, explored, undecided
from hwverify.prover.kind import StepCase
from hwverify.prover.miter import EquivSemantics, Miter, ResetSpec, build_miter
from hwverify.prover.result import FAIL, PASS, UNKNOWN, Deadline, EngineOptions, PropertyResult, Result
from hwverify.prover.solvers import SAT, UNSAT, Solver
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.evaluate import CompiledSystem, compile_terms, evaluate, random_value
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.terms import Array, BV, Term
from hwverify.semantics.unroll import Unroller
from hwverify.semantics.values import ArrayValue, Value

__all__ = ["EquivEngine", "EquivResult", "check_equivalence", "Correspondence"]

METHOD = "equivalence (signal correspondence)"


# ------------------------------------------------------------------ values
def canonical(value: Value, sort: T.Sort) -> Value:
    """One representation per content: arrays get the value found at most indices as default.

    Two ``ArrayValue``s with equal contents can differ in representation (see
    ``values.py``); signatures compare by ``==`` and hash, so they need this.
    """
    if isinstance(sort, BV):
        return value
    assert isinstance(value, ArrayValue)
    size = 1 << sort.index_width
    counts = Counter(value.entries.values())
    uncovered = size - len(value.entries)
    if uncovered:
        counts[value.default] += uncovered
    best = min(counts, key=lambda v: (-counts[v], v))
    if best == value.default:
        return value
    # best beats the default, so at most len(entries) indices read the default: size <= 2 * len(entries)
    return ArrayValue(best, {i: value.read(i) for i in range(size)})


def constant_term(value: Value, sort: T.Sort) -> Term:
    """The literal term of a bit-vector or array value."""
    if isinstance(sort, BV):
        return T.const(value, sort.width)
    arr = T.const_array(T.const(value.default, sort.elem_width), sort.index_width)
    for i, v in sorted(value.entries.items()):
        arr = T.write(arr, T.const(i, sort.index_width), T.const(v, sort.elem_width))
    return arr


def _mask(sort: T.Sort) -> int:
    return (1 << sort.width) - 1 if isinstance(sort, BV) else 0


# ------------------------------------------------------------ the classes
@dataclass
class EquivClass:
    """States believed equal to ``rep`` (a state or a constant); ``inverted`` members equal ``~rep``."""

    rep: Term
    members: list[tuple[Term, bool]]
    rep_value: Value | None = None  # the value of a constant representative

    def rep_value_in(self, value_of: Callable[[Term], Value]) -> Value:
        return self.rep_value if self.rep_value is not None else value_of(self.rep)


@dataclass
class Correspondence:
    """Candidate classes of equal state variables, refined until inductive."""

    classes: list[EquivClass] = field(default_factory=list)

    @staticmethod
    def from_signatures(system: TransitionSystem, states: Sequence[Term], rows: Sequence[Sequence[Value]],
                        inverted: bool = True) -> "Correspondence":
        """Group ``states`` by their value sequences (``rows[c][i]``: state i in recorded cycle c).

        States without a next function are free in every cycle: never candidates.
        """
        groups: dict[tuple, list[tuple[Term, bool]]] = {}
        arrays: dict[tuple, ArrayValue] = {}  # canonical forms, computed once per (sort, array value)
        for i, s in enumerate(states):
            if s not in system.next:
                continue
            if isinstance(s.sort, Array):
                sig = tuple(arrays[k] if k in arrays else arrays.setdefault(k, canonical(k[1], s.sort))
                            for k in ((s.sort, row[i]) for row in rows))
            else:
                sig = tuple(row[i] for row in rows)
            flip = False
            if inverted and isinstance(s.sort, BV) and sig and sig[0] ^ _mask(s.sort) < sig[0]:
                sig, flip = tuple(v ^ _mask(s.sort) for v in sig), True
            groups.setdefault((s.sort, sig), []).append((s, flip))
        out = Correspondence()
        for (sort, sig), members in groups.items():
            if sig and all(v == sig[0] for v in sig):
                out.classes.append(_constant_class(system, sort, sig[0], members))
            elif len(members) > 1:
                out.classes.append(_state_class(members))
        return out

    def split(self, value_of: Callable[[Term], Value]) -> int:
        """Split every class by the values ``value_of`` gives; return how many candidates were dropped."""
        before = self.size
        new: list[EquivClass] = []
        for cls in self.classes:
            rv = cls.rep_value_in(value_of)
            stay: list[tuple[Term, bool]] = []
            leave: dict[Value, list[tuple[Term, bool]]] = {}
            for m, inv in cls.members:
                v = value_of(m)
                if (v ^ _mask(m.sort) if inv else v) == rv:
                    stay.append((m, inv))
                    continue
                flip = isinstance(m.sort, BV) and v ^ _mask(m.sort) < v
                leave.setdefault(v ^ _mask(m.sort) if flip else v, []).append((m, flip))
            if stay:
                new.append(EquivClass(cls.rep, stay, cls.rep_value))
            new.extend(_state_class(group) for group in leave.values() if len(group) > 1)
        self.classes = new
        return before - self.size

    @property
    def size(self) -> int:
        """Number of candidate equalities."""
        return sum(len(c.members) for c in self.classes)

    def equalities(self) -> list[tuple[str, Term]]:
        """(name, term) of each candidate equality ``member == rep`` (or ``== ~rep``)."""
        out = []
        for c in self.classes:
            for m, inv in c.members:
                rhs = T.not_(c.rep) if inv else c.rep
                if c.rep_value is None:
                    what = f"{'~' if inv else ''}{c.rep.name}"
                else:
                    what = str(rhs.value) if rhs.op == "const" else "const"
                out.append((f"{m.name} == {what}", T.eq(m, rhs)))
        return out

    def invariant(self) -> Term:
        return T.and_all(t for _, t in self.equalities())


def _state_class(members: list[tuple[Term, bool]]) -> EquivClass:
    (rep, rep_flip), rest = members[0], members[1:]
    return EquivClass(rep, [(m, flip != rep_flip) for m, flip in rest])


def _constant_class(system: TransitionSystem, sort: T.Sort, value: Value,
                    members: list[tuple[Term, bool]]) -> EquivClass:
    """A class whose representative is the constant ``value``; a ground init term with that value is preferred."""
    rep = None
    if isinstance(sort, Array):
        for m, _ in members:
            init = system.init.get(m)
            if init is not None and not T.free_vars([init]) and canonical(evaluate(init, {}), sort) == value:
                rep = init
                break
    return EquivClass(rep or constant_term(value, sort), members, value)


# -------------------------------------------------------------- simulation
class RandomRuns:
    """Random simulation that keeps only cycles whose constraints hold.

    A cycle's inputs are drawn again (a few times) when they break a
    constraint, and a run stops when no draw satisfies them: every state a run
    yields is reachable from its start along cycles that meet the constraints.
    ``watch`` terms (the properties) are evaluated in every yielded cycle.
    """

    def __init__(self, system: TransitionSystem, rng: random.Random, watch: Sequence[Term] = ()):
        self.rng = rng
        self.states = list(system.states)
        self.inputs = list(system.inputs)
        self._stepped = [i for i, s in enumerate(self.states) if s in system.next]
        self._free = [i for i, s in enumerate(self.states) if s not in system.next]
        self._nwatch = len(watch)
        terms = [T.and_all(system.constraints), *watch] + [system.next[self.states[i]] for i in self._stepped]
        self._fn = compile_terms(terms, self.states + self.inputs)
        self._compiled = CompiledSystem(system)

    def initial(self) -> list[Value]:
        """A random initial state (init terms evaluated, other states random)."""
        state = self._compiled.initial_state(rng=self.rng)
        return [state[s.name] for s in self.states]

    def run(self, state: Sequence[Value], cycles: int, first_inputs: Sequence[Value] | None = None,
            biased: bool = False) -> Iterator[tuple[list[Value], tuple[Value, ...]]]:
        """Yield (state, watched values) for up to ``cycles`` cycles from ``state``.

        With ``biased``, each 1-bit input keeps one probability of being 1 for
        the whole run (mostly on, mostly off or fair), so enables and resets
        stay put long enough for deep behaviour to show.
        """
        rng = self.rng
        bias = {i: rng.choice((0.05, 0.5, 0.95)) for i, v in enumerate(self.inputs) if biased and v.sort == T.BOOL}
        state = list(state)
        for k in range(cycles):
            out: tuple[Value, ...] = (0,)
            for attempt in range(8):
                if k == 0 and attempt == 0 and first_inputs is not None:
                    inputs = list(first_inputs)
                else:
                    inputs = [int(rng.random() < bias[i]) if i in bias else random_value(v.sort, rng)
                              for i, v in enumerate(self.inputs)]
                out = self._fn(tuple(state) + tuple(inputs))
                if out[0]:
                    break
            if not out[0]:
                return
            yield state, out[1:1 + self._nwatch]
            nxt = list(state)
            for j, i in enumerate(self._stepped, 1 + self._nwatch):
                nxt[i] = out[j]
            for i in self._free:
                nxt[i] = random_value(self.states[i].sort, rng)
            state = nxt


# ------------------------------------------------------------------ engine
class EquivEngine(Engine):
    """Decide the assertions of a system (usually a miter) by signal correspondence.

    ``check(bound)``: ``bound`` is the largest k of the k-induction fallback
    (strengthened by the correspondence) and so the depth to which BMC looks
    for a counterexample. After ``check``, ``correspondence`` holds the proven
    classes (None if refinement did not finish). Refinement gets at most half
    of the remaining time, so the fallback always has some.
    """

    name = "equiv"

    def __init__(self, system: TransitionSystem, options: EngineOptions | None = None, *,
                 runs: int = 16, cycles: int = 48, cti_cycles: int = 16, inverted: bool = True, seed: int | None = None):
        super().__init__(system, options)
        self.runs, self.cycles, self.cti_cycles = runs, cycles, cti_cycles
        self.inverted = inverted
        self.rng = random.Random(self.options.seed if seed is None else seed)
        self.correspondence: Correspondence | None = None
        self.stats: dict = {}
        # an equivalence miter stops at the first cycle where the designs differ (the other outputs UNKNOWN)
        self.first_difference_only = getattr(system, "semantics", None) is not None

    def properties_of(self, system) -> list[Property]:
        return system.asserts

    def check(self, bound: int) -> Result:
        """Run to ``bound``; the result's stats say how many classes, candidates and rounds it took."""
        self.stats = {}
        result = super().check(bound)
        result.stats.update(self.stats)
        return result

    def _check(self, bound: int, deadline: Deadline) -> list[PropertyResult]:
        props = self.properties()
        self.sim = RandomRuns(self.system, self.rng, [p.term for p in props])
        self.unroller = Unroller(self.system)
        rows, failing = self._simulate(props)
        self.stats["simulated_cycles"] = len(rows)
        done: dict[str, PropertyResult] = {}
        eqs: list[tuple[str, Term]] = []
        if any(p.name not in failing for p in props):
            eqs, reason = self._correspondence(rows, deadline)
            if reason is None:
                implied = [p for p in props if p.name not in failing and self._implied(eqs, p, deadline)]
                # one invariant for all of them: their certificates share the base and step obligations,
                # which the kernel then decides once (``check_certificate(..., decided=)``)
                terms = {t for _, t in eqs}
                shared = eqs + [(p.name, p.term) for p in implied if p.term not in terms]
                for prop in implied:
                    done[prop.name] = self._certified(prop, shared, 1, None, METHOD,
                                                      f"implied by {len(eqs)} inductive equalities")
            elif deadline.expired():
                return [undecided(p, None, deadline, reason) for p in props]
        open_props = [p for p in props if p.name not in done]
        done.update(self._induction(open_props, eqs, failing, bound, deadline))
        results = [done[p.name] for p in props]
        if isinstance(self.system, Miter) and getattr(self.system, "semantics", None) is not None:
            self.stats["semantics"] = self.system.semantics.describe()
            for r in results:
                if r.status == FAIL and r.depth is not None:
                    diagnose_initial_state(self, r, deadline)
        return results

    # ---------------------------------------------------------- phases
    def _simulate(self, props: list[Property]) -> tuple[list[list[Value]], dict[str, int]]:
        """Signature rows of random runs from initial states, and the first cycle each assertion failed in."""
        rows: list[list[Value]] = []
        failing: dict[str, int] = {}
        for r in range(self.runs):
            for k, (state, holds) in enumerate(self.sim.run(self.sim.initial(), self.cycles, biased=r % 2 == 1)):
                rows.append(state)
                for p, ok in zip(props, holds):
                    if not ok and failing.get(p.name, k + 1) > k:
                        failing[p.name] = k
        return rows, failing

    def _correspondence(self, rows: list[list[Value]], deadline: Deadline) -> tuple[list[tuple[str, Term]], str | None]:
        """The proven equalities (and None), or no equalities and why refinement did not finish."""
        corr = Correspondence.from_signatures(self.system, self.sim.states, rows, self.inverted)
        self.stats.update(classes=len(corr.classes), candidates=corr.size)
        self.progress(f"equiv: {len(rows)} simulated cycles: {len(corr.classes)} classes, {corr.size} candidates",
                      force=True)
        remaining = deadline.remaining()
        reason = self._refine(corr, deadline if remaining is None else Deadline(remaining / 2))
        if reason is not None:
            self.progress(f"equiv: no correspondence: {reason}", force=True)
            return [], reason
        self.correspondence = corr
        self.stats.update(proven_classes=len(corr.classes), proven_candidates=corr.size)
        self.progress(f"equiv: inductive: {corr.size} equalities in {len(corr.classes)} classes", force=True)
        return corr.equalities(), None

    def _refine(self, corr: Correspondence, deadline: Deadline) -> str | None:
        """Split classes until base and step hold; None when they do, else why not."""
        u = self.unroller
        base = self.new_solver(deadline)
        base.add(u.init())
        base.add(u.constraints(0))
        step = self.new_solver(deadline)
        for part in (u.constraints(0), u.trans(0), u.constraints(1)):
            step.add(part)
        rounds = 0
        for frame, solver in ((0, base), (1, step)):
            while corr.size:
                if deadline.expired():
                    return "time limit reached while refining the correspondence"
                inv = corr.invariant()
                goal = [T.not_(u.at(inv, 0))] if frame == 0 else [u.at(inv, 0), T.not_(u.at(inv, 1))]
                solver.set_timeout(deadline.remaining())
                answer = checked_answer(solver, solver.check(goal))
                if answer == UNSAT:
                    break
                if answer != SAT:
                    return f"refinement stopped: {solver.last_reason or 'solver gave up'}"
                rounds += 1
                dropped = self._split_on_model(corr, solver, frame)
                self.progress(f"equiv: {'base' if frame == 0 else 'step'} round {rounds}: "
                              f"dropped {dropped}, {corr.size} candidates in {len(corr.classes)} classes",
                              force=True)   # each round is an SMT check: rare enough to report them all
                if not dropped:
                    raise ProverError(f"equiv: the {'base' if frame == 0 else 'step'} model satisfies every "
                                      f"candidate yet the solver says one fails (solver and evaluator disagree)")
        self.stats["refinement_rounds"] = rounds
        return None

    def _split_on_model(self, corr: Correspondence, solver: Solver, frame: int) -> int:
        """Split by the model's frame-``frame`` state, then along a random run from it."""
        u, sim = self.unroller, self.sim
        start = [solver.value(u.var_at(s, frame)) for s in sim.states]
        inputs = [solver.value(u.var_at(v, frame)) for v in sim.inputs]
        index = {s: i for i, s in enumerate(sim.states)}
        dropped = 0
        for state, _ in sim.run(start, self.cti_cycles + 1, first_inputs=inputs):
            dropped += corr.split(lambda s: canonical(state[index[s]], s.sort))
        return dropped

    def _implied(self, eqs: list[tuple[str, Term]], prop: Property, deadline: Deadline) -> bool:
        """Do the equalities and the constraints imply ``prop`` in one frame?"""
        u = self.unroller
        solver = self.new_solver(deadline)
        solver.add(u.constraints(0))
        solver.add(u.at(T.and_all(t for _, t in eqs), 0))
        solver.set_timeout(deadline.remaining())
        return checked_answer(solver, solver.check([T.not_(u.at(prop.term, 0))])) == UNSAT

    def _induction(self, props: list[Property], eqs: list[tuple[str, Term]], failing: dict[str, int], bound: int,
                   deadline: Deadline) -> dict[str, PropertyResult]:
        """k-induction of ``eqs ∧ P`` for each open P, with incremental BMC as the base case.

        All properties advance one depth at a time on one unrolling, so each
        FAIL is a shortest counterexample. A property random simulation
        violated at step d only needs BMC, up to d.
        """
        base = BoundedSearch(self, deadline)
        self._joint: StepCase | None = None     # the joint step case (``_joint_step``) and its members
        self._joint_key: tuple[str, ...] = ()
        steps = {p.name: StepCase(self, Property(p.name, T.and_all([t for _, t in eqs] + [p.term]), "assert"),
                                  deadline) for p in props if p.name not in failing}
        limit = {p.name: failing.get(p.name, bound) for p in props}
        done: dict[str, PropertyResult] = {}
        open_props = list(props)
        last_k = -1
        for k in range(max(limit.values(), default=-1) + 1):
            if deadline.expired():
                break
            last_k = k
            self.progress(f"equiv: step {k}, {len(open_props)} open")
            for prop in [p for p in open_props if limit[p.name] >= k]:
                answer = base.reach(prop, k)
                if answer == SAT:
                    done[prop.name] = base.trace_result(prop, k, FAIL)
                elif answer != UNSAT:
                    done[prop.name] = undecided(prop, k - 1, deadline, solver_reason=base.solver.last_reason)
                elif prop.name in steps:
                    step = steps[prop.name]
                    answer = step.check(k + 1)
                    if answer == UNSAT:
                        done[prop.name] = self._certified(
                            prop, eqs, k + 1, [s.name for s in step.cone.states], f"{METHOD} + k-induction",
                            f"{k + 1}-inductive with {len(eqs)} equalities")
                    elif answer != SAT:
                        done[prop.name] = undecided(prop, k, deadline, f"{k + 1}-induction undecided and "
                                                    f"{explored(prop, k)}", solver_reason=step.solver.last_reason)
                elif k == limit[prop.name]:
                    raise ProverError(f"equiv: random simulation violates {prop.name} at step {k} but BMC finds "
                                      f"no counterexample up to it (solver and evaluator disagree)")
            open_props = [p for p in open_props if p.name not in done]
            if len([p for p in open_props if p.name in steps]) > 1 and k < bound:
                self._joint_step(k, open_props, eqs, steps, done, deadline)
                open_props = [p for p in open_props if p.name not in done]
            if self.first_difference_only and any(r.status == FAIL for r in done.values()):
                for prop in open_props:   # a miter: the first difference is the answer; deeper ones cost minutes
                    done[prop.name] = undecided(prop, k, deadline, f"not checked past step {k}, where the designs "
                                                f"first differ ({explored(prop, k)})")
                open_props = []
                break
        for prop in open_props:
            depth = min(base.depth, limit[prop.name])
            # the last iteration started (last_k) tried (last_k+1)-induction on every property still open
            tried = f"not {last_k + 1}-inductive with {len(eqs)} equalities and " if prop.name in steps else ""
            done[prop.name] = undecided(prop, depth, deadline, (tried + explored(prop, depth)) if last_k >= 0 else "")
        return done

    def _joint_step(self, k: int, open_props: list[Property], eqs: list[tuple[str, Term]],
                    steps: dict[str, StepCase], done: dict[str, PropertyResult], deadline: Deadline) -> None:
        """Try (k+1)-induction of the equalities and every open and proven assertion together.

        Compared outputs of a miter often need each other (``a.r == b.r`` is only
        inductive next to ``a.q == b.q``), and when simulation saw no run at all
        (initial states that break the constraints) the correspondence has no
        equalities to offer. Every member's base case holds up to frame k (the
        open ones were just checked by BMC, proven ones hold always, properties
        simulation violated are left out), so an UNSAT step makes the
        conjunction (k+1)-inductive: each open member is PASS with it.
        """
        members = [p for p in self.properties() if (p in open_props and p.name in steps)
                   or (p.name in done and done[p.name].status == PASS)]
        key = tuple(p.name for p in members)
        if self._joint is None or self._joint_key != key:
            conj = Property("joint(" + ",".join(key) + ")", T.and_all([t for _, t in eqs] + [p.term for p in members]),
                            "assert")
            self._joint, self._joint_key = StepCase(self, conj, deadline), key
        if self._joint.check(k + 1) != UNSAT:
            return
        lemmas = eqs + [(p.name, p.term) for p in members]
        for prop in open_props:
            if prop.name in steps:
                done[prop.name] = self._certified(
                    prop, lemmas, k + 1, [s.name for s in self._joint.cone.states], f"{METHOD} + k-induction (joint)",
                    f"{k + 1}-inductive with {len(eqs)} equalities and {len(members) - 1} other assertion(s)")

    def _certified(self, prop: Property, lemmas: list[tuple[str, Term]], k: int, path_vars: list[str] | None,
                   method: str, reason: str) -> PropertyResult:
        """PASS with the certificate ``lemmas ∧ prop`` (``prop`` is not repeated when it is a lemma)."""
        if all(t is not prop.term for _, t in lemmas):
            lemmas = lemmas + [(prop.name, prop.term)]
        simple_path = path_vars is not None and self.options.simple_path
        cert = Certificate(prop.name, [t for _, t in lemmas], k, simple_path, method, self.options.solver,
                           simple_path_vars=path_vars if simple_path else None, lemmas=[n for n, _ in lemmas])
        return PropertyResult(prop.name, prop.kind, PASS, depth=k, certificate=cert, reason=reason, loc=prop.loc)


# ------------------------------------------------------ FAIL diagnosis
RESET_NAME = re.compile(r"(?i)^(.*[_.])?(a?rst|reset|nreset|nrst|resetn|rstn|rst_n|reset_n|rst_ni|rst_b|reset_b)$")


def reset_guess(name: str) -> ResetSpec:
    """A reset spec for an input whose name says it is a reset (active low when it ends/starts with n)."""
    base = name.rsplit(".", 1)[-1].lower()
    low = base.endswith(("n", "_b", "_ni")) or base.startswith("n")
    return ResetSpec(name, 0 if low else 1, 1)


def diagnose_initial_state(engine: Engine, result: PropertyResult, deadline: Deadline) -> None:
    """Say when a miter FAIL needs free, unequal initial values, and which option rules it out.

    A difference that starts from registers without initial value and
    without a counterpart (or without a reset) may be unreachable in the
    hardware. Re-run BMC to the same depth under ``--init zero`` and, when no
    ``--reset`` was given and a shared input is named like one, under that
    reset; every variant without a difference is named in the reason. The
    verdict stays FAIL: under the chosen semantics the trace is a real,
    kernel-replayed difference.
    """
    m = engine.system
    sem = m.semantics
    paired = {a.name for a, _ in m.register_pairs}
    free = [n for n in m.free_states if n not in paired and not n.startswith("$equiv.")]
    where = "after the reset" if sem.reset is not None else "from the initial state"
    if not free:
        result.reason = f"differs at step {result.depth} {where} ({sem.describe()})"
        return
    variants: list[tuple[str, EquivSemantics]] = []
    if sem.init != "zero":
        variants.append(("--init zero", replace(sem, init="zero")))
    if sem.reset is None:
        for name in m.shared_inputs:
            if RESET_NAME.match(name) and m.signals[name].sort == T.BOOL:
                spec = reset_guess(name)
                variants.append((f"--reset {spec.signal}={spec.level}", replace(sem, reset=spec)))
    ruled_out = []
    for option, variant_sem in variants:
        remaining = deadline.remaining()
        if remaining is not None and remaining < 1:
            break
        depth = result.depth + variant_sem.first_compared - sem.first_compared
        variant = build_miter(*m.sides, outputs=[result.name], semantics=variant_sem)
        budget = 30.0 if remaining is None else min(30.0, remaining / 2)
        bmc = BMC(variant, replace(engine.options, timeout=budget, progress=None))
        answer = bmc.check(max(depth, 0)).properties[0]
        if answer.status == PASS or (answer.status == UNKNOWN and answer.depth is not None
                                     and answer.depth >= depth):
            ruled_out.append(f"{option} (no difference within {depth} steps)")
    if variants and not ruled_out:   # the difference survives every well-defined start: a plain FAIL
        result.reason = f"differs at step {result.depth} {where} ({sem.describe()}; also with " \
                        f"{' and '.join(o for o, _ in variants)})"
        return
    shown = ", ".join(free[:6]) + (f" (+{len(free) - 6} more)" if len(free) > 6 else "")
    result.reason = (f"differs at step {result.depth} {where}, starting from free initial values of "
                     f"{len(free)} register(s) without initial value and without a counterpart that starts "
                     f"equal: {shown}")
    if ruled_out:
        result.reason += ("; this difference needs unequal or unreachable initial values: not shown reachable, "
                          "ruled out by " + "; ".join(ruled_out))
    engine.stats.setdefault("init_dependent", []).append(result.name)


# -------------------------------------------------------------------- API
def check_equivalence(sys_a: TransitionSystem, sys_b: TransitionSystem, outputs: Sequence[str] | None = None,
                      options: EngineOptions | None = None, bound: int = 20, **engine_options) -> "EquivResult":
    """Are ``sys_a`` and ``sys_b`` equivalent on ``outputs`` from their initial states, for all inputs?

    Builds the miter (``build_miter``: inputs shared by name, registers free in
    both start together) and runs ``EquivEngine`` on it: one assertion per
    output, named after it. A FAIL trace is the shortest run after which that
    output differs (``a.*`` and ``b.*`` name the two sides); the result keeps
    the miter, which the evidence is about. ``outputs`` defaults to the output
    ports the frontends recorded (``TransitionSystem.outputs``), which must be
    the same in both. ``engine_options`` go to ``EquivEngine`` (runs, cycles,
    seed, ...).
    """
    if outputs is None:
        if not sys_a.outputs or not sys_b.outputs:
            raise ProverError("check_equivalence: the systems do not record their output ports "
                              "(BTOR2 cannot tell them); name the outputs to compare (outputs=[...])")
        only = sorted(set(sys_a.outputs) ^ set(sys_b.outputs))
        if only:
            raise ProverError(f"check_equivalence: output ports differ: {', '.join(only)} only in one of "
                              f"{sys_a.name} and {sys_b.name}; name the outputs to compare (outputs=[...])")
        outputs = list(sys_a.outputs)
    miter = build_miter(sys_a, sys_b, outputs=outputs)
    result = EquivEngine(miter, options, **engine_options).check(bound)
    return EquivResult(**vars(result), miter=miter)


@dataclass
class EquivResult(Result):
    """A ``Result`` that keeps the miter its evidence is about (certificates and traces name ``a.*``/``b.*``)."""

    miter: Miter | None = None
