"""The "cvc5" back end: cvc5's base Python API (``cvc5.TermManager``, ``cvc5.Solver``).

Incremental with models and logic QF_ABV. Two options are on besides:
``arrays-exp`` (cvc5 rejects constant arrays without it) and the ITE
simplifications of ``ITE_OPTIONS`` (without them cvc5 is hopeless on unrolled
BMC). cvc5's constant arrays must hold a value, so a constant array of a
non-constant element is spelled out as a write at every index (up to
``common.MAX_EXPANDED_INDEX_WIDTH`` index bits). Assumptions go through
``checkSatAssuming``; the per-check time limit is the ``tlimit-per`` option,
set before every check. cvc5 has no reduction XOR, so ``redxor`` folds the
bits. Model arrays come back as ``STORE`` chains over a ``CONST_ARRAY``.
"""
from __future__ import annotations

import cvc5  # ImportError here makes the back end unavailable
from cvc5 import Kind

from hwverify.prover import solvers
from hwverify.prover.backends.common import (BackendSolver, Converter, Native, const_array_by_writes,
                                             decode_array, xor_bits)
from hwverify.semantics.terms import BV, Array, Sort, Term
from hwverify.semantics.values import ArrayValue

# cvc5's defaults did not solve a 200-step counter BMC in 10 s; with the ITE
# simplifications (what pySMT turns on) it takes about 0.5 s. Their preprocessing
# does not watch the time limit: large problems can overrun ``tlimit-per``.
ITE_OPTIONS = ("ite-simp", "simp-ite-compress")

_UNKNOWN_REASONS = {
    cvc5.UnknownExplanation.TIMEOUT: "timeout",
    cvc5.UnknownExplanation.RESOURCEOUT: "resource limit",
    cvc5.UnknownExplanation.MEMOUT: "memory limit",
    cvc5.UnknownExplanation.INTERRUPTED: "interrupted",
    cvc5.UnknownExplanation.INCOMPLETE: "incomplete",
    cvc5.UnknownExplanation.UNSUPPORTED: "unsupported",
}


class Cvc5Converter(Converter):
    """Our terms to cvc5 terms, one handler per operator."""

    solver_name = "cvc5"

    def __init__(self, tm: cvc5.TermManager):
        super().__init__()
        self.tm = tm
        self._sorts: dict[Sort, cvc5.Sort] = {}
        self._ops: dict[tuple, cvc5.Op] = {}
        self.one = tm.mkBitVector(1, 1)
        self.zero = tm.mkBitVector(1, 0)

    def sort(self, sort: Sort) -> cvc5.Sort:
        native = self._sorts.get(sort)
        if native is None:
            if isinstance(sort, Array):
                native = self.tm.mkArraySort(self.sort(BV(sort.index_width)), self.sort(BV(sort.elem_width)))
            else:
                native = self.tm.mkBitVectorSort(sort.width)
            self._sorts[sort] = native
        return native

    def _mk(self, kind: Kind, *args: Native) -> Native:
        return self.tm.mkTerm(kind, *args)

    def _indexed(self, kind: Kind, indices: tuple[int, ...], arg: Native) -> Native:
        key = (kind, indices)
        op = self._ops.get(key)
        if op is None:
            op = self._ops[key] = self.tm.mkOp(kind, *indices)
        return self.tm.mkTerm(op, arg)

    def _bool_to_bv(self, pred: Native) -> Native:
        return self._mk(Kind.ITE, pred, self.one, self.zero)

    def _bv_to_bool(self, native: Native) -> Native:
        return self._mk(Kind.EQUAL, native, self.one)

    # leaves
    def _op_const(self, t: Term) -> Native:
        return self.tm.mkBitVector(t.sort.width, str(t.params[0]), 10)

    def _op_var(self, t: Term) -> Native:
        return self.tm.mkConst(self.sort(t.sort), t.params[0])

    def _op_const_array(self, t: Term, elem: Native) -> Native:
        sort = self.sort(t.sort)
        if elem.isBitVectorValue():
            return self.tm.mkConstArray(sort, elem)
        # cvc5's constant arrays must hold a value: write elem at every index instead
        index_sort = sort.getArrayIndexSort()
        base = self.tm.mkConstArray(sort, self.tm.mkBitVector(t.sort.elem_width, 0))
        return const_array_by_writes(
            elem, t.sort.index_width, base,
            lambda arr, k, e: self._mk(Kind.STORE, arr, self.tm.mkBitVector(index_sort.getBitVectorSize(), k), e),
            self.solver_name)

    # unary
    def _op_not(self, t: Term, a: Native) -> Native: return self._mk(Kind.BITVECTOR_NOT, a)
    def _op_neg(self, t: Term, a: Native) -> Native: return self._mk(Kind.BITVECTOR_NEG, a)
    def _op_redand(self, t: Term, a: Native) -> Native: return self._mk(Kind.BITVECTOR_REDAND, a)
    def _op_redor(self, t: Term, a: Native) -> Native: return self._mk(Kind.BITVECTOR_REDOR, a)

    def _op_redxor(self, t: Term, a: Native) -> Native:
        return xor_bits(a, t.args[0].width, lambda x, i: self._indexed(Kind.BITVECTOR_EXTRACT, (i, i), x),
                        lambda x, y: self._mk(Kind.BITVECTOR_XOR, x, y))

    # binary, same width
    def _op_and(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_AND, a, b)
    def _op_or(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_OR, a, b)
    def _op_xor(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_XOR, a, b)
    def _op_add(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_ADD, a, b)
    def _op_sub(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_SUB, a, b)
    def _op_mul(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_MULT, a, b)
    def _op_udiv(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_UDIV, a, b)
    def _op_urem(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_UREM, a, b)
    def _op_sdiv(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_SDIV, a, b)
    def _op_srem(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_SREM, a, b)
    def _op_smod(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_SMOD, a, b)
    def _op_shl(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_SHL, a, b)
    def _op_lshr(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_LSHR, a, b)
    def _op_ashr(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BITVECTOR_ASHR, a, b)

    # comparisons (1-bit results)
    def _op_ult(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self._mk(Kind.BITVECTOR_ULT, a, b))
    def _op_ule(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self._mk(Kind.BITVECTOR_ULE, a, b))
    def _op_slt(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self._mk(Kind.BITVECTOR_SLT, a, b))
    def _op_sle(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self._mk(Kind.BITVECTOR_SLE, a, b))
    def _op_eq(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self._mk(Kind.EQUAL, a, b))

    # structure
    def _op_concat(self, t: Term, a: Native, b: Native) -> Native:
        return self._mk(Kind.BITVECTOR_CONCAT, a, b)

    def _op_extract(self, t: Term, a: Native) -> Native:
        return self._indexed(Kind.BITVECTOR_EXTRACT, t.params, a)

    def _op_zext(self, t: Term, a: Native) -> Native:
        return self._indexed(Kind.BITVECTOR_ZERO_EXTEND, t.params, a)

    def _op_sext(self, t: Term, a: Native) -> Native:
        return self._indexed(Kind.BITVECTOR_SIGN_EXTEND, t.params, a)

    def _op_ite(self, t: Term, c: Native, a: Native, b: Native) -> Native:
        return self._mk(Kind.ITE, self.boolean(t.args[0], c), a, b)

    def _op_read(self, t: Term, arr: Native, idx: Native) -> Native:
        return self._mk(Kind.SELECT, arr, idx)

    def _op_write(self, t: Term, arr: Native, idx: Native, val: Native) -> Native:
        return self._mk(Kind.STORE, arr, idx, val)


class Cvc5Solver(BackendSolver):
    """Incremental cvc5 instance with models."""

    name = "cvc5"
    native_errors = (RuntimeError,)  # cvc5's API exceptions arrive as RuntimeError

    def __init__(self, timeout: float | None = None):
        super().__init__(timeout)
        self._tm = cvc5.TermManager()
        self._solver = cvc5.Solver(self._tm)
        with self._native("set-up"):
            self._solver.setOption("produce-models", "true")
            self._solver.setOption("incremental", "true")
            self._solver.setOption("arrays-exp", "true")  # constant arrays need it
            for option in ITE_OPTIONS:
                self._solver.setOption(option, "true")
            self._solver.setLogic("QF_ABV")
        self._conv = Cvc5Converter(self._tm)

    def _add(self, term: Term) -> None:
        self._solver.assertFormula(self._conv.as_bool(term))

    def _check(self, assumptions: list[Term]) -> str:
        natives = [self._conv.as_bool(a) for a in assumptions]
        self._solver.setOption("tlimit-per", str(self._timeout_ms()))
        result = self._solver.checkSatAssuming(*natives) if natives else self._solver.checkSat()
        if result.isSat():
            return solvers.SAT
        if result.isUnsat():
            return solvers.UNSAT
        explanation = result.getUnknownExplanation()
        self.last_reason = _UNKNOWN_REASONS.get(explanation, str(explanation).rsplit(".", 1)[-1].lower())
        return solvers.UNKNOWN

    def _bv_value(self, term: Term) -> int:
        return _to_int(self._solver.getValue(self._conv.convert(term)))

    def _array_value(self, term: Term) -> ArrayValue:
        return decode_array(self._solver.getValue(self._conv.convert(term)), term.sort, _array_step, _to_int,
                            self.name)

    def _push(self) -> None:
        self._solver.push(1)

    def _pop(self) -> None:
        self._solver.pop(1)


def _to_int(value: Native) -> int:
    return int(value.getBitVectorValue(16), 16)


def _array_step(value: Native) -> tuple | None:
    kind = value.getKind()
    if kind == Kind.STORE:
        return ("store", value[0], value[1], value[2])
    if value.isConstArray():
        return ("const", value.getConstArrayBase())
    return None


solvers.register("cvc5", Cvc5Solver)
