"""The engines layer: BMC vs k-induction vs signal correspondence vs random simulation on random systems.

For each random system (``gen_systems.random_system_mixed``), with the
solvers rotated across cases so every back end drives every engine:

* an ERROR from any engine on a well-formed system is a mismatch;
* k-induction PASS: the kernel must accept the certificate, BMC must find no
  counterexample, simulation must not violate the assertion (a PASS
  contradicted by a trace is the critical bug this layer hunts);
* a FAIL (k-induction or BMC): the kernel must replay the trace, and both
  engines must agree on the minimal depth within their common bound;
* BMC bounded PASS: its bounded certificate must be kernel-accepted;
* a simulation violation: no engine may say PASS at or beyond that depth, and
  the simulated run, as a trace, must be accepted by the kernel;
* the signal-correspondence engine (``prover/equiv.py``, any system, not
  only miters) is a third prover: its PASS must not be contradicted by any
  trace, its FAIL must replay and be BMC's minimal depth;
* IC3/PDR (``prover/pdr``, bit-level, its own SAT solver) is a fourth prover:
  its PASS certificate must be kernel-accepted and contradicted by no trace
  and by no k-induction FAIL; its FAIL must replay, never meet a k-induction
  PASS, and be BMC's minimal depth when PDR says its depth is minimal (never
  shallower than BMC's otherwise);
* BTOR2 round trip: BMC on the written-and-read-back system gives the same
  verdict and depth.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Sequence

from hwverify.formats.btor2 import read_btor2, write_btor2
from hwverify.fuzz.gen_systems import random_system_mixed
from hwverify.kernel import check_certificate, check_trace
from hwverify.prover.result import ERROR, FAIL, PASS, TIMEOUT, UNKNOWN, Mode, Result
from hwverify.run.session import verify
from hwverify.run.task import Task
from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import CompiledSystem
from hwverify.semantics.system import TransitionSystem

KIND_BOUND = 8
BMC_BOUND = 12
SIM_RUNS, SIM_CYCLES = 4, 40
ENGINE_TIMEOUT = 5.0  # seconds per engine run; TIMEOUT/UNKNOWN verdicts are never compared


def run_engine(system: TransitionSystem, engine: str, mode: Mode, solver: str, bound: int, seed: int = 0,
               timeout: float = ENGINE_TIMEOUT) -> Result:
    """One engine's raw verdicts through the run layer: in-process and without the kernel, which the
    oracles call themselves so that they can compare engines, simulation and kernel separately."""
    run = verify(Task(system=system, mode=mode, engine=engine, solver=solver, depth=bound, timeout=timeout,
                      seed=seed, isolate=False, check=False, name=system.name))
    if run.error is not None:
        raise run.error
    return run.result


@dataclass
class SystemCase:
    system: TransitionSystem
    seed: int | None = None

    def size(self) -> int:
        s = self.system
        roots = list(s.init.values()) + list(s.next.values()) + s.constraints + [p.term for p in s.asserts]
        return T.dag_size(roots) + len(s.inputs) + len(s.states)

    def to_btor2(self) -> str:
        return write_btor2(self.system)


def generate(rng: random.Random, seed: int | None = None) -> SystemCase:
    return SystemCase(random_system_mixed(rng.getrandbits(32)), seed)


def simulate(system: TransitionSystem, seed: int) -> tuple[int | None, object]:
    """Earliest assertion failure over a few random runs (cycle, trace) or (None, None)."""
    sim = CompiledSystem(system)
    best = (None, None)
    rng = random.Random(seed)
    prop = system.asserts[0].name
    for _ in range(SIM_RUNS):
        r = sim.simulate(SIM_CYCLES, rng)
        k = r.failures.get(prop)
        if k is not None and (not r.constraint_violated_at or min(r.constraint_violated_at) > k):
            if best[0] is None or k < best[0]:
                best = (k, r.to_trace(prop))
    return best


def check(case: SystemCase, solvers: Sequence[str], rotation: int = 0, kernel: bool = True) -> list[str]:
    """Mismatches between the engines, simulation and the kernel on one system."""
    system = case.system
    n = len(solvers)
    s_kind, s_bmc, s_rt = solvers[rotation % n], solvers[(rotation + 1) % n], solvers[(rotation + 2) % n]
    out: list[str] = []
    try:
        kind = run_engine(system, "kind", Mode.PROVE, s_kind, KIND_BOUND).properties[0]
        bmc = run_engine(system, "bmc", Mode.BMC, s_bmc, BMC_BOUND).properties[0]
    except Exception as e:  # noqa: BLE001 - engines must turn failures into results
        return [f"engine crashed: {type(e).__name__}: {e}"]
    for label, p in ((f"kind[{s_kind}]", kind), (f"bmc[{s_bmc}]", bmc)):
        if p.status == ERROR:
            out.append(f"{label}: ERROR on a well-formed system: {p.reason}")
    sim_k, sim_trace = simulate(system, rotation)
    # k-induction's verdict
    if kind.status == PASS:
        if kernel:
            rep = check_certificate(system, kind.certificate)
            if not rep.ok:
                out.append(f"kind[{s_kind}]: kernel rejects the PASS certificate: {'; '.join(rep.details)}")
        if bmc.status == FAIL:
            out.append(f"CRITICAL kind[{s_kind}] PASS contradicted by bmc[{s_bmc}] FAIL at depth {bmc.depth}")
        if sim_k is not None:
            out.append(f"CRITICAL kind[{s_kind}] PASS contradicted by simulation failing at cycle {sim_k}")
    elif kind.status == FAIL:
        rep = check_trace(system, kind.trace)
        if not rep.ok:
            out.append(f"kind[{s_kind}]: kernel rejects the FAIL trace: {'; '.join(rep.details)}")
        if kind.depth <= BMC_BOUND and (bmc.status == PASS or (bmc.status == FAIL and bmc.depth != kind.depth)):
            out.append(f"kind[{s_kind}] FAIL at depth {kind.depth} but bmc[{s_bmc}] says {bmc.status} depth {bmc.depth}")
    # BMC's verdict
    if bmc.status == FAIL:
        rep = check_trace(system, bmc.trace)
        if not rep.ok:
            out.append(f"bmc[{s_bmc}]: kernel rejects the FAIL trace: {'; '.join(rep.details)}")
        if kind.status in (UNKNOWN, TIMEOUT) and kind.depth is not None and kind.depth >= bmc.depth:
            out.append(f"bmc[{s_bmc}] FAIL at depth {bmc.depth} but kind[{s_kind}]'s base case "
                       f"found none up to depth {kind.depth}")
    elif bmc.status == PASS:
        if sim_k is not None and sim_k <= BMC_BOUND:
            out.append(f"CRITICAL bmc[{s_bmc}] bounded PASS to {BMC_BOUND} contradicted by simulation at cycle {sim_k}")
        if kernel and rotation % 4 == 0:  # bounded certificates are costlier; check a quarter of them
            rep = check_certificate(system, bmc.certificate)
            if not rep.ok:
                out.append(f"bmc[{s_bmc}]: kernel rejects the bounded certificate: {'; '.join(rep.details)}")
    # simulation's verdict
    if sim_k is not None:
        rep = check_trace(system, sim_trace)
        if not rep.ok:
            out.append(f"simulation trace (cycle {sim_k}) rejected by the kernel: {'; '.join(rep.details)}")
        if bmc.status == FAIL and bmc.depth > sim_k:
            out.append(f"bmc[{s_bmc}] FAIL at depth {bmc.depth} is not minimal: simulation fails at cycle {sim_k}")
    out += _correspondence(system, kind, bmc, sim_k, solvers[(rotation + 3) % n], rotation, kernel)
    out += _pdr(system, kind, bmc, sim_k, kernel)
    # BTOR2 round trip
    out += _round_trip(system, bmc, s_rt)
    return out


def _correspondence(system: TransitionSystem, kind, bmc, sim_k: int | None, solver: str, seed: int,
                    kernel: bool) -> list[str]:
    """The signal-correspondence engine (prover/equiv.py) as a third prover of the same property."""
    def depth_problems(p, label: str) -> list[str]:
        if bmc.status in (PASS, FAIL) and p.depth <= BMC_BOUND and (bmc.status, bmc.depth) != (FAIL, p.depth):
            return [f"{label} FAIL at depth {p.depth} but bmc says {bmc.status} depth {bmc.depth}"]
        return []
    return _another_prover(system, "equiv", f"equiv[{solver}]", solver, seed, kind, bmc, sim_k, kernel,
                           depth_problems)


def _pdr(system: TransitionSystem, kind, bmc, sim_k: int | None, kernel: bool) -> list[str]:
    """IC3/PDR as a fourth prover (CaDiCaL whatever the rotation: it has no other solver)."""
    def depth_problems(p, label: str) -> list[str]:
        out = []
        minimal = "(minimal depth)" in (p.reason or "")
        if bmc.status == PASS and p.depth <= BMC_BOUND:
            out.append(f"{label} FAIL at depth {p.depth} but bmc says PASS to {BMC_BOUND}")
        elif bmc.status == FAIL and (p.depth < bmc.depth or (minimal and p.depth != bmc.depth)):
            out.append(f"{label} FAIL at depth {p.depth} ({p.reason}) but bmc's minimal depth is {bmc.depth}")
        if sim_k is not None and minimal and p.depth > sim_k:
            out.append(f"{label} FAIL at depth {p.depth} claims minimal, simulation fails at cycle {sim_k}")
        return out
    return _another_prover(system, "pdr", "pdr", "bitwuzla", 0, kind, bmc, sim_k, kernel, depth_problems)


def _another_prover(system: TransitionSystem, engine: str, label: str, solver: str, seed: int, kind, bmc,
                    sim_k: int | None, kernel: bool, depth_problems) -> list[str]:
    """``engine``'s verdict against k-induction, BMC, simulation and the kernel (its FAIL depths by
    ``depth_problems``, which differ: the correspondence engine's FAILs come from BMC, PDR's need not)."""
    try:
        p = run_engine(system, engine, Mode.PROVE, solver, KIND_BOUND, seed=seed).properties[0]
    except Exception as e:  # noqa: BLE001
        return [f"{engine} engine crashed: {type(e).__name__}: {e}"]
    out: list[str] = []
    if p.status == ERROR:
        out.append(f"{label}: ERROR on a well-formed system: {p.reason}")
    elif p.status == PASS:
        if kernel and not (rep := check_certificate(system, p.certificate)).ok:
            out.append(f"{label}: kernel rejects the PASS certificate: {'; '.join(rep.details)}")
        for other, q in (("kind", kind), ("bmc", bmc)):
            if q.status == FAIL:
                out.append(f"CRITICAL {label} PASS contradicted by {other} FAIL at depth {q.depth}")
        if sim_k is not None:
            out.append(f"CRITICAL {label} PASS contradicted by simulation failing at cycle {sim_k}")
    elif p.status == FAIL:
        if not (rep := check_trace(system, p.trace)).ok:
            out.append(f"{label}: kernel rejects the FAIL trace: {'; '.join(rep.details)}")
        out += depth_problems(p, label)
        if kind.status == PASS:
            out.append(f"CRITICAL kind PASS contradicted by {label} FAIL at depth {p.depth}")
    return out


def _round_trip(system: TransitionSystem, bmc, solver: str) -> list[str]:
    try:
        back = read_btor2(write_btor2(system), "fuzz.btor2")
    except Exception as e:  # noqa: BLE001
        return [f"btor2 round trip failed: {type(e).__name__}: {e}"]
    again = run_engine(back, "bmc", Mode.BMC, solver, BMC_BOUND).properties[0]
    decided = (PASS, FAIL)
    if again.status in decided and bmc.status in decided and (again.status, again.depth) != (bmc.status, bmc.depth):
        return [f"btor2 round trip changes the BMC verdict: {bmc.status}@{bmc.depth} -> "
                f"{again.status}@{again.depth} (solver {solver})"]
    return []
