"""kind-pdr (k-induction strengthened by IC3's lemmas) against BMC, k-induction and PDR.

Every PASS is re-checked by the kernel, every FAIL replayed by the kernel
(and in Icarus for Verilog designs, through the run layer):

* bundled designs (designs/btor2, designs/verilog/pdr and a few Verilog ones):
  the verdict of their ``expect:`` header, never contradicted by BMC or
  k-induction, FAILs no shallower than BMC's;
* random systems, likewise;
* a design neither k-induction nor PDR proves quickly (a pipelined multiplier
  next to a mod-12 counter): the strengthened induction proves it, and the
  certificate without the lemmas is rejected (they are what makes it hold);
* limits (no time limit: the depth caps the run) and the run layer.
"""
from __future__ import annotations

import glob
import os
import re
from pathlib import Path

import pytest

from hwverify.cosim.command import replay_run, replay_system
from hwverify.cosim.icarus import have_iverilog
from hwverify.cosim.replay_batch import REPRODUCED
from hwverify.formats.btor2 import read_btor2_file
from hwverify.frontend import load_system
from hwverify.fuzz.gen_systems import random_system_mixed
from hwverify.kernel import check_certificate, check_trace
from hwverify.prover.bmc import BMC
from hwverify.prover.kind import KInduction
from hwverify.prover.kind_lemmas import METHOD, KindPDR
from hwverify.prover.registry import ENGINES
from hwverify.prover.result import FAIL, PASS, TIMEOUT, UNKNOWN, EngineOptions
from hwverify.run.session import verify
from hwverify.run.task import Task
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.system import TransitionSystem

ROOT = Path(__file__).resolve().parent.parent
BTOR2 = sorted(glob.glob(str(ROOT / "designs" / "btor2" / "*.btor2")))
NOT_K_INDUCTIVE = sorted((ROOT / "designs" / "verilog" / "pdr").glob("*.v"))
VERILOG = [ROOT / "designs" / "verilog" / f"{n}.v" for n in ("counter", "counter_bug", "fifo", "fifo_bug",
                                                               "pipe_mul", "pipe_mul_bug", "sat_counter_bug")]

needs_icarus = pytest.mark.skipif(not have_iverilog(), reason="pyverilog preprocesses with Icarus")


def expectation(path: Path | str) -> str:
    m = re.search(r"^\W*expect:\s*(pass|fail)", Path(path).read_text()[:3000], re.M)
    assert m, f"{path}: no expect header"
    return m.group(1)


def top_of(path: Path) -> str:
    src = path.read_text()
    m = re.search(r"^//\s*top:\s*(\w+)", src, re.M)
    return m.group(1) if m else re.findall(r"^\s*module\s+(\w+)", src, re.M)[-1]


def checked(system: TransitionSystem, timeout: float | None = 60.0, bound: int = 20, **kw) -> list:
    """kind-pdr's verdicts, each PASS and FAIL re-checked by the kernel."""
    result = KindPDR(system, EngineOptions(timeout=timeout), **kw).check(bound)
    for p in result.properties:
        if p.status == PASS:
            report = check_certificate(system, p.certificate)
            assert report.ok, str(report)
        elif p.status == FAIL:
            report = check_trace(system, p.trace)
            assert report.ok, str(report)
    return result.properties


def cross_check(system: TransitionSystem, timeout: float = 60.0, **kw) -> list[str]:
    """kind-pdr against BMC (depths) and k-induction (no contradiction); the statuses."""
    props = checked(system, timeout, **kw)
    assert all(p.status in (PASS, FAIL) for p in props), [(p.name, p.status, p.reason) for p in props]
    bmc = {p.name: p for p in BMC(system).check(max([p.depth for p in props if p.status == FAIL] + [12])).properties}
    kind = {p.name: p for p in KInduction(system).check(8).properties}
    for p in props:
        if p.status == PASS:
            assert bmc[p.name].status == PASS, f"BMC refutes kind-pdr's PASS of {p.name} at {bmc[p.name].depth}"
            assert kind[p.name].status != FAIL, f"k-induction refutes kind-pdr's PASS of {p.name}"
        else:
            assert bmc[p.name].status == FAIL and bmc[p.name].depth <= p.depth
            assert kind[p.name].status != PASS, f"k-induction proves {p.name}, kind-pdr refutes it"
    return [p.status for p in props]


def overall(statuses: list[str]) -> str:
    return "fail" if FAIL in statuses else "pass"


@pytest.mark.parametrize("path", BTOR2, ids=os.path.basename)
def test_bundled_btor2_designs(path):
    assert overall(cross_check(read_btor2_file(path))) == expectation(path)


@needs_icarus
@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.slow) if p.stem == "twin_counters" else p
                                  for p in NOT_K_INDUCTIVE + VERILOG], ids=lambda p: p.stem)
def test_bundled_verilog_designs(path):
    """Verdicts as expected; FAIL traces replay in Icarus too. (twin_counters takes IC3 over 10 s: slow.)"""
    system = load_system([str(path)], top=top_of(path))
    props = checked(system)
    assert overall(cross_check(system)) == expectation(path)
    traces = [p.trace for p in props if p.status == FAIL]
    if traces:
        outcomes = replay_system(system, traces, {"files": [str(path)], "top": top_of(path)})
        assert outcomes and all(o.status == REPRODUCED for o in outcomes), [o.summary() for o in outcomes]


@needs_icarus
@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.slow) if p.stem == "twin_counters" else p
                                  for p in NOT_K_INDUCTIVE], ids=lambda p: p.stem)
def test_one_ic3_frame_per_round(path):
    """IC3 opening one frame per round: the strengthened induction runs between frames; the verdict stays."""
    system = load_system([str(path)], top=top_of(path))
    assert [p.status for p in checked(system, frames_per_round=1)] == [PASS]


def test_random_systems_agree_with_bmc_and_k_induction():
    statuses = [s for seed in range(60) for s in cross_check(random_system_mixed(seed), frames_per_round=1)]
    assert statuses.count(PASS) >= 8 and statuses.count(FAIL) >= 4, statuses


def mul_count(width: int = 8, wrap: int = 11) -> TransitionSystem:
    """A 3-stage pipelined multiplier checked against its inputs 3 cycles back, next to a mod-12 counter.

    The assertion (product right and counter never 13) is not k-inductive for
    any k (from the unreachable count 12 the counter steps to 13), and the
    multiplier makes bit-level IC3 slow; with IC3's clause ``~(c3 & c2)``
    (count < 12) it is 3-inductive.
    """
    s = TransitionSystem("mul_count")
    en, a, b = s.add_input("en", 1), s.add_input("a", width), s.add_input("b", width)
    c = s.add_state("c", 4, init=T.const(0, 4))
    s.set_next(c, T.ite(en, T.ite(T.eq(c, T.const(wrap, 4)), T.const(0, 4), T.add(c, T.const(1, 4))), c))
    a1, b1 = s.add_state("a1", width), s.add_state("b1", width)
    m2, p = s.add_state("m2", 2 * width), s.add_state("p", 2 * width)
    s.set_next(a1, a)
    s.set_next(b1, b)
    s.set_next(m2, T.mul(T.zext(a1, width), T.zext(b1, width)))
    s.set_next(p, m2)
    ha = [s.add_state(f"ha{i}", width) for i in range(3)]
    hb = [s.add_state(f"hb{i}", width) for i in range(3)]
    for h, src in ((ha, a), (hb, b)):
        s.set_next(h[0], src)
        s.set_next(h[1], h[0])
        s.set_next(h[2], h[1])
    age = s.add_state("age", 2, init=T.const(0, 2))
    s.set_next(age, T.ite(T.eq(age, T.const(3, 2)), age, T.add(age, T.const(1, 2))))
    product = T.or_(T.ne(age, T.const(3, 2)), T.eq(p, T.mul(T.zext(ha[2], width), T.zext(hb[2], width))))
    s.add_assert("mul_and_count", T.and_(product, T.ne(c, T.const(13, 4))))
    return s


def test_lemmas_make_k_induction_prove_what_neither_proves_alone():
    system = mul_count()
    p = checked(system)[0]
    assert p.status == PASS and p.certificate.method == METHOD and p.certificate.k > 1, p.reason
    assert len(p.certificate.invariant) > 1
    assert KInduction(system, EngineOptions(timeout=60)).check(12).properties[0].status == UNKNOWN
    # the lemmas carry the proof: the same depth without them is rejected by the kernel
    bare = Certificate(p.name, [system.asserts[0].term], p.certificate.k, p.certificate.simple_path,
                       "tampered", p.certificate.solver, simple_path_vars=p.certificate.simple_path_vars)
    assert not check_certificate(system, bare).ok


def test_failing_variant_gives_a_minimal_trace():
    """The same design whose counter wraps at 15: 13 is reached at step 13, found by the BMC base case."""
    system = mul_count(wrap=15)
    p = checked(system)[0]
    assert p.status == FAIL and p.depth == 13


def _counter(width: int = 24, wrap: int = 5_000_000, bad: int = 4_000_000) -> TransitionSystem:
    s = TransitionSystem("counter")
    en = s.add_input("en", 1)
    c = s.add_state("c", width, init=T.const(0, width))
    s.set_next(c, T.ite(en, T.ite(T.eq(c, T.const(wrap, width)), T.const(0, width), T.add(c, T.const(1, width))), c))
    s.add_assert("never_bad", T.ne(c, T.const(bad, width)))
    return s


def test_without_a_time_limit_the_depth_caps_the_run():
    p = KindPDR(_counter()).check(3).properties[0]
    assert p.status == UNKNOWN and p.depth == 3, (p.status, p.reason)
    assert "no counterexample up to step 3" in p.reason


def test_timeout_says_how_far_it_got():
    p = KindPDR(_counter(), EngineOptions(timeout=1.0)).check(1000).properties[0]
    assert p.status == TIMEOUT and "no counterexample up to step" in p.reason


@needs_icarus
@pytest.mark.skipif("kind-pdr" not in ENGINES, reason="kind-pdr is not registered")
def test_through_the_run_layer_with_replay():
    path = ROOT / "designs" / "verilog" / "counter_bug.v"
    run = verify(Task(design=[str(path)], top=top_of(path), engine="kind-pdr", timeout=60))
    assert run.status == FAIL and all(p.checked for p in run.properties if p.status == FAIL)
    outcomes = replay_run(run, {"files": [str(path)], "top": top_of(path)}, out=open(os.devnull, "w"))
    assert outcomes and all(o.status == REPRODUCED for o in outcomes)
    path = ROOT / "designs" / "btor2" / "counter_inductive.btor2"
    run = verify(Task(design=[str(path)], engine="kind-pdr", timeout=60))
    assert run.status == PASS and all(p.checked for p in run.properties)
