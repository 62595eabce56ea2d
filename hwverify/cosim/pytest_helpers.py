"""pytest helpers: cocotb conformance runs and formal checks side by side, JUnit-ready.

Use from a project's ``conftest.py`` (``pytest_plugins = ["hwverify.cosim.pytest_helpers"]``)
or import the functions directly. Every helper raises ``AssertionError``
with the evidence in its message, so ``pytest --junitxml=report.xml`` puts
the mismatch or counterexample into the CI report.

* ``assert_cosim(files, top, cycles=..., seed=...)`` — model vs RTL in Icarus (generated
  testbench at simulator speed; ``harness="cocotb"`` for the lock-step harness);
* ``assert_formal(files, top, mode="prove"|"bmc", depth=..., expect="pass"|"fail")``
  — runs the ``hwverify`` CLI in-process (kernel re-check included) and, for
  an expected FAIL, replays every counterexample in Icarus;
* ``assert_conformance(files, top, driver=..., model=..., vectors=...)`` — named vectors
  through the core's own interface in Icarus (``driver``: an ``async`` cocotb function),
  compared with a Python golden model (``model``); the message names each differing
  vector with its inputs, the expected and the actual value (docs/crypto.md);
* ``hwverify_design`` fixture — ``hwverify_design(path, top=None)`` returns a
  small object with ``.cosim(...)`` and ``.formal(...)`` bound to the design.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
from typing import Sequence

import pytest

from hwverify.cli import main
from hwverify.cosim.batch import batch_cosim
from hwverify.cosim.conformance import ConformanceResult, Vector, run_conformance
from hwverify.cosim.runner import CosimResult, cosim, have_cocotb, have_icarus

__all__ = ["assert_cosim", "assert_formal", "assert_conformance", "Vector", "requires_icarus", "requires_cocotb",
           "hwverify_design"]

requires_icarus = pytest.mark.skipif(not have_icarus(), reason="needs Icarus Verilog")
requires_cocotb = pytest.mark.skipif(not (have_icarus() and have_cocotb()), reason="needs Icarus Verilog and cocotb")


def assert_cosim(files: Sequence[str] | str, top: str, *, cycles: int = 1000, seed: int = 0,
                 frontend: str | None = None, work_dir: str | None = None, harness: str = "testbench",
                 **kw) -> CosimResult:
    """Run the cross-check; fail the test with cycle, signal and both values on a mismatch."""
    files = [files] if isinstance(files, (str, os.PathLike)) else list(files)
    run = cosim if harness == "cocotb" else batch_cosim
    res = run([str(f) for f in files], top, cycles=cycles, seed=seed, frontend=frontend,
              work_dir=work_dir, **kw)
    assert res.status == "pass", res.summary()
    return res


def assert_formal(files: Sequence[str] | str, top: str, *, mode: str = "prove", depth: int = 20,
                  expect: str = "pass", replay: bool = True, solver: str = "bitwuzla",
                  work_dir: str | None = None) -> dict:
    """Run ``hwverify prove|bmc``; the verdict must be ``expect``. Returns the CLI's JSON result.

    Every FAIL is replayed in Icarus (``--replay``, with the simulator's waveform)
    unless ``replay=False`` (``--no-replay``); a counterexample the simulator does
    not reproduce is ERROR (exit 16), which fails the test.
    """
    files = [files] if isinstance(files, (str, os.PathLike)) else list(files)
    work = work_dir or tempfile.mkdtemp(prefix=f"hwverify-{top}-")
    argv = [mode, *map(str, files), "--top", top, "--depth", str(depth), "--solver", solver, "--json",
            "--trace-json", os.path.join(work, f"{top}.json")]
    argv.append("--replay" if replay else "--no-replay")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    text = out.getvalue()
    m = re.search(r"^\{.*\}$", text, re.M)
    data = json.loads(m.group(0)) if m else {}
    want = {"pass": 0, "fail": 2}[expect]
    assert code == want, (f"hwverify {mode} {top}: exit {code}, expected {expect} ({want})\n"
                          f"{text}{err.getvalue()}")
    data["replay_log"] = err.getvalue()
    return data


def assert_conformance(files: Sequence[str] | str, top: str, *, driver, model, vectors, reset=None,
                       clock: str | None = "clk", max_report: int = 5, **kw) -> ConformanceResult:
    """Run ``vectors`` through ``top`` in Icarus with ``driver``; every answer must equal ``model(inputs)``.

    ``driver(dut, bench, inputs)`` and ``reset(dut, bench)`` are ``async``
    functions of an importable module (they run inside the simulator; see
    ``hwverify.cosim.conformance_tb.Bench`` for the clocking helpers);
    ``model(inputs)`` runs here. ``vectors``: ``Vector(name, inputs)``s,
    ``(name, inputs)`` pairs or a ``{name: inputs}`` dict. On failure the
    ``AssertionError`` lists the first ``max_report`` differing vectors (name,
    inputs, expected, actual or the driver's error), which ``pytest
    --junitxml`` puts into the report. Other keywords go to ``run_conformance``
    (``defines``, ``include_dirs``, ``period_ns``, ``work_dir``, ``waves``).
    """
    files = [files] if isinstance(files, (str, os.PathLike)) else list(files)
    res = run_conformance([str(f) for f in files], top, driver=driver, model=model, vectors=vectors,
                          reset=reset, clock=clock, **kw)
    assert res.ok, res.summary(max_report)
    return res


class _Design:
    def __init__(self, path: str, top: str, tmp: str):
        self.path, self.top, self.tmp = path, top, tmp

    def cosim(self, **kw) -> CosimResult:
        kw.setdefault("work_dir", os.path.join(self.tmp, "cosim"))
        return assert_cosim([self.path], self.top, **kw)

    def formal(self, **kw) -> dict:
        kw.setdefault("work_dir", os.path.join(self.tmp, "formal"))
        return assert_formal([self.path], self.top, **kw)


@pytest.fixture
def hwverify_design(tmp_path):
    """``hwverify_design("rtl/fifo.v", top="fifo").cosim(cycles=5000)`` / ``.formal(mode="prove")``."""
    def make(path, top: str | None = None) -> _Design:
        path = str(path)
        if top is None:
            top = re.findall(r"^\s*module\s+(\w+)", open(path).read(), re.M)[-1]
        return _Design(path, top, str(tmp_path))
    return make
