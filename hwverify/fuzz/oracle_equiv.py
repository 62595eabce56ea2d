"""The equivalence layer: a random system against a rewrite of itself (must be PASS) and a mutant.

Each case is a miter (``prover/miter.build_miter``) of a random system
(``gen_systems.random_system_mixed`` plus a random output ``out0``) and
either a semantics-preserving rewrite of it (``rewrite.rewrite_system``:
identities and inverted registers) or a single-operator mutant
(``rewrite.mutate_system``). The equivalence engine decides every compared
signal; the oracles:

* every PASS certificate is accepted by the kernel, and neither BMC nor
  random simulation of the miter finds a difference (a PASS contradicted by a
  trace is the critical bug this layer hunts);
* every FAIL trace replays in the kernel and its depth is the first
  differing cycle: BMC finds none earlier, and the same depth;
* a rewrite must be PASS on every signal (FAIL means the rewrite or the
  engine is wrong; UNKNOWN means the engine could not prove a plain
  identity); TIMEOUT is never compared (a loaded machine is not a bug);
* a mutant may be FAIL or PASS (some mutations change nothing observable):
  a PASS must survive BMC and simulation as above, and an UNKNOWN is a
  mismatch when BMC finds a difference within the engine's own bound.

The case is the miter itself, so the engines layer's shrinker and BTOR2
reproducers apply unchanged.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Sequence

from hwverify.fuzz.gen_systems import _expr, random_system_mixed
from hwverify.fuzz.oracle_engines import SystemCase, run_engine
from hwverify.fuzz.rewrite import OUTPUT_PREFIX, mutate_system, rewrite_system
from hwverify.kernel import check_certificate, check_trace
from hwverify.prover.miter import build_miter
from hwverify.prover.result import ERROR, FAIL, PASS, UNKNOWN, Mode
from hwverify.semantics.evaluate import CompiledSystem
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import BV

BOUND = 10
ENGINE_TIMEOUT = 10.0
SIM_RUNS, SIM_CYCLES = 4, 40


@dataclass
class EquivCase(SystemCase):
    """A miter (``system``) and how its second half was made from the first."""

    kind: str = "rewrite"          # "rewrite" or "mutant"
    note: str = ""


def generate(rng: random.Random, seed: int | None = None) -> EquivCase:
    """A random system, a variant of it (rewrite or mutant) and their miter over every non-input signal."""
    original = random_system_mixed(rng.getrandbits(32))
    pool: dict[int, list] = {}
    for v in original.inputs + original.states:
        if isinstance(v.sort, BV):
            pool.setdefault(v.width, []).append(v)
    original.signals[f"{OUTPUT_PREFIX}0"] = _expr(rng, pool, rng.randint(1, 6), 3)
    inputs = {v.name for v in original.inputs}
    compared = [n for n in original.signals if n not in inputs]
    variant, kind, note = None, "rewrite", "semantics-preserving rewrite"
    if rng.random() < 0.5:
        mutant = mutate_system(original, rng)
        if mutant is not None:
            variant, note = mutant
            kind = "mutant"
    if variant is None:
        variant = rewrite_system(original, rng)
    miter = build_miter(original, variant, outputs=compared, name=f"equiv_{kind}")
    return EquivCase(miter, seed, kind=kind, note=note)


def _simulated_difference(system: TransitionSystem, seed: int) -> dict[str, int]:
    """Per compared signal, the earliest cycle a random run shows the two sides differ."""
    sim = CompiledSystem(system)
    rng = random.Random(seed)
    first: dict[str, int] = {}
    for _ in range(SIM_RUNS):
        r = sim.simulate(SIM_CYCLES, rng)   # failures count only while the constraints held
        for name, k in r.failures.items():
            first[name] = min(k, first.get(name, k))
    return first


def check(case: EquivCase, solvers: Sequence[str], rotation: int = 0) -> list[str]:
    """Mismatches between the equivalence engine, BMC, simulation and the kernel on one case."""
    miter = case.system
    n = len(solvers)
    s_eq, s_bmc = solvers[rotation % n], solvers[(rotation + 1) % n]
    try:
        equiv = run_engine(miter, "equiv", Mode.PROVE, s_eq, BOUND, seed=rotation, timeout=ENGINE_TIMEOUT)
        bmc = run_engine(miter, "bmc", Mode.BMC, s_bmc, BOUND, timeout=ENGINE_TIMEOUT)
    except Exception as e:  # noqa: BLE001 - engines must turn failures into results
        return [f"engine crashed: {type(e).__name__}: {e}"]
    sim = _simulated_difference(miter, rotation)
    label = f"equiv[{s_eq}] on a {case.kind} ({case.note})"
    out: list[str] = []
    for p in equiv.properties:
        b = bmc.get(p.name)
        if p.status == ERROR:
            out.append(f"{label}: ERROR on signal {p.name}: {p.reason}")
        elif p.status == PASS:
            rep = check_certificate(miter, p.certificate)
            if not rep.ok:
                out.append(f"{label}: kernel rejects the PASS certificate of {p.name}: {'; '.join(rep.details)}")
            if b.status == FAIL:
                out.append(f"CRITICAL {label}: PASS on {p.name} contradicted by bmc[{s_bmc}] at depth {b.depth}")
            if p.name in sim:
                out.append(f"CRITICAL {label}: PASS on {p.name} contradicted by simulation at cycle {sim[p.name]}")
        elif p.status == FAIL:
            rep = check_trace(miter, p.trace)
            if not rep.ok:
                out.append(f"{label}: kernel rejects the FAIL trace of {p.name}: {'; '.join(rep.details)}")
            if case.kind == "rewrite":
                out.append(f"{label}: a rewrite differs on {p.name} at cycle {p.depth}")
            if b.status == PASS or (b.status == FAIL and b.depth != p.depth):
                out.append(f"{label}: FAIL on {p.name} at {p.depth} but bmc[{s_bmc}] says {b.status} at {b.depth}")
            if p.name in sim and sim[p.name] < p.depth:
                out.append(f"{label}: FAIL on {p.name} at {p.depth} is not the first difference: "
                           f"simulation differs at cycle {sim[p.name]}")
        elif p.status == UNKNOWN:
            if case.kind == "rewrite":
                out.append(f"{label}: could not prove {p.name} of a semantics-preserving rewrite: {p.reason}")
            elif b.status == FAIL:
                out.append(f"{label}: UNKNOWN on {p.name} but bmc[{s_bmc}] finds a difference at depth {b.depth}")
    return out
