"""BTOR2 reading and writing.

The reader accepts the BTOR2 used by the HWMCC bit-vector tracks: bit-vector
and array sorts; every constant, unary, binary, ternary, indexed and overflow
operator (lowered to our terms); negated argument ids; ``input``, ``state``,
``init``, ``next``, ``bad`` (stored as an assertion of its negation),
``constraint``, ``output`` (a named signal), ``fair`` and ``justice``
(recorded in ``system.justice``, which engines report as unsupported).
Trailing symbols name inputs and states (made unique when absent or taken,
``input<id>``/``state<id>``, ``<symbol>_<id>``) and become entries of
``system.signals`` (the last line using a name wins); an ``output`` without a
symbol is ``output<id>``. Property names are the symbol, else ``bad<id>``,
``fair<id>``, ``justice<id>``; a justice line with n > 1 conditions becomes n
properties ``<name>#0`` .. ``<name>#<n-1>``; fairness constraints are kept in
``system.justice`` with kind ``"fair"``. Ids must increase, initial values
must not mention inputs, and widths are limited to ``MAX_WIDTH`` (as in
btor2tools). Any malformed input raises ``SemanticsError`` located at
``file:line``; no other exception escapes.

The writer emits a file the reader turns back into the same system: variable
and property names travel as symbols, and the text depends only on the
system's structure, so it can be hashed (``system_digest``). It
follows the btor2tools parser's rules (increasing ids, ids defined before
use, initial values before their state whenever the system allows, only
bit-vector outputs); see ``write_btor2`` for our two extensions.
"""
from __future__ import annotations

import gc
import hashlib
import os
from typing import Callable

from hwverify.errors import SemanticsError, SourceLoc
from hwverify.semantics import terms as T
from hwverify.formats.smtlib import COMMUTATIVE, _structural_keys
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.terms import BV, Array, Sort, Term

__all__ = ["read_btor2", "read_btor2_file", "write_btor2", "system_digest", "MAX_WIDTH"]

#: Widest bit-vector the reader accepts (guards against absurd sorts in bad input).
MAX_WIDTH = 1 << 22

# Comment marker of a cover property, our extension (BTOR2 has no covers).
_COVER_MARK = "; hwverify:cover "

# ------------------------------------------------------------ op lowering


def _msb(a: Term) -> Term:
    w = a.width
    return T.extract(a, w - 1, w - 1)


def _rotate(a: Term, b: Term, left: bool) -> Term:
    """Rotate ``a`` by ``b`` modulo its width (Boolector/Bitwuzla semantics)."""
    w = T._same_width("rol" if left else "ror", a, b)
    if w == 1:
        return a
    n = T.urem(b, T.const(w, w))            # w < 2**w, so the constant is exact
    back = T.sub(T.const(w, w), n)          # == w when n == 0: the shift gives 0
    if left:
        return T.or_(T.shl(a, n), T.lshr(a, back))
    return T.or_(T.lshr(a, n), T.shl(a, back))


def _uaddo(a: Term, b: Term) -> Term:
    w = T._same_width("uaddo", a, b)
    return T.extract(T.add(T.zext(a, 1), T.zext(b, 1)), w, w)


def _saddo(a: Term, b: Term) -> Term:
    T._same_width("saddo", a, b)
    sa, sb, ss = _msb(a), _msb(b), _msb(T.add(a, b))
    return T.and_(T.eq(sa, sb), T.ne(ss, sa))


def _usubo(a: Term, b: Term) -> Term:
    T._same_width("usubo", a, b)
    return T.ult(a, b)


def _ssubo(a: Term, b: Term) -> Term:
    T._same_width("ssubo", a, b)
    sa, sb, sd = _msb(a), _msb(b), _msb(T.sub(a, b))
    return T.and_(T.ne(sa, sb), T.ne(sd, sa))


def _umulo(a: Term, b: Term) -> Term:
    w = T._same_width("umulo", a, b)
    if w == 1:
        return T.false()
    p = T.mul(T.zext(a, w), T.zext(b, w))
    return T.redor(T.extract(p, 2 * w - 1, w))


def _smulo(a: Term, b: Term) -> Term:
    w = T._same_width("smulo", a, b)
    p = T.mul(T.sext(a, w), T.sext(b, w))
    top = T.extract(p, 2 * w - 1, w - 1)     # all equal iff the product fits
    return T.and_(T.redor(top), T.not_(T.redand(top)))


def _sdivo(a: Term, b: Term) -> Term:
    w = T._same_width("sdivo", a, b)
    return T.and_(T.eq(a, T.const(1 << (w - 1), w)), T.eq(b, T.ones(w)))


_UNARY: dict[str, Callable[[Term], Term]] = {
    "not": T.not_, "neg": T.neg,
    "inc": lambda a: T.add(a, T.const(1, T._need_bv(a, "inc"))),
    "dec": lambda a: T.sub(a, T.const(1, T._need_bv(a, "dec"))),
    "redand": T.redand, "redor": T.redor, "redxor": T.redxor,
}
_BINARY: dict[str, Callable[[Term, Term], Term]] = {
    "and": T.and_, "or": T.or_, "xor": T.xor,
    "nand": lambda a, b: T.not_(T.and_(a, b)),
    "nor": lambda a, b: T.not_(T.or_(a, b)),
    "xnor": lambda a, b: T.not_(T.xor(a, b)),
    "add": T.add, "sub": T.sub, "mul": T.mul, "udiv": T.udiv, "urem": T.urem,
    "sdiv": T.sdiv, "srem": T.srem, "smod": T.smod,
    "sll": T.shl, "srl": T.lshr, "sra": T.ashr,
    "rol": lambda a, b: _rotate(a, b, True), "ror": lambda a, b: _rotate(a, b, False),
    "eq": T.eq, "neq": T.ne, "iff": T.iff, "implies": T.implies,
    "ult": T.ult, "ulte": T.ule, "ugt": T.ugt, "ugte": T.uge,
    "slt": T.slt, "slte": T.sle, "sgt": T.sgt, "sgte": T.sge,
    "uaddo": _uaddo, "saddo": _saddo, "usubo": _usubo, "ssubo": _ssubo,
    "umulo": _umulo, "smulo": _smulo, "sdivo": _sdivo,
    "concat": T.concat, "read": T.read,
}
_TERNARY: dict[str, Callable[[Term, Term, Term], Term]] = {"ite": T.ite, "write": T.write}
# op -> (kind, number of arguments after the sort id, builder or method name)
_SPEC: dict[str, tuple[str, int, object]] = {}
_SPEC.update({op: ("op", 1, f) for op, f in _UNARY.items()})
_SPEC.update({op: ("op", 2, f) for op, f in _BINARY.items()})
_SPEC.update({op: ("op", 3, f) for op, f in _TERNARY.items()})
_SPEC.update({"slice": ("slice", 3, None), "uext": ("ext", 2, T.zext), "sext": ("ext", 2, T.sext),
              "input": ("var", 0, None), "state": ("var", 0, None),
              "zero": ("const", 0, None), "one": ("const", 0, None), "ones": ("const", 0, None),
              "const": ("const", 1, None), "constd": ("const", 1, None), "consth": ("const", 1, None),
              "sort": ("other", 0, "define_sort"), "init": ("other", 0, "init_next"),
              "next": ("other", 0, "init_next")})
_SPEC.update({op: ("other", 0, "property") for op in ("bad", "constraint", "fair", "justice", "output")})


# ------------------------------------------------------------------ reader
class _Error(Exception):
    """Internal: a message for the current line."""


def _uint(tok: str, what: str) -> int:
    if not (tok.isdigit() and tok.isascii()):
        raise _Error(f"{what} must be an unsigned integer, not {tok!r}")
    if len(tok) > 4000:   # int() refuses long decimal strings; widths are bounded anyway
        raise _Error(f"{what} {tok[:20]}... is too large")
    return int(tok)


def _decimal(digits: str) -> int:
    """Exact value of a long decimal string (``int`` caps the digits it converts)."""
    if len(digits) <= 4000:
        return int(digits)
    value = 0
    for i in range(0, len(digits), 4000):
        chunk = digits[i:i + 4000]
        value = value * 10 ** len(chunk) + int(chunk)
    return value


def read_btor2(text: str, filename: str = "<string>") -> TransitionSystem:
    """Parse BTOR2 ``text`` into a transition system; errors name ``filename:line``."""
    if not isinstance(text, str):
        raise SemanticsError(f"BTOR2 input must be text, not {type(text).__name__}", SourceLoc(filename))
    name = "top"
    if filename and not filename.startswith("<"):
        name = os.path.splitext(os.path.basename(filename))[0] or "top"
    reader = _Reader(filename, name)
    lineno = 0
    # Terms form no reference cycles; the cyclic collector only slows parsing
    # down (by ~40% on big files), so it pauses while we read.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for lineno, line in enumerate(text.split("\n"), 1):
            reader.line(line)
        return reader.finish()
    except _Error as e:
        raise SemanticsError(str(e), SourceLoc(filename, lineno)) from None
    except SemanticsError as e:
        if e.loc is None:
            raise SemanticsError(e.message, SourceLoc(filename, lineno)) from None
        raise
    except RecursionError:
        raise SemanticsError("expression too deeply nested", SourceLoc(filename, lineno)) from None
    except Exception as e:  # noqa: BLE001 - the contract: bad input never escapes as a raw exception
        # Safety net only: every expected problem has its own message above
        # (the fuzz tests fail if this one ever shows up).
        raise SemanticsError(f"internal error reading BTOR2 ({type(e).__name__}: {e})",
                             SourceLoc(filename, lineno)) from e
    finally:
        if gc_was_enabled:
            gc.enable()


def read_btor2_file(path: str) -> TransitionSystem:
    """Read a BTOR2 file (UTF-8 text; binary files are rejected with the offending line)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        raise SemanticsError(f"cannot read BTOR2 file: {e.strerror or e}", SourceLoc(str(path))) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise SemanticsError("not UTF-8 text (binary file?)", SourceLoc(str(path), line)) from None
    return read_btor2(text, str(path))


class _Reader:
    def __init__(self, filename: str, name: str):
        self.filename = filename
        self.system = TransitionSystem(name=name)
        self.sorts: dict[int, Sort] = {}
        self.nodes: dict[int, Term] = {}
        self.other: dict[int, str] = {}          # ids of lines that are not terms
        self.max_id = 0
        self.lineno = 0
        self.var_names: set[str] = set()
        self.prop_names: set[str] = set()
        self.state_ids: dict[Term, int] = {}
        self.input_free: dict[int, bool] = {}
        self.by_tok: dict[str, Term] = {}        # id as written -> term (fast path of `arg`)
        self.sort_by_tok: dict[str, Sort] = {}

    # ---------------------------------------------------------- helpers
    def sort(self, tok: str) -> Sort:
        i = _uint(tok, "sort id")
        s = self.sorts.get(i)
        if s is None:
            if i in self.nodes or i in self.other:
                raise _Error(f"id {i} is not a sort")
            raise _Error(f"undefined sort id {i}")
        return s

    def arg(self, tok: str) -> Term:
        t = self.by_tok.get(tok)
        if t is not None:
            return t
        neg = tok.startswith("-")
        i = _uint(tok[1:] if neg else tok, "argument id")
        t = self.nodes.get(i)
        if t is None:
            if i in self.sorts:
                raise _Error(f"id {i} is a sort, not a node")
            if i in self.other:
                raise _Error(f"id {i} ('{self.other[i]}') cannot be used as an argument")
            raise _Error(f"undefined id {i}")
        if neg:
            if not isinstance(t.sort, BV):
                raise _Error(f"negated array {tok} is not allowed")
            t = T.not_(t)
        return t

    def unique_var_name(self, sym: str | None, kind: str, nid: int) -> str:
        base = sym if sym else f"{kind}{nid}"
        name = base
        if name in self.var_names:
            name = f"{base}_{nid}"
            k = 1
            while name in self.var_names:
                name = f"{base}_{nid}_{k}"
                k += 1
        self.var_names.add(name)
        return name

    def unique_prop_name(self, name: str) -> str:
        if name in self.prop_names:
            base, k = name, 1
            while f"{base}_{k}" in self.prop_names:
                k += 1
            name = f"{base}_{k}"
        self.prop_names.add(name)
        return name

    def check_init_inputs(self, state: Term, value: Term) -> None:
        """Initial values may mention states but not inputs (as in btor2tools)."""
        memo = self.input_free
        if value.op == "const" or value.id in memo:
            if memo.get(value.id, True):
                return
        stack = [value]
        while stack:
            node = stack[-1]
            if node.id in memo:
                stack.pop()
                continue
            pending = [a for a in node.args if a.id not in memo]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            if node.op == "var":
                memo[node.id] = node in self.state_ids
            else:
                memo[node.id] = all(memo[a.id] for a in node.args)
        if not memo[value.id]:
            bad = next(v for v in T.free_vars([value]) if v not in self.state_ids)
            raise _Error(f"initial value of state {state.name!r} mentions input {bad.name!r}")

    # ------------------------------------------------------------- lines
    def line(self, line: str) -> None:
        self.lineno += 1
        toks = line.split()
        if not toks or toks[0][0] == ";":
            if line.startswith(_COVER_MARK):
                self.cover(line[len(_COVER_MARK):].split())
            return
        if ";" in line:
            for k, tok in enumerate(toks):
                if tok[0] == ";":
                    del toks[k:]
                    break
        first = toks[0]
        nid = int(first) if first.isdigit() and first.isascii() and len(first) < 19 else _uint(first, "line id")
        if nid <= self.max_id or nid == 0:
            if nid == 0:
                raise _Error("line id must be positive")
            if nid in self.sorts or nid in self.nodes or nid in self.other:
                raise _Error(f"duplicate id {nid}")
            raise _Error(f"id {nid} out of order (ids must increase)")
        if len(toks) < 2:
            raise _Error(f"truncated line: missing operator after id {nid}")
        op = toks[1]
        spec = _SPEC.get(op)
        if spec is None:
            raise _Error(f"unknown operator {op!r}" if op.isprintable() else f"unknown operator {op!r} (binary data?)")
        self.max_id = nid
        kind, need, build = spec
        if kind == "other":
            getattr(self, build)(nid, op, toks[2:])
            return
        n = len(toks) - 3          # tokens after the sort id
        if n < need:
            if n < 0:
                raise _Error(f"truncated line: '{op}' needs a sort id")
            raise _Error(f"truncated line: '{op}' needs {need} argument{'s' if need != 1 else ''}, got {n}")
        if n > need + 1:
            raise _Error(f"unexpected {toks[need + 4]!r} after the symbol of '{op}'")
        s = self.sort_by_tok.get(toks[2]) or self.sort(toks[2])
        sym = toks[need + 3] if n > need else None
        arg = self.arg
        if kind == "op":
            if need == 2:
                t = build(arg(toks[3]), arg(toks[4]))
            elif need == 1:
                t = build(arg(toks[3]))
            else:
                t = build(arg(toks[3]), arg(toks[4]), arg(toks[5]))
        elif kind == "slice":
            a = arg(toks[3])
            hi, lo = _uint(toks[4], "slice upper bit"), _uint(toks[5], "slice lower bit")
            w = T._need_bv(a, "slice")
            if not lo <= hi < w:
                raise _Error(f"bad slice [{hi}:{lo}] of a {w}-bit value")
            self.expect_width(op, s, hi - lo + 1)
            t = T.extract(a, hi, lo)
        elif kind == "ext":
            a = arg(toks[3])
            k = _uint(toks[4], "extension")
            self.expect_width(op, s, T._need_bv(a, op) + k)
            t = build(a, k)
        elif kind == "var":
            self.variable(nid, op, s, sym)
            return
        else:
            t = self.constant(op, s, toks[3] if need else None)
        if t.sort != s:
            raise _Error(f"'{op}' gives {t.sort}, but the line declares {s}")
        self.nodes[nid] = t
        self.by_tok[first] = t
        if sym is not None:
            self.system.signals[sym] = t

    def expect_width(self, op: str, s: Sort, width: int) -> None:
        if not isinstance(s, BV) or s.width != width:
            raise _Error(f"'{op}' gives bv{width}, but the line declares {s}")

    def define_sort(self, nid: int, op: str, args: list[str]) -> None:
        if not args:
            raise _Error("truncated line: 'sort' needs 'bitvec' or 'array'")
        kind = args[0]
        if kind == "bitvec":
            if len(args) < 2:
                raise _Error("truncated line: 'sort bitvec' needs a width")
            if len(args) > 3:
                raise _Error(f"unexpected {args[3]!r} after sort")
            w = _uint(args[1], "bit-vector width")
            if not 1 <= w <= MAX_WIDTH:
                raise _Error(f"bit-vector width must be between 1 and {MAX_WIDTH}, not {w}")
            self.sorts[nid] = BV(w)
            self.sort_by_tok[str(nid)] = self.sorts[nid]
        elif kind == "array":
            if len(args) < 3:
                raise _Error("truncated line: 'sort array' needs index and element sort ids")
            if len(args) > 4:
                raise _Error(f"unexpected {args[4]!r} after sort")
            idx, elem = self.sort(args[1]), self.sort(args[2])
            if not isinstance(idx, BV) or not isinstance(elem, BV):
                raise _Error("arrays of arrays are not supported (index and element sorts must be bit-vectors)")
            self.sorts[nid] = Array(idx.width, elem.width)
            self.sort_by_tok[str(nid)] = self.sorts[nid]
        else:
            raise _Error(f"unknown sort kind {kind!r} (expected 'bitvec' or 'array')")

    def constant(self, op: str, s: Sort, tok: str | None) -> Term:
        if not isinstance(s, BV):
            raise _Error(f"'{op}' needs a bit-vector sort, not {s}")
        w = s.width
        if op == "zero":
            return T.const(0, w)
        if op == "one":
            return T.const(1, w)
        if op == "ones":
            return T.ones(w)
        assert tok is not None
        if op == "const":
            if not tok.isascii() or tok.strip("01"):
                raise _Error(f"const: {tok!r} is not a binary number")
            if len(tok) != w:
                raise _Error(f"const: {len(tok)} digits do not match the width {w}")
            return T.const(int(tok, 2), w)
        if op == "constd":
            negative = tok.startswith("-")
            digits = tok[1:] if negative else tok
            if not (digits.isdigit() and digits.isascii()):
                raise _Error(f"constd: {tok!r} is not a decimal number")
            if len(digits) > w // 3 + 2:
                raise _Error(f"constd: {tok} does not fit in {w} bits")
            v = _decimal(digits)
            if (negative and v > 1 << (w - 1)) or (not negative and v >> w):
                raise _Error(f"constd: {tok} does not fit in {w} bits")
            return T.const(-v if negative else v, w)
        # consth
        if not tok.isascii() or not tok or tok.strip("0123456789abcdefABCDEF"):
            raise _Error(f"consth: {tok!r} is not a hexadecimal number")
        stripped = tok.lstrip("0")
        if len(stripped) > w // 4 + 1:
            raise _Error(f"consth: {tok} does not fit in {w} bits")
        v = int(tok, 16)
        if v >> w:
            raise _Error(f"consth: {tok} does not fit in {w} bits")
        return T.const(v, w)

    def variable(self, nid: int, op: str, s: Sort, sym: str | None) -> None:
        name = self.unique_var_name(sym, op, nid)
        v = T.var(name, s)
        if op == "input":
            self.system.inputs.append(v)
        else:
            self.system.states.append(v)
            self.state_ids[v] = nid
        self.nodes[nid] = v
        self.by_tok[str(nid)] = v
        self.system.signals[name] = v
        if sym is not None:
            self.system.signals[sym] = v

    def init_next(self, nid: int, op: str, args: list[str]) -> None:
        if len(args) < 3:
            raise _Error(f"truncated line: '{op}' needs a sort id, a state and a value")
        if len(args) > 4:
            raise _Error(f"unexpected {args[4]!r} after '{op}'")
        s = self.sort(args[0])
        if args[1].startswith("-"):
            raise _Error(f"'{op}': the state id must not be negated")
        state = self.arg(args[1])
        value = self.arg(args[2])
        self.other[nid] = op
        if state not in self.state_ids:
            raise _Error(f"'{op}' of {args[1]}, which is not a state")
        if s != state.sort:
            raise _Error(f"'{op}' declares {s}, but state {state.name!r} is {state.sort}")
        system = self.system
        if op == "init":
            if isinstance(state.sort, Array) and value.sort == BV(state.sort.elem_width):
                value = T.const_array(value, state.sort.index_width)
            if value.sort != state.sort:
                raise _Error(f"init of state {state.name!r}: value is {value.sort}, state is {state.sort}")
            if state in system.init:
                raise _Error(f"state {state.name!r} initialized twice")
            self.check_init_inputs(state, value)
            system.init[state] = value
        else:
            if value.sort != state.sort:
                raise _Error(f"next of state {state.name!r}: value is {value.sort}, state is {state.sort}")
            if state in system.next:
                raise _Error(f"next of state {state.name!r} set twice")
            system.next[state] = value

    def property(self, nid: int, op: str, args: list[str]) -> None:
        self.other[nid] = op
        if op == "justice":
            if not args:
                raise _Error("truncated line: 'justice' needs a count")
            n = _uint(args[0], "justice count")
            if n == 0:
                raise _Error("justice needs at least one condition")
            if len(args) - 1 < n:
                raise _Error(f"truncated line: 'justice' needs {n} conditions, got {len(args) - 1}")
            conds, rest = args[1:1 + n], args[1 + n:]
        else:
            if not args:
                raise _Error(f"truncated line: '{op}' needs an argument")
            conds, rest = args[:1], args[1:]
        if len(rest) > 1:
            raise _Error(f"unexpected {rest[1]!r} after the symbol of '{op}'")
        sym = rest[0] if rest else None
        terms = [self.arg(c) for c in conds]
        if op == "output":
            self.system.signals[sym if sym is not None else f"output{nid}"] = terms[0]
            return
        for t in terms:
            if t.sort != T.BOOL:
                raise _Error(f"'{op}' needs a 1-bit argument, not {t.sort}")
        loc = SourceLoc(self.filename, self.lineno)
        system = self.system
        if op == "constraint":
            system.constraints.append(terms[0])
        elif op == "bad":
            name = self.unique_prop_name(sym if sym is not None else f"bad{nid}")
            system.asserts.append(Property(name, T.not_(terms[0]), "assert", loc))
        elif op == "fair":
            name = self.unique_prop_name(sym if sym is not None else f"fair{nid}")
            system.justice.append(Property(name, terms[0], "fair", loc))
        else:
            base = sym if sym is not None else f"justice{nid}"
            for i, t in enumerate(terms):
                name = self.unique_prop_name(base if len(terms) == 1 else f"{base}#{i}")
                system.justice.append(Property(name, t, "justice", loc))

    def cover(self, args: list[str]) -> None:
        if not 1 <= len(args) <= 2:
            raise _Error("malformed cover comment (expected '; hwverify:cover <id> [<name>]')")
        t = self.arg(args[0])
        if t.sort != T.BOOL:
            raise _Error(f"cover needs a 1-bit argument, not {t.sort}")
        name = self.unique_prop_name(args[1] if len(args) > 1 else f"cover{self.lineno}")
        self.system.covers.append(Property(name, t, "cover", SourceLoc(self.filename, self.lineno)))

    def finish(self) -> TransitionSystem:
        self.system.reindex()  # the reader fills the lists directly
        return self.system


# ------------------------------------------------------------------ writer
_OPNAME = {
    "not": "not", "neg": "neg", "redand": "redand", "redor": "redor", "redxor": "redxor",
    "and": "and", "or": "or", "xor": "xor", "add": "add", "sub": "sub", "mul": "mul",
    "udiv": "udiv", "urem": "urem", "sdiv": "sdiv", "srem": "srem", "smod": "smod",
    "shl": "sll", "lshr": "srl", "ashr": "sra", "ult": "ult", "ule": "ulte", "slt": "slt",
    "sle": "slte", "eq": "eq", "concat": "concat", "ite": "ite", "read": "read", "write": "write",
}


def symbol(name: str) -> str:
    """``name`` as a BTOR2 symbol: no white space or control characters, no leading ';'."""
    out = "".join(c if c.isprintable() and not c.isspace() else "_" for c in name)
    if not out or out[0] == ";":
        out = "_" + out
    return out


class _Writer:
    def __init__(self, system: TransitionSystem):
        self.system = system
        self.lines: list[str] = ["; BTOR2 written by hwverify"]
        self.next_id = 1
        self.sort_ids: dict[Sort, int] = {}
        self.ids: dict[int, int] = {}            # term id -> line id
        self.node_symbol: dict[int, str] = {}    # term id -> symbol to put on its line
        self.keys: dict[int, bytes] = {}
        self.aux = 0
        # Symbols of variables (sanitized as written), so no other line reuses one.
        self.var_names = {symbol(v.name) for v in system.inputs + system.states}

    def new_id(self) -> int:
        i = self.next_id
        self.next_id += 1
        return i

    def sid(self, sort: Sort) -> int:
        i = self.sort_ids.get(sort)
        if i is None:
            if isinstance(sort, Array):
                a, b = self.sid(BV(sort.index_width)), self.sid(BV(sort.elem_width))
                i = self.new_id()
                self.lines.append(f"{i} sort array {a} {b}")
            else:
                i = self.new_id()
                self.lines.append(f"{i} sort bitvec {sort.width}")
            self.sort_ids[sort] = i
        return i

    def emit(self, root: Term) -> int:
        """Emit ``root`` and everything below it not yet emitted; return its id.

        Children are visited in a structural order (commutative arguments sorted
        by their digest), so the text never depends on term ids.
        """
        ids, keys = self.ids, self.keys
        done = ids.get(root.id)
        if done is not None:
            return done
        seen: set[int] = set()
        stack: list[tuple[Term, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                ids[node.id] = self.node_line(node)
                continue
            if node.id in seen or node.id in ids:
                continue
            seen.add(node.id)
            stack.append((node, True))
            kids = node.args
            if node.op in COMMUTATIVE and keys[kids[0].id] > keys[kids[1].id]:
                kids = (kids[1], kids[0])
            for child in reversed(kids):
                if child.id not in seen and child.id not in ids:
                    stack.append((child, False))
        return ids[root.id]

    def node_line(self, node: Term) -> int:
        op = node.op
        if op == "var":
            raise SemanticsError(f"term mentions undeclared variable {node.name!r}")
        if op == "const_array":
            return self.const_array(node)
        s = self.sid(node.sort)
        args = node.args
        if op in COMMUTATIVE and self.keys[args[0].id] > self.keys[args[1].id]:
            args = (args[1], args[0])
        a = [self.ids[x.id] for x in args]
        i = self.new_id()
        if op == "const":
            v, w = node.params[0], node.sort.width
            if v == 0:
                text = f"{i} zero {s}"
            elif v == 1:
                text = f"{i} one {s}"
            elif v == (1 << w) - 1:
                text = f"{i} ones {s}"
            elif w <= 32:
                text = f"{i} const {s} {v:0{w}b}"
            else:
                text = f"{i} consth {s} {v:x}"
        elif op == "extract":
            text = f"{i} slice {s} {a[0]} {node.params[0]} {node.params[1]}"
        elif op == "zext":
            text = f"{i} uext {s} {a[0]} {node.params[0]}"
        elif op == "sext":
            text = f"{i} sext {s} {a[0]} {node.params[0]}"
        elif op in _OPNAME:
            text = f"{i} {_OPNAME[op]} {s} {' '.join(map(str, a))}"
        else:
            raise SemanticsError(f"cannot write operator {op!r} in BTOR2")
        sym = self.node_symbol.get(node.id)
        self.lines.append(f"{text} {sym}" if sym else text)
        return i

    def const_array(self, node: Term) -> int:
        """A constant array outside an init: a state that starts as it and never changes."""
        elem = node.args[0]
        if elem.op != "const":
            raise SemanticsError("BTOR2 cannot express a constant array of a non-constant value")
        e = self.ids[elem.id]
        s = self.sid(node.sort)
        name = f"_const_array{self.aux}"
        while name in self.var_names:
            self.aux += 1
            name = f"_const_array{self.aux}"
        self.aux += 1
        self.var_names.add(name)
        i = self.new_id()
        self.lines.append(f"{i} state {s} {name}")
        self.lines.append(f"{self.new_id()} init {s} {i} {e}")
        self.lines.append(f"{self.new_id()} next {s} {i} {i}")
        return i

    def run(self) -> str:
        sy = self.system
        states = set(sy.states)
        for v in sy.inputs + sy.states:
            if v.op != "var":
                raise SemanticsError(f"inputs and states must be variables, not {v!r}")
        self.plan_signal_symbols()
        roots = (list(sy.init.values()) + list(sy.next.values()) + sy.constraints
                 + [T.not_(p.term) for p in sy.asserts] + [p.term for p in sy.justice + sy.covers]
                 + list(sy.signals.values()) + [T.true()])
        self.keys = _structural_keys(roots)
        for v in sy.inputs:
            self.new_id_for_var(v, "input")
        # States in order; each state's init comes right before it when the
        # init only mentions states already written (btor2tools wants init
        # values to have smaller ids than their state), else after all states.
        deferred: list[Term] = []
        for v in sy.states:
            init = sy.init.get(v)
            if init is None:
                self.new_id_for_var(v, "state")
                continue
            value = init.args[0] if init.op == "const_array" and init.sort == v.sort else init
            mentioned = T.free_vars([value])
            for x in mentioned:
                if x not in states:
                    raise SemanticsError(f"initial value of state {v.name!r} mentions {x.name!r}, which is not a state")
            if all(x.id in self.ids for x in mentioned):
                e = self.emit(value)
                i = self.new_id_for_var(v, "state")
                self.lines.append(f"{self.new_id()} init {self.sid(v.sort)} {i} {e}")
            else:
                self.new_id_for_var(v, "state")
                deferred.append(v)
        for v in deferred:
            init = sy.init[v]
            value = init.args[0] if init.op == "const_array" else init
            e = self.emit(value)
            self.lines.append(f"{self.new_id()} init {self.sid(v.sort)} {self.ids[v.id]} {e}")
        for v in sy.states:
            nxt = sy.next.get(v)
            if nxt is not None:
                e = self.emit(nxt)
                self.lines.append(f"{self.new_id()} next {self.sid(v.sort)} {self.ids[v.id]} {e}")
        for c in sy.constraints:
            e = self.emit(c)
            self.lines.append(f"{self.new_id()} constraint {e}")
        for p in sy.asserts:
            e = self.emit(T.not_(p.term))
            self.lines.append(f"{self.new_id()} bad {e} {symbol(p.name)}")
        for p in sy.justice:
            e = self.emit(p.term)
            if p.kind == "fair":
                self.lines.append(f"{self.new_id()} fair {e} {symbol(p.name)}")
            else:
                self.lines.append(f"{self.new_id()} justice 1 {e} {symbol(p.name)}")
        for p in sy.covers:
            e = self.emit(p.term)
            self.lines.append(f"{_COVER_MARK}{e} {symbol(p.name)}")
        self.write_signals()
        return "\n".join(self.lines) + "\n"

    def new_id_for_var(self, v: Term, kind: str) -> int:
        s = self.sid(v.sort)
        i = self.new_id()
        self.lines.append(f"{i} {kind} {s} {symbol(v.name)}")
        self.ids[v.id] = i
        return i

    def plan_signal_symbols(self) -> None:
        """Name nodes after signals: on the node's own line when it has none yet."""
        self.extra: list[tuple[str, Term]] = []
        for name in sorted(self.system.signals):
            t = self.system.signals[name]
            if not isinstance(t, Term):
                raise SemanticsError(f"signal {name!r} is not a term: {t!r}")
            if t.op == "var" and t.name == name:
                continue
            if (t.op == "var" or t.op == "const_array" or symbol(name) in self.var_names
                    or t.id in self.node_symbol):
                self.extra.append((name, t))
            else:
                self.node_symbol[t.id] = symbol(name)

    def write_signals(self) -> None:
        for name in sorted(self.system.signals):
            t = self.system.signals[name]
            if t.id in self.node_symbol and self.node_symbol[t.id] == symbol(name):
                self.emit(t)         # emitted with its symbol (if nothing else did)
        for name, t in self.extra:
            e = self.emit(t)
            if isinstance(t.sort, BV):
                self.lines.append(f"{self.new_id()} output {e} {symbol(name)}")
            else:
                # btor2tools only outputs bit-vectors; name an identity node instead.
                one = self.emit(T.true())
                self.lines.append(f"{self.new_id()} ite {self.sid(t.sort)} {one} {e} {e} {symbol(name)}")


def write_btor2(system: TransitionSystem) -> str:
    """BTOR2 text of ``system`` that ``read_btor2`` reads back to the same system.

    Deterministic: the text depends only on the system's structure (lists in
    their order, signals sorted by name, commutative arguments in a structural
    order), never on term ids. Names become symbols (white space replaced by
    ``_``). Two extensions beyond plain BTOR2: cover properties are written as
    ``; hwverify:cover <id> <name>`` comments (other tools ignore them), and a
    constant array outside an ``init`` becomes an auxiliary state
    ``_const_array<n>`` that starts as that array and never changes.
    """
    if not isinstance(system, TransitionSystem):
        raise SemanticsError(f"write_btor2 needs a TransitionSystem, not {type(system).__name__}")
    return _Writer(system).run()


def system_digest(system: TransitionSystem) -> str:
    """Return a stable SHA-256 of ``system``'s meaning, for certificates and caches.

    It hashes the BTOR2 text, which depends only on the system's structure
    (not on term ids or creation order), so equal systems read from different
    files hash the same.
    """
    return hashlib.sha256(write_btor2(system).encode()).hexdigest()
