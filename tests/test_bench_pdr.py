"""bench/pdr.py and bench/pdr_peers.py: the parts that decide what a run reports, without running solvers.

A benchmark that scores a late answer as solved, takes a bounded BMC pass
for a proof, or runs SymbiYosys on another task than the one named, reports
numbers that do not mean what its table says; these checks pin the scoring
and the task rewriting.
"""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "bench"))   # after the installed packages: bench/ has no package names of its own
pdr = importlib.import_module("pdr")
pdr_peers = importlib.import_module("pdr_peers")


def test_judge_scores_time_and_verdict():
    assert pdr.judge({"status": "PASS", "wall": 3.0}, "unsat", 5.0) == \
        {"status": "PASS", "wall": 3.0, "wrong": False, "solved": True, "late": False}
    late = pdr.judge({"status": "FAIL", "wall": 7.0}, "sat", 5.0)
    assert (late["solved"], late["late"], late["wrong"]) == (False, True, False)
    wrong = pdr.judge({"status": "PASS", "wall": 1.0}, "sat", 5.0)
    assert (wrong["solved"], wrong["wrong"]) == (False, True)
    bounded = pdr.judge({"status": "BOUNDED", "wall": 1.0}, "unsat", 5.0)
    assert (bounded["solved"], bounded["wrong"]) == (False, False)


def test_summary_par2_counts_unsolved_twice_the_limit():
    rows = [{"file": "a"}, {"file": "b"}, {"file": "c"}]
    results = {("a", "pdr"): pdr.judge({"status": "PASS", "wall": 2.0, "checked": True}, "unsat", 10.0),
               ("b", "pdr"): pdr.judge({"status": "TIMEOUT", "wall": 10.5}, "sat", 10.0),
               ("c", "pdr"): pdr.judge({"status": "FAIL", "wall": 4.0, "checked": False}, "sat", 10.0)}
    m = pdr.summarise(rows, results, "pdr", 10.0)
    assert (m["solved"], m["pass"], m["fail"], m["wrong"], m["unchecked"]) == (2, 1, 1, 0, 1)
    assert m["par2"] == 2.0 + 20.0 + 4.0


def test_own_tasks_name_the_pdr_designs():
    tasks = pdr_peers.own_tasks()
    assert {t.top for t in tasks} == {"mod12", "mod12_wide", "twin_counters", "even20"}
    for t in tasks:
        assert os.path.isfile(t.design) and f"module {t.top}" in Path(t.design).read_text()
        assert pdr_peers.task_engines(t.sby, None) == ["abc pdr"]


def test_single_task_text_resolves_tags_and_replaces_engines(tmp_path):
    sby = tmp_path / "t.sby"
    sby.write_text("[tasks]\nfast: f\nslow\n\n[options]\nmode prove\nf: depth 3\n~f: depth 40\n\n"
                   "[engines]\nf: smtbmc --keep-going boolector\nslow: abc pdr\n\n[script]\nread -sv a.sv\n")
    text = pdr_peers.single_task_text(str(sby), "fast", "abc pdr")
    assert "[tasks]" not in text and "depth 3" in text and "depth 40" not in text
    engines = text.split("[engines]\n", 1)[1].split("\n\n", 1)[0].strip().splitlines()
    assert engines == ["abc pdr"]
    assert pdr_peers.task_engines(str(sby), "fast") == ["smtbmc --keep-going boolector"]
    assert pdr_peers.smtbmc_engine(["smtbmc --keep-going boolector"], "z3") == "smtbmc --keep-going z3"
    assert pdr_peers.smtbmc_engine(["abc pdr"], "z3") == "smtbmc z3"


def test_abc_wrapper_drops_pdr_l_flag(tmp_path):
    wrapper = tmp_path / "abc"
    wrapper.write_text(pdr_peers.ABC_WRAPPER.format(abc="printf '%s\\n'"))
    wrapper.chmod(0o755)
    out = subprocess.run([str(wrapper), "-c", "read_aiger m.aig; strash; pdr -v -l; write_cex -a t.aiw"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["-c", "read_aiger m.aig; strash; pdr -v; write_cex -a t.aiw"]


@pytest.mark.parametrize("statuses,contradiction", [
    (("PASS", "PASS", "PASS", "UNKNOWN"), False),
    (("UNKNOWN", "PASS", "FAIL", "TIMEOUT"), True),
    (("MISSING", "MISSING", "FAIL", "FAIL"), False),
    (("PASS", "PASS", "TIMEOUT:FAIL", "PASS"), True),   # a late verdict is still compared
])
def test_judge_flags_contradictions(statuses, contradiction):
    runs = {k: {"status": s.split(":")[0], "late_verdict": s.partition(":")[2] or None, "wall": 1.0,
                "checked": True} for k, s in zip(pdr_peers.TOOLS, statuses)}
    row = {"runs": runs, "expect": ["PASS", "FAIL"]}
    pdr_peers.judge(row)
    assert row["contradiction"] is contradiction
