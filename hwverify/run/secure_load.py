"""Loading a noninterference task: the design, its ``--when``/``--release`` expressions, the self-composition.

Kept out of ``session.py`` as ``equiv_load.py`` keeps the equivalence pair
out: ``session.load`` calls ``load_selfcomp`` for ``Mode.SECURE``.
"""
from __future__ import annotations

from hwverify.errors import FrontendError, ProverError, SourceLoc
from hwverify.frontend.load import load_system
from hwverify.frontend.properties import add_properties, parse_property
from hwverify.prover.miter import Miter
from hwverify.prover.selfcomp import self_compose
from hwverify.run.task import Task
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import BV, Term

__all__ = ["load_selfcomp"]


def load_selfcomp(task: Task, system: TransitionSystem | None = None) -> Miter:
    """Two runs of the design (``system`` if given, a copy the caller lets us extend) with independent
    secrets, asserting the public outputs agree (prover/selfcomp.py).

    ``--when``/``--release`` are parsed over the design (``past`` adds its
    registers there, so both runs get them); ``--assume`` holds in both runs.
    """
    assert task.secure is not None
    spec = task.secure
    if task.asserts or task.covers:
        raise FrontendError("secure compares two runs' public outputs; --assert and --cover belong to "
                            "prove/bmc/cover (--assume constrains both runs)", _where(task))
    if system is None:
        system = load_system(task.design, top=task.top, frontend=task.frontend, defines=task.defines,
                             include_dirs=task.include, assumes=task.assumes, multiclock=task.multiclock,
                             clocks_together=task.clocks_together)
    elif task.assumes:
        add_properties(system, assumes=task.assumes)
    when = parse_property(spec.when, system, f'--when "{spec.when}"') if spec.when else None
    release = [t for r in spec.release for t in _released(r, system)]
    secrets, secret_when = _secrets(spec.secrets, system)
    try:
        return self_compose(system, secrets, spec.public, when=when, release=release, secret_when=secret_when)
    except ProverError as e:
        raise FrontendError(e.message, _where(task)) from None


def _secrets(texts: list[str], system: TransitionSystem) -> tuple[list[str], dict[str, Term]]:
    """The secret names and the conditions of the conditional ones: ``INPUT if COND`` (the bus data while
    it writes the key) is secret in the cycles where COND holds, public and shared in the others."""
    names: list[str] = []
    conds: dict[str, Term] = {}
    for text in texts:
        name, sep, cond = text.partition(" if ")
        name = name.strip()
        names.append(name)
        if sep:
            c = parse_property(cond, system, f'--secret "{text}"')
            conds[name] = c if c.sort == T.BOOL else T.ne(c, T.const(0, c.width))
    return names, conds


def _released(text: str, system: TransitionSystem) -> list[Term]:
    """The terms ``--release`` declassifies: a signal (any width), ``SIGNAL if COND`` (the signal while COND
    holds, and COND), or a condition (one bit: a wider expression is released only as "is it non-zero")."""
    name, sep, cond = text.partition(" if ")
    name = name.strip()
    if sep and name in system.signals:
        c = parse_property(cond, system, f'--release "{text}"')
        value = system.signals[name]
        return [c, T.ite(c, value, T.const(0, value.width))] if isinstance(value.sort, BV) else [c]
    if text.strip() in system.signals:
        return [system.signals[text.strip()]]
    return [parse_property(text, system, f'--release "{text}"')]


def _where(task: Task) -> SourceLoc | None:
    return SourceLoc(task.design[0]) if task.design else None
