"""Hash-consed bit-vector and array terms.

Terms are immutable and structurally shared: building the same operator over
the same arguments twice returns the same object, so identity is equality and
terms can key dictionaries cheaply. They are only created through the
constructors below, which check sorts (raising ``SemanticsError`` on a width
mismatch), fold constants with the shared semantics in ``bvops`` and apply a
few cheap, local rewrites. Booleans are ``BV(1)``.

Traversals are iterative (``postorder``) because unrolled systems are far too
deep for Python's recursion limit. Pickling goes through a flat node table
(``DagWriter``/``read_dag``) and the constructors, so a term sent to another
process is interned there like any other.
"""
from __future__ import annotations

import itertools
import weakref
from dataclasses import dataclass
from typing import Callable, Container, Iterable, Iterator, Mapping, Sequence

from hwverify.errors import SemanticsError
from hwverify.semantics import bvops


# --------------------------------------------------------------------- sorts
@dataclass(frozen=True, slots=True)
class BV:
    """Bit-vector sort of ``width`` >= 1 bits."""

    width: int

    def __post_init__(self) -> None:
        if not isinstance(self.width, int) or self.width < 1:
            raise SemanticsError(f"bit-vector width must be a positive integer, not {self.width!r}")

    def __str__(self) -> str:
        return f"bv{self.width}"


@dataclass(frozen=True, slots=True)
class Array:
    """Array sort from ``BV(index_width)`` to ``BV(elem_width)``."""

    index_width: int
    elem_width: int

    def __post_init__(self) -> None:
        for w in (self.index_width, self.elem_width):
            if not isinstance(w, int) or w < 1:
                raise SemanticsError(f"array widths must be positive integers, not {w!r}")

    def __str__(self) -> str:
        return f"array[bv{self.index_width} -> bv{self.elem_width}]"


Sort = BV | Array
BOOL = BV(1)

# Operators by arity class; the sort rules are in ``_sort_of``.
UNARY_SAME = ("not", "neg")
REDUCE = ("redand", "redor", "redxor")
BINARY_SAME = ("and", "or", "xor", "add", "sub", "mul", "udiv", "urem",
               "sdiv", "srem", "smod", "shl", "lshr", "ashr")
COMPARE = ("ult", "ule", "slt", "sle")
LEAVES = ("const", "var")
ALL_OPS = (LEAVES + UNARY_SAME + REDUCE + BINARY_SAME + COMPARE +
           ("eq", "concat", "extract", "zext", "sext", "ite", "read", "write", "const_array"))


# --------------------------------------------------------------------- terms
class Term:
    """One node of a term DAG. Create through the constructors, never directly.

    ``op`` is an operator name from ``ALL_OPS``; ``params`` holds non-term
    payload: ``(value,)`` for constants, ``(name,)`` for variables,
    ``(hi, lo)`` for extract and ``(n,)`` for extensions.
    """

    __slots__ = ("op", "args", "params", "sort", "id", "__weakref__")

    op: str
    args: tuple["Term", ...]
    params: tuple
    sort: Sort
    id: int

    def __init__(self) -> None:  # pragma: no cover - guarded
        raise TypeError("create terms through hwverify.semantics.terms constructors")

    @property
    def width(self) -> int:
        """Width of a bit-vector term (raises for arrays)."""
        if not isinstance(self.sort, BV):
            raise SemanticsError(f"expected a bit-vector, got {self.sort}")
        return self.sort.width

    @property
    def is_const(self) -> bool:
        return self.op == "const"

    @property
    def is_var(self) -> bool:
        return self.op == "var"

    @property
    def value(self) -> int:
        """Value of a constant term."""
        if self.op != "const":
            raise SemanticsError(f"not a constant: {self!r}")
        return self.params[0]

    @property
    def name(self) -> str:
        """Name of a variable term."""
        if self.op != "var":
            raise SemanticsError(f"not a variable: {self!r}")
        return self.params[0]

    def __repr__(self) -> str:
        return to_str(self)

    # Operator sugar for frontends and tests; equality stays identity.
    def __add__(self, o: "Term") -> "Term": return add(self, o)
    def __sub__(self, o: "Term") -> "Term": return sub(self, o)
    def __mul__(self, o: "Term") -> "Term": return mul(self, o)
    def __and__(self, o: "Term") -> "Term": return and_(self, o)
    def __or__(self, o: "Term") -> "Term": return or_(self, o)
    def __xor__(self, o: "Term") -> "Term": return xor(self, o)
    def __invert__(self) -> "Term": return not_(self)

    # Pickling and copying must never make a second object for the same term: pickle
    # rebuilds through the checking constructors (re-interning it in the receiving
    # process), from a flat node table so deep terms do not hit the recursion limit.
    def __reduce__(self) -> tuple:
        writer = DagWriter()
        writer.add(self)
        return (_term_from_table, (writer.nodes,))

    def __copy__(self) -> "Term":
        return self

    def __deepcopy__(self, memo: dict) -> "Term":
        return self


_table: "weakref.WeakValueDictionary[tuple, Term]" = weakref.WeakValueDictionary()
_ids = itertools.count()


def _make(op: str, args: tuple[Term, ...], params: tuple, sort: Sort) -> Term:
    key = (op, args, params, sort)
    t = _table.get(key)
    if t is None:
        t = object.__new__(Term)
        t.op, t.args, t.params, t.sort, t.id = op, args, params, sort, next(_ids)
        _table[key] = t
    return t


# ------------------------------------------------------------------ leaves
def const(value: int, width: int) -> Term:
    """Bit-vector constant; ``value`` is reduced modulo ``2**width`` (negatives wrap)."""
    return _make("const", (), (value & bvops.mask(width),), BV(width))


def var(name: str, sort: Sort) -> Term:
    """Free variable (input or state) named ``name``."""
    if not isinstance(name, str) or not name:
        raise SemanticsError(f"variable name must be a non-empty string, not {name!r}")
    return _make("var", (), (name,), sort)


def true() -> Term:
    return const(1, 1)


def false() -> Term:
    return const(0, 1)


def ones(width: int) -> Term:
    return const(bvops.mask(width), width)


def const_array(elem: Term, index_width: int) -> Term:
    """Array mapping every index to ``elem``."""
    _need_bv(elem, "const_array")
    return _make("const_array", (elem,), (), Array(index_width, elem.width))


# --------------------------------------------------------------- checking
def _need_bv(t: Term, op: str) -> int:
    if not isinstance(t, Term):
        raise SemanticsError(f"{op}: argument must be a Term, not {t!r}")
    if not isinstance(t.sort, BV):
        raise SemanticsError(f"{op}: argument must be a bit-vector, not {t.sort}")
    return t.sort.width


def _same_width(op: str, a: Term, b: Term) -> int:
    wa, wb = _need_bv(a, op), _need_bv(b, op)
    if wa != wb:
        raise SemanticsError(f"{op}: width mismatch, {wa} vs {wb}")
    return wa


def _need_bool(t: Term, op: str) -> None:
    if _need_bv(t, op) != 1:
        raise SemanticsError(f"{op}: condition must be 1 bit wide, not {t.width}")


# -------------------------------------------------------- folding helpers
_BINARY_FOLD: dict[str, Callable[[int, int, int], int]] = {
    "and": lambda a, b, w: a & b,
    "or": lambda a, b, w: a | b,
    "xor": lambda a, b, w: a ^ b,
    "add": lambda a, b, w: (a + b) & bvops.mask(w),
    "sub": lambda a, b, w: (a - b) & bvops.mask(w),
    "mul": lambda a, b, w: (a * b) & bvops.mask(w),
    "udiv": bvops.udiv,
    "urem": bvops.urem,
    "sdiv": bvops.sdiv,
    "srem": bvops.srem,
    "smod": bvops.smod,
    "shl": bvops.shl,
    "lshr": bvops.lshr,
    "ashr": bvops.ashr,
    "ult": lambda a, b, w: int(a < b),
    "ule": lambda a, b, w: int(a <= b),
    "slt": bvops.slt,
    "sle": bvops.sle,
}


# --------------------------------------------------------------- unary ops
def not_(a: Term) -> Term:
    w = _need_bv(a, "not")
    if a.op == "const":
        return const(~a.value, w)
    if a.op == "not":
        return a.args[0]
    return _make("not", (a,), (), a.sort)


def neg(a: Term) -> Term:
    w = _need_bv(a, "neg")
    if a.op == "const":
        return const(-a.value, w)
    return _make("neg", (a,), (), a.sort)


def redand(a: Term) -> Term:
    w = _need_bv(a, "redand")
    if w == 1:
        return a
    if a.op == "const":
        return const(int(a.value == bvops.mask(w)), 1)
    return _make("redand", (a,), (), BOOL)


def redor(a: Term) -> Term:
    w = _need_bv(a, "redor")
    if w == 1:
        return a
    if a.op == "const":
        return const(int(a.value != 0), 1)
    return _make("redor", (a,), (), BOOL)


def redxor(a: Term) -> Term:
    w = _need_bv(a, "redxor")
    if w == 1:
        return a
    if a.op == "const":
        return const(bvops.redxor(a.value), 1)
    return _make("redxor", (a,), (), BOOL)


# -------------------------------------------------------------- binary ops
def _binary(op: str, a: Term, b: Term) -> Term:
    w = _same_width(op, a, b)
    result_sort = BOOL if op in COMPARE else a.sort
    if a.op == "const" and b.op == "const":
        return const(_BINARY_FOLD[op](a.value, b.value, w), result_sort.width)
    if op in ("and", "or", "xor", "add", "mul") and a.id > b.id:
        a, b = b, a  # commutative: canonical argument order for sharing
    return _make(op, (a, b), (), result_sort)


def and_(a: Term, b: Term) -> Term:
    w = _same_width("and", a, b)
    for x, y in ((a, b), (b, a)):
        if x.op == "const":
            if x.value == 0:
                return x
            if x.value == bvops.mask(w):
                return y
    if a is b:
        return a
    return _binary("and", a, b)


def or_(a: Term, b: Term) -> Term:
    w = _same_width("or", a, b)
    for x, y in ((a, b), (b, a)):
        if x.op == "const":
            if x.value == 0:
                return y
            if x.value == bvops.mask(w):
                return x
    if a is b:
        return a
    return _binary("or", a, b)


def xor(a: Term, b: Term) -> Term:
    _same_width("xor", a, b)
    for x, y in ((a, b), (b, a)):
        if x.op == "const" and x.value == 0:
            return y
    return _binary("xor", a, b)


def add(a: Term, b: Term) -> Term:
    _same_width("add", a, b)
    for x, y in ((a, b), (b, a)):
        if x.op == "const" and x.value == 0:
            return y
    return _binary("add", a, b)


def sub(a: Term, b: Term) -> Term:
    _same_width("sub", a, b)
    if b.op == "const" and b.value == 0:
        return a
    return _binary("sub", a, b)


def mul(a: Term, b: Term) -> Term: return _binary("mul", a, b)
def udiv(a: Term, b: Term) -> Term: return _binary("udiv", a, b)
def urem(a: Term, b: Term) -> Term: return _binary("urem", a, b)
def sdiv(a: Term, b: Term) -> Term: return _binary("sdiv", a, b)
def srem(a: Term, b: Term) -> Term: return _binary("srem", a, b)
def smod(a: Term, b: Term) -> Term: return _binary("smod", a, b)
def shl(a: Term, b: Term) -> Term: return _binary("shl", a, b)
def lshr(a: Term, b: Term) -> Term: return _binary("lshr", a, b)
def ashr(a: Term, b: Term) -> Term: return _binary("ashr", a, b)
def ult(a: Term, b: Term) -> Term: return _binary("ult", a, b)
def ule(a: Term, b: Term) -> Term: return _binary("ule", a, b)
def slt(a: Term, b: Term) -> Term: return _binary("slt", a, b)
def sle(a: Term, b: Term) -> Term: return _binary("sle", a, b)


def ugt(a: Term, b: Term) -> Term: return ult(b, a)
def uge(a: Term, b: Term) -> Term: return ule(b, a)
def sgt(a: Term, b: Term) -> Term: return slt(b, a)
def sge(a: Term, b: Term) -> Term: return sle(b, a)


def eq(a: Term, b: Term) -> Term:
    """Equality of two bit-vectors or two arrays of the same sort."""
    if not isinstance(a, Term) or not isinstance(b, Term):
        raise SemanticsError(f"eq: arguments must be Terms, not {a!r}, {b!r}")
    if a.sort != b.sort:
        raise SemanticsError(f"eq: sort mismatch, {a.sort} vs {b.sort}")
    if a is b:
        return true()
    if a.op == "const" and b.op == "const":
        return false()
    if a.id > b.id:
        a, b = b, a
    return _make("eq", (a, b), (), BOOL)


def ne(a: Term, b: Term) -> Term:
    return not_(eq(a, b))


def implies(a: Term, b: Term) -> Term:
    _need_bool(a, "implies")
    _need_bool(b, "implies")
    return or_(not_(a), b)


def iff(a: Term, b: Term) -> Term:
    _need_bool(a, "iff")
    return eq(a, b)


def and_all(terms: Iterable[Term]) -> Term:
    """Conjunction of 1-bit terms (true for none)."""
    acc = true()
    for t in terms:
        _need_bool(t, "and_all")
        acc = and_(acc, t)
    return acc


def or_all(terms: Iterable[Term]) -> Term:
    """Disjunction of 1-bit terms (false for none)."""
    acc = false()
    for t in terms:
        _need_bool(t, "or_all")
        acc = or_(acc, t)
    return acc


# ---------------------------------------------------- structural operators
def concat(hi: Term, lo: Term) -> Term:
    """``hi`` in the upper bits, ``lo`` in the lower bits."""
    wh, wl = _need_bv(hi, "concat"), _need_bv(lo, "concat")
    if hi.op == "const" and lo.op == "const":
        return const(hi.value << wl | lo.value, wh + wl)
    return _make("concat", (hi, lo), (), BV(wh + wl))


def extract(a: Term, hi: int, lo: int) -> Term:
    """Bits ``hi`` down to ``lo`` (inclusive) of ``a``."""
    w = _need_bv(a, "extract")
    if not (isinstance(hi, int) and isinstance(lo, int) and 0 <= lo <= hi < w):
        raise SemanticsError(f"extract: bad range [{hi}:{lo}] of a {w}-bit value")
    if lo == 0 and hi == w - 1:
        return a
    if a.op == "const":
        return const(a.value >> lo, hi - lo + 1)
    if a.op == "extract":
        return extract(a.args[0], a.params[1] + hi, a.params[1] + lo)
    return _make("extract", (a,), (hi, lo), BV(hi - lo + 1))


def zext(a: Term, n: int) -> Term:
    """Zero-extend by ``n`` bits."""
    w = _need_bv(a, "zext")
    if not isinstance(n, int) or n < 0:
        raise SemanticsError(f"zext: extension must be a non-negative integer, not {n!r}")
    if n == 0:
        return a
    if a.op == "const":
        return const(a.value, w + n)
    return _make("zext", (a,), (n,), BV(w + n))


def sext(a: Term, n: int) -> Term:
    """Sign-extend by ``n`` bits."""
    w = _need_bv(a, "sext")
    if not isinstance(n, int) or n < 0:
        raise SemanticsError(f"sext: extension must be a non-negative integer, not {n!r}")
    if n == 0:
        return a
    if a.op == "const":
        return const(bvops.sext(a.value, w, n), w + n)
    return _make("sext", (a,), (n,), BV(w + n))


def resize(a: Term, width: int, signed: bool = False) -> Term:
    """Truncate or extend ``a`` to ``width`` bits."""
    w = _need_bv(a, "resize")
    if width < w:
        return extract(a, width - 1, 0)
    return (sext if signed else zext)(a, width - w)


def ite(c: Term, t: Term, e: Term) -> Term:
    """If-then-else over bit-vectors or arrays of the same sort."""
    _need_bool(c, "ite")
    if not isinstance(t, Term) or not isinstance(e, Term) or t.sort != e.sort:
        raise SemanticsError(f"ite: branch sorts differ, {getattr(t, 'sort', t)} vs {getattr(e, 'sort', e)}")
    if c.op == "const":
        return t if c.value else e
    if t is e:
        return t
    if c.op == "not":
        return ite(c.args[0], e, t)
    return _make("ite", (c, t, e), (), t.sort)


def read(arr: Term, idx: Term) -> Term:
    """Element of ``arr`` at ``idx``."""
    if not isinstance(arr, Term) or not isinstance(arr.sort, Array):
        raise SemanticsError(f"read: first argument must be an array, not {getattr(arr, 'sort', arr)}")
    if _need_bv(idx, "read") != arr.sort.index_width:
        raise SemanticsError(f"read: index width {idx.width} does not match array index width {arr.sort.index_width}")
    # read over write at constant indices: skip writes to other indices (iteratively: long init chains)
    while arr.op == "write" and idx.op == "const" and arr.args[1].op == "const":
        if arr.args[1] is idx:
            return arr.args[2]
        arr = arr.args[0]
    if arr.op == "const_array":
        return arr.args[0]
    return _make("read", (arr, idx), (), BV(arr.sort.elem_width))


def write(arr: Term, idx: Term, val: Term) -> Term:
    """``arr`` with ``idx`` mapped to ``val``."""
    if not isinstance(arr, Term) or not isinstance(arr.sort, Array):
        raise SemanticsError(f"write: first argument must be an array, not {getattr(arr, 'sort', arr)}")
    if _need_bv(idx, "write") != arr.sort.index_width:
        raise SemanticsError(f"write: index width {idx.width} does not match array index width {arr.sort.index_width}")
    if _need_bv(val, "write") != arr.sort.elem_width:
        raise SemanticsError(f"write: value width {val.width} does not match element width {arr.sort.elem_width}")
    return _make("write", (arr, idx, val), (), arr.sort)


# ------------------------------------------------------- generic rebuild
_UNARY_CTOR: dict[str, Callable[[Term], Term]] = {
    "not": not_, "neg": neg, "redand": redand, "redor": redor, "redxor": redxor,
}
_BINARY_CTOR: dict[str, Callable[[Term, Term], Term]] = {
    "and": and_, "or": or_, "xor": xor, "add": add, "sub": sub, "mul": mul,
    "udiv": udiv, "urem": urem, "sdiv": sdiv, "srem": srem, "smod": smod,
    "shl": shl, "lshr": lshr, "ashr": ashr, "ult": ult, "ule": ule, "slt": slt,
    "sle": sle, "eq": eq, "concat": concat, "read": read,
}


def apply(op: str, args: Sequence[Term], params: tuple = (), sort: Sort | None = None) -> Term:
    """Build ``op`` over ``args`` through its checking constructor.

    Used by readers and by rebuilding walkers; ``sort`` is only needed for
    leaves and ``const_array`` (whose index width is not in its argument).
    """
    if op in _UNARY_CTOR and len(args) == 1:
        return _UNARY_CTOR[op](args[0])
    if op in _BINARY_CTOR and len(args) == 2:
        return _BINARY_CTOR[op](args[0], args[1])
    if op == "extract" and len(args) == 1:
        return extract(args[0], *params)
    if op == "zext" and len(args) == 1:
        return zext(args[0], *params)
    if op == "sext" and len(args) == 1:
        return sext(args[0], *params)
    if op == "ite" and len(args) == 3:
        return ite(*args)
    if op == "write" and len(args) == 3:
        return write(*args)
    if op == "const_array" and len(args) == 1 and isinstance(sort, Array):
        return const_array(args[0], sort.index_width)
    if op == "const" and sort is not None:
        return const(params[0], sort.width)
    if op == "var" and sort is not None:
        return var(params[0], sort)
    raise SemanticsError(f"unknown operator or arity: {op}/{len(args)}")


# -------------------------------------------------------------- traversal
def postorder(roots: Iterable[Term], leaves: Container[Term] = (), skip: Container[Term] = ()) -> Iterator[Term]:
    """Yield every node reachable from ``roots`` once, children before parents.

    Nodes in ``leaves`` are yielded but not descended into; nodes in ``skip``
    (e.g. a converter's memo) are neither yielded nor descended into.
    """
    seen: set[int] = set()
    for root in roots:
        if root.id in seen or root in skip:
            continue
        stack: list[tuple[Term, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                yield node
                continue
            if node.id in seen:
                continue
            seen.add(node.id)
            stack.append((node, True))
            if node in leaves:
                continue
            for child in reversed(node.args):
                if child.id not in seen and child not in skip:
                    stack.append((child, False))


def free_vars(roots: Iterable[Term]) -> list[Term]:
    """Variables occurring in ``roots``, in first-seen order."""
    return [t for t in postorder(roots) if t.op == "var"]


def substitute_all(roots: Sequence[Term], mapping: Mapping[Term, Term],
                   cache: dict[Term, Term] | None = None) -> list[Term]:
    """Replace sub-terms by ``mapping`` in every root, sharing one memo table."""
    memo: dict[Term, Term] = {} if cache is None else cache
    for k, v in mapping.items():
        if k.sort != v.sort:
            raise SemanticsError(f"substitute: {k!r} is {k.sort} but its replacement is {v.sort}")
        memo.setdefault(k, v)
    for node in postorder(r for r in roots if r not in memo):
        if node in memo:
            continue
        if not node.args:
            memo[node] = node
            continue
        new_args = tuple(memo[a] for a in node.args)
        if all(n is o for n, o in zip(new_args, node.args)):
            memo[node] = node
        else:
            memo[node] = apply(node.op, new_args, node.params, node.sort)
    return [memo[r] for r in roots]


def substitute(term: Term, mapping: Mapping[Term, Term]) -> Term:
    """Replace sub-terms of ``term`` according to ``mapping``."""
    return substitute_all([term], mapping)[0]


def to_str(term: Term, limit: int = 400) -> str:
    """A readable, size-limited rendering for messages and debugging."""
    out: dict[Term, str] = {}
    for node in postorder([term]):
        if node.op == "const":
            s = f"{node.value}:bv{node.sort.width}"
        elif node.op == "var":
            s = node.params[0]
        else:
            parts = [out[a] for a in node.args] + [str(p) for p in node.params]
            s = f"({node.op} {' '.join(parts)})"
        out[node] = s if len(s) <= limit else s[:limit] + "…"
    return out[term]


def dag_size(roots: Iterable[Term]) -> int:
    return sum(1 for _ in postorder(roots))


# ---------------------------------------------------------- serialisation
def _sort_code(sort: Sort) -> tuple:
    return ("bv", sort.width) if isinstance(sort, BV) else ("array", sort.index_width, sort.elem_width)


def _sort_from_code(code: object) -> Sort:
    if isinstance(code, tuple) and len(code) == 2 and code[0] == "bv" and type(code[1]) is int:
        return BV(code[1])
    if isinstance(code, tuple) and len(code) == 3 and code[0] == "array" and all(type(w) is int for w in code[1:]):
        return Array(code[1], code[2])
    raise SemanticsError(f"term table: bad sort {code!r:.80}")


class DagWriter:
    """Number the nodes of term DAGs into one flat table, children first, shared once.

    Each entry is ``(op, argument indices, params, sort code)``: plain tuples of
    str and int, so the table crosses process boundaries with any serialiser.
    ``read_dag`` rebuilds it through the constructors, which re-interns every
    term where it is read (structurally equal terms are the same object there).
    """

    def __init__(self) -> None:
        self.index: dict[Term, int] = {}
        self.nodes: list[tuple] = []

    def add(self, root: Term) -> int:
        """Add ``root`` and the sub-terms not yet in the table; return the index of ``root``."""
        if root not in self.index:
            for node in postorder([root], skip=self.index):
                self.index[node] = len(self.nodes)
                self.nodes.append((node.op, tuple(self.index[a] for a in node.args), node.params,
                                   _sort_code(node.sort)))
        return self.index[root]


def read_dag(nodes: Sequence[object]) -> list[Term]:
    """Rebuild a ``DagWriter`` table: the term at each index, interned in this process.

    Any malformed entry (unknown operator, forward reference, ill-sorted
    arguments, a sort the constructor does not produce) is a ``SemanticsError``.
    """
    out: list[Term] = []
    for i, entry in enumerate(nodes):
        if not (isinstance(entry, tuple) and len(entry) == 4):
            raise SemanticsError(f"term table entry {i} is malformed: {entry!r:.80}")
        op, arg_idx, params, code = entry
        if op not in ALL_OPS or not isinstance(arg_idx, tuple) or not isinstance(params, tuple):
            raise SemanticsError(f"term table entry {i} is malformed: {entry!r:.80}")
        if any(type(j) is not int or not 0 <= j < i for j in arg_idx):
            raise SemanticsError(f"term table entry {i} refers to a node not defined before it: {arg_idx!r:.80}")
        bad_const = op == "const" and (len(params) != 1 or type(params[0]) is not int)
        if bad_const or any(type(p) not in (int, str) for p in params):
            raise SemanticsError(f"term table entry {i} has bad parameters {params!r:.80}")
        sort = _sort_from_code(code)
        try:
            term = apply(op, [out[j] for j in arg_idx], params, sort)
        except (TypeError, IndexError) as e:
            raise SemanticsError(f"term table entry {i} ({op}) is malformed: {e}") from e
        if term.sort != sort:
            raise SemanticsError(f"term table entry {i} ({op}) claims sort {sort} but is {term.sort}")
        out.append(term)
    return out


def _term_from_table(nodes: Sequence[object]) -> Term:
    """Unpickle one term: the last node of its table is the root."""
    terms = read_dag(nodes)
    if not terms:
        raise SemanticsError("term table is empty")
    return terms[-1]
