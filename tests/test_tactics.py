"""The tactic layer: proof state, CTIs, Houdini, proof scripts, and UNKNOWN explained.

Every PASS here is backed by certificates the kernel re-checks (through
``verify`` or ``ProofSession.check``); every FAIL by a trace the kernel replays.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from hwverify.cli import main
from hwverify.errors import FrontendError
from hwverify.frontend.load import load_system
from hwverify.frontend.properties import parse_property
from hwverify.prover.solvers import UNSAT, make_solver
from hwverify.prover.tactics import ProofSession, TacticError
from hwverify.prover.tactics.houdini import houdini, mine_candidates
from hwverify.prover.tactics.sample import sample_reachable
from hwverify.prover.tactics.script import parse_script
from hwverify.run.session import verify
from hwverify.run.task import Task
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem

ROOT = Path(__file__).resolve().parent.parent
PROOFS = ROOT / "designs" / "proofs"
STALLED = ["lockstep", "fifo_count", "shift_pair"]


def _load(name: str) -> TransitionSystem:
    return load_system([str(PROOFS / f"{name}.v")], top=name)


@pytest.fixture(scope="module")
def systems() -> dict[str, TransitionSystem]:
    return {name: _load(name) for name in STALLED + ["reset_counter"]}


# ------------------------------------------------------------------ proof state and CTI
def test_failed_induction_shows_a_cti_of_named_registers_with_the_violation_marked(systems):
    session = ProofSession(systems["lockstep"])
    view = session.induct(1)
    assert not view.ok and "not 1-inductive" in view.message
    cti = view.cti
    assert cti is not None and cti.k == 1
    regs = {r.name: r for r in cti.registers}
    assert set(regs) == {"a", "b"}
    a, b = regs["a"].values, regs["b"].values
    assert a[1] == 3 and b[1] == 5 and a[1] - a[0] == 1            # frame 1 is the bad state (3, 5)
    assert cti.violated == ["assert_L22"]
    claim = next(r for r in cti.rows if r.kind == "claim")
    assert claim.values == [True, False] and claim.marks == {1: "violated"}
    # a != b is unreachable, and houdini proves it: both registers marked, the lemma suggested
    assert regs["a"].marks[0] == "unreachable" and "a == b" in cti.blocked_by
    assert any(h.endswith(": a == b") and h.startswith("lemma ") for h in session.state.hints)
    text = str(view)
    assert "counterexample to 1-induction" in text and "0002*" in text and "✗" in text
    html = view._repr_html_()
    assert "<table>" in html and "0003" in html and "violated" in html
    assert session.state.steps == []            # a failed tactic is not a step of the proof


def test_lemma_then_induct_is_the_issue_example_and_the_kernel_checks_it(systems):
    session = ProofSession(systems["lockstep"])
    session.lemma("eq", "a == b")
    assert [g.claim for g in session.state.goals] == ["eq", "assert_L22"]
    view = session.induct(1)
    assert view.ok and session.complete and session.proven() == ["assert_L22"]
    cert = session.certificates()["assert_L22"]
    assert cert.k == 1 and len(cert.invariant) == 2 and cert.lemmas[0] == "eq: a == b"
    reports = session.check()
    assert [r.ok for r in reports] == [True]
    assert session.script() == "lemma eq: a == b\ninduct 1\n"


def test_undo_strengthen_and_case_split(systems):
    session = ProofSession(systems["lockstep"])
    session.strengthen("a == b")
    session.case("en")
    assert [g.label() for g in session.state.goals] == ["assert_L22 [case en]", "assert_L22 [case !(en)]"]
    view = session.induct(1)                     # closes both cases, then the claim
    assert view.ok and session.complete
    assert all(r.ok for r in session.check())
    session.undo()
    assert len(session.state.goals) == 2 and not session.proven()
    session.undo()
    session.undo()
    assert session.state.claims["assert_L22"].strengthen == [] and len(session.state.goals) == 1
    assert not session.undo().ok                 # nothing left to undo


def test_a_false_lemma_is_refused_with_a_reason(systems):
    session = ProofSession(systems["lockstep"])
    session.lemma("wrong", "a == 16'd0")
    view = session.induct(1)                     # holds in frame 0, not 1-inductive
    assert not view.ok and "wrong is not 1-inductive" in view.message and "unroll" in view.state.hints[-1]
    view = session.unroll(3)                     # a run from reset: a is 1 after one step
    assert not view.ok and "lemma wrong is false" in view.message and "step 1" in view.message
    with pytest.raises(FrontendError, match="unknown signal 'c'"):
        session.lemma("bad", "c == a")
    with pytest.raises(TacticError, match="unknown tactic 'inductt'"):
        session.run("inductt 1")


def test_a_real_counterexample_refutes_the_assertion_and_replays_in_the_kernel(tmp_path):
    script = tmp_path / "p.hwp"
    script.write_text("induct 1\n")
    run = verify(Task(design=[str(PROOFS / "reset_counter.v")], top="reset_counter", script=str(script)))
    (p,) = run.properties
    assert p.status == "FAIL" and p.trace is not None and p.checked is True
    assert run.exit_code == 2


def test_assume_reset_proves_the_counter_that_has_no_initial_value(systems):
    session = ProofSession(systems["reset_counter"])
    session.assume_reset()
    assert session.state.assumptions == ["rst in cycle 0 (assume_reset)"]
    assert session.induct(1).ok
    assert all(r.ok for r in session.check())
    assert "_hwp_first_cycle" not in {v.name for v in systems["reset_counter"].states}   # caller's system kept


# ------------------------------------------------------------------ houdini
def test_houdini_candidates_parse_back_to_the_same_terms(systems):
    for name in ("fifo_count", "lockstep"):
        system = systems[name]
        candidates = mine_candidates(system, sample_reachable(system))
        assert candidates
        with make_solver("z3") as s:
            for c in candidates:
                parsed = parse_property(c.text, system)
                assert s.check([T.ne(parsed, c.term)]) == UNSAT, c.text


def test_houdini_drops_what_simulation_believed_but_induction_refutes():
    system = TransitionSystem("slow")
    en = system.add_input("en", 1)
    x = system.add_state("x", 16)
    system.set_init(x, T.const(0, 16))
    system.set_next(x, T.ite(en, T.add(x, T.const(1, 16)), x))
    system.add_assert("small", T.ult(x, T.const(60000, 16)))   # false: x reaches 60000 after 60000 steps
    candidates = mine_candidates(system, sample_reachable(system, runs=2, cycles=50))
    assert any(c.kind == "range" for c in candidates)            # simulation saw only small values
    result = houdini(system, candidates)
    assert not [c for c in result.survivors if c.kind == "range"] and result.dropped_step >= 1


@pytest.mark.parametrize("name", STALLED)
def test_auto_closes_the_stalled_proofs_with_houdini(name, systems):
    system = systems[name]
    stalled = verify(Task(system=system, engine="kind", depth=6, isolate=False))   # k-induction alone stalls
    assert stalled.status == "UNKNOWN" and "not 6-inductive" in stalled.properties[0].reason
    session = ProofSession(system, depth=6)
    view = session.auto()
    assert view.ok and session.complete, view.message
    assert "houdini" in view.message
    assert any(h.method == "houdini" for h in session.state.hyps)
    assert all(r.ok for r in session.check())


# ------------------------------------------------------------------ scripts and the CLI
BUNDLED = sorted(p.stem for p in PROOFS.glob("*.hwp") if not p.stem.endswith("_bad"))


@pytest.mark.parametrize("script", BUNDLED)
def test_bundled_scripts_prove_their_design_and_check_proof_accepts_them(script, tmp_path, capsys):
    design = next(d for d in (script, script.rsplit("_", 1)[0]) if (PROOFS / f"{d}.v").exists())
    out = tmp_path / "certs"
    code = main(["prove", str(PROOFS / f"{design}.v"), "--top", design, "--script", str(PROOFS / f"{script}.hwp"),
                 "--certificate", str(out), "--no-replay"] + (["--depth", "4"] if "auto" in script else []))
    text = capsys.readouterr().out
    assert code == 0, text
    assert "PASS" in text and "evidence checked by kernel" in text
    assert main(["check-proof", str(out)]) == 0
    assert "VERIFIED" in capsys.readouterr().out


def test_a_failing_script_names_its_line_and_shows_the_state_there(capsys):
    code = main(["prove", str(PROOFS / "lockstep.v"), "--top", "lockstep",
                 "--script", str(PROOFS / "lockstep_bad.hwp"), "--no-replay"])
    out = capsys.readouterr().out
    assert code == 4
    assert re.search(r"proof script stopped at .*lockstep_bad\.hwp:2: induct 1: assert_L22 is not 1-inductive", out)
    assert "counterexample to 1-induction" in out and re.search(r"a 'h\s+0002\*\s+0003\*", out)
    assert "next: lemma inv: a == b" in out


def test_script_errors_point_into_the_script(tmp_path, capsys):
    bad = tmp_path / "bad.hwp"
    bad.write_text("# comment\n\n  lemma eq: a == bb\n")
    assert main(["prove", str(PROOFS / "lockstep.v"), "--top", "lockstep", "--script", str(bad)]) == 16
    err = capsys.readouterr().err
    assert f"{bad}:3:" in err and "unknown signal 'bb'" in err
    column = int(re.search(rf"{re.escape(str(bad))}:3:(\d+)", err).group(1))
    assert "  lemma eq: a == bb"[column - 1:].startswith("bb")
    with pytest.raises(TacticError, match="unknown tactic 'prove'") as e:
        parse_script("induct 1\nprove it\n", "x.hwp")
    assert str(e.value.loc) == "x.hwp:2:1"
    assert main(["bmc", str(PROOFS / "lockstep.v"), "--top", "lockstep", "--script", "x"]) == 16


def test_unknown_prints_the_cti_writes_vcd_and_suggests_a_lemma(tmp_path, capsys):
    vcd = tmp_path / "cex.vcd"
    code = main(["prove", str(PROOFS / "fifo_count.v"), "--top", "fifo_count", "--depth", "2",
                 "--vcd", str(vcd), "--no-replay"])
    out = capsys.readouterr().out
    assert code == 4
    assert "why assert_L52 is UNKNOWN" in out and "counterexample to 2-induction" in out
    assert re.search(r"^\s+count 'h", out, re.M) and re.search(r"^\s+wptr 'h", out, re.M)
    assert "lemma inv: count == wptr - rptr" in out
    written = tmp_path / "cex_induct.vcd"
    assert written.exists() and "$var wire 5" in written.read_text() and " count " in written.read_text()
