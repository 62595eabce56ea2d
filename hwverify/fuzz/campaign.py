"""A fuzz campaign: generate cases per layer, run the oracles, shrink and save failures.

Case ``i`` of layer ``L`` under seed ``S`` is generated from
``random.Random(f"{S}:{L}:{i}")``, so any case can be regenerated alone.
A failing case is shrunk, then saved under ``<out>/<layer>-s<S>-c<i>/`` with
the mismatches, the case itself (``case.json`` for terms, ``case.btor2`` for
systems and equivalence miters, ``case.v`` for Verilog designs) and ``replay.sh`` holding
``hwverify fuzz --replay DIR``.

Findings are of two sorts. A *mismatch* is a soundness or consistency bug
(a contradicted PASS, a trace the kernel rejects, a rewrite that differs).
An *unknown* (``oracle_equiv.is_incomplete``) is one engine leaving a case
undecided that must be decidable, e.g. the equivalence engine on a rewrite
that k-induction proves: worth fixing, counted and saved apart, never a
mismatch. The shrinker keeps a case's most serious sort and kind.
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
from hwverify.fuzz.shrink import first_word, same_failure, shrink_system, shrink_terms
from hwverify.kernel.smt import KERNEL_SOLVERS
from hwverify.prover.solvers import available_solvers

LAYERS = ("terms", "engines", "frontends", "equiv")
SHRINK_SECONDS = 120.0   # per failing case; an equivalence oracle call alone can take 10 s
DEFAULT_OUT = os.path.join(".hwverify", "fuzz")


@dataclass
class LayerStats:
    cases: int = 0
    mismatches: int = 0
    unknowns: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0


@dataclass
class Summary:
    cases: int = 0
    mismatches: int = 0       # cases with a soundness/consistency mismatch
    unknowns: int = 0         # cases whose only findings are engines that could not decide (not mismatches)
    layers: dict[str, LayerStats] = field(default_factory=dict)
    saved: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)            # the mismatches
    unknown_details: list[str] = field(default_factory=list)    # the undecided findings, apart

    def line(self) -> str:
        unknown = f", {self.unknowns} unknown (not soundness mismatches)" if self.unknowns else ""
        return f"fuzz: {self.cases} cases, {self.mismatches} mismatches{unknown}"


def split_findings(found: list[str]) -> tuple[list[str], list[str]]:
    """(mismatches, unknowns) of one case's findings."""
    unknown = [m for m in found if oracle_equiv.is_incomplete(m)]
    return [m for m in found if not oracle_equiv.is_incomplete(m)], unknown


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
            if shrink:
                case, found = shrink_case(layer, case, found, solvers, index, thorough)
            mismatches, unknowns = split_findings(found)
            if mismatches:
                stats.mismatches += 1
                summary.mismatches += 1
            else:
                stats.unknowns += 1
                summary.unknowns += 1
            summary.details += [f"{layer} case {index}: {m}" for m in mismatches]
            summary.unknown_details += [f"{layer} case {index}: {m}" for m in unknowns]
            if progress:
                progress(f"{layer} case {index}: {(mismatches or unknowns)[0]}")
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
    """A smaller case showing a finding of the same kind, and its findings (re-checked).

    The kind kept is that of the most serious findings: the mismatches if there
    are any, else the unknowns, so a shrunk case never trades one for the other.
    """
    if layer == "frontends":
        small = oracle_frontends.shrink(case, found)
        return small, check_case(layer, small, solvers, rotation, thorough) or found
    mismatches, unknowns = split_findings(found)
    kind_of = oracle_equiv.failure_kind if layer == "equiv" else first_word
    fails = same_failure(mismatches or unknowns, kind_of)

    def shows(findings: list[str]) -> bool:
        now, undecided = split_findings(findings)
        return fails(now if mismatches else undecided)

    def still(c) -> bool:
        try:
            return shows(check_case(layer, c, solvers, rotation, thorough))
        except Exception:  # noqa: BLE001 - a candidate that crashes the oracle differently is not kept
            return False

    if layer == "terms":
        small = shrink_terms(case, still, seconds=SHRINK_SECONDS)
    elif layer == "equiv":
        if not oracle_equiv.shrinkable(mismatches or unknowns):
            return case, found
        small = replace(case, system=shrink_system(case.system, lambda s: still(replace(case, system=s)),
                                                   seconds=SHRINK_SECONDS))
    else:
        small = SystemCase(shrink_system(case.system, lambda s: still(SystemCase(s, case.seed)),
                                         seconds=SHRINK_SECONDS), case.seed)
    again = check_case(layer, small, solvers, rotation, thorough)
    # a re-check that no longer shows the kind (solvers under time limits wobble) keeps the original case
    return (small, again) if shows(again) else (case, found)


def save_case(out_dir: str, layer: str, seed: int, index: int, case, found: list[str],
              solvers: Sequence[str], thorough: bool = False) -> str:
    """Write the reproducer directory and return its path."""
    path = os.path.join(out_dir, f"{layer}-s{seed}-c{index}")
    os.makedirs(path, exist_ok=True)
    mismatches, unknowns = split_findings(found)
    meta = {"layer": layer, "seed": seed, "case": index, "rotation": index, "solvers": list(solvers),
            "thorough": thorough, "mismatches": mismatches, "unknowns": unknowns}
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
    """Re-run the oracle of a saved case; the findings it still shows (``split_findings`` sorts them)."""
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
