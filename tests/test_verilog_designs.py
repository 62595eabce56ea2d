"""The bundled Verilog designs prove or fail as their headers say, with checked evidence.

Each ``designs/verilog/*.v`` starts with ``// expect: pass`` (k-induction
proves every assertion) or ``// expect: fail depth=N`` (BMC finds a
counterexample whose failing step is N, 0-based as in SBY). The CLI runs the
engine and the kernel re-checks the evidence; every counterexample is then
replayed in Icarus, where the RTL must take the same values and, when Icarus
can run the design's formal code, the assertion must fire in that cycle.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hwverify.cli import main
from hwverify.frontend.verilog.lower import lower_verilog_info
from hwverify.cosim.icarus import have_iverilog, replay_trace
from hwverify.semantics.trace import Trace

ROOT = Path(__file__).resolve().parent.parent / "designs" / "verilog"
DESIGNS = sorted(ROOT.glob("*.v"))

pytestmark = pytest.mark.skipif(not have_iverilog(), reason="pyverilog preprocesses with Icarus")


def expectation(path: Path) -> tuple[str, int | None]:
    m = re.search(r"^//\s*expect:\s*(pass|fail)(?:\s+depth=(\d+))?", path.read_text(), re.M)
    assert m, f"{path.name} has no '// expect:' header"
    return m.group(1), int(m.group(2)) if m.group(2) else None


def top_of(path: Path) -> str:
    src = path.read_text()
    m = re.search(r"^//\s*top:\s*(\w+)", src, re.M)
    return m.group(1) if m else re.findall(r"^\s*module\s+(\w+)", src, re.M)[-1]


def _run(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_there_are_enough_designs():
    passing = [p for p in DESIGNS if expectation(p)[0] == "pass"]
    failing = [p for p in DESIGNS if expectation(p)[0] == "fail"]
    assert len(passing) >= 8 and len(failing) >= 8
    for p in passing:   # every design has a buggy variant
        assert (ROOT / f"{p.stem}_bug.v").exists()


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_design_verdict(path, capsys, tmp_path):
    kind, depth = expectation(path)
    top = top_of(path)
    if kind == "pass":
        code, res = _run(capsys, "prove", str(path), "--top", top, "--engine", "kind",
                         "--depth", "20", "--json")
        assert code == 0, res
        assert res["status"] == "PASS"
        assert all(p["status"] == "PASS" and p.get("evidence_checked") for p in res["properties"])
        return
    trace_file = tmp_path / "trace.json"
    code, res = _run(capsys, "bmc", str(path), "--top", top, "--depth", str(depth + 2), "--json",
                     "--trace-json", str(trace_file))
    assert code == 2, res
    failed = [p for p in res["properties"] if p["status"] == "FAIL"]
    assert failed and min(p["depth"] for p in failed) == depth
    assert all(p.get("evidence_checked") for p in failed)
    # Replay the first counterexample in Icarus.
    first = min(failed, key=lambda p: p["depth"])
    traces = sorted(tmp_path.glob("trace*.json"))
    trace = next(t for t in (Trace.load(str(f)) for f in traces) if t.prop == first["name"])
    system, info = lower_verilog_info([str(path)], top)
    r = replay_trace([str(path)], system, info, trace)
    assert r.ok, "\n".join(str(m) for m in r.mismatches[:5])
    assert r.observations[-1].asserts[first["name"]] is False
    if r.formal_checked:
        # In the testbench, cycle k's state is set by the edge at 10k-5 and its inputs at 10k;
        # the edge ending it is at 10k+5 (where a clocked assertion checks cycle k).
        line = int(first["location"].rsplit(":", 1)[1])
        assert any(ln == line and 10 * depth - 5 <= t <= 10 * depth + 5 for _, ln, t in r.fired), \
            r.icarus_log
