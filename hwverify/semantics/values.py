"""Concrete values: ints for bit-vectors, ``ArrayValue`` for arrays.

``ArrayValue`` is an immutable default-plus-exceptions map. Equality is on
the normalised representation (entries equal to the default are dropped);
two arrays can have equal contents yet differ in representation when every
index is written, so compare contents with ``evaluate.array_equal(a, b,
index_width)``, which knows the index width.
"""
from __future__ import annotations

from typing import Mapping, Union


class ArrayValue:
    """An array value: every index maps to ``default`` except those in ``entries``."""

    __slots__ = ("default", "entries", "_hash")

    def __init__(self, default: int, entries: Mapping[int, int] | None = None):
        self.default = default
        self.entries = {i: v for i, v in (entries or {}).items() if v != default}
        self._hash: int | None = None

    def read(self, index: int) -> int:
        return self.entries.get(index, self.default)

    def write(self, index: int, value: int) -> "ArrayValue":
        new = dict(self.entries)
        new[index] = value
        return ArrayValue(self.default, new)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, ArrayValue) and self.default == other.default
                and self.entries == other.entries)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self.default, frozenset(self.entries.items())))
        return self._hash

    def __repr__(self) -> str:
        items = ", ".join(f"{i}: {v}" for i, v in sorted(self.entries.items()))
        return f"ArrayValue(default={self.default}, {{{items}}})"

    def to_json(self) -> dict:
        return {"default": self.default, "entries": {str(i): v for i, v in sorted(self.entries.items())}}

    @staticmethod
    def from_json(data: Mapping) -> "ArrayValue":
        return ArrayValue(int(data["default"]), {int(i): int(v) for i, v in data["entries"].items()})


Value = Union[int, ArrayValue]


def value_to_json(v: Value) -> int | dict:
    return v.to_json() if isinstance(v, ArrayValue) else v


def value_from_json(v: int | Mapping) -> Value:
    return ArrayValue.from_json(v) if isinstance(v, Mapping) else int(v)
