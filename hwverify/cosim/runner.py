"""Build the RTL with cocotb's runner for Icarus and run a cosim test module on it.

``cosim(files, top, cycles=..., seed=...)`` is the lock-step cross-check
behind ``hwverify cosim``; ``run_module`` is the shared plumbing (also used by
trace replay). Icarus is built without ``FORMAL`` for cosim (the formal code
of the bundled designs uses ``$past`` and friends, which Icarus 11 cannot
simulate; formal-only registers are then model-only and not compared).
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any, Sequence

from hwverify.cosim.common import CosimConfig
from hwverify.errors import FrontendError, HwverifyError, SourceLoc

TIMESCALE = ("1ns", "1ps")
EXIT_PASS, EXIT_FAIL, EXIT_UNKNOWN, EXIT_ERROR = 0, 2, 4, 16


class CosimError(HwverifyError):
    """The simulator could not be built or run, or the test module failed to start."""


def have_icarus() -> bool:
    return shutil.which("iverilog") is not None and shutil.which("vvp") is not None


def have_cocotb() -> bool:
    return importlib.util.find_spec("cocotb") is not None and importlib.util.find_spec("cocotb_tools") is not None


def verilator_note() -> str | None:
    """Why Verilator is not used (cocotb 2.x needs 5.036 or newer); None if it could be."""
    if shutil.which("verilator") is None:
        return "verilator not installed: using Icarus Verilog"
    out = subprocess.run(["verilator", "--version"], capture_output=True, text=True).stdout
    m = re.search(r"(\d+)\.(\d+)", out)
    if not m or (int(m.group(1)), int(m.group(2))) < (5, 36):
        return f"verilator {m.group(0) if m else '?'} is older than cocotb 2.x needs (5.036): using Icarus"
    return None


@dataclass
class CosimResult:
    """What a cosim or replay run found; ``exit_code`` follows SBY (0 agree, 2 mismatch, 4 unknown)."""

    status: str                      # pass, mismatch, constraint, fail (replay), error
    data: dict[str, Any] = field(default_factory=dict)
    waveform: str | None = None
    log: str | None = None
    build_dir: str | None = None

    @property
    def exit_code(self) -> int:
        return {"pass": EXIT_PASS, "mismatch": EXIT_FAIL, "fail": EXIT_FAIL,
                "constraint": EXIT_UNKNOWN}.get(self.status, EXIT_ERROR)

    @property
    def mismatch(self) -> dict | None:
        return self.data.get("mismatch")

    def summary(self) -> str:
        d = self.data
        if self.status == "pass":
            s = (f"cosim PASS: RTL and model agree for {d.get('cycles')} cycles on "
                 f"{len(d.get('signals', []))} signals")
            if d.get("x_values"):
                s += f" ({len(d['x_values'])} x/z values where the model is nondeterministic)"
            return s
        if self.status == "mismatch":
            m = d["mismatch"]
            s = f"cosim MISMATCH at cycle {m['cycle']}: {m['signal']} is {m['rtl']} in the RTL but {m['model']} in the model"
            if m.get("reason"):
                s += f" ({m['reason']})"
            if self.waveform:
                s += f"\n  waveform: {self.waveform}"
            return s
        if self.status == "constraint":
            return f"cosim UNKNOWN after {d.get('cycles')} agreeing cycles: {d.get('message')}"
        return f"cosim ERROR: {d.get('error', 'no result from the simulation')}"


def run_module(cfg: CosimConfig, module: str, work: str, *, waves: bool = False,
               defines: dict[str, str] | None = None, test_dir: str | None = None,
               extra_path: Sequence[str] = (), quiet: bool = True) -> tuple[dict, str]:
    """Build ``cfg.files`` in Icarus and run cocotb test module ``module``; return (result data, log path)."""
    if not have_icarus():
        raise CosimError("Icarus Verilog (iverilog, vvp) is not installed: `apt-get install iverilog`")
    if not have_cocotb():
        raise CosimError("cocotb is not installed: `pip install cocotb==2.1.0`")
    from cocotb_tools.runner import get_runner  # local: cocotb is heavy and only needed to simulate
    for f in cfg.files:
        if not os.path.isfile(f):
            raise FrontendError(f"no such file: {f}", SourceLoc(f))
    os.makedirs(work, exist_ok=True)
    build_dir = os.path.join(work, "waves" if waves else "build")
    cfg.result = os.path.join(work, "result.json")
    if os.path.exists(cfg.result):
        os.remove(cfg.result)
    cfg_path = os.path.join(work, "config.json")
    cfg.dump(cfg_path)
    log = os.path.join(work, "sim.log")
    runner = get_runner("icarus")
    # cocotb's runner exits the process when a cocotb test fails under pytest: we read results ourselves.
    saved = os.environ.pop("PYTEST_CURRENT_TEST", None)
    try:
        try:
            runner.build(sources=[os.path.abspath(f) for f in cfg.files], hdl_toplevel=cfg.top,
                         build_dir=build_dir, defines=dict(defines or {}), includes=list(cfg.include_dirs),
                         timescale=TIMESCALE, waves=waves, always=True,
                         log_file=os.path.join(work, "build.log"))
        except (SystemExit, Exception) as e:  # noqa: BLE001
            text = _tail(os.path.join(work, "build.log"))
            raise CosimError(f"Icarus could not build {cfg.top}: {text or e}") from None
        _copy_memory_files(cfg.files, test_dir or build_dir)
        env = {"HWVERIFY_COSIM_CONFIG": cfg_path, "COCOTB_REDUCED_LOG_FMT": "1"}
        sys.path[:0] = list(extra_path)   # the runner passes sys.path to the simulator's Python
        try:
            runner.test(test_module=module, hdl_toplevel=cfg.top, build_dir=build_dir,
                        test_dir=test_dir or build_dir, extra_env=env, waves=waves,
                        seed=cfg.seed, log_file=log if quiet else None,
                        results_xml=os.path.join(work, "results.xml"))
        except SystemExit:
            pass   # the simulator's exit status; the result file says what happened
        finally:
            del sys.path[:len(extra_path)]
    finally:
        if saved is not None:
            os.environ["PYTEST_CURRENT_TEST"] = saved
    if not os.path.exists(cfg.result):
        raise CosimError(f"the simulation wrote no result; see {log}:\n{_tail(log)}")
    with open(cfg.result) as fh:
        data = json.load(fh)
    if data.get("status") == "error":
        raise CosimError(f"cosim test failed to start: {data.get('error')} (log: {log})")
    return data, log


_READMEM = re.compile(r'\$readmem[hb]\s*\(\s*"([^"]+)"')


def _copy_memory_files(files: Sequence[str], sim_dir: str) -> None:
    """Copy the files ``$readmemh``/``$readmemb`` name (relative paths) where the simulator looks.

    Icarus opens them relative to its working directory (``sim_dir``); the
    model, lowered in the same process, too, and falls back to the source's
    folder, where they are found here.
    """
    for f in files:
        try:
            with open(f, errors="replace") as fh:
                names = _READMEM.findall(fh.read())
        except OSError:
            continue
        for name in names:
            if os.path.isabs(name) or ".." in name.replace("\\", "/").split("/"):
                continue
            src = os.path.join(os.path.dirname(os.path.abspath(f)), name)
            dst = os.path.join(sim_dir, name)
            if os.path.isfile(src) and not os.path.exists(dst):
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(src, dst)


def _tail(path: str, n: int = 25) -> str:
    try:
        with open(path) as fh:
            return "".join(fh.readlines()[-n:])
    except OSError:
        return ""


def cosim(files: Sequence[str], top: str, *, cycles: int = 1000, seed: int = 0,
          frontend: str | None = None, defines: dict[str, str] | None = None,
          include_dirs: Sequence[str] = (), mutate: str | None = None, work_dir: str | None = None,
          waveform: str | None = None, waves_on_mismatch: bool = True) -> CosimResult:
    """Lock-step cross-check of the lowered model against the RTL in Icarus.

    On a mismatch the same stimulus (same seed) is run again with waveform
    dumping up to the failing cycle, and the FST file is copied to
    ``waveform`` (default: ``<work_dir>/<top>.fst``, or ``.hwverify/cosim/<top>.fst``
    without a work folder: the temporary one is removed).
    """
    own = work_dir is None
    work = work_dir or tempfile.mkdtemp(prefix=f"hwverify-cosim-{top}-")
    try:
        cfg = CosimConfig(files=[os.path.abspath(f) for f in files], top=top, frontend=frontend,
                          defines=dict(defines or {}), include_dirs=[os.path.abspath(d) for d in include_dirs],
                          cycles=cycles, seed=seed, mutate=mutate)
        data, log = run_module(cfg, "hwverify.cosim.lockstep", work)
        res = CosimResult(data["status"], data, log=None if own else log, build_dir=None if own else work)
        if res.status == "mismatch" and waves_on_mismatch:
            cfg.cycles = data["mismatch"]["cycle"] + 2
            run_module(cfg, "hwverify.cosim.lockstep", work, waves=True)
            fst = os.path.join(work, "waves", f"{top}.fst")
            if os.path.exists(fst):
                default = os.path.join(".hwverify", "cosim", f"{top}.fst") if own else os.path.join(work, f"{top}.fst")
                res.waveform = os.path.abspath(waveform or default)
                if res.waveform != fst:
                    os.makedirs(os.path.dirname(res.waveform), exist_ok=True)
                    shutil.copyfile(fst, res.waveform)
        return res
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)
