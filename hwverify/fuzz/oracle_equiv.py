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
* a rewrite must be PASS on every signal: FAIL means the rewrite or the
  engine is wrong (a soundness mismatch); UNKNOWN is not a soundness
  mismatch but a finding of its own kind (``INCOMPLETE``, counted apart by
  the campaign): k-induction is run on the same miter and the finding says
  whether it proves the signal (kernel-checked), cannot decide it either, or
  finds a difference (then it is a mismatch: the rewrite differs); TIMEOUT is
  never compared (a loaded machine is not a bug);
* a mutant may be FAIL or PASS (some mutations change nothing observable):
  a PASS must survive BMC and simulation as above, and an UNKNOWN is a
  mismatch when BMC finds a difference within the engine's own bound.

The case is the miter itself, so the engines layer's shrinker and BTOR2
reproducers apply, with one guard (``failure_kind``, ``shrinkable``): a
shrunk miter must show the original finding's kind, and a finding that is
only a finding because of how the two halves were made ("a rewrite
differs") is not shrunk at all, since editing one half of a rewrite makes
a miter that differs for no reason worth reporting.
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
INCOMPLETE = "UNKNOWN "   # prefix of findings that are an engine's incompleteness, not a soundness mismatch

# (phrase in the message, kind): the first match names the finding's kind; the order matters
_KINDS = (
    ("k-induction proves it", "UNKNOWN where k-induction proves"),
    ("k-induction cannot decide it either", "UNKNOWN where k-induction cannot decide either"),
    ("engine crashed", "crash"),
    (": ERROR on signal", "error"),
    ("kernel rejects the PASS certificate", "kernel rejects a certificate"),
    ("kernel rejects the FAIL trace", "kernel rejects a trace"),
    ("contradicted by bmc", "PASS contradicted by BMC"),
    ("contradicted by simulation", "PASS contradicted by simulation"),
    ("a rewrite differs", "a rewrite differs"),
    ("is not the first difference", "FAIL not the first difference"),
    ("finds a difference at depth", "UNKNOWN where BMC finds a difference"),
    ("but bmc[", "FAIL depth disagrees with BMC"),
)
RELATIONAL = {"a rewrite differs"}   # kinds that depend on how the halves were made: never shrunk


def failure_kind(message: str) -> str:
    """The kind of one finding (what a shrunk case must still show), independent of signal names and depths."""
    for phrase, kind in _KINDS[:2] if is_incomplete(message) else _KINDS[2:]:
        if phrase in message:
            return kind
    return message.split(":")[0]


def is_incomplete(message: str) -> bool:
    """Is this finding an engine that could not decide (reported apart), not a soundness mismatch?"""
    return message.startswith(INCOMPLETE)


def shrinkable(found: Sequence[str]) -> bool:
    """May the miter of these findings be shrunk? Not when a finding is about how the halves relate."""
    return not any(failure_kind(m) in RELATIONAL for m in found)


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
    unknown = []
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
                unknown.append(p)
            elif b.status == FAIL:
                out.append(f"{label}: UNKNOWN on {p.name} but bmc[{s_bmc}] finds a difference at depth {b.depth}")
    if unknown:
        out += _second_opinion(miter, unknown, label, s_bmc)
    return out


def _second_opinion(miter: TransitionSystem, unknown: list, label: str, solver: str) -> list[str]:
    """What k-induction says about signals of a rewrite the equivalence engine left UNKNOWN.

    A kernel-checked proof or no answer makes the UNKNOWN an incompleteness
    finding (``INCOMPLETE``); a kernel-replayed difference makes it a
    soundness mismatch (the rewrite differs).
    """
    try:
        kind = run_engine(miter, "kind", Mode.PROVE, solver, BOUND, timeout=ENGINE_TIMEOUT)
    except Exception as e:  # noqa: BLE001
        return [f"engine crashed: kind[{solver}]: {type(e).__name__}: {e}"]
    out: list[str] = []
    for p in unknown:
        q = kind.get(p.name)
        head = f"{label}: could not prove {p.name} of a semantics-preserving rewrite ({p.reason})"
        if q.status == PASS and check_certificate(miter, q.certificate).ok:
            out.append(f"{INCOMPLETE}{head}; k-induction proves it (kind[{solver}], k={q.depth}, kernel-checked)")
        elif q.status == FAIL and check_trace(miter, q.trace).ok:
            out.append(f"{label}: a rewrite differs on {p.name} at cycle {q.depth} (found by kind[{solver}]; "
                       f"equiv said UNKNOWN: {p.reason})")
        else:
            out.append(f"{INCOMPLETE}{head}; k-induction cannot decide it either (kind[{solver}]: {q.status})")
    return out
