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

Errors are ``FrontendError`` naming the problem: an unknown signal lists the
closest names, a select outside a signal or an equality with a constant that
cannot fit the other side is a width error.
"""
from __future__ import annotations

import difflib
import re
from typing import Any, Sequence

from pyverilog.vparser import ast as A

from hwverify.errors import FrontendError, SourceLoc
from hwverify.frontend.verilog.expr import ExprLowerer, parse_literal
from hwverify.frontend.verilog.formal import Formal
from hwverify.frontend.verilog.model import Net, Scope
from hwverify.frontend.verilog.parse import LineMap, parse_text
from hwverify.semantics import terms as T
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.terms import Term

__all__ = ["parse_property", "add_property", "add_properties"]

_TEMPORAL = re.compile(r"(?<![\w$])\$?(past|stable|rose|fell|changed)\s*\(")
_FORMALS: dict[int, Formal] = {}


def parse_property(text: str, system: TransitionSystem) -> Term:
    """The 1-bit term of property ``text`` over ``system``'s signals.

    ``past``/``stable``/... add auxiliary registers to ``system``.
    """
    if not text or not text.strip():
        raise FrontendError("empty property")
    src = _implications(text.strip(), text)
    src = _TEMPORAL.sub(lambda m: f"${m.group(1)}(", src)
    lines = LineMap(default_file="<property>")
    parsed = parse_text(f"module __hwv_property;\nwire __hwv_p = {src};\nendmodule\n", lines)
    expr = _expression(parsed.ast, text)
    pd = _PropertyDesign(system, text)
    lw = ExprLowerer(pd, _signal_scope(system), _SignalCtx(system))  # type: ignore[arg-type]
    _check_constants(lw, expr, pd)
    return T.redor(lw.lower_self(expr))


def add_property(system: TransitionSystem, kind: str, text: str, name: str | None = None) -> Property | None:
    """Parse ``text`` and add it to ``system`` as an assert, assume (constraint) or cover."""
    term = parse_property(text, system)
    loc = SourceLoc("<command line>")
    label = name or " ".join(text.split())
    if kind == "assert":
        return system.add_assert(label, term, loc)
    if kind == "cover":
        return system.add_cover(label, term, loc)
    if kind == "assume":
        system.add_constraint(term)
        return None
    raise FrontendError(f"property kind must be assert, assume or cover, not {kind!r}")


def add_properties(system: TransitionSystem, asserts: Sequence[str] = (), assumes: Sequence[str] = (),
                   covers: Sequence[str] = ()) -> None:
    """Add the CLI's ``--assert``/``--assume``/``--cover`` expressions to ``system``."""
    for kind, texts in (("assume", assumes), ("assert", asserts), ("cover", covers)):
        for text in texts:
            add_property(system, kind, text)


# ------------------------------------------------------------------ syntax
def _implications(s: str, original: str) -> str:
    """Rewrite ``a -> b`` (right associative, lowest precedence) into ``!(a) || (b)``."""
    depth, parts, start, i = 0, [], 0, 0
    while i < len(s):
        ch = s[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                raise FrontendError(f"unbalanced ')' in property {original!r}")
        elif s.startswith("->", i) and depth == 0:
            parts.append(s[start:i])
            start = i + 2
            i += 1
        i += 1
    if depth:
        raise FrontendError(f"unbalanced '(' in property {original!r}")
    parts.append(s[start:])
    parts = [_inner(p, original) for p in parts]
    if any(not p.strip() for p in parts):
        raise FrontendError(f"'->' needs an expression on both sides in {original!r}")
    acc = parts[-1]
    for p in reversed(parts[:-1]):
        acc = f"(!({p}) || ({acc}))"
    return acc


def _inner(s: str, original: str) -> str:
    """Apply ``_implications`` inside every parenthesised group of ``s``."""
    out, i = [], 0
    while i < len(s):
        if s[i] == "(":
            depth, j = 1, i + 1
            while j < len(s) and depth:
                depth += {"(": 1, ")": -1}.get(s[j], 0)
                j += 1
            out.append("(" + _implications(s[i + 1:j - 1], original) + ")")
            i = j
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


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

    def __init__(self, system: TransitionSystem, text: str):
        self.system, self.text = system, text
        key = id(system)
        f = _FORMALS.get(key)
        if f is None or f.design.system is not system:
            f = Formal(self)  # type: ignore[arg-type]
            _FORMALS[key] = f
        self.formal = f

    def error(self, node: Any, msg: str, unsupported: bool = False) -> FrontendError:
        return FrontendError(f"{msg} in property {self.text!r}", SourceLoc("<property>"))

    def unknown_name(self, node: Any, name: str, scope: Scope) -> FrontendError:
        full = _full_name(node)
        close = difflib.get_close_matches(full, list(self.system.signals), n=3, cutoff=0.5)
        hint = f"; closest: {', '.join(close)}" if close else ""
        return FrontendError(f"unknown signal {full!r} in property {self.text!r}{hint}",
                             SourceLoc("<property>"))

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
                        raise FrontendError(f"width error in property {pd.text!r}: {const.value} does not "
                                            f"fit in {w} bits, so the comparison is constant",
                                            SourceLoc("<property>"))
        if n is not None and hasattr(n, "children"):
            stack.extend(c for c in n.children() if c is not None)
