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

``semantics`` (an ``EquivSemantics``; ``hwverify equiv`` always passes one)
says what "equivalent" means, and the miter encodes exactly that, so the
kernel checks certificates and replays traces against the chosen meaning:

* ``init``: ``equal`` (the default above), ``free`` (no register starts
  together with its twin), ``zero`` (every register without an initial
  value starts at 0, memories all zero);
* ``reset``: ``ResetSpec(signal, level, cycles)``: a miter counter
  ``$equiv.cycle`` holds the shared reset input at ``level`` for the first
  ``cycles`` cycles (a constraint), and the outputs are compared only from
  then on (unless ``compare_during_reset``);
* ``x``: ``refine`` lets the gate choose any value where the reference's bit
  is undefined (``semantics/transform_xprop.py``): the reference's X sources
  are resolved to 0, each compared output is compared on its defined bits
  only, and an undefined bit entering a register that has a twin takes the
  twin's next value (a legal resolution, so the registers stay equal and
  signal correspondence still applies); registers without a twin carry a
  shadow mask state (``a.<r>$x``). ``strict`` keeps every X source a free
  value of its own side (never shared between the two designs);
* ``latency``: the gate's outputs equal the reference's ``latency`` cycles
  later (the reference side goes through a delay line of miter states);
* ``rename``: gate name -> reference name (``--map``) for ports and registers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from hwverify.errors import ProverError
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import BV, Term
from hwverify.semantics.transform_xprop import XMask, x_sources

__all__ = ["build_miter", "register_aliases", "init_bases", "rename_system", "merge_bit_registers", "Miter", "EquivSemantics",
           "ResetSpec", "INIT_MODES", "X_MODES"]

INIT_MODES = ("equal", "free", "zero")
X_MODES = ("refine", "strict")
CYCLE = "$equiv.cycle"


@dataclass(frozen=True)
class ResetSpec:
    """Hold ``signal`` at ``level`` for the first ``cycles`` cycles of both designs."""

    signal: str
    level: int = 1
    cycles: int = 1

    @staticmethod
    def parse(text: str) -> "ResetSpec":
        """``rst``, ``rst=1``, ``rst_n=0``, ``rst_n=0:2``, ``rst:3`` (level 1 by default, one cycle)."""
        m = re.fullmatch(r"\s*([A-Za-z_$][\w.$\[\]]*)\s*(?:=\s*([01]))?\s*(?::\s*(\d+))?\s*", text)
        if not m:
            raise ProverError(f"--reset must be SIGNAL[=LEVEL][:CYCLES] (e.g. rst_n=0:2), not {text!r}")
        cycles = int(m.group(3)) if m.group(3) else 1
        if cycles < 1:
            raise ProverError(f"--reset {text}: the reset must last at least one cycle")
        return ResetSpec(m.group(1), int(m.group(2)) if m.group(2) else 1, cycles)

    def __str__(self) -> str:
        return f"{self.signal}={self.level}:{self.cycles}"


@dataclass(frozen=True)
class EquivSemantics:
    """What "the two designs are equivalent" means (see the module docstring)."""

    init: str = "equal"
    reset: ResetSpec | None = None
    x: str = "refine"
    compare_during_reset: bool = False
    latency: int = 0
    rename: tuple[tuple[str, str], ...] = ()   # (gate name, reference name)
    # a clock both designs sample through clk2fflogic (one step per global tick): it toggles every step from 0,
    # so a clock cycle is two steps and ``reset.cycles``/``latency`` count clock cycles
    clock: str | None = None

    def __post_init__(self) -> None:
        if self.init not in INIT_MODES:
            raise ProverError(f"--init must be one of {', '.join(INIT_MODES)}, not {self.init!r}")
        if self.x not in X_MODES:
            raise ProverError(f"--x must be one of {', '.join(X_MODES)}, not {self.x!r}")
        if self.latency < 0:
            raise ProverError(f"--latency must not be negative, not {self.latency}")

    @property
    def steps_per_cycle(self) -> int:
        """Miter steps per clock cycle: 2 with a toggled ``clock`` (clk2fflogic), else 1."""
        return 2 if self.clock else 1

    @property
    def reset_steps(self) -> int:
        return self.reset.cycles * self.steps_per_cycle if self.reset is not None else 0

    @property
    def first_compared(self) -> int:
        """The first step whose outputs are compared."""
        held = self.reset_steps if not self.compare_during_reset else 0
        return held + self.latency * self.steps_per_cycle

    def describe(self) -> str:
        parts = [f"init {self.init}"]
        if self.reset is not None:
            parts.append(f"reset {self.reset.signal}={self.reset.level} for {self.reset.cycles} cycle"
                         f"{'s' if self.reset.cycles != 1 else ''}"
                         + (" (compared during reset)" if self.compare_during_reset else ""))
        else:
            parts.append("no reset")
        parts.append(f"x {self.x}")
        if self.latency:
            parts.append(f"latency {self.latency}")
        if self.clock:
            parts.append(f"clock {self.clock} toggles every step (2 steps per cycle)")
        if self.first_compared:
            parts.append(f"outputs compared from {'step' if self.clock else 'cycle'} {self.first_compared}")
        return ", ".join(parts)


class Miter(TransitionSystem):
    """A miter system, remembering which names were compared and which registers start together."""

    compared: list[str]
    shared_inputs: list[str]
    shared_inits: list[str]
    register_pairs: list[tuple[Term, Term]]   # (a.r, b.r) corresponding states that start equal
    semantics: EquivSemantics | None
    unmatched: dict[str, list[str]]           # what found no counterpart, by kind ("a.states", "b.inputs", ...)
    free_states: list[str]                    # miter states with no initial value (free at step 0)
    x_sources: int                            # undefined sources of the reference (x refine) or both (strict)
    sides: tuple[TransitionSystem, TransitionSystem] | None   # the two designs, for re-building variants


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


def rename_system(system: TransitionSystem, names: dict[str, str]) -> TransitionSystem:
    """A copy of ``system`` whose inputs, states and signals named in ``names`` carry the new names."""
    out = TransitionSystem(name=system.name)
    mapping: dict[Term, Term] = {}
    for v in system.inputs:
        mapping[v] = out.add_input(names.get(v.name, v.name), v.sort)
    for v in system.states:
        mapping[v] = out.add_state(names.get(v.name, v.name), v.sort)
    memo: dict[Term, Term] = {}

    def r(t: Term) -> Term:
        return T.substitute_all([t], mapping, memo)[0]

    for s, t in system.init.items():
        out.set_init(mapping[s], r(t))
    for s, t in system.next.items():
        out.set_next(mapping[s], r(t))
    for c in system.constraints:
        out.add_constraint(r(c))
    for n, t in system.signals.items():
        out.signals[names.get(n, n)] = r(t)
    out.outputs = [names.get(n, n) for n in system.outputs]
    out.notes = list(system.notes)
    return out


def merge_bit_registers(system: TransitionSystem) -> TransitionSystem:
    """A copy of ``system`` whose bit registers of one RTL word are that word again.

    A synthesized netlist keeps ``reg [7:0] acc`` as eight one-bit flip-flops.
    Two sources say which bits form a word: yosys' witness map
    (``state_slices``, set by the yosys frontend) for the flip-flops its BTOR2
    leaves unnamed, and, for a standard-cell netlist whose flip-flops are cell
    instances (``_319_.Q``), the named wire they drive (``acc`` defined as the
    concatenation of exactly those registers). Bits that cover a word exactly
    (no overlap, no gap, each register in one word) become one state named
    after the wire, with the concatenated next and initial values, so the
    register pairs with the reference's ``acc`` by name. Anything else stays.
    """
    named = {v.name for v in system.states}
    words = {**_words_from_slices(system, named)}
    used = {v for bits in words.values() for _, _, v in bits}
    for wire, bits in _words_from_signals(system, named).items():
        if wire not in words and not any(v in used for _, _, v in bits):
            words[wire] = bits
            used.update(v for _, _, v in bits)
    renamed = _names_from_slices(system, named | set(words), used)
    if not words and not renamed:
        return system
    out = TransitionSystem(name=system.name)
    mapping: dict[Term, Term] = {}
    merged: set[Term] = set()
    word_vars: dict[str, Term] = {}
    for v in system.inputs:
        mapping[v] = out.add_input(v.name, v.sort)
    for wire, bits in words.items():
        width = sum(w for _, w, _ in bits)
        word_vars[wire] = word = out.add_state(wire, width)
        for off, w, v in bits:
            mapping[v] = T.extract(word, off + w - 1, off)
            merged.add(v)
    for v in system.states:
        if v not in merged:
            mapping[v] = out.add_state(renamed.get(v, v.name), v.sort)
    memo: dict[Term, Term] = {}

    def r(t: Term) -> Term:
        return T.substitute_all([t], mapping, memo)[0]

    def joined(terms: list[Term]) -> Term:
        acc = terms[0]
        for t in terms[1:]:
            acc = T.concat(t, acc)
        return acc

    for wire, bits in words.items():
        out.set_next(word_vars[wire], joined([r(system.next[v]) for _, _, v in bits]))
        if all(v in system.init for _, _, v in bits):
            out.set_init(word_vars[wire], joined([r(system.init[v]) for _, _, v in bits]))
    for v, t in system.init.items():
        if v not in merged:
            out.set_init(mapping[v], r(t))
    for v, t in system.next.items():
        if v not in merged:
            out.set_next(mapping[v], r(t))
    for c in system.constraints:
        out.add_constraint(r(c))
    for n, t in system.signals.items():
        out.signals.setdefault(n, r(t))
    out.outputs = list(system.outputs)
    out.notes = list(system.notes)
    if words:
        out.notes.append(f"{sum(len(b) for b in words.values())} bit registers merged into {len(words)} words "
                         f"by name ({', '.join(sorted(words)[:6])})")
    if renamed:
        out.notes.append(f"{len(renamed)} unnamed registers named by yosys' witness map "
                         f"({', '.join(sorted(renamed.values())[:6])})")
    return out


def _exact_word(system: TransitionSystem, wire: str, bits: list[tuple[int, int, Term]], named: set[str]) -> bool:
    """Do ``bits`` (offset, width, state) cover ``wire`` from bit 0 without gap or overlap, all or none initialised?"""
    bits.sort(key=lambda b: b[0])
    pos = 0
    for off, width, _ in bits:
        if off != pos:
            return False
        pos = off + width
    inits = [v in system.init for _, _, v in bits]
    return len(bits) > 1 and wire not in named and (all(inits) or not any(inits))


def _words_from_slices(system: TransitionSystem, named: set[str]) -> dict[str, list[tuple[int, int, Term]]]:
    """Words of unnamed bit registers, by yosys' witness map."""
    slices = getattr(system, "state_slices", None)
    if not slices:
        return {}
    for v in system.states:   # the witness map must agree with the names we know, else its order is not trusted
        chunks = slices.get(v.name)
        if chunks and not re.match(r"^state\d+$", v.name) and not any(c[0] == v.name for c in chunks):
            return {}
    groups: dict[str, list[tuple[int, int, Term]]] = {}
    for v in system.states:
        chunks = slices.get(v.name)
        if (re.match(r"^state\d+$", v.name) and v in system.next and isinstance(v.sort, BV) and chunks
                and len(chunks) == 1 and chunks[0][2] == v.width):
            groups.setdefault(chunks[0][0], []).append((chunks[0][1], v.width, v))
    return {w: bits for w, bits in groups.items() if _exact_word(system, w, bits, named)}


_SAMPLED = re.compile(r"^\$auto\$clk2fflogic\.cc:\d+:sample_\w+\$(?:\$0)?\\?(.+?)#sampled\$\d+$")


def _names_from_slices(system: TransitionSystem, taken: set[str], used: set[Term]) -> dict[Term, str]:
    """Names for unnamed whole-word registers, from the wire yosys' witness map says each one holds.

    clk2fflogic (a clock on both edges, several clocks) leaves every register
    unnamed in BTOR2: ``state25`` holds ``f0`` and ``state26`` the value of
    ``f0``'s D input sampled at the last step (``f0[7:0]#sampled``), ``state50``
    the last clock value (``clk#sampled``). Named again, they pair with the other
    design's by name, as the registers of a design lowered without clk2fflogic do.
    """
    slices = getattr(system, "state_slices", None) or {}
    out: dict[Term, str] = {}
    for v in system.states:
        chunks = slices.get(v.name)
        if (v in used or not re.match(r"^state\d+$", v.name) or not chunks or len(chunks) != 1
                or chunks[0][1] != 0 or chunks[0][2] != v.width):
            continue
        wire = chunks[0][0]
        m = _SAMPLED.match(wire)
        name = f"{m.group(1)}#sampled" if m else wire
        signal = system.signals.get(wire)
        if "$" in name or (not m and (signal is None or signal.sort != v.sort)):
            continue        # a wire yosys made up, or one the register covers only in part
        if m and name in taken:     # a control (clock, enable) sampled for several flip-flops: same value
            name = next(f"{name}#{k}" for k in range(2, len(system.states) + 2) if f"{name}#{k}" not in taken)
        if name not in taken:
            out[v] = name
            taken.add(name)
    return out


_AUTO_NAME = re.compile(r"^(_\d+_|\$.*|.*\$.*)$")   # yosys' generated wires: never an RTL word


def _words_from_signals(system: TransitionSystem, named: set[str]) -> dict[str, list[tuple[int, int, Term]]]:
    """Words of cell flip-flops a named wire concatenates exactly (a standard-cell netlist's ``acc``).

    Only one-bit registers inside instances (``_319_.Q``) are merged: an RTL
    ``assign flags = {f1, f2}`` must keep ``f1`` and ``f2``, which pair by name.
    """
    states = {v for v in system.states if v in system.next and isinstance(v.sort, BV) and v.width == 1
              and "." in v.name}
    words: dict[str, list[tuple[int, int, Term]]] = {}
    for wire, term in system.signals.items():
        if _AUTO_NAME.match(wire) or term.op != "concat":
            continue
        leaves, stack = [], [term]          # most significant first
        while stack:
            t = stack.pop()
            if t.op == "concat":
                stack += [t.args[1], t.args[0]]
            else:
                leaves.append(t)
        if not all(t in states for t in leaves) or len(set(leaves)) != len(leaves):
            continue
        bits, off = [], 0
        for t in reversed(leaves):
            bits.append((off, t.width, t))
            off += t.width
        if _exact_word(system, wire, bits, named):
            words[wire] = bits
    return words


def _zero(sort: T.Sort) -> Term:
    return T.const(0, sort.width) if isinstance(sort, BV) else T.const_array(T.const(0, sort.elem_width),
                                                                             sort.index_width)


def _is_zero(t: Term | None) -> bool:
    return t is None or (t.op == "const" and t.value == 0)


def build_miter(sys_a: TransitionSystem, sys_b: TransitionSystem, match: str = "outputs",
                outputs: Sequence[str] | None = None, name: str | None = None,
                semantics: EquivSemantics | None = None) -> Miter:
    """The miter of ``sys_a`` and ``sys_b``: shared inputs, and one assertion per compared name.

    Without ``semantics`` the miter is the plain one of the module docstring
    (registers start equal by name, X sources are whatever the frontends made of them).
    """
    sem = semantics
    original_b = sys_b
    if sem is not None:
        sys_a, sys_b = merge_bit_registers(sys_a), merge_bit_registers(sys_b)
    if sem is not None and sem.rename:
        sys_b = rename_system(sys_b, dict(sem.rename))
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

    xs_a = x_sources(sys_a) if sem is not None else []
    xs_b = x_sources(sys_b) if sem is not None else []
    private = {v.name for v in xs_a + xs_b}   # undefined values are never shared between the designs
    m = Miter(name=name or f"miter({sys_a.name},{sys_b.name})")
    b_inputs = {v.name: v for v in sys_b.inputs}
    shared: dict[str, Term] = {}
    for v in sys_a.inputs:
        other = b_inputs.get(v.name)
        if other is not None and other.sort == v.sort and v.name not in private:
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

    # ------------------------------------------------ which registers correspond
    a_states = {v.name: v for v in sys_a.states}
    for old, aliases in register_aliases(sys_a).items():
        for alias in aliases:
            a_states.setdefault(alias, a_states[old])
    b_alias = register_aliases(sys_b)
    twins: dict[Term, Term] = {}
    for s in sys_b.states:
        # names yosys generates (``state25``, ``$auto$...``) say nothing about what a register holds: two
        # designs' ``state25`` are unrelated, and starting them equal would hide differences
        twin = a_states.get(s.name) if not _yosys_made(s.name) else None
        if twin is None:
            candidates = {a_states[n] for n in b_alias.get(s.name, []) if n in a_states}
            twin = candidates.pop() if len(candidates) == 1 else None
        if twin is not None and twin.sort == s.sort:
            twins[s] = twin
    bases_a = init_bases(sys_a)
    for s, base_b in init_bases(sys_b).items():   # free contents under partial memory inits
        twin = twins.get(s)
        base_a = bases_a.get(twin) if twin is not None else None
        if base_a is not None:
            twins.setdefault(base_b, base_a)
    twin_of_a = {a: b for b, a in twins.items()}

    # ------------------------------------------------ the reference side (x refine: values and masks)
    refine = sem is not None and sem.x == "refine" and bool(xs_a)
    xm: XMask | None = None
    if refine:
        shadows: dict[Term, Term] = {}
        for s in sys_a.states:
            if isinstance(s.sort, BV) and s in sys_a.next and s not in twin_of_a:
                shadows[s] = m.add_state(f"a.{s.name}$x", s.sort)
        xm = XMask(xs_a, shadows)

    def va(t: Term) -> Term:
        return ra(xm.value(t)) if xm is not None else ra(t)

    def mask_a(t: Term) -> Term | None:
        if xm is None:
            return None
        mk = xm.mask(t)
        return None if _is_zero(mk) else ra(mk)

    def resolved(value: Term, mk: Term | None, other: Term | None) -> Term:
        """``value`` with its undefined bits taken from ``other`` (a legal resolution), if there is one."""
        if mk is None or other is None:
            return value
        return T.or_(T.and_(value, T.not_(mk)), T.and_(other, mk))

    for s, t in sys_a.init.items():
        twin = twin_of_a.get(s)
        other = rb(sys_b.init[twin]) if twin is not None and twin in sys_b.init else None
        m.set_init(map_a[s], resolved(va(t), mask_a(t) if isinstance(s.sort, BV) else None, other))
    for s, t in sys_a.next.items():
        twin = twin_of_a.get(s)
        mk = mask_a(t) if isinstance(s.sort, BV) else None
        other = rb(sys_b.next[twin]) if twin is not None and twin in sys_b.next else None
        m.set_next(map_a[s], resolved(va(t), mk, other))
    if xm is not None:
        for s, shadow in xm_shadows(xm, sys_a):
            m.set_init(shadow, ra(xm.mask(sys_a.init[s])) if s in sys_a.init else _zero(s.sort))
            m.set_next(shadow, ra(xm.mask(sys_a.next[s])))
    for c in sys_a.constraints:
        m.add_constraint(va(c))
    for s, t in sys_b.init.items():
        m.set_init(map_b[s], rb(t))
    for s, t in sys_b.next.items():
        m.set_next(map_b[s], rb(t))
    for c in sys_b.constraints:
        m.add_constraint(rb(c))

    # ------------------------------------------------ initial state
    init_mode = sem.init if sem is not None else "equal"
    shared_inits = []
    pairs: list[tuple[Term, Term]] = []
    if init_mode == "equal":
        for s in sys_b.states:
            twin = twins.get(s)
            if s not in sys_b.init and twin is not None and twin not in sys_a.init:
                m.set_init(map_b[s], map_a[twin])
                shared_inits.append(s.name)
                pairs.append((map_a[twin], map_b[s]))
    elif init_mode == "zero":
        skip = set(xs_a) | set(xs_b)
        for sys_x, mapping in ((sys_a, map_a), (sys_b, map_b)):
            for s in sys_x.states:
                if s not in sys_x.init and s not in skip and s in sys_x.next:
                    m.set_init(mapping[s], _zero(s.sort))
    # corresponding states with initial values that are the same term once the shared free states are
    # identified (``initial count = 0`` on both sides; a memory's file words over paired free contents)
    same = {b: a for a, b in pairs}
    for s in sys_b.states:
        twin = twins.get(s)
        if (twin is not None and map_b[s] in m.init and map_a[twin] in m.init and (map_a[twin], map_b[s]) not in pairs
                and T.substitute(m.init[map_b[s]], same) is m.init[map_a[twin]]):
            pairs.append((map_a[twin], map_b[s]))

    # ------------------------------------------------ what is compared, and from when
    cycle = _cycle_counter(m, sem, shared)
    for n in compared:
        ref, gate = va(sys_a.signals[n]), rb(sys_b.signals[n])
        mk = mask_a(sys_a.signals[n]) if isinstance(ref.sort, BV) else None
        if sem is not None and sem.latency:
            ref, mk = _delayed(m, n, ref, mk, sem.latency * sem.steps_per_cycle)
        if mk is None:
            good = T.eq(ref, gate)
        else:
            good = T.eq(T.and_(T.xor(ref, gate), T.not_(mk)), T.const(0, ref.width))
        if cycle is not None and sem is not None and sem.first_compared:
            good = T.implies(T.ule(T.const(sem.first_compared, cycle.width), cycle), good)
        m.add_assert(n, good)
    for n, t in sys_a.signals.items():
        m.signals.setdefault(f"a.{n}", va(t))
    for n, t in sys_b.signals.items():
        m.signals.setdefault(f"b.{n}", rb(t))
    m.compared = compared
    m.shared_inputs = sorted(shared)
    m.shared_inits = shared_inits
    m.register_pairs = pairs
    m.semantics = sem
    m.sides = (sys_a, original_b) if sem is not None else None
    m.x_sources = len(xs_a) if refine else len(xs_a) + len(xs_b)
    m.free_states = [s.name for s in m.states if s not in m.init and s in m.next]
    m.unmatched = _unmatched(sys_a, sys_b, twins, shared, compared)
    m.notes.append(f"miter of {sys_a.name} (a.*) and {sys_b.name} (b.*): {len(shared)} shared inputs, "
                   f"{len(shared_inits)} registers starting equal, {len(compared)} compared signals")
    if sem is not None:
        m.notes.append(f"equivalence semantics: {sem.describe()}"
                       + (f"; {m.x_sources} undefined source(s) in the reference" if refine else ""))
        for kind, names in m.unmatched.items():
            if names:
                m.notes.append(f"unmatched {kind}: {', '.join(names[:8])}"
                               + (f" (+{len(names) - 8} more)" if len(names) > 8 else ""))
    return m


def xm_shadows(xm: XMask, sys_a: TransitionSystem) -> list[tuple[Term, Term]]:
    """(reference state, its shadow mask state) for the registers ``XMask`` was given shadows for."""
    return [(s, xm.mask(s)) for s in sys_a.states if s in sys_a.next and isinstance(s.sort, BV)
            and xm.mask(s).op == "var"]


def _cycle_counter(m: Miter, sem: EquivSemantics | None, shared: dict[str, Term]) -> Term | None:
    """``$equiv.cycle`` (saturating at the first compared cycle) and the reset constraint, when needed."""
    if sem is not None and sem.clock:
        _toggle_clock(m, sem.clock, shared)
    if sem is None or (sem.reset is None and not sem.latency):
        return None
    limit = max(sem.first_compared, sem.reset_steps)
    width = max(1, limit.bit_length())
    cycle = m.add_state(CYCLE, width, init=T.const(0, width))
    m.set_next(cycle, T.ite(T.eq(cycle, T.const(limit, width)), cycle, T.add(cycle, T.const(1, width))))
    if sem.reset is not None:
        rst = shared.get(sem.reset.signal)
        if rst is None:
            raise ProverError(f"--reset {sem.reset.signal}: no input of that name in both designs "
                              f"(shared inputs: {', '.join(sorted(shared)) or 'none'})")
        level = T.const(sem.reset.level if rst.width == 1 else (-sem.reset.level) % (1 << rst.width), rst.width)
        m.add_constraint(T.implies(T.ult(cycle, T.const(sem.reset_steps, width)), T.eq(rst, level)))
    return cycle


def _toggle_clock(m: Miter, clock: str, shared: dict[str, Term]) -> None:
    """Constrain the shared one-bit input ``clock`` to 0, 1, 0, 1, ... (``$equiv.clock``)."""
    clk = shared.get(clock)
    if clk is None or clk.width != 1:
        raise ProverError(f"clock {clock}: no one-bit input of that name in both designs "
                          f"(shared inputs: {', '.join(sorted(shared)) or 'none'})")
    phase = m.add_state("$equiv.clock", 1, init=T.const(0, 1))
    m.set_next(phase, T.not_(phase))
    m.add_constraint(T.eq(clk, phase))


def _delayed(m: Miter, name: str, value: Term, mask: Term | None, latency: int) -> tuple[Term, Term | None]:
    """``value`` (and its mask) ``latency`` cycles late, through a line of miter states."""
    for k in range(1, latency + 1):
        st = m.add_state(f"$equiv.{name}@-{k}", value.sort, next=value)
        value = st
        if mask is not None:
            mst = m.add_state(f"$equiv.{name}$x@-{k}", mask.sort, next=mask)
            mask = mst
    return value, mask


def _yosys_made(name: str) -> bool:
    """Is ``name`` one yosys made up (an unnamed BTOR2 ``state25``, ``$auto$...``, ``$procdff$12``)?

    (A frontend's own ghost names such as pyverilog's ``$past1`` are stable for one design and still pair.)
    """
    return re.match(r"^state\d+$", name) is not None or "$auto$" in name or re.match(r"^\$\w+\$\d", name) is not None


def _unmatched(sys_a: TransitionSystem, sys_b: TransitionSystem, twins: dict[Term, Term],
               shared: dict[str, Term], compared: Sequence[str]) -> dict[str, list[str]]:
    """Registers and ports of each design that found no counterpart (internal yosys states left out)."""
    paired_a = set(twins.values())

    def visible(name: str) -> bool:
        return not _yosys_made(name) and "$" not in name

    out = {
        "reference registers": sorted(s.name for s in sys_a.states if s in sys_a.next and s not in paired_a
                                      and visible(s.name)),
        "gate registers": sorted(s.name for s in sys_b.states if s in sys_b.next and s not in twins
                                 and visible(s.name)),
        "reference inputs": sorted(v.name for v in sys_a.inputs if v.name not in shared and visible(v.name)),
        "gate inputs": sorted(v.name for v in sys_b.inputs if v.name not in shared and visible(v.name)),
        "reference outputs": sorted(set(sys_a.outputs) - set(compared)),
        "gate outputs": sorted(set(sys_b.outputs) - set(compared)),
    }
    return out
