"""Undefined bits as data: which bits of a term a Verilog simulator would show as ``x``.

Equivalence with ``--x refine`` lets the gate choose any value where the
reference's bit is undefined. That needs two things of the reference:

* its *X sources*: the free values frontends put where the RTL says ``x``
  (pyverilog: inputs named ``$x...``; yosys: unnamed ``stateN`` states with
  neither initial nor next value, what ``x`` constants and undriven wires
  become in its BTOR2), see ``x_sources``;
* for every term, a *mask* of the bits that are undefined when the X sources
  are undefined, computed by Verilog's propagation rules (``XMask``): a known
  0 wins an ``and``, a known 1 an ``or``; ``?:`` with an undefined condition
  keeps the bits both branches agree on; arithmetic, shifts by an undefined
  amount and comparisons are wholly undefined as soon as one operand bit is
  (``==`` stays known when known bits already differ). Array contents are
  never undefined (a read at an undefined index is).

The *value* rail is the term with every X source replaced by 0: one legal
resolution of the undefined bits. Any resolution of the masked bits is a
refinement of the reference, which is what makes the miter's masked
comparison and its register resolution (``prover/miter.py``) sound.
"""
from __future__ import annotations

import re
from typing import Mapping

from hwverify.errors import SemanticsError
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import BV, Term

__all__ = ["x_sources", "XMask"]

_YOSYS_UNNAMED = re.compile(r"^state\d+$")


def x_sources(system: TransitionSystem) -> list[Term]:
    """The free values standing for ``x`` in the RTL (see the module docstring), in system order."""
    out = [v for v in system.inputs if v.name.startswith("$x")]
    out += [s for s in system.states if isinstance(s.sort, BV) and s not in system.next
            and s not in system.init and _YOSYS_UNNAMED.match(s.name)]
    return out


def _any(m: Term) -> Term:
    """1 when any bit of the mask is set."""
    return T.redor(m) if m.width > 1 else m


def _all_or_none(flag: Term, width: int) -> Term:
    return T.sext(flag, width - 1) if width > 1 else flag


class XMask:
    """Masks and values of a system's terms, with the X sources as undefined bits.

    ``state_masks`` gives the mask of a state variable (a shadow state, for
    registers that can hold undefined bits); other variables are defined.
    """

    def __init__(self, sources: list[Term], state_masks: Mapping[Term, Term] | None = None):
        self.sources = list(sources)
        self._zero = {s: T.const(0, s.width) for s in self.sources}
        self._value_memo: dict[Term, Term] = {}
        self._mask: dict[Term, Term | None] = {}
        for s in self.sources:
            self._mask[s] = T.ones(s.width)
        for s, m in (state_masks or {}).items():
            self._mask[s] = m

    def value(self, term: Term) -> Term:
        """``term`` with every X source resolved to 0."""
        return T.substitute_all([term], self._zero, self._value_memo)[0]

    def mask(self, term: Term) -> Term | None:
        """The undefined bits of ``term`` (a term of its width), or None for an array."""
        memo = self._mask
        for node in T.postorder([term], skip=memo):
            memo[node] = self._node_mask(node)
        return memo[term]

    def _node_mask(self, node: Term) -> Term | None:
        if not isinstance(node.sort, BV):
            return None
        w = node.width
        zero = T.const(0, w)
        op, args = node.op, node.args
        if op in ("const", "var"):
            return zero
        m = [self._mask[a] for a in args]
        v = [self.value(a) for a in args]
        if op == "not":
            return m[0]
        if op == "and":
            return T.and_(T.and_(T.or_(m[0], m[1]), T.or_(m[0], v[0])), T.or_(m[1], v[1]))
        if op == "or":
            return T.and_(T.and_(T.or_(m[0], m[1]), T.or_(m[0], T.not_(v[0]))), T.or_(m[1], T.not_(v[1])))
        if op == "xor":
            return T.or_(m[0], m[1])
        if op == "redxor":
            return _any(m[0])
        if op == "redand":   # undefined unless a known 0 decides it
            return T.and_(_any(m[0]), T.not_(_any(T.and_(T.not_(m[0]), T.not_(v[0])))))
        if op == "redor":    # undefined unless a known 1 decides it
            return T.and_(_any(m[0]), T.not_(_any(T.and_(T.not_(m[0]), v[0]))))
        if op in ("shl", "lshr", "ashr"):
            shifted = T.apply(op, (m[0], v[1]))
            return T.ite(_any(m[1]), T.ones(w), shifted)
        if op == "eq":
            if m[0] is None:
                return zero
            unknown = _any(T.or_(m[0], m[1]))
            differs = _any(T.and_(T.not_(T.or_(m[0], m[1])), T.xor(v[0], v[1])))
            return T.and_(unknown, T.not_(differs))
        if op in ("neg", "add", "sub", "mul", "udiv", "urem", "sdiv", "srem", "smod", "ult", "ule", "slt", "sle"):
            flag = _any(m[0]) if len(m) == 1 else T.or_(_any(m[0]), _any(m[1]))
            return _all_or_none(flag, w)
        if op == "concat":
            return T.concat(m[0], m[1])
        if op == "extract":
            return T.extract(m[0], *node.params)
        if op == "zext":
            return T.zext(m[0], *node.params)
        if op == "sext":
            return T.sext(m[0], *node.params)
        if op == "ite":
            mc, mt, me = m
            both = T.or_(T.or_(mt, me), T.xor(v[1], v[2]))
            return T.ite(mc, both, T.ite(v[0], mt, me))
        if op == "read":
            return _all_or_none(_any(m[1]), w)
        raise SemanticsError(f"x-propagation: no rule for operator {op!r}")
