"""The proof state as data: claims, open goals, proven hypotheses, and what the last tactic said.

A *claim* is something to prove: one of the design's assertions, or a lemma
the engineer stated. A *goal* is an open obligation of a claim, restricted to
the cases of a split when there was one. When the last goal of a claim is
discharged the claim becomes a *hypothesis*: a proven invariant, assumed in
every frame of every later query. The whole state is plain data (terms are
immutable and shared), so ``undo`` is a copy of the state before a tactic.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from hwverify.errors import SourceLoc
from hwverify.prover.tactics.cti import CTI
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term
from hwverify.semantics.trace import Trace

__all__ = ["Claim", "Goal", "Hypothesis", "State"]


@dataclass
class Claim:
    """A design assertion or a lemma, with the strengthenings proven together with it."""

    name: str
    kind: str                      # "assert" | "lemma"
    text: str                      # the lemma's expression, or the assertion's name
    term: Term
    loc: SourceLoc | None = None
    strengthen: list[tuple[str, Term]] = field(default_factory=list)
    k: int = 0                     # largest induction depth among its discharged goals
    simple_path: bool = False      # some discharged goal needed simple-path constraints
    discharged: int = 0            # goals of this claim already proven (a split has several)

    def parts(self) -> list[tuple[str, Term]]:
        """The conjunction proven by induction: the claim and its strengthenings, labelled."""
        return [(self.name, self.term)] + [(f"strengthen {text}", t) for text, t in self.strengthen]


@dataclass
class Goal:
    """An open obligation: the claim's step case, under the conditions of a case split."""

    claim: str
    cases: tuple[tuple[str, Term], ...] = ()

    def label(self) -> str:
        return self.claim + "".join(f" [case {c}]" for c, _ in self.cases)


@dataclass
class Hypothesis:
    """A proven invariant (one or several conjuncts), assumed from now on."""

    name: str
    texts: list[str]               # one per term, for people
    terms: list[Term]
    k: int
    method: str                    # "lemma", "assert", "houdini", "pdr"
    simple_path: bool = False
    loc: SourceLoc | None = None


@dataclass
class State:
    """Everything ``undo`` restores."""

    system: TransitionSystem
    solver: str
    claims: dict[str, Claim] = field(default_factory=dict)
    goals: list[Goal] = field(default_factory=list)
    hyps: list[Hypothesis] = field(default_factory=list)
    refuted: dict[str, Trace] = field(default_factory=dict)   # assertion -> counterexample from reset
    assumptions: list[str] = field(default_factory=list)      # added by assume_reset, for people
    unrolled: dict[str, int] = field(default_factory=dict)    # claim -> steps BMC found clean
    steps: list[str] = field(default_factory=list)            # the accepted tactics, as script lines
    cti: CTI | None = None
    hints: list[str] = field(default_factory=list)            # suggested next tactics
    message: str = ""
    ok: bool = True                # whether the last tactic succeeded

    @property
    def current(self) -> Goal | None:
        return self.goals[0] if self.goals else None

    def hyp_terms(self) -> list[Term]:
        return [t for h in self.hyps for t in h.terms]

    def hyp_rows(self) -> list[tuple[str, Term]]:
        return [(h.name if len(h.terms) == 1 else f"{h.name}.{i}", t)
                for h in self.hyps for i, t in enumerate(h.terms)]

    def names(self) -> set[str]:
        return set(self.claims) | {h.name for h in self.hyps}
