"""The bit-level transition system IC3 works on, and the way back to words.

``BitModel.build`` bit-blasts one property's cone of a word-level system:
every state bit (each element bit of a small array) becomes a latch, every
input bit an input; a state without a next function gets a fresh input as
its next value (it is free after the first cycle). ``bad`` is ``C & ~P``
(the constraints hold in the failing cycle too), ``constraint`` is ``C``.

Before IC3 runs, two reductions shrink the problem and both keep evidence
about the original system valid:

* bit-level cone of influence: only latches that ``bad`` and the
  constraints depend on (through next functions and initial values) stay;
* constant latches: ternary simulation from the initial states with every
  input unknown reaches a fixpoint; a latch that is 0 or 1 there is that
  constant in every reachable state. The set of these facts is inductive on
  its own, so they go into every frame as units and into the invariant.

A third, ``reduce.py``'s equivalent-latch reduction, runs after these (it
needs SAT): ``merge`` replaces latches proven equal to another (or to its
complement, or to a constant) by that literal, and ``equivalence_terms``
gives the proven equalities for the invariant.

The way back: ``lemma_term`` turns a clause over latches into a word-level
term over the original state variables (``(x & mask) != value`` per word),
and ``trace_frames`` turns a latch/input assignment into trace frames.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from hwverify.semantics import terms as T
from hwverify.semantics.bitblast import FALSE, TRUE, Aig, BitBlaster
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.terms import Array, BV, Term
from hwverify.semantics.values import ArrayValue, Value

# Ternary simulation costs gates x iterations in Python: skip it beyond this.
TERNARY_BUDGET = 3_000_000

Cube = tuple[int, ...]


@dataclass(frozen=True)
class BitOrigin:
    """Where a latch or input bit comes from: a variable, an array index (or None) and a bit."""

    var: Term
    index: int | None
    bit: int


@dataclass
class BitModel:
    """Latches, inputs, next functions and initial values at the bit level."""

    aig: Aig
    latches: list[int]
    inputs: list[int]
    next: dict[int, int]
    init: dict[int, bool]                  # constant initial bits
    init_general: list[int]                # literals over latches that hold initially (non-constant inits)
    bad: int
    constraint: int
    origin: dict[int, BitOrigin]           # latch or input variable -> its word-level bit
    free_next: dict[int, int] = field(default_factory=dict)   # latch -> input giving its next value
    constants: dict[int, bool] = field(default_factory=dict)  # latches constant in every reachable state
    equivalences: dict[int, int] = field(default_factory=dict)  # merged latch -> literal of the latch it equals
    general_init: set[int] = field(default_factory=set)         # latches whose initial value is not a constant
    notes: list[str] = field(default_factory=list)

    # -------------------------------------------------------------- build
    @staticmethod
    def build(system: TransitionSystem, prop: Property) -> "BitModel":
        """Bit-blast ``system`` for ``prop`` (raises ``UnsupportedError`` for arrays too large)."""
        aig = Aig()
        origin: dict[int, BitOrigin] = {}

        def leaf(v: Term) -> object:
            bits = bb.fresh(v.sort, v.name)
            _record(origin, v, bits)
            return bits

        bb = BitBlaster(aig, leaf)
        states = list(system.states)
        for v in states + list(system.inputs):
            bb.blast(v)
        latches = [b for s in states for b in _flat(bb.var_bits[s])]
        inputs = [b for i in system.inputs for b in _flat(bb.var_bits[i])]
        nxt: dict[int, int] = {}
        free_next: dict[int, int] = {}
        for s in states:
            cur = _flat(bb.var_bits[s])
            if s in system.next:
                new = _flat(bb.blast(system.next[s]))
            else:
                new = _flat(bb.fresh(s.sort, s.name))
                for c, n in zip(cur, new):
                    free_next[c] = n
                    origin[n] = origin[c]
                inputs.extend(new)
            nxt.update(zip(cur, new))
        init: dict[int, bool] = {}
        init_general: list[int] = []
        general: set[int] = set()
        for s, value in system.init.items():
            for c, n in zip(_flat(bb.var_bits[s]), _flat(bb.blast(value))):
                if n in (TRUE, FALSE):
                    init[c] = n == TRUE
                else:
                    init_general.append(-aig.xor(c, n))
                    general.add(c)
        constraint = aig.and_all(bb.bit(c) for c in system.constraints)
        bad = aig.and_(constraint, -bb.bit(prop.term))
        model = BitModel(aig, latches, inputs, nxt, init, init_general, bad, constraint, origin, free_next,
                         general_init=general)
        model._reduce()
        return model

    # ------------------------------------------------------- reductions
    def _reduce(self) -> None:
        before = len(self.latches)
        self._cone()
        self._constant_latches()
        self._cone()
        self.notes.append(f"bit level: {len(self.latches)} of {before} latches in the cone, "
                          f"{len(self.constants)} constant, {len(self.inputs)} inputs")

    def roots(self) -> list[int]:
        return [self.bad, self.constraint] + self.init_general

    def _cone(self) -> None:
        """Keep the latches ``bad``, the constraints and non-constant inits depend on (one linear walk)."""
        latch_set = set(self.latches)
        gate_of = self.aig.gate_of
        seen: set[int] = set()
        keep: set[int] = set()
        used_inputs: set[int] = set()
        work = [abs(r) for r in self.roots()]
        while work:
            v = work.pop()
            if v in seen:
                continue
            seen.add(v)
            ab = gate_of.get(v)
            if ab is not None:
                work.append(abs(ab[0]))
                work.append(abs(ab[1]))
            elif v in latch_set:
                keep.add(v)
                work.append(abs(self.next[v]))
            else:
                used_inputs.add(v)
        self.latches = [x for x in self.latches if x in keep]
        self.inputs = [i for i in self.inputs if i in used_inputs]

    def _constant_latches(self) -> None:
        """Ternary simulation to a fixpoint from the initial states, inputs unknown."""
        if not self.latches or self.init_general:
            return  # general initial relations: every latch starts unknown as far as this is concerned
        gates = self.aig.cone([self.next[x] for x in self.latches])
        if len(gates) * (len(self.latches) + 1) > TERNARY_BUDGET:
            self.notes.append("constant-latch detection skipped (design too large for ternary simulation)")
            return
        X = 2
        state = {x: (int(self.init[x]) if x in self.init else X) for x in self.latches}
        for _ in range(len(self.latches) + 2):
            val: dict[int, int] = {TRUE: 1}
            val.update(state)
            for o, a, b in gates:
                va = val.get(abs(a), X)
                if a < 0 and va != X:
                    va = 1 - va
                vb = val.get(abs(b), X)
                if b < 0 and vb != X:
                    vb = 1 - vb
                val[o] = 0 if (va == 0 or vb == 0) else (1 if va == 1 and vb == 1 else X)
            changed = False
            for x in self.latches:
                n = self.next[x]
                vn = val.get(abs(n), X)
                if n < 0 and vn != X:
                    vn = 1 - vn
                if state[x] != X and vn != state[x]:
                    state[x] = X
                    changed = True
            if not changed:
                break
        else:  # pragma: no cover - each round makes a latch X or stops
            return
        self.constants = {x: bool(v) for x, v in state.items() if v != X}
        if self.constants:
            self._substitute({x: TRUE if v else FALSE for x, v in self.constants.items()})

    def merge(self, pairs: dict[int, int]) -> None:
        """Replace each latch ``x`` of ``pairs`` by the literal ``pairs[x]`` (another latch, its complement,
        TRUE or FALSE), which it equals in every reachable state (``reduce.py`` proves that first)."""
        for x, lit in pairs.items():
            if abs(lit) == TRUE:
                self.constants[x] = lit == TRUE
            else:
                self.equivalences[x] = lit
                r = abs(lit)
                if x in self.init and r not in self.init:  # x's constant start value is r's (complemented)
                    self.init[r] = self.init[x] != (lit < 0)
        self._substitute(pairs)
        self._cone()

    def _substitute(self, consts: dict[int, int]) -> None:
        """Rebuild the graph with latches replaced by literals (the old literals stay valid for the rest)."""
        aig = Aig()
        aig.nvars = self.aig.nvars  # keep every variable number: latches and inputs are not renumbered
        lit_map: dict[int, int] = {TRUE: TRUE}
        lit_map.update(consts)

        def m(lit: int) -> int:
            got = lit_map.get(abs(lit), abs(lit))
            return got if lit > 0 else -got

        for o, a, b in self.aig.gates:
            lit_map[o] = aig.and_(m(a), m(b))
        self.aig = aig
        self.next = {x: m(n) for x, n in self.next.items() if x not in consts}
        self.init_general = [g for g in (m(g) for g in self.init_general) if g != TRUE]
        self.bad = m(self.bad)
        self.constraint = m(self.constraint)
        self.latches = [x for x in self.latches if x not in consts]

    # -------------------------------------------------------- evidence
    def initiation_units(self) -> dict[int, bool]:
        latches = set(self.latches)
        return {x: v for x, v in self.init.items() if x in latches}

    def lemma_term(self, cube: Cube) -> Term:
        """The clause ``not cube`` as a word-level term over the original state variables."""
        parts = []
        for (var, index), (mask, value) in _group(self.origin, cube).items():
            word = _word(var, index)
            w = word.width
            if mask == (1 << w) - 1:
                parts.append(T.ne(word, T.const(value, w)))
            else:
                parts.append(T.ne(T.and_(word, T.const(mask, w)), T.const(value, w)))
        return T.or_all(parts)

    def equivalence_terms(self) -> list[Term]:
        """The merged latches' facts as word-level equalities, whole words or bit ranges where they line up."""
        runs: dict[tuple, list[tuple[int, int]]] = {}
        for x, lit in self.equivalences.items():
            a, b = self.origin[x], self.origin[abs(lit)]
            runs.setdefault((a.var, a.index, b.var, b.index, lit < 0), []).append((a.bit, b.bit))
        out = []
        for (va, ia, vb, ib, neg), bits in runs.items():
            wa, wb = _word(va, ia), _word(vb, ib)
            bits.sort()
            start = 0
            for j in range(1, len(bits) + 1):  # maximal runs where both bit positions step by one
                if j < len(bits) and bits[j][0] == bits[j - 1][0] + 1 and bits[j][1] == bits[j - 1][1] + 1:
                    continue
                (lo_a, lo_b), (hi_a, hi_b) = bits[start], bits[j - 1]
                left = wa if (lo_a, hi_a) == (0, wa.width - 1) else T.extract(wa, hi_a, lo_a)
                right = wb if (lo_b, hi_b) == (0, wb.width - 1) else T.extract(wb, hi_b, lo_b)
                out.append(T.eq(left, T.not_(right) if neg else right))
                start = j
        return out

    def constant_terms(self) -> list[Term]:
        """The constant-latch facts as word-level terms (``(x & mask) == value`` per word)."""
        cube = tuple(x if v else -x for x, v in self.constants.items())
        out = []
        for (var, index), (mask, value) in _group(self.origin, cube).items():
            word = _word(var, index)
            w = word.width
            if mask == (1 << w) - 1:
                out.append(T.eq(word, T.const(value, w)))
            else:
                out.append(T.eq(T.and_(word, T.const(mask, w)), T.const(value, w)))
        return out

    def trace_frames(self, system: TransitionSystem, state0: dict[int, bool],
                     inputs: Sequence[dict[int, bool]]) -> list[dict[str, Value]]:
        """Trace frames: frame 0 holds the uninitialised state bits and inputs, later frames inputs.

        States without a next function take their value in frame j+1 from the
        free-next inputs of frame j. Bits outside the cone are 0; the trace is
        completed (every other state recomputed) by ``replay.complete_trace``.
        """
        frames: list[dict[str, Value]] = [{} for _ in inputs]
        state0 = dict(state0)
        for x, lit in self.equivalences.items():   # merged latches start as their representatives
            if abs(lit) in state0:
                state0[x] = state0[abs(lit)] != (lit < 0)
        for x, v in self.constants.items():
            state0.setdefault(x, v)
        for x, b in state0.items():
            o = self.origin.get(x)
            # states with an initial value are left to the replay, which computes them whole (bits
            # outside the cone or constant were never latches here)
            if o is not None and o.var in system.states and o.var not in system.init:
                _set_bit(frames[0], o, b)
        free_inverse = {n: c for c, n in self.free_next.items()}
        input_set = set(system.inputs)
        for j, assignment in enumerate(inputs):
            for x, b in assignment.items():
                o = self.origin.get(x)
                if o is None:
                    continue
                if x in free_inverse:
                    if j + 1 < len(frames):
                        _set_bit(frames[j + 1], o, b)
                elif o.var in input_set:
                    _set_bit(frames[j], o, b)
        for j, frame in enumerate(frames):
            for v in system.inputs:
                frame.setdefault(v.name, 0 if isinstance(v.sort, BV) else ArrayValue(0))
        return frames


def _flat(value: object) -> list[int]:
    """Bits of a blasted value: a bit list, or the element bit lists of an array concatenated."""
    if value and isinstance(value[0], list):  # type: ignore[index]
        return [b for elem in value for b in elem]  # type: ignore[union-attr]
    return list(value)  # type: ignore[call-overload]


def _record(origin: dict[int, BitOrigin], v: Term, bits: object) -> None:
    if isinstance(v.sort, Array):
        for j, elem in enumerate(bits):  # type: ignore[arg-type]
            for i, b in enumerate(elem):
                origin[b] = BitOrigin(v, j, i)
    else:
        for i, b in enumerate(bits):  # type: ignore[arg-type]
            origin[b] = BitOrigin(v, None, i)


def _word(var: Term, index: int | None) -> Term:
    if index is None:
        return var
    return T.read(var, T.const(index, var.sort.index_width))


def _group(origin: dict[int, BitOrigin], cube: Iterable[int]) -> dict[tuple[Term, int | None], tuple[int, int]]:
    """Cube literals grouped per word: (mask of constrained bits, their values)."""
    groups: dict[tuple[Term, int | None], tuple[int, int]] = {}
    for lit in cube:
        o = origin[abs(lit)]
        key = (o.var, o.index)
        mask, value = groups.get(key, (0, 0))
        groups[key] = (mask | 1 << o.bit, value | (1 << o.bit if lit > 0 else 0))
    return groups


def _set_bit(frame: dict[str, Value], o: BitOrigin, b: bool) -> None:
    name = o.var.name
    if o.index is None:
        frame[name] = int(frame.get(name, 0)) | (int(b) << o.bit)  # type: ignore[arg-type]
        return
    arr = frame.get(name)
    if not isinstance(arr, ArrayValue):
        arr = ArrayValue(0)
    frame[name] = arr.write(o.index, arr.read(o.index) | (int(b) << o.bit))
