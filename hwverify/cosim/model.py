"""The model's side of a batch cosim or replay: one compiled call per cycle, rows in the simulator's format.

Why: the simulator dumps each cycle's values as hex text (``%h``: zero-padded
to the width's digits); formatting the model's values the same way makes the
comparison one string test per cycle, and only a differing row is taken apart
field by field (x/z bits, which signal, both values).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from hwverify.cosim.mapping import PortMap
from hwverify.cosim.testbench import hex_digits
from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import check_value, compile_terms, default_value
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.values import Value

__all__ = ["ModelSide", "Difference", "first_difference"]

_XZ = re.compile(r"[xXzZ]")


@dataclass
class Difference:
    """The first field of a row where the RTL and the model disagree."""

    cycle: int
    signal: str
    rtl: str
    model: str
    reason: str = ""

    def to_json(self) -> dict:
        d = {"cycle": self.cycle, "signal": self.signal, "rtl": self.rtl, "model": self.model}
        if self.reason:
            d["reason"] = self.reason
        return d


class ModelSide:
    """``system`` compiled for the fields of ``pm``: constraint, compared values, asserts, next state."""

    def __init__(self, system: TransitionSystem, pm: PortMap):
        self.system, self.pm = system, pm
        self.states = list(system.states)
        self.inputs = list(system.inputs)
        self.state_names = [s.name for s in self.states]
        self.input_names = [v.name for v in self.inputs]
        self.stepped = [i for i, s in enumerate(self.states) if s in system.next]
        self.free = [i for i, s in enumerate(self.states) if s not in system.next]
        self.memories = list(dict.fromkeys(n for n, _, _ in pm.words))
        self.asserts = [p.name for p in system.asserts]
        terms = ([T.and_all(system.constraints)] + [system.signals[n] for n, _ in pm.compared]
                 + [system.signals[m] for m in self.memories] + [p.term for p in system.asserts]
                 + [system.next[self.states[i]] for i in self.stepped])
        self.fn = compile_terms(terms, self.states + self.inputs)
        self.nc, self.nm, self.na = len(pm.compared), len(self.memories), len(self.asserts)
        mem_index = {m: 1 + self.nc + i for i, m in enumerate(self.memories)}
        self.word_at = [(mem_index[n], off) for n, off, _ in pm.words]
        self.fmt = " ".join([f"{{:0{hex_digits(w)}x}}" for _, w in pm.compared]
                            + [f"{{:0{hex_digits(self._word_width(n))}x}}" for n, _, _ in pm.words])
        self.field_names = [n for n, _ in pm.compared] + [f"{n}[{idx}]" for n, _, idx in pm.words]
        self.nondet_fields = {i for i, (n, _) in enumerate(pm.compared) if n in pm.nondet}

    def _word_width(self, name: str) -> int:
        return self.system.signals[name].sort.elem_width

    def state_tuple(self, values: dict) -> tuple:
        return tuple(check_value(s, values[s.name]) if s.name in values else default_value(s.sort)
                     for s in self.states)

    def input_tuple(self, values: dict) -> tuple:
        return tuple(check_value(v, values[v.name]) if v.name in values else default_value(v.sort)
                     for v in self.inputs)

    def cycle(self, state: tuple, inputs: tuple) -> tuple:
        return self.fn(state + inputs)

    def constraints_ok(self, out: tuple) -> bool:
        return bool(out[0])

    def row(self, out: tuple) -> str:
        vals = list(out[1:1 + self.nc]) + [out[i].read(off) for i, off in self.word_at]
        return self.fmt.format(*vals)

    def assert_values(self, out: tuple) -> dict[str, bool]:
        base = 1 + self.nc + self.nm
        return {n: bool(v) for n, v in zip(self.asserts, out[base:base + self.na])}

    def next_state(self, out: tuple, state: tuple, free_next: Sequence[Value] | None = None) -> tuple:
        """The state after this cycle; free states take ``free_next`` (default: they keep their value)."""
        nxt = list(state)
        base = 1 + self.nc + self.nm + self.na
        for j, i in enumerate(self.stepped):
            nxt[i] = out[base + j]
        for j, i in enumerate(self.free):
            if free_next is not None:
                nxt[i] = free_next[j]
        return tuple(nxt)


def first_difference(side: ModelSide, cycle: int, rtl_row: str, model_row: str,
                     x_notes: list | None = None, x_unknown: bool = False) -> Difference | None:
    """The first field where ``rtl_row`` and ``model_row`` differ.

    x/z bits in the RTL are noted (in ``x_notes``, at most 20), not a
    difference, where the model's value is nondeterministic or, with
    ``x_unknown``, anywhere (replay: x is any value, and the model chose one).
    """
    rtl, model = rtl_row.split(), model_row.split()
    if len(rtl) != len(model):
        return Difference(cycle, "(row)", rtl_row or "(missing)", model_row, "the simulator wrote no values "
                          "for this cycle" if not rtl else "row lengths differ")
    for i, (r, m) in enumerate(zip(rtl, model)):
        if r == m:
            continue
        if _XZ.search(r):
            if x_unknown or i in side.nondet_fields:
                if x_notes is not None and len(x_notes) < 20:
                    x_notes.append({"cycle": cycle, "signal": side.field_names[i], "rtl": r, "model": "0x" + m})
                continue
            return Difference(cycle, side.field_names[i], r, "0x" + m,
                              "x/z in the RTL where the model has a defined value")
        if int(r, 16) != int(m, 16):
            return Difference(cycle, side.field_names[i], "0x" + r.lstrip("0").rjust(1, "0"),
                              "0x" + m.lstrip("0").rjust(1, "0"))
    return None
