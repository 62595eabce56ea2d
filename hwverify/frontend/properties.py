"""The property language of the CLI (``--assert 'count <= 10'``) and its Python API.

Why Verilog syntax and semantics: users write these next to Verilog designs,
and one set of width rules is enough to get wrong. An expression is parsed by
the same (extended) pyverilog grammar and lowered by the same
``ExprLowerer`` as RTL, over the design's named signals
(``system.signals``, hierarchical names such as ``u_core.state`` or
``gen[1].q``). On top of Verilog:

* ``a -> b`` is implication (lowest precedence, right associative);
* ``past(x)``, ``past(x, n)``, ``stable(x)``, ``rose(x)``, ``fell(x)``,
  ``changed(x)`` (also with a ``$``) add auxiliary registers to the system,
  with the SBY meaning (free before ``n`` cycles have passed);
* a non-boolean result means "not zero", as in a Verilog ``if``.

Errors are ``FrontendError`` naming the problem and pointing into the
property text (column, the text and a caret), never at the wrapper module
pyverilog actually parses: each token of the property goes on a line of its
own in that wrapper, so the parser's line number is the token's index. An
unknown signal lists the closest names, a select outside a signal or an
equality with a constant that cannot fit the other side is a width error.
"""
from __future__ import annotations

import difflib
import re
from typing import Any, Sequence

from pyverilog.vparser import ast as A

from hwverify.errors import FrontendError, HwverifyError, SourceLoc
from hwverify.frontend.verilog.expr import ExprLowerer, parse_literal
from hwverify.frontend.verilog.formal import Formal
from hwverify.frontend.verilog.model import Net, Scope
from hwverify.frontend.verilog.parse import LineMap, parse_text
from hwverify.semantics import terms as T
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.terms import Term

__all__ = ["parse_property", "add_property", "add_properties"]

_TEMPORAL_NAMES = {"past", "stable", "rose", "fell", "changed"}
_FORMALS: dict[int, Formal] = {}
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<escaped>\\\S+)                                           # escaped identifier, ends at white space
  | (?P<number>(?:\d[\d_]*\s*)?'[sS]?[bBoOdDhH]\s*[0-9a-fA-FxXzZ?_]+
      | \d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)
  | (?P<name>\$?[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<op><<<|>>>|===|!==|&&&|->|\*\*|<<|>>|<=|>=|==|!=|&&|\|\||~&|~\||~\^|\^~|\+:|-:|.)
""", re.X | re.S)
_HEADER = ("module __hwv_property;", "wire __hwv_p =")   # the wrapper's lines before the first token


class _Tok:
    """A token of the property: its text and 1-based column in the original text (None if we made it up)."""

    __slots__ = ("text", "col")

    def __init__(self, text: str, col: int | None):
        self.text, self.col = text, col


class _Source:
    """The property text, where it came from, and the columns of the tokens the parser sees."""

    def __init__(self, text: str, origin: str):
        self.text, self.origin = text, origin
        self.columns: list[int] = []   # column of the i-th token of the wrapper (line len(_HEADER) + 1 + i)

    @property
    def end(self) -> int:
        return len(self.text) + 1

    def column_of_line(self, line: int | None) -> int:
        """The column of the token the parser put on wrapper line ``line`` (the end for the closing ';')."""
        if line is None:
            return self.end
        i = line - len(_HEADER) - 1
        if 0 <= i < len(self.columns):
            return self.columns[i]
        return self.end if i >= 0 else 1

    def error(self, message: str, column: int, detail: str = "") -> FrontendError:
        """``origin: message at column N[: detail]``, then the text and a caret under column N."""
        shown = self.text.replace("\n", " ").replace("\t", " ")
        caret = " " * (column - 1) + "^"
        tail = f": {detail}" if detail else ""
        return FrontendError(f"{message} at column {column}{tail}\n    {shown}\n    {caret}",
                             SourceLoc(self.origin, None, column))


def parse_property(text: str, system: TransitionSystem, origin: str | None = None) -> Term:
    """The 1-bit term of property ``text`` over ``system``'s signals.

    ``past``/``stable``/... add auxiliary registers to ``system``. ``origin``
    names the text in errors (``--assert "count <= 3"``; default
    ``property "..."``).
    """
    src = _Source(text or "", origin or f"property {text!r}")
    if not text or not text.strip():
        raise FrontendError(f"{src.origin}: empty property")
    tokens = _temporal(_implications(_tokens(src), src))
    src.columns = [t.col if t.col is not None else src.end for t in tokens]
    wrapper = "\n".join([*_HEADER, *(t.text for t in tokens), ";", "endmodule", ""])
    try:
        parsed = parse_text(wrapper, LineMap(default_file="<property>"))
    except HwverifyError as e:
        raise _syntax_error(e, src, tokens) from None
    expr = _expression(parsed.ast, text)
    pd = _PropertyDesign(system, src)
    lw = ExprLowerer(pd, _signal_scope(system), _SignalCtx(system))  # type: ignore[arg-type]
    _check_constants(lw, expr, pd)
    return T.redor(lw.lower_self(expr))


def add_property(system: TransitionSystem, kind: str, text: str, name: str | None = None,
                 origin: str | None = None) -> Property | None:
    """Parse ``text`` and add it to ``system`` as an assert, assume (constraint) or cover."""
    if kind not in ("assert", "assume", "cover"):
        raise FrontendError(f"property kind must be assert, assume or cover, not {kind!r}")
    term = parse_property(text, system, origin or f"{kind} {text!r}")
    loc = SourceLoc("<command line>")
    label = name or " ".join(text.split())
    if kind == "assert":
        return system.add_assert(label, term, loc)
    if kind == "cover":
        return system.add_cover(label, term, loc)
    system.add_constraint(term)
    return None


def add_properties(system: TransitionSystem, asserts: Sequence[str] = (), assumes: Sequence[str] = (),
                   covers: Sequence[str] = ()) -> None:
    """Add the CLI's ``--assert``/``--assume``/``--cover`` expressions to ``system``."""
    for kind, texts in (("assume", assumes), ("assert", asserts), ("cover", covers)):
        for text in texts:
            add_property(system, kind, text, origin=f'--{kind} "{text}"')


# ------------------------------------------------------------------ syntax
def _tokens(src: _Source) -> list[_Tok]:
    """Split the property into Verilog tokens with their columns.

    ``&&&`` is one token in Verilog (only timing checks use it); pyverilog would
    read it as ``&& &``, so it is rejected here as any Verilog tool would.
    """
    out = []
    for m in _TOKEN.finditer(src.text):
        if m.lastgroup == "space":
            continue
        if m.group() == "&&&":
            raise src.error("syntax error", m.start() + 1,
                            "'&&&' is not an expression operator (for a reduction write '&& &')")
        out.append(_Tok(m.group(), m.start() + 1))
    return out


def _implications(tokens: list[_Tok], src: _Source) -> list[_Tok]:
    """Rewrite ``a -> b`` (right associative, lowest precedence) into ``!(a) || (b)``, in every group.

    Brackets are matched first (an unbalanced one is an error at its column);
    then each group, innermost first, has its top-level ``->`` rewritten. Made-up
    tokens take the column of the ``->`` (or of the end of the part they close).
    """
    stack: list[int] = []
    match: dict[int, int] = {}
    for i, t in enumerate(tokens):
        if t.text in "([{" and len(t.text) == 1:
            stack.append(i)
        elif t.text in ")]}" and len(t.text) == 1:
            if not stack:
                raise src.error(f"unbalanced {t.text!r}", t.col or src.end)
            match[stack.pop()] = i
    if stack:
        t = tokens[stack[-1]]
        raise src.error(f"unbalanced {t.text!r}", t.col or src.end, "it is never closed")

    def rewrite(lo: int, hi: int) -> list[_Tok]:
        """Tokens lo..hi-1 with implications rewritten (groups recursively: nesting depth is small).

        The closing brackets made up for the last part take the column of the
        token after it (``tokens[hi]``, the group's bracket) or the end.
        """
        close = tokens[hi].col if hi < len(tokens) else src.end
        parts: list[list[_Tok]] = [[]]
        arrows: list[_Tok] = []
        i = lo
        while i < hi:
            t = tokens[i]
            if t.text == "(" and i in match:
                parts[-1] += [t, *rewrite(i + 1, match[i]), tokens[match[i]]]
                i = match[i] + 1
                continue
            if t.text == "->":
                arrows.append(t)
                parts.append([])
            else:
                parts[-1].append(t)
            i += 1
        for arrow, (left, right) in zip(arrows, zip(parts, parts[1:])):
            if not left or not right:
                raise src.error("'->' needs an expression on both sides", arrow.col or src.end)
        acc = parts[-1]
        for arrow, part in zip(reversed(arrows), reversed(parts[:-1])):
            c = arrow.col
            acc = [_Tok("(", c), _Tok("!", c), _Tok("(", c), *part, _Tok(")", c), _Tok("||", c), _Tok("(", c),
                   *acc, _Tok(")", close), _Tok(")", close)]
        return acc

    return rewrite(0, len(tokens))


def _temporal(tokens: list[_Tok]) -> list[_Tok]:
    """``past(x)`` -> ``$past(x)`` (and stable, rose, fell, changed)."""
    for t, nxt in zip(tokens, tokens[1:]):
        if t.text in _TEMPORAL_NAMES and nxt.text == "(":
            t.text = "$" + t.text
    return tokens


def _syntax_error(e: HwverifyError, src: _Source, tokens: list[_Tok]) -> FrontendError:
    """The parser's error on the wrapper, as an error at a column of the property."""
    line = e.loc.line if e.loc is not None else None
    column = src.column_of_line(line)
    i = (line or 0) - len(_HEADER) - 1
    if line is None or i >= len(tokens):
        return src.error("syntax error", src.end, "unexpected end of property")
    message = re.sub(r"\s*\(pyverilog accepts.*\)\s*$", "", e.message)
    if message.startswith("syntax error") and 0 <= i:
        # a bracket made up by the '->' rewrite stands for the real token at its column, or the end
        real = {t.col: t.text for t in _tokens(src)}
        what = repr(real[column]) if column in real else "end of property"
        return src.error("syntax error", column, f"unexpected {what}")
    return src.error("syntax error", column, message)


def _expression(ast: Any, text: str) -> Any:
    mod = ast.description.definitions[0]
    for item in mod.items:
        if isinstance(item, A.Decl):
            for x in item.list:
                if isinstance(x, A.Assign):
                    return x.right.var
    raise FrontendError(f"cannot read property {text!r}")  # pragma: no cover


# -------------------------------------------------------------- semantics
class _PropertyDesign:
    """The slice of ``Design`` an ``ExprLowerer`` needs, over a finished system."""

    def __init__(self, system: TransitionSystem, src: _Source):
        self.system, self.src = system, src
        key = id(system)
        f = _FORMALS.get(key)
        if f is None or f.design.system is not system:
            f = Formal(self)  # type: ignore[arg-type]
            _FORMALS[key] = f
        self.formal = f

    def column(self, node: Any) -> int:
        return self.src.column_of_line(getattr(node, "lineno", None))

    def error(self, node: Any, msg: str, unsupported: bool = False) -> FrontendError:
        return self.src.error(msg, self.column(node))

    def unknown_name(self, node: Any, name: str, scope: Scope) -> FrontendError:
        full = _full_name(node)
        names = list(self.system.signals)
        close = difflib.get_close_matches(full, names, n=3, cutoff=0.5)
        lower = {n.lower(): n for n in names}
        if not close and full.lower() in lower:
            close = [lower[full.lower()]]
        hint = f"closest: {', '.join(close)}" if close else f"the design has {len(names)} signals, none close"
        return self.src.error(f"unknown signal {full!r}", self.column(node), hint)

    def fresh_x(self, width: int, node: Any) -> Term:
        raise self.error(node, "select outside the signal (a width error)")

    def function(self, scope: Scope, node: Any) -> Any:
        raise self.error(node, f"unknown function {getattr(node.name, 'name', node.name)!r}")

    call_function = function


class _SignalCtx:
    def __init__(self, system: TransitionSystem):
        self.system = system

    def read_net(self, net: Net, node: Any) -> Term:
        return self.system.signals[net.name]

    def read_bits(self, net: Net, lo: int, hi: int, node: Any) -> Term:
        return T.extract(self.system.signals[net.name], hi, lo)

    read_mem = read_net


def _signal_scope(system: TransitionSystem) -> Scope:
    """A scope tree whose names are the system's signals (children for dotted prefixes)."""
    root = Scope("", None)
    for name, term in system.signals.items():
        parts = _split(name)
        s = root
        for p in parts[:-1]:
            s = s.children.setdefault(p, Scope(s.prefix + p + ".", None))
        if isinstance(term.sort, T.Array):
            net = Net(name, term.sort.elem_width, False, term.sort.elem_width - 1, 0,
                      SourceLoc("<property>"), mem_range=(0, (1 << term.sort.index_width) - 1))
        else:
            net = Net(name, term.width, False, term.width - 1, 0, SourceLoc("<property>"))
        s.names[parts[-1]] = net
        root.names.setdefault(name, net)   # also reachable by the full (escaped) name
    return root


def _split(name: str) -> list[str]:
    """Split a hierarchical name at dots outside brackets."""
    out, cur, depth = [], "", 0
    for ch in name:
        if ch == "." and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += {"[": 1, "]": -1}.get(ch, 0)
        cur += ch
    return out + [cur]


def _full_name(node: Any) -> str:
    if isinstance(node, A.Identifier) and node.scope is not None:
        labs = [lab.name + (f"[{lab.loop.value}]" if isinstance(lab.loop, A.IntConst) else "")
                for lab in node.scope.labellist]
        return ".".join(labs + [node.name])
    return getattr(node, "name", str(node))


def _check_constants(lw: ExprLowerer, node: Any, pd: _PropertyDesign) -> None:
    """Width errors: ``==``/``!=`` against a constant the other side can never equal."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, (A.Eq, A.NotEq, A.Eql, A.NotEql)):
            for const, other in ((n.left, n.right), (n.right, n.left)):
                if isinstance(const, A.IntConst) and not isinstance(other, A.IntConst):
                    v, _, _, signed, _ = parse_literal(const.value)
                    w, s = lw.self_size(other)
                    lo, hi = (-(1 << (w - 1)), (1 << (w - 1)) - 1) if s else (0, (1 << w) - 1)
                    if signed and v >> 31 & 1 and not s:
                        v -= 1 << 32
                    if not lo <= v <= hi:
                        raise pd.src.error("width error", pd.column(const),
                                           f"{const.value} does not fit in {w} bits, so the comparison is "
                                           f"constant")
        if n is not None and hasattr(n, "children"):
            stack.extend(c for c in n.children() if c is not None)
