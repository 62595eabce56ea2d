"""Word-level terms to an and-inverter graph (AIG) and CNF.

Bit-level engines (IC3/PDR over a SAT solver) need every bit-vector operator
as gates. ``Aig`` holds two-input AND gates over DIMACS-style literals
(variable 1 is the constant TRUE, ``-v`` the negation of ``v``) with constant
folding and structural hashing, so equal sub-circuits are built once.
``BitBlaster`` maps terms to lists of literals (least significant bit first):
one handler per operator in ``terms.ALL_OPS``, an iterative memoised walk (the
DAGs are too deep for recursion), and an ``UnsupportedError`` for anything it
does not handle. Arrays with small index widths become one bit-vector per
index; wider arrays raise ``UnsupportedError`` naming the array and the limit.

The semantics are SMT-LIB's, exactly as in ``bvops`` (division by zero gives
all ones, remainder by zero the dividend, shifts by at least the width give 0
or the sign). ``Aig.simulate`` evaluates the gates on concrete inputs, which
is how the tests fuzz this module against ``evaluate``.
"""
from __future__ import annotations

from typing import Callable, Iterable, Mapping, Sequence

from hwverify.errors import SemanticsError, UnsupportedError
from hwverify.semantics import terms as T
from hwverify.semantics.terms import Array, BV, Term

__all__ = ["TRUE", "FALSE", "Aig", "BitBlaster", "MAX_ARRAY_BITS", "MAX_INDEX_WIDTH"]

TRUE = 1
FALSE = -1

# Arrays are blasted into 2**index_width words: keep that small.
MAX_INDEX_WIDTH = 10
MAX_ARRAY_BITS = 1 << 14

Bits = list[int]


class Aig:
    """AND gates over DIMACS literals; gates are stored in creation (topological) order.

    ``gates[k]`` is ``(out, a, b)`` meaning ``out <-> a & b``. Inputs of the
    graph are the variables made by ``new_var`` that are not gate outputs.
    """

    def __init__(self) -> None:
        self.nvars = 1  # variable 1 is TRUE
        self.gates: list[tuple[int, int, int]] = []
        self.gate_of: dict[int, tuple[int, int]] = {}   # gate output variable -> (a, b)
        self._strash: dict[tuple[int, int], int] = {}

    def new_var(self) -> int:
        self.nvars += 1
        return self.nvars

    def and_(self, a: int, b: int) -> int:
        """``a & b`` with folding (constants, equal and opposite literals) and sharing."""
        if a == FALSE or b == FALSE or a == -b:
            return FALSE
        if a == TRUE or a == b:
            return b
        if b == TRUE:
            return a
        if a > b:
            a, b = b, a
        key = (a, b)
        out = self._strash.get(key)
        if out is None:
            out = self.new_var()
            self._strash[key] = out
            self.gates.append((out, a, b))
            self.gate_of[out] = key
        return out

    def or_(self, a: int, b: int) -> int:
        return -self.and_(-a, -b)

    def xor(self, a: int, b: int) -> int:
        if a == FALSE:
            return b
        if b == FALSE:
            return a
        if a == TRUE:
            return -b
        if b == TRUE:
            return -a
        if a == b:
            return FALSE
        if a == -b:
            return TRUE
        return self.or_(self.and_(a, -b), self.and_(-a, b))

    def mux(self, c: int, t: int, e: int) -> int:
        """``c ? t : e``."""
        if c == TRUE or t == e:
            return t
        if c == FALSE:
            return e
        return self.or_(self.and_(c, t), self.and_(-c, e))

    def and_all(self, lits: Iterable[int]) -> int:
        acc = TRUE
        for x in lits:
            acc = self.and_(acc, x)
        return acc

    def or_all(self, lits: Iterable[int]) -> int:
        return -self.and_all(-x for x in lits)

    # --------------------------------------------------------- evaluation
    def cone(self, roots: Iterable[int]) -> list[tuple[int, int, int]]:
        """The gates the roots depend on, in topological order."""
        need: set[int] = set()
        work = [abs(r) for r in roots]
        while work:
            v = work.pop()
            if v in need or v not in self.gate_of:
                continue
            need.add(v)
            a, b = self.gate_of[v]
            work.append(abs(a))
            work.append(abs(b))
        return [g for g in self.gates if g[0] in need]

    def support(self, roots: Iterable[int]) -> set[int]:
        """Non-gate variables (other than TRUE) the roots depend on."""
        seen: set[int] = set()
        out: set[int] = set()
        work = [abs(r) for r in roots]
        while work:
            v = work.pop()
            if v in seen:
                continue
            seen.add(v)
            ab = self.gate_of.get(v)
            if ab is None:
                if v != TRUE:
                    out.add(v)
            else:
                work.append(abs(ab[0]))
                work.append(abs(ab[1]))
        return out

    def clauses(self, gates: Sequence[tuple[int, int, int]]) -> list[list[int]]:
        """Tseitin clauses of ``gates`` (plus the unit clause making variable 1 TRUE)."""
        out: list[list[int]] = [[TRUE]]
        for o, a, b in gates:
            out.append([-o, a])
            out.append([-o, b])
            out.append([o, -a, -b])
        return out

    def simulate(self, assignment: Mapping[int, bool]) -> dict[int, bool]:
        """Values of every gate output given values of the graph's input variables."""
        val: dict[int, bool] = {TRUE: True}
        val.update(assignment)
        for o, a, b in self.gates:
            va = val[a] if a > 0 else not val[-a]
            vb = val[b] if b > 0 else not val[-b]
            val[o] = va and vb
        return val

    @staticmethod
    def lit_value(val: Mapping[int, bool], lit: int) -> bool:
        return val[lit] if lit > 0 else not val[-lit]


class BitBlaster:
    """Terms to AIG literals, memoised across calls (one instance per encoded system).

    ``leaf`` supplies the bits of a variable (by default fresh AIG variables,
    remembered in ``var_bits``); an array value is a list with one bit list per
    index.
    """

    def __init__(self, aig: Aig | None = None, leaf: Callable[[Term], object] | None = None):
        self.aig = aig or Aig()
        self.memo: dict[Term, object] = {}
        self.var_bits: dict[Term, object] = {}
        self._leaf = leaf
        self._handlers: dict[str, Callable[[Term, list], object]] = {
            "const": self._const, "var": self._var, "not": self._not, "neg": self._neg,
            "redand": self._redand, "redor": self._redor, "redxor": self._redxor,
            "and": self._bitwise(self.aig.and_), "or": self._bitwise(self.aig.or_),
            "xor": self._bitwise(self.aig.xor),
            "add": lambda t, a: self.add(a[0], a[1]), "sub": lambda t, a: self.sub(a[0], a[1]),
            "mul": lambda t, a: self.mul(a[0], a[1]),
            "udiv": lambda t, a: self.udivrem(a[0], a[1])[0], "urem": lambda t, a: self.udivrem(a[0], a[1])[1],
            "sdiv": self._sdiv, "srem": self._srem, "smod": self._smod,
            "shl": self._shl, "lshr": self._lshr, "ashr": self._ashr,
            "ult": lambda t, a: [self.ult(a[0], a[1])], "ule": lambda t, a: [-self.ult(a[1], a[0])],
            "slt": lambda t, a: [self.slt(a[0], a[1])], "sle": lambda t, a: [-self.slt(a[1], a[0])],
            "eq": self._eq, "concat": lambda t, a: a[1] + a[0],
            "extract": lambda t, a: a[0][t.params[1]:t.params[0] + 1],
            "zext": lambda t, a: a[0] + [FALSE] * t.params[0],
            "sext": lambda t, a: a[0] + [a[0][-1]] * t.params[0],
            "ite": self._ite, "read": self._read, "write": self._write, "const_array": self._const_array,
        }
        missing = set(T.ALL_OPS) - self._handlers.keys()
        if missing:  # pragma: no cover - a new operator needs a handler here
            raise SemanticsError(f"bit-blaster has no handler for {sorted(missing)}")

    # ------------------------------------------------------------ entry
    def blast(self, term: Term) -> object:
        """Bits of a bit-vector term (LSB first), or one bit list per index for an array."""
        return self.blast_all([term])[0]

    def blast_all(self, roots: Sequence[Term]) -> list:
        for node in T.postorder(roots, skip=self.memo):
            handler = self._handlers.get(node.op)
            if handler is None:
                raise UnsupportedError(f"bit-blasting: unknown operator {node.op!r}")
            self.memo[node] = handler(node, [self.memo[a] for a in node.args])
        return [self.memo[r] for r in roots]

    def bit(self, term: Term) -> int:
        """The single literal of a 1-bit term."""
        bits = self.blast(term)
        if not isinstance(term.sort, BV) or term.sort.width != 1:
            raise SemanticsError(f"expected a 1-bit term, not {term.sort}")
        return bits[0]  # type: ignore[index]

    # ----------------------------------------------------------- leaves
    @staticmethod
    def check_array(sort: Array, what: str) -> None:
        """Raise ``UnsupportedError`` unless an array of ``sort`` is small enough to blast."""
        if sort.index_width > MAX_INDEX_WIDTH or (sort.elem_width << sort.index_width) > MAX_ARRAY_BITS:
            raise UnsupportedError(
                f"bit-blasting: array {what} ({sort}) has {1 << sort.index_width} entries of {sort.elem_width} bits; "
                f"only arrays of at most {MAX_ARRAY_BITS} bits with index width <= {MAX_INDEX_WIDTH} are bit-blasted")

    def fresh(self, sort: T.Sort, what: str = "value") -> object:
        """Fresh AIG variables for a value of ``sort``."""
        if isinstance(sort, BV):
            return [self.aig.new_var() for _ in range(sort.width)]
        self.check_array(sort, what)
        return [[self.aig.new_var() for _ in range(sort.elem_width)] for _ in range(1 << sort.index_width)]

    def _var(self, t: Term, a: list) -> object:
        bits = self.var_bits.get(t)
        if bits is None:
            bits = self._leaf(t) if self._leaf is not None else self.fresh(t.sort, t.name)
            self.var_bits[t] = bits
        return bits

    def _const(self, t: Term, a: list) -> Bits:
        v = t.value
        return [TRUE if v >> i & 1 else FALSE for i in range(t.width)]

    def _const_array(self, t: Term, a: list) -> list[Bits]:
        self.check_array(t.sort, "constant")
        return [a[0]] * (1 << t.sort.index_width)

    # ---------------------------------------------------------- bitwise
    def _not(self, t: Term, a: list) -> Bits:
        return [-x for x in a[0]]

    @staticmethod
    def _bitwise(fn: Callable[[int, int], int]) -> Callable[[Term, list], Bits]:
        return lambda t, a: [fn(x, y) for x, y in zip(a[0], a[1])]

    def _redand(self, t: Term, a: list) -> Bits:
        return [self.aig.and_all(a[0])]

    def _redor(self, t: Term, a: list) -> Bits:
        return [self.aig.or_all(a[0])]

    def _redxor(self, t: Term, a: list) -> Bits:
        acc = FALSE
        for x in a[0]:
            acc = self.aig.xor(acc, x)
        return [acc]

    def _ite(self, t: Term, a: list) -> object:
        c = a[0][0]
        if isinstance(t.sort, Array):
            return [[self.aig.mux(c, x, y) for x, y in zip(ex, ey)] for ex, ey in zip(a[1], a[2])]
        return [self.aig.mux(c, x, y) for x, y in zip(a[1], a[2])]

    def _eq(self, t: Term, a: list) -> Bits:
        if isinstance(t.args[0].sort, Array):
            return [self.aig.and_all(self.equal(x, y) for x, y in zip(a[0], a[1]))]
        return [self.equal(a[0], a[1])]

    def equal(self, x: Bits, y: Bits) -> int:
        return self.aig.and_all(-self.aig.xor(p, q) for p, q in zip(x, y))

    # ------------------------------------------------------- arithmetic
    def add(self, x: Bits, y: Bits, carry: int = FALSE) -> Bits:
        g = self.aig
        out = []
        for p, q in zip(x, y):
            s = g.xor(p, q)
            out.append(g.xor(s, carry))
            carry = g.or_(g.and_(p, q), g.and_(carry, s))
        return out

    def sub(self, x: Bits, y: Bits) -> Bits:
        return self.add(x, [-q for q in y], TRUE)

    def negate(self, x: Bits) -> Bits:
        return self.add([FALSE] * len(x), [-q for q in x], TRUE)

    def _neg(self, t: Term, a: list) -> Bits:
        return self.negate(a[0])

    def ult(self, x: Bits, y: Bits) -> int:
        """``x < y`` unsigned: the borrow out of ``x - y``."""
        g = self.aig
        lt = FALSE  # x[:i] < y[:i]
        for p, q in zip(x, y):
            # at bit i: less if p < q, or p == q and lower bits less
            lt = g.or_(g.and_(-p, q), g.and_(-g.xor(p, q), lt))
        return lt

    def slt(self, x: Bits, y: Bits) -> int:
        return self.ult(x[:-1] + [-x[-1]], y[:-1] + [-y[-1]])

    def mul(self, x: Bits, y: Bits) -> Bits:
        w = len(x)
        acc = [FALSE] * w
        for i, q in enumerate(y):
            if q == FALSE:
                continue
            row = [FALSE] * i + [self.aig.and_(p, q) for p in x[:w - i]]
            acc = self.add(acc, row)
        return acc

    def udivrem(self, x: Bits, y: Bits) -> tuple[Bits, Bits]:
        """Restoring division; by zero it gives all ones and ``x`` (SMT-LIB)."""
        g = self.aig
        w = len(x)
        rem = [FALSE] * w
        quot = [FALSE] * w
        ywide = y + [FALSE]
        for i in range(w - 1, -1, -1):
            shifted = [x[i]] + rem  # w + 1 bits
            diff = self.sub(shifted, ywide)
            ge = -self.ult(shifted, ywide)
            quot[i] = ge
            rem = [g.mux(ge, d, s) for d, s in zip(diff[:w], shifted[:w])]
        return quot, rem

    def _abs(self, x: Bits) -> Bits:
        neg = self.negate(x)
        return [self.aig.mux(x[-1], n, p) for n, p in zip(neg, x)]

    def _cond_neg(self, c: int, x: Bits) -> Bits:
        neg = self.negate(x)
        return [self.aig.mux(c, n, p) for n, p in zip(neg, x)]

    def _sdiv(self, t: Term, a: list) -> Bits:
        x, y = a
        q, _ = self.udivrem(self._abs(x), self._abs(y))
        return self._cond_neg(self.aig.xor(x[-1], y[-1]), q)

    def _srem(self, t: Term, a: list) -> Bits:
        x, y = a
        _, r = self.udivrem(self._abs(x), self._abs(y))
        return self._cond_neg(x[-1], r)

    def _smod(self, t: Term, a: list) -> Bits:
        g = self.aig
        x, y = a
        sa, sb = x[-1], y[-1]
        _, u = self.udivrem(self._abs(x), self._abs(y))
        neg_u = self.negate(u)
        is_zero = -g.or_all(u)
        both_neg = g.and_(sa, sb)
        keep = g.or_(is_zero, g.and_(-sa, -sb))
        neg_u_plus_b = self.add(neg_u, y)
        u_plus_b = self.add(u, y)
        out = []
        for i in range(len(x)):
            mixed = g.mux(sa, neg_u_plus_b[i], u_plus_b[i])  # exactly one negative
            out.append(g.mux(keep, u[i], g.mux(both_neg, neg_u[i], mixed)))
        return out

    # ----------------------------------------------------------- shifts
    def _shift(self, x: Bits, amount: Bits, direction: str, fill: int) -> Bits:
        """Barrel shifter; an amount of at least the width gives ``fill`` everywhere."""
        g = self.aig
        w = len(x)
        cur = list(x)
        overflow = FALSE
        for k, s in enumerate(amount):
            step = 1 << k
            if step >= w:
                overflow = g.or_(overflow, s)
                continue
            if direction == "left":
                shifted = [FALSE] * step + cur[:w - step]
            else:
                shifted = cur[step:] + [fill] * step
            cur = [g.mux(s, n, o) for n, o in zip(shifted, cur)]
        return [g.mux(overflow, fill, c) for c in cur]

    def _shl(self, t: Term, a: list) -> Bits:
        return self._shift(a[0], a[1], "left", FALSE)

    def _lshr(self, t: Term, a: list) -> Bits:
        return self._shift(a[0], a[1], "right", FALSE)

    def _ashr(self, t: Term, a: list) -> Bits:
        return self._shift(a[0], a[1], "right", a[0][-1])

    # ----------------------------------------------------------- arrays
    def _decode(self, idx: Bits) -> list[int]:
        """One literal per index value: ``idx == j``."""
        sel = [TRUE]
        for b in idx:  # LSB first: entry j has bit k of j at position k
            sel = [self.aig.and_(s, -b) for s in sel] + [self.aig.and_(s, b) for s in sel]
        return sel

    def _read(self, t: Term, a: list) -> Bits:
        arr, idx = a
        layer = arr
        for b in idx:  # a mux tree; the LSB picks between even and odd entries
            layer = [[self.aig.mux(b, o, e) for e, o in zip(layer[j], layer[j + 1])] for j in range(0, len(layer), 2)]
        return list(layer[0])

    def _write(self, t: Term, a: list) -> list[Bits]:
        arr, idx, val = a
        sel = self._decode(idx)
        return [[self.aig.mux(s, v, o) for v, o in zip(val, elem)] for s, elem in zip(sel, arr)]
