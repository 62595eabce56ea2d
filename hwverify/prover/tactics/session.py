"""``ProofSession``: the tactics over a proof state, with undo and a view after each step.

The engineer's loop is: look at the state, apply a tactic, look again. Each
tactic method changes the state (or leaves it as it was and says why) and
returns a ``ProofView`` of the new state, which prints as the proof state in
a terminal and as HTML in Jupyter. ``run(line)`` applies a tactic written as a
script line, so scripts, the shell and the Python API share one dispatcher.

What a tactic may assume: only proven hypotheses (every frame of every
query), so a goal is closed only by an UNSAT step case plus the base case up
to the same depth. ``certificates`` assembles one k-induction certificate per
proven assertion whose invariant is every hypothesis; the kernel re-checks it
(``check``), so a bug here can cost a proof, never make a wrong one.
"""
from __future__ import annotations

import copy
import re
import time
from typing import Callable

from hwverify.errors import FrontendError, ProverError, SourceLoc
from hwverify.frontend.properties import parse_property
from hwverify.kernel import CheckReport, check_evidence
from hwverify.prover.registry import ENGINES, make_engine
from hwverify.prover.result import FAIL, PASS, UNKNOWN, Deadline, EngineOptions, PropertyResult, Result
from hwverify.prover.solvers import SAT, UNSAT, make_solver
from hwverify.prover.tactics import houdini as H
from hwverify.prover.tactics.cti import build_cti, mark_unreachable
from hwverify.prover.tactics.naming import source_names
from hwverify.prover.tactics.queries import StepAnswer, check_base, check_step, cone_of, satisfiable_start
from hwverify.prover.tactics.sample import Sample, sample_reachable
from hwverify.prover.tactics.state import Claim, Goal, Hypothesis, State
from hwverify.prover.tactics.view import ProofView
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.evaluate import evaluate
from hwverify.semantics.replay import complete_trace
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.trace import Trace

__all__ = ["ProofSession", "TacticError", "TACTICS"]

# tactic name -> argument synopsis (for help, completion and errors)
TACTICS: dict[str, str] = {
    "auto": "", "induct": "[K]", "lemma": "NAME: EXPR", "strengthen": "EXPR", "case": "EXPR",
    "unroll": "N", "houdini": "", "solver": "NAME", "assume_reset": "[EXPR]", "show": "", "cti": "",
    "undo": "",
}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESET = re.compile(r"^(a?rst|a?reset)(_?n|_ni|b)?$|_(rst|reset)(_?n|_ni)?$", re.I)


class TacticError(ProverError):
    """A tactic that cannot be applied as written (bad argument, no open goal, unknown tactic)."""



class ProofSession:
    """Goals of ``system`` (its assertions, by default all) and the tactics that close them.

    ``depth`` bounds ``auto``'s k-induction; ``timeout`` (seconds) bounds the
    whole session; ``show`` is called with the view after every tactic (the
    shell prints it; scripts print only where they stop).
    """

    def __init__(self, system: TransitionSystem, goals: list[str] | None = None, *, solver: str = "bitwuzla",
                 depth: int = 20, timeout: float | None = None, seed: int = 0, simple_path: bool = True,
                 show: Callable[[ProofView], None] | None = None):
        system.validate()
        self.state = State(system.copy(), solver)   # lemmas with past add registers: never to the caller's system
        self.depth = depth
        self.seed = seed
        self.simple_path = simple_path
        self.deadline = Deadline(timeout)
        self.show_fn = show
        self.history: list[State] = []
        self.timings: dict[str, float] = {}
        self._sample: tuple[int, Sample] | None = None
        wanted = [p.name for p in system.asserts] if goals is None else goals
        for name in wanted:
            prop = self.state.system.property(name)
            self.state.claims[name] = Claim(name, "assert", name, prop.term, prop.loc)
            self.state.goals.append(Goal(name))
        self.state.message = f"{len(self.state.goals)} goal(s) from the design's assertions"

    # ------------------------------------------------------------------ views
    @property
    def system(self) -> TransitionSystem:
        return self.state.system

    def view(self) -> ProofView:
        return ProofView(self.state, self.proven(), self.complete)

    def __repr__(self) -> str:
        return str(self.view())

    def _repr_html_(self) -> str:
        return self.view()._repr_html_()

    @property
    def complete(self) -> bool:
        """Every goal is closed (proven or refuted)."""
        return not self.state.goals

    def proven(self) -> list[str]:
        """The assertions proven so far."""
        return [h.name for h in self.state.hyps if h.method == "assert"]

    # ------------------------------------------------------------ dispatcher
    def run(self, line: str) -> ProofView:
        """Apply one tactic written as a script line (``lemma eq: a == b``, ``induct 2``)."""
        text = line.split("#", 1)[0].strip()
        if not text:
            return self.view()
        name, _, arg = text.partition(" ")
        arg = arg.strip()
        if name not in TACTICS:
            raise TacticError(f"unknown tactic {name!r}; tactics: {', '.join(TACTICS)}")
        if name == "undo":
            return self.undo()
        if name == "lemma":
            lemma_name, sep, expr = arg.partition(":")
            if not sep:
                raise TacticError("lemma needs a name and an expression: lemma NAME: EXPR")
            return self._apply(text, self._lemma, lemma_name.strip(), expr.strip())
        if name in ("induct", "unroll"):
            if name == "unroll" and not arg:
                raise TacticError("unroll needs a number of steps: unroll N")
            return self._apply(text, getattr(self, "_" + name), _count(name, arg or "1"))
        if name in ("strengthen", "case"):
            if not arg:
                raise TacticError(f"{name} needs an expression: {name} EXPR")
            return self._apply(text, getattr(self, "_" + name), arg)
        if name == "solver":
            if not arg:
                raise TacticError("solver needs a name: solver bitwuzla|cvc5|z3")
            return self._apply(text, self._solver, arg)
        if name == "assume_reset":
            return self._apply(text, self._assume_reset, arg or None)
        if arg:
            raise TacticError(f"{name} takes no argument, not {arg!r}")
        return self._apply(text, getattr(self, "_" + name))

    # Python API: one method per tactic
    def auto(self) -> ProofView:
        return self.run("auto")

    def induct(self, k: int = 1) -> ProofView:
        return self.run(f"induct {k}")

    def lemma(self, name: str, expr: str) -> ProofView:
        return self.run(f"lemma {name}: {expr}")

    def strengthen(self, expr: str) -> ProofView:
        return self.run(f"strengthen {expr}")

    def case(self, expr: str) -> ProofView:
        return self.run(f"case {expr}")

    def unroll(self, n: int) -> ProofView:
        return self.run(f"unroll {n}")

    def houdini(self) -> ProofView:
        return self.run("houdini")

    def solver(self, name: str) -> ProofView:
        return self.run(f"solver {name}")

    def assume_reset(self, expr: str | None = None) -> ProofView:
        return self.run("assume_reset" + (f" {expr}" if expr else ""))

    def show(self) -> ProofView:
        return self.run("show")

    def cti(self) -> ProofView:
        return self.run("cti")

    def undo(self) -> ProofView:
        """Go back to the state before the last accepted tactic."""
        if not self.history:
            self.state.ok, self.state.message = False, "nothing to undo"
        else:
            undone = self.state.steps[-1] if self.state.steps else "?"
            self.state = self.history.pop()
            self.state.ok, self.state.message = True, f"undid: {undone}"
        return self._shown()

    def _apply(self, text: str, tactic: Callable, *args) -> ProofView:
        """Run ``tactic`` on a copy of the state; keep it when it succeeds, else keep the old one and say why."""
        before = self.state
        work = copy.deepcopy(before)
        work.ok, work.message = True, ""
        if text.split()[0] not in ("show", "cti"):
            work.cti, work.hints = None, []
        self.state = work
        try:
            keep = tactic(*args)
        except BaseException:
            self.state = before
            raise
        if (work.ok or keep is True) and text.split()[0] not in ("show", "cti"):
            work.steps.append(text)
            self.history.append(before)
        if not work.ok and keep is not True:
            # a failed tactic changes nothing but what is shown (the CTI, the reason, hints)
            kept = copy.copy(before)
            kept.cti, kept.hints, kept.ok, kept.message = work.cti, work.hints, False, work.message
            kept.refuted = work.refuted
            kept.goals = [g for g in before.goals if g.claim not in work.refuted]
            self.state = kept
        return self._shown()

    def _shown(self) -> ProofView:
        view = self.view()
        if self.show_fn is not None:
            self.show_fn(view)
        return view

    # --------------------------------------------------------------- tactics
    def _goal(self) -> tuple[Goal, Claim]:
        goal = self.state.current
        if goal is None:
            raise TacticError("no open goal")
        return goal, self.state.claims[goal.claim]

    def _parse(self, expr: str, what: str):
        try:
            return parse_property(expr, self.state.system, origin=what)
        except FrontendError as e:
            raise FrontendError(f"{what}: {e.message}", e.loc) from None

    def _fail(self, message: str) -> None:
        self.state.ok, self.state.message = False, message

    def _lemma(self, name: str, expr: str) -> None:
        if not _NAME.match(name):
            raise TacticError(f"a lemma name must be an identifier, not {name!r}")
        if name in self.state.names() or name in {p.name for p in self.state.system.asserts}:
            raise TacticError(f"the name {name!r} is taken; choose another")
        term = self._parse(expr, f"lemma {name}")
        self.state.claims[name] = Claim(name, "lemma", expr, term)
        self.state.goals.insert(0, Goal(name))
        self.state.message = f"new goal {name}: {expr} (proven first, then assumed)"

    def _strengthen(self, expr: str) -> None:
        goal, claim = self._goal()
        if claim.discharged:
            raise TacticError(f"{claim.name} has cases proven already; strengthen before splitting (or undo)")
        term = self._parse(expr, "strengthen")
        claim.strengthen.append((expr, term))
        self.state.message = f"{claim.name} is now proven together with {expr}"

    def _case(self, expr: str) -> None:
        goal, _ = self._goal()
        term = self._parse(expr, "case")
        neg = f"!({expr})"
        self.state.goals[0:1] = [Goal(goal.claim, goal.cases + ((expr, term),)),
                                 Goal(goal.claim, goal.cases + ((neg, T.not_(term)),))]
        self.state.message = f"split {goal.label()} on {expr} (it holds in the step's last premise frame)"

    def _solver(self, name: str) -> None:
        try:
            make_solver(name).close()
        except ProverError as e:
            raise TacticError(e.message) from None
        self.state.solver = name
        self.state.message = f"solver {name}"

    def _show(self) -> None:
        self.state.message = self.state.message or "proof state"

    def _cti(self) -> None:
        goal, claim = self._goal()
        if self.state.cti is not None and self.state.cti.goal == goal.label():
            self.state.message = f"counterexample to {self.state.cti.k}-induction of {goal.label()}"
            return
        k = max(1, claim.k)
        answer = self._query(goal, claim, k)
        if answer.answer == SAT:
            self._explain(goal, claim, answer)
            self.state.message = f"{goal.label()} is not {k}-inductive: counterexample to induction below"
        elif answer.answer == UNSAT:
            self.state.message = f"{goal.label()} is {k}-inductive: there is no counterexample to induction"
        else:
            self.state.message = f"step case of {goal.label()} for k={k} undecided"

    def _unroll(self, n: int) -> None:
        goal, claim = self._goal()
        if self._base(claim, n, parts=False):
            self.state.unrolled[claim.name] = max(n, self.state.unrolled.get(claim.name, -1))
            self.state.message = f"{claim.name}: no counterexample in steps 0..{n}"

    def _induct(self, k: int) -> bool:
        """Close the open goals by k-induction, first to last, each assuming those before it.

        Stops at the first goal that is not k-inductive (showing its CTI); the
        goals closed before it stay closed (the return value says to keep them).
        """
        self._goal()
        if k < 1:
            raise TacticError(f"induct needs a depth of at least 1, not {k}")
        closed: list[str] = []
        while self.state.goals:
            goal, claim = self._goal()
            if not self._base(claim, k - 1) or not self._step(goal, claim, k):
                if closed:
                    self.state.message = f"closed {', '.join(closed)}; then: {self.state.message}"
                return bool(closed)
            closed.append(goal.label())
        self.state.message = f"{k}-induction closed {', '.join(closed)}; no goals left"
        return True

    def _base(self, claim: Claim, depth: int, parts: bool = True, first: int = 0) -> bool:
        """Check frames first..depth from reset; a violation refutes an assertion or fails the tactic."""
        st = self.state
        answer = check_base(st.system, [claim.term], st.hyp_terms(), depth, solver=st.solver,
                            deadline=self.deadline, first=first)
        if answer.answer == UNSAT and parts and claim.strengthen:
            answer = check_base(st.system, [t for _, t in claim.parts()], st.hyp_terms(), depth,
                                solver=st.solver, deadline=self.deadline, first=first)
            if answer.answer == SAT:
                failed = [text for text, t in claim.strengthen
                          if not _holds(st.system, t, answer.frames[-1])]
                self._fail(f"strengthening {', '.join(failed) or '?'} is false {answer.depth} step(s) "
                           f"after reset: it is not an invariant (undo it)")
                return False
        if answer.answer == SAT:
            if claim.kind == "assert":
                trace = Trace(claim.name, "assert", answer.frames)
                complete_trace(st.system, trace)
                st.refuted[claim.name] = trace
                st.goals = [g for g in st.goals if g.claim != claim.name]
                self._fail(f"{claim.name} is false: a run from reset violates it in step {answer.depth}")
            else:
                self._fail(f"lemma {claim.name} is false: a run from reset violates it in step "
                           f"{answer.depth} (undo it)")
            return False
        if answer.answer != UNSAT:
            self._fail(f"base case of {claim.name} undecided up to step {depth} ({answer.reason or 'timeout'})")
            return False
        return True

    def _query(self, goal: Goal, claim: Claim, k: int) -> StepAnswer:
        st = self.state
        case = T.and_all(t for _, t in goal.cases) if goal.cases else None
        return check_step(st.system, [t for _, t in claim.parts()], st.hyp_terms(), k, case=case,
                          solver=st.solver, simple_path=self.simple_path, deadline=self.deadline)

    def _step(self, goal: Goal, claim: Claim, k: int) -> bool:
        """The step case of ``goal`` at depth ``k``: discharge it, or fail showing the CTI."""
        answer = self._query(goal, claim, k)
        if answer.answer == UNSAT:
            self._discharge(goal, claim, k, answer.simple_path)
            return True
        if answer.answer != SAT:
            self._fail(f"step case of {goal.label()} for k={k} undecided ({answer.reason or 'timeout'})")
            return False
        self._explain(goal, claim, answer)
        self._fail(f"{goal.label()} is not {k}-inductive: counterexample to induction below")
        return False

    def _explain(self, goal: Goal, claim: Claim, answer: StepAnswer) -> None:
        """The CTI of a SAT step answer as the state shows it, with hints for the next tactic."""
        st = self.state
        cases = " && ".join(c for c, _ in goal.cases) or None
        st.cti = build_cti(st.system, answer.cone, answer.frames, goal.label(), claim.parts(), st.hyp_rows(),
                           seen=self.sample().values(), case=cases)
        self._hint(claim, answer.k)

    def _discharge(self, goal: Goal, claim: Claim, k: int, simple_path: bool) -> None:
        st = self.state
        st.goals.remove(goal)
        claim.k = max(claim.k, k)
        claim.simple_path = claim.simple_path or simple_path
        claim.discharged += 1
        left = [g for g in st.goals if g.claim == claim.name]
        relative = f" relative to {len(st.hyps)} hypothes{'is' if len(st.hyps) == 1 else 'es'}" if st.hyps else ""
        if left:
            st.message = f"{goal.label()} is {k}-inductive{relative}; {len(left)} case(s) of {claim.name} left"
            return
        texts = [claim.text if claim.kind == "lemma" else claim.name] + [t for t, _ in claim.strengthen]
        st.hyps.append(Hypothesis(claim.name, texts, [t for _, t in claim.parts()], claim.k, claim.kind,
                                  claim.simple_path, claim.loc))
        st.message = f"{claim.name} proven: {claim.k}-inductive{relative}"
        if not st.goals:
            st.message += "; no goals left"

    def _assume_reset(self, expr: str | None) -> None:
        st = self.state
        if expr is None:
            names = source_names(st.system)
            resets = [v for v in st.system.inputs if v.sort == T.BOOL and _RESET.search(names[v])]
            if len(resets) != 1:
                found = ", ".join(names[v] for v in resets) or "none"
                raise TacticError(f"assume_reset needs the reset condition (e.g. assume_reset rst or "
                                  f"assume_reset !rst_n): inputs named like a reset: {found}")
            name = names[resets[0]]
            low = bool(re.search(r"(_?n|_ni|b)$", name, re.I)) and not name.lower().endswith(("rst", "reset"))
            expr = f"!{name}" if low else name
        cond = self._parse(expr, "assume_reset")
        first = st.system.add_state(_fresh(st.system, "_hwp_first_cycle"), 1, T.true(), T.false())
        st.system.add_constraint(T.implies(first, cond))
        if not satisfiable_start(st.system, st.solver):
            raise TacticError(f"assume_reset {expr}: no initial state satisfies the constraints with it")
        st.assumptions.append(f"{expr} in cycle 0 (assume_reset)")
        st.message = f"assuming {expr} in the first cycle"

    def _houdini(self) -> None:
        goal, claim = self._goal() if self.state.goals else (None, None)
        found = self._run_houdini(claim if goal is not None and not goal.cases else None)
        if found is None:
            return
        result, closed = found
        if not result.complete:
            self._fail("houdini ran out of time before reaching its fixpoint")
            return
        kept = [c for c in result.survivors if c.kind != "goal"]
        text = (f"houdini: {result.candidates} candidates from simulation, {len(result.survivors)} survived "
                f"({result.dropped_base} false initially, {result.dropped_step} not inductive; {result.time:.2f}s)")
        if kept:
            name = _fresh_name(self.state.names(), "houdini")
            self.state.hyps.append(Hypothesis(name, [c.text for c in kept], [c.term for c in kept], 1, "houdini"))
        if closed and goal is not None and claim is not None:
            self._discharge(goal, claim, 1, False)
            text += f"; {claim.name} survived with them: proven"
        self.state.message = text
        if not kept and not closed:
            self._fail(text + ": nothing to add")

    def _run_houdini(self, claim: Claim | None) -> tuple[H.HoudiniResult, bool] | None:
        """Mine, add the current claim's parts as candidates too (mutual induction), prune."""
        st = self.state
        start = time.monotonic()
        candidates = H.mine_candidates(st.system, self.sample())
        known = {str(t) for t in st.hyp_terms()}
        candidates = [c for c in candidates if str(c.term) not in known]
        goal_parts = [H.Candidate(label, t, "goal") for label, t in claim.parts()] if claim is not None else []
        result = H.houdini(st.system, candidates + goal_parts, st.hyp_terms(), solver=st.solver,
                           deadline=self.deadline)
        self.timings["houdini"] = self.timings.get("houdini", 0.0) + time.monotonic() - start
        closed = bool(goal_parts) and all(g in result.survivors for g in goal_parts)
        return result, closed

    def sample(self) -> Sample:
        """Reachable states from random simulation (recomputed when the system grew)."""
        key = len(self.state.system.states) + 1000 * len(self.state.system.constraints)
        if self._sample is None or self._sample[0] != key:
            self._sample = (key, sample_reachable(self.state.system, seed=self.seed))
        return self._sample[1]

    def _hint(self, claim: Claim, k: int) -> None:
        """Suggest the next tactic: a Houdini invariant that blocks the CTI, else a deeper induction."""
        st = self.state
        found = self._run_houdini(None)
        if found is not None and st.cti is not None:
            result, _ = found
            mark_unreachable(st.cti, st.system, [(c.text, c.term) for c in result.survivors])
            blocking = [c for c in result.survivors if c.text in st.cti.blocked_by]
            blocking.sort(key=lambda c: (c.kind not in ("equal", "offset", "sum"), len(c.text)))
            taken = st.names()
            for c in blocking[:3]:
                name = _fresh_name(taken, "inv")
                taken.add(name)
                st.hints.append(f"lemma {name}: {c.text}")
            if blocking:
                st.hints.append(f"induct {k}")
        if not st.hints:
            unrolled = st.unrolled.get(claim.name, -1)
            st.hints.append(f"induct {k + 1}")
            st.hints.append(f"unroll {max(2 * k + 2, unrolled + 10)}   # look for a real counterexample")

    def _auto(self) -> bool:
        """k-induction up to ``depth``, then Houdini and k-induction again, then PDR when registered."""
        st = self.state
        if not st.goals:
            raise TacticError("no open goal")
        notes: list[str] = []
        while st.goals and st.ok:
            goal, claim = self._goal()
            start = time.monotonic()
            if self._auto_induct(goal, claim, self.depth):
                notes.append(f"{claim.name}: k-induction, k={claim.k} ({time.monotonic() - start:.2f}s)")
                continue
            if not st.ok:
                return bool(notes)
            if self._auto_houdini(goal, claim, notes) or self._auto_pdr(goal, claim, notes):
                continue
            if not st.ok:
                return bool(notes)
            tried = f"k-induction up to k={self.depth}, houdini{', pdr' if 'pdr' in ENGINES else ''}"
            answer = self._query(goal, claim, 1)
            if answer.answer == SAT:
                self._explain(goal, claim, answer)   # why the simplest step fails
            self._fail(f"auto could not prove {goal.label()} ({tried})" + (f" after: {'; '.join(notes)}" if notes else ""))
            return bool(notes)
        st.message = "auto: " + "; ".join(notes) + ("; no goals left" if not st.goals else "")
        return True

    def _auto_induct(self, goal: Goal, claim: Claim, depth: int) -> bool:
        """Discharge ``goal`` by k-induction for the least k <= depth; False (state ok) when none works."""
        for k in range(1, depth + 1):
            if self.deadline.expired():
                return False
            if not self._base(claim, k - 1, first=k - 1):
                return False
            answer = self._query(goal, claim, k)
            if answer.answer == UNSAT:
                self._discharge(goal, claim, k, answer.simple_path)
                return True
            if answer.answer != SAT:
                return False
        return False

    def _auto_houdini(self, goal: Goal, claim: Claim, notes: list[str]) -> bool:
        start = time.monotonic()
        found = self._run_houdini(claim if not goal.cases else None)
        if found is None or not found[0].complete:
            return False
        result, closed = found
        kept = [c for c in result.survivors if c.kind != "goal"]
        st = self.state
        if kept:
            st.hyps.append(Hypothesis(_fresh_name(st.names(), "houdini"), [c.text for c in kept],
                                      [c.term for c in kept], 1, "houdini"))
        if closed:
            self._discharge(goal, claim, 1, False)
        elif not kept or not self._auto_induct(goal, claim, min(self.depth, 4)):
            return False
        notes.append(f"{claim.name}: houdini ({len(kept)} invariants{'' if closed else ''}) then "
                     f"{claim.k}-induction ({time.monotonic() - start:.2f}s)")
        return True

    def _auto_pdr(self, goal: Goal, claim: Claim, notes: list[str]) -> bool:
        """PDR on the claim alone, when an engine named ``pdr`` is registered; its invariant becomes a hypothesis."""
        if "pdr" not in ENGINES or goal.cases or self.deadline.expired():
            return False
        st = self.state
        start = time.monotonic()
        sub = cone_of(st.system, [claim.term] + st.hyp_terms()).copy()
        sub.asserts, sub.covers, sub.justice = [Property(claim.name, claim.term, "assert")], [], []
        sub.constraints = sub.constraints + st.hyp_terms()   # proven invariants remove no reachable state
        sub.reindex()
        options = EngineOptions(solver=st.solver, timeout=self.deadline.remaining(), seed=self.seed)
        result = make_engine("pdr", sub, options).check(self.depth)
        self.timings["pdr"] = self.timings.get("pdr", 0.0) + time.monotonic() - start
        verdict = result.properties[0] if result.properties else None
        if verdict is None or verdict.status != PASS or verdict.certificate is None:
            return False
        cert = verdict.certificate
        st.hyps.append(Hypothesis(_fresh_name(st.names(), "pdr"), [f"pdr invariant {i}" for i in
                                                                    range(len(cert.invariant))],
                                  list(cert.invariant), cert.k, "pdr", cert.simple_path))
        answer = self._query(goal, claim, 1)
        if answer.answer != UNSAT:
            st.hyps.pop()
            return False
        self._discharge(goal, claim, 1, answer.simple_path)
        notes.append(f"{claim.name}: pdr ({time.monotonic() - start:.2f}s)")
        return True

    # ---------------------------------------------------------- evidence
    def certificates(self) -> dict[str, Certificate]:
        """One certificate per proven assertion: every hypothesis is its invariant, k the largest depth.

        When some proof needed simple-path constraints, their registers may
        differ from proof to proof, and the proofs then need not combine: the
        conjunction is checked once more as one step (lazily simple-path over
        its whole cone) and nothing is claimed if that fails.
        """
        st = self.state
        proven = self.proven()
        if not proven:
            return {}
        invariant = st.hyp_terms()
        names = [h.name if h.texts[i] == h.name else f"{h.name}: {h.texts[i]}"
                 for h in st.hyps for i in range(len(h.terms))]
        k = max(h.k for h in st.hyps)
        simple = any(h.simple_path for h in st.hyps)
        cone = cone_of(st.system, invariant + [st.system.property(p).term for p in proven])
        if simple:
            joint = check_step(st.system, invariant, [], k, solver=st.solver, simple_path=True,
                               deadline=self.deadline)
            if joint.answer != UNSAT:
                raise ProverError("the proven steps do not combine into one k-induction certificate "
                                  "(their simple-path constraints range over different registers); "
                                  "try induct with a depth equal to the largest one used")
            simple = joint.simple_path
        return {p: Certificate(p, list(invariant), k, simple, "tactics", st.solver,
                               simple_path_vars=[s.name for s in cone.states] if simple else None,
                               lemmas=list(names))
                for p in proven}

    def result(self, reason: str = "") -> Result:
        """Per-assertion verdicts: PASS with a certificate, FAIL with a trace, else UNKNOWN saying why."""
        st = self.state
        certs = self.certificates()
        out = []
        for prop in st.system.asserts:
            if prop.name not in st.claims:
                continue
            if prop.name in certs:
                c = certs[prop.name]
                assumed = f"; assuming {', '.join(st.assumptions)}" if st.assumptions else ""
                out.append(PropertyResult(prop.name, prop.kind, PASS, depth=c.k, certificate=c, loc=prop.loc,
                                          reason=f"{c.k}-inductive with {len(c.invariant) - 1} other "
                                                 f"invariant(s){assumed}"))
            elif prop.name in st.refuted:
                trace = st.refuted[prop.name]
                out.append(PropertyResult(prop.name, prop.kind, FAIL, depth=trace.depth, trace=trace, loc=prop.loc))
            else:
                out.append(PropertyResult(prop.name, prop.kind, UNKNOWN, loc=prop.loc,
                                          reason=reason or "open at the end of the proof"))
        return Result("tactics", st.solver, out)

    def check(self) -> list[CheckReport]:
        """Have the kernel re-check every certificate and counterexample of ``result()``; the reports."""
        result = self.result()
        evidence = [p.certificate or p.trace for p in result.properties if p.certificate or p.trace]
        return check_evidence(self.state.system, evidence)

    def script(self) -> str:
        """The accepted tactics as a ``.hwp`` script."""
        return "".join(f"{line}\n" for line in self.state.steps)


def _count(name: str, arg: str) -> int:
    try:
        value = int(arg)
    except ValueError:
        raise TacticError(f"{name} needs a whole number, not {arg!r}") from None
    if value < 0:
        raise TacticError(f"{name} needs a number that is not negative, not {value}")
    return value


def _holds(system: TransitionSystem, term, frame) -> bool:
    env = {v: frame[v.name] for v in system.variables if v.name in frame}
    try:
        return bool(evaluate(term, env))
    except Exception:  # noqa: BLE001 - a frame of a smaller cone: unknown counts as holding
        return True


def _fresh(system: TransitionSystem, base: str) -> str:
    names = {v.name for v in system.variables} | set(system.signals)
    return _fresh_name(names, base)


def _fresh_name(taken: set[str], base: str) -> str:
    name, i = base, 1
    while name in taken:
        i += 1
        name = f"{base}{i}"
    return name
