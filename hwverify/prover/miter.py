"""Miters: two transition systems side by side, asserting that they agree.

``build_miter(sys_a, sys_b, outputs=[...])`` renames every variable of
``sys_a`` to ``a.<name>`` and of ``sys_b`` to ``b.<name>``, then joins them:

* inputs with the same name and sort in both become one shared input
  ``<name>``; inputs of one side only stay free (``a.x`` / ``b.x``);
* states keep their own init and next terms; a state without an initial
  value in ``sys_b`` whose namesake in ``sys_a`` has none either starts equal
  to it (``init(b.r) = a.r``), so registers free at step 0 are free *together*.
  A state matches by its own name or, when that is unknown to the other
  system, by the name of the signal that reads it through an asynchronous
  reset (``acc = ite(rst_n, state11, 0)``, the shape ``async2sync`` leaves,
  where BTOR2 from elsewhere has no name for the register; see ``register_aliases``);
  the free contents a partial memory initialisation writes over (``init_bases``)
  start equal when the memories themselves correspond;
* the constraints of both systems hold in every cycle;
* the properties of the two systems are dropped; the miter asserts, for each
  compared name ``o``, ``a.o == b.o`` (named ``o``).

``match="outputs"`` compares the names in ``outputs`` (port names, found in
both systems' ``signals``); ``match="signals"`` compares every non-input
signal name the two systems share (outputs, and registers that correspond by
name). A FAIL of the miter is a cycle where the two systems differ; its trace
names both sides' variables (``a.*``, ``b.*``) and the shared inputs.
``miter.register_pairs`` lists the corresponding registers that start equal
(free together, or the same initial term): their equality is the natural
strengthening for an induction proof.
The equivalence engine builds on this; until then k-induction or BMC prove it.
"""
from __future__ import annotations

from typing import Sequence

from hwverify.errors import ProverError
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term

__all__ = ["build_miter", "register_aliases", "init_bases", "Miter"]


class Miter(TransitionSystem):
    """A miter system, remembering which names were compared and which registers start together."""

    compared: list[str]
    shared_inputs: list[str]
    shared_inits: list[str]
    register_pairs: list[tuple[Term, Term]]   # (a.r, b.r) corresponding states that start equal


def _renamer(system: TransitionSystem, prefix: str, shared: dict[str, Term]) -> dict[Term, Term]:
    mapping: dict[Term, Term] = {}
    for v in system.inputs:
        mapping[v] = shared.get(v.name) or T.var(f"{prefix}{v.name}", v.sort)
    for v in system.states:
        mapping[v] = T.var(f"{prefix}{v.name}", v.sort)
    return mapping


def register_aliases(system: TransitionSystem) -> dict[str, list[str]]:
    """State name -> the signals that show it through a reset mux (``n = ite(c, s, const)``), sorted."""
    states = set(system.states)
    var_names = {v.name for v in system.variables}
    found: dict[str, set[str]] = {}
    for n, t in system.signals.items():
        if t.op != "ite" or n in var_names:
            continue
        _, x, y = t.args
        for s, other in ((x, y), (y, x)):
            if s in states and other.op == "const":
                found.setdefault(s.name, set()).add(n)
    return {s: sorted(ns) for s, ns in found.items()}


def init_bases(system: TransitionSystem) -> dict[Term, Term]:
    """State -> the free state its initial value writes words over (``write(write(base, ..), ..)``).

    The shape of a partially initialised memory (``$readmemh`` setting some
    words) in both Verilog frontends: the words left unset are ``base``'s, free.
    """
    states = set(system.states)
    out: dict[Term, Term] = {}
    for s, t in system.init.items():
        if t.op != "write":
            continue
        while t.op == "write":
            t = t.args[0]
        if t in states and t not in system.init:
            out[s] = t
    return out


def build_miter(sys_a: TransitionSystem, sys_b: TransitionSystem, match: str = "outputs",
                outputs: Sequence[str] | None = None, name: str | None = None) -> Miter:
    """The miter of ``sys_a`` and ``sys_b``: shared inputs, and one assertion per compared name."""
    if match == "outputs":
        if outputs is None:
            raise ProverError("build_miter(match='outputs') needs the output names (outputs=[...])")
        compared = list(outputs)
    elif match == "signals":
        inputs = {v.name for v in sys_a.inputs + sys_b.inputs}
        compared = sorted((set(sys_a.signals) & set(sys_b.signals)) - inputs)
    else:
        raise ProverError(f"match must be 'outputs' or 'signals', not {match!r}")
    for n in compared:
        for side, s in (("first", sys_a), ("second", sys_b)):
            if n not in s.signals:
                raise ProverError(f"the {side} system ({s.name}) has no signal {n!r} to compare")
        if sys_a.signals[n].sort != sys_b.signals[n].sort:
            raise ProverError(f"signal {n!r} is {sys_a.signals[n].sort} in {sys_a.name} "
                              f"but {sys_b.signals[n].sort} in {sys_b.name}")

    m = Miter(name=name or f"miter({sys_a.name},{sys_b.name})")
    b_inputs = {v.name: v for v in sys_b.inputs}
    shared: dict[str, Term] = {}
    for v in sys_a.inputs:
        other = b_inputs.get(v.name)
        if other is not None and other.sort == v.sort:
            shared[v.name] = m.add_input(v.name, v.sort)
    map_a = _renamer(sys_a, "a.", shared)
    map_b = _renamer(sys_b, "b.", shared)
    for sys_x, mapping in ((sys_a, map_a), (sys_b, map_b)):
        for v in sys_x.inputs:
            if v.name not in shared:
                m.add_input(mapping[v].name, v.sort)
        for v in sys_x.states:
            m.add_state(mapping[v].name, v.sort)
    cache_a: dict[Term, Term] = {}
    cache_b: dict[Term, Term] = {}

    def ra(t: Term) -> Term:
        return T.substitute_all([t], map_a, cache_a)[0]

    def rb(t: Term) -> Term:
        return T.substitute_all([t], map_b, cache_b)[0]

    a_states = {v.name: v for v in sys_a.states}
    for old, aliases in register_aliases(sys_a).items():
        for alias in aliases:
            a_states.setdefault(alias, a_states[old])
    b_alias = register_aliases(sys_b)
    shared_inits = []
    pairs: list[tuple[Term, Term]] = []
    for sys_x, r, mapping in ((sys_a, ra, map_a), (sys_b, rb, map_b)):
        for s, t in sys_x.init.items():
            m.set_init(mapping[s], r(t))
        for s, t in sys_x.next.items():
            m.set_next(mapping[s], r(t))
        for c in sys_x.constraints:
            m.add_constraint(r(c))
    twins: dict[Term, Term] = {}
    for s in sys_b.states:
        twin = a_states.get(s.name)
        if twin is None:
            candidates = {a_states[n] for n in b_alias.get(s.name, []) if n in a_states}
            twin = candidates.pop() if len(candidates) == 1 else None
        if twin is not None:
            twins[s] = twin
    bases_a = init_bases(sys_a)
    for s, base_b in init_bases(sys_b).items():   # free contents under partial memory inits
        twin = twins.get(s)
        base_a = bases_a.get(twin) if twin is not None else None
        if base_a is not None:
            twins.setdefault(base_b, base_a)
    for s in sys_b.states:
        twin = twins.get(s)
        if s not in sys_b.init and twin is not None and twin not in sys_a.init and twin.sort == s.sort:
            m.set_init(map_b[s], map_a[twin])
            shared_inits.append(s.name)
            pairs.append((map_a[twin], map_b[s]))
    # corresponding states with initial values that are the same term once the shared free states are
    # identified (``initial count = 0`` on both sides; a memory's file words over paired free contents)
    same = {b: a for a, b in pairs}
    for s in sys_b.states:
        twin = twins.get(s)
        if (twin is not None and s in sys_b.init and twin in sys_a.init and twin.sort == s.sort
                and T.substitute(rb(sys_b.init[s]), same) is ra(sys_a.init[twin])):
            pairs.append((map_a[twin], map_b[s]))
    for n in compared:
        m.add_assert(n, T.eq(ra(sys_a.signals[n]), rb(sys_b.signals[n])))
    for n, t in sys_a.signals.items():
        m.signals.setdefault(f"a.{n}", ra(t))
    for n, t in sys_b.signals.items():
        m.signals.setdefault(f"b.{n}", rb(t))
    m.compared = compared
    m.shared_inputs = sorted(shared)
    m.shared_inits = shared_inits
    m.register_pairs = pairs
    m.notes.append(f"miter of {sys_a.name} (a.*) and {sys_b.name} (b.*): {len(shared)} shared inputs, "
                   f"{len(shared_inits)} registers starting equal, {len(compared)} compared signals")
    return m
