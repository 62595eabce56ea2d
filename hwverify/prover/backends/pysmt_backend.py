"""The "pysmt" back end: our terms as pySMT formulas, solved by a pySMT solver.

The formulas are built in a private pySMT ``Environment`` (one per instance, so
symbols of different instances never clash) and handed to pySMT's cvc5 solver.
With today's wheels pySMT 0.9.6 only finds z3 and cvc5 (no msat, yices,
boolector or bitwuzla); its z3 solver is z3's default solver for the logic,
the one that hangs on unrolled BMC, so this back end uses cvc5 and is
unavailable without it. Use the "z3" back end for z3.

pySMT 0.9.6's cvc5 converter lacks two things we need, added by subclassing:
constant arrays (``walk_array_value``; as in the "cvc5" back end, one of a
non-constant element is written out index by index) and reading back array
model values that are ``store`` chains (``back``). pySMT itself turns on
cvc5's ITE simplifications, which unrolled BMC needs (see the "cvc5" back end).

Timeouts set cvc5's ``tlimit-per`` through pySMT. pySMT turns an unknown
answer into an exception without cvc5's reason, so an unknown answer that took
at least (nearly) the time limit counts as a timeout, any other as incomplete.

Booleans: our 1-bit terms become 1-bit pySMT bit-vectors, comparisons become
``Ite(p, 1, 0)``, and ``add(t)`` asserts ``Equals(t, BV(1, 1))``.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

from pysmt.environment import Environment  # ImportError here makes the back end unavailable
from pysmt.exceptions import PysmtException, SolverAPINotFound, SolverReturnedUnknownResultError
from pysmt.logics import QF_ABV
from pysmt.typing import ArrayType, BVType

try:
    from cvc5 import Kind
    from pysmt.solvers.cvcfive import CVC5Converter, CVC5Solver
except (ImportError, SolverAPINotFound) as e:  # pySMT raises its own error when cvc5 is missing
    raise ImportError(f"pySMT's cvc5 solver is not usable: {e}") from e

from hwverify.errors import ProverError
from hwverify.prover import solvers
from hwverify.prover.backends.common import (BackendSolver, Converter, Native, const_array_by_writes,
                                             decode_array, xor_bits)
from hwverify.semantics.terms import BV, Array, Sort, Term
from hwverify.semantics.values import ArrayValue

class _Cvc5Converter(CVC5Converter):
    """pySMT's cvc5 converter plus constant arrays and store-chain model values."""

    def walk_array_value(self, formula, args, **kwargs):
        sort = self._type_to_cvc5(self._get_type(formula))
        if args[0].isBitVectorValue():
            array = self.cvc5.mkConstArray(sort, args[0])
        else:  # cvc5's constant arrays must hold a value: write the element at every index
            index_width = sort.getArrayIndexSort().getBitVectorSize()
            base = self.cvc5.mkConstArray(sort, self.cvc5.mkBitVector(sort.getArrayElementSort().getBitVectorSize(), 0))
            array = const_array_by_writes(
                args[0], index_width, base,
                lambda arr, k, e: self.cvc5.mkTerm(Kind.STORE, arr, self.cvc5.mkBitVector(index_width, k), e),
                "pysmt")
        for i in range(1, len(args), 2):
            array = self.cvc5.mkTerm(Kind.STORE, array, args[i], args[i + 1])
        return array

    def back(self, expr):
        if expr.getKind() != Kind.STORE:
            return super().back(expr)
        writes = []
        while expr.getKind() == Kind.STORE:
            writes.append((expr[1], expr[2]))
            expr = expr[0]
        base = super().back(expr)  # a constant array
        assigned = dict(base.array_value_assigned_values_map())
        for index, elem in reversed(writes):  # innermost first, so later writes win
            assigned[super().back(index)] = super().back(elem)
        return self.mgr.Array(base.array_value_index_type(), base.array_value_default(), assigned)


class _Cvc5Solver(CVC5Solver):
    """pySMT's cvc5 solver using the extended converter."""

    def __init__(self, environment, logic, **options):
        super().__init__(environment, logic, **options)
        self.converter = _Cvc5Converter(environment, cvc5=self.cvc5)


class PysmtConverter(Converter):
    """Our terms to pySMT formulas, one handler per operator."""

    solver_name = "pysmt"

    def __init__(self, env: Environment):
        super().__init__()
        self.mgr = env.formula_manager
        self.one = self.mgr.BV(1, 1)
        self.zero = self.mgr.BV(0, 1)
        self._types: dict[Sort, object] = {}
        self._names: dict[str, Sort] = {}

    def type(self, sort: Sort):
        native = self._types.get(sort)
        if native is None:
            if isinstance(sort, Array):
                native = ArrayType(self.type(BV(sort.index_width)), self.type(BV(sort.elem_width)))
            else:
                native = BVType(sort.width)
            self._types[sort] = native
        return native

    def _bool_to_bv(self, pred: Native) -> Native:
        return self.mgr.Ite(pred, self.one, self.zero)

    def _bv_to_bool(self, native: Native) -> Native:
        return self.mgr.Equals(native, self.one)

    # leaves
    def _op_const(self, t: Term) -> Native:
        return self.mgr.BV(t.params[0], t.sort.width)

    def _op_var(self, t: Term) -> Native:
        name = t.params[0]
        if self._names.setdefault(name, t.sort) != t.sort:
            name = f"{name}#{t.id}"  # pySMT forbids one name with two types
        return self.mgr.Symbol(name, self.type(t.sort))

    def _op_const_array(self, t: Term, elem: Native) -> Native:
        return self.mgr.Array(self.type(BV(t.sort.index_width)), elem)

    # unary
    def _op_not(self, t: Term, a: Native) -> Native: return self.mgr.BVNot(a)
    def _op_neg(self, t: Term, a: Native) -> Native: return self.mgr.BVNeg(a)

    def _op_redand(self, t: Term, a: Native) -> Native:
        w = t.args[0].width
        return self.predicate(t, self.mgr.Equals(a, self.mgr.BV((1 << w) - 1, w)))

    def _op_redor(self, t: Term, a: Native) -> Native:
        return self.predicate(t, self.mgr.Not(self.mgr.Equals(a, self.mgr.BV(0, t.args[0].width))))

    def _op_redxor(self, t: Term, a: Native) -> Native:
        return xor_bits(a, t.args[0].width, lambda x, i: self.mgr.BVExtract(x, i, i), self.mgr.BVXor)

    # binary, same width
    def _op_and(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVAnd(a, b)
    def _op_or(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVOr(a, b)
    def _op_xor(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVXor(a, b)
    def _op_add(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVAdd(a, b)
    def _op_sub(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVSub(a, b)
    def _op_mul(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVMul(a, b)
    def _op_udiv(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVUDiv(a, b)
    def _op_urem(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVURem(a, b)
    def _op_sdiv(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVSDiv(a, b)
    def _op_srem(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVSRem(a, b)
    def _op_smod(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVSMod(a, b)  # expanded by pySMT
    def _op_shl(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVLShl(a, b)
    def _op_lshr(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVLShr(a, b)
    def _op_ashr(self, t: Term, a: Native, b: Native) -> Native: return self.mgr.BVAShr(a, b)

    # comparisons (1-bit results)
    def _op_ult(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self.mgr.BVULT(a, b))
    def _op_ule(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self.mgr.BVULE(a, b))
    def _op_slt(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self.mgr.BVSLT(a, b))
    def _op_sle(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self.mgr.BVSLE(a, b))
    def _op_eq(self, t: Term, a: Native, b: Native) -> Native: return self.predicate(t, self.mgr.Equals(a, b))

    # structure
    def _op_concat(self, t: Term, a: Native, b: Native) -> Native:
        return self.mgr.BVConcat(a, b)

    def _op_extract(self, t: Term, a: Native) -> Native:
        hi, lo = t.params
        return self.mgr.BVExtract(a, lo, hi)

    def _op_zext(self, t: Term, a: Native) -> Native:
        return self.mgr.BVZExt(a, t.params[0])

    def _op_sext(self, t: Term, a: Native) -> Native:
        return self.mgr.BVSExt(a, t.params[0])

    def _op_ite(self, t: Term, c: Native, a: Native, b: Native) -> Native:
        return self.mgr.Ite(self.boolean(t.args[0], c), a, b)

    def _op_read(self, t: Term, arr: Native, idx: Native) -> Native:
        return self.mgr.Select(arr, idx)

    def _op_write(self, t: Term, arr: Native, idx: Native, val: Native) -> Native:
        return self.mgr.Store(arr, idx, val)


class PysmtSolver(BackendSolver):
    """pySMT's incremental cvc5 solver over formulas built from our terms."""

    name = "pysmt"
    native_errors = (PysmtException, RuntimeError)  # RuntimeError: cvc5 underneath

    def __init__(self, timeout: float | None = None):
        super().__init__(timeout)
        self._env = Environment()
        self._conv = PysmtConverter(self._env)
        with self._native("set-up"):
            self._solver = _Cvc5Solver(self._env, QF_ABV, incremental=True, generate_models=True,
                                       solver_options={"arrays-exp": "true"})  # for constant arrays

    @contextmanager
    def _walking(self) -> Iterator[None]:
        """Clear pySMT's converter stack after a failure (it is left dirty and breaks later walks)."""
        try:
            yield
        except BaseException:
            self._solver.converter.stack.clear()
            raise

    def _add(self, term: Term) -> None:
        formula = self._conv.as_bool(term)
        with self._walking():
            self._solver.add_assertion(formula)

    def _check(self, assumptions: list[Term]) -> str:
        formulas = [self._conv.as_bool(a) for a in assumptions]
        self._solver.set_option("tlimit-per", str(self._timeout_ms()))
        start = time.monotonic()
        try:
            with self._walking():
                sat = self._solver.solve(formulas or None)
        except SolverReturnedUnknownResultError:
            elapsed = time.monotonic() - start
            timed_out = self.timeout is not None and elapsed >= 0.9 * self.timeout
            self.last_reason = "timeout" if timed_out else "incomplete"
            return solvers.UNKNOWN
        return solvers.SAT if sat else solvers.UNSAT

    def _get_value(self, term: Term) -> Native:
        formula = self._conv.convert(term)
        with self._walking():
            return self._solver.get_value(formula)

    def _bv_value(self, term: Term) -> int:
        return _to_int(self._get_value(term))

    def _array_value(self, term: Term) -> ArrayValue:
        return decode_array(self._get_value(term), term.sort, _array_step, _to_int, self.name)

    def _push(self) -> None:
        self._solver.push()

    def _pop(self) -> None:
        self._solver.pop()

    def close(self) -> None:
        self._solver.exit()


def _to_int(value: Native) -> int:
    if not value.is_bv_constant():
        raise ProverError(f"pysmt: model value is not a bit-vector constant: {str(value)[:200]}")
    return value.constant_value()


def _array_step(value: Native) -> tuple | None:
    if value.is_store():
        return ("store", *value.args())
    if value.is_array_value():
        return ("map", value.array_value_default(), list(value.array_value_assigned_values_map().items()))
    return None


solvers.register("pysmt", PysmtSolver)
