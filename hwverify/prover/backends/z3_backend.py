"""The "z3" back end: z3's Python API driven by the tactic ``simplify; bit-blast; sat``.

Never z3's default QF_BV solver: on unrolled BMC problems it can run for
minutes where bit-blasting to SAT takes a second (see DESIGN.md). A solver made
from a tactic is not incremental, so this back end keeps the assertion stack
itself and, on every ``check``, builds a fresh solver from every live assertion
plus that call's assumptions (asserted for that call only). Conversions are
still memoised across checks; only z3's solving is redone.

Arrays: the ``bit-blast`` tactic rejects them, and z3 has no tactic that
eliminates general arrays before it. When any live assertion or assumption
mentions an array, that check uses ``z3.SolverFor("QF_ABV")`` instead (z3's
array + bit-vector solver, run non-incrementally on the same assertion list).
Array-free checks, the common case for unrolled BMC, always bit-blast.

Model values: z3's model evaluator gets equality of arrays wrong when stores
cover every index, so ``value`` decides array equalities on decoded values
(see ``Z3Solver._array_equalities``).

Each instance owns a ``z3.Context``, so instances share no state; timeouts use
the solver's ``timeout`` parameter.
"""
from __future__ import annotations

import z3  # ImportError here makes the back end unavailable

from hwverify.errors import ProverError
from hwverify.prover import solvers
from hwverify.prover.backends.common import (BackendSolver, Converter, Native, arrays_equal, decode_array,
                                             unconverted_postorder, xor_bits)
from hwverify.semantics.terms import BV, Array, Sort, Term, postorder
from hwverify.semantics.values import ArrayValue

BITBLAST_TACTICS = ("simplify", "bit-blast", "sat")
ARRAY_LOGIC = "QF_ABV"


class Z3Converter(Converter):
    """Our terms to z3 expressions in one context, one handler per operator."""

    solver_name = "z3"

    def __init__(self, ctx: z3.Context):
        super().__init__()
        self.ctx = ctx
        self._sorts: dict[Sort, z3.SortRef] = {}
        self.one = z3.BitVecVal(1, 1, ctx)
        self.zero = z3.BitVecVal(0, 1, ctx)

    def sort(self, sort: Sort) -> z3.SortRef:
        native = self._sorts.get(sort)
        if native is None:
            if isinstance(sort, Array):
                native = z3.ArraySort(self.sort(BV(sort.index_width)), self.sort(BV(sort.elem_width)))
            else:
                native = z3.BitVecSort(sort.width, self.ctx)
            self._sorts[sort] = native
        return native

    def _bool_to_bv(self, pred: Native) -> Native:
        return z3.If(pred, self.one, self.zero, self.ctx)

    def _bv_to_bool(self, native: Native) -> Native:
        return native == self.one

    # leaves
    def _op_const(self, t: Term) -> Native:
        return z3.BitVecVal(t.params[0], t.sort.width, self.ctx)

    def _op_var(self, t: Term) -> Native:
        return z3.Const(t.params[0], self.sort(t.sort))

    def _op_const_array(self, t: Term, elem: Native) -> Native:
        return z3.K(self.sort(BV(t.sort.index_width)), elem)

    # unary
    def _op_not(self, t: Term, a: Native) -> Native: return ~a
    def _op_neg(self, t: Term, a: Native) -> Native: return -a
    def _op_redand(self, t: Term, a: Native) -> Native: return z3.BVRedAnd(a)
    def _op_redor(self, t: Term, a: Native) -> Native: return z3.BVRedOr(a)

    def _op_redxor(self, t: Term, a: Native) -> Native:
        return xor_bits(a, t.args[0].width, lambda x, i: z3.Extract(i, i, x), lambda x, y: x ^ y)

    # binary, same width (z3's Python operators: / is bvsdiv, % is bvsmod, >> is bvashr)
    def _op_and(self, t: Term, a: Native, b: Native) -> Native: return a & b
    def _op_or(self, t: Term, a: Native, b: Native) -> Native: return a | b
    def _op_xor(self, t: Term, a: Native, b: Native) -> Native: return a ^ b
    def _op_add(self, t: Term, a: Native, b: Native) -> Native: return a + b
    def _op_sub(self, t: Term, a: Native, b: Native) -> Native: return a - b
    def _op_mul(self, t: Term, a: Native, b: Native) -> Native: return a * b
    def _op_udiv(self, t: Term, a: Native, b: Native) -> Native: return z3.UDiv(a, b)
    def _op_urem(self, t: Term, a: Native, b: Native) -> Native: return z3.URem(a, b)
    def _op_sdiv(self, t: Term, a: Native, b: Native) -> Native: return a / b
    def _op_srem(self, t: Term, a: Native, b: Native) -> Native: return z3.SRem(a, b)
    def _op_smod(self, t: Term, a: Native, b: Native) -> Native: return a % b
    def _op_shl(self, t: Term, a: Native, b: Native) -> Native: return a << b
    def _op_lshr(self, t: Term, a: Native, b: Native) -> Native: return z3.LShR(a, b)
    def _op_ashr(self, t: Term, a: Native, b: Native) -> Native: return a >> b

    # comparisons (1-bit results); < and <= are signed on z3 bit-vectors
    def _op_ult(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, z3.ULT(a, b))
    def _op_ule(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, z3.ULE(a, b))
    def _op_slt(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, a < b)
    def _op_sle(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, a <= b)
    def _op_eq(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, a == b)

    # structure
    def _op_concat(self, t: Term, a: Native, b: Native) -> Native:
        return z3.Concat(a, b)

    def _op_extract(self, t: Term, a: Native) -> Native:
        hi, lo = t.params
        return z3.Extract(hi, lo, a)

    def _op_zext(self, t: Term, a: Native) -> Native:
        return z3.ZeroExt(t.params[0], a)

    def _op_sext(self, t: Term, a: Native) -> Native:
        return z3.SignExt(t.params[0], a)

    def _op_ite(self, t: Term, c: Native, a: Native, b: Native) -> Native:
        return z3.If(self.boolean(t.args[0], c), a, b, self.ctx)

    def _op_read(self, t: Term, arr: Native, idx: Native) -> Native:
        return z3.Select(arr, idx)

    def _op_write(self, t: Term, arr: Native, idx: Native, val: Native) -> Native:
        return z3.Store(arr, idx, val)


class Z3Solver(BackendSolver):
    """z3 by bit-blasting, re-solving the kept assertion stack on every check."""

    name = "z3"
    native_errors = (z3.Z3Exception,)

    def __init__(self, timeout: float | None = None):
        super().__init__(timeout)
        self._ctx = z3.Context()
        self._tactic = z3.Then(*BITBLAST_TACTICS, ctx=self._ctx)
        self._conv = Z3Converter(self._ctx)
        self._frames: list[list[tuple[Term, Native]]] = [[]]
        self._has_array: dict[Term, bool] = {}
        self._model: z3.ModelRef | None = None

    def _mentions_array(self, term: Term) -> bool:
        memo = self._has_array
        for node in unconverted_postorder(term, memo):
            memo[node] = isinstance(node.sort, Array) or any(memo[a] for a in node.args)
        return memo[term]

    def _add(self, term: Term) -> None:
        self._frames[-1].append((term, self._conv.as_bool(term)))

    def _check(self, assumptions: list[Term]) -> str:
        goals = [(a, self._conv.as_bool(a)) for a in assumptions]
        goals += [entry for frame in self._frames for entry in frame]
        if any(self._mentions_array(t) for t, _ in goals):
            solver = z3.SolverFor(ARRAY_LOGIC, ctx=self._ctx)
        else:
            solver = self._tactic.solver()
        if self.timeout is not None:
            solver.set("timeout", self._timeout_ms())
        solver.add(*[native for _, native in goals])
        self._model = None
        result = solver.check()
        if result == z3.sat:
            self._model = solver.model()
            return solvers.SAT
        if result == z3.unsat:
            return solvers.UNSAT
        reason = solver.reason_unknown()
        if self.timeout is not None and reason in ("timeout", "canceled"):
            self.last_reason = "timeout"
        else:
            self.last_reason = reason or "incomplete"
        return solvers.UNKNOWN

    def _eval(self, term: Term) -> Native:
        native = self._conv.convert(term)
        fixes = self._array_equalities(term)
        if fixes:
            native = z3.substitute(native, *fixes)
        return self._model.eval(native, model_completion=True)

    def _array_equalities(self, term: Term) -> list[tuple[Native, Native]]:
        """Model truth values of the array equalities inside ``term``, as z3 substitutions.

        z3's model evaluator compares array values by their store terms, so an
        array whose stores cover every index differs, for it, from the
        constant array with the same contents. The solver itself gets this
        right; only evaluation is wrong, so equalities are decided here on
        decoded values, innermost first.
        """
        fixes: list[tuple[Native, Native]] = []
        if not self._mentions_array(term):
            return fixes
        for node in postorder([term]):
            if node.op == "eq" and isinstance(node.args[0].sort, Array):
                a, b = (self._decode(self._conv.convert(side), fixes, side.sort) for side in node.args)
                truth = arrays_equal(a, b, node.args[0].sort.index_width)
                fixes.append((self._conv.preds[node], z3.BoolVal(truth, self._ctx)))
        return fixes

    def _decode(self, native: Native, fixes: list[tuple[Native, Native]], sort: Array) -> ArrayValue:
        if fixes:
            native = z3.substitute(native, *fixes)
        model = self._model

        def step(value: Native) -> tuple | None:
            if z3.is_store(value):
                return ("store", value.arg(0), value.arg(1), value.arg(2))
            if z3.is_const_array(value):
                return ("const", value.arg(0))
            if z3.is_as_array(value):  # a function table: entries plus an else value
                table = model[z3.get_as_array_func(value)]
                pairs = [(table.entry(k).arg_value(0), table.entry(k).value()) for k in range(table.num_entries())]
                return ("map", table.else_value(), pairs)
            return None

        return decode_array(model.eval(native, model_completion=True), sort, step, _to_int, self.name)

    def _bv_value(self, term: Term) -> int:
        return _to_int(self._eval(term))

    def _array_value(self, term: Term) -> ArrayValue:
        return self._decode(self._conv.convert(term), self._array_equalities(term), term.sort)

    def _push(self) -> None:
        self._frames.append([])

    def _pop(self) -> None:
        self._frames.pop()

    def close(self) -> None:
        self._model = None
        self._conv.memo.clear()
        self._conv.preds.clear()


def _to_int(value: Native) -> int:
    if not z3.is_bv_value(value):
        raise ProverError(f"z3: model value is not a bit-vector numeral: {str(value)[:200]}")
    return value.as_long()


solvers.register("z3", Z3Solver)
