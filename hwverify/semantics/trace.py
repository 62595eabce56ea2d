"""Counterexample and cover traces: the value of every variable in every cycle.

A trace is plain data (JSON round-trippable) so the kernel, the CLI, the VCD
writer and the simulator replay can consume it without engine code. Frame 0
is the initial state; the property named ``prop`` fails (or, for covers, is
hit) in the last frame.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hwverify.semantics.values import Value, value_from_json, value_to_json


@dataclass
class Trace:
    """Per-cycle values of inputs and states, keyed by variable name."""

    prop: str
    kind: str  # "assert" (counterexample) or "cover" (witness)
    frames: list[dict[str, Value]] = field(default_factory=list)
    signals: list[dict[str, Value]] = field(default_factory=list)  # named signals, filled by replay
    # how to rebuild the design (files, top, frontend, defines, include_dirs): for simulator replay
    design: dict[str, Any] | None = None

    @property
    def depth(self) -> int:
        """Index of the last frame (0-based, SBY's step numbering)."""
        return len(self.frames) - 1

    def to_json(self) -> dict[str, Any]:
        data = {
            "prop": self.prop,
            "kind": self.kind,
            "frames": [{k: value_to_json(v) for k, v in f.items()} for f in self.frames],
        }
        if self.design is not None:
            data["design"] = self.design
        return data

    @staticmethod
    def from_json(data: dict[str, Any]) -> "Trace":
        return Trace(data["prop"], data["kind"],
                     [{k: value_from_json(v) for k, v in f.items()} for f in data["frames"]],
                     design=data.get("design"))

    def dump(self, path: str) -> None:
        with open(path, "w") as fh:
            json.dump(self.to_json(), fh, indent=1)

    @staticmethod
    def load(path: str) -> "Trace":
        with open(path) as fh:
            return Trace.from_json(json.load(fh))
