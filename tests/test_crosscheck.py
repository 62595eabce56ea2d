"""Engines checked against each other and against simulation.

A k-induction PASS must not be contradicted by BMC to depth 50 or by random
simulation; a FAIL must come at the depth BMC finds minimal, with a trace the
kernel replays; every solver must agree on the depth.
"""
from __future__ import annotations

import csv
import glob
import os
import random
import re

import pytest

from hwverify.kernel import check_certificate, check_trace
from hwverify.prover.bmc import BMC
from hwverify.prover.kind import KInduction
from hwverify.prover.result import FAIL, PASS, EngineOptions
from hwverify.prover.solvers import available_solvers
from hwverify.formats.btor2 import read_btor2_file
from hwverify.semantics.evaluate import CompiledSystem

from tests.random_systems import random_system

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def simulate_violation(system, cycles: int, seed: int) -> int | None:
    """First cycle at which random simulation (respecting constraints) violates the assertion."""
    sim = CompiledSystem(system)
    rng = random.Random(seed)
    state = sim.initial_state(rng=rng)
    for k in range(cycles):
        inputs = sim.random_inputs(rng)
        obs = sim.observe(state, inputs)
        if not obs.constraints_ok:
            return None  # this run left the environment's envelope; stop it
        if not all(obs.asserts.values()):
            return k
        state = sim.step(state, inputs)
    return None


def cross_check(system, bound: int = 12, bmc_depth: int = 50) -> str:
    kind = KInduction(system).check(bound)
    p = kind.properties[0]
    if p.status == PASS:
        assert check_certificate(system, p.certificate).ok
        bmc = BMC(system).check(bmc_depth)
        assert bmc.properties[0].status == PASS, f"BMC contradicts a k-induction PASS on {system.name}"
        assert simulate_violation(system, 300, seed=1) is None, "simulation contradicts a PASS"
    elif p.status == FAIL:
        assert check_trace(system, p.trace).ok
        bmc = BMC(system).check(p.depth)
        assert bmc.properties[0].status == FAIL and bmc.properties[0].depth == p.depth
    return p.status


def test_random_systems_engines_agree():
    statuses = [cross_check(random_system(seed)) for seed in range(60)]
    # the generator must exercise both outcomes, or the test proves little
    assert statuses.count(PASS) >= 5 and statuses.count(FAIL) >= 5, statuses


@pytest.mark.slow
def test_random_systems_engines_agree_many():
    for seed in range(60, 1060):
        cross_check(random_system(seed, n_states=4, depth=4))


@pytest.mark.parametrize("solver", available_solvers())
def test_solvers_agree_on_random_systems(solver):
    for seed in range(20):
        s = random_system(seed)
        ref = KInduction(s).check(8).properties[0]
        other = KInduction(s, EngineOptions(solver=solver)).check(8).properties[0]
        assert (ref.status, ref.depth) == (other.status, other.depth), f"seed {seed}"


def expect_header(path: str) -> tuple[str, int | None]:
    m = re.search(r"^\W*expect:\s*(pass|fail)(?:\s+depth=(\d+))?\s*$", open(path).read(2000), re.M)
    assert m, f"{path}: missing expect header"
    return m.group(1), int(m.group(2)) if m.group(2) else None


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(ROOT, "designs", "btor2", "*.btor2"))),
                         ids=os.path.basename)
def test_bundled_btor2_designs(path):
    system = read_btor2_file(path)
    expect, depth = expect_header(path)
    result = KInduction(system).check(30)
    for p in result.properties:
        if p.certificate is not None:
            assert check_certificate(system, p.certificate).ok
        if p.trace is not None:
            assert check_trace(system, p.trace).ok
    if expect == "pass":
        assert result.status == PASS
        assert BMC(system).check(50).status == PASS
    else:
        assert result.status == FAIL
        assert min(p.depth for p in result.properties if p.status == FAIL) == depth


def hwmcc_rows(max_seconds: float):
    path = os.path.join(ROOT, "bench", "data", "hwmcc20", "expected.csv")
    if not os.path.exists(path):
        return []
    with open(path) as fh:
        return [r for r in csv.DictReader(fh)
                if r["file"].startswith("tiny/") or float(r["fastest_wall_s"] or 99) < max_seconds]


@pytest.mark.parametrize("row", hwmcc_rows(0.05), ids=lambda r: r["file"])
def test_hwmcc_easy_instances(row):
    system = read_btor2_file(os.path.join(ROOT, "bench", "data", "hwmcc20", row["file"]))
    result = KInduction(system, EngineOptions(timeout=5)).check(40)
    assert result.status != (PASS if row["verdict"] == "sat" else FAIL), "wrong verdict"
    for p in result.properties:
        if p.certificate is not None:
            assert check_certificate(system, p.certificate).ok
        if p.trace is not None:
            assert check_trace(system, p.trace).ok
