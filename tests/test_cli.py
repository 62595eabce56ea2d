"""The hwverify command end to end: verdicts, exit codes, evidence files, errors."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from hwverify.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DESIGNS = os.path.join(ROOT, "designs", "btor2")
GOOD = os.path.join(DESIGNS, "counter_inductive.btor2")
BUG = os.path.join(DESIGNS, "counter_bug.btor2")


def expected_depth(path: str) -> int:
    m = re.search(r"^\W*expect:\s*fail depth=(\d+)\s*$", open(path).read(), re.M)
    assert m, f"{path} has no expect header"
    return int(m.group(1))


def run_json(capsys, *args) -> tuple[int, dict]:
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_prove_inductive_counter_with_certificate(tmp_path, capsys):
    cert_dir = str(tmp_path / "certs")
    code, out = run_json(capsys, "prove", GOOD, "--engine", "kind", "--certificate", cert_dir)
    assert code == 0 and out["status"] == "PASS"
    assert all(p["status"] == "PASS" and p["evidence_checked"] for p in out["properties"])
    assert any(p["k"] > 1 for p in out["properties"]), "the bundled counter should need k-induction"
    for prop in os.listdir(cert_dir):
        assert main(["check-proof", os.path.join(cert_dir, prop)]) == 0
        assert "VERIFIED" in capsys.readouterr().out


def test_buggy_counter_fails_at_minimal_depth_with_vcd(tmp_path, capsys):
    vcd_path = str(tmp_path / "cex.vcd")
    trace_path = str(tmp_path / "cex.json")
    code, out = run_json(capsys, "prove", BUG, "--vcd", vcd_path, "--trace-json", trace_path)
    assert code == 2 and out["status"] == "FAIL"
    failed = [p for p in out["properties"] if p["status"] == "FAIL"]
    assert failed and failed[0]["depth"] == expected_depth(BUG) and failed[0]["evidence_checked"]
    vcd = open(vcd_path).read()
    assert "$var" in vcd and "clock" in vcd
    trace = json.load(open(trace_path))
    assert len(trace["frames"]) == expected_depth(BUG) + 1


def test_bmc_mode_same_depth_and_text_output(capsys):
    code = main(["bmc", BUG, "--depth", "30"])
    text = capsys.readouterr().out
    assert code == 2
    assert "FAIL" in text and "counterexample" in text


def test_trace_title_is_one_line_however_narrow_the_table(capsys):
    """A two-step trace makes a table narrower than its title: the title must not be wrapped."""
    code = main(["bmc", GOOD, "--assert", "x <= 0 || x == 9", "--depth", "5"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 2
    title = lines.index("counterexample for x <= 0 || x == 9, 2 steps")
    assert max(len(x) for x in lines[title + 1:title + 4]) < len(lines[title])   # the table is narrower


def test_bmc_on_correct_design_is_bounded_pass(capsys):
    code, out = run_json(capsys, "bmc", GOOD, "--depth", "8")
    assert code == 0 and out["engine"] == "bmc"
    assert all("bounded" in p["reason"] for p in out["properties"])


def test_depth_too_small_is_unknown(capsys):
    code, out = run_json(capsys, "prove", BUG, "--depth", "2", "--no-simple-path")
    assert code == 4 and out["status"] == "UNKNOWN"


@pytest.mark.parametrize("content, fragment", [
    ("1 sort bitvec 8\n2 foo 1\n", ":2:"),
    ("1 sort bitvec 0\n", ":1:"),
    ("1 sort bitvec 8\n2 state 1\n3 add 1 2 7\n", ":3:"),
    ("1 sort bitvec 8\n2 state 1\n3 add 1 2\n", ":3:"),
    ("\x00\x01\x02garbage\xff\n", ":1"),
])
def test_bad_btor2_is_one_line_error_exit_16(tmp_path, capsys, content, fragment):
    bad = tmp_path / "bad.btor2"
    bad.write_bytes(content.encode("latin-1"))
    code = main(["prove", str(bad)])
    err = capsys.readouterr().err.strip()
    assert code == 16
    assert len(err.splitlines()) == 1 and f"bad.btor2{fragment}" in err


def test_errors_without_traceback_in_a_real_process(tmp_path):
    bad = tmp_path / "bad.btor2"
    bad.write_text("1 sort bitvec 8\n2 frobnicate 1 1\n")
    proc = subprocess.run([sys.executable, "-m", "hwverify.cli", "prove", str(bad)], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 16
    assert "Traceback" not in proc.stderr and "bad.btor2:2" in proc.stderr


def test_usage_errors(tmp_path, capsys):
    assert main(["prove", str(tmp_path / "missing.btor2")]) == 16
    assert main(["prove", GOOD, "--solver", "nosuch"]) == 16
    assert "unknown solver" in capsys.readouterr().err
    assert main(["prove", GOOD, "--engine", "nosuch"]) == 16
    empty = tmp_path / "empty.btor2"
    empty.write_text("; nothing\n")
    assert main(["prove", str(empty)]) == 16
    assert "no assertions" in capsys.readouterr().err


def test_check_proof_rejects_a_broken_directory(tmp_path, capsys):
    assert main(["check-proof", str(tmp_path)]) == 16   # nothing readable to check
    assert "holds no certificate" in capsys.readouterr().err


def test_junit_output(tmp_path, capsys):
    import xml.etree.ElementTree as ET
    good, bad = str(tmp_path / "good.xml"), str(tmp_path / "bad.xml")
    assert main(["prove", GOOD, "--junit", good]) == 0
    assert main(["prove", BUG, "--junit", bad]) == 2
    capsys.readouterr()
    suite = ET.parse(good).getroot().find("testsuite")
    assert suite.get("failures") == "0" and suite.get("errors") == "0" and int(suite.get("tests")) >= 1
    suite = ET.parse(bad).getroot().find("testsuite")
    assert int(suite.get("failures")) >= 1
    assert any(tc.find("failure") is not None for tc in suite.iter("testcase"))
