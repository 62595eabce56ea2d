"""Shrinking failing cases: greedy delta debugging over term DAGs and systems.

A candidate replaces one node by something smaller (a child of the same
sort, its own value under the case's assignment, a zero), drops a root, a
constraint, an initial value or a next-state function; it is kept when the
case still fails the same way (``still_fails``) and its size went down. The
loop stops at a fixpoint or after ``budget`` oracle calls.
"""
from __future__ import annotations

import time
from typing import Callable, Iterator

from hwverify.fuzz.gen_terms import value_to_term
from hwverify.fuzz.oracle_terms import TermCase
from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import evaluate
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.terms import Array, Term

__all__ = ["shrink_terms", "shrink_system", "same_failure"]


def first_word(message: str) -> str:
    """The default kind of a finding: the first word of its label (``compiled``, ``smtlib``, ``btor2``)."""
    return message.split(":")[0].split(" ")[0]


def same_failure(original: list[str], kind_of: Callable[[str], str] = first_word) -> Callable[[list[str]], bool]:
    """A predicate: does a new finding list contain one of the original's kinds (``kind_of`` of a message)?

    A layer whose labels name the engine rather than what went wrong (``equiv[cvc5]: ...``) passes its own
    ``kind_of``, or a shrunk case could keep a different failure than the one found (an UNKNOWN turning
    into a FAIL of a miter the shrinker broke).
    """
    kinds = {kind_of(m) for m in original}
    return lambda found: any(kind_of(m) in kinds for m in found)


def _zero(sort) -> Term:
    if isinstance(sort, Array):
        return T.const_array(T.const(0, sort.elem_width), sort.index_width)
    return T.const(0, sort.width)


def _replacements(node: Term, value_of: Callable[[Term], Term | None]) -> Iterator[Term]:
    if node.op == "const" and node.value == 0:
        return
    seen = set()
    for a in node.args:
        if a.sort == node.sort and a not in seen:
            seen.add(a)
            yield a
    if node.op not in ("const", "var"):
        v = value_of(node)
        if v is not None and v is not node:
            yield v
    if not (node.op == "const_array" and node.args[0].op == "const" and node.args[0].value == 0):
        yield _zero(node.sort)


def _candidates_over(roots: list[Term], value_of) -> Iterator[list[Term]]:
    """Root lists with one node replaced; big nodes (near the roots) first."""
    nodes = list(T.postorder(roots))
    for node in reversed(nodes):
        for repl in _replacements(node, value_of):
            yield T.substitute_all(roots, {node: repl})


def shrink_terms(case, still_fails: Callable[[object], bool], budget: int = 300, seconds: float | None = None):
    """A smaller ``TermCase`` that still fails."""
    end = None if seconds is None else time.monotonic() + seconds

    def value_of(node: Term) -> Term | None:
        try:
            return value_to_term(evaluate(node, case.env), node.sort)
        except Exception:  # noqa: BLE001
            return None

    calls = 0
    improved = True
    while improved and calls < budget:
        improved = False
        options: list[list[Term]] = [case.terms[:i] + case.terms[i + 1:] for i in range(len(case.terms))
                                     if len(case.terms) > 1]
        for cand_terms in _chain(options, _candidates_over(case.terms, value_of)):
            if calls >= budget or _past(end):
                break
            cand = TermCase(cand_terms, case.env, case.seed)
            if cand.size() >= case.size():
                continue
            calls += 1
            if still_fails(cand):
                case, improved = cand, True
                break
    free = set(T.free_vars(case.terms))
    return TermCase(case.terms, {v: x for v, x in case.env.items() if v in free}, case.seed)


def _past(end: float | None) -> bool:
    return end is not None and time.monotonic() >= end


def _chain(*its):
    for it in its:
        yield from it


# ----------------------------------------------------------------- systems
def _copy(s: TransitionSystem, **changes) -> TransitionSystem:
    new = TransitionSystem(s.name, inputs=list(s.inputs), states=list(s.states), init=dict(s.init),
                           next=dict(s.next), constraints=list(s.constraints), asserts=list(s.asserts),
                           covers=list(s.covers), justice=list(s.justice))
    for k, v in changes.items():
        setattr(new, k, v)
    new.reindex()
    return new


def _prune(s: TransitionSystem) -> TransitionSystem:
    """Drop inputs and states nothing mentions (a state's own next counts only if used elsewhere)."""
    while True:
        roots = s.constraints + [p.term for p in s.asserts + s.covers + s.justice]
        used = set(T.free_vars(roots))
        frontier = list(used)
        while frontier:
            v = frontier.pop()
            for t in (s.next.get(v), s.init.get(v)):
                if t is not None:
                    for w in T.free_vars([t]):
                        if w not in used:
                            used.add(w)
                            frontier.append(w)
        inputs = [v for v in s.inputs if v in used]
        states = [v for v in s.states if v in used]
        if len(inputs) == len(s.inputs) and len(states) == len(s.states):
            return s
        s = _copy(s, inputs=inputs, states=states, init={k: v for k, v in s.init.items() if k in used},
                  next={k: v for k, v in s.next.items() if k in used})


def _system_roots(s: TransitionSystem) -> list[tuple[str, object]]:
    slots = [("next", v) for v in s.states if v in s.next] + [("init", v) for v in s.states if v in s.init]
    slots += [("constraint", i) for i in range(len(s.constraints))]
    slots += [("assert", i) for i in range(len(s.asserts))]
    return slots


def _get(s: TransitionSystem, slot) -> Term:
    kind, key = slot
    return {"next": lambda: s.next[key], "init": lambda: s.init[key],
            "constraint": lambda: s.constraints[key], "assert": lambda: s.asserts[key].term}[kind]()


def _put(s: TransitionSystem, slot, term: Term | None) -> TransitionSystem:
    kind, key = slot
    if kind == "next":
        nxt = dict(s.next)
        if term is None:
            nxt.pop(key)
        else:
            nxt[key] = term
        return _copy(s, next=nxt)
    if kind == "init":
        init = dict(s.init)
        if term is None:
            init.pop(key)
        else:
            init[key] = term
        return _copy(s, init=init)
    if kind == "constraint":
        cs = list(s.constraints)
        if term is None:
            cs.pop(key)
        else:
            cs[key] = term
        return _copy(s, constraints=cs)
    asserts = list(s.asserts)
    p = asserts[key]
    asserts[key] = Property(p.name, term if term is not None else T.true(), p.kind, p.loc)
    return _copy(s, asserts=asserts)


def _system_candidates(s: TransitionSystem) -> Iterator[TransitionSystem]:
    for i in range(len(s.constraints)):
        yield _put(s, ("constraint", i), None)
    for v in s.states:
        if v in s.next and s.next[v] is not v:
            yield _put(s, ("next", v), v)  # hold the state
    for v in s.states:
        if v in s.init and not (s.init[v].op == "const" and s.init[v].value == 0):
            yield _put(s, ("init", v), _zero(v.sort))
    for slot in _system_roots(s):
        root = _get(s, slot)
        if slot[0] == "init" and not T.free_vars([root]):
            continue
        for node in reversed(list(T.postorder([root]))):
            for repl in _replacements(node, lambda n: None):
                if repl.sort != node.sort:
                    continue
                new_root = T.substitute(root, {node: repl})
                if slot[0] == "assert" and new_root.op == "const":
                    continue
                yield _put(s, slot, new_root)


def _system_size(s: TransitionSystem) -> int:
    roots = list(s.init.values()) + list(s.next.values()) + s.constraints + [p.term for p in s.asserts]
    return T.dag_size(roots) + len(s.inputs) + len(s.states) + len(s.constraints)


def shrink_system(system: TransitionSystem, still_fails: Callable[[TransitionSystem], bool],
                  budget: int = 200, seconds: float | None = None) -> TransitionSystem:
    """A smaller system (fewer signals, smaller next/init/property terms) that still fails."""
    end = None if seconds is None else time.monotonic() + seconds
    calls = 0
    improved = True
    while improved and calls < budget:
        improved = False
        for cand in _system_candidates(system):
            if calls >= budget or _past(end):
                break
            try:
                cand = _prune(cand)
                cand.validate()
            except Exception:  # noqa: BLE001 - an ill-formed candidate is just skipped
                continue
            if _system_size(cand) >= _system_size(system):
                continue
            calls += 1
            if still_fails(cand):
                system, improved = cand, True
                break
    return system
