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
