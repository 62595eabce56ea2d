"""Source names for registers, and how to write them back into the property language.

Why: a CTI or a candidate lemma is only useful if it names what the engineer
wrote. Frontends may give a register an internal name (yosys' ``state12``)
while ``system.signals`` also maps the source name to it; we prefer that
name, and write names the property parser reads back to the same variable
(plain or hierarchical identifiers as they are, anything else escaped).
"""
from __future__ import annotations

import re

from hwverify.report.console import visible_signals
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term

__all__ = ["source_names", "ident", "is_visible"]

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*$")


def is_visible(name: str) -> bool:
    """Whether ``name`` is one a user wrote (not yosys' ``stateNN``, ``$past1``, ``_aux``)."""
    return bool(visible_signals([name]))


def source_names(system: TransitionSystem) -> dict[Term, str]:
    """The best name of every variable: a visible signal name that is exactly it, else its own name.

    A name the property parser resolves (a key of ``system.signals``) wins
    over one it does not, so text built from these names parses back.
    """
    names: dict[Term, list[str]] = {v: [] for v in system.variables}
    for name, term in system.signals.items():
        if term in names:
            names[term].append(name)
    best = {}
    for v, aliases in names.items():
        ordered = sorted(aliases, key=lambda n: (n != v.name, len(n)))
        visible = [n for n in ordered if is_visible(n)]
        best[v] = visible[0] if visible else ordered[0] if ordered else v.name
    return best


def ident(name: str) -> str:
    """``name`` as the property language reads it (an escaped identifier when not plain)."""
    return name if _PLAIN.match(name) else f"\\{name} "
