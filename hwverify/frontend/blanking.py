"""Blank comments, strings and directives out of Verilog text, keeping every offset and line.

Three readers scan Verilog text with regular expressions before (or instead
of) a parser: the yosys frontend looks for formal statements that lowering
may drop, the ``proc`` hazard rewriter walks ``always`` blocks, and the
pyverilog frontend rejects SystemVerilog-only words. None of them may match
inside a comment or a string, and all of them report positions, so the text
they scan has the same length and newlines as the file.
"""
from __future__ import annotations

import re

__all__ = ["blank_source"]

_COMMENT_OR_STRING = r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"'
_DIRECTIVE = {"keep": "", "word": r"|`\w+", "line": r"|^\s*`[^\n]*"}


def _spaces(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def blank_source(text: str, directives: str = "keep", keep_quotes: bool = False) -> str:
    """``text`` with comments and strings (and directives) turned into blanks.

    ``directives``: ``"keep"`` leaves compiler directives alone, ``"word"``
    blanks each backtick word (`` `define``, a macro use), ``"line"`` blanks
    a directive's whole line. ``keep_quotes`` keeps a string's quotes so the
    blanked text still shows that a string stood there.
    """
    def blank(m: re.Match) -> str:
        s = m.group(0)
        if keep_quotes and s.startswith('"'):
            return '"' + _spaces(s[1:-1]) + '"'
        return _spaces(s)
    return re.sub(_COMMENT_OR_STRING + _DIRECTIVE[directives], blank, text, flags=re.S | re.M)
