"""A fuzz campaign: generate cases per layer, run the oracles, shrink and save failures.

Case ``i`` of layer ``L`` under seed ``S`` is generated from
``random.Random(f"{S}:{L}:{i}")``, so any case can be regenerated alone.
A failing case is shrunk, then saved under ``<out>/<layer>-s<S>-c<i>/`` with
the mismatches, the case itself (``case.json`` for terms, ``case.btor2`` for
systems and equivalence miters, ``case.v`` for Verilog designs) and ``replay.sh`` holding
``hwverify fuzz --replay DIR``.
"""
from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

from hwverify.errors import HwverifyError
from hwverify.formats.btor2 import read_btor2_file
from hwverify.fuzz import oracle_engines, oracle_equiv, oracle_frontends, oracle_terms
from hwverify.fuzz.oracle_engines import SystemCase
from hwverify.fuzz.oracle_equiv import EquivCase
from hwverify.fuzz.oracle_frontends import VerilogCase, available_tools
from hwverify.fuzz.oracle_terms import TermCase
from hwverify.fuzz.shrink import same_failure, shrink_system, shrink_terms
from hwverify.kernel.smt import KERNEL_SOLVERS
from hwverify.prover.solvers import available_solvers

LAYERS = ("terms", "engines", "frontends", "equiv")
DEFAULT_OUT = os.path.join(".hwverify", "fuzz")


@dataclass
class LayerStats:
    cases: int = 0
    mismatches: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0


@dataclass
class Summary:
    cases: int = 0
    mismatches: int = 0
    layers: dict[str, LayerStats] = field(default_factory=dict)
    saved: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"fuzz: {self.cases} cases, {self.mismatches} mismatches"


def available_layers() -> list[str]:
    """The layers whose tools are installed (``frontends`` needs Icarus Verilog)."""
    return [layer for layer in LAYERS if layer != "frontends" or len(available_tools()) >= 2]


def _solvers(solvers: Sequence[str] | None) -> list[str]:
    return list(solvers) if solvers else available_solvers()


def run_terms_case(case, solvers: Sequence[str], rotation: int, thorough: bool = False) -> list[str]:
    if thorough:
        return oracle_terms.check(case, solvers, KERNEL_SOLVERS, sat_parser=rotation)
    # rotate: every case checks the evaluators, folding and BTOR2, one back end and one SMT-LIB parser
    return oracle_terms.check(case, [solvers[rotation % len(solvers)]],
                              [KERNEL_SOLVERS[rotation % len(KERNEL_SOLVERS)]], sat_parser=0)


def run_campaign(cases: int = 100, seed: int = 0, layers: Sequence[str] | None = None,
                 time_budget: float | None = None, out_dir: str | None = DEFAULT_OUT,
                 solvers: Sequence[str] | None = None, shrink: bool = True, thorough: bool = False,
                 progress: Callable[[str], None] | None = None) -> Summary:
    """Run ``cases`` cases spread round-robin over ``layers``; stop early at ``time_budget`` seconds."""
    layers = list(layers or available_layers())
    for layer in layers:
        if layer not in LAYERS:
            raise HwverifyError(f"unknown fuzz layer {layer!r}; layers: {', '.join(LAYERS)}")
        if layer not in available_layers():
            raise HwverifyError(f"fuzz layer {layer!r} needs Icarus Verilog (iverilog), which is not installed")
    solvers = _solvers(solvers)
    summary = Summary(layers={layer: LayerStats() for layer in layers})
    start = time.monotonic()
    for i in range(cases):
        if time_budget is not None and time.monotonic() - start >= time_budget:
            break
        layer = layers[i % len(layers)]
        index = i // len(layers)
        rng = random.Random(f"{seed}:{layer}:{index}")
        stats = summary.layers[layer]
        t0 = time.monotonic()
        if layer == "terms":
            case = oracle_terms.generate(rng, index)
            found = run_terms_case(case, solvers, index, thorough)
        elif layer == "frontends":
            case = oracle_frontends.generate(rng, index)
            found = oracle_frontends.check(case)
        elif layer == "equiv":
            case = oracle_equiv.generate(rng, index)
            found = oracle_equiv.check(case, solvers, rotation=index)
        else:
            case = oracle_engines.generate(rng, index)
            found = oracle_engines.check(case, solvers, rotation=index)
        stats.cases += 1
        summary.cases += 1
        if found:
            stats.mismatches += 1
            summary.mismatches += 1
            if shrink:
                case = shrink_case(layer, case, found, solvers, index, thorough)
                found = check_case(layer, case, solvers, index, thorough) or found
            summary.details += [f"{layer} case {index}: {m}" for m in found]
            if progress:
                progress(f"{layer} case {index}: {found[0]}")
            if out_dir:
                summary.saved.append(save_case(out_dir, layer, seed, index, case, found, solvers, thorough))
        stats.seconds += time.monotonic() - t0
    return summary


def check_case(layer: str, case, solvers: Sequence[str], rotation: int, thorough: bool = False) -> list[str]:
    if layer == "terms":
        return run_terms_case(case, solvers, rotation, thorough)
    if layer == "frontends":
        return oracle_frontends.check(case)
    if layer == "equiv":
        return oracle_equiv.check(case, solvers, rotation=rotation)
    return oracle_engines.check(case, solvers, rotation=rotation)


def shrink_case(layer: str, case, found: list[str], solvers, rotation: int, thorough: bool = False):
    if layer == "frontends":
        return oracle_frontends.shrink(case, found)
    fails = same_failure(found)

    def still(c) -> bool:
        try:
            return fails(check_case(layer, c, solvers, rotation, thorough))
        except Exception:  # noqa: BLE001 - a candidate that crashes the oracle differently is not kept
            return False

    if layer == "terms":
        return shrink_terms(case, still)
    if layer == "equiv":
        return replace(case, system=shrink_system(case.system, lambda s: still(replace(case, system=s))))
    small = shrink_system(case.system, lambda s: still(SystemCase(s, case.seed)))
    return SystemCase(small, case.seed)


def save_case(out_dir: str, layer: str, seed: int, index: int, case, found: list[str],
              solvers: Sequence[str], thorough: bool = False) -> str:
    """Write the reproducer directory and return its path."""
    path = os.path.join(out_dir, f"{layer}-s{seed}-c{index}")
    os.makedirs(path, exist_ok=True)
    meta = {"layer": layer, "seed": seed, "case": index, "rotation": index, "solvers": list(solvers),
            "thorough": thorough, "mismatches": found}
    if layer == "equiv":
        meta.update(kind=case.kind, note=case.note)
    if layer == "terms":
        with open(os.path.join(path, "case.json"), "w") as fh:
            json.dump(case.to_json(), fh, indent=1)
    elif layer == "frontends":
        meta.update(stimulus_seed=case.seed, cycles=case.cycles)
        with open(os.path.join(path, "case.v"), "w") as fh:
            fh.write(case.source())
    else:
        with open(os.path.join(path, "case.btor2"), "w") as fh:
            fh.write(case.to_btor2())
    with open(os.path.join(path, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
    with open(os.path.join(path, "replay.sh"), "w") as fh:
        fh.write(f"#!/bin/sh\n# {found[0]}\nhwverify fuzz --replay {path}\n")
    return path


def replay(path: str) -> list[str]:
    """Re-run the oracle of a saved case; the mismatches it still shows."""
    with open(os.path.join(path, "meta.json")) as fh:
        meta = json.load(fh)
    solvers = [s for s in meta["solvers"] if s in _solvers(None)]
    if meta["layer"] == "terms":
        with open(os.path.join(path, "case.json")) as fh:
            case = TermCase.from_json(json.load(fh))
    elif meta["layer"] == "frontends":
        with open(os.path.join(path, "case.v")) as fh:
            case = VerilogCase(None, meta["stimulus_seed"], meta["cycles"], text=fh.read())
    elif meta["layer"] == "equiv":
        case = EquivCase(read_btor2_file(os.path.join(path, "case.btor2")), kind=meta["kind"],
                         note=meta.get("note", ""))
    else:
        case = SystemCase(read_btor2_file(os.path.join(path, "case.btor2")))
    return check_case(meta["layer"], case, solvers, meta["rotation"], meta.get("thorough", False))
