"""Small arrays as registers: each array of 2^w elements (w <= MAX_INDEX_WIDTH) becomes 2^w bit-vectors.

Why: the kernel prefers a solver other than the engine's, and on unrolled
memories the array solvers of cvc5 and z3 scale badly (a 4-word FIFO, 16
frames: 0.1 s in bitwuzla, over 50 s in cvc5 and 25 s in z3). Without arrays
both bit-blast the same frames in well under a second.

The rewrite is exact: an array over a w-bit index is a total function on
2^w indices, i.e. a tuple of 2^w elements, and SMT-LIB array equality is
extensional. With ``a`` a tuple ``(a_0 .. a_{n-1})``:

  read(a, i)      = ite(i = 0, a_0, ite(i = 1, a_1, ... a_{n-1}))
  write(a, i, v)_k = ite(i = k, v, a_k)
  ite(c, a, b)_k  = ite(c, a_k, b_k)
  const_array(v)_k = v
  a = b           = a_0 = b_0 ∧ ... ∧ a_{n-1} = b_{n-1}

An array variable ``m`` becomes fresh variables ``m[k]``, with init and next
rewritten element by element. Arrays with wider indices are kept as arrays,
except lookup tables: a read of a *ground* array (no variable in it, as a
``wire [7:0] sbox [0:255]`` assigned entry by entry) of up to 2^8 elements
becomes the ite chain above over the table's elements (same rules), which the
bit-vector solvers decide in seconds where their array theories took minutes.
"""
from __future__ import annotations

from typing import Sequence, Union

from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term

MAX_INDEX_WIDTH = 6  # up to 64 elements per array
MAX_TABLE_INDEX_WIDTH = 8  # lookup tables (ground arrays) up to 256 elements

Flat = Union[Term, tuple[Term, ...]]  # a term, or the elements of a flattened array


def _small(sort: T.Sort) -> bool:
    return isinstance(sort, T.Array) and sort.index_width <= MAX_INDEX_WIDTH


class ArrayFlattener:
    """Rewrites terms over ``system`` into terms over its flattened copy (memoised, iterative)."""

    def __init__(self, system: TransitionSystem):
        self.memo: dict[Term, Flat] = {}
        taken = {v.name for v in system.variables}
        for v in system.variables:
            if _small(v.sort):
                elems = []
                for k in range(1 << v.sort.index_width):
                    name = f"{v.name}[{k}]"
                    while name in taken:   # a fresh name, or two variables would be one term
                        name += "'"
                    taken.add(name)
                    elems.append(T.var(name, T.BV(v.sort.elem_width)))
                self.memo[v] = tuple(elems)
        self.tables: dict[Term, tuple[Term, ...] | None] = {}

    def flat(self, roots: Sequence[Term]) -> list[Flat]:
        memo = self.memo
        for node in T.postorder([r for r in roots if r not in memo], skip=memo):
            if node in memo:
                continue
            args = [memo[a] for a in node.args]
            op = node.op
            if not any(isinstance(a, tuple) for a in args) and not _small(node.sort):
                table = self.table(args[0]) if op == "read" else None
                if table is not None:
                    memo[node] = _lookup(table, args[1])
                    continue
                same = all(n is o for n, o in zip(args, node.args))
                memo[node] = node if same else T.apply(op, args, node.params, node.sort)
            elif op in ("const_array", "write", "ite"):
                memo[node] = _elements(node, args)
            elif op == "read":
                memo[node] = _lookup(args[0], args[1])
            elif op == "eq":
                a, b = args
                memo[node] = T.and_all(T.eq(x, y) for x, y in zip(a, b))
            else:
                raise ValueError(f"cannot flatten operator {op!r} over an array")
        return [memo[r] for r in roots]

    def table(self, arr: Term) -> tuple[Term, ...] | None:
        """The elements of ``arr`` if it is a lookup table (ground, at most 2^8 elements), else None."""
        if arr not in self.tables:
            self.tables[arr] = _table_elements(arr)
        return self.tables[arr]

    def terms(self, roots: Sequence[Term]) -> list[Term]:
        """``roots`` (bit-vector terms) rewritten."""
        out = self.flat(roots)
        assert not any(isinstance(t, tuple) for t in out), "bit-vector roots stay bit-vectors"
        return out  # type: ignore[return-value]

    def variables(self, vs: Sequence[Term]) -> list[Term]:
        """The variables standing for ``vs`` (elements for flattened arrays)."""
        out: list[Term] = []
        for v in vs:
            m = self.memo.get(v, v)
            out.extend(m if isinstance(m, tuple) else [m])
        return out


def _lookup(elements: tuple[Term, ...], idx: Term) -> Term:
    """read(a, idx) over the elements of ``a``: an ite chain on the index."""
    out = elements[-1]
    for k in range(len(elements) - 2, -1, -1):
        out = T.ite(T.eq(idx, T.const(k, idx.width)), elements[k], out)
    return out


def _elements(node: Term, args: list) -> tuple[Term, ...]:
    """The elements of array ``node`` (``const_array``, ``write`` or ``ite``) from its arguments, arrays among
    them already as tuples of elements."""
    if node.op == "const_array":
        return (args[0],) * (1 << node.sort.index_width)
    if node.op == "write":
        arr, idx, val = args
        return tuple(T.ite(T.eq(idx, T.const(k, idx.width)), val, e) for k, e in enumerate(arr))
    c, a, b = args
    return tuple(T.ite(c, x, y) for x, y in zip(a, b))


def _table_elements(arr: Term) -> tuple[Term, ...] | None:
    """The elements of a ground array term, by the rules above; None if it is not a small ground array."""
    if not isinstance(arr.sort, T.Array) or arr.sort.index_width > MAX_TABLE_INDEX_WIDTH or T.free_vars([arr]):
        return None
    elems: dict[Term, tuple[Term, ...]] = {}
    for node in T.postorder([arr]):
        if not isinstance(node.sort, T.Array):
            continue
        if node.op not in ("const_array", "write", "ite"):
            return None   # anything else stays an array: correct, only slower
        elems[node] = _elements(node, [elems.get(a, a) for a in node.args])
    return elems[arr]


def _reads_table(system: TransitionSystem) -> bool:
    roots = [*system.init.values(), *system.next.values(), *system.constraints, *_property_terms(system)]
    return any(t.op == "read" and _table_elements(t.args[0]) is not None for t in T.postorder(roots))


Flattened = tuple[TransitionSystem, ArrayFlattener]


def flatten_system(system: TransitionSystem) -> Flattened | None:
    """The system with its small arrays flattened and the rewriter for further terms, or None if it has none."""
    if not any(_small(v.sort) for v in system.variables) and not _reads_table(system):
        return None
    fl = ArrayFlattener(system)
    init: dict[Term, Term] = {}
    nxt: dict[Term, Term] = {}
    for table, out in ((system.init, init), (system.next, nxt)):
        states = list(table)
        for s, value in zip(states, fl.flat([table[s] for s in states])):
            targets = fl.memo.get(s, s)
            if isinstance(targets, tuple):
                out.update(zip(targets, value))
            else:
                out[targets] = value
    flat = TransitionSystem(name=system.name, inputs=fl.variables(system.inputs), states=fl.variables(system.states),
                            init=init, next=nxt, constraints=fl.terms(system.constraints))
    return flat, fl


def uses_arrays_after(system: TransitionSystem, flat: Flattened | None) -> bool:
    """Whether obligations over ``system`` keep arrays (after flattening the small ones, when ``flat`` is given).

    Not only array variables: a lookup table (``wire [7:0] sbox [0:255]`` assigned
    entry by entry) is a constant array inside the terms. Declared ``QF_BV``, z3
    4.15.4 answered ``sat`` in 4 s to an obligation over such a table that is
    ``unsat`` (secworks' AES S-box against its GF(2^8) definition), and cvc5 and
    bitwuzla refuse the script: the logic must say arrays whenever a term does.
    """
    target, props = (flat[0], flat[1].terms(_property_terms(system))) if flat is not None else \
        (system, _property_terms(system))
    if any(isinstance(v.sort, T.Array) for v in target.variables):
        return True
    roots = [*target.init.values(), *target.next.values(), *target.constraints, *props]
    return any(isinstance(t.sort, T.Array) for t in T.postorder(roots))


def _property_terms(system: TransitionSystem) -> list[Term]:
    return [p.term for p in system.asserts + system.covers + system.justice]
