"""Propagation: push lemmas to the next frame while they stay inductive; detect the fixpoint.

For each level i from 1 to the frontier, every lemma of ``F_i`` that is
inductive relative to ``F_i`` moves to ``F_{i+1}`` (shrunk by the query's
core). When a level is left without lemmas, ``F_i = F_{i+1}``: that frame is
an inductive invariant (it contains the initial states, is closed under the
transition relation and, being no larger than the frontier, excludes the bad
states). The check is made after each level, so the proof is found as soon
as a level empties.
"""
from __future__ import annotations

from hwverify.prover.pdr.context import Context
from hwverify.prover.pdr.generalize import consecution


def propagate(ctx: Context) -> int | None:
    """Push lemmas forward; the level i with ``F_i = F_{i+1}``, if one empties."""
    frames = ctx.frames
    k = frames.top - 1
    for i in range(1, k + 1):
        for cube in sorted(frames.lemmas[i], key=len):
            if cube not in frames.lemmas[i]:
                continue  # subsumed by a lemma pushed meanwhile
            ctx.check_time()
            ok, core = consecution(ctx, i, cube)
            if ok:
                frames.move_up(cube, i, core)  # type: ignore[arg-type]
        if not frames.lemmas[i]:
            return i
    return None
