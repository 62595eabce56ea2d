"""The engines, once: each declares its name, the modes it serves and how it is built.

Every entry point reaches an engine through ``make_engine`` (in practice
through ``hwverify.run``), so a new engine is one module plus one line in
``ENGINES``. The mode table says which engine runs a mode by default and
which (engine, solver) pairs a portfolio races; the portfolio itself is a
runner over worker processes (``hwverify.run.portfolio``), not an engine.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from hwverify.errors import ProverError
from hwverify.prover.bmc import BMC
from hwverify.prover.engine import Engine
from hwverify.prover.equiv import EquivEngine
from hwverify.prover.kind import KInduction
from hwverify.prover.kind_lemmas import KindPDR
from hwverify.prover.pdr.engine import PDR
from hwverify.prover.result import EngineOptions, Mode
from hwverify.semantics.system import TransitionSystem

__all__ = ["EngineSpec", "ENGINES", "DEFAULT_ENGINE", "DEFAULT_DEPTH", "PORTFOLIO_MEMBERS", "AUTO_MEMBERS",
           "make_engine", "engines_for", "check_engine", "engine_bound"]

Builder = Callable[[TransitionSystem, EngineOptions, Mode], Engine]


@dataclass(frozen=True)
class EngineSpec:
    """An engine as the registry knows it."""

    name: str
    modes: frozenset[Mode]
    build: Builder
    summary: str
    unbounded: bool = False   # ``check(None)`` runs until a verdict or the deadline (no depth to stop at)


def _spec(name: str, modes: tuple[Mode, ...], build: Builder, summary: str, unbounded: bool = False) -> EngineSpec:
    return EngineSpec(name, frozenset(modes), build, summary, unbounded)


ENGINES: dict[str, EngineSpec] = {s.name: s for s in (
    _spec("bmc", (Mode.BMC, Mode.PROVE, Mode.EQUIV, Mode.SECURE), lambda s, o, m: BMC(s, o),
          "bounded model checking: assertions hold for steps 0..depth", unbounded=True),
    _spec("kind", (Mode.PROVE, Mode.EQUIV, Mode.SECURE), lambda s, o, m: KInduction(s, o),
          "k-induction with simple-path constraints, up to k = depth", unbounded=True),
    _spec("cover", (Mode.COVER,), lambda s, o, m: BMC(s, o, covers=True),
          "BMC over cover goals: a trace reaching each"),
    _spec("equiv", (Mode.PROVE, Mode.EQUIV, Mode.SECURE), lambda s, o, m: EquivEngine(s, o),
          "signal correspondence (inductive register equalities), then strengthened k-induction"),
    _spec("kind-pdr", (Mode.PROVE,), lambda s, o, m: KindPDR(s, o),
          "k-induction strengthened by IC3's lemmas (for properties k-inductive only relative to an invariant); "
          "not an auto member: it solved nothing kind or pdr miss on the HWMCC'20 subset", unbounded=True),
    _spec("pdr", (Mode.PROVE, Mode.EQUIV, Mode.SECURE), lambda s, o, m: PDR(s, o),
          "IC3/PDR over the bit-blasted design (CaDiCaL): inductive invariants, no depth needed",
          unbounded=True),
)}

# The depth engines stop at when the user gives none and there is no time limit (so a plain run ends);
# with a time limit, engines that can (``EngineSpec.unbounded``) run until a verdict or the deadline.
DEFAULT_DEPTH = 20

DEFAULT_ENGINE: dict[Mode, str] = {Mode.BMC: "bmc", Mode.PROVE: "auto", Mode.COVER: "cover", Mode.EQUIV: "equiv",
                                 Mode.SECURE: "equiv"}

# Two members: the machines we target have two cores. k-induction's base case is BMC,
# so the prove portfolio finds counterexamples as well as proofs.
PORTFOLIO_MEMBERS: dict[Mode, list[tuple[str, str]]] = {
    Mode.PROVE: [("kind", "bitwuzla"), ("kind", "cvc5")],
    Mode.BMC: [("bmc", "bitwuzla"), ("bmc", "cvc5")],
    Mode.COVER: [("cover", "bitwuzla"), ("cover", "cvc5")],
    Mode.EQUIV: [("equiv", "bitwuzla"), ("kind", "cvc5")],
    Mode.SECURE: [("equiv", "bitwuzla"), ("kind", "cvc5")],
}


# ``--engine auto``: the members race in this order; with fewer ``--jobs`` (default: the core count) than
# members, the later ones start when an earlier one ends undecided. For prove, measured on the HWMCC'20
# subset (84 instances, 20 s, 2 busy cores; bench/results/auto_members.json, docs/pdr.md): [pdr, kind]
# solved 46, [pdr, kind, bmc] on 3 slots 47, [pdr, bmc] 47 (PAR-2 1610, 1599, 1622), 0 wrong. PDR solves
# the most alone; k-induction adds k-inductive instances PDR is slow on, BMC deep counterexamples that
# k-induction's base case reaches too late. BMC comes third: it races on 3+ cores (or ``--jobs 3``), and on
# 2 it starts when PDR or k-induction ends without a verdict (PDR: arrays it cannot bit-blast).
AUTO_MEMBERS: dict[Mode, list[tuple[str, str]]] = {
    Mode.PROVE: [("pdr", "bitwuzla"), ("kind", "bitwuzla"), ("bmc", "bitwuzla")],
    Mode.EQUIV: [("equiv", "bitwuzla"), ("pdr", "bitwuzla")],
    Mode.SECURE: [("equiv", "bitwuzla"), ("pdr", "bitwuzla")],
}


def engine_bound(name: str, bound: int | None) -> int | None:
    """The bound engine ``name`` runs to: ``bound``; for ``None`` (no depth: run until a verdict or the
    deadline, ``Task.bound``) ``DEFAULT_DEPTH`` if the engine cannot run without one."""
    if bound is None and not (name in ENGINES and ENGINES[name].unbounded):
        return DEFAULT_DEPTH
    return bound


def engines_for(mode: Mode | str) -> list[str]:
    """The engines that can serve ``mode``."""
    return [n for n, s in ENGINES.items() if Mode(mode) in s.modes]


def check_engine(name: str, mode: Mode | str) -> None:
    """Raise a ProverError naming the alternatives unless ``name`` can serve ``mode``."""
    if name not in ENGINES:
        raise ProverError(f"unknown engine {name!r}; known engines: {', '.join(ENGINES)}")
    if Mode(mode) not in ENGINES[name].modes:
        raise ProverError(f"engine {name!r} cannot be used for {Mode(mode)} "
                          f"(engines for {Mode(mode)}: {', '.join(engines_for(mode))})")


def make_engine(name: str, system: TransitionSystem, options: EngineOptions,
                mode: Mode | str = Mode.PROVE) -> Engine:
    """The engine ``name`` for ``mode`` over ``system``, or a ProverError saying why not."""
    check_engine(name, mode)
    mode = Mode(mode)
    if not (system.covers if mode is Mode.COVER else system.asserts):
        raise ProverError(f"the design has no {'cover goals' if mode is Mode.COVER else 'assertions'} to check")
    return ENGINES[name].build(system, options, mode)
