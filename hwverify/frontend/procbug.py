"""A workaround for yosys' nested non-blocking override bug, applied to Verilog source text.

yosys' Verilog frontend (0.70 and earlier) turns

    always @(posedge clk) if (a) begin if (b) r <= 0; r <= x; end

into a process whose case for ``a`` assigns ``r <= x`` *before* the switch on
``b`` (an RTLIL case lists its assignments before its switches), so the
design it models is ``if (a) r <= b ? 0 : x`` instead of ``if (a) r <= x``.
Blocking assignments, and the same code directly in the ``always`` body, are
lowered correctly. SymbiYosys uses the same frontend, so it gives the same
wrong FAIL.

``find_overrides`` finds the pattern: inside a ``begin``/``end`` block that
is itself under an ``if``/``case`` branch, a plain non-blocking assignment to
a variable that an earlier ``if``/``case`` of the same block also assigns.
``patch_overrides`` wraps each such assignment in ``if (1'b1)``, which yosys
keeps as a switch after the earlier one, in source order: the meaning the
Verilog standard gives. Lines stay where they were (only columns move on
the patched lines), so source locations keep pointing at the user's file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from hwverify.frontend.blanking import blank_source

__all__ = ["Override", "find_overrides", "patch_overrides", "PATCH"]

PATCH = "if (1'b1) "

_TOKEN = re.compile(r"\\\S+|[A-Za-z_$][\w$]*|\d[\w']*|'[sS]?[bBoOdDhH]\s*[\w?]+|<=|==|!=|>=|::|\S")
_CONDITIONAL = {"if", "case", "casez", "casex", "for", "while", "repeat", "forever", "foreach", "do"}
_QUALIFIERS = {"unique", "unique0", "priority"}
_ALWAYS = {"always", "always_ff", "always_comb", "always_latch"}


@dataclass(frozen=True)
class Override:
    """One assignment yosys would misorder: its offset and line, the variable, the earlier statement's line."""

    offset: int
    line: int
    target: str
    earlier_line: int


@dataclass
class _Assign:
    base: str
    select: tuple[int, int] | None   # constant bit range, None for the whole variable or a dynamic index
    nonblocking: bool
    offset: int


class _Scanner:
    """A statement-level walk over the ``always`` blocks of one Verilog file (tokens only, no elaboration)."""

    def __init__(self, text: str):
        self.text = text
        self.toks = [(m.group(0), m.start()) for m in _TOKEN.finditer(blank_source(text, directives="word"))]
        self.found: list[Override] = []

    def tok(self, i: int) -> str:
        return self.toks[i][0] if i < len(self.toks) else ""

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def run(self) -> list[Override]:
        i = 0
        while i < len(self.toks):
            if self.tok(i) in _ALWAYS:
                i = self.skip_event(i + 1)
                i, _ = self.statement(i, 0)
            else:
                i += 1
        return self.found

    def skip_event(self, i: int) -> int:
        """Past ``@(...)``, ``@*``, ``@ident`` or ``#delay`` controls."""
        while self.tok(i) in ("@", "#"):
            i += 1
            if self.tok(i) == "(":
                i = self.balanced(i)
            else:
                i += 1
        return i

    def balanced(self, i: int) -> int:
        """Past the parenthesised group starting at ``i``."""
        depth = 0
        while i < len(self.toks):
            t = self.tok(i)
            depth += t in "([{" and len(t) == 1
            depth -= t in ")]}" and len(t) == 1
            i += 1
            if depth == 0:
                break
        return i

    def until_semicolon(self, i: int) -> int:
        depth = 0
        while i < len(self.toks):
            t = self.tok(i)
            if len(t) == 1 and t in "([{":
                depth += 1
            elif len(t) == 1 and t in ")]}":
                depth -= 1
            elif t == ";" and depth <= 0:
                return i + 1
            elif t in ("end", "endcase", "join") and depth <= 0:
                return i
            i += 1
        return i

    def statement(self, i: int, depth: int) -> tuple[int, list[tuple[str, list[_Assign], int]]]:
        """Parse one statement; return the index after it and its items.

        Items are ``("plain", [assignment], offset)`` for assignments that run
        whenever the enclosing block runs (a ``begin``/``end`` without a
        condition is flattened into its parent, as yosys does) and
        ``("cond", assignments, offset)`` for an ``if``/``case``/loop.
        ``depth`` counts the conditional branches around the statement.
        """
        i = self.skip_event(i)
        while self.tok(i) in _QUALIFIERS:
            i += 1
        t = self.tok(i)
        start = self.toks[i][1] if i < len(self.toks) else len(self.text)
        if t in ("begin", "fork"):
            i += 1
            if self.tok(i) == ":":
                i += 2
            items: list[tuple[str, list[_Assign], int]] = []
            while i < len(self.toks) and self.tok(i) not in ("end", "join", "join_any", "join_none"):
                if self.tok(i) in ("reg", "integer", "logic", "bit", "int", "wire", "genvar", "localparam"):
                    i = self.until_semicolon(i)
                    continue
                before = i
                i, sub = self.statement(i, depth)
                items += sub
                if i == before:
                    i += 1
            i += 1
            if self.tok(i) == ":":
                i += 2
            if depth > 0:
                self.check_block(items)
            return i, items
        if t in _CONDITIONAL:
            assigns: list[_Assign] = []
            if t == "if":
                i = self.balanced(i + 1)
                i, sub = self.statement(i, depth + 1)
                assigns += [a for _, a_list, _ in sub for a in a_list]
                if self.tok(i) == "else":
                    i, sub = self.statement(i + 1, depth + 1)
                    assigns += [a for _, a_list, _ in sub for a in a_list]
            elif t in ("case", "casez", "casex"):
                i = self.balanced(i + 1)
                if self.tok(i) in ("inside", "matches"):
                    i += 1
                while i < len(self.toks) and self.tok(i) != "endcase":
                    # case item labels up to ':' at the top level (``default`` may omit it)
                    j, depth_p = i, 0
                    while j < len(self.toks):
                        tj = self.tok(j)
                        if len(tj) == 1 and tj in "([{":
                            depth_p += 1
                        elif len(tj) == 1 and tj in ")]}":
                            depth_p -= 1
                        elif tj == ":" and depth_p == 0:
                            break
                        elif tj == "default" and depth_p == 0 and self.tok(j + 1) != ":":
                            break
                        elif tj == "endcase":
                            break
                        j += 1
                    if self.tok(j) == "endcase":
                        i = j
                        break
                    before = j + 1
                    i, sub = self.statement(before, depth + 1)
                    assigns += [a for _, a_list, _ in sub for a in a_list]
                    if i == before:
                        i += 1
                i += 1
            elif t == "do":
                i, sub = self.statement(i + 1, depth + 1)
                assigns += [a for _, a_list, _ in sub for a in a_list]
                i = self.until_semicolon(i)
            else:
                i += 1
                if self.tok(i) == "(":
                    i = self.balanced(i)
                i, sub = self.statement(i, depth + 1)
                assigns += [a for _, a_list, _ in sub for a in a_list]
            return i, [("cond", assigns, start)]
        if t == ";":
            return i + 1, []
        end = self.until_semicolon(i)
        assign = self.assignment(i, end)
        return end, ([("plain", [assign], start)] if assign else [])

    def assignment(self, i: int, end: int) -> _Assign | None:
        """The target of ``lhs <= expr;`` / ``lhs = expr;`` between tokens ``i`` and ``end``."""
        depth = 0
        for j in range(i, end):
            t = self.tok(j)
            if len(t) == 1 and t in "([{":
                depth += 1
            elif len(t) == 1 and t in ")]}":
                depth -= 1
            elif depth == 0 and t in ("<=", "="):
                lhs = [self.tok(k) for k in range(i, j)]
                if not lhs or not re.match(r"^[A-Za-z_\\]", lhs[0]) or lhs[0] in ("assign", "force"):
                    return None
                return _Assign(lhs[0], _const_select(lhs[1:]), t == "<=", self.toks[i][1])
        return None

    def check_block(self, items: list[tuple[str, list[_Assign], int]]) -> None:
        earlier: list[tuple[_Assign, int]] = []
        for kind, assigns, offset in items:
            if kind == "cond":
                earlier += [(a, offset) for a in assigns if a.nonblocking]
                continue
            a = assigns[0]
            if not a.nonblocking:
                continue
            clash = next((off for e, off in earlier if e.base == a.base and _overlap(e.select, a.select)), None)
            if clash is not None:
                self.found.append(Override(a.offset, self.line(a.offset), a.base, self.line(clash)))


def _const_select(rest: list[str]) -> tuple[int, int] | None:
    """``[3]`` or ``[7:4]`` after the variable as a bit range; anything else is the whole variable."""
    if len(rest) == 3 and rest[0] == "[" and rest[1].isdigit() and rest[2] == "]":
        return int(rest[1]), int(rest[1])
    if len(rest) == 5 and rest[0] == "[" and rest[2] == ":" and rest[4] == "]" and rest[1].isdigit() \
            and rest[3].isdigit():
        return min(int(rest[1]), int(rest[3])), max(int(rest[1]), int(rest[3]))
    return None


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is None or b is None or not (a[1] < b[0] or b[1] < a[0])


def find_overrides(text: str) -> list[Override]:
    """Every non-blocking assignment in ``text`` that yosys would order before an earlier nested if/case."""
    return _Scanner(text).run()


def patch_overrides(text: str) -> tuple[str, list[Override]]:
    """``text`` with each such assignment wrapped in ``if (1'b1)``, and the assignments patched."""
    found = find_overrides(text)
    for o in sorted(found, key=lambda o: o.offset, reverse=True):
        text = text[:o.offset] + PATCH + text[o.offset:]
    return text, found
