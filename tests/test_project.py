"""Project files (hwverify.toml): reading, validation with file:line, running tasks in parallel."""
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest

from hwverify.errors import FrontendError
from hwverify.cli import main
from hwverify.run.project import load_project, run_project, task_retcode

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DESIGNS = os.path.join(ROOT, "designs")
COUNTER = os.path.join(DESIGNS, "verilog", "counter.v")
COUNTER_BUG = os.path.join(DESIGNS, "verilog", "counter_bug.v")


def write(tmp_path, text: str) -> str:
    path = tmp_path / "hwverify.toml"
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_bundled_project_reads():
    project = load_project(os.path.join(DESIGNS, "hwverify.toml"))
    names = [t.name for t in project.tasks]
    assert names[:3] == ["counter", "counter_bug", "counter_cover"]
    assert project.jobs == 2
    bug = project.tasks[1]
    assert bug.expect == ["FAIL"] and bug.mode == "prove" and bug.timeout == 120   # [project] default
    assert bug.design == [os.path.join(DESIGNS, "verilog", "counter_bug.v")]
    amaranth = next(t for t in project.tasks if t.name == "amaranth_fifo")
    assert amaranth.design == [os.path.join(DESIGNS, "amaranth", "fifo.py") + ":SyncFifo"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_run_verdicts_expectations_and_exit_code(tmp_path, jobs, capsys):
    path = write(tmp_path, f"""
        [project]
        depth = 15

        [tasks.good]
        design = "{COUNTER}"
        top = "counter"

        [tasks.bad_expected]
        design = "{COUNTER_BUG}"
        top = "counter"
        expect = "fail"

        [tasks.bad_unexpected]
        design = "{COUNTER_BUG}"
        top = "counter"
        mode = "bmc"
    """)
    code, runs = run_project(path, jobs=jobs)
    got = {r.task.name: (r.status, task_retcode(r.status, r.task.expect)) for r in runs}
    assert got == {"good": ("PASS", 0), "bad_expected": ("FAIL", 0), "bad_unexpected": ("FAIL", 2)}
    assert code == 2
    assert [r.task.name for r in runs] == ["good", "bad_expected", "bad_unexpected"]   # file order
    assert {p.depth for r in runs if r.status == "FAIL" for p in r.properties if p.status == "FAIL"} == {10}
    assert main(["run", path, "-j", str(jobs)]) == 2
    out = capsys.readouterr().out
    assert "summary:" in out and "UNEXPECTED" in out
    assert "at step 10" in out           # counter_bug's first failing step, from the kernel-checked trace
    assert "counterexample for" in out   # a failing task prints its table


def test_task_selection_and_design_error_is_that_tasks_error(tmp_path):
    broken = tmp_path / "broken.v"
    broken.write_text("module m(input a);\n  assign = ;\nendmodule\n")
    path = write(tmp_path, f"""
        [tasks.broken]
        design = "broken.v"
        top = "m"

        [tasks.good]
        design = "{COUNTER}"
        top = "counter"
    """)
    code, runs = run_project(path)
    assert [(r.task.name, r.status) for r in runs] == [("broken", "ERROR"), ("good", "PASS")]
    assert code == 16
    assert "broken.v:2" in str(runs[0].error)
    code, runs = run_project(path, ["good"])
    assert code == 0 and [r.task.name for r in runs] == ["good"]
    with pytest.raises(FrontendError, match="no task named nope"):
        run_project(path, ["nope"])


@pytest.mark.parametrize("body,line,message", [
    ('[tasks.a]\ndesign = "{c}"\ntop = "counter"\nengine = "kind"\nmode = "cover"\n', 4,
     "engine 'kind' cannot run mode cover"),
    ('[project]\nsolvr = "z3"\n[tasks.a]\ndesign = "{c}"\n', 2, "unknown key 'solvr' in [project]"),
    ('[tasks.a]\ndesign = "{c}"\n[other]\nx = 1\n', 3, "unknown table [other]"),
    ('[tasks.a]\ndesign = []\n', 2, "'design' is empty"),
    ('[tasks.a]\ndesign = "{c}"\nmulticlock = "yes"\n', 3, "multiclock must be true or false"),
    ('[tasks.a]\ndesign = "{c}"\ndepth = -1\n', 3, "depth must not be negative"),
    ('[project]\njobs = 0\n[tasks.a]\ndesign = "{c}"\n', 2, "jobs must be at least 1"),
    ('[tasks.a]\ndesign = "{c}"\nasserts = ["x", 3]\n', 3, "asserts must be a list of strings"),
    ('tasks = 3\n', None, "defines no tasks"),
])
def test_validation_errors_name_the_line(tmp_path, body, line, message):
    path = write(tmp_path, body.format(c=COUNTER))
    with pytest.raises(FrontendError, match=message.replace("[", r"\[").replace("]", r"\]")) as e:
        load_project(path)
    assert e.value.loc.file == path and e.value.loc.line == line


def test_cli_run_project_with_junit(tmp_path):
    path = write(tmp_path, f"""
        [tasks.good]
        design = "{COUNTER}"
        top = "counter"

        [tasks.bad]
        design = "{COUNTER_BUG}"
        top = "counter"
    """)
    junit = tmp_path / "reports" / "project.xml"
    r = subprocess.run([sys.executable, "-m", "hwverify.cli", "run", path, "--junit", str(junit), "-j", "2"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "[good] PASS rc=0" in r.stdout and "[bad] FAIL rc=2" in r.stdout
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    assert cases["good"].find("failure") is None and cases["bad"].find("failure") is not None
