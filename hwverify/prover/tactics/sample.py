"""Reachable states sampled by random simulation: the raw material of Houdini and of CTI hints.

Why biased inputs: a uniformly random 1-bit reset or enable holds the
design near its reset state (half of all cycles reset it), so each run draws
a bias per 1-bit input (rarely, evenly or mostly set) and keeps it. A run is
cut at the first cycle whose constraints fail: later states are not reachable
under the design's assumptions. Only bit-vector states are sampled; memories
are left out of the candidate language.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from hwverify.semantics.evaluate import CompiledSystem
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import BV, Term

__all__ = ["Sample", "sample_reachable"]

_BIASES = (0.02, 0.2, 0.5, 0.8, 0.98)


@dataclass
class Sample:
    """States seen in simulation, as rows of register values (bit-vector states only)."""

    registers: list[Term]
    rows: list[tuple[int, ...]] = field(default_factory=list)

    def column(self, i: int) -> list[int]:
        return [r[i] for r in self.rows]

    def values(self) -> dict[str, set[int]]:
        """Every value each register took, by name."""
        return {v.name: {r[i] for r in self.rows} for i, v in enumerate(self.registers)}


def sample_reachable(system: TransitionSystem, runs: int = 12, cycles: int = 120, seed: int = 0,
                     max_rows: int = 4000) -> Sample:
    """States along random runs from the initial states (distinct rows, at most ``max_rows``)."""
    registers = [s for s in system.states if isinstance(s.sort, BV)]
    sample = Sample(registers)
    if not system.states:
        return sample
    sim = CompiledSystem(system)
    rng = random.Random(seed)
    seen: set[tuple[int, ...]] = set()
    for run in range(runs):
        bias = {v.name: rng.choice(_BIASES) for v in system.inputs + [s for s in system.states
                                                                      if s not in system.next]
                if isinstance(v.sort, BV) and v.sort.width == 1}

        def stimulus(_k: int, bias: dict[str, float] = bias) -> dict[str, int]:
            return {n: int(rng.random() < p) for n, p in bias.items()}
        length = cycles if run % 3 else cycles * 4   # some long runs reach deep states
        result = sim.simulate(length, rng, stimulus, record=True, stop_on_fail=False)
        stop = result.constraint_violated_at[0] if result.constraint_violated_at else len(result.states)
        for state in result.states[:stop]:
            row = tuple(state[v.name] for v in registers)
            if row not in seen:
                seen.add(row)
                sample.rows.append(row)
                if len(sample.rows) >= max_rows:
                    return sample
    return sample
