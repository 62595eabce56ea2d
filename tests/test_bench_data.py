"""The SymbiYosys task files of bench/data/sby, read by hwverify's .sby reader as SBY reads them.

The oracle is the bench's port of SBY's own reader (``sby_config`` in
bench/sby_compare.py, a line-by-line port of ``read_sbyconfig`` from
sbysrc/sby.py): for every task the benchmark runs, hwverify must know the task,
choose the same mode, and write the same inline ``[file]`` text. Reading these
files differently from SBY means running another problem than SBY does, which
the benchmark would then count as a verdict disagreement.
"""
from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path

import pytest

from hwverify.run.sby import parse_sby

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("sby_compare", ROOT / "bench" / "sby_compare.py")
sby_compare = importlib.util.module_from_spec(_spec)
sys.modules["sby_compare"] = sby_compare   # dataclasses look their module up there
_spec.loader.exec_module(sby_compare)

TASKS = [t for t in sby_compare.corpus_tasks() if t.origin == "YosysHQ/sby"] if os.path.isdir(sby_compare.DATA) else []
pytestmark = pytest.mark.skipif(not TASKS, reason="the SBY corpus is not here: set HWVERIFY_SBY_CORPUS to a "
                                                   "checkout of github.com/YosysHQ/sby (see bench/sby_corpus.md)")

def _sby_view(task: sby_compare.BenchTask) -> tuple[list[str], str | None, dict[str, str]]:
    """(task names, mode, inline files) as SymbiYosys reads the file."""
    text = Path(task.path).read_text()
    lines, names = sby_compare.sby_config(text, task.task)
    files: dict[str, str] = {}
    current = None
    for line in lines:
        m = re.match(r"^\[(\w+)(?:\s+(.+?))?\]\s*$", line.strip())
        if m:
            current = m.group(2) if m.group(1) == "file" else None
            if current is not None:
                files[current] = ""
        elif current is not None:
            files[current] += line + "\n"
    return names, sby_compare.sby_options(task.path, task.task).get("mode"), files


def _param(task: sby_compare.BenchTask):
    return pytest.param(task, id=task.label.replace("bench/data/sby/", ""))


def test_corpus_is_not_empty():
    names = {Path(t.path).name for t in TASKS if t.origin == "YosysHQ/sby"}
    assert len(names) >= 30
    assert all(Path(t.path).is_file() for t in TASKS)
    assert (ROOT / "bench" / "data" / "sby" / "COPYING").read_text().startswith("SymbiYosys")


@pytest.mark.parametrize("task", [_param(t) for t in TASKS])
def test_task_and_mode_as_sby_reads_them(task):
    names, mode, _ = _sby_view(task)
    sby = parse_sby(task.path)
    assert sby.tasks == names
    assert sby.task(task.task).option("mode") == mode


@pytest.mark.parametrize("task", [_param(t) for t in TASKS if "[file " in Path(t.path).read_text()])
def test_inline_files_as_sby_writes_them(task):
    _, _, files = _sby_view(task)
    ours = parse_sby(task.path).task(task.task).inline_files
    assert {k: v.strip() for k, v in ours.items()} == {k: v.strip() for k, v in files.items()}
