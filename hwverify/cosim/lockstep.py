"""cocotb test module: the lowered model and the RTL in lock step.

Run by ``hwverify.cosim.runner.cosim`` (never imported by hand: it reads its
``CosimConfig`` from ``$HWVERIFY_COSIM_CONFIG``). Inside one Icarus run it

* lowers the design and compiles it with ``CompiledSystem``;
* gives every register without an initial value (free at step 0 in the
  model) the same random value in both: the model draws it, the RTL gets it
  by a deposit at time 0 (memories word by word; the words ``$readmemh``
  leaves unset, x in the RTL, likewise);
* each cycle ``k`` (``PERIOD_NS`` long) writes the inputs at ``10k`` ns,
  samples every register and output at ``10k+5`` and then makes the active
  clock edge; the model is observed on (state ``k``, inputs ``k``) and
  stepped. A design without a clock is combinational: one cycle per sample;
* stops at the first difference (cycle, hierarchical name, RTL value, model
  value). A value with x/z bits is never compared as a number: it is a
  mismatch too unless the model's value there is itself nondeterministic
  (it reads a model-only input such as ``$anyseq`` or an undriven net), in
  which case it is counted in ``x_values`` and reported.

Inputs: resets (``rst``, ``rst_n``, ``reset`` ...) are active in the first
``reset_cycles`` cycles and then at random with ``reset_rate``; other inputs
are uniform. The design's assumptions are respected by rejection sampling:
a candidate is kept only if the model's ``observe().constraints_ok`` holds
for (current state, candidate). Candidates hold some inputs at their previous
value, so ``$stable``-style assumptions are met. Limitation: an assumption
that only a rare value satisfies (or that constrains future cycles, which an
``assume`` over the current state and inputs cannot) may defeat sampling;
then the run stops with status ``constraint`` (exit 4), never with an
unconstrained stimulus.
"""
from __future__ import annotations

import random
import time

import cocotb
from cocotb.triggers import Timer

from hwverify.cosim.common import (PERIOD_NS, SAMPLE_NS, CosimConfig, fmt, load_model, memory_words,
                                   read, reset_ports, resolve, write_result)
from hwverify.frontend.verilog.calls import unset_memory_words
from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import CompiledSystem


class Harness:
    """The design in both worlds: handles, the compiled model, and one clock cycle of driving."""

    def __init__(self, dut, cfg: CosimConfig):
        self.dut, self.cfg = dut, cfg
        self.system, self.info = load_model(cfg)
        self.cs = CompiledSystem(self.system)
        self.clock = resolve(dut, self.info.clock) if self.info.clock else None
        self.active = 0 if self.info.clock_edge == "negedge" else 1
        self.inputs = [(n, w, resolve(dut, n)) for n, w in self.info.inputs]
        missing = [n for n, _, h in self.inputs if h is None]
        if missing:
            raise RuntimeError(f"input ports not found in the RTL: {', '.join(missing)}")
        # Compared: every register and output the RTL has (model-only formal state is skipped).
        self.compared: list[tuple[str, object]] = []
        self.words: list[tuple[str, int, object]] = []
        self.skipped: list[str] = []
        names = list(dict.fromkeys(self.info.registers + [n for n, _ in self.info.outputs]))
        for n in names:
            h = resolve(dut, n)
            if h is None or n not in self.system.signals:
                self.skipped.append(n)
            elif n in self.info.memories:
                lo, depth = self.info.memories[n]
                words = memory_words(h, lo, depth)
                if not words:
                    self.skipped.append(n)
                self.words += [(n, i, w) for i, w in words]
            else:
                self.compared.append((n, h))
        model_only = {v for v in self.system.inputs if v.name.startswith("$") or "$" in v.name}
        self.nondet = set()
        for n, _ in self.compared:
            if model_only & set(T.free_vars([self.system.signals[n]])):
                self.nondet.add(n)

    def deposit_initial(self, state: dict) -> list[str]:
        """Give the RTL the model's values of registers that are free at step 0.

        Memory words a ``$readmemh`` leaves unset are free in the model and x
        in the RTL: they get the model's values too (only those words, so it
        does not matter whether the design's ``initial`` blocks ran yet).
        """
        done = []
        init = {s.name for s in self.system.init}
        unset = unset_memory_words(self.system)
        for s in self.system.states:
            n = s.name
            if (n in init and n not in unset) or n not in self.info.registers:
                continue
            h = resolve(self.dut, n)
            if h is None:
                continue
            v = state[n]
            if n in self.info.memories:
                lo, depth = self.info.memories[n]
                only = set(unset[n]) if n in init else None
                for i, w in memory_words(h, lo, depth):
                    if only is None or i in only:
                        w.value = v.read(i)
            else:
                h.value = v
            done.append(n)
        return done

    async def drive(self, values: dict) -> None:
        """Start a cycle: write the inputs (and the clock's idle level), wait until sampling time."""
        if self.clock is not None:
            self.clock.value = 1 - self.active
        for n, _, h in self.inputs:
            h.value = values[n]
        await Timer(SAMPLE_NS, unit="ns")

    async def edge(self) -> None:
        """End a cycle: the active clock edge, then the rest of the period."""
        if self.clock is not None:
            self.clock.value = self.active
        await Timer(PERIOD_NS - SAMPLE_NS, unit="ns")

    def compare(self, k: int, signals: dict) -> tuple[dict | None, list]:
        """First difference between the RTL now and the model's ``signals`` (and x/z notes)."""
        xs = []
        for n, h in self.compared:
            rv, mv = read(h), signals[n]
            if isinstance(rv, str):
                note = {"cycle": k, "signal": n, "rtl": rv, "model": fmt(mv)}
                if n in self.nondet:
                    xs.append(note)
                    continue
                return dict(note, reason="x/z in the RTL where the model has a defined value"), xs
            if rv != mv:
                return {"cycle": k, "signal": n, "rtl": fmt(rv), "model": fmt(mv)}, xs
        for n, i, h in self.words:
            rv, mv = read(h), signals[n].read(i)
            name = f"{n}[{self.info.memories[n][0] + i}]"
            if isinstance(rv, str):
                return {"cycle": k, "signal": name, "rtl": rv, "model": fmt(mv),
                        "reason": "x/z in the RTL where the model has a defined value"}, xs
            if rv != mv:
                return {"cycle": k, "signal": name, "rtl": fmt(rv), "model": fmt(mv)}, xs
        return None, xs


class Stimulus:
    """Random inputs with a reset sequence, filtered by the model's assumptions."""

    def __init__(self, h: Harness, rng: random.Random):
        self.h, self.rng, self.cfg = h, rng, h.cfg
        self.resets = reset_ports(h.info)
        self.rtl_inputs = [(n, w) for n, w, _ in h.inputs]
        self.prev: dict | None = None
        self.rejected = 0

    def _candidate(self, k: int, attempt: int) -> dict:
        rng = self.rng
        cand = self.h.cs.random_inputs(rng)    # model-only inputs and free states too
        hold = 0.0 if attempt == 0 or self.prev is None else min(0.9, 0.25 + attempt / 100)
        for n, w in self.rtl_inputs:
            if n in self.resets:
                on = k < self.cfg.reset_cycles or rng.random() < self.cfg.reset_rate
                if attempt > self.cfg.max_tries // 2 and k >= self.cfg.reset_cycles:
                    on = rng.random() < 0.5      # the assumption may be about the reset itself
                cand[n] = self.resets[n] if on else 1 - self.resets[n]
            elif self.prev is not None and rng.random() < hold:
                cand[n] = self.prev[n]
            else:
                cand[n] = rng.getrandbits(w)
        return cand

    def next(self, k: int, state: dict):
        """(inputs, observation) for cycle ``k`` satisfying every constraint, or (None, None)."""
        for attempt in range(self.cfg.max_tries):
            cand = self._candidate(k, attempt)
            obs = self.h.cs.observe(state, cand)
            if obs.constraints_ok:
                self.prev = cand
                return cand, obs
            self.rejected += 1
        return None, None


@cocotb.test()
async def lockstep(dut):
    """Drive random inputs; RTL and model must agree on every register and output, every cycle."""
    cfg = CosimConfig.load()
    t0 = time.perf_counter()
    try:
        h = Harness(dut, cfg)
    except Exception as e:  # noqa: BLE001 - reported to the runner, which raises it there
        write_result(cfg, {"status": "error", "error": f"{type(e).__name__}: {e}"})
        raise
    rng = random.Random(cfg.seed)
    state = h.cs.initial_state(rng=rng)
    deposited = h.deposit_initial(state)
    stim = Stimulus(h, rng)
    result = {"status": "pass", "cycles": 0, "signals": [n for n, _ in h.compared] + sorted({n for n, _, _ in h.words}),
              "skipped": h.skipped, "deposited": deposited, "x_values": [], "mismatch": None,
              "rejected_candidates": 0, "reset_ports": stim.resets, "clock": h.info.clock}
    k = 0
    t_loop = time.perf_counter()
    for k in range(cfg.cycles):
        inputs, obs = stim.next(k, state)
        if inputs is None:
            result.update(status="constraint", message=f"no input satisfying the design's assumptions "
                          f"found in {cfg.max_tries} random tries at cycle {k}")
            break
        await h.drive(inputs)
        mismatch, xs = h.compare(k, obs.signals)
        result["x_values"] += xs[:20 - len(result["x_values"])]
        if mismatch:
            mismatch["inputs"] = {n: fmt(inputs[n]) for n, _ in h.info.inputs}
            result.update(status="mismatch", mismatch=mismatch)
            break
        await h.edge()
        state = h.cs.step(state, inputs)
        result["cycles"] = k + 1
    result["rejected_candidates"] = stim.rejected
    result["seconds"] = time.perf_counter() - t0          # with lowering and compiling the model
    result["loop_seconds"] = time.perf_counter() - t_loop  # the lock-step loop alone
    result["sim_time_ns"] = (k + 1) * PERIOD_NS
    write_result(cfg, result)
    assert result["status"] == "pass", result.get("message") or \
        "cycle {cycle}: {signal} is {rtl} in the RTL but {model} in the model".format(**result["mismatch"])
