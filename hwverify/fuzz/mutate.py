"""Source-level mutants of a Verilog design, for measuring how much the bundled properties pin down.

``mutants(source)`` returns one ``Mutant`` per applicable edit, each a single
change in the design's code (never in comments, strings or the
`` `ifdef FORMAL`` section that holds the properties):

* ``+`` -> ``-`` and ``-`` -> ``+`` (binary), ``&`` -> ``|``, ``|`` -> ``&``,
  ``&&`` -> ``||``, ``||`` -> ``&&``, ``^`` -> ``&``;
* ``<`` -> ``<=``, ``>`` -> ``>=``, ``>=`` -> ``>``, ``==`` -> ``!=``, ``!=`` -> ``==``;
* a constant off by one (sized literals such as ``4'd9`` and plain decimals
  outside ranges and selects), up and down;
* a non-blocking assignment dropped (``q <= d;`` becomes ``;``).

A mutant may not parse or lower (``q <= d`` removed from the only branch of
an ``if`` is fine, but a constant that no longer fits may be rejected); the
caller skips those. ``bench/mutation_score.py`` runs ``hwverify prove`` on
every mutant of every bundled ``// expect: pass`` design.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

__all__ = ["Mutant", "mutants", "code_mask"]


@dataclass
class Mutant:
    index: int
    operator: str          # e.g. "+ -> -", "const+1", "drop <="
    line: int
    original: str          # the text replaced
    replacement: str
    source: str            # the whole mutated source

    def describe(self) -> str:
        return f"#{self.index} line {self.line}: {self.operator}: {self.original!r} -> {self.replacement!r}"

    def diff(self, original_source: str, name: str = "design.v") -> str:
        return "".join(difflib.unified_diff(original_source.splitlines(True), self.source.splitlines(True),
                                            f"a/{name}", f"b/{name}", n=1))


def code_mask(source: str) -> list[bool]:
    """Per character: is it design code (not a comment, string, directive or `ifdef FORMAL block)?"""
    mask = [True] * len(source)

    def blank(a: int, b: int) -> None:
        for i in range(a, min(b, len(source))):
            mask[i] = False

    for m in re.finditer(r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\])*\"", source, re.S):
        blank(m.start(), m.end())
    for m in re.finditer(r"`ifn?def\s+FORMAL\b", source):
        depth, pos = 1, m.end()
        for d in re.finditer(r"`(ifdef|ifndef|endif)\b", source[pos:]):
            depth += 1 if d.group(1) != "endif" else -1
            if depth == 0:
                blank(m.start(), pos + d.end())
                break
        else:
            blank(m.start(), len(source))
    for m in re.finditer(r"`\w+[^\n]*", source):   # other directives
        blank(m.start(), m.end())
    # ranges in declarations and selects: [7:0], [i +: 4], mem [0:3]
    for m in re.finditer(r"\[[^\[\]]*\]", source):
        if ":" in m.group(0):
            blank(m.start(), m.end())
    # the module header and parameter/port declarations
    for m in re.finditer(r"\bmodule\b.*?\);", source, re.S):
        blank(m.start(), m.end())
    for m in re.finditer(r"^\s*(input|output|inout|wire|reg|integer|genvar)\b[^;]*;", source, re.M):
        if "=" not in m.group(0):
            blank(m.start(), m.end())
    return mask


# (pattern, replacement, name): each match inside code becomes one mutant
_SWAPS = [
    (r"(?<![+\s(\[{,=:?])\s*\+(?![+:=])", "+", "-"),
    (r"(?<![\s(\[{,=:?'])\s*-(?![-:>=])", "-", "+"),
    (r"(?<![&~])&(?![&])", "&", "|"),
    (r"(?<![|~])\|(?![|])", "|", "&"),
    (r"&&", "&&", "||"),
    (r"\|\|", "||", "&&"),
    (r"(?<![~])\^(?!~)", "^", "&"),
    (r"(?<![<])<(?![<=])", "<", "<="),
    (r"(?<![>\-])>(?![>=])", ">", ">="),
    (r"(?<![>])>=", ">=", ">"),
    (r"(?<![=!])==(?!=)", "==", "!="),
    (r"!=(?!=)", "!=", "=="),
]


def _binary_context(source: str, start: int) -> bool:
    """Is the operator at ``start`` binary (something value-like just before it)?"""
    j = start - 1
    while j >= 0 and source[j] in " \t":
        j -= 1
    return j >= 0 and (source[j].isalnum() or source[j] in ")]}_'")


def _line(source: str, pos: int) -> int:
    return source.count("\n", 0, pos) + 1


def mutants(source: str) -> list[Mutant]:
    """Every single-edit mutant of ``source``'s design code, in source order per operator."""
    mask = code_mask(source)
    out: list[Mutant] = []

    def add(start: int, end: int, new: str, op: str) -> None:
        if not all(mask[start:end]):
            return
        old = source[start:end]
        out.append(Mutant(len(out), op, _line(source, start), old, new, source[:start] + new + source[end:]))

    nonblocking = _nonblocking(source, mask)
    nb_ops = {m.start(2) for m in nonblocking}
    for pattern, old, new in _SWAPS:
        for m in re.finditer(pattern, source):
            start = m.end() - len(old)
            if start in nb_ops:
                continue    # the '<' of a non-blocking assignment
            if old in ("+", "-", "&", "|", "^") and not _binary_context(source, start):
                continue    # unary or reduction
            add(start, m.end(), new, f"{old} -> {new}")
    for m in re.finditer(r"\b(\d+)'([sS]?)([dDhHbBoO])([0-9a-fA-F_xXzZ?]+)|(?<!['\w.$?])(\d+)\b(?!')", source):
        if m.group(1):
            width, signed, base, digits = int(m.group(1)), m.group(2), m.group(3).lower(), m.group(4)
            if re.search(r"[xXzZ?]", digits):
                continue    # a wildcard or x/z literal: no single value to move
            value = int(digits.replace("_", ""), {"d": 10, "h": 16, "b": 2, "o": 8}[base])
            for delta in (1, -1):
                v = value + delta
                if 0 <= v < (1 << width):
                    add(m.start(), m.end(), f"{width}'{signed}d{v}", f"const{delta:+d}")
        else:
            value = int(m.group(5))
            for delta in (1, -1):
                if value + delta >= 0:
                    add(m.start(5), m.end(5), str(value + delta), f"const{delta:+d}")
    for m in nonblocking:
        add(m.start(), m.end(), ";", "drop <=")
    for i, mu in enumerate(out):
        mu.index = i
    return out


def _nonblocking(source: str, mask: list[bool]) -> list[re.Match]:
    """Non-blocking assignments ``target <= expr;`` that start a statement."""
    found = []
    for m in re.finditer(r"(?:(?<=[;\n)])|(?<=\bbegin)|(?<=\belse)|(?<=:))([ \t]*[A-Za-z_][\w.]*"
                         r"(?:\[[^\]]*\])*[ \t]*)(<=)[^;]*;", source):
        if all(mask[m.start(2):m.end(2)]):
            found.append(m)
    return found
