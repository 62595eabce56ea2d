"""Replay a noninterference counterexample in Icarus: the design twice, public inputs shared, secrets apart.

Why: a ``secure`` FAIL is a pair of runs of one design (``prover/selfcomp.py``);
the kernel replays it on the self-composition, and like every Verilog FAIL it
should also be shown in a simulator that knows nothing of our models.
``replay_secure(miter, traces, design)`` splits each trace into the two runs
(``a.*`` and ``b.*``): each run gets the shared public inputs, its own secret
inputs (a conditional secret, ``bus_wdata if ...``, as the value that run's
design saw: its own where the condition held, the shared one elsewhere) and
its own free initial register values. Both runs go into one testbench
(``replay_batch.replay_traces``: one instance of the design per run, driven
cycle by cycle), where every register and output of both instances must take
the model's values in every cycle, and the compared public signal must differ
between the two instances in the last cycle, where the trace says the runs
first differ. The outcome is the worse of the two runs'; ``not_replayed`` (with
the reason) when Icarus cannot build the design or the split is impossible.
"""
from __future__ import annotations

import re
from typing import Sequence

from hwverify.cosim.replay_batch import DISAGREE, NOT_REPLAYED, PARTLY, REPRODUCED, ReplayOutcome, replay_traces
from hwverify.semantics.evaluate import evaluate
from hwverify.semantics.replay import complete_trace
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.trace import Trace

__all__ = ["replay_secure", "split_runs"]

_XZ = re.compile(r"[xXzZ]")


def split_runs(miter: TransitionSystem, trace: Trace) -> tuple[Trace, Trace]:
    """The two runs of a self-composition trace as traces of the design itself (run ``a``, run ``b``)."""
    design: TransitionSystem = miter.design_system
    complete_trace(miter, trace)
    runs = []
    for side in "ab":
        inputs = miter.copy_inputs[side]   # input name -> the term this run's design reads
        frames = []
        for f in trace.frames:
            env = {v: f[v.name] for v in miter.variables if v.name in f}
            frame = {v.name: evaluate(inputs[v.name], env) for v in design.inputs}
            frame.update({s.name: f[f"{side}.{s.name}"] for s in design.states})
            frames.append(frame)
        runs.append(Trace(trace.prop, trace.kind, frames, design=trace.design))
    return runs[0], runs[1]


def replay_secure(miter: TransitionSystem, traces: Sequence[Trace], design: dict, *,
                  waves: str | None = None) -> list[ReplayOutcome]:
    """Replay each self-composition trace as two instances of the design in Icarus (module docstring)."""
    if getattr(miter, "design_system", None) is None or getattr(miter, "copy_inputs", None) is None:
        return [ReplayOutcome(t.prop, NOT_REPLAYED, t.depth, "not a self-composition this version can split")
                for t in traces]
    pairs = [split_runs(miter, t) for t in traces]
    runs = [r for pair in pairs for r in pair]
    outs = replay_traces(miter.design_system, runs, design, waves=waves)
    results = []
    for i, t in enumerate(traces):
        a, b = outs[2 * i], outs[2 * i + 1]
        worst = next((o for o in (a, b) if o.status in (DISAGREE, NOT_REPLAYED)), None)
        if worst is not None:
            side = "a" if worst is a else "b"
            out = ReplayOutcome(t.prop, worst.status, t.depth, f"run {side}: {worst.message}", worst.mismatch,
                                waveform=worst.waveform, instance=worst.instance)
            results.append(out)
            continue
        out = ReplayOutcome(t.prop, PARTLY if PARTLY in (a.status, b.status) else REPRODUCED, t.depth,
                            signals=a.signals + b.signals, x_values=a.x_values + b.x_values, waveform=a.waveform,
                            instance=f"{a.instance}, {b.instance}")
        va, vb = a.last.get(t.prop), b.last.get(t.prop)
        if va is None or vb is None or _XZ.search(va + vb):
            out.detail = (f"two instances (runs a and b); {t.prop} is not a register or port of the RTL: "
                          f"the model shows the difference on the values both instances took")
        elif va == vb:
            out.status = DISAGREE
            out.message = f"{t.prop} is 0x{va} in both runs in the simulator's last cycle (step {t.depth})"
        else:
            out.detail = (f"two instances (runs a and b, public inputs shared); {t.prop} is 0x{va} in run a "
                          f"and 0x{vb} in run b in the simulator")
        results.append(out)
    return results
