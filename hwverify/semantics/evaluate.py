"""Concrete evaluation of terms and fast simulation of transition systems.

Two evaluators that must always agree, because the kernel replays traces in
one and the engines cross-check solvers against the other:

* ``evaluate`` / ``evaluate_many``: a small reference interpreter that walks
  the DAG iteratively and applies ``bvops`` (the single definition of the
  bit-vector semantics, shared with constant folding).
* ``compile_terms``: generates straight-line Python for a DAG (one local per
  node, masks inlined as literals, ``bvops`` calls for division, remainder and
  variable shifts) and compiles it once; the result is cached.

``CompiledSystem`` builds on the compiler to simulate a ``TransitionSystem``:
dict-based ``step``/``observe`` for replay and debugging, ``simulate`` for
random testing with property checks, and ``run_fast``, a whole simulation loop
compiled into one function over locals, for throughput (>= 100k cycles/s on
small designs).

Values are ints (unsigned, reduced modulo ``2**width``) for bit-vectors and
``ArrayValue`` for arrays; array equality is extensional (see
``array_equal``). Every SMT-LIB corner case (division by zero, shifts by at
least the width) comes from ``bvops``, so all paths share one definition.
"""
from __future__ import annotations

import itertools
import random
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from hwverify.errors import SemanticsError
from hwverify.semantics import bvops
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Array, BV, Sort, Term
from hwverify.semantics.trace import Trace
from hwverify.semantics.values import ArrayValue, Value

__all__ = [
    "evaluate", "evaluate_many", "compile_terms", "array_equal", "check_value",
    "default_value", "random_value", "CompiledSystem", "Observation", "SimulationResult",
]


# ------------------------------------------------------------------ values
def array_equal(a: ArrayValue, b: ArrayValue, index_width: int) -> bool:
    """Extensional equality of two arrays over ``index_width``-bit indices.

    ``ArrayValue.__eq__`` cannot see the index width, so it calls an array
    whose entries cover every index different from a constant array with the
    same contents; SMT-LIB (and so every solver) calls them equal.
    """
    if a.default == b.default:
        return a.entries == b.entries
    keys = a.entries.keys() | b.entries.keys()
    if len(keys) < 1 << index_width:
        return False  # some index reads the two (different) defaults
    return all(a.read(i) == b.read(i) for i in keys)


def check_value(var: Term, value: object) -> Value:
    """Return ``value`` if it is a valid value of ``var``'s sort, else raise naming ``var``."""
    sort = var.sort
    if isinstance(sort, BV):
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, int) and value >= 0 and value >> sort.width == 0:
            return value
        raise SemanticsError(
            f"value of {var.params[0]!r} must be an integer in [0, 2**{sort.width}), not {value!r}")
    if isinstance(value, ArrayValue):
        return value
    raise SemanticsError(f"value of {var.params[0]!r} must be an ArrayValue ({sort}), not {value!r}")


def default_value(sort: Sort) -> Value:
    """The value a variable takes when nobody chose one: zero (arrays: all zeros)."""
    return 0 if isinstance(sort, BV) else ArrayValue(0)


def random_value(sort: Sort, rng: random.Random) -> Value:
    """A uniformly random bit-vector; for arrays a random default and no entries."""
    if isinstance(sort, BV):
        return rng.getrandbits(sort.width)
    return ArrayValue(rng.getrandbits(sort.elem_width))


# ----------------------------------------------------- reference interpreter
def _mask_of(node: Term) -> int:
    return bvops.mask(node.sort.width)


def _arg_width(node: Term) -> int:
    return node.args[0].sort.width


def _ev_eq(node: Term, a: list) -> int:
    sort = node.args[0].sort
    if isinstance(sort, Array):
        return int(array_equal(a[0], a[1], sort.index_width))
    return int(a[0] == a[1])


def _ev_sext(node: Term, a: list) -> int:
    return bvops.sext(a[0], _arg_width(node), node.params[0])


def _binary_bvops(fn: Callable[[int, int, int], int]) -> Callable[[Term, list], int]:
    return lambda node, a: fn(a[0], a[1], _arg_width(node))


_EVAL: dict[str, Callable[[Term, list], Value]] = {
    "const": lambda node, a: node.params[0],
    "not": lambda node, a: a[0] ^ _mask_of(node),
    "neg": lambda node, a: bvops.neg(a[0], node.sort.width),
    "redand": lambda node, a: int(a[0] == bvops.mask(_arg_width(node))),
    "redor": lambda node, a: int(a[0] != 0),
    "redxor": lambda node, a: bvops.redxor(a[0]),
    "and": lambda node, a: a[0] & a[1],
    "or": lambda node, a: a[0] | a[1],
    "xor": lambda node, a: a[0] ^ a[1],
    "add": lambda node, a: (a[0] + a[1]) & _mask_of(node),
    "sub": lambda node, a: (a[0] - a[1]) & _mask_of(node),
    "mul": lambda node, a: (a[0] * a[1]) & _mask_of(node),
    "udiv": _binary_bvops(bvops.udiv),
    "urem": _binary_bvops(bvops.urem),
    "sdiv": _binary_bvops(bvops.sdiv),
    "srem": _binary_bvops(bvops.srem),
    "smod": _binary_bvops(bvops.smod),
    "shl": _binary_bvops(bvops.shl),
    "lshr": _binary_bvops(bvops.lshr),
    "ashr": _binary_bvops(bvops.ashr),
    "ult": lambda node, a: int(a[0] < a[1]),
    "ule": lambda node, a: int(a[0] <= a[1]),
    "slt": _binary_bvops(bvops.slt),
    "sle": _binary_bvops(bvops.sle),
    "eq": _ev_eq,
    "concat": lambda node, a: a[0] << node.args[1].sort.width | a[1],
    "extract": lambda node, a: a[0] >> node.params[1] & _mask_of(node),
    "zext": lambda node, a: a[0],
    "sext": _ev_sext,
    "ite": lambda node, a: a[1] if a[0] else a[2],
    "read": lambda node, a: a[0].read(a[1]),
    "write": lambda node, a: a[0].write(a[1], a[2]),
    "const_array": lambda node, a: ArrayValue(a[0]),
}


def _lookup(var: Term, env: Mapping[Term, Value]) -> Value:
    try:
        value = env[var]
    except KeyError:
        raise SemanticsError(f"no value for variable {var.params[0]!r} ({var.sort})") from None
    return check_value(var, value)


def evaluate_many(terms: Sequence[Term], env: Mapping[Term, Value]) -> list[Value]:
    """Evaluate several terms under ``env`` (variable -> value), sharing one memo table."""
    memo: dict[Term, Value] = {}
    for node in T.postorder(terms):
        op = node.op
        if op == "var":
            memo[node] = _lookup(node, env)
            continue
        handler = _EVAL.get(op)
        if handler is None:
            raise SemanticsError(f"evaluate: unknown operator {op!r}")
        memo[node] = handler(node, [memo[a] for a in node.args])
    return [memo[t] for t in terms]


def evaluate(term: Term, env: Mapping[Term, Value]) -> Value:
    """Value of ``term`` when each variable takes its value in ``env``.

    The reference semantics: slow but simple, used for initial states and as
    the oracle the compiled code is tested against.
    """
    return evaluate_many([term], env)[0]


# --------------------------------------------------------------- compiler
_GLOBALS: dict[str, object] = {
    "_udiv": bvops.udiv, "_urem": bvops.urem, "_sdiv": bvops.sdiv, "_srem": bvops.srem,
    "_smod": bvops.smod, "_shl": bvops.shl, "_lshr": bvops.lshr, "_ashr": bvops.ashr,
    "_ArrayValue": ArrayValue, "_array_equal": array_equal,
}
_CALLED = ("udiv", "urem", "sdiv", "srem", "smod", "shl", "lshr", "ashr")


def _hx(n: int) -> str:
    return hex(n)


def _em_call(node: Term, a: list[str]) -> str:
    return f"_{node.op}({a[0]}, {a[1]}, {_arg_width(node)})"


def _em_shift(node: Term, a: list[str]) -> str:
    """Inline shifts by a constant amount (the common case in RTL); call bvops otherwise."""
    amount, w = node.args[1], node.sort.width
    if amount.op != "const" or node.op == "ashr":
        return _em_call(node, a)
    k = amount.value
    if k >= w:
        return "0"
    if node.op == "shl":
        return f"({a[0]} << {k}) & {_hx(bvops.mask(w))}"
    return f"{a[0]} >> {k}"


def _em_signed_cmp(node: Term, a: list[str]) -> str:
    # Flipping the sign bit maps two's-complement order onto unsigned order.
    s = _hx(1 << (_arg_width(node) - 1))
    rel = "<" if node.op == "slt" else "<="
    return f"1 if ({a[0]} ^ {s}) {rel} ({a[1]} ^ {s}) else 0"


def _em_eq(node: Term, a: list[str]) -> str:
    sort = node.args[0].sort
    if isinstance(sort, Array):
        return f"1 if _array_equal({a[0]}, {a[1]}, {sort.index_width}) else 0"
    return f"1 if {a[0]} == {a[1]} else 0"


def _em_extract(node: Term, a: list[str]) -> str:
    hi, lo = node.params
    if hi == _arg_width(node) - 1:
        return f"{a[0]} >> {lo}"
    m = _hx(bvops.mask(hi - lo + 1))
    return f"{a[0]} & {m}" if lo == 0 else f"({a[0]} >> {lo}) & {m}"


def _em_sext(node: Term, a: list[str]) -> str:
    w = _arg_width(node)
    ext = _hx(bvops.mask(node.params[0]) << w)
    return f"{a[0]} | {ext} if {a[0]} >> {w - 1} else {a[0]}"


def _m(node: Term) -> str:
    return _hx(bvops.mask(node.sort.width))


_EMIT: dict[str, Callable[[Term, list[str]], str]] = {
    "not": lambda n, a: f"{a[0]} ^ {_m(n)}",
    "neg": lambda n, a: f"-{a[0]} & {_m(n)}",
    "redand": lambda n, a: f"1 if {a[0]} == {_hx(bvops.mask(_arg_width(n)))} else 0",
    "redor": lambda n, a: f"1 if {a[0]} else 0",
    "redxor": lambda n, a: f"({a[0]}).bit_count() & 1",
    "and": lambda n, a: f"{a[0]} & {a[1]}",
    "or": lambda n, a: f"{a[0]} | {a[1]}",
    "xor": lambda n, a: f"{a[0]} ^ {a[1]}",
    "add": lambda n, a: f"({a[0]} + {a[1]}) & {_m(n)}",
    "sub": lambda n, a: f"({a[0]} - {a[1]}) & {_m(n)}",
    "mul": lambda n, a: f"({a[0]} * {a[1]}) & {_m(n)}",
    **{op: _em_call for op in ("udiv", "urem", "sdiv", "srem", "smod")},
    **{op: _em_shift for op in ("shl", "lshr", "ashr")},
    "ult": lambda n, a: f"1 if {a[0]} < {a[1]} else 0",
    "ule": lambda n, a: f"1 if {a[0]} <= {a[1]} else 0",
    "slt": _em_signed_cmp,
    "sle": _em_signed_cmp,
    "eq": _em_eq,
    "concat": lambda n, a: f"({a[0]} << {n.args[1].sort.width}) | {a[1]}",
    "extract": _em_extract,
    "sext": _em_sext,
    "ite": lambda n, a: f"{a[1]} if {a[0]} else {a[2]}",
    "read": lambda n, a: f"{a[0]}.read({a[1]})",
    "write": lambda n, a: f"{a[0]}.write({a[1]}, {a[2]})",
    "const_array": lambda n, a: f"_ArrayValue({a[0]})",
}
# Handled inline by the code generator: leaves, and zext (an alias: same int).
_INLINE = ("const", "var", "zext")

_missing = (set(T.ALL_OPS) - set(_EVAL) - {"var"}) | (set(T.ALL_OPS) - set(_EMIT) - set(_INLINE))
if _missing:  # pragma: no cover - guards against an operator added to terms.py only
    raise SemanticsError(f"evaluate.py has no semantics for operators {sorted(_missing)}")


class _Codegen:
    """Straight-line statements for a term DAG: one local per node, leaves inlined."""

    def __init__(self, bindings: Mapping[Term, str]):
        self.names: dict[Term, str] = dict(bindings)
        self.lines: list[str] = []
        self.namespace: dict[str, object] = dict(_GLOBALS)
        self._count = itertools.count()

    def emit(self, roots: Sequence[Term]) -> list[str]:
        """Append statements computing every node of ``roots``; return the roots' expressions."""
        for node in T.postorder(roots):
            if node in self.names:
                continue
            op = node.op
            if op == "var":
                raise SemanticsError(f"compile: variable {node.params[0]!r} is not among the given variables")
            if op == "const":
                self.names[node] = str(node.params[0])
            elif op == "zext":
                self.names[node] = self.names[node.args[0]]
            elif op == "const_array" and node.args[0].op == "const":
                self.names[node] = self._global(ArrayValue(node.args[0].params[0]))
            else:
                emitter = _EMIT.get(op)
                if emitter is None:
                    raise SemanticsError(f"compile: unknown operator {op!r}")
                name = f"_t{next(self._count)}"
                self.lines.append(f"{name} = {emitter(node, [self.names[a] for a in node.args])}")
                self.names[node] = name
        return [self.names[r] for r in roots]

    def _global(self, value: object) -> str:
        name = f"_k{next(self._count)}"
        self.namespace[name] = value
        return name


def _var_names(variables: Sequence[Term], prefix: str = "_v") -> dict[Term, str]:
    names: dict[Term, str] = {}
    for i, v in enumerate(variables):
        if not isinstance(v, Term) or v.op != "var":
            raise SemanticsError(f"compile: expected a variable, not {v!r}")
        if v in names:
            raise SemanticsError(f"compile: variable {v.params[0]!r} given twice")
        names[v] = f"{prefix}{i}"
    return names


def _unpack(names: Sequence[str], source: str) -> str:
    """A statement unpacking ``source`` into ``names`` (nothing when there are none)."""
    if not names:
        return ""
    return f"{', '.join(names)}, = {source}"


def _tuple(exprs: Sequence[str]) -> str:
    return "(" + "".join(f"{e}, " for e in exprs) + ")"


def _build(source: str, namespace: dict[str, object], name: str) -> Callable:
    code = compile(source, f"<hwverify-generated {name}>", "exec")
    exec(code, namespace)
    fn = namespace[name]
    fn.source = source  # type: ignore[attr-defined]  # for debugging and tests
    return fn  # type: ignore[return-value]


_CACHE: "OrderedDict[tuple, Callable]" = OrderedDict()
_CACHE_SIZE = 256


def compile_terms(terms: Sequence[Term], variables: Sequence[Term]
                  ) -> Callable[[Sequence[Value]], tuple[Value, ...]]:
    """Compile ``terms`` into a function from variable values to term values.

    The returned function takes one sequence with a value for each of
    ``variables`` (in that order) and returns a tuple with the value of each
    term. Results are cached by the identity of ``terms`` and ``variables``
    (identity is structure for hash-consed terms). Values are not checked:
    callers validate at their boundary (see ``check_value``).
    """
    key = (tuple(terms), tuple(variables))
    fn = _CACHE.get(key)
    if fn is not None:
        _CACHE.move_to_end(key)
        return fn
    gen = _Codegen(_var_names(variables))
    results = gen.emit(key[0])
    body = [_unpack([gen.names[v] for v in variables], "_vals")] + gen.lines
    source = "def _compiled(_vals):\n" + "".join(f"    {line}\n" for line in body if line)
    source += f"    return {_tuple(results)}\n"
    fn = _build(source, gen.namespace, "_compiled")
    _CACHE[key] = fn
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return fn


# ------------------------------------------------------------ simulation
@dataclass
class Observation:
    """What holds in one cycle: constraints, each assertion and cover, every named signal."""

    constraints_ok: bool
    asserts: dict[str, bool]
    covers: dict[str, bool]
    signals: dict[str, Value]


@dataclass
class SimulationResult:
    """Outcome of ``CompiledSystem.simulate``.

    Cycle ``k`` observes state ``k`` with the inputs of cycle ``k``. Assertion
    failures and cover hits only count while every constraint has held from
    cycle 0 up to and including that cycle (as in BTOR2/SBY): a stimulus that
    breaks an assumption yields no counterexample, only
    ``constraint_violated_at``.
    """

    cycles: int = 0
    failure: tuple[int, str] | None = None
    failures: dict[str, int] = field(default_factory=dict)
    covers_hit: dict[str, int] = field(default_factory=dict)
    constraint_violated_at: list[int] = field(default_factory=list)
    states: list[dict[str, Value]] = field(default_factory=list)
    inputs: list[dict[str, Value]] = field(default_factory=list)
    # the state after the last cycle; when stopped on a failure, the failing cycle's state
    final_state: dict[str, Value] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.failure is None

    def to_trace(self, prop: str | None = None) -> Trace:
        """The recorded frames up to the failure of ``prop`` (default: the first failure) or its cover hit."""
        if not self.states:
            raise SemanticsError("simulation was run with record=False: no frames to make a trace of")
        if prop is None:
            if self.failure is None:
                raise SemanticsError("no assertion failed: name the cover to make a trace of")
            prop = self.failure[1]
        if prop in self.failures:
            last, kind = self.failures[prop], "assert"
        elif prop in self.covers_hit:
            last, kind = self.covers_hit[prop], "cover"
        else:
            raise SemanticsError(f"property {prop!r} neither failed nor was covered in this simulation")
        frames = [{**self.inputs[k], **self.states[k]} for k in range(last + 1)]
        return Trace(prop, kind, frames)


class CompiledSystem:
    """A transition system compiled for concrete simulation.

    Variable order everywhere is ``system.states`` then ``system.inputs``.
    States without a next-state term are free in every cycle: their next value
    comes with the inputs (``free_state_names``); in ``run_fast`` input tuples
    hold the inputs followed by those states' next values (``fast_input_names``).
    Compile once the system is complete: later changes to it are not seen.
    """

    def __init__(self, system: TransitionSystem):
        self.system = system
        self._states: list[Term] = list(system.states)
        self._inputs: list[Term] = list(system.inputs)
        self._variables: list[Term] = self._states + self._inputs
        self.state_names: list[str] = [s.params[0] for s in self._states]
        self.input_names: list[str] = [i.params[0] for i in self._inputs]
        self._stepped = [s for s in self._states if s in system.next]
        self._free = [s for s in self._states if s not in system.next]
        self.free_state_names: list[str] = [s.params[0] for s in self._free]
        self.fast_input_names: list[str] = self.input_names + self.free_state_names
        self._next_terms = [system.next[s] for s in self._stepped]
        self._constraint = T.and_all(system.constraints)
        self._assert_names = [p.name for p in system.asserts]
        self._cover_names = [p.name for p in system.covers]
        self._signal_names = list(system.signals)
        self._prop_terms = [self._constraint] + [p.term for p in system.asserts] + [p.term for p in system.covers]
        self._signal_terms = [system.signals[n] for n in self._signal_names]

    # ------------------------------------------------ compiled functions
    @cached_property
    def _next_fn(self) -> Callable[[Sequence[Value]], tuple[Value, ...]]:
        return compile_terms(self._next_terms, self._variables)

    @cached_property
    def _observe_fn(self) -> Callable[[Sequence[Value]], tuple[Value, ...]]:
        return compile_terms(self._prop_terms + self._signal_terms, self._variables)

    @cached_property
    def _cycle_fn(self) -> Callable[[Sequence[Value]], tuple[Value, ...]]:
        """Properties then next values, sharing sub-terms: one call per simulated cycle."""
        return compile_terms(self._prop_terms + self._next_terms, self._variables)

    @cached_property
    def _run_fn(self) -> Callable[..., tuple[Value, ...]]:
        """The whole simulation loop as one function over locals (see ``run_fast``)."""
        state_names = _var_names(self._states, "_s")
        gen = _Codegen({**state_names, **_var_names(self._inputs, "_i")})
        results = gen.emit(self._next_terms)
        free_next = [f"_f{i}" for i in range(len(self._free))]
        unpack = _unpack([gen.names[i] for i in self._inputs] + free_next, "_inp")
        lines = [unpack] + gen.lines
        targets = [state_names[s] for s in self._stepped] + [state_names[s] for s in self._free]
        if targets:
            lines.append(f"{', '.join(targets)}, = {_tuple(results + free_next)}")
        params = "".join(f", {state_names[s]}" for s in self._states)
        body = [line for line in lines if line] or ["pass"]
        source = (f"def _run(_it{params}):\n    for _inp in _it:\n"
                  + "".join(f"        {line}\n" for line in body)
                  + f"    return {_tuple([state_names[s] for s in self._states])}\n")
        return _build(source, gen.namespace, "_run")

    # ------------------------------------------------------ value plumbing
    def _state_tuple(self, state: Mapping[str, Value]) -> tuple[Value, ...]:
        values = []
        for s, name in zip(self._states, self.state_names):
            if name not in state:
                raise SemanticsError(f"no value for state {name!r}")
            values.append(check_value(s, state[name]))
        return tuple(values)

    def _input_tuple(self, inputs: Mapping[str, Value]) -> tuple[Value, ...]:
        values = []
        for i, name in zip(self._inputs, self.input_names):
            if name not in inputs:
                raise SemanticsError(f"no value for input {name!r}")
            values.append(check_value(i, inputs[name]))
        return tuple(values)

    def _free_next(self, inputs: Mapping[str, Value]) -> list[Value]:
        return [check_value(s, inputs[n]) if n in inputs else default_value(s.sort)
                for s, n in zip(self._free, self.free_state_names)]

    def _next_dict(self, stepped: Iterable[Value], free: Iterable[Value]) -> dict[str, Value]:
        out = dict(zip((s.params[0] for s in self._stepped), stepped))
        out.update(zip(self.free_state_names, free))
        return {n: out[n] for n in self.state_names}

    # ------------------------------------------------------ initial state
    def initial_state(self, free: Mapping[str, Value] | None = None,
                      rng: random.Random | None = None) -> dict[str, Value]:
        """The initial state: init terms evaluated, other states from ``free``, ``rng`` or 0.

        Init terms may read other states and are evaluated in dependency
        order; a cycle among them is an error. Only states without an init
        term are read from ``free``; other names in it (inputs, states with an
        init term) are ignored, so a whole trace frame can be passed and the
        caller compares the result with it.
        """
        free = free or {}
        chosen = {n: free[n] for s, n in zip(self._states, self.state_names)
                  if n in free and s not in self.system.init}
        return self._initial(chosen, rng)

    def _initial(self, given: Mapping[str, Value], rng: random.Random | None) -> dict[str, Value]:
        """Initial state where states in ``given`` take that value (even over their init term)."""
        env: dict[Term, Value] = {}
        for s, name in zip(self._states, self.state_names):
            if name in given:
                env[s] = check_value(s, given[name])
            elif s not in self.system.init:
                env[s] = random_value(s.sort, rng) if rng is not None else default_value(s.sort)
        for s in self._init_order(set(env)):
            env[s] = evaluate(self.system.init[s], env)
        return {name: env[s] for s, name in zip(self._states, self.state_names)}

    def _init_order(self, known: set[Term]) -> list[Term]:
        """States with init terms still to evaluate, each after the states its init reads."""
        pending = [s for s in self._states if s in self.system.init and s not in known]
        deps: dict[Term, list[Term]] = {}
        for s in pending:
            deps[s] = []
            for v in T.free_vars([self.system.init[s]]):
                if v in self._inputs:
                    raise SemanticsError(f"initial value of {s.params[0]!r} mentions input {v.params[0]!r}")
                if v not in known and v in self.system.init:
                    deps[s].append(v)
                elif v not in known:
                    raise SemanticsError(f"initial value of {s.params[0]!r} mentions unknown variable {v.params[0]!r}")
        return _topological(pending, deps)

    # ------------------------------------------------------------ stepping
    def step(self, state: Mapping[str, Value], inputs: Mapping[str, Value]) -> dict[str, Value]:
        """The next state from ``state`` under ``inputs`` (free states take ``inputs[name]`` or 0)."""
        values = self._state_tuple(state) + self._input_tuple(inputs)
        return self._next_dict(self._next_fn(values), self._free_next(inputs))

    def observe(self, state: Mapping[str, Value], inputs: Mapping[str, Value]) -> Observation:
        """Constraints, properties and every named signal in the cycle (``state``, ``inputs``)."""
        out = self._observe_fn(self._state_tuple(state) + self._input_tuple(inputs))
        na, nc = len(self._assert_names), len(self._cover_names)
        return Observation(
            constraints_ok=bool(out[0]),
            asserts={n: bool(v) for n, v in zip(self._assert_names, out[1:1 + na])},
            covers={n: bool(v) for n, v in zip(self._cover_names, out[1 + na:1 + na + nc])},
            signals=dict(zip(self._signal_names, out[1 + na + nc:])),
        )

    def random_inputs(self, rng: random.Random) -> dict[str, Value]:
        """Uniformly random values for every input and every free state's next value."""
        return {n: random_value(v.sort, rng)
                for v, n in zip(self._inputs + self._free, self.fast_input_names)}

    # ---------------------------------------------------------- simulation
    def simulate(self, cycles: int, rng: random.Random,
                 stimulus: Callable[[int], Mapping[str, Value]] | None = None,
                 initial: Mapping[str, Value] | None = None, *,
                 record: bool = True, stop_on_fail: bool = True) -> SimulationResult:
        """Simulate ``cycles`` cycles checking every assertion and cover.

        ``stimulus(k)`` gives some inputs (and free states' next values) for
        cycle ``k``; the rest are drawn from ``rng``. ``initial`` overrides
        states of the initial state (any state, e.g. to start from a
        counterexample to induction); the others are initialised as by
        ``initial_state(rng=rng)``.
        """
        state = self._state_tuple(self._initial(initial or {}, rng))
        result = SimulationResult()
        cycle_fn, n_in = self._cycle_fn, len(self._inputs)
        na, nc = len(self._assert_names), len(self._cover_names)
        first_next = 1 + na + nc
        valid = True
        for k in range(cycles):
            stim = self._stimulus_tuple(k, rng, stimulus)
            out = cycle_fn(state + stim[:n_in])
            result.cycles = k + 1
            if record:
                result.states.append(dict(zip(self.state_names, state)))
                result.inputs.append(dict(zip(self.input_names, stim[:n_in])))
            if not out[0]:
                result.constraint_violated_at.append(k)
                valid = False
            if valid:
                self._note_properties(k, out, result)
            if result.failure is not None and stop_on_fail:
                break
            state = self._assemble_state(out[first_next:], stim[n_in:])
        result.final_state = dict(zip(self.state_names, state))
        return result

    def _stimulus_tuple(self, k: int, rng: random.Random,
                        stimulus: Callable[[int], Mapping[str, Value]] | None) -> tuple[Value, ...]:
        given = stimulus(k) if stimulus is not None else {}
        return tuple(check_value(v, given[n]) if n in given else random_value(v.sort, rng)
                     for v, n in zip(self._inputs + self._free, self.fast_input_names))

    def _note_properties(self, k: int, out: tuple, result: SimulationResult) -> None:
        for i, name in enumerate(self._assert_names, 1):
            if not out[i] and name not in result.failures:
                result.failures[name] = k
                if result.failure is None:
                    result.failure = (k, name)
        for i, name in enumerate(self._cover_names, 1 + len(self._assert_names)):
            if out[i] and name not in result.covers_hit:
                result.covers_hit[name] = k

    @cached_property
    def _state_order(self) -> list[int]:
        """Where each state's next value sits in (stepped states' values + free states' values)."""
        where = {s: j for j, s in enumerate(self._stepped + self._free)}
        return [where[s] for s in self._states]

    def _assemble_state(self, stepped: Sequence[Value], free: Sequence[Value]) -> tuple[Value, ...]:
        combined = tuple(stepped) + tuple(free)
        return tuple([combined[j] for j in self._state_order])

    def run_fast(self, cycles: int, inputs: Sequence[tuple] | Callable[[int], tuple] | Iterable[tuple],
                 initial: Sequence[Value] | Mapping[str, Value] | None = None) -> tuple[Value, ...]:
        """Run ``cycles`` steps in one compiled loop; return the final state tuple.

        ``inputs`` is a sequence of tuples in ``fast_input_names`` order
        (reused cyclically when shorter than ``cycles``), an iterator of such
        tuples (the run stops early if it runs out) or a function from the
        cycle number to such a tuple. ``initial`` is a state tuple in
        ``state_names`` order or a state dict (default: ``initial_state()``).
        No properties are checked and input values are not validated: this is
        the throughput path.
        """
        if initial is None:
            initial = self._state_tuple(self.initial_state())
        elif isinstance(initial, Mapping):
            initial = self._state_tuple(initial)
        elif len(initial) != len(self._states):
            raise SemanticsError(f"run_fast: initial state needs {len(self._states)} values, got {len(initial)}")
        it = self._input_iterator(cycles, inputs)
        try:
            return self._run_fn(it, *initial)
        except ValueError as e:  # only tuple unpacking raises it in generated code
            raise SemanticsError(f"run_fast: input tuples must hold {len(self.fast_input_names)} values "
                                 f"({', '.join(self.fast_input_names)}): {e}") from None

    def _input_iterator(self, cycles: int, inputs: Sequence[tuple] | Callable[[int], tuple]) -> Iterator[tuple]:
        if callable(inputs):
            return map(inputs, range(cycles))
        if not hasattr(inputs, "__len__"):  # an iterator: take what it gives, up to ``cycles``
            return itertools.islice(inputs, cycles)
        if len(inputs) >= cycles:
            return itertools.islice(inputs, cycles)
        if not inputs:
            if self.fast_input_names:
                raise SemanticsError("run_fast: no input tuples given")
            return itertools.repeat((), cycles)
        return itertools.islice(itertools.cycle(inputs), cycles)


def _topological(nodes: list[Term], deps: Mapping[Term, list[Term]]) -> list[Term]:
    """Order ``nodes`` so each comes after its ``deps``; a cycle raises naming its states."""
    order: list[Term] = []
    state: dict[Term, int] = {}  # 1: on the current path, 2: done
    for root in nodes:
        if root in state:
            continue
        path: list[Term] = [root]
        iters: list[Iterator[Term]] = [iter(deps[root])]
        state[root] = 1
        while iters:
            child = next(iters[-1], None)
            if child is None:
                iters.pop()
                done = path.pop()
                state[done] = 2
                order.append(done)
            elif state.get(child) == 1:
                cycle = path[path.index(child):] + [child]
                raise SemanticsError("initial values depend on each other in a cycle: "
                                     + " -> ".join(s.params[0] for s in cycle))
            elif child not in state:
                state[child] = 1
                path.append(child)
                iters.append(iter(deps[child]))
    return order
