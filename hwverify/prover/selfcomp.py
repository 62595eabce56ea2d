"""Self-composition: noninterference of secrets as a safety property of two copies of one design.

``self_compose(system, secrets=[...], public=[...])`` runs the design twice
side by side (``a.*`` and ``b.*``, as a miter names its sides) and asserts,
for each public signal ``o``, ``a.o == b.o`` (named ``o``). The two copies
see the same world except for the secrets:

* every input that is not secret is one shared input (``din``); a secret
  input is free in each copy on its own (``a.key``, ``b.key``) in every cycle;
  a *conditionally* secret input (``secret_when={input: cond}``: a bus that
  carries the key only in the cycles it writes the key register) is the shared
  input where ``cond`` is false and the copy's own ``a.bus_wdata`` /
  ``b.bus_wdata`` where it holds (``cond`` is read in each copy with the
  input itself at its shared value, so it never depends on the secret data);
* a secret register starts free in each copy on its own (its initial value,
  if the design gives one, is dropped: the contents before the run are the
  secret); any other register keeps its initial value, and one without an
  initial value starts equal in both copies (the power-up contents are
  unknown but public);
* the RTL's undefined values (``x`` sources) are private to each copy: an
  output that shows an ``x`` is not trusted to hide the secret;
* both copies' constraints hold; the design's own properties are dropped.

``when`` (a 1-bit term over the design) restricts the comparison to cycles
where it holds in *either* copy: a guard that itself depends on the secret
(``done`` early for some keys) still compares, so a timing leak is a FAIL.
Each ``release`` term is declassified: only pairs of runs in which it is
equal in both copies, in every cycle so far, are compared (a constraint
``a.r == b.r``), so the outputs may depend on the secret through ``r`` and
no other way (delimited release; the ciphertext after ``done``).

A FAIL is a pair of runs with equal public inputs whose public outputs
differ: the trace holds both copies' secrets and the first such cycle. A
PASS means no pair of runs of any length differs under those assumptions.
The result is a ``Miter`` so the engines, the kernel and the CLI's miter
printing take it as they take an equivalence miter.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from hwverify.errors import ProverError
from hwverify.prover.miter import Miter
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term
from hwverify.semantics.transform_xprop import x_sources

__all__ = ["self_compose", "secret_variables"]


def secret_variables(system: TransitionSystem, secrets: Sequence[str]) -> list[Term]:
    """The inputs and registers named in ``secrets`` (a wire that is a register's value names it too)."""
    by_name = {v.name: v for v in system.inputs + system.states}
    out: list[Term] = []
    for name in secrets:
        var = by_name.get(name)
        if var is None:
            signal = system.signals.get(name)
            var = signal if signal is not None and signal.op == "var" and signal in by_name.values() else None
        if var is None:
            inputs = ", ".join(v.name for v in system.inputs if not v.name.startswith("$")) or "none"
            raise ProverError(f"secret {name!r} is neither an input nor a register of {system.name} "
                              f"(inputs: {inputs})")
        if var not in out:
            out.append(var)
    if not out:
        raise ProverError("name at least one secret input or register (--secret)")
    return out


def self_compose(system: TransitionSystem, secrets: Sequence[str], public: Sequence[str],
                 when: Term | None = None, release: Sequence[Term] = (), name: str | None = None,
                 secret_when: Mapping[str, Term] | None = None) -> Miter:
    """Two copies of ``system`` that share everything but ``secrets``; assert ``public`` agree (see module doc).

    ``secret_when`` maps secret inputs named in ``secrets`` to the 1-bit condition under which they are
    secret (elsewhere shared)."""
    secret = secret_variables(system, secrets)
    conditional: dict[Term, Term] = {}
    for n, cond in (secret_when or {}).items():
        var = next((v for v in secret if v.name == n), None)
        if var is None or var not in system.inputs:
            raise ProverError(f"a conditional secret must be an input named in the secrets, not {n!r}")
        if cond.sort != T.BOOL:
            raise ProverError(f"the condition of secret {n!r} must be one bit, not {cond.sort}")
        conditional[var] = cond
    if not public:
        raise ProverError("name at least one public output to compare (--public)")
    for n in public:
        if n not in system.signals:
            raise ProverError(f"public signal {n!r} is not a signal of {system.name} "
                              f"(outputs: {', '.join(system.outputs) or 'none'})")
    private = set(secret) | set(x_sources(system))
    m = Miter(name=name or f"secure({system.name})")
    shared: dict[Term, Term] = {}
    for v in system.inputs:
        if v not in private or v in conditional:
            shared[v] = m.add_input(v.name, v.sort)
    maps: list[dict[Term, Term]] = []
    own: list[dict[Term, Term]] = []
    for prefix in ("a.", "b."):
        mapping: dict[Term, Term] = {}
        for v in system.inputs:
            mapping[v] = (shared[v] if v in shared and v not in conditional
                          else m.add_input(f"{prefix}{v.name}", v.sort))
        for v in system.states:
            mapping[v] = m.add_state(f"{prefix}{v.name}", v.sort)
        maps.append(mapping)
        own.append({v: mapping[v] for v in conditional})
    for mapping, private_values in zip(maps, own):   # a conditional secret: the copy's own value where cond holds
        cond_map = {**mapping, **{v: shared[v] for v in conditional}}
        conds = T.substitute_all(list(conditional.values()), cond_map, {})
        for (v, _), c in zip(conditional.items(), conds):
            mapping[v] = T.ite(c, private_values[v], shared[v])
    map_a, map_b = maps
    memo_a: dict[Term, Term] = {}
    memo_b: dict[Term, Term] = {}

    def ra(t: Term) -> Term:
        return T.substitute_all([t], map_a, memo_a)[0]

    def rb(t: Term) -> Term:
        return T.substitute_all([t], map_b, memo_b)[0]

    pairs: list[tuple[Term, Term]] = []
    shared_inits: list[str] = []
    for s in system.states:
        a_s, b_s = map_a[s], map_b[s]
        if s in system.next:
            m.set_next(a_s, ra(system.next[s]))
            m.set_next(b_s, rb(system.next[s]))
        if s in private:
            continue                               # secret contents / undefined: free in each copy
        if s in system.init:
            m.set_init(a_s, ra(system.init[s]))
            m.set_init(b_s, rb(system.init[s]))
        else:
            m.set_init(b_s, a_s)                   # unknown but public: the same in both copies
            shared_inits.append(s.name)
        if s in system.next:
            pairs.append((a_s, b_s))
        else:                                      # a public free value every cycle: shared
            m.add_constraint(T.eq(a_s, b_s))
    for c in system.constraints:
        m.add_constraint(ra(c))
        m.add_constraint(rb(c))
    for r in release:
        m.add_constraint(T.eq(ra(r), rb(r)))
    guard = T.or_(ra(when), rb(when)) if when is not None else None
    for n in public:
        good = T.eq(ra(system.signals[n]), rb(system.signals[n]))
        m.add_assert(n, T.implies(guard, good) if guard is not None else good)
    for n, t in system.signals.items():
        m.signals.setdefault(f"a.{n}", ra(t))
    for n, t in system.signals.items():
        m.signals.setdefault(f"b.{n}", rb(t))
    if when is not None:
        m.signals["$secure.when"] = guard
    m.compared = list(public)
    m.shared_inputs = sorted(v.name for v in shared)
    m.shared_inits = shared_inits
    m.register_pairs = pairs
    m.semantics = None
    m.unmatched = {}
    m.sides = None
    m.x_sources = len(private) - len(secret)
    m.free_states = [s.name for s in m.states if s not in m.init and s in m.next]
    m.secrets = [v.name for v in secret]
    m.secret_columns = [f"{side}.{v.name}" for v in secret for side in "ab"]
    m.copy_inputs = {side: {v.name: mp[v] for v in system.inputs} for side, mp in zip("ab", maps)}
    m.design_system = system   # the design each copy runs (replaying the two runs in a simulator)
    m.notes.append(f"self-composition of {system.name} (a.*, b.*: two runs with independent secrets "
                   f"{', '.join(m.secrets)}): {len(shared)} shared public inputs"
                   + (f" ({len(conditional)} of them secret while their condition holds)" if conditional else "")
                   + f", {len(shared_inits)} registers "
                   f"starting equal, {m.x_sources} undefined source(s) private to each run, compared "
                   f"{', '.join(public)}" + (" while the --when condition holds in either run" if guard is not None
                                             else "") + (f", {len(release)} released expression(s) assumed equal"
                                                         if release else ""))
    return m
