"""``secure`` beyond the CLI: hwverify.toml tasks, ``hwverify.testing.secure``, conditional secrets, Icarus replay.

Every PASS asserted here carries a kernel-checked certificate, every FAIL a
kernel-replayed trace; replay in Icarus runs the design twice (runs a and b).
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hwverify.cli import main
from hwverify.cosim.command import design_record, replay_run
from hwverify.cosim.replay_batch import DISAGREE, REPRODUCED
from hwverify.cosim.replay_secure import replay_secure, split_runs
from hwverify.cosim.rtl import have_iverilog
from hwverify.errors import FrontendError
from hwverify.prover.selfcomp import self_compose
from hwverify.run.project import load_project, run_project
from hwverify.run.session import verify
from hwverify.run.task import Secure, Task
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.testing import secure

pytestmark = pytest.mark.skipif(not have_iverilog(), reason="pyverilog preprocesses with Icarus")

SECURE = Path(__file__).resolve().parent.parent / "designs" / "secure"
CIPHER = str(SECURE / "xor_cipher.v")
KEYSTORE = str(SECURE / "key_store.v")


def write(tmp_path, text: str) -> str:
    (tmp_path / "xor_cipher.v").write_text(Path(CIPHER).read_text())
    path = tmp_path / "hwverify.toml"
    path.write_text(textwrap.dedent(text))
    return str(path)


# ------------------------------------------------------------------ hwverify.toml
def test_project_secure_tasks_run_with_their_expected_verdicts(tmp_path) -> None:
    path = write(tmp_path, """
        [tasks.isolation]
        design = "xor_cipher.v"
        top = "xor_cipher"
        mode = "secure"
        secret = ["key"]
        public = ["dout", "busy", "done"]
        when = "!done"

        [tasks.leak]
        design = "xor_cipher.v"
        top = "xor_cipher"
        mode = "secure"
        defines = { LEAK = "1" }
        secret = ["key"]
        public = ["dout"]
        when = "!done"
        expect = "fail"

        [tasks.released]
        design = "xor_cipher.v"
        top = "xor_cipher"
        mode = "secure"
        secret = ["key"]
        public = ["dout", "busy", "done"]
        release = ["dout if done"]
        """)
    project = load_project(path)
    leak = project.tasks[1]
    assert leak.secure == Secure(["key"], ["dout"], when="!done") and leak.expect == ["FAIL"]
    code, runs = run_project(path)
    assert code == 0, [(r.task.name, r.status) for r in runs]
    isolation, leak_run, released = runs
    assert isolation.status == "PASS" and all(p.checked and p.certificate for p in isolation.properties)
    assert leak_run.status == "FAIL" and leak_run.properties[0].checked and leak_run.properties[0].depth == 1
    assert released.status == "PASS" and all(p.checked for p in released.properties)


@pytest.mark.parametrize("body, message", [
    ('mode = "secure"\npublic = ["dout"]', "mode secure needs 'secret'"),
    ('mode = "secure"\nsecret = ["key"]', "mode secure needs 'public'"),
    ('mode = "prove"\nsecret = ["key"]', "'secret' only makes sense with mode = \"secure\""),
    ('mode = "secure"\nsecret = "key"\npublic = ["dout"]', "secret must be a list"),
])
def test_project_secure_mistakes_name_the_line(tmp_path, body, message) -> None:
    path = write(tmp_path, '[tasks.t]\ndesign = "xor_cipher.v"\n' + body + "\n")
    with pytest.raises(FrontendError, match=message) as e:
        load_project(path)
    assert e.value.loc.line is not None


# ------------------------------------------------------------------ hwverify.testing
def test_testing_secure_passes_and_finds_the_planted_leak() -> None:
    result = secure(CIPHER, top="xor_cipher", secret=["key"], public=["dout", "busy", "done"], when="!done",
                    isolate=False)
    assert all(p.status == "PASS" and p.certificate is not None for p in result.properties)
    leak = secure(CIPHER, top="xor_cipher", secret=["key"], public=["dout"], when="!done", defines={"LEAK": "1"},
                  isolate=False, expect="fail")
    assert leak.properties[0].status == "FAIL" and leak.properties[0].depth == 1
    with pytest.raises(AssertionError, match=r"dout.*FAIL in step 1"):
        secure(CIPHER, top="xor_cipher", secret=["key"], public=["dout"], when="!done", defines={"LEAK": "1"},
               isolate=False)
    with pytest.raises(AssertionError, match="expected a leak, got PASS"):
        secure(CIPHER, top="xor_cipher", secret=["key"], public=["dout"], when="!done", isolate=False,
               expect="fail")


# ------------------------------------------------------------------ conditional secrets
def bus_register() -> TransitionSystem:
    """A register written from a bus: at address 1 the data is the key; ``out`` shows the register."""
    s = TransitionSystem("bus")
    we, addr, data = s.add_input("we", 1), s.add_input("addr", 2), s.add_input("data", 8)
    r = s.add_state("r", 8, init=T.const(0, 8))
    s.set_next(r, T.ite(we, data, r))
    s.signals.update(we=we, addr=addr, data=data, r=r, out=r, is_key=T.eq(addr, T.const(1, 2)))
    s.outputs = ["out"]
    return s


def test_conditional_secret_is_secret_only_under_its_condition() -> None:
    s = bus_register()
    m = self_compose(s, ["data"], ["out"], secret_when={"data": s.signals["is_key"]})
    assert {"data", "a.data", "b.data"} <= {v.name for v in m.inputs}
    # the register shows what was written: a key write leaks at the next step
    result = verify(Task(system=bus_register(), mode="secure", secure=Secure(["data if addr == 1"], ["out"]),
                         isolate=False))
    p = result.properties[0]
    assert p.status == "FAIL" and p.checked and p.depth == 1
    frame = p.trace.frames[0]
    assert frame["addr"] == 1 and frame["we"] == 1 and frame["a.data"] != frame["b.data"]
    # writes of the key go nowhere but the key register: never shown
    result = verify(Task(system=bus_register(), mode="secure", secure=Secure(["data if addr == 1"], ["out"]),
                         assumes=["addr == 1 -> !we"], isolate=False))
    assert result.status == "PASS" and result.properties[0].checked and result.properties[0].certificate


def test_conditional_secret_errors() -> None:
    s = bus_register()
    with pytest.raises(Exception, match="conditional secret must be an input"):
        self_compose(s, ["r"], ["out"], secret_when={"r": s.signals["is_key"]})
    result = verify(Task(system=bus_register(), mode="secure", secure=Secure(["data if nothere"], ["out"]),
                         isolate=False))
    assert result.status == "ERROR" and "nothere" in result.error.message


# ------------------------------------------------------------------ Icarus replay
def _failing(design: str, top: str, spec: Secure, **defines: str):
    task = Task(design=[design], top=top, mode="secure", secure=spec, defines=defines, isolate=False, depth=10)
    run = verify(task)
    assert run.status == "FAIL", run.status
    return task, run, [p for p in run.properties if p.status == "FAIL"]


def test_leak_replays_in_icarus_as_two_instances() -> None:
    task, run, failing = _failing(CIPHER, "xor_cipher", Secure(["key"], ["dout"], when="!done"), LEAK="1")
    outcome = replay_run(run, out=None)[0]
    assert outcome.status == REPRODUCED, outcome.message
    assert "in run a" in outcome.detail and "in run b" in outcome.detail
    assert outcome.signals == 2 * 7            # every register and output of both instances, every cycle


def test_weak_clear_replays_and_the_runs_split_as_the_design_saw_them() -> None:
    task, run, failing = _failing(KEYSTORE, "key_store", Secure(["key"], ["dout"], when="key_empty"),
                                  WEAK_CLEAR="1")
    a, b = split_runs(run.system, failing[0].trace)
    assert [f["din"] for f in a.frames] == [f["din"] for f in b.frames]       # public inputs shared
    assert a.frames[0]["key"] != b.frames[0]["key"]                           # secrets apart
    assert replay_secure(run.system, [failing[0].trace], design_record(task))[0].status == REPRODUCED


def test_replay_rejects_a_trace_whose_runs_do_not_differ_in_the_simulator() -> None:
    """Tampered evidence: run b given run a's key. Both instances follow the model, but the outputs agree."""
    task, run, failing = _failing(CIPHER, "xor_cipher", Secure(["key"], ["dout"], when="!done"), LEAK="1")
    trace = failing[0].trace
    for f in trace.frames:
        f["b.key"] = f["a.key"]
    for f in trace.frames:
        for n in [k for k in f if k.startswith("b.") and k != "b.key"]:
            del f[n]
    for f in trace.frames:
        for n in [k for k in f if k.startswith("a.") and k != "a.key"]:
            del f[n]
    outcome = replay_secure(run.system, [trace], design_record(task))[0]
    assert outcome.status == DISAGREE and "in both runs" in outcome.message


def test_cli_replays_the_leak_and_a_saved_trace_replays_again(tmp_path, capsys) -> None:
    trace = tmp_path / "leak.json"
    code = main(["secure", CIPHER, "--top", "xor_cipher", "-D", "LEAK", "--secret", "key", "--public", "dout",
                 "--when", "!done", "--trace-json", str(trace), "--no-cache"])
    out = capsys.readouterr().out
    assert code == 2 and "replay REPRODUCED dout at step 1 in Icarus" in out and "two instances" in out
    assert main(["replay", str(trace)]) == 0
    assert "replay REPRODUCED dout at step 1" in capsys.readouterr().out
