"""Cosim at simulator speed: the stimulus goes to Icarus by file, its values come back by file.

Why: ``hwverify cosim`` must cost about what simulating the RTL costs. The
random stimulus is drawn first (resets by name, other inputs uniform, the
design's assumptions respected by rejection sampling on the model), the
generated testbench (``testbench.py``) runs it in Icarus while the model
computes its own rows in this process, and the rows are compared afterwards:
first differing cycle, signal, both values. When the design has no
assumptions the stimulus does not depend on the model, so Icarus starts
before the model runs and the two work side by side.

The design is lowered by the frontend the proof uses (``load_system``; yosys
included) and matched with Icarus' own elaboration by name
(``mapping.map_design``). The RTL is built without ``FORMAL`` (Icarus 11
cannot run ``$past``); formal-only registers are model-only, listed in
``skipped``.
"""
from __future__ import annotations

import importlib
import os
import random
import shutil
import tempfile
import time
from typing import Sequence

from hwverify.cosim.mapping import PortMap, map_design
from hwverify.cosim.model import ModelSide, first_difference
from hwverify.cosim.rtl import elaborate
from hwverify.cosim.runner import CosimResult
from hwverify.cosim.testbench import Run, Simulation
from hwverify.frontend.load import load_system
from hwverify.semantics.evaluate import CompiledSystem, random_value
from hwverify.semantics.system import TransitionSystem

__all__ = ["batch_cosim", "Stimulus"]


class Stimulus:
    """Random inputs of the RTL's ports (and the model-only inputs), filtered by the model's assumptions."""

    def __init__(self, side: ModelSide, pm: PortMap, rng: random.Random, *, reset_cycles: int = 2,
                 reset_rate: float = 0.02, max_tries: int = 200):
        self.side, self.pm, self.rng = side, pm, rng
        self.reset_cycles, self.reset_rate, self.max_tries = reset_cycles, reset_rate, max_tries
        model_index = {n: i for i, n in enumerate(side.input_names)}
        self.port_slots = [(model_index.get(n), n, w) for n, w in pm.inputs]
        ports = {n for n, _ in pm.inputs}
        self.model_only = [(i, v) for i, v in enumerate(side.inputs) if v.name not in ports]
        self.free_states = [side.states[i] for i in side.free]
        self.prev: list[int] | None = None
        self.rejected = 0

    def candidate(self, k: int, attempt: int) -> tuple[list[int], tuple, list]:
        """(port values, model input tuple, next values of free states)."""
        rng, resets = self.rng, self.pm.resets
        hold = 0.0 if attempt == 0 or self.prev is None else min(0.9, 0.25 + attempt / 100)
        ports = []
        for j, (_, n, w) in enumerate(self.port_slots):
            if n in resets:
                on = k < self.reset_cycles or rng.random() < self.reset_rate
                if attempt > self.max_tries // 2 and k >= self.reset_cycles:
                    on = rng.random() < 0.5      # the assumption may be about the reset itself
                ports.append(resets[n] if on else 1 - resets[n])
            elif self.prev is not None and hold and rng.random() < hold:
                ports.append(self.prev[j])
            else:
                ports.append(rng.getrandbits(w))
        model = [0] * len(self.side.inputs)
        for (i, _, _), v in zip(self.port_slots, ports):
            if i is not None:
                model[i] = v
        for i, v in self.model_only:
            model[i] = random_value(v.sort, rng)
        free = [random_value(s.sort, rng) for s in self.free_states]
        return ports, tuple(model), free

    def unconstrained(self, cycles: int) -> list[tuple[list[int], tuple, list]]:
        return [self.candidate(k, 0) for k in range(cycles)]


def _deposits(pm: PortMap, state: dict) -> dict[str, object]:
    out: dict[str, object] = {n: state[n] for n in pm.deposits}
    for n, offsets in pm.unset_words.items():
        out[n] = {i: state[n].read(i) for i in offsets}
    return out


def batch_cosim(files: Sequence[str], top: str, *, cycles: int = 1000, seed: int = 0,
                frontend: str | None = None, defines: dict[str, str] | None = None,
                include_dirs: Sequence[str] = (), multiclock: bool = False,
                system: TransitionSystem | None = None, work_dir: str | None = None,
                waveform: str | None = None, waves_on_mismatch: bool = True,
                mutate=None) -> CosimResult:
    """Cross-check the lowered model against Icarus for ``cycles`` random cycles (see the module docstring)."""
    t0 = time.perf_counter()
    files = [os.path.abspath(f) for f in files]
    defines = dict(defines or {})
    if system is None:
        system = load_system(files, top=top, frontend=frontend, defines=defines, include_dirs=include_dirs,
                             multiclock=multiclock)
    if isinstance(mutate, str):   # "module:function", as CosimConfig.mutate
        mod, _, fn = mutate.partition(":")
        mutate = getattr(importlib.import_module(mod), fn)
    if mutate is not None:
        system = mutate(system) or system
    rtl = elaborate(files, top, defines=defines, include_dirs=include_dirs)
    pm = map_design(system, rtl)
    side = ModelSide(system, pm)
    rng = random.Random(seed)
    state_dict = CompiledSystem(system).initial_state(rng=rng)
    state = side.state_tuple(state_dict)
    stim = Stimulus(side, pm, rng)
    constrained = bool(system.constraints)
    own_dir = work_dir is None
    work = work_dir or tempfile.mkdtemp(prefix=f"hwverify-cosim-{top}-")
    try:
        t_loop = time.perf_counter()
        sim = Simulation(pm, files, work, defines=defines, include_dirs=include_dirs)
        model_rows: list[str] = []
        result: dict = {"status": "pass", "cycles": 0, "signals": pm.signal_names(), "skipped": pm.skipped,
                        "deposited": list(pm.deposits) + list(pm.unset_words), "x_values": [], "mismatch": None,
                        "rejected_candidates": 0, "reset_ports": pm.resets, "clock": pm.clock,
                        "frontend": frontend, "harness": "testbench"}
        inputs_log: list[list[int]] = []
        if not constrained:
            draws = stim.unconstrained(cycles)
            run = Run("dut", [p for p, _, _ in draws], _deposits(pm, state_dict))
            proc = sim.start([run])
            for _, model_in, free in draws:
                out = side.cycle(state, model_in)
                model_rows.append(side.row(out))
                state = side.next_state(out, state, free)
            inputs_log = [p for p, _, _ in draws]
        else:
            stimulus = []
            for k in range(cycles):
                for attempt in range(stim.max_tries):
                    ports, model_in, free = stim.candidate(k, attempt)
                    out = side.cycle(state, model_in)
                    if side.constraints_ok(out):
                        stim.prev = ports
                        break
                    stim.rejected += 1
                else:
                    result.update(status="constraint", message=f"no input satisfying the design's assumptions "
                                  f"found in {stim.max_tries} random tries at cycle {k}")
                    break
                stimulus.append(ports)
                model_rows.append(side.row(out))
                state = side.next_state(out, state, free)
            inputs_log = stimulus
            run = Run("dut", stimulus, _deposits(pm, state_dict))
            proc = sim.start([run])
        sim.finish(proc, [run])
        result["rejected_candidates"] = stim.rejected
        for k, (r, m) in enumerate(zip(run.rows, model_rows)):
            if r == m:
                continue
            diff = first_difference(side, k, r, m, result["x_values"])
            if diff is not None:
                mismatch = diff.to_json()
                mismatch["inputs"] = {n: hex(v) for (n, _), v in zip(pm.inputs, inputs_log[k])}
                result.update(status="mismatch", mismatch=mismatch)
                break
        result["cycles"] = len(model_rows) if result["status"] == "pass" else (
            result["mismatch"]["cycle"] if result["mismatch"] else len(model_rows))
        result["loop_seconds"] = time.perf_counter() - t_loop
        result["seconds"] = time.perf_counter() - t0
        res = CosimResult(result["status"], result, build_dir=None if own_dir else work)
        if res.status == "mismatch" and waves_on_mismatch:
            res.waveform = _waveform(pm, files, work, run, result["mismatch"]["cycle"], defines, include_dirs,
                                     waveform or (os.path.join(".hwverify", "cosim", f"{top}.vcd") if own_dir
                                                  else os.path.join(work, f"{top}.vcd")), top)
        return res
    finally:
        if own_dir:
            shutil.rmtree(work, ignore_errors=True)


def _waveform(pm: PortMap, files, work: str, run: Run, cycle: int, defines, include_dirs,
              target: str | None, top: str) -> str | None:
    """Rerun the stimulus up to the mismatch with waveform dumping; the file's path (VCD, or FST by name)."""
    target = os.path.abspath(target or f"{top}.cosim.vcd")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    short = Run(run.name, run.stimulus[:cycle + 2], run.deposits)
    sim = Simulation(pm, files, os.path.join(work, "waves"), defines=defines, include_dirs=include_dirs,
                     waves=target)
    try:
        sim.run([short])
    except Exception:  # noqa: BLE001 - the waveform is a courtesy; the mismatch stands without it
        return None
    return target if os.path.exists(target) else None
