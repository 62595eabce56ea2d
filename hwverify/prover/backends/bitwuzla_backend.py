"""The "bitwuzla" back end: Bitwuzla's native Python API.

Bitwuzla 0.x solvers are always incremental (push/pop and assumptions need no
option); options are fixed when the solver is built, so the per-check time
limit is a termination callback that compares the clock with a deadline rather
than the ``TIME_LIMIT_PER`` option. Model arrays come back as ``STORE`` chains
over a ``CONST_ARRAY``.
"""
from __future__ import annotations

import time

import bitwuzla  # ImportError here makes the back end unavailable
from bitwuzla import Kind

from hwverify.prover import solvers
from hwverify.prover.backends.common import BackendSolver, Converter, Native, decode_array
from hwverify.semantics.terms import BOOL, BV, Array, Sort, Term
from hwverify.semantics.values import ArrayValue


class BitwuzlaConverter(Converter):
    """Our terms to Bitwuzla terms, one handler per operator."""

    solver_name = "bitwuzla"

    def __init__(self, tm: bitwuzla.TermManager):
        super().__init__()
        self.tm = tm
        self._sorts: dict[Sort, bitwuzla.Sort] = {}
        self.one = tm.mk_bv_one(self.sort(BOOL))
        self.zero = tm.mk_bv_zero(self.sort(BOOL))

    def sort(self, sort: Sort) -> bitwuzla.Sort:
        native = self._sorts.get(sort)
        if native is None:
            if isinstance(sort, Array):
                native = self.tm.mk_array_sort(self.sort(BV(sort.index_width)), self.sort(BV(sort.elem_width)))
            else:
                native = self.tm.mk_bv_sort(sort.width)
            self._sorts[sort] = native
        return native

    def _mk(self, kind: Kind, *args: Native, indices: tuple[int, ...] = ()) -> Native:
        return self.tm.mk_term(kind, list(args), list(indices))

    def _bool_to_bv(self, pred: Native) -> Native:
        return self._mk(Kind.ITE, pred, self.one, self.zero)

    def _bv_to_bool(self, native: Native) -> Native:
        return self._mk(Kind.EQUAL, native, self.one)

    # leaves
    def _op_const(self, t: Term) -> Native:
        return self.tm.mk_bv_value(self.sort(t.sort), t.params[0])

    def _op_var(self, t: Term) -> Native:
        return self.tm.mk_const(self.sort(t.sort), t.params[0])

    def _op_const_array(self, t: Term, elem: Native) -> Native:
        return self.tm.mk_const_array(self.sort(t.sort), elem)

    # unary
    def _op_not(self, t: Term, a: Native) -> Native: return self._mk(Kind.BV_NOT, a)
    def _op_neg(self, t: Term, a: Native) -> Native: return self._mk(Kind.BV_NEG, a)
    def _op_redand(self, t: Term, a: Native) -> Native: return self._mk(Kind.BV_REDAND, a)
    def _op_redor(self, t: Term, a: Native) -> Native: return self._mk(Kind.BV_REDOR, a)
    def _op_redxor(self, t: Term, a: Native) -> Native: return self._mk(Kind.BV_REDXOR, a)

    # binary, same width
    def _op_and(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_AND, a, b)
    def _op_or(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_OR, a, b)
    def _op_xor(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_XOR, a, b)
    def _op_add(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_ADD, a, b)
    def _op_sub(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_SUB, a, b)
    def _op_mul(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_MUL, a, b)
    def _op_udiv(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_UDIV, a, b)
    def _op_urem(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_UREM, a, b)
    def _op_sdiv(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_SDIV, a, b)
    def _op_srem(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_SREM, a, b)
    def _op_smod(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_SMOD, a, b)
    def _op_shl(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_SHL, a, b)
    def _op_lshr(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_SHR, a, b)
    def _op_ashr(self, t: Term, a: Native, b: Native) -> Native: return self._mk(Kind.BV_ASHR, a, b)

    # comparisons (1-bit results)
    def _op_ult(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self._mk(Kind.BV_ULT, a, b))
    def _op_ule(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self._mk(Kind.BV_ULE, a, b))
    def _op_slt(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self._mk(Kind.BV_SLT, a, b))
    def _op_sle(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self._mk(Kind.BV_SLE, a, b))
    def _op_eq(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self._mk(Kind.EQUAL, a, b))

    # structure
    def _op_concat(self, t: Term, a: Native, b: Native) -> Native:
        return self._mk(Kind.BV_CONCAT, a, b)

    def _op_extract(self, t: Term, a: Native) -> Native:
        return self._mk(Kind.BV_EXTRACT, a, indices=t.params)

    def _op_zext(self, t: Term, a: Native) -> Native:
        return self._mk(Kind.BV_ZERO_EXTEND, a, indices=t.params)

    def _op_sext(self, t: Term, a: Native) -> Native:
        return self._mk(Kind.BV_SIGN_EXTEND, a, indices=t.params)

    def _op_ite(self, t: Term, c: Native, a: Native, b: Native) -> Native:
        return self._mk(Kind.ITE, self.boolean(t.args[0], c), a, b)

    def _op_read(self, t: Term, arr: Native, idx: Native) -> Native:
        return self._mk(Kind.ARRAY_SELECT, arr, idx)

    def _op_write(self, t: Term, arr: Native, idx: Native, val: Native) -> Native:
        return self._mk(Kind.ARRAY_STORE, arr, idx, val)


class BitwuzlaSolver(BackendSolver):
    """Incremental Bitwuzla instance with models; assumptions use Bitwuzla's own."""

    name = "bitwuzla"
    native_errors = (bitwuzla.BitwuzlaException, RuntimeError)

    def __init__(self, timeout: float | None = None):
        super().__init__(timeout)
        self._tm = bitwuzla.TermManager()
        options = bitwuzla.Options()
        options.set(bitwuzla.Option.PRODUCE_MODELS, True)
        self._solver = bitwuzla.Bitwuzla(self._tm, options)
        self._clock = _Deadline()  # not a bound method: no cycle through the native solver
        self._solver.configure_terminator(self._clock)
        self._conv = BitwuzlaConverter(self._tm)

    def _add(self, term: Term) -> None:
        self._solver.assert_formula(self._conv.as_bool(term))

    def _check(self, assumptions: list[Term]) -> str:
        natives = [self._conv.as_bool(a) for a in assumptions]
        self._clock.deadline = None if self.timeout is None else time.monotonic() + self.timeout
        try:
            result = self._solver.check_sat(*natives)
        finally:
            timed_out = self._clock()
            self._clock.deadline = None
        if result == bitwuzla.Result.SAT:
            return solvers.SAT
        if result == bitwuzla.Result.UNSAT:
            return solvers.UNSAT
        self.last_reason = "timeout" if timed_out else "incomplete"
        return solvers.UNKNOWN

    def _bv_value(self, term: Term) -> int:
        return _to_int(self._solver.get_value(self._conv.convert(term)))

    def _array_value(self, term: Term) -> ArrayValue:
        return decode_array(self._solver.get_value(self._conv.convert(term)), term.sort, _array_step, _to_int,
                            self.name)

    def _push(self) -> None:
        self._solver.push(1)

    def _pop(self) -> None:
        self._solver.pop(1)


class _Deadline:
    """Bitwuzla's termination callback: true once the clock passes ``deadline``."""

    __slots__ = ("deadline",)

    def __init__(self) -> None:
        self.deadline: float | None = None

    def __call__(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline


def _to_int(value: Native) -> int:
    return int(value.value(16), 16)


def _array_step(value: Native) -> tuple | None:
    kind = value.kind()
    if kind == Kind.ARRAY_STORE:
        return ("store", *value.children())
    if kind == Kind.CONST_ARRAY:
        return ("const", value.children()[0])
    return None


solvers.register("bitwuzla", BitwuzlaSolver)
