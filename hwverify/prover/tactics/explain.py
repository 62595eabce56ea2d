"""Why ``prove`` ended UNKNOWN: the counterexample to induction, and what to try next.

k-induction that runs out of depth only says "not k-inductive". This asks the
step case once more at that depth to get its model, lays it out as a CTI
table, and runs Houdini to find an invariant that rules the CTI out: that
invariant is the suggested lemma, given as a ready-to-run proof script. When
none blocks it, the suggestion is a deeper induction or a longer BMC run.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from hwverify.prover.tactics.cti import CTI
from hwverify.prover.tactics.session import ProofSession
from hwverify.semantics.system import TransitionSystem

__all__ = ["Explanation", "explain_unknown"]


@dataclass
class Explanation:
    """The CTI of one open assertion and suggested next steps (script lines)."""

    prop: str
    k: int
    cti: CTI | None
    text: str                       # the proof state with the CTI, as printed
    suggestions: list[str] = field(default_factory=list)
    script: str = ""                # a proof script trying the first suggestion


def explain_unknown(system: TransitionSystem, prop: str, k: int, *, solver: str = "bitwuzla",
                    timeout: float | None = 60.0, seed: int = 0, simple_path: bool = True) -> Explanation:
    """The counterexample to ``k``-induction of assertion ``prop`` and suggestions (hints of the CTI)."""
    session = ProofSession(system, [prop], solver=solver, depth=k, timeout=timeout, seed=seed,
                           simple_path=simple_path)
    view = session.run(f"induct {max(1, k)}")
    if view.ok:   # the property is k-inductive after all (another solver, a timeout before)
        return Explanation(prop, k, None, f"{prop} is {k}-inductive: rerun prove with --depth {k}")
    state = session.state
    hints = list(state.hints)
    lemmas = [h for h in hints if h.startswith("lemma ")]
    script = ""
    if lemmas:
        script = "\n".join([f"# hwverify prove ... --script proof.hwp  (suggested for {prop})", lemmas[0],
                            "induct 1", ""])
    return Explanation(prop, k, state.cti, str(view), hints, script)
