"""Counterexamples to induction as data: named registers over k+1 frames, what fails, what is unreachable.

A CTI is the model of a failed step case: frames 0..k where the claim holds
in 0..k-1 (and the hypotheses everywhere) but not in frame k. It is not a
run from reset; what makes it useful is seeing *why* its first frames cannot
happen. So each register cell may carry a mark:

* ``unreachable`` (certain): the frame violates a proven invariant (a Houdini
  survivor) that reads this register;
* ``unseen`` (a hint): random simulation enumerated the register's values
  (few distinct ones) and never saw this one.

``to_trace`` turns it into a ``Trace`` whose ``signals`` are the frames as
they are (no replay from the initial state), for ``formats.vcd.write_vcd``
(SymbiYosys writes the same thing as ``trace_induct.vcd``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from hwverify.prover.tactics.naming import is_visible, source_names
from hwverify.prover.tactics.queries import Frames
from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import evaluate_many
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import BV, Term
from hwverify.semantics.trace import Trace
from hwverify.semantics.values import ArrayValue, Value

__all__ = ["CTI", "Row", "build_cti"]

MAX_SIGNAL_ROWS = 24      # combinational signals shown below the registers
FEW_VALUES = 16           # a register simulation saw at most this many values counts as enumerated


@dataclass
class Row:
    """One row of a CTI table: a name, its bit width and a value per frame, with per-frame marks."""

    name: str
    width: int
    values: list[Value]
    kind: str                      # "register", "input", "signal", "claim", "hypothesis"
    marks: dict[int, str] = field(default_factory=dict)   # frame -> "unreachable" | "unseen" | "violated"

    def cell(self, j: int) -> str:
        v = self.values[j]
        if isinstance(v, ArrayValue):
            return f"[{len(v.entries)} set]"
        if self.kind in ("claim", "hypothesis"):
            return "✓" if v else "✗"
        if self.width <= 1:
            return str(v)
        return format(v, f"0{(self.width + 3) // 4}x")


@dataclass
class CTI:
    """A counterexample to ``k``-induction of ``goal``: rows of named values over frames 0..k."""

    goal: str
    k: int
    rows: list[Row]
    violated: list[str]            # the claim parts false in frame k
    frames: Frames                 # the raw model (variable name -> value), for VCD and hints
    case: str | None = None
    blocked_by: list[str] = field(default_factory=list)   # invariants the CTI's first frames violate

    @property
    def registers(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "register"]

    def to_trace(self, system: TransitionSystem) -> Trace:
        """The CTI as a trace whose named signals are the frames themselves (for VCD)."""
        signals = [{r.name: r.values[j] for r in self.rows if r.kind in ("register", "input", "signal")}
                   for j in range(self.k + 1)]
        trace = Trace(self.goal, "assert", [dict(f) for f in self.frames])
        trace.signals = signals
        return trace


def build_cti(system: TransitionSystem, cone: TransitionSystem, frames: Frames, goal: str,
              claim: Sequence[tuple[str, Term]], hyps: Sequence[tuple[str, Term]] = (),
              seen: dict[str, set[int]] | None = None, case: str | None = None) -> CTI:
    """The CTI table of a SAT step model over ``cone`` (claim parts and hypotheses as check rows)."""
    k = len(frames) - 1
    names = source_names(system)
    envs = [{v: f[v.name] for v in cone.variables} for f in frames]
    rows: list[Row] = []
    for v in sorted(cone.states, key=lambda s: names.get(s, s.name)):
        name = names.get(v, v.name)
        if not is_visible(name):
            continue
        width = v.sort.width if isinstance(v.sort, BV) else v.sort.elem_width
        rows.append(Row(name, width, [f[v.name] for f in frames], "register"))
    for v in sorted(cone.inputs, key=lambda s: names.get(s, s.name)):
        name = names.get(v, v.name)
        if is_visible(name) and isinstance(v.sort, BV):
            rows.append(Row(name, v.sort.width, [f[v.name] for f in frames], "input"))
    rows += _signal_rows(system, cone, envs, {r.name for r in rows})
    violated = []
    for label, term in claim:
        values = [bool(x) for x in _eval_frames(term, envs)]
        row = Row(label, 1, values, "claim")
        if not values[k]:
            row.marks[k] = "violated"
            violated.append(label)
        rows.append(row)
    for label, term in hyps:
        rows.append(Row(label, 1, [bool(x) for x in _eval_frames(term, envs)], "hypothesis"))
    if seen:
        for row in rows:
            values = seen.get(row.name)
            if row.kind == "register" and values is not None and len(values) <= FEW_VALUES:
                for j, x in enumerate(row.values):
                    if not isinstance(x, ArrayValue) and x not in values:
                        row.marks[j] = "unseen"
    return CTI(goal, k, rows, violated, frames, case)


def _eval_frames(term: Term, envs: list[dict]) -> list[Value]:
    return [evaluate_many([term], env)[0] for env in envs]


def _signal_rows(system: TransitionSystem, cone: TransitionSystem, envs: list[dict],
                 taken: set[str]) -> list[Row]:
    """Named combinational signals computable from the cone's variables (wires such as ``full``)."""
    known = set(cone.variables)
    picked: list[tuple[str, Term]] = []
    for name, term in sorted(system.signals.items()):
        if name in taken or term.op == "var" or not isinstance(term.sort, BV) or not is_visible(name):
            continue
        if all(v in known for v in T.free_vars([term])):
            picked.append((name, term))
        if len(picked) >= MAX_SIGNAL_ROWS:
            break
    if not picked:
        return []
    values = [evaluate_many([t for _, t in picked], env) for env in envs]
    return [Row(name, term.sort.width, [vals[i] for vals in values], "signal")
            for i, (name, term) in enumerate(picked)]


def mark_unreachable(cti: CTI, system: TransitionSystem, invariants: Sequence[tuple[str, Term]]) -> None:
    """Mark the cells of registers read by a proven invariant that a frame of the CTI violates."""
    names = source_names(system)
    by_name = {r.name: r for r in cti.registers}
    frame_vars = {v.name: v for v in system.variables}
    blocked = []
    for text, term in invariants:
        reads = T.free_vars([term])
        if not all(v.name in cti.frames[0] for v in reads):
            continue
        for j, frame in enumerate(cti.frames):
            env = {frame_vars[n]: x for n, x in frame.items() if n in frame_vars}
            if not evaluate_many([term], env)[0]:
                if j < cti.k and text not in blocked:
                    blocked.append(text)
                for v in reads:
                    row = by_name.get(names.get(v, v.name))
                    if row is not None:
                        row.marks[j] = "unreachable"
    cti.blocked_by = blocked
