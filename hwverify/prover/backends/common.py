"""What every solver back end shares: the term walker, the bookkeeping, model decoding.

A back end is two classes. Its ``Converter`` subclass supplies one
``_op_<name>`` handler per operator of ``terms.ALL_OPS`` (the walker, the memo
table and the 1-bit/Boolean bridge live here). Its ``BackendSolver`` subclass
supplies the private hooks ``_add``, ``_check``, ``_bv_value``,
``_array_value``, ``_push`` and ``_pop``; the public ``Solver`` methods here
check their arguments, keep the push depth and model validity, and turn the
library's own exceptions into ``ProverError`` naming the solver.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

from hwverify.errors import ProverError
from hwverify.prover.solvers import SAT, UNKNOWN, UNSAT, Solver
from hwverify.semantics.terms import ALL_OPS, Array, BV, Term, postorder
from hwverify.semantics.values import ArrayValue, Value

Native = Any  # a term of the back end's library


# ------------------------------------------------------------------ walking
def unconverted_postorder(root: Term, memo: dict[Term, Native]) -> Iterator[Term]:
    """Yield the nodes below ``root`` not yet in ``memo``, children before parents.

    Stops at memoised nodes, so converting frame ``k+1`` of an unrolling costs
    only the new nodes, not the whole DAG again.
    """
    return postorder([root], skip=memo)

class Converter:
    """Iterative, memoised translation of hwverify terms into one library's terms.

    Subclasses define ``_op_<op>(node, *args)`` for each operator, receiving
    the node and its already converted arguments, plus ``_bool_to_bv`` and
    ``_bv_to_bool``. A handler for a comparison returns ``self.predicate(node,
    p)`` with the library's Boolean ``p``, so that ``as_bool`` can later use
    ``p`` itself instead of ``p ? 1 : 0 == 1``. The memo is keyed by term:
    terms are hash-consed, so identity is equality.
    """

    solver_name = "abstract"

    def __init__(self) -> None:
        self.memo: dict[Term, Native] = {}
        self.preds: dict[Term, Native] = {}
        # Functions, not bound methods: a converter must not sit in a reference
        # cycle, or the garbage collector may free a library's context before
        # the terms in ``memo`` (z3 then takes seconds to delete its context).
        self._handlers: dict[str, Callable[..., Native]] = {}
        for op in ALL_OPS:
            handler = getattr(type(self), f"_op_{op}", None)
            if handler is not None:
                self._handlers[op] = handler

    def convert(self, term: Term) -> Native:
        """Return the library term for ``term`` (bit-vector or array valued)."""
        memo = self.memo
        done = memo.get(term)
        if done is not None:
            return done
        handlers = self._handlers
        for node in unconverted_postorder(term, memo):
            handler = handlers.get(node.op)
            if handler is None:
                raise ProverError(f"{self.solver_name}: no conversion for operator {node.op!r}")
            memo[node] = handler(self, node, *[memo[a] for a in node.args])
        return memo[term]

    def as_bool(self, term: Term) -> Native:
        """Return the library Boolean meaning "1-bit ``term`` is 1"."""
        return self.boolean(term, self.convert(term))

    def boolean(self, term: Term, native: Native) -> Native:
        """Return the Boolean form of 1-bit ``term`` already converted to ``native``.

        Handlers use it for conditions (``ite``) so comparisons stay Boolean.
        """
        pred = self.preds.get(term)
        return pred if pred is not None else self._bv_to_bool(native)

    def predicate(self, node: Term, pred: Native) -> Native:
        """Record ``pred`` as the Boolean form of 1-bit ``node``; return its bit-vector form."""
        self.preds[node] = pred
        return self._bool_to_bv(pred)

    def _bool_to_bv(self, pred: Native) -> Native:
        raise NotImplementedError

    def _bv_to_bool(self, native: Native) -> Native:
        raise NotImplementedError


def xor_bits(a: Native, width: int, extract: Callable[[Native, int], Native],
             xor: Callable[[Native, Native], Native]) -> Native:
    """Reduction XOR of a ``width``-bit library term, for libraries without one.

    ``extract(a, i)`` gives bit ``i`` as a 1-bit term, ``xor`` combines two.
    """
    acc = extract(a, 0)
    for i in range(1, width):
        acc = xor(acc, extract(a, i))
    return acc


# Largest index width for which a constant array of a non-constant element is
# spelled out as one write per index (for cvc5, whose constant arrays must hold a value).
MAX_EXPANDED_INDEX_WIDTH = 10


def const_array_by_writes(elem: Native, index_width: int, base: Native,
                          write: Callable[[Native, int, Native], Native], solver_name: str) -> Native:
    """A constant array of a non-constant ``elem``, as ``elem`` written at every index of ``base``.

    Exact (every index is overwritten); ``base`` is any array of the right sort,
    ``write(array, k, elem)`` stores at index ``k``. Refused beyond
    ``MAX_EXPANDED_INDEX_WIDTH`` index bits.
    """
    if index_width > MAX_EXPANDED_INDEX_WIDTH:
        raise ProverError(f"{solver_name}: constant arrays of a non-constant element are limited to "
                          f"{MAX_EXPANDED_INDEX_WIDTH}-bit indices, not {index_width}")
    array = base
    for k in range(1 << index_width):
        array = write(array, k, elem)
    return array


# ------------------------------------------------------------------ models
# A model array is walked with a ``step`` function returning one of
#   ("store", inner_array, index, element)        a write over another array
#   ("const", element)                            every index maps to element
#   ("map", default, [(index, element), ...])     a finite table with a default
# or None for anything else (lambdas, unevaluated terms), which is an error.
ArrayStep = Callable[[Native], tuple | None]


def decode_array(value: Native, sort: Array, step: ArrayStep, to_int: Callable[[Native], int],
                 solver_name: str) -> ArrayValue:
    """Turn a model's array value (store chain over a constant array) into an ``ArrayValue``.

    The result is canonical (see ``canonical_array``), so extensionally equal
    arrays from different solvers compare equal.
    """
    writes: list[tuple[Native, Native]] = []  # outermost (latest) first
    while True:
        shape = step(value)
        if shape is None:
            raise ProverError(f"{solver_name}: model array is not a store chain over a constant array: "
                              f"{str(value)[:200]}")
        if shape[0] == "store":
            _, value, index, elem = shape
            writes.append((index, elem))
            continue
        if shape[0] == "const":
            default, table = to_int(shape[1]), []
        else:
            default, table = to_int(shape[1]), list(shape[2])
        break
    entries = {to_int(i): to_int(e) for i, e in table}
    for index, elem in reversed(writes):  # innermost first, so later writes win
        entries[to_int(index)] = to_int(elem)
    return canonical_array(ArrayValue(default, entries), sort.index_width)


def canonical_array(value: ArrayValue, index_width: int) -> ArrayValue:
    """The one ``ArrayValue`` for ``value``'s contents over ``index_width``-bit indices.

    The same contents can be written with different defaults when few indices
    are left to the default; the canonical default is the most frequent
    element over all ``2**index_width`` indices, the smallest on ties.
    """
    unlisted = (1 << index_width) - len(value.entries)  # indices reading the default
    if unlisted > len(value.entries):
        return value  # the default is the most frequent element by far
    counts: dict[int, int] = {value.default: unlisted} if unlisted else {}
    for elem in value.entries.values():
        counts[elem] = counts.get(elem, 0) + 1
    default = min(counts, key=lambda e: (-counts[e], e))
    if default == value.default:
        return value
    entries = {i: value.read(i) for i in range(1 << index_width)}
    return ArrayValue(default, entries)


def arrays_equal(a: ArrayValue, b: ArrayValue, index_width: int) -> bool:
    """Extensional equality of two array values over ``index_width``-bit indices."""
    return canonical_array(a, index_width) == canonical_array(b, index_width)


# ------------------------------------------------------------------ solver
def _need_bool(term: object, what: str) -> Term:
    if not isinstance(term, Term):
        raise ProverError(f"{what} must be a 1-bit Term, not {term!r}")
    if term.sort != BV(1):
        raise ProverError(f"{what} must be a 1-bit term, not {term.sort}: {term!r}")
    return term


class BackendSolver(Solver):
    """The bookkeeping shared by every back end; subclasses implement the private hooks.

    ``native_errors`` lists the exception types the library raises; they become
    ``ProverError`` with the solver's name.
    """

    native_errors: tuple[type[BaseException], ...] = ()

    def __init__(self, timeout: float | None = None):
        super().__init__(timeout)
        self._depth = 0
        self._result: str | None = None  # answer of the last check, while its model is valid

    # --- public API (see ``Solver``)
    def add(self, term: Term) -> None:
        _need_bool(term, f"{self.name}: asserted term")
        with self._native("add"):
            self._add(term)
        self._result = None

    def check(self, assumptions: Sequence[Term] = ()) -> str:
        assumptions = [_need_bool(a, f"{self.name}: assumption") for a in assumptions]
        self.checks += 1
        self.last_reason = ""
        self._result = None
        with self._native("check"):
            result = self._check(assumptions)
        if result not in (SAT, UNSAT, UNKNOWN):  # pragma: no cover - a back end bug
            raise ProverError(f"{self.name}: check gave {result!r}")
        if result == UNKNOWN and not self.last_reason:
            self.last_reason = "incomplete"
        self._result = result
        return result

    def value(self, term: Term) -> Value:
        if not isinstance(term, Term):
            raise ProverError(f"{self.name}: value needs a Term, not {term!r}")
        if self._result != SAT:
            state = "no check yet" if self._result is None else f"last check was {self._result}"
            raise ProverError(f"{self.name}: no model to read {term!r} from ({state}, "
                              "or assertions changed since)")
        with self._native("value"):
            if isinstance(term.sort, Array):
                return self._array_value(term)
            return self._bv_value(term)

    def push(self) -> None:
        with self._native("push"):
            self._push()
        self._depth += 1
        self._result = None

    def pop(self) -> None:
        if self._depth == 0:
            raise ProverError(f"{self.name}: pop without a matching push")
        with self._native("pop"):
            self._pop()
        self._depth -= 1
        self._result = None

    @contextmanager
    def _native(self, what: str) -> Iterator[None]:
        try:
            yield
        except ProverError:
            raise
        except self.native_errors as e:
            raise ProverError(f"{self.name}: {what} failed: {e}") from e

    def _timeout_ms(self) -> int:
        """The timeout in whole milliseconds (at least 1), or 0 for none."""
        if self.timeout is None:
            return 0
        return max(1, int(self.timeout * 1000))

    # --- hooks
    def _add(self, term: Term) -> None:
        raise NotImplementedError

    def _check(self, assumptions: list[Term]) -> str:
        """Decide; on UNKNOWN set ``self.last_reason``."""
        raise NotImplementedError

    def _bv_value(self, term: Term) -> int:
        raise NotImplementedError

    def _array_value(self, term: Term) -> ArrayValue:
        raise NotImplementedError

    def _push(self) -> None:
        raise NotImplementedError

    def _pop(self) -> None:
        raise NotImplementedError
