"""k-induction with simple-path constraints.

For k = 0, 1, ...: the base case (shared incremental BMC) looks for a
counterexample in frame k; if there is none, the step case looks for frames
0..k+1 with the constraints in every frame, the property in frames 0..k,
pairwise different states, and the property failing in frame k+1. UNSAT
means the property is (k+1)-inductive: PASS, with a certificate the kernel
re-checks.

The bound is the largest induction depth (SBY's ``depth`` in prove mode):
with bound N the base case searches steps 0..N and the step case tries
1..N-induction, never N+1; a property left open says the largest k tried.
``check(None)``: no largest k; k grows until a verdict or the deadline (the
run layer asks for it only under a time limit).
"""
from __future__ import annotations

from itertools import count

from hwverify.prover.bmc import BoundedSearch
from hwverify.prover.engine import Engine, checked_answer, explored, undecided
from hwverify.prover.result import FAIL, PASS, Deadline, PropertyResult
from hwverify.prover.solvers import SAT, UNSAT
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.system import Property
from hwverify.semantics.transform import cone_of_influence
from hwverify.semantics.unroll import Unroller


class StepCase:
    """The induction step for one property, grown one frame at a time."""

    def __init__(self, engine: Engine, prop: Property, deadline: Deadline):
        self.prop = prop
        self.cone = cone_of_influence(engine.system, [prop])
        self.unroller = Unroller(self.cone)
        self.solver = engine.new_solver(deadline)
        self.deadline = deadline
        self.simple_path = engine.options.simple_path
        self.frames = -1
        self.distinct: set[tuple[int, int]] = set()

    @property
    def used_simple_path(self) -> bool:
        """Whether the step query that answered included simple-path constraints.

        They are added lazily, so an UNSAT step often never needed any; its
        certificate then claims plain k-induction, which is cheaper to re-check
        (no pairwise state disequalities over the whole cone).
        """
        return self.simple_path and bool(self.distinct)

    def _add_frame(self) -> None:
        n = self.frames + 1
        u, s = self.unroller, self.solver
        s.add(u.constraints(n))
        if n > 0:
            s.add(u.trans(n - 1))
            s.add(u.at(self.prop.term, n - 1))
        self.frames = n

    def _repeated_states(self, n: int) -> list[tuple[int, int]]:
        """Pairs of frames with equal states in the current model, not yet forbidden."""
        frames = [tuple(self.solver.value(self.unroller.var_at(v, j)) for v in self.cone.states)
                  for j in range(n + 1)]
        return [(i, j) for j in range(n + 1) for i in range(j)
                if (i, j) not in self.distinct and frames[i] == frames[j]]

    def check(self, n: int) -> str:
        """Is there a path of n+1 frames where the property holds in 0..n-1 and fails in n?

        Simple-path constraints are added lazily: only for pairs of frames that a
        model actually repeats, which keeps step queries small.
        """
        while self.frames < n:
            self._add_frame()
        while True:
            self.solver.set_timeout(self.deadline.remaining())
            answer = checked_answer(self.solver, self.solver.check([T.not_(self.unroller.at(self.prop.term, n))]))
            if answer != SAT or not self.simple_path:
                return answer
            pairs = self._repeated_states(n)
            if not pairs:
                return answer
            for i, j in pairs:
                self.solver.add(self.unroller.states_differ(i, j))
                self.distinct.add((i, j))


class KInduction(Engine):
    """Prove or refute every assertion by k-induction up to a maximal k."""

    name = "kind"

    def properties_of(self, system) -> list[Property]:
        return system.asserts

    def _check(self, bound: int | None, deadline: Deadline) -> list[PropertyResult]:
        base = BoundedSearch(self, deadline)
        steps = {p.name: StepCase(self, p, deadline) for p in self.properties()}
        self._joint: StepCase | None = None  # step case of a conjunction, rebuilt when its members change
        self._joint_key: tuple[str, ...] = ()
        done: dict[str, PropertyResult] = {}
        open_props = list(self.properties())
        last_k = -1
        for k in (count() if bound is None else range(bound + 1)):
            if not open_props or deadline.expired():
                break
            self.progress(f"kind: step {k}, {len(open_props)} open")
            still_open = []
            for prop in open_props:
                answer = base.reach(prop, k)
                if answer == SAT:
                    done[prop.name] = base.trace_result(prop, k, FAIL)
                    continue
                if answer != UNSAT:     # iteration k-1 refuted k-induction; the base case of step k is undecided
                    done[prop.name] = undecided(prop, k - 1, deadline, _open_reason(prop, k - 1, k),
                                                solver_reason=base.solver.last_reason)
                    continue
                if k == bound:      # the step case would try (bound+1)-induction: beyond the bound
                    still_open.append(prop)
                    continue
                step = steps[prop.name]
                answer = step.check(k + 1)
                if answer == UNSAT:
                    cert = Certificate(prop.name, [prop.term], k + 1, step.used_simple_path,
                                       "k-induction", self.options.solver,
                                       simple_path_vars=[s.name for s in step.cone.states])
                    done[prop.name] = PropertyResult(prop.name, prop.kind, PASS, depth=k + 1, certificate=cert,
                                                     reason=f"{k + 1}-inductive", loc=prop.loc)
                elif answer == SAT:
                    still_open.append(prop)
                else:
                    done[prop.name] = undecided(prop, k, deadline, _open_reason(prop, k, k, undecided_k=k + 1),
                                                solver_reason=step.solver.last_reason)
            open_props = still_open
            last_k = k
            if open_props and (bound is None or k < bound) and len(self.properties()) > 1:
                open_props = self._joint_step(k, open_props, done, deadline)
        for prop in open_props:
            # iteration last_k tried (last_k+1)-induction unless it was the last one (k == bound)
            tried = last_k + 1 if bound is None else min(last_k + 1, bound)
            done[prop.name] = undecided(prop, last_k, deadline, _open_reason(prop, last_k, tried))
        return [done[p.name] for p in self.properties()]

    def _joint_step(self, k: int, open_props: list[Property], done: dict[str, PropertyResult],
                    deadline: Deadline) -> list[Property]:
        """Try the step case for the conjunction of the open and proven properties.

        Properties often need each other (a register bound proven by one assertion
        keeps another inductive), as when SBY assumes all assertions at once. Every
        member's base case holds up to frame k (open ones were just checked, proven
        ones hold always), so an UNSAT step makes the conjunction (k+1)-inductive:
        each open property is PASS with the conjunction as its certificate.
        """
        members = [p for p in self.properties() if p in open_props
                   or (p.name in done and done[p.name].status == PASS)]
        key = tuple(p.name for p in members)
        if self._joint is None or self._joint_key != key:
            conj = Property("joint(" + ",".join(key) + ")", T.and_all(p.term for p in members), "assert")
            self._joint, self._joint_key = StepCase(self, conj, deadline), key
        joint = self._joint
        if joint.check(k + 1) != UNSAT:
            return open_props
        invariant = [p.term for p in members]
        for prop in open_props:
            cert = Certificate(prop.name, invariant, k + 1, joint.used_simple_path, "k-induction (joint)",
                               self.options.solver, simple_path_vars=[s.name for s in joint.cone.states],
                               lemmas=[p.name for p in members])
            done[prop.name] = PropertyResult(prop.name, prop.kind, PASS, depth=k + 1, certificate=cert,
                                             reason=f"{k + 1}-inductive together with {len(members) - 1} other "
                                                    f"assertion(s)", loc=prop.loc)
        return []


def _open_reason(prop: Property, base_depth: int, tried_k: int, undecided_k: int | None = None) -> str:
    """Why ``prop`` is still open: the largest induction depth tried and how far the base case got.

    ``undecided_k``: the step case of that depth was tried but the solver did
    not decide it (out of time or gave up).
    """
    searched = explored(prop, base_depth)
    if base_depth < 0:
        return searched
    if undecided_k is not None:
        refuted = f"not {tried_k}-inductive, " if tried_k >= 1 else ""
        return f"{refuted}{undecided_k}-induction undecided and {searched}"
    if tried_k < 1:
        return f"{searched}; induction not tried (it needs a depth of at least 1)"
    return f"not {tried_k}-inductive and {searched}"
