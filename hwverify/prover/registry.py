"""Engines by name, and which CLI mode each may serve."""
from __future__ import annotations

from hwverify.errors import ProverError
from hwverify.prover.bmc import BMC
from hwverify.prover.engine import Engine
from hwverify.prover.kind import KInduction
from hwverify.prover.result import EngineOptions
from hwverify.semantics.system import TransitionSystem

ENGINES = {"bmc": ("bmc", "prove"), "kind": ("prove",), "cover": ("cover",), "portfolio": ("bmc", "prove", "cover"),
           "equiv": ("prove",)}


def make_engine(name: str, system: TransitionSystem, options: EngineOptions, mode: str = "prove") -> Engine:
    """The engine ``name`` for ``mode`` (bmc, prove or cover), or a ProverError saying why not."""
    if name not in ENGINES:
        raise ProverError(f"unknown engine {name!r}; known engines: {', '.join(ENGINES)}")
    if mode not in ENGINES[name]:
        raise ProverError(f"engine {name!r} cannot be used for {mode}")
    props = system.covers if mode == "cover" else system.asserts
    if not props:
        raise ProverError(f"the design has no {'cover goals' if mode == 'cover' else 'assertions'} to check")
    if name == "kind":
        return KInduction(system, options)
    if name == "equiv":  # local import, like the portfolio's
        from hwverify.prover.equiv import EquivEngine
        return EquivEngine(system, options)
    if name == "portfolio":  # local import: the portfolio's workers build their engines through this registry
        from hwverify.run.portfolio import Portfolio
        return Portfolio(system, options, mode)
    return BMC(system, options, covers=(mode == "cover"))
