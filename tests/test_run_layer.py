"""The run layer: one path from a task to a checked verdict, and the CLI conventions built on it."""
from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hwverify.cli import main
from hwverify.errors import UsageError
from hwverify.prover.result import Mode, Status
from hwverify.report.outputs import safe_name, unique_names
from hwverify.run.session import verify
from hwverify.run.task import Task

ROOT = Path(__file__).resolve().parent.parent
COUNTER = str(ROOT / "designs" / "verilog" / "counter.v")
COUNTER_BUG = str(ROOT / "designs" / "verilog" / "counter_bug.v")
FIFO = str(ROOT / "designs" / "verilog" / "fifo.v")
HANDSHAKE_SBY = ROOT / "designs" / "sby" / "handshake_bug.sby"
ENGINE_CLASSES = {"BMC", "KInduction", "EquivEngine", "Portfolio", "Worker", "make_engine", "run_isolated"}
# where engines may be built: the run layer, and the registry/engines themselves
ENGINE_BUILDERS = ("hwverify/run/", "hwverify/prover/")

# A 32-bit counter whose only bad state is 2^32 - 1 steps away: BMC keeps going until stopped.
LONG_BTOR2 = """\
1 sort bitvec 32
2 zero 1
3 state 1 count
4 init 1 3 2
5 one 1
6 add 1 3 5
7 next 1 3 6
8 ones 1
9 sort bitvec 1
10 eq 9 3 8
11 bad 10
"""


# ------------------------------------------------------------------ verify()
def test_verify_runs_the_engine_in_a_worker_and_the_kernel_checks_it():
    run = verify(Task(design=[COUNTER_BUG], top="counter", mode=Mode.BMC, depth=12))
    assert run.status == Status.FAIL and run.exit_code == 2
    failing = [p for p in run.properties if p.status == Status.FAIL]
    assert failing and all(p.checked for p in failing) and failing[0].depth == 10
    assert run.engine_time > 0 and run.kernel_time > 0 and run.wall >= run.engine_time
    proven = verify(Task(design=[COUNTER], top="counter"))
    assert proven.status == Status.PASS and all(p.checked and p.certificate for p in proven.properties)


def test_verify_reports_user_errors_as_an_error_result(tmp_path):
    broken = tmp_path / "broken.v"
    broken.write_text("module m(input a);\n  assign = ;\nendmodule\n")
    run = verify(Task(design=[str(broken)], top="m"))
    assert run.status == Status.ERROR and run.exit_code == 16
    assert "broken.v:2" in str(run.error)
    bad = verify(Task(design=[COUNTER], top="counter", depth=-1))
    assert isinstance(bad.error, UsageError) and "negative" in bad.error.message


def test_task_validation_names_the_alternatives():
    with pytest.raises(UsageError, match="engine 'cover' cannot be used for prove"):
        Task(design=[COUNTER], engine="cover").validate()
    with pytest.raises(UsageError, match="unknown kernel solver"):
        Task(design=[COUNTER], kernel_solver="yices").validate()
    with pytest.raises(UsageError, match="--memory-limit needs an engine process"):
        Task(design=[COUNTER], engine="kind", memory_mb=500, isolate=False).validate()


def test_ctrl_c_during_the_engine_keeps_the_workers_from_outliving_it(tmp_path):
    path = tmp_path / "long.btor2"
    path.write_text(LONG_BTOR2)
    seen = []

    def progress(message: str) -> None:   # relayed from the worker; the user presses Ctrl-C here
        seen.append(message)
        if len(seen) == 3:
            raise KeyboardInterrupt

    run = verify(Task(design=[str(path)], mode=Mode.BMC, depth=10**6), progress=progress)
    assert run.interrupted and run.exit_code == 130
    assert [p.status for p in run.properties] == [Status.UNKNOWN]
    assert run.properties[0].reason == "interrupted"


# ------------------------------------------------------------------ architecture
def _constructs_engine(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else \
                node.func.attr if isinstance(node.func, ast.Attribute) else None
            if name in ENGINE_CLASSES:
                found.append(f"{name}() at line {node.lineno}")
    return found


def test_only_the_run_layer_builds_engines():
    offenders = {}
    for path in sorted((ROOT / "hwverify").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(ENGINE_BUILDERS):
            continue
        calls = _constructs_engine(ast.parse(path.read_text()))
        if calls:
            offenders[rel] = calls
    assert not offenders, f"engines built outside hwverify/run: {offenders}"


# ------------------------------------------------------------------ CLI conventions
@pytest.mark.parametrize("argv,needle", [
    (["prove", COUNTER, "--top", "counter", "--frobnicate"], "unrecognized arguments"),
    (["prove", COUNTER, "--top", "counter", "--depth", "-2"], "must not be negative"),
    (["prove", COUNTER, "--top", "counter", "--timeout", "-1"], "must not be negative"),
    (["prove", COUNTER, "--top", "counter", "--kernel-solver", "yices"], "invalid choice"),
    (["prove", COUNTER, "--top", "counter", "-I", "/no/such/folder"], "no such folder"),
    (["cover", COUNTER, "--top", "counter", "--certificate", "out"], "unrecognized arguments"),
    (["equiv", COUNTER, "--gate", COUNTER, "--assert", "count < 3"], "unrecognized arguments"),
    (["run", "x.toml", "-j", "0"], "must be at least 1"),
])
def test_usage_errors_are_one_line_and_exit_16(argv, needle, capsys):
    assert main(argv) == 16
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_version_bare_command_and_help_examples(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("hwverify ")
    assert main([]) == 0
    assert "usage: hwverify" in capsys.readouterr().out
    for command in ("prove", "bmc", "cover", "equiv", "run", "check-proof"):
        assert main([command, "--help"]) == 0
        text = capsys.readouterr().out
        assert "examples:" in text and text.count("hwverify ") >= 3, command


def test_json_is_printed_on_errors_too(tmp_path, capsys):
    assert main(["prove", str(tmp_path / "missing.v"), "--top", "m", "--json"]) == 16
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "ERROR" and "no such file" in out["message"] and out["location"]
    assert main(["bmc", COUNTER, "--depth", "x", "--json"]) == 16
    assert json.loads(capsys.readouterr().out)["status"] == "ERROR"


# ------------------------------------------------------------------ outputs
def test_sanitised_names():
    assert safe_name("count <= 8") == "count_le_8"
    names = unique_names(["count <= 8", "count<=8", "a.b[3]"])
    assert len(set(names.values())) == 3 and all(" " not in n and "<" not in n for n in names.values())


def test_unwritable_output_is_an_error_after_the_verdict(capsys):
    code = main(["bmc", COUNTER_BUG, "--top", "counter", "--depth", "12", "--vcd", "/proc/x.vcd"])
    out, err = capsys.readouterr()
    assert code == 16
    assert "FAIL" in out and "counterexample" in out            # the verdict is shown first
    assert err.strip().splitlines() == [line for line in err.strip().splitlines() if line.startswith("error:")]
    assert "cannot write /proc/x.vcd" in err


def test_trace_json_into_a_folder_path_is_a_clean_error(tmp_path, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    code = main(["bmc", COUNTER_BUG, "--top", "counter", "--depth", "12", "--trace-json", str(folder)])
    out, err = capsys.readouterr()
    assert code == 16 and "FAIL" in out and "cannot write" in err and "Traceback" not in err


def test_certificates_folder_round_trips_through_check_proof(tmp_path, capsys):
    out = tmp_path / "certs"
    assert main(["prove", FIFO, "--top", "fifo", "--assert", "count <= 8", "--certificate", str(out)]) == 0
    names = sorted(os.listdir(out))
    assert "count_le_8" in names and all(" " not in n for n in names)
    capsys.readouterr()
    assert main(["check-proof", str(out)]) == 0
    assert capsys.readouterr().out.count("VERIFIED") == len(names)
    assert main(["check-proof", str(out / "count_le_8")]) == 0


def test_failing_sby_task_writes_sby_layout_and_prints_its_table(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(HANDSHAKE_SBY)]) == 0       # expect fail
    out = capsys.readouterr().out
    assert "counterexample for" in out and "DONE (FAIL, rc=0)" in out
    work = tmp_path / "handshake_bug_bmc"
    assert (work / "status").read_text().split()[0] == "FAIL" and (work / "FAIL").exists()
    assert (work / "engine_0" / "trace.vcd").read_text().startswith("$date") or \
        "$var" in (work / "engine_0" / "trace.vcd").read_text()
    assert (work / "logfile.txt").read_text().strip().endswith("DONE (FAIL, rc=0)")


def test_unknown_sby_engine_is_named_with_what_runs_instead(tmp_path, monkeypatch, capsys):
    text = HANDSHAKE_SBY.read_text()
    sby = tmp_path / "hs.sby"
    files_at = text.index("[files]")
    head, files = text[:files_at], text[files_at:]
    files = "\n".join(line if not line.strip().endswith(".sv") else str(ROOT / "designs" / "sv" / line.strip())
                      for line in files.splitlines())
    head = head.replace("smtbmc", "abc pdr2000", 1) if "smtbmc" in head else head + "[engines]\nabc pdr2000\n"
    sby.write_text(head + files + "\n")
    monkeypatch.chdir(tmp_path)
    main(["run", str(sby)])
    out = capsys.readouterr().out
    assert "warning: unknown abc engine variant 'abc pdr2000" in out
    summary = out[out.index("summary:"):]
    assert "abc pdr2000" in summary and "runs instead" in summary


def test_project_failing_task_writes_vcd_and_json_under_dot_hwverify(tmp_path, monkeypatch, capsys):
    project = tmp_path / "p.toml"
    project.write_text(f'[tasks.bad]\ndesign = "{COUNTER_BUG}"\ntop = "counter"\nmode = "bmc"\ndepth = 12\n'
                       'expect = "fail"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(project)]) == 0
    assert "counterexample for" in capsys.readouterr().out
    written = sorted(p.name for p in (tmp_path / ".hwverify" / "p" / "bad").iterdir())
    assert any(n.endswith(".vcd") for n in written) and any(n.endswith(".json") for n in written)
    assert not (tmp_path / "hwverify_replay").exists()


# ------------------------------------------------------------------ Ctrl-C from a terminal
def _interrupt_after(argv: list[str], seconds: float, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.Popen([sys.executable, "-m", "hwverify.cli", *argv], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(seconds)
    os.killpg(proc.pid, signal.SIGINT)     # as a terminal does: the whole foreground group
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def test_ctrl_c_stops_every_worker_and_prints_what_was_decided(tmp_path):
    path = tmp_path / "long.btor2"
    path.write_text(LONG_BTOR2)
    r = _interrupt_after(["bmc", str(path), "--depth", "1000000"], 4.0, tmp_path)
    assert r.returncode == 130, r.stderr
    assert "UNKNOWN" in r.stdout and "interrupted" in r.stdout
    assert "Traceback" not in r.stderr


def test_ctrl_c_in_a_project_keeps_finished_tasks(tmp_path):
    long = tmp_path / "long.btor2"
    long.write_text(LONG_BTOR2)
    project = tmp_path / "p.toml"
    project.write_text(f'[tasks.quick]\ndesign = "{COUNTER}"\ntop = "counter"\n\n'
                       f'[tasks.slow]\ndesign = "long.btor2"\nmode = "bmc"\ndepth = 1000000\n')
    r = _interrupt_after(["run", str(project)], 6.0, tmp_path)
    assert r.returncode == 130, r.stdout + r.stderr
    summary = r.stdout[r.stdout.index("summary:"):]
    assert "quick" in summary and "PASS" in summary and "interrupted" in summary
    assert "Traceback" not in r.stderr


# ------------------------------------------------------------------ worker messages
def test_a_miter_job_crosses_the_worker_boundary_with_spawn():
    """The spawn start method pickles the job: a Miter (equivalence) must be allowed on the wire."""
    from hwverify.prover.result import EngineOptions
    from hwverify.run.session import load
    from hwverify.run.task import Gate
    from hwverify.run.worker import Job, decode, encode, run_isolated
    ref = str(ROOT / "designs" / "equiv" / "alu_ref.v")
    gate = str(ROOT / "designs" / "equiv" / "alu_shared.v")
    miter = load(Task(design=[ref], top="alu", mode=Mode.EQUIV, gate=Gate([gate])))
    job = decode(encode(Job(miter, "equiv", EngineOptions(), 5, Mode.EQUIV)))
    assert type(job.system).__name__ == "Miter" and job.system.compared == miter.compared
    result = run_isolated(miter, "equiv", EngineOptions(timeout=120), 5, Mode.EQUIV, start_method="spawn")
    assert result.status == Status.PASS


def test_public_api():
    import hwverify
    run = hwverify.verify(hwverify.Task(design=[COUNTER], top="counter", mode=hwverify.Mode.BMC, depth=5))
    assert run.status == hwverify.Status.PASS
    assert set(hwverify.__all__) >= {"Task", "verify", "load_system", "check_certificate_dir"}


def test_verify_twice_on_one_system_with_command_line_properties():
    from hwverify.frontend.load import load_system
    system = load_system([COUNTER], top="counter")
    before = [p.name for p in system.asserts]
    runs = [verify(Task(system=system, mode=Mode.BMC, depth=5, asserts=["count <= 9"])) for _ in range(2)]
    assert [p.name for p in system.asserts] == before
    assert [[p.name for p in r.properties] for r in runs] == [before + ["count <= 9"]] * 2


def test_engine_auto_races_k_induction_and_pdr():
    """``--engine auto``: PDR proves what k-induction cannot; a counterexample still comes back at its step."""
    wide = str(ROOT / "designs" / "verilog" / "pdr" / "mod12_wide.v")
    run = verify(Task(design=[wide], top="mod12_wide", engine="auto", timeout=60))
    assert run.engine == "portfolio" and run.status == Status.PASS
    assert all(p.checked and p.certificate is not None for p in run.properties)
    bug = verify(Task(design=[COUNTER_BUG], top="counter", engine="auto", timeout=60))
    assert bug.status == Status.FAIL
    assert [p.depth for p in bug.properties if p.status == Status.FAIL] == [10]


def test_check_proof_exit_codes_verified_rejected_unreadable(tmp_path, capsys):
    out = tmp_path / "certs"
    assert main(["prove", COUNTER, "--top", "counter", "--engine", "kind", "--certificate", str(out)]) == 0
    cert = out / sorted(os.listdir(out))[0]
    assert main(["check-proof", str(out)]) == 0
    step = cert / "obligations" / "step.smt2"
    text = step.read_text()
    step.write_text(text + "(assert false)\n")        # tampered: read, checked, rejected
    assert main(["check-proof", str(out)]) == 2
    step.write_text(text)
    (cert / "model.btor2").unlink()                    # unreadable: nothing could be checked
    assert main(["check-proof", str(out)]) == 16
    assert "malformed certificate" in capsys.readouterr().out
