"""Verilog expressions to terms, with IEEE 1364-2005 expression sizing (clause 5.4/5.5).

Why two passes: Verilog widths are *context-determined*. ``self_size`` computes
each operand's self-determined width and signedness bottom-up; ``lower(node,
W, S)`` then evaluates ``node`` in a context of width ``W`` and type ``S``:
context-determined operands (of ``+ - * / % & | ^ ~^ ?:`` and unary ``- ~ +``)
are evaluated at ``W`` and extended *before* the operation, by sign extension
only when the whole expression is signed (every operand signed); operands of
comparisons are sized to each other; shift amounts, concatenation parts,
indices, reduction and logical operands are self-determined. Getting this
right is what makes ``a + b > c`` or ``(a + b) >> 1`` carry the bit Icarus
keeps.

Values Verilog makes ``x`` (``x``/``z`` literal bits, out-of-range selects)
become fresh free values each cycle: a sound over-approximation of every
simulator and synthesis result. Division by zero follows SMT-LIB (see
DESIGN.md) instead of giving ``x``.
"""
from __future__ import annotations

import functools
import re
from typing import Any

from pyverilog.vparser import ast as A

from hwverify.errors import FrontendError
from hwverify.frontend.verilog import nodes as N
from hwverify.frontend.verilog.model import Net, Param, Scope
from hwverify.frontend.verilog.netlist import Netlist, ReadCtx
from hwverify.semantics import terms as T
from hwverify.semantics.terms import Term


Size = tuple[int, bool]


# ------------------------------------------------------------------ literals
_BASED = re.compile(r"^(\d[\d_]*)?\s*'\s*([sS]?)([bBoOdDhH])\s*([0-9a-fA-FxXzZ?_]+)$")
_BITS = {"b": 1, "o": 3, "h": 4}


@functools.lru_cache(maxsize=4096)
def parse_literal(text: str) -> tuple[int, int, int, bool, bool]:
    """Parse an integer literal: (value, x_mask, width, signed, sized).

    ``x_mask`` marks x/z/? bits (don't-care in casez/casex patterns).
    Unsized literals are at least 32 bits wide, as in Icarus.
    """
    t = text.strip()
    if re.fullmatch(r"\d[\d_]*", t):
        v = int(t.replace("_", ""))
        return v, 0, max(32, v.bit_length() + 1), True, False
    m = _BASED.match(t)
    if not m:
        raise ValueError(text)
    size_s, s_flag, base, digits = m.groups()
    base = base.lower()
    digits = digits.replace("_", "")
    signed = bool(s_flag)
    if base == "d":
        if re.fullmatch(r"[xXzZ?]", digits):
            width = int(size_s) if size_s else 32
            return 0, (1 << width) - 1, width, signed, bool(size_s)
        if not digits.isdigit():
            raise ValueError(text)
        v, xm, nbits = int(digits), 0, int(digits).bit_length()
    else:
        b = _BITS[base]
        v = xm = 0
        for ch in digits:
            v <<= b
            xm <<= b
            if ch in "xXzZ?":
                xm |= (1 << b) - 1
            else:
                v |= int(ch, 16 if base == "h" else 8 if base == "o" else 2)
        nbits = b * len(digits)
    if size_s:
        width = int(size_s)
        if width < 1:
            raise ValueError(text)
    else:
        width = max(32, nbits)
    # A leading x/z digit extends to the left; otherwise zero extension.
    if xm and nbits < width and (xm >> (nbits - 1)) & 1:
        xm |= ((1 << width) - 1) ^ ((1 << nbits) - 1)
    mask = (1 << width) - 1
    return v & mask, xm & mask, width, signed, bool(size_s)


def _const_signed_value(t: Term, signed: bool) -> int:
    v = t.value
    if signed and v >> (t.width - 1) & 1:
        v -= 1 << t.width
    return v


# ------------------------------------------------------------- the lowerer
class ExprLowerer:
    """Lowers expressions of one scope, reading through ``ctx``."""

    def __init__(self, design: Netlist, scope: Scope, ctx: ReadCtx):
        self.design, self.scope, self.ctx = design, scope, ctx

    # -------------------------------------------------------- helpers
    def err(self, node: Any, msg: str, unsupported: bool = False) -> FrontendError:
        return self.design.error(node, msg, unsupported)

    def resolve(self, node: Any) -> Any:
        """The Net or Param an identifier denotes (hierarchical names allowed)."""
        if isinstance(node, A.Identifier) and node.scope is not None:
            s: Scope | None = self.scope
            for i, lab in enumerate(node.scope.labellist):
                key = lab.name
                if lab.loop is not None:
                    key = f"{lab.name}[{self.const_int(lab.loop)}]"
                if i == 0:
                    found = s.lookup_child(key) if s else None
                    top = getattr(self.design, "top_scope", None)
                    if found is None and top is not None and key == top.module.name:
                        found = top   # an absolute name: top.u_core.x
                    s = found
                else:
                    s = s.children.get(key) if s else None
                if s is None:
                    raise self.err(node, f"unknown hierarchical scope {key!r} in "
                                         f"{'.'.join(l.name for l in node.scope.labellist)}.{node.name}")
            sym = s.names.get(node.name) if s else None
        elif isinstance(node, A.Identifier):
            sym = self.scope.lookup(node.name)
        else:
            raise self.err(node, f"expected a name, not {type(node).__name__}")
        if sym is None:
            raise self.design.unknown_name(node, node.name, self.scope)
        return sym

    def const_int(self, node: Any, what: str = "expression") -> int:
        """Evaluate a constant expression (parameters, genvars, constant functions)."""
        w, s = self.self_size(node)
        t = self.lower(node, w, s)
        if not t.is_const:
            raise self.err(node, f"{what} must be constant")
        return _const_signed_value(t, s)

    def truth(self, node: Any) -> Term:
        """A condition: true when any bit is 1 (x-free, 2-state semantics)."""
        return T.redor(self.lower_self(node))

    def lower_self(self, node: Any) -> Term:
        w, s = self.self_size(node)
        return self.lower(node, w, s)

    def lower_assign(self, node: Any, width: int) -> Term:
        """Evaluate ``node`` as the right side of an assignment to ``width`` bits."""
        w, s = self.self_size(node)
        t = self.lower(node, max(w, width), s)
        return narrow(t, width) if width < t.width else T.resize(t, width, s)

    # ------------------------------------------------------ self sizes
    def self_size(self, node: Any) -> Size:
        memo = self.scope.fn_cache.setdefault("size", {})
        key = id(node)
        r = memo.get(key)
        if r is None:
            r = self._size(node)
            memo[key] = r
        return r

    def _size(self, n: Any) -> Size:
        if isinstance(n, (A.Rvalue, A.Lvalue)):
            return self.self_size(n.var)
        if isinstance(n, A.IntConst):
            try:
                _, _, w, s, _ = parse_literal(n.value)
            except ValueError:
                raise self.err(n, f"malformed number {n.value!r}") from None
            return w, s
        if isinstance(n, A.StringConst):
            return max(8, 8 * len(n.value)), False
        if isinstance(n, A.FloatConst):
            raise self.err(n, "real numbers are not supported", True)
        if isinstance(n, A.Identifier):
            sym = self.resolve(n)
            if isinstance(sym, Param):
                return sym.term.width, sym.signed
            if sym.is_memory:
                raise self.err(n, f"memory {sym.name} used without an address")
            return sym.width, sym.signed
        if isinstance(n, A.Pointer):
            base = n.var
            if isinstance(base, A.Identifier):
                sym = self.resolve(base)
                if isinstance(sym, Net) and sym.is_memory:
                    return sym.width, sym.signed
            return 1, False
        if isinstance(n, A.Partselect):
            return abs(self.const_int(n.msb) - self.const_int(n.lsb)) + 1, False
        if isinstance(n, N.IndexedPartselect):
            w = self.const_int(n.width, "width of an indexed part-select")
            if w < 1:
                raise self.err(n, "indexed part-select width must be positive")
            return w, False
        if isinstance(n, A.Concat):
            for x in n.list:
                if isinstance(x, A.IntConst) and not parse_literal(x.value)[4]:
                    raise self.err(x, f"unsized constant {x.value} in a concatenation")
            return sum(self.self_size(x)[0] for x in n.list), False
        if isinstance(n, A.Repeat):
            k = self.const_int(n.times, "replication count")
            if k < 1:
                raise self.err(n, "replication count must be positive")
            return k * self.self_size(n.value)[0], False
        if isinstance(n, (A.Ulnot, A.Uand, A.Unand, A.Uor, A.Unor, A.Uxor, A.Uxnor)):
            return 1, False
        if isinstance(n, (A.Uplus, A.Uminus, A.Unot)):
            return self.self_size(n.right)
        if isinstance(n, (A.LessThan, A.GreaterThan, A.LessEq, A.GreaterEq, A.Eq, A.NotEq,
                          A.Eql, A.NotEql, A.Land, A.Lor)):
            return 1, False
        if isinstance(n, (A.Sll, A.Srl, A.Sla, A.Sra, A.Power)):
            return self.self_size(n.left)
        if isinstance(n, A.Cond):
            (wt, st), (we, se) = self.self_size(n.true_value), self.self_size(n.false_value)
            return max(wt, we), st and se
        if isinstance(n, A.Operator):  # + - * / % & | ^ ~^
            (wl, sl), (wr, sr) = self.self_size(n.left), self.self_size(n.right)
            return max(wl, wr), sl and sr
        if isinstance(n, A.SystemCall):
            return self._syscall_size(n)
        if isinstance(n, A.FunctionCall):
            f = self.design.function(self.scope, n)
            return f.width, f.signed
        raise self.err(n, f"unsupported expression {type(n).__name__}", True)

    def _syscall_size(self, n: A.SystemCall) -> Size:
        name = n.syscall
        if name in ("signed", "unsigned"):
            self._nargs(n, 1)
            return self.self_size(n.args[0])[0], name == "signed"
        if name in ("clog2", "countones"):
            return 32, True
        if name == "past":
            return self.self_size(n.args[0])
        if name in ("stable", "rose", "fell", "changed", "initstate", "onehot", "onehot0"):
            return 1, False
        if name in ("anyconst", "anyseq", "allconst", "allseq"):
            return 1, False  # takes the width of its context, see _syscall
        raise self.err(n, f"system function ${name} is not supported", True)

    def _nargs(self, n: Any, k: int, k_max: int | None = None) -> None:
        if not (k <= len(n.args) <= (k_max or k)):
            raise self.err(n, f"${n.syscall} takes {k if not k_max else f'{k} to {k_max}'} argument(s)")

    # ---------------------------------------------------------- lowering
    def lower(self, n: Any, W: int, S: bool) -> Term:
        """Evaluate ``n`` in a context of ``W`` bits and signedness ``S``."""
        if isinstance(n, (A.Rvalue, A.Lvalue)):
            return self.lower(n.var, W, S)
        if isinstance(n, (A.Plus, A.Minus, A.Times, A.Divide, A.Mod, A.And, A.Or, A.Xor, A.Xnor)):
            a, b = self.lower(n.left, W, S), self.lower(n.right, W, S)
            return _ARITH[type(n)](a, b, S)
        if isinstance(n, A.Uminus):
            return T.neg(self.lower(n.right, W, S))
        if isinstance(n, A.Unot):
            return T.not_(self.lower(n.right, W, S))
        if isinstance(n, A.Uplus):
            return self.lower(n.right, W, S)
        if isinstance(n, A.Cond):
            c = self.truth(n.cond)
            return T.ite(c, self.lower(n.true_value, W, S), self.lower(n.false_value, W, S))
        if isinstance(n, (A.Sll, A.Srl, A.Sla, A.Sra)):
            a = self.lower(n.left, W, S)
            amt = self.lower_self(n.right)
            return shift(a, amt, "shl" if isinstance(n, (A.Sll, A.Sla)) else
                         "ashr" if isinstance(n, A.Sra) and S else "lshr")
        if isinstance(n, A.Power):
            return self._power(n, W, S)
        if isinstance(n, A.SystemCall) and n.syscall in ("anyconst", "anyseq", "allconst", "allseq"):
            return self.design.formal.any_value(n, W)
        # Everything else is self-determined, then extended to the context.
        t = self._lower_leaf(n)
        w, s = self.self_size(n)
        if t.width != w:  # pragma: no cover - internal consistency
            raise self.err(n, f"internal: width {t.width} != {w}")
        return T.resize(t, W, S and s) if W >= w else narrow(t, W)

    def _power(self, n: A.Power, W: int, S: bool) -> Term:
        base = self.lower(n.left, W, S)
        ew, es = self.self_size(n.right)
        e = self.lower(n.right, ew, es)
        if not e.is_const:
            if base.is_const and base.value == 2:
                return shift(T.const(1, W), e, "shl")
            raise self.err(n, "'**' needs a constant exponent (or base 2)", True)
        k = _const_signed_value(e, es)
        if k < 0:  # IEEE 5.1.5: 1 ** -k = 1, -1 ** -k = +-1, else 0 (x for 0 ** -k)
            if base.is_const:
                b = _const_signed_value(base, S)
                val = 1 if b == 1 else (1 if k % 2 == 0 else -1) if b == -1 else 0
                return T.const(val, W)
            raise self.err(n, "negative exponent of a non-constant base", True)
        acc, sq = T.const(1, W), base
        while k:
            if k & 1:
                acc = T.mul(acc, sq)
            sq = T.mul(sq, sq)
            k >>= 1
        return acc

    def _lower_leaf(self, n: Any) -> Term:
        if isinstance(n, A.IntConst):
            v, xm, w, _, _ = parse_literal(n.value)
            t = T.const(v, w)
            if xm:
                t = T.or_(T.and_(t, T.const(~xm, w)), T.and_(self.design.fresh_x(w, n), T.const(xm, w)))
            return t
        if isinstance(n, A.StringConst):
            data = n.value.encode("latin-1", "replace") or b"\0"
            return T.const(int.from_bytes(data, "big"), 8 * len(data))
        if isinstance(n, A.Identifier):
            sym = self.resolve(n)
            if isinstance(sym, Param):
                return sym.term
            return self.ctx.read_net(sym, n)
        if isinstance(n, A.Pointer):
            return self._pointer(n)
        if isinstance(n, A.Partselect):
            vec, net, msb, lsb = self._vector(n.var)
            hi_i, lo_i = self.const_int(n.msb), self.const_int(n.lsb)
            if (msb >= lsb) != (hi_i >= lo_i) and hi_i != lo_i:
                raise self.err(n, "part-select direction differs from the declaration")
            offs = sorted((_offset(msb, lsb, hi_i), _offset(msb, lsb, lo_i)))
            return self._static_slice(vec, net, offs[0], offs[1], n)
        if isinstance(n, N.IndexedPartselect):
            return self._indexed(n)
        if isinstance(n, A.Concat):
            parts = [self.lower_self(x) for x in n.list]
            acc = parts[0]
            for p in parts[1:]:
                acc = T.concat(acc, p)
            return acc
        if isinstance(n, A.Repeat):
            k = self.const_int(n.times)
            v = self.lower_self(n.value)
            acc = v
            for _ in range(k - 1):
                acc = T.concat(acc, v)
            return acc
        if isinstance(n, A.Ulnot):
            return T.not_(self.truth(n.right))
        if isinstance(n, (A.Uand, A.Unand, A.Uor, A.Unor, A.Uxor, A.Uxnor)):
            v = self.lower_self(n.right)
            r = {A.Uand: T.redand, A.Unand: T.redand, A.Uor: T.redor, A.Unor: T.redor,
                 A.Uxor: T.redxor, A.Uxnor: T.redxor}[type(n)](v)
            return T.not_(r) if isinstance(n, (A.Unand, A.Unor, A.Uxnor)) else r
        if isinstance(n, (A.Land, A.Lor)):
            a, b = self.truth(n.left), self.truth(n.right)
            return T.and_(a, b) if isinstance(n, A.Land) else T.or_(a, b)
        if isinstance(n, (A.LessThan, A.GreaterThan, A.LessEq, A.GreaterEq, A.Eq, A.NotEq,
                          A.Eql, A.NotEql)):
            (wl, sl), (wr, sr) = self.self_size(n.left), self.self_size(n.right)
            w, s = max(wl, wr), sl and sr
            a, b = self.lower(n.left, w, s), self.lower(n.right, w, s)
            return _COMPARE[type(n)](a, b, s)
        if isinstance(n, A.SystemCall):
            return self._syscall(n)
        if isinstance(n, A.FunctionCall):
            return self.design.call_function(self, n)
        raise self.err(n, f"unsupported expression {type(n).__name__}", True)

    # ---------------------------------------------------- system calls
    def _syscall(self, n: A.SystemCall) -> Term:
        name = n.syscall
        if name in ("signed", "unsigned"):
            return self.lower_self(n.args[0])
        if name == "clog2":
            self._nargs(n, 1)
            x = self.lower_self(n.args[0])
            if x.is_const:
                v = x.value
                return T.const((v - 1).bit_length() if v > 1 else 0, 32)
            # ceil(log2(x)): 1 + index of the highest set bit of x - 1 (0 for x <= 1).
            m1 = T.sub(x, T.const(1, x.width))
            acc = T.const(0, 32)
            for k in range(x.width):
                acc = T.ite(T.extract(m1, k, k), T.const(k + 1, 32), acc)
            return T.ite(T.ule(x, T.const(1, x.width)), T.const(0, 32), acc)
        if name == "countones":
            v = self.lower_self(n.args[0])
            acc = T.const(0, 32)
            for i in range(v.width):
                acc = T.add(acc, T.zext(T.extract(v, i, i), 31))
            return acc
        if name in ("onehot", "onehot0"):
            v = self.lower_self(n.args[0])
            one = T.const(1, v.width)
            at_most = T.eq(T.and_(v, T.sub(v, one)), T.const(0, v.width))
            return at_most if name == "onehot0" else T.and_(at_most, T.redor(v))
        return self.design.formal.syscall(self, n)

    # --------------------------------------------------------- selects
    def _vector(self, node: Any) -> tuple[Term, Net | None, int, int]:
        """The vector a select applies to, its net (if a plain net) and declared range."""
        if isinstance(node, A.Identifier):
            sym = self.resolve(node)
            if isinstance(sym, Param):
                w = sym.term.width
                return sym.term, None, w - 1, 0
            if sym.is_memory:
                raise self.err(node, f"memory {sym.name} used without an address")
            return None, sym, sym.msb, sym.lsb
        if isinstance(node, A.Pointer) and isinstance(node.var, A.Identifier):
            sym = self.resolve(node.var)
            if isinstance(sym, Net) and sym.is_memory:
                return self._pointer(node), None, sym.msb, sym.lsb
        raise self.err(node, "only names and memory words can be selected from", True)

    def _full(self, vec: Term | None, net: Net | None, node: Any) -> Term:
        return vec if vec is not None else self.ctx.read_net(net, node)  # type: ignore[arg-type]

    def _static_slice(self, vec: Term | None, net: Net | None, lo: int, hi: int, node: Any) -> Term:
        width = vec.width if vec is not None else net.width  # type: ignore[union-attr]
        if 0 <= lo and hi < width:
            if vec is None:
                return self.ctx.read_bits(net, lo, hi, node)  # type: ignore[arg-type]
            return T.extract(vec, hi, lo)
        full = self._full(vec, net, node)  # partly out of range: those bits are x
        acc: Term | None = None
        for i in range(lo, hi + 1):
            b = T.extract(full, i, i) if 0 <= i < width else self.design.fresh_x(1, node)
            acc = b if acc is None else T.concat(b, acc)
        assert acc is not None
        return acc

    def _pointer(self, n: A.Pointer) -> Term:
        if isinstance(n.var, A.Identifier):
            sym = self.resolve(n.var)
            if isinstance(sym, Net) and sym.is_memory:
                arr = self.ctx.read_mem(sym, n)
                idx = self.lower_self(n.ptr)
                lo = min(sym.mem_range)  # type: ignore[arg-type]
                off, ok = self.offset(idx, self.self_size(n.ptr)[1], lo, 1, sym.depth, n.ptr)
                word = T.read(arr, T.resize(off, sym.addr_width))
                return self.guard(ok, word, n)
        vec, net, msb, lsb = self._vector(n.var)
        iw, isg = self.self_size(n.ptr)
        idx = self.lower(n.ptr, iw, isg)
        width = vec.width if vec is not None else net.width  # type: ignore[union-attr]
        if idx.is_const:
            o = _offset(msb, lsb, _const_signed_value(idx, isg))
            return self._static_slice(vec, net, o, o, n)
        full = self._full(vec, net, n)
        base = lsb if msb >= lsb else -lsb
        if msb < lsb:
            idx = T.neg(T.resize(idx, idx.width + 1, isg))
            isg = True
        off, ok = self.offset(idx, isg, base, 1, width, n.ptr)
        bit = T.extract(shift(full, off, "lshr"), 0, 0)
        return self.guard(ok, bit, n)

    def _indexed(self, n: N.IndexedPartselect) -> Term:
        vec, net, msb, lsb = self._vector(n.var)
        w = self.const_int(n.width)
        iw, isg = self.self_size(n.base)
        b = self.lower(n.base, iw, isg)
        width = vec.width if vec is not None else net.width  # type: ignore[union-attr]
        # Declared indices covered: [b, b+w-1] for +:, [b-w+1, b] for -:.
        lo_idx_delta = 0 if n.up else -(w - 1)
        if b.is_const:
            lo_i = _const_signed_value(b, isg) + lo_idx_delta
            offs = sorted((_offset(msb, lsb, lo_i), _offset(msb, lsb, lo_i + w - 1)))
            return self._static_slice(vec, net, offs[0], offs[1], n)
        if w > width:
            return self.design.fresh_x(w, n)
        full = self._full(vec, net, n)
        if msb >= lsb:   # lowest offset = (b + delta) - lsb
            off, ok = self.offset(b, isg, lsb - lo_idx_delta, w, width, n.base)
        else:            # lowest offset = lsb - (b + delta + w - 1)
            nb = T.neg(T.resize(b, b.width + 1, isg))
            off, ok = self.offset(nb, True, -lsb + lo_idx_delta + w - 1, w, width, n.base)
        part = T.extract(shift(full, off, "lshr"), w - 1, 0)
        return self.guard(ok, part, n)

    def guard(self, ok: Term | None, value: Term, node: Any) -> Term:
        """``value`` where ``ok`` holds, x (a free value) elsewhere."""
        if ok is None or (ok.is_const and ok.value):
            return value
        x = self.design.fresh_x(value.width, node)
        return x if ok.is_const else T.ite(ok, value, x)

    def offset(self, idx: Term, signed: bool, base: int, span: int, size: int,
               node: Any) -> tuple[Term, Term | None]:
        """``idx - base`` as an unsigned offset and the condition that
        ``[off, off+span)`` lies inside ``[0, size)`` (None when always true)."""
        lo_v, hi_v = value_range(idx, signed)
        ow = max(idx.width, abs(base).bit_length(), size.bit_length()) + 2
        if lo_v - base >= 0 and hi_v - base + span <= size:
            if not base and not signed:
                return idx, None
            return T.sub(T.resize(idx, ow, signed), T.const(base, ow)), None
        off = T.sub(T.resize(idx, ow, signed), T.const(base, ow))
        ok = T.ule(off, T.const(size - span, ow)) if size >= span else T.false()
        return off, ok


_LOW_BITS_OPS = ("add", "sub", "mul", "and", "or", "xor")


def narrow(t: Term, w: int, memo: dict | None = None) -> Term:
    """The low ``w`` bits of ``t``, pushed through operators whose low result bits only
    depend on the operands' low bits. Keeps ``count + 1`` at the width of ``count``
    instead of Verilog's 32-bit intermediate, which is much kinder to solvers."""
    if w >= t.width:
        return t
    memo = {} if memo is None else memo
    key = (t, w)
    r = memo.get(key)
    if r is not None:
        return r
    op = t.op
    if op in _LOW_BITS_OPS:
        r = T.apply(op, [narrow(a, w, memo) for a in t.args])
    elif op in ("not", "neg"):
        r = T.apply(op, [narrow(t.args[0], w, memo)])
    elif op == "ite":
        r = T.ite(t.args[0], narrow(t.args[1], w, memo), narrow(t.args[2], w, memo))
    elif op in ("zext", "sext"):
        inner = t.args[0]
        r = narrow(inner, w, memo) if w <= inner.width else T.apply(op, [inner], (w - inner.width,))
    elif op == "concat" and w <= t.args[1].width:
        r = narrow(t.args[1], w, memo)
    else:
        r = T.extract(t, w - 1, 0)
    memo[key] = r
    return r


def value_range(t: Term, signed: bool) -> tuple[int, int]:
    """Bounds of the integer value of ``t`` (cheap, local): avoids needless range checks
    for indices such as ``(i + k) % 4`` or ``{1'b0, x[2:0]}``."""
    w = t.width
    if t.is_const:
        v = t.value - (1 << w if signed and t.value >> (w - 1) & 1 else 0)
        return v, v
    lo, hi = 0, (1 << w) - 1          # unsigned bounds from the operator
    if t.op == "zext":
        lo, hi = value_range(t.args[0], False)
    elif t.op == "urem" and t.args[1].is_const and t.args[1].value:
        hi = t.args[1].value - 1
    elif t.op == "and" and any(a.is_const for a in t.args):
        hi = min(a.value for a in t.args if a.is_const)
    elif t.op == "concat" and t.args[0].is_const:
        lo = t.args[0].value << t.args[1].width
        hi = lo + (1 << t.args[1].width) - 1
    if signed and hi >> (w - 1):
        return -(1 << (w - 1)), (1 << (w - 1)) - 1
    return lo, hi


def _offset(msb: int, lsb: int, index: int) -> int:
    return index - lsb if msb >= lsb else lsb - index


def shift(a: Term, amt: Term, op: str) -> Term:
    """Shift ``a`` by an unsigned amount of any width (amounts >= width flush)."""
    w = a.width
    if amt.width == w:
        return T.apply(op, [a, amt])
    if amt.width < w:
        return T.apply(op, [a, T.zext(amt, w - amt.width)])
    small = T.extract(amt, w - 1, 0)
    big = T.redor(T.extract(amt, amt.width - 1, w))
    flushed = T.apply(op, [a, T.ones(w)]) if op == "ashr" else T.const(0, w)
    return T.ite(big, flushed, T.apply(op, [a, small]))


_ARITH = {
    A.Plus: lambda a, b, s: T.add(a, b),
    A.Minus: lambda a, b, s: T.sub(a, b),
    A.Times: lambda a, b, s: T.mul(a, b),
    A.Divide: lambda a, b, s: T.sdiv(a, b) if s else T.udiv(a, b),
    A.Mod: lambda a, b, s: T.srem(a, b) if s else T.urem(a, b),
    A.And: lambda a, b, s: T.and_(a, b),
    A.Or: lambda a, b, s: T.or_(a, b),
    A.Xor: lambda a, b, s: T.xor(a, b),
    A.Xnor: lambda a, b, s: T.not_(T.xor(a, b)),
}

def _zero_width(t: Term) -> int:
    """Bits of ``t`` that can be non-zero (the rest are known zero-extension)."""
    if t.is_const:
        return max(1, t.value.bit_length())
    if t.op == "zext":
        return t.args[0].width
    return t.width


def _shrink(a: Term, b: Term) -> tuple[Term, Term]:
    """Compare zero-extended operands at their real width (unsigned and equality only)."""
    m = max(_zero_width(a), _zero_width(b))
    if m >= a.width:
        return a, b
    return narrow(a, m), narrow(b, m)


def _ucmp(op: str, a: Term, b: Term) -> Term:
    a, b = _shrink(a, b)
    return T.apply(op, [a, b]) if op != "eq" else T.eq(a, b)


_COMPARE = {
    A.LessThan: lambda a, b, s: T.slt(a, b) if s else _ucmp("ult", a, b),
    A.GreaterThan: lambda a, b, s: T.sgt(a, b) if s else _ucmp("ult", b, a),
    A.LessEq: lambda a, b, s: T.sle(a, b) if s else _ucmp("ule", a, b),
    A.GreaterEq: lambda a, b, s: T.sge(a, b) if s else _ucmp("ule", b, a),
    A.Eq: lambda a, b, s: _ucmp("eq", a, b),
    A.NotEq: lambda a, b, s: T.not_(_ucmp("eq", a, b)),
    A.Eql: lambda a, b, s: _ucmp("eq", a, b),
    A.NotEql: lambda a, b, s: T.not_(_ucmp("eq", a, b)),
}
