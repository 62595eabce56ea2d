"""Replay counterexamples in Icarus at simulator speed: all traces of a task in one build and one run.

Why: every FAIL is replayed by default, so replay must cost little and must
use the very system the proof used (any frontend, properties given on the
command line included). ``replay_traces(system, traces, design)``:

* elaborates the RTL in Icarus and matches it with ``system`` by name
  (``mapping.map_design``); the RTL is compiled with ``FORMAL`` when Icarus
  can run the design's formal code (no ``$past``-family or
  ``$anyconst``-family functions), so Icarus checks the assertions itself;
* gives each trace its own instance of the design in one testbench
  (``testbench.Run``): the trace's values of registers free at step 0 are
  deposited at time 0, its inputs driven cycle by cycle;
* compares every register and output the RTL has with the model's values
  along the trace, cycle by cycle;
* evaluates the failing property with our evaluator on the simulator's
  values (registers taken from Icarus, formal-only state computed from them)
  and, when Icarus ran the formal code, checks that Icarus reported the
  property's line in the trace's last cycle.

A trace is ``reproduced`` when all of that holds, ``disagree`` otherwise (the
first signal, cycle and both values), and ``not_replayed`` when Icarus cannot
build the design (the reason is given; the FAIL stands on the kernel's check).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Sequence

from hwverify.cosim.common import src_has_formal_functions
from hwverify.cosim.mapping import PortMap, map_design
from hwverify.cosim.model import ModelSide, first_difference
from hwverify.cosim.rtl import RtlDesign, RtlError, elaborate, have_iverilog
from hwverify.cosim.testbench import EDGE, PERIOD, Run, Simulation
from hwverify.errors import HwverifyError
from hwverify.semantics.replay import complete_trace
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.trace import Trace

__all__ = ["ReplayOutcome", "replay_traces", "REPRODUCED", "PARTLY", "DISAGREE", "NOT_REPLAYED"]

REPRODUCED, PARTLY, DISAGREE, NOT_REPLAYED = "reproduced", "partly", "disagree", "not_replayed"
_XZ = re.compile(r"[xXzZ]")


@dataclass
class ReplayOutcome:
    """What the simulator did with one counterexample."""

    prop: str
    status: str
    depth: int = 0
    message: str = ""
    mismatch: dict | None = None
    signals: int = 0                         # values compared per cycle
    prop_on_rtl: list[bool] = field(default_factory=list)   # the property per cycle, on the simulator's values
    assertion_checked: bool = False          # Icarus ran the formal code and reported the assertion
    icarus_fired_ns: list[int] = field(default_factory=list)
    waveform: str | None = None
    instance: str = ""
    x_values: list[dict] = field(default_factory=list)   # x/z in the RTL where the model chose a value
    last: dict[str, str] = field(default_factory=dict)   # the simulator's values in the last cycle (hex text)
    detail: str = ""                         # what else was checked (equivalence: the outputs that differ)

    @property
    def ok(self) -> bool:
        return self.status != DISAGREE

    def summary(self) -> str:
        if self.status in (REPRODUCED, PARTLY):
            how = f"the RTL took the trace's values on {self.signals} registers and outputs in every cycle"
            if self.assertion_checked:
                how = "Icarus reported the assertion in the same cycle, and t" + how[1:]
            if self.prop_on_rtl:
                how += "; the property, evaluated on the simulator's values, fails there"
            if self.detail:
                how += f"; {self.detail}"
            s = f"replay REPRODUCED {self.prop} at step {self.depth} in Icarus: {how}"
            if self.status == PARTLY:
                x = self.x_values[0]
                s = (f"replay PARTLY REPRODUCED {self.prop} at step {self.depth} in Icarus: every defined value "
                     f"agrees, but the RTL has x/z where the model chose a value ({len(self.x_values)} values, "
                     f"first {x['signal']} in cycle {x['cycle']}: registers the simulator leaves uninitialised "
                     f"that the model names differently)")
        elif self.status == NOT_REPLAYED:
            s = f"replay SKIPPED ({self.prop}): {self.message}"
        else:
            s = f"replay NOT REPRODUCED ({self.prop}): model and RTL disagree: {self.message}"
        if self.waveform:
            s += f"\n  waveform: {self.waveform} (scope {self.instance})"
        return s

    def to_json(self) -> dict:
        return {"prop": self.prop, "status": self.status, "depth": self.depth, "message": self.message,
                "mismatch": self.mismatch, "signals": self.signals, "assertion_checked": self.assertion_checked,
                "icarus_fired_ns": self.icarus_fired_ns, "waveform": self.waveform, "x_values": self.x_values}


def _instance_name(i: int, prop: str) -> str:
    return f"cex{i}_" + (re.sub(r"\W+", "_", prop).strip("_")[:40] or "prop")


def _build_rtl(design: dict, formal: bool | None) -> tuple[RtlDesign, bool]:
    files, top = design["files"], design["top"]
    defines, includes = dict(design.get("defines") or {}), list(design.get("include_dirs") or [])
    if formal is None:
        formal = not src_has_formal_functions(files)
    if formal:
        try:
            return elaborate(files, top, formal=True, defines=defines, include_dirs=includes), True
        except RtlError:
            pass      # formal code Icarus cannot compile: the values are still compared
    return elaborate(files, top, formal=False, defines=defines, include_dirs=includes), False


def replay_traces(system: TransitionSystem, traces: Sequence[Trace], design: dict, *,
                  work_dir: str | None = None, waves: str | None = None,
                  formal: bool | None = None) -> list[ReplayOutcome]:
    """Replay ``traces`` (counterexamples of ``system``) in Icarus; one outcome per trace, in order."""
    if not traces:
        return []
    if not have_iverilog():
        return [ReplayOutcome(t.prop, NOT_REPLAYED, t.depth, "Icarus Verilog is not installed") for t in traces]
    try:
        rtl, formal = _build_rtl(design, formal)
        pm = map_design(system, rtl)
        side = ModelSide(system, pm)
    except HwverifyError as e:
        return [ReplayOutcome(t.prop, NOT_REPLAYED, t.depth, e.message) for t in traces]
    own = work_dir is None
    work = work_dir or tempfile.mkdtemp(prefix="hwverify-replay-")
    if waves:
        os.makedirs(os.path.dirname(os.path.abspath(waves)), exist_ok=True)
    try:
        runs, expected = [], []
        for i, t in enumerate(traces):
            complete_trace(system, t)
            frames = t.frames
            stimulus = [[int(f.get(n, 0)) for n, _ in pm.inputs] for f in frames]
            deposits: dict[str, object] = {n: frames[0][n] for n in pm.deposits if n in frames[0]}
            for n, offsets in pm.unset_words.items():
                deposits[n] = {j: frames[0][n].read(j) for j in offsets}
            runs.append(Run(_instance_name(i, t.prop), stimulus, deposits))
            expected.append([side.row(side.cycle(side.state_tuple(f), side.input_tuple(f))) for f in frames])
        sim = Simulation(pm, design["files"], work, formal=formal, defines=design.get("defines"),
                         include_dirs=design.get("include_dirs") or [], waves=waves)
        try:
            sim.run(runs)
        except HwverifyError as e:
            return [ReplayOutcome(t.prop, NOT_REPLAYED, t.depth, e.message) for t in traces]
        fired = sim.assertion_errors()
        return [_judge(system, side, pm, t, run, rows, fired if formal else None, waves)
                for t, run, rows in zip(traces, runs, expected)]
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)


def _judge(system: TransitionSystem, side: ModelSide, pm: PortMap, trace: Trace, run: Run,
           expected: list[str], fired: list | None, waves: str | None) -> ReplayOutcome:
    out = ReplayOutcome(trace.prop, REPRODUCED, trace.depth, signals=len(side.field_names),
                        waveform=waves, instance=run.name)
    if run.rows:
        out.last = dict(zip(side.field_names, run.rows[-1].split()))
    for k, (r, m) in enumerate(zip(run.rows, expected)):
        if r != m and (diff := first_difference(side, k, r, m, out.x_values, x_unknown=True)) is not None:
            out.status, out.mismatch = DISAGREE, diff.to_json()
            out.message = (f"cycle {diff.cycle}: {diff.signal} is {diff.rtl} in the RTL but {diff.model} in the "
                           f"model" + (f" ({diff.reason})" if diff.reason else ""))
            return out
    if out.x_values:
        out.status = PARTLY
    out.prop_on_rtl = _property_on_rtl(side, pm, trace, run.rows)
    if trace.prop in side.asserts and (not out.prop_on_rtl or out.prop_on_rtl[-1]):
        out.status = DISAGREE
        out.message = (f"{trace.prop}, evaluated on the simulator's values, holds in the trace's last cycle "
                       f"(step {trace.depth})")
        return out
    prop = next((p for p in system.asserts if p.name == trace.prop), None)
    if fired is not None and prop is not None and prop.loc is not None and prop.loc.line:
        file = os.path.basename(prop.loc.file or "")
        times = [t for f, line, t, inst in fired   # time 0: x values before the first inputs settle
                 if inst == run.name and line == prop.loc.line and (not file or f == file)
                 and (t > 0 or trace.depth == 0)]
        d = trace.depth
        lo, hi = d * PERIOD - (PERIOD - EDGE), d * PERIOD + EDGE
        out.icarus_fired_ns = times[:5]
        if times:
            out.assertion_checked = True
            if not lo <= times[0] <= hi:
                out.status = DISAGREE
                out.message = (f"Icarus reported the assertion at {file}:{prop.loc.line} at {times[0]} ns, "
                               f"not in cycle {d} ({lo}..{hi} ns)")
    return out


def _property_on_rtl(side: ModelSide, pm: PortMap, trace: Trace, rows: list[str]) -> list[bool]:
    """The property in each cycle, evaluated on the simulator's register values (formal-only state from them)."""
    if trace.prop not in side.asserts:
        return []
    system = side.system
    index = {n: i for i, n in enumerate(side.state_names)}
    own = [(j, index[n]) for j, (n, _) in enumerate(pm.compared)
           if n in index and system.signals.get(n) is side.states[index[n]]]
    state = side.state_tuple(trace.frames[0])
    values = []
    for k, frame in enumerate(trace.frames):
        fields = rows[k].split() if k < len(rows) else []
        if fields:
            st = list(state)
            for j, i in own:
                if j < len(fields) and not _XZ.search(fields[j]):
                    st[i] = int(fields[j], 16)
            state = tuple(st)
        res = side.cycle(state, side.input_tuple(frame))
        values.append(side.assert_values(res)[trace.prop])
        nxt = trace.frames[k + 1] if k + 1 < len(trace.frames) else frame
        state = side.next_state(res, state, [nxt[side.state_names[i]] for i in side.free])
    return values
