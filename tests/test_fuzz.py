"""The soundness campaign (``hwverify fuzz``): oracles, shrinking, faults, bad inputs.

* a small fixed-seed campaign of every layer must find no mismatch;
* an injected evaluator bug is found, shrunk to a tiny DAG, saved and replayed;
* fake solver back ends that answer garbage, raise, claim UNSAT/SAT falsely or
  hang never yield a checked PASS/FAIL;
* every file in ``tests/bad_inputs`` gives exit 16, its expected one-line
  error and no traceback from the real CLI.
"""
from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys
import time

import pytest

from hwverify.cli import main
from hwverify.errors import ProverError
from hwverify.fuzz import oracle_terms, run_campaign
from hwverify.fuzz.campaign import replay
from hwverify.fuzz.gen_systems import random_system
from hwverify.fuzz.oracle_terms import TermCase
from hwverify.fuzz.shrink import shrink_system, shrink_terms
from hwverify.prover.bmc import BMC
from hwverify.prover.kind import KInduction
from hwverify.prover.result import ERROR, FAIL, PASS, TIMEOUT, UNKNOWN, EngineOptions
from hwverify.prover.solvers import SAT, UNSAT, register
from hwverify.semantics import terms as T
from hwverify.formats.btor2 import write_btor2
from tests.fake_solvers import BitwuzlaInDisguise

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BAD = os.path.join(ROOT, "tests", "bad_inputs")


# ------------------------------------------------------------------ campaign
@pytest.mark.parametrize("layer,cases", [("terms", 60), ("engines", 16), ("equiv", 40)])
def test_small_campaign_finds_no_mismatch(layer, cases, tmp_path):
    s = run_campaign(cases, seed=7, layers=[layer], out_dir=str(tmp_path))
    assert s.cases == cases
    assert s.mismatches == 0, s.details


def test_thorough_terms_every_solver_and_parser(tmp_path):
    s = run_campaign(8, seed=3, layers=["terms"], out_dir=str(tmp_path), thorough=True)
    assert (s.cases, s.mismatches) == (8, 0), s.details


def test_cli_prints_one_summary_line(tmp_path):
    r = subprocess.run([sys.executable, "-m", "hwverify.cli", "fuzz", "--cases", "6", "--seed", "2",
                        "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "fuzz: 6 cases, 0 mismatches\n"


def test_time_budget_stops_early(tmp_path):
    s = run_campaign(10_000, seed=1, layers=["terms"], time_budget=0.5, out_dir=str(tmp_path))
    assert 0 < s.cases < 10_000


# ----------------------------------------------------------- frontends layer
def _need_frontend_tools():
    from hwverify.fuzz.oracle_frontends import available_tools
    tools = available_tools()
    if "icarus" not in tools:
        pytest.skip("the frontends layer needs Icarus Verilog")
    return tools


def test_frontends_campaign_finds_no_mismatch(tmp_path):
    tools = _need_frontend_tools()
    s = run_campaign(6 if "yosys" in tools else 10, seed=5, layers=["frontends"], out_dir=str(tmp_path))
    assert s.cases and s.mismatches == 0, s.details


def test_generated_verilog_is_accepted_by_icarus(tmp_path):
    _need_frontend_tools()
    from hwverify.fuzz.gen_verilog import random_design
    for seed in range(15):
        src = tmp_path / f"g{seed}.v"
        src.write_text(random_design(seed).render())
        r = subprocess.run(["iverilog", "-g2005", "-o", os.devnull, "-s", "top", str(src)],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


def _buggy_lower(real):
    """lower_verilog with a planted bug: every unsigned remainder becomes a division."""
    def lower(tool, path, top):
        system = real(tool, path, top)
        if tool != "pyverilog":
            return system
        roots = list(system.next.values()) + list(system.signals.values())
        swap = {n: T.apply("udiv", n.args, n.params) for n in T.postorder(roots) if n.op == "urem"}
        if swap:
            nxt = T.substitute_all(list(system.next.values()), swap)
            system.next = dict(zip(system.next, nxt))
            sig = T.substitute_all(list(system.signals.values()), swap)
            system.signals = dict(zip(system.signals, sig))
        return system
    return lower


def test_frontends_injected_bug_is_found_shrunk_and_replayed(tmp_path, monkeypatch):
    _need_frontend_tools()
    from hwverify.fuzz import oracle_frontends as OF
    from hwverify.fuzz.campaign import save_case
    monkeypatch.setattr(OF, "_lower", _buggy_lower(OF._lower))
    case = found = None
    for i in range(40):
        c = OF.VerilogCase(OF.random_design(1000 + i, size=3), seed=i, cycles=24)
        if "%" in c.source():
            found = OF.check(c, ["pyverilog", "icarus"])
            if found:
                case = c
                break
    assert case is not None, "no generated design exposed the planted bug"
    assert found[0].startswith("pyverilog-vs-icarus")
    small = OF.shrink(case, found, budget=60)
    assert small.size() < case.size()
    assert "%" in small.source()
    path = save_case(str(tmp_path), "frontends", 0, 0, small, OF.check(small, ["pyverilog", "icarus"]), [])
    assert replay(path)       # still fails while the bug is in
    monkeypatch.undo()
    assert not [m for m in replay(path) if m.startswith("pyverilog")]   # and passes once it is fixed


# --------------------------------------------- injected bug: find, shrink, save, replay
def _buggy_compile(real):
    """compile_terms with a planted bug: smod results are off by one."""
    def compile_terms(terms, variables):
        fn = real(terms, variables)
        bad = [any(n.op == "smod" for n in T.postorder([t])) for t in terms]

        def run(vals):
            return tuple((v ^ 1) if b and isinstance(v, int) else v for v, b in zip(fn(vals), bad))
        return run
    return compile_terms


def test_injected_bug_is_found_shrunk_saved_and_replayed(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(oracle_terms, "compile_terms", _buggy_compile(oracle_terms.compile_terms))
    rc = main(["fuzz", "--layer", "terms", "--cases", "40", "--seed", "11", "--out", str(tmp_path)])
    out = capsys.readouterr().out.strip().splitlines()
    assert rc == 2
    assert len(out) == 1 and re.fullmatch(r"fuzz: 40 cases, [1-9]\d* mismatches", out[0])
    saved = sorted(glob.glob(str(tmp_path / "terms-*")))
    assert saved
    case = TermCase.from_json(json.load(open(os.path.join(saved[0], "case.json"))))
    assert case.size() <= 4, [T.to_str(t) for t in case.terms]  # e.g. (smod c1 c2) or (smod x c)
    assert any(n.op == "smod" for n in T.postorder(case.terms))
    assert "hwverify fuzz --replay" in open(os.path.join(saved[0], "replay.sh")).read()
    assert replay(saved[0])  # still fails while the bug is in
    monkeypatch.undo()
    assert replay(saved[0]) == []  # and passes once it is fixed


def test_equiv_injected_unsound_engine_is_caught_shrunk_and_replayed(tmp_path, monkeypatch):
    """An equivalence engine that ignores what simulation saw and claims every output follows is caught."""
    from hwverify.prover.equiv import EquivEngine
    simulate = EquivEngine._simulate
    monkeypatch.setattr(EquivEngine, "_simulate", lambda self, props: (simulate(self, props)[0], {}))
    monkeypatch.setattr(EquivEngine, "_implied", lambda self, eqs, prop, deadline: True)
    s = run_campaign(12, seed=5, layers=["equiv"], out_dir=str(tmp_path))
    assert s.mismatches > 0
    assert any("CRITICAL" in d or "kernel rejects the PASS certificate" in d for d in s.details), s.details
    saved = sorted(glob.glob(str(tmp_path / "equiv-*")))
    assert saved and os.path.exists(os.path.join(saved[0], "case.btor2"))
    meta = json.load(open(os.path.join(saved[0], "meta.json")))
    assert meta["kind"] in ("rewrite", "mutant")
    assert replay(saved[0])
    monkeypatch.undo()
    assert replay(saved[0]) == []


def _default_seed_equiv_case_9():
    """Case 9 of ``hwverify fuzz`` (seed 0): a rewrite whose initial state breaks its constraints, so
    simulation sees no run and the correspondence offers a single equality; its outputs are only
    inductive together (k-induction proves them at k=1)."""
    import random
    from hwverify.fuzz import oracle_equiv
    return oracle_equiv.generate(random.Random("0:equiv:9"), 9)


def test_equiv_proves_outputs_that_need_each_other():
    from hwverify.fuzz import oracle_equiv
    from hwverify.prover.solvers import available_solvers
    case = _default_seed_equiv_case_9()
    assert case.kind == "rewrite"
    assert oracle_equiv.check(case, available_solvers(), rotation=9) == []


def test_finding_kinds_keep_unknowns_apart_from_mismatches():
    from hwverify.fuzz.campaign import Summary, split_findings
    from hwverify.fuzz.oracle_equiv import failure_kind, shrinkable
    from hwverify.fuzz.shrink import same_failure
    label = "equiv[cvc5] on a rewrite (semantics-preserving rewrite)"
    unknown = (f"UNKNOWN {label}: could not prove s0 of a semantics-preserving rewrite (not 11-inductive); "
               f"k-induction proves it (kind[z3], k=2, kernel-checked)")
    differs = f"{label}: a rewrite differs on s3 at cycle 0"
    critical = f"CRITICAL {label}: PASS on s1 contradicted by bmc[z3] at depth 2"
    assert split_findings([unknown, differs]) == ([differs], [unknown])
    # the shrinker's predicate: the bug of issue 11 kept a candidate whose UNKNOWN had become a FAIL
    assert not same_failure([unknown], failure_kind)([differs])
    assert same_failure([unknown], failure_kind)([unknown.replace("s0", "out0")])
    assert not same_failure([critical], failure_kind)([differs, unknown])
    assert same_failure([critical], failure_kind)([critical.replace("depth 2", "depth 0")])
    assert not shrinkable([differs]) and shrinkable([unknown]) and shrinkable([critical])
    assert Summary(cases=50, unknowns=1).line() == "fuzz: 50 cases, 0 mismatches, 1 unknown (not soundness mismatches)"
    assert Summary(cases=6).line() == "fuzz: 6 cases, 0 mismatches"


@pytest.mark.slow
def test_equiv_unknown_is_reported_apart_and_shrinks_to_an_unknown(tmp_path, monkeypatch):
    """With the joint step switched off case 9 is an UNKNOWN again: not a mismatch, counted apart, shrunk
    to a smaller miter that is still an UNKNOWN k-induction proves (never a FAIL of a broken rewrite)."""
    from hwverify.fuzz import campaign
    from hwverify.prover.equiv import EquivEngine
    from hwverify.prover.solvers import available_solvers
    monkeypatch.setattr(EquivEngine, "_joint_step", lambda self, *a: None)
    monkeypatch.setattr(campaign, "SHRINK_SECONDS", 40.0)
    case = _default_seed_equiv_case_9()
    solvers = available_solvers()
    found = campaign.check_case("equiv", case, solvers, 9)
    mismatches, unknowns = campaign.split_findings(found)
    assert mismatches == [] and unknowns, found
    assert all("k-induction proves it" in m for m in unknowns), unknowns
    small, again = campaign.shrink_case("equiv", case, found, solvers, 9)
    assert small.size() < case.size()
    mismatches, unknowns = campaign.split_findings(again)
    assert mismatches == [] and unknowns and all("k-induction proves it" in m for m in unknowns), again
    path = campaign.save_case(str(tmp_path), "equiv", 0, 9, small, again, solvers)
    meta = json.load(open(os.path.join(path, "meta.json")))
    assert meta["mismatches"] == [] and meta["unknowns"] == again
    assert main(["fuzz", "--replay", path]) == 4     # only unknowns: exit 4, not 2
    monkeypatch.undo()
    assert main(["fuzz", "--replay", path]) == 0     # the joint step decides it


def test_rewrites_keep_behaviour_and_mutants_change_one_thing():
    import random
    from hwverify.fuzz.gen_systems import random_system_mixed
    from hwverify.fuzz.rewrite import mutate_system, rewrite_system
    from hwverify.prover.miter import build_miter
    from hwverify.semantics.evaluate import CompiledSystem
    inverted = 0
    for seed in range(40):
        a = random_system_mixed(seed)
        names = [n for n in a.signals if n not in {v.name for v in a.inputs}]
        b = rewrite_system(a, random.Random(seed))
        inverted += any(v.name.endswith("_inv") for v in b.states)
        miter = CompiledSystem(build_miter(a, b, outputs=names))
        for run in range(3):
            assert miter.simulate(30, random.Random(run)).failures == {}, seed
        mutant = mutate_system(a, random.Random(seed))
        if mutant is not None:
            m, what = mutant
            assert " -> " in what and " in " in what
            changed = [s for s in a.states if a.next.get(s) is not m.next.get(s)]
            assert len(changed) <= 1
    assert inverted >= 5      # the register re-encoding is exercised, not just term identities


def test_shrink_terms_keeps_the_property():
    x = T.var("x8", T.BV(8))
    big = T.add(T.mul(T.smod(x, T.const(3, 8)), T.add(x, T.const(1, 8))), T.xor(x, T.const(5, 8)))
    case = TermCase([big, T.not_(x)], {x: 200})
    small = shrink_terms(case, lambda c: any(n.op == "smod" for n in T.postorder(c.terms)))
    assert small.size() <= 3 and len(small.terms) == 1


def test_shrink_system_keeps_a_failure():
    system = next(s for s in (random_system(i, n_states=4, depth=4) for i in range(100))
                  if KInduction(s).check(6).properties[0].status == FAIL)
    fails = lambda s: KInduction(s).check(6).properties[0].status == FAIL  # noqa: E731
    small = shrink_system(system, fails)
    assert fails(small)
    assert len(write_btor2(small)) <= len(write_btor2(system))
    assert len(small.states) + len(small.inputs) <= len(system.states) + len(system.inputs)


# ------------------------------------------------------------- fault injection
class _Fault(BitwuzlaInDisguise):
    """A back end that behaves like bitwuzla except where ``mode`` says otherwise."""

    mode = "garbage"

    def value(self, t):
        return 0 if self.mode == "sat-zero-model" else super().value(t)

    def check(self, assumptions=()):
        if self.mode == "garbage":
            return "banana"
        if self.mode == "crash":
            raise ProverError("solver process died (signal 9)")
        if self.mode == "raise":
            raise RuntimeError("native library error")
        if self.mode == "always-unsat":
            return UNSAT
        if self.mode == "sat-zero-model":
            return SAT
        if self.mode == "hang":  # ignores its time limit, then gives up
            time.sleep(1.0)
            self.last_reason = "timeout"
            return "unknown"
        raise AssertionError(self.mode)


MODES = ("garbage", "crash", "raise", "always-unsat", "sat-zero-model", "hang")
for _m in MODES:
    register(f"test-fault-{_m}", type(f"Fault_{_m}", (_Fault,), {"mode": _m}))


def _fails_at_3():
    from hwverify.semantics.system import TransitionSystem
    s = TransitionSystem("cnt")
    c = s.add_state("c", 3, init=T.const(0, 3))
    s.set_next(c, T.add(c, T.const(1, 3)))
    s.add_assert("never3", T.ne(c, T.const(3, 3)))
    return s


def _holds():
    from hwverify.semantics.system import TransitionSystem
    s = TransitionSystem("hold")
    c = s.add_state("c", 3, init=T.const(0, 3))
    s.set_next(c, c)
    s.add_assert("zero", T.eq(c, T.const(0, 3)))
    return s


@pytest.mark.parametrize("mode", ["garbage", "crash", "hang"])
@pytest.mark.parametrize("engine", [BMC, KInduction])
def test_faulty_solver_gives_no_verdict(mode, engine):
    r = engine(_fails_at_3(), EngineOptions(solver=f"test-fault-{mode}", timeout=0.5)).check(5).properties[0]
    assert r.status in (UNKNOWN, ERROR, TIMEOUT)


@pytest.mark.parametrize("mode", ["crash", "hang"])
def test_faulty_solver_reason_is_given(mode):
    r = BMC(_fails_at_3(), EngineOptions(solver=f"test-fault-{mode}", timeout=0.5)).check(5).properties[0]
    assert r.reason


def test_garbage_answer_has_a_reason():
    r = BMC(_fails_at_3(), EngineOptions(solver="test-fault-garbage")).check(5).properties[0]
    assert r.status in (UNKNOWN, ERROR) and r.reason


def test_raising_solver_becomes_error():
    r = BMC(_fails_at_3(), EngineOptions(solver="test-fault-raise")).check(5).properties[0]
    assert r.status == ERROR and "native library error" in r.reason


@pytest.mark.parametrize("mode,system,engine", [
    ("always-unsat", _fails_at_3, "kind"),   # a bogus proof: the kernel (another solver) rejects it
    ("always-unsat", _fails_at_3, "bmc"),    # a bogus bounded proof
    ("sat-zero-model", _holds, "bmc"),       # a bogus counterexample: replay rejects it
    ("raise", _fails_at_3, "bmc"),           # a crash: one-line internal error
])
def test_cli_never_reports_a_verdict_from_a_lying_solver(mode, system, engine, tmp_path, capsys):
    path = tmp_path / "d.btor2"
    path.write_text(write_btor2(system()))
    rc = main(["prove" if engine == "kind" else "bmc", str(path), "--engine", engine, "--depth", "6",
               "--solver", f"test-fault-{mode}"])
    captured = capsys.readouterr()
    assert rc == 16, captured.out + captured.err
    assert "Traceback" not in captured.err


# In-process (as here) a back end stuck inside a native call that ignores its time limit cannot be
# interrupted, so the 'hang' fake returns on its own after 1 s and the engine then reports TIMEOUT. The CLI
# runs engines in worker processes that are killed at the limit: tests/test_worker.py injects those faults.


# ------------------------------------------------------------ bad-input corpus
def _bad_inputs():
    return sorted(p for p in glob.glob(os.path.join(BAD, "*")) if not p.endswith((".expected", ".md")))


@pytest.mark.parametrize("path", _bad_inputs(), ids=os.path.basename)
def test_bad_input_corpus(path):
    if path.endswith(".v"):
        from hwverify.cosim.icarus import have_iverilog
        if not have_iverilog():
            pytest.skip("the pyverilog frontend needs Icarus Verilog")
    expected = open(path + ".expected").read().strip()
    command = ["run", path] if path.endswith(".toml") else ["bmc", path, "--top", "m"]
    r = subprocess.run([sys.executable, "-m", "hwverify.cli", *command],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 16, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    assert expected in lines[0], lines[0]


# ------------------------------------------------------------------ the long run
@pytest.mark.slow
def test_campaign_terms_8000(tmp_path):
    s = run_campaign(8000, seed=20240, layers=["terms"], out_dir=str(tmp_path))
    assert (s.cases, s.mismatches) == (8000, 0), s.details[:20]


@pytest.mark.slow
def test_campaign_frontends_300(tmp_path):
    _need_frontend_tools()
    s = run_campaign(300, seed=20240, layers=["frontends"], out_dir=str(tmp_path))
    assert (s.cases, s.mismatches) == (300, 0), s.details[:20]


@pytest.mark.slow
def test_campaign_equiv_1000(tmp_path):
    s = run_campaign(1000, seed=20240, layers=["equiv"], out_dir=str(tmp_path))
    assert (s.cases, s.mismatches) == (1000, 0), s.details[:20]


@pytest.mark.slow
def test_campaign_engines_2000(tmp_path):
    s = run_campaign(2000, seed=20240, layers=["engines"], out_dir=str(tmp_path))
    assert (s.cases, s.mismatches) == (2000, 0), s.details[:20]
