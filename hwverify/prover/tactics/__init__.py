"""Interactive proofs: a proof state, tactics over it, invariant discovery and proof scripts.

``ProofSession(system)`` holds the design's assertions as goals; tactics
(``induct``, ``lemma``, ``strengthen``, ``case``, ``unroll``, ``houdini``,
``auto``, ...) close them or explain with a counterexample to induction why
they do not. ``run_script`` runs a ``.hwp`` file of tactics. Every proof ends
as ordinary k-induction certificates that the kernel re-checks.
"""
from hwverify.prover.tactics.session import TACTICS, ProofSession, TacticError
from hwverify.prover.tactics.view import ProofView

__all__ = ["ProofSession", "ProofView", "TacticError", "TACTICS"]
