"""Proof certificates as data: a k-inductive invariant for one property.

The certificate claims: ``invariant`` (a conjunction of 1-bit terms over the
system's variables) holds in the first ``k`` cycles of every run from an
initial state, is preserved by ``k`` consecutive steps (optionally only along
paths with pairwise different states, ``simple_path``), and implies the
property. ``k == 1`` without simple path is an ordinary inductive invariant. A
``bounded`` certificate (from BMC) claims only the first ``k`` cycles.
The kernel re-derives every obligation from this data; engines only fill it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from hwverify.semantics.terms import Term


@dataclass
class Certificate:
    """Evidence for a PASS of ``prop``: an invariant and the induction depth."""

    prop: str
    invariant: list[Term]
    k: int
    simple_path: bool
    method: str  # engine that found it, e.g. "k-induction", "pdr"
    solver: str  # solver the engine used (the kernel prefers another)
    # states the simple-path constraints range over (None: all); must be closed under
    # dependencies, which the kernel checks
    simple_path_vars: list[str] | None = None
    bounded: bool = False  # only the first k cycles are claimed (BMC): no step obligation
    lemmas: list[str] = field(default_factory=list)  # names of invariant conjuncts, for humans
