"""Bounded claims decided frame by frame in one solver session.

A claim (Inv, k) says Inv holds in frames 0..k-1 of every run from an initial
state whose constraints hold: the base obligations of ``obligations.py``,

  base_j  (0 <= j < k):  I ∧ T(0..j-1) ∧ C(0..j) ∧ ¬Inv#j      (all UNSAT)

A bounded certificate is nothing else; a k-induction certificate starts with
it. Instead of k scripts each repeating the unrolling (O(k^2) text and
solving), one incremental script asserts I, then per frame j asserts T(j-1)
and C(j) for good and asks, between ``push`` and ``pop``, whether ¬Inv#j is
satisfiable. Several claims about one system share the unrolling and one
query per frame, "does any of them fail here" (the disjunction of their
¬Inv#j); only when that is not UNSAT is each claim asked on its own.
Every formula is still printed to SMT-LIB text and parsed by the solver.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from hwverify.formats import smtlib
from hwverify.kernel.flatten import Flattened, flatten_system
from hwverify.kernel.obligations import Frames, relevant_states
from hwverify.kernel.session import IncrementalDecider
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term


@dataclass
class BoundedScript:
    """The pieces of an incremental script for claims ``terms`` with depths ``ks``."""

    terms: list[Term]
    ks: list[int]
    header: str                  # logic, declarations, definitions, I
    frames: list[str]            # frames[j]: the assertions T(j-1), C(j)
    goals: list[list[str]]       # goals[j][i]: Bool text of ¬terms[i]#j (None when ks[i] <= j)

    def text(self, i: int = 0) -> str:
        """The standalone script for claim ``i``: one ``(check-sat)`` per frame, each expected ``unsat``."""
        out = [self.header]
        for j in range(self.ks[i]):
            out.append(self.frames[j])
            out.append(f"(push 1)\n(assert {self.goals[j][i]})\n(check-sat)\n(pop 1)\n")
        out.append("(exit)\n")
        return "".join(out)


def build_bounded(system: TransitionSystem, claims: Sequence[tuple[Term, int]],
                  flat: Flattened | None | bool = True) -> BoundedScript:
    """Print the unrolling and the frame goals of ``claims`` (pairs of a 1-bit term and a depth >= 1).

    Small arrays are flattened (``flatten.py``); ``flat`` passes that
    flattening when the caller already has it (``None``: nothing to flatten).
    """
    terms = [t for t, _ in claims]
    originals = list(terms)
    ks = [k for _, k in claims]
    for k in ks:
        if k < 1:
            raise ValueError(f"certificate depth k must be at least 1, not {k}")
    if flat is True:
        flat = flatten_system(system)
    if flat:
        system, flattener = flat
        terms = flattener.terms(terms)
    # functional unrolling, except over flattened memories (measured: see Frames)
    f = Frames(system, relevant_states(system, terms), functional=not flat)
    depth = max(ks)
    roots: list[Term] = [f.init()]
    frame_roots: list[list[int]] = []     # indices into roots
    goal_roots: list[list[int | None]] = []
    for j in range(depth):
        frame = [t for t in ([f.trans(j - 1)] if j else []) + [f.constraints(j)] if t is not T.true()]
        frame_roots.append(list(range(len(roots), len(roots) + len(frame))))
        roots += frame
        row: list[int | None] = []
        for t, k in zip(terms, ks):
            if j < k:
                row.append(len(roots))
                roots.append(T.not_(f.at(t, j)))
            else:
                row.append(None)
        goal_roots.append(row)
    # the precise logic matters: z3 answers incremental QF_BV queries with its SAT core, QF_ABV ones far slower
    # decided from what is printed: a constant table left as an array needs the array logic too
    logic = "QF_ABV" if any(isinstance(t.sort, T.Array) for t in T.postorder(roots)) else "QF_BV"
    lines = smtlib.script(roots, logic=logic, check=False).splitlines()
    asserts = lines[len(lines) - len(roots):]
    if any(not (a.startswith("(assert ") and a.endswith(")")) for a in asserts):
        raise ValueError("unexpected SMT-LIB script layout: one (assert ...) line per assertion expected")
    header = "\n".join(lines[:len(lines) - len(roots)] + [asserts[0]]) + "\n"
    frames = ["".join(asserts[r] + "\n" for r in rs) for rs in frame_roots]
    goals = [[None if r is None else asserts[r][len("(assert "):-1] for r in row] for row in goal_roots]
    return BoundedScript(originals, ks, header, frames, goals)


@dataclass
class BoundedOutcome:
    """Per claim, the answer of each frame decided (all ``unsat``, or ending at the first other answer)."""

    answers: list[list[str]]
    notes: list[str] = field(default_factory=list)
    used: list[str] = field(default_factory=list)   # solvers that answered, in order of first use
    queries: int = 0


def decide_bounded(script: BoundedScript, solvers: list[str], timeout: float | None = None) -> BoundedOutcome:
    """Decide every claim of ``script`` frame by frame in one incremental session.

    Per frame, one query asks whether any still-open claim fails there; UNSAT
    settles them all. Otherwise each open claim is asked alone: ``sat`` (or an
    ``unknown`` / ``error``) closes that claim with that answer, ``unsat`` keeps
    it open. ``timeout`` bounds each query.
    """
    n = len(script.terms)
    out = BoundedOutcome([[] for _ in range(n)])
    decider = IncrementalDecider(solvers, timeout)
    decider.add(script.header)
    open_ = list(range(n))
    for j in range(max(script.ks)):
        live = [i for i in open_ if j < script.ks[i]]
        if not live:
            break
        decider.add(script.frames[j])
        goals = [script.goals[j][i] for i in live]
        query = goals[0] if len(goals) == 1 else f"(or {' '.join(goals)})"
        answer, _ = decider.ask(f"(assert {query})\n")
        out.queries += 1
        if answer == "unsat":
            for i in live:
                out.answers[i].append("unsat")
            continue
        for i in live:
            if len(live) > 1:
                answer, _ = decider.ask(f"(assert {script.goals[j][i]})\n")
                out.queries += 1
            out.answers[i].append(answer)
            if answer != "unsat":
                open_.remove(i)
    out.notes = decider.notes
    for name in decider.used:
        if name not in out.used:
            out.used.append(name)
    return out
