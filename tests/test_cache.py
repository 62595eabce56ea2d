"""The result cache (hwverify/run/cache.py): hits, misses, bypass, tampering, concurrent writers."""
from __future__ import annotations

import json
import multiprocessing
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hwverify.cli import main
from hwverify.prover.result import FAIL, PASS, Mode, PropertyResult, Result, Status
from hwverify.run.cache import CACHE_FILE, ResultCache, TaskCache
from hwverify.run.session import load, verify
from hwverify.run.task import Task
from hwverify.run.worker import decode, encode
from hwverify.semantics.certificate import Certificate

ROOT = Path(__file__).resolve().parent.parent
COUNTER = str(ROOT / "designs" / "verilog" / "counter.v")
COUNTER_BUG = str(ROOT / "designs" / "verilog" / "counter_bug.v")
PROJECT = ROOT / "designs" / "hwverify.toml"


def _task(tmp_path, design=COUNTER_BUG, **kw) -> Task:
    return Task(design=[design], top="counter", mode=kw.pop("mode", Mode.PROVE), cache=True,
                cache_dir=str(tmp_path / "cache"), **kw)


def test_rerun_is_cached_with_its_evidence_and_rechecked_by_the_kernel(tmp_path):
    first = verify(_task(tmp_path))
    assert first.status == Status.FAIL and not first.cached
    again = verify(_task(tmp_path))
    assert again.cached and again.status == Status.FAIL
    assert [(p.name, p.status, p.depth) for p in again.properties] == \
           [(p.name, p.status, p.depth) for p in first.properties]
    failing = next(p for p in again.properties if p.status == FAIL)
    proven = next(p for p in again.properties if p.status == PASS)
    assert failing.trace is not None and failing.trace.depth == failing.depth
    assert proven.certificate is not None
    assert all(p.checked for p in again.properties) and again.kernel_time > 0   # re-checked, not trusted
    assert [p.loc for p in again.properties] == [p.loc for p in first.properties]
    assert again.engine_time < 0.05, again.engine_time          # the look-up, in milliseconds
    assert again.to_json()["cached"] is True and first.to_json()["cached"] is False
    trusted = verify(_task(tmp_path, trust_cache=True))
    assert trusted.cached and trusted.kernel_time == 0 and all(p.checked is None for p in trusted.properties)


def test_changed_design_property_or_option_misses(tmp_path):
    design = tmp_path / "counter.v"
    design.write_text(Path(COUNTER).read_text())
    assert not verify(_task(tmp_path, str(design))).cached
    assert verify(_task(tmp_path, str(design))).cached
    assert not verify(_task(tmp_path, str(design), depth=21)).cached                  # option
    assert not verify(_task(tmp_path, str(design), solver="cvc5")).cached             # option
    assert not verify(_task(tmp_path, str(design), asserts=["count <= 10"])).cached   # property
    design.write_text(Path(COUNTER).read_text().replace("count + 4'd1", "count + 4'd2"))    # design
    changed = verify(_task(tmp_path, str(design)))
    assert not changed.cached and changed.status == Status.FAIL


def test_only_decided_checked_runs_are_stored(tmp_path):
    verify(_task(tmp_path, check=False))                      # no kernel check: nothing stored
    assert not verify(_task(tmp_path, check=False)).cached
    cover = _task(tmp_path, COUNTER, mode=Mode.COVER, depth=3)   # its goal is unreachable in 3 steps
    run = verify(cover)
    assert run.status == Status.FAIL and run.properties[0].trace is None
    assert not verify(_task(tmp_path, COUNTER, mode=Mode.COVER, depth=3)).cached


def test_no_cache_on_the_command_line_bypasses_it(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    argv = ["prove", COUNTER_BUG, "--top", "counter", "--no-replay", "--json"]
    assert main(argv + ["--no-cache"]) == 2
    assert not (tmp_path / ".hwverify" / CACHE_FILE).exists()
    assert main(argv) == 2 and json.loads(capsys.readouterr().out.splitlines()[-1])["cached"] is False
    assert main(argv) == 2 and json.loads(capsys.readouterr().out.splitlines()[-1])["cached"] is True
    assert main(argv + ["--no-cache"]) == 2
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["cached"] is False
    main(argv[:-1])
    assert "cached: verdicts from the result cache, evidence re-checked by the kernel" in capsys.readouterr().out


def _rows(folder: Path) -> list[tuple[str, bytes]]:
    with sqlite3.connect(folder / CACHE_FILE) as conn:
        return conn.execute("SELECT key, data FROM results").fetchall()


def test_a_tampered_entry_is_rejected_by_the_kernel_never_a_verdict(tmp_path):
    task = _task(tmp_path)
    verify(task)
    [(key, data)] = _rows(tmp_path / "cache")
    stored = decode(data)
    for p in stored.properties:   # claim every assertion proven, with a certificate that proves nothing
        if p.status == FAIL:
            prop = next(a for a in load(task).asserts if a.name == p.name)
            p.status, p.trace = PASS, None
            p.certificate = Certificate(p.name, [prop.term], 1, False, "forged", "z3")
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as conn:
        conn.execute("UPDATE results SET data = ? WHERE key = ?", (encode(stored), key))
    run = verify(_task(tmp_path))
    assert run.cached and run.status == Status.ERROR
    assert any("kernel rejected" in p.reason for p in run.properties)
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as conn:   # garbage: a miss, and the row is gone
        conn.execute("UPDATE results SET data = ? WHERE key = ?", (b"\x80\x04not a pickle", key))
    run = verify(_task(tmp_path))
    assert not run.cached and run.status == Status.FAIL


def _hammer(folder: str, worker: int, count: int) -> None:
    """Store and look up ``count`` entries, half of them under keys the other writers also use."""
    cache = ResultCache(folder)
    result = Result("bmc", "z3", [PropertyResult("p", "assert", PASS, depth=1)], 0.1, {"worker": worker})
    for i in range(count):
        key = f"shared-{i}" if i % 2 else f"own-{worker}-{i}"
        cache.store(key, result, f"w{worker}")
        cache.lookup(key, [])   # (malformed for no expected property: the row is deleted again)
        cache.store(key, result, f"w{worker}")


def test_concurrent_processes_do_not_corrupt_the_cache(tmp_path):
    folder = str(tmp_path / "cache")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_hammer, args=(folder, w, 40)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    with sqlite3.connect(Path(folder) / CACHE_FILE) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = _rows(Path(folder))
    assert len(rows) == 4 * 20 + 20     # every writer's own keys, the shared ones once
    assert all(decode(data).properties[0].status == PASS for _, data in rows)


@pytest.mark.slow
def test_two_project_runs_at_once_share_the_cache(tmp_path):
    cmd = [sys.executable, "-m", "hwverify.cli", "run", str(PROJECT), "--json", "-j", "1"]
    procs = [subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    statuses = [{t["name"]: t["status"] for t in json.loads(o)["tasks"]} for o, _ in outs]
    assert statuses[0] == statuses[1]
    third = json.loads(subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600).stdout)
    assert all(t["cached"] for t in third["tasks"]) and {t["name"]: t["status"] for t in third["tasks"]} == statuses[0]


def test_task_cache_is_off_with_a_note_when_the_folder_cannot_be_used(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    task = Task(design=[COUNTER], top="counter", cache=True, cache_dir=str(blocker / "cache"))
    run = verify(task)
    assert run.status == Status.PASS and not run.cached
    assert any(n.startswith("warning: result cache") for n in run.notes)
    tc = TaskCache(task, run.system, run.system.asserts)
    assert tc.lookup() is None and tc.cache is None
