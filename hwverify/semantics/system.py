"""The word-level transition system every frontend lowers into.

A system has inputs (free every cycle), states (each with an optional initial
value and an optional next-state function; a state without ``next`` is free
in every cycle after the first), constraints that hold in every cycle, and
named properties with source locations. Assertions are stored as the *good*
condition (BTOR2's ``bad`` is its negation). One global clock is implicit:
each step of the system is one clock cycle.
"""
from __future__ import annotations

import copy as _copy

from dataclasses import dataclass, field
from typing import Iterable

from hwverify.errors import SemanticsError, SourceLoc
from hwverify.semantics import terms as T
from hwverify.semantics.terms import BV, Sort, Term


@dataclass(frozen=True)
class Property:
    """A named property: ``term`` must hold (assert) or be reachable (cover)."""

    name: str
    term: Term
    kind: str  # "assert" | "cover" | "justice"
    loc: SourceLoc | None = None


@dataclass
class TransitionSystem:
    """Inputs, states with init/next, constraints and properties over terms."""

    name: str = "top"
    inputs: list[Term] = field(default_factory=list)
    states: list[Term] = field(default_factory=list)
    init: dict[Term, Term] = field(default_factory=dict)
    next: dict[Term, Term] = field(default_factory=dict)
    constraints: list[Term] = field(default_factory=list)
    asserts: list[Property] = field(default_factory=list)
    covers: list[Property] = field(default_factory=list)
    justice: list[Property] = field(default_factory=list)
    signals: dict[str, Term] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # the design's output ports (names in ``signals``), as the frontend saw them; empty when unknown
    # (BTOR2 cannot tell ports from other named signals). Equivalence checks compare these by default.
    outputs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the name/state indexes; call after editing the lists directly."""
        # kept in step with the lists by the add_* methods, so building big systems stays linear
        self._var_names = {v.name for v in self.inputs + self.states}
        self._state_set = set(self.states)
        self._prop_names = {p.name for p in self.asserts + self.covers + self.justice}

    # ---------------------------------------------------------- building
    def _fresh(self, name: str) -> None:
        if name in self._var_names:
            raise SemanticsError(f"duplicate variable name {name!r}")
        self._var_names.add(name)

    def add_input(self, name: str, sort: Sort | int) -> Term:
        """Declare a free input; ``sort`` may be a width."""
        sort = BV(sort) if isinstance(sort, int) else sort
        self._fresh(name)
        v = T.var(name, sort)
        self.inputs.append(v)
        self.signals.setdefault(name, v)
        return v

    def add_state(self, name: str, sort: Sort | int, init: Term | None = None,
                  next: Term | None = None) -> Term:
        """Declare a register or memory, optionally with its init and next terms."""
        sort = BV(sort) if isinstance(sort, int) else sort
        self._fresh(name)
        v = T.var(name, sort)
        self.states.append(v)
        self._state_set.add(v)
        self.signals.setdefault(name, v)
        if init is not None:
            self.set_init(v, init)
        if next is not None:
            self.set_next(v, next)
        return v

    def _check_state(self, state: Term, value: Term, what: str) -> None:
        if state not in self._state_set:
            raise SemanticsError(f"{what}: {state!r} is not a state of this system")
        if value.sort != state.sort:
            raise SemanticsError(f"{what} of {state.name}: sort {value.sort} does not match {state.sort}")

    def set_init(self, state: Term, value: Term) -> None:
        if isinstance(state.sort, T.Array) and isinstance(value.sort, BV):
            value = T.const_array(value, state.sort.index_width)
        self._check_state(state, value, "init")
        if state in self.init:
            raise SemanticsError(f"init of {state.name} set twice")
        self.init[state] = value

    def set_next(self, state: Term, value: Term) -> None:
        self._check_state(state, value, "next")
        if state in self.next:
            raise SemanticsError(f"next of {state.name} set twice")
        self.next[state] = value

    def add_constraint(self, term: Term) -> None:
        self._need_bool(term, "constraint")
        self.constraints.append(term)

    def add_assert(self, name: str, good: Term, loc: SourceLoc | None = None) -> Property:
        """Add an assertion that ``good`` holds in every reachable cycle."""
        self._need_bool(good, f"assertion {name}")
        p = Property(self._unique_prop_name(name), good, "assert", loc)
        self.asserts.append(p)
        return p

    def add_cover(self, name: str, cond: Term, loc: SourceLoc | None = None) -> Property:
        """Add a cover goal: some reachable cycle satisfies ``cond``."""
        self._need_bool(cond, f"cover {name}")
        p = Property(self._unique_prop_name(name), cond, "cover", loc)
        self.covers.append(p)
        return p

    def add_justice(self, name: str, conds: Term, loc: SourceLoc | None = None) -> Property:
        self._need_bool(conds, f"justice {name}")
        p = Property(self._unique_prop_name(name), conds, "justice", loc)
        self.justice.append(p)
        return p

    def _unique_prop_name(self, name: str) -> str:
        unique, i = name, 0
        while unique in self._prop_names:
            i += 1
            unique = f"{name}_{i}"
        self._prop_names.add(unique)
        return unique

    @staticmethod
    def _need_bool(term: Term, what: str) -> None:
        if not isinstance(term, Term) or term.sort != T.BOOL:
            raise SemanticsError(f"{what} must be a 1-bit term, not {getattr(term, 'sort', term)}")

    # ---------------------------------------------------------- queries
    @property
    def variables(self) -> list[Term]:
        return self.inputs + self.states

    def property(self, name: str) -> Property:
        for p in self.asserts + self.covers + self.justice:
            if p.name == name:
                return p
        raise SemanticsError(f"no property named {name!r}")

    def validate(self) -> None:
        """Check that every term mentions only this system's variables."""
        known = set(self.variables)
        roots = (list(self.init.values()) + list(self.next.values()) + self.constraints
                 + [p.term for p in self.asserts + self.covers + self.justice])
        for v in T.free_vars(roots):
            if v not in known:
                raise SemanticsError(f"term mentions undeclared variable {v.name!r}")
        for v in T.free_vars(self.init.values()):
            if v in self.inputs:
                raise SemanticsError(f"initial value mentions input {v.name!r}")

    def copy(self) -> "TransitionSystem":
        """A copy whose lists and tables can grow without touching this one (terms are shared; subclasses too)."""
        twin = _copy.copy(self)
        for name, value in vars(self).items():
            if isinstance(value, (list, dict, set)):
                setattr(twin, name, _copy.copy(value))
        twin.reindex()
        return twin

    def with_properties(self, asserts: Iterable[Property] = (), covers: Iterable[Property] = ()) -> "TransitionSystem":
        """A shallow copy keeping only the given properties (engines check one at a time)."""
        return TransitionSystem(self.name, list(self.inputs), list(self.states), dict(self.init),
                                dict(self.next), list(self.constraints), list(asserts), list(covers),
                                [], dict(self.signals), list(self.notes), list(self.outputs))

    def summary(self) -> str:
        return (f"{self.name}: {len(self.inputs)} inputs, {len(self.states)} states, "
                f"{len(self.constraints)} constraints, {len(self.asserts)} asserts, {len(self.covers)} covers")
