"""Named signal values along a trace, for tables and waveforms."""
from __future__ import annotations

from hwverify.semantics.evaluate import CompiledSystem
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.trace import Trace


def annotate_trace(system: TransitionSystem, trace: Trace) -> Trace:
    """Fill ``trace.signals`` with every named signal per frame (frames hold all variables)."""
    sim = CompiledSystem(system)
    trace.signals = []
    for frame in trace.frames:
        state = {s.name: frame[s.name] for s in system.states}
        inputs = {i.name: frame[i.name] for i in system.inputs}
        signals = dict(frame)
        signals.update(sim.observe(state, inputs).signals)
        trace.signals.append(signals)
    return trace


def complete_trace(system: TransitionSystem, trace: Trace) -> Trace:
    """Give every variable of ``system`` a value in every frame of ``trace``.

    Engines may work on a reduced system; the missing inputs and free values
    are set to 0 and all other states recomputed, which cannot change the
    property's outcome (it does not depend on them).
    """
    names = {v.name for v in system.variables}
    if all(names <= f.keys() for f in trace.frames):
        return trace
    sim = CompiledSystem(system)
    state = sim.initial_state(free=trace.frames[0])
    frames = []
    for j, frame in enumerate(trace.frames):
        inputs = {i.name: frame.get(i.name, 0) for i in system.inputs}
        full = dict(state)
        full.update(inputs)
        frames.append(full)
        if j + 1 < len(trace.frames):
            nxt = dict(inputs)
            nxt.update({s.name: trace.frames[j + 1].get(s.name, 0) for s in system.states if s not in system.next})
            state = sim.step(state, nxt)
    trace.frames = frames
    return trace
