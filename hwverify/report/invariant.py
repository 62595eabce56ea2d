"""A PASS certificate's invariant as text a hardware engineer reads (``--show-invariant``).

Why: an invariant is the design's explanation of why the property holds
(``count < 12`` behind ``count != 100``); as the engine stores it, it is a
list of bit-level clauses over masked words. Here each conjunct becomes
Verilog over the source signal names, in the property language, so a line
can be pasted back as an ``--assert`` or a proof-script lemma:

* PDR's lemmas, one per line: a clause over a few words, each word's bits
  grouped into slices (``count[3:2] != 2'b11 || !en``); a mask with holes is
  one comparison per contiguous slice (the clause is their disjunction);
* the facts found before IC3 ran, apart: constant latches
  (``count[7:4] == 4'b0000``, one line per slice: they are a conjunction) and
  equivalent latches (``a[1:0] == b[1:0]``, ``x == ~y``);
* each group sorted (lemmas by size, then text);
* certificates of other engines (k-induction, BMC, tactics), and any conjunct
  of a shape this module does not know, fall back to the term printer
  (``terms.to_str``) over the same source names.

The certificate stays the evidence; this is only a view of it (the kernel
checks the terms, never this text).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TextIO

from hwverify.prover.pdr.engine import CONSTANT, EQUIVALENT
from hwverify.prover.tactics.naming import ident, source_names
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import BV, Term

__all__ = ["InvariantView", "render_invariant", "invariant_lines", "add_invariants", "print_invariants"]


@dataclass
class InvariantView:
    """The invariant of one certificate, grouped: constant facts, equivalences, lemmas (each sorted)."""

    prop: str
    method: str
    k: int
    size: int    # conjuncts of the certificate (lines group several: bits of one word)
    constants: list[str] = field(default_factory=list)
    equivalences: list[str] = field(default_factory=list)
    lemmas: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A header and one line per conjunct, indented under its group."""
        depth = "" if self.k == 1 else f", {self.k}-inductive"
        out = [f"invariant of {self.prop} ({self.method}{depth}, {self.size} conjuncts):"]
        for title, items in (("constant", self.constants), ("equivalent", self.equivalences),
                             ("lemmas" if self.method == "pdr" else "conjuncts", self.lemmas)):
            if items:
                out.append(f"  {title}:")
                out.extend(f"    {s}" for s in items)
        return out

    def to_json(self) -> dict:
        return {"method": self.method, "k": self.k, "constants": self.constants,
                "equivalences": self.equivalences, "lemmas": self.lemmas}


def render_invariant(cert: Certificate, system: TransitionSystem | None = None) -> InvariantView:
    """The view of ``cert``'s invariant, over ``system``'s source names when given (else variable names)."""
    names = _Names(system)
    view = InvariantView(cert.prop, cert.method, cert.k, len(cert.invariant))
    tags = cert.lemmas if len(cert.lemmas) == len(cert.invariant) else [""] * len(cert.invariant)
    units: dict[tuple[str, str, int], tuple[int, int]] = {}   # (group, word, width) -> (mask, value)
    for term, tag in zip(cert.invariant, tags):
        if term is T.true():
            continue
        unit = _unit(term, names) if cert.method == "pdr" else None
        if unit is not None:  # one bit of a word: merged with the word's other bits into slices below
            word, width, bit, value = unit
            key = ("c" if tag == CONSTANT else "l", word, width)
            mask, val = units.get(key, (0, 0))
            units[key] = (mask | 1 << bit, val | value << bit)
            continue
        text = _conjunct(term, names) if cert.method == "pdr" else None
        if text is None:
            view.lemmas.append(names.fallback(term))
        elif tag == CONSTANT:
            view.constants.extend(text)
        elif tag == EQUIVALENT:
            view.equivalences.extend(text)
        else:
            view.lemmas.extend(text)
    for (group, word, width), (mask, val) in units.items():
        (view.constants if group == "c" else view.lemmas).extend(_compare(word, width, mask, val, True))
    view.constants.sort()
    view.equivalences.sort()
    view.lemmas.sort(key=lambda s: (s.count("||"), s))
    return view


def invariant_lines(cert: Certificate, system: TransitionSystem | None = None) -> list[str]:
    return render_invariant(cert, system).lines()


class _Names:
    """Source names of state variables, written so that the property parser reads them back."""

    def __init__(self, system: TransitionSystem | None):
        self.best = source_names(system) if system is not None else {}

    def of(self, v: Term) -> str:
        name = self.best.get(v, v.name)
        # registers the frontend added ($past1, $initstate) read best as they are; the parser knows them
        # plain (escaped, it does not), though not with a select after them
        return name if name.startswith("$") else ident(name)

    def fallback(self, term: Term) -> str:
        """The term printer's text, with variables renamed to their source names."""
        rename = {v: T.var(self.best[v], v.sort) for v in T.free_vars([term])
                  if v in self.best and self.best[v] != v.name}
        return T.to_str(T.substitute(term, rename) if rename else term, limit=2000)


# ------------------------------------------------------------------ shapes
def _word(t: Term, names: _Names) -> str | None:
    """A state word: a variable, an array element at a constant index, or a slice of one."""
    if t.op == "var" and isinstance(t.sort, BV):
        return names.of(t)
    if t.op == "read" and t.args[0].op == "var" and t.args[1].op == "const":
        return f"{names.of(t.args[0])}[{t.args[1].value}]"
    if t.op == "extract":
        inner = _word(t.args[0], names)
        if inner is None:
            return None
        hi, lo = t.params
        return f"{inner}[{hi}]" if hi == lo else f"{inner}[{hi}:{lo}]"
    return None


def _ranges(mask: int) -> list[tuple[int, int]]:
    """Contiguous runs of set bits of ``mask``, as (hi, lo), lowest first."""
    out, bit = [], 0
    while mask >> bit:
        if mask >> bit & 1:
            lo = bit
            while mask >> (bit + 1) & 1:
                bit += 1
            out.append((bit, lo))
        bit += 1
    return out


def _literal(value: int, width: int, whole: bool) -> str:
    if whole:
        return f"{width}'d{value}"
    if width <= 8:
        return f"{width}'b{value:0{width}b}"
    return f"{width}'h{value:0{(width + 3) // 4}x}"


def _compare(word: str, width: int, mask: int, value: int, equal: bool) -> list[str]:
    """``(word & mask) ==/!= value`` as one comparison per contiguous slice of ``mask``."""
    out = []
    for hi, lo in _ranges(mask):
        w = hi - lo + 1
        v = value >> lo & ((1 << w) - 1)
        whole = (hi, lo) == (width - 1, 0)
        name = word if whole else (f"{word}[{hi}]" if w == 1 else f"{word}[{hi}:{lo}]")
        if w == 1:  # a bit reads best as itself or its negation
            out.append(name if bool(v) == equal else f"!{name}")
        else:
            out.append(f"{name} {'==' if equal else '!='} {_literal(v, w, whole)}")
    return out


def _atom(t: Term, names: _Names) -> tuple[list[str], bool] | None:
    """A 1-bit conjunct or disjunct as comparisons, and whether it is an equality (their conjunction)."""
    equal = True
    if t.op == "not":
        equal, t = False, t.args[0]
    if t.op != "eq":
        w = _word(t, names)
        if w is None or t.width != 1:
            return None
        return [w if equal else f"!{w}"], True
    a, b = t.args
    if b.op == "const":
        a, b = b, a
    if a.op == "const":  # a constant against a word, or against a masked word
        mask = (1 << b.width) - 1
        if b.op == "and" and any(x.op == "const" for x in b.args):
            m, b = b.args if b.args[0].op == "const" else (b.args[1], b.args[0])
            mask = m.value
        w = _word(b, names)
        if w is None or a.value & ~mask:
            return None
        return _compare(w, b.width, mask, a.value, equal), equal
    neg = b.op == "not"  # word against word (or its complement): an equivalence
    if a.op == "not" and not neg:
        a, b, neg = b, a, True
    wa, wb = _word(a, names), _word(b.args[0] if neg else b, names)
    if wa is None or wb is None:
        return None
    return [f"{wa} {'==' if equal else '!='} {'~' if neg else ''}{wb}"], True


def _unit(term: Term, names: _Names) -> tuple[str, int, int, int] | None:
    """A conjunct that fixes one bit of a state word: (word, its width, the bit, its value)."""
    equal = True
    if term.op == "not":
        equal, term = False, term.args[0]
    if term.op == "var" and term.width == 1:
        return names.of(term), 1, 0, int(equal)
    if term.op != "eq":
        return None
    a, b = term.args
    if b.op == "const":
        a, b = b, a
    if a.op != "const":
        return None
    mask = (1 << b.width) - 1
    if b.op == "and" and any(x.op == "const" for x in b.args):
        m, b = b.args if b.args[0].op == "const" else (b.args[1], b.args[0])
        mask = m.value
    w = _word(b, names)
    if w is None or mask & (mask - 1) or not mask or a.value & ~mask:
        return None  # not exactly one bit
    bit = mask.bit_length() - 1
    return w, b.width, bit, int(bool(a.value) == equal)


def _conjunct(term: Term, names: _Names) -> list[str] | None:
    """One conjunct as lines: an equality's slices one per line, a clause's disjuncts on one line."""
    parts: list[Term] = []
    work = [term]
    while work:  # flatten the clause's or-tree
        t = work.pop()
        if t.op == "or" and t.width == 1:
            work.extend(reversed(t.args))
        else:
            parts.append(t)
    if len(parts) == 1:
        got = _atom(parts[0], names)
        if got is None:
            return None
        texts, conjunction = got
        return texts if conjunction else [" || ".join(texts)]
    disjuncts: list[str] = []
    for p in parts:
        got = _atom(p, names)
        if got is None or (got[1] and len(got[0]) > 1):
            return None  # a conjunction inside a clause: not a shape PDR writes
        disjuncts.extend(got[0])
    return [" || ".join(sorted(disjuncts, key=lambda d: (d.lstrip("!\\~"), d)))]


# ------------------------------------------------------------ run reporters
def add_invariants(out: dict, run) -> None:
    """Give each PASS property of ``out`` (``run.to_json()``) an ``invariant`` field (``--show-invariant --json``)."""
    by_name = {p.name: p for p in run.properties}
    for d in out.get("properties", []):
        p = by_name.get(d.get("name"))
        if p is not None and p.certificate is not None and not p.certificate.bounded:
            d["invariant"] = render_invariant(p.certificate, run.system).to_json()


def print_invariants(run, out: TextIO | None = None) -> None:
    """The invariant of every PASS property of ``run`` (``--show-invariant``)."""
    for p in run.properties:
        if p.certificate is not None and not p.certificate.bounded:
            print("\n".join(invariant_lines(p.certificate, run.system)), file=out or sys.stdout)
