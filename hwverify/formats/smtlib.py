"""SMT-LIB 2 printing of terms (QF_ABV).

Our booleans are ``BV(1)``, so every term prints as a bit-vector expression:
comparisons become ``(ite (bvult a b) #b1 #b0)``, conditions and assertions
are read back as ``(= t #b1)`` (or the comparison itself when it is printed
inline). Bit-vector operators map one to one onto SMT-LIB's, whose division by
zero (``x / 0`` is all ones, ``x % 0`` is ``x``) is the one our terms use.

Sharing is kept: a node used more than once (or nested too deeply) is bound
once, with ``define-fun`` in scripts and ``let`` in bare expressions, so DAGs
with heavy sharing print in linear size. Traversals are iterative.

Printed text depends only on the structure of the terms, never on the order
in which they were created (hash-consing orders the arguments of commutative
operators by creation, which differs between processes): scripts written by
one process can be compared with scripts rebuilt by another.
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable, Mapping, Sequence

from hwverify.errors import SemanticsError
from hwverify.semantics.terms import BV, Array, Sort, Term, postorder

__all__ = ["to_smtlib", "script", "sort_text", "const_text", "quote_symbol",
           "canonical_postorder", "COMMUTATIVE"]

#: Operators whose arguments may be swapped without changing the meaning.
COMMUTATIVE = frozenset(("and", "or", "xor", "add", "mul", "eq"))

# Inline nesting deeper than this is cut by binding the node (keeps solver
# parsers, which may recurse, and our string building, which copies, cheap).
_MAX_INLINE_DEPTH = 32

_BV_OPS = {
    "not": "bvnot", "neg": "bvneg", "and": "bvand", "or": "bvor", "xor": "bvxor",
    "add": "bvadd", "sub": "bvsub", "mul": "bvmul", "udiv": "bvudiv", "urem": "bvurem",
    "sdiv": "bvsdiv", "srem": "bvsrem", "smod": "bvsmod", "shl": "bvshl", "lshr": "bvlshr",
    "ashr": "bvashr", "concat": "concat", "read": "select", "write": "store",
}
_CMP_OPS = {"eq": "=", "ult": "bvult", "ule": "bvule", "slt": "bvslt", "sle": "bvsle"}
# Nodes whose natural SMT-LIB form is a Bool.
_BOOLISH = frozenset(_CMP_OPS) | {"redand", "redor"}

# Symbols a declared constant must not take: theory function symbols (cvc5
# refuses to shadow them), reserved words and command names.
_TAKEN = frozenset("""
    true false not => and or xor = distinct ite select store const as
    concat extract bvnot bvand bvor bvneg bvadd bvmul bvudiv bvurem bvshl bvlshr bvult
    bvnand bvnor bvxor bvxnor bvcomp bvsub bvsdiv bvsrem bvsmod bvashr repeat
    zero_extend sign_extend rotate_left rotate_right bvule bvugt bvuge bvslt bvsle bvsgt bvsge
    bv2nat nat2bv int2bv bv2int bvnego bvuaddo bvsaddo bvumulo bvsmulo bvusubo bvssubo bvsdivo
    ! _ as BINARY DECIMAL exists HEXADECIMAL forall let match NUMERAL par STRING
    assert check-sat check-sat-assuming declare-const declare-datatype declare-datatypes
    declare-fun declare-sort define-fun define-fun-rec define-funs-rec define-sort echo exit
    get-assertions get-assignment get-info get-model get-option get-proof get-unsat-assumptions
    get-unsat-core get-value pop push reset reset-assertions set-info set-logic set-option
    Bool BitVec Array
""".split())
_SIMPLE = re.compile(r"[A-Za-z~!$%^&*_+=<>?/\-][0-9A-Za-z~!@$%^&*_+=<>.?/\-]*\Z")
_BAD_QUOTED = re.compile(r"[|\\\x00-\x1f\x7f]")


# ------------------------------------------------------------- small pieces
def sort_text(sort: Sort) -> str:
    """SMT-LIB text of a sort: ``(_ BitVec n)`` or ``(Array (_ BitVec i) (_ BitVec e))``."""
    if isinstance(sort, BV):
        return f"(_ BitVec {sort.width})"
    if isinstance(sort, Array):
        return f"(Array (_ BitVec {sort.index_width}) (_ BitVec {sort.elem_width}))"
    raise SemanticsError(f"not a sort: {sort!r}")


def const_text(value: int, width: int) -> str:
    """Bit-vector literal: hexadecimal when the width allows, else binary or ``(_ bvN w)``."""
    if width % 4 == 0:
        return "#x" + format(value, f"0{width // 4}x")
    if width <= 64:
        return "#b" + format(value, f"0{width}b")
    return f"(_ bv{value} {width})"


def quote_symbol(name: str) -> str:
    """``name`` as an SMT-LIB symbol, quoted with ``|..|`` when it is not a simple symbol.

    Raises ``SemanticsError`` for names no symbol can spell (containing ``|``,
    ``\\`` or control characters) or that would shadow a theory symbol;
    :func:`script` renames those instead.
    """
    if name in _TAKEN or not name or name[0] in "@.":
        raise SemanticsError(f"{name!r} cannot be used as an SMT-LIB symbol")
    if _SIMPLE.match(name):
        return name
    if _BAD_QUOTED.search(name):
        raise SemanticsError(f"{name!r} cannot be used as an SMT-LIB symbol")
    return f"|{name}|"


class _Namer:
    """Injective naming of free variables (and other leaves) within one output."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def fresh(self, name: str) -> str:
        raw = _BAD_QUOTED.sub("_", name) or "_"
        if raw in _TAKEN or raw[0] in "@.":
            raw = "v_" + raw
        base, k = raw, 0
        while raw in self.used:
            k += 1
            raw = f"{base}_{k}"
        self.used.add(raw)
        return raw if _SIMPLE.match(raw) else f"|{raw}|"


def _bind_prefix(used: Iterable[str]) -> str:
    """A prefix no used symbol starts with, so ``prefix + digits`` never clashes."""
    prefix = "_t"
    names = [u.strip("|") for u in used]
    while any(n.startswith(prefix) for n in names):
        prefix = "_" + prefix
    return prefix


# -------------------------------------------------------- canonical order
def _structural_keys(roots: Sequence[Term], leaves: Mapping[Term, object] | None = None) -> dict[int, bytes]:
    """A digest of each node's structure, blind to commutative argument order."""
    keys: dict[int, bytes] = {}
    blake = hashlib.blake2b
    for node in postorder(roots, leaves=leaves or ()):
        if leaves and node in leaves:
            kids: list[bytes] = []
            head = f"leaf\x00{leaves[node]}\x00{node.sort}"
        else:
            kids = [keys[a.id] for a in node.args]
            if node.op in COMMUTATIVE:
                kids.sort()
            head = f"{node.op}\x00{node.params!r}\x00{node.sort}"
        h = blake(head.encode("utf-8", "surrogatepass"), digest_size=16)
        for k in kids:
            h.update(k)
        keys[node.id] = h.digest()
    return keys


def canonical_postorder(roots: Sequence[Term], leaves: Mapping[Term, object] | None = None) -> list[Term]:
    """Every node reachable from ``roots`` once, children first, in a structural order.

    The order depends only on the roots' structure (and their order), not on
    term ids: arguments of commutative operators are visited sorted by a
    structural digest. Nodes in ``leaves`` are not descended into.
    """
    return _canonical(list(roots), leaves)[0]


def _canonical(roots: list[Term], leaves: Mapping[Term, object] | None) -> tuple[list[Term], dict[int, bytes]]:
    keys = _structural_keys(roots, leaves)
    out: list[Term] = []
    seen: set[int] = set()
    for root in roots:
        if root.id in seen:
            continue
        stack: list[tuple[Term, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                out.append(node)
                continue
            if node.id in seen:
                continue
            seen.add(node.id)
            stack.append((node, True))
            if leaves and node in leaves:
                continue
            kids = node.args
            if node.op in COMMUTATIVE and keys[kids[0].id] > keys[kids[1].id]:
                kids = (kids[1], kids[0])
            for child in reversed(kids):
                if child.id not in seen:
                    stack.append((child, False))
    return out, keys


def _ordered_args(node: Term, keys: dict[int, bytes]) -> tuple[Term, ...]:
    a = node.args
    if node.op in COMMUTATIVE and len(a) == 2 and keys[a[0].id] > keys[a[1].id]:
        return (a[1], a[0])
    return a


# --------------------------------------------------------------- printer
class _Printer:
    """Texts of the nodes of one DAG, deciding which nodes are bound to names."""

    def __init__(self, roots: Sequence[Term], names: Mapping[Term, str] | None = None):
        self.names = dict(names or {})
        self.order, self.keys = _canonical(list(roots), self.names)
        self.text: dict[int, str] = {}      # BV-valued text (a name when bound)
        self.raw: dict[int, str] = {}       # Bool-valued text of inline bool-ish nodes
        self.bound: list[tuple[Term, str, str]] = []   # (node, name, definition text)
        self.bound_set: set[int] = set()
        self.vars: list[tuple[Term, str]] = []
        self._refs: dict[int, int] = {}
        for node in self.order:
            if node in self.names:
                continue
            for a in node.args:
                self._refs[a.id] = self._refs.get(a.id, 0) + 1
            if node.op == "redxor":       # prints its argument once per bit
                self._refs[node.args[0].id] = max(2, self._refs[node.args[0].id])
        for r in roots:
            self._refs[r.id] = self._refs.get(r.id, 0) + 1

    def args(self, node: Term) -> tuple[Term, ...]:
        return _ordered_args(node, self.keys)

    def run(self, namer: _Namer, prefix_for_bindings) -> None:
        """Fill ``text``; ``prefix_for_bindings`` is called once the free names are known."""
        depth: dict[int, int] = {}
        text, raw, names = self.text, self.raw, self.names
        for node in self.order:
            if node in names:
                text[node.id] = names[node]
                depth[node.id] = 0
            elif node.op == "var":
                s = namer.fresh(node.name)
                self.vars.append((node, s))
                text[node.id] = s
                depth[node.id] = 0
        prefix = prefix_for_bindings(namer.used)
        counter = 0
        for node in self.order:
            nid = node.id
            if nid in text:
                continue
            op = node.op
            if op == "const":
                text[nid] = const_text(node.params[0], node.sort.width)
                depth[nid] = 0
                continue
            args = self.args(node)
            at = [text[a.id] for a in args]
            if op in _BV_OPS:
                s = f"({_BV_OPS[op]} {' '.join(at)})"
            elif op in _CMP_OPS:
                r = f"({_CMP_OPS[op]} {at[0]} {at[1]})"
                raw[nid] = r
                s = f"(ite {r} #b1 #b0)"
            elif op == "redand":
                r = f"(= {at[0]} {const_text((1 << args[0].width) - 1, args[0].width)})"
                raw[nid] = r
                s = f"(ite {r} #b1 #b0)"
            elif op == "redor":
                r = f"(distinct {at[0]} {const_text(0, args[0].width)})"
                raw[nid] = r
                s = f"(ite {r} #b1 #b0)"
            elif op == "redxor":
                a = at[0]
                s = "(bvxor " + " ".join(f"((_ extract {i} {i}) {a})" for i in range(args[0].width)) + ")"
            elif op == "extract":
                s = f"((_ extract {node.params[0]} {node.params[1]}) {at[0]})"
            elif op == "zext":
                s = f"((_ zero_extend {node.params[0]}) {at[0]})"
            elif op == "sext":
                s = f"((_ sign_extend {node.params[0]}) {at[0]})"
            elif op == "ite":
                s = f"(ite {self.cond(args[0])} {at[1]} {at[2]})"
            elif op == "const_array":
                s = f"((as const {sort_text(node.sort)}) {at[0]})"
            else:
                raise SemanticsError(f"cannot print operator {op!r} in SMT-LIB")
            d = 1 + max((depth[a.id] for a in args), default=0)
            if self._refs.get(nid, 0) > 1 or d > _MAX_INLINE_DEPTH:
                name = f"{prefix}{counter}"
                counter += 1
                self.bound.append((node, name, s))
                self.bound_set.add(nid)
                text[nid] = name
                raw.pop(nid, None)
                depth[nid] = 0
            else:
                text[nid] = s
                depth[nid] = d

    def cond(self, t: Term) -> str:
        """Bool-valued text of the 1-bit term ``t``."""
        r = self.raw.get(t.id)
        if r is not None:
            return r
        if t.op == "not" and t.id not in self.bound_set and t not in self.names and t.args[0].id in self.raw:
            return f"(not {self.raw[t.args[0].id]})"
        return f"(= {self.text[t.id]} #b1)"


def _check_terms(ts: Iterable[Term], what: str) -> list[Term]:
    out = list(ts)
    for t in out:
        if not isinstance(t, Term):
            raise SemanticsError(f"{what} must be Terms, not {t!r}")
    return out


def to_smtlib(term: Term, names: Mapping[Term, str] | None = None) -> str:
    """Print ``term`` as one SMT-LIB expression of its (bit-vector or array) sort.

    Shared sub-terms are bound with ``let``. ``names`` maps terms to the text to
    print for them verbatim (already quoted), e.g. time-stamped copies of
    variables; they are not descended into. Other variables print as their
    (quoted) names.
    """
    [term] = _check_terms([term], "to_smtlib arguments")
    p = _Printer([term], names)
    namer = _Namer()
    for v in (names or {}).values():
        namer.used.add(v.strip("|"))
    p.run(namer, _bind_prefix)
    body = p.text[term.id]
    if not p.bound:
        return body
    # Group bindings into levels: a binding only mentions names of lower levels,
    # so each level is one parallel `let`.
    level: dict[int, int] = {}
    need: dict[int, int] = {}
    bound_ids = {n.id: i for i, (n, _, _) in enumerate(p.bound)}
    for node in p.order:
        if node in p.names or not node.args:
            need[node.id] = 0
            continue
        m = max((level[a.id] if a.id in bound_ids else need[a.id]) for a in node.args)
        if node.id in bound_ids:
            level[node.id] = m + 1
            need[node.id] = 0
        else:
            need[node.id] = m
    groups: dict[int, list[str]] = {}
    for node, name, definition in p.bound:
        groups.setdefault(level[node.id], []).append(f"({name} {definition})")
    out = []
    for lv in sorted(groups):
        out.append(f"(let ({' '.join(groups[lv])}) ")
    return "".join(out) + body + ")" * len(groups)


def script(assertions: Sequence[Term], logic: str = "QF_ABV", check: bool = True,
           get_values: Sequence[Term] = ()) -> str:
    """A standalone SMT-LIB 2 script asserting every 1-bit term in ``assertions``.

    Declares each free variable, defines each shared node once with
    ``define-fun``, asserts ``(= t #b1)`` per assertion, then ``(check-sat)``,
    ``(get-value ...)`` for ``get_values`` (printed in that order) and
    ``(exit)``. With ``check=False`` the script stops after the assertions, for
    callers that drive the solver themselves. The text depends only on the
    terms' structure, so it is stable across processes.
    """
    assertions = _check_terms(assertions, "assertions")
    get_values = _check_terms(get_values, "get_values")
    for a in assertions:
        if a.sort != BV(1):
            raise SemanticsError(f"assertions must be 1-bit terms, not {a.sort}")
    if get_values and not check:
        raise SemanticsError("get_values needs check=True (get-value must follow check-sat)")
    if not isinstance(logic, str) or not _SIMPLE.match(logic):
        raise SemanticsError(f"bad SMT-LIB logic name {logic!r}")
    p = _Printer(assertions + get_values)
    p.run(_Namer(), _bind_prefix)
    lines: list[str] = []
    if get_values:
        lines.append("(set-option :produce-models true)")
    lines.append(f"(set-logic {logic})")
    for v, s in p.vars:
        lines.append(f"(declare-fun {s} () {sort_text(v.sort)})")
    for node, name, definition in p.bound:
        lines.append(f"(define-fun {name} () {sort_text(node.sort)} {definition})")
    for a in assertions:
        lines.append(f"(assert {p.cond(a)})")
    if check:
        lines.append("(check-sat)")
        if get_values:
            lines.append(f"(get-value ({' '.join(p.text[t.id] for t in get_values)}))")
        lines.append("(exit)")
    return "\n".join(lines) + "\n"
