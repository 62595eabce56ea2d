"""JUnit XML for CI (hwverify/report/junit.py, report/outputs.py): cases per task and property, load errors."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from hwverify.cli import main

ROOT = Path(__file__).resolve().parent.parent
COUNTER = str(ROOT / "designs" / "verilog" / "counter.v")
COUNTER_BUG = str(ROOT / "designs" / "verilog" / "counter_bug.v")


def _suite(path: Path) -> ET.Element:
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    cases = list(suite.iter("testcase"))
    assert int(suite.get("tests")) == len(cases)
    assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in cases)
    assert int(suite.get("errors")) == sum(c.find("error") is not None for c in cases)
    return suite


def test_a_failure_names_step_location_and_shows_the_trace(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "bug.xml"
    assert main(["prove", COUNTER_BUG, "--top", "counter", "--junit", str(out), "--no-replay", "--no-cache"]) == 2
    cases = {c.get("name"): c for c in _suite(out).iter("testcase")}
    failure = cases["assert_L24"].find("failure")
    assert failure is not None and cases["assert_L25"].find("failure") is None
    assert failure.get("message") == f"assert assert_L24 at {COUNTER_BUG}:24 fails in step 10"
    text = failure.text.splitlines()
    assert text[1] == "counterexample for assert_L24, 11 steps"
    assert any(line.startswith("count 'h") and line.split()[-1] == "a" for line in text)   # 10 at the failing step


def test_project_cases_per_task_and_property(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    broken = tmp_path / "broken.v"
    broken.write_text("module m(input a);\n  assign = ;\nendmodule\n")
    project = tmp_path / "p.toml"
    project.write_text(f'[tasks.good]\ndesign = "{COUNTER}"\ntop = "counter"\n\n'
                       f'[tasks.known_bug]\ndesign = "{COUNTER_BUG}"\ntop = "counter"\nexpect = "fail"\n\n'
                       f'[tasks.new_bug]\ndesign = "{COUNTER_BUG}"\ntop = "counter"\n\n'
                       f'[tasks.broken]\ndesign = "broken.v"\ntop = "m"\n')
    out = tmp_path / "ci" / "p.xml"
    assert main(["run", str(project), "--junit", str(out), "--no-cache"]) == 2 | 16
    suite = _suite(out)
    by = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
    assert set(by) == {("p", "good"), ("p.good", "assert_L24"), ("p.good", "assert_L25"),
                       ("p", "known_bug"), ("p.known_bug", "assert_L24"), ("p.known_bug", "assert_L25"),
                       ("p", "new_bug"), ("p.new_bug", "assert_L24"), ("p.new_bug", "assert_L25"),
                       ("p", "broken")}
    # an expected failure is green, and says what failed
    assert by[("p", "known_bug")].find("failure") is None
    assert "fails in step 10" in by[("p.known_bug", "assert_L24")].find("system-out").text
    # an unexpected one is red twice: the task and its property, with the trace
    assert "expected PASS" in by[("p", "new_bug")].find("failure").get("message")
    assert "count 'h" in by[("p.new_bug", "assert_L24")].find("failure").text
    error = by[("p", "broken")].find("error")
    assert error is not None and f"{broken}:2" in error.get("message")
    assert suite.get("failures") == "2" and suite.get("errors") == "1"


def test_a_design_that_does_not_load_still_writes_one_error_case(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    broken = tmp_path / "broken.v"
    broken.write_text("module m(input a);\n  assign = ;\nendmodule\n")
    out = tmp_path / "load.xml"
    assert main(["bmc", str(broken), "--top", "m", "--junit", str(out)]) == 16
    [case] = _suite(out).iter("testcase")
    assert case.find("error") is not None and f"{broken}:2" in case.find("error").get("message")
    bad_project = tmp_path / "bad.toml"
    bad_project.write_text("[tasks.x]\ndesign = 'missing.v'\n")
    out = tmp_path / "project.xml"
    assert main(["run", str(bad_project), "--junit", str(out)]) == 16
    [case] = _suite(out).iter("testcase")
    assert case.get("name") == "load" and "no such design file" in case.find("error").get("message")
    assert "no such design file" in capsys.readouterr().err
