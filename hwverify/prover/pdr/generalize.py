"""Inductive generalisation: MIC by literal dropping with counterexamples to generalisation (CTG).

After ``~cube`` is shown inductive relative to ``F_level``, ``mic`` tries to
drop each literal (least active first); a candidate that fails because of a
predecessor state ``t`` (a CTG) gets a second chance: if ``t`` itself can be
blocked one level lower, its lemma is learned and the candidate retried, up
to ``MAX_CTGS`` times; otherwise the candidate is joined with ``t`` (keeping
the literals ``t`` agrees with). This is Hassan, Bradley and Somenzi's
"Better generalization in IC3" (FMCAD 2013) as IC3ref implements it, with
its defaults (CTG depth 1, 3 CTGs, 3 failed drops before giving up).

Every cube handed out here excludes the initial states (``Context.initiation``),
so every lemma holds in ``F_0``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from hwverify.prover.pdr.model import Cube

if TYPE_CHECKING:  # the context imports this module's functions at run time
    from hwverify.prover.pdr.context import Context

MAX_CTG_DEPTH = 1
MAX_CTGS = 3
MIC_ATTEMPTS = 3


def consecution(ctx: "Context", level: int, cube: Cube, want_core: bool = True,
                want_pred: bool = False) -> tuple[bool, Cube | None]:
    """Is ``~cube`` inductive relative to ``F_level``? On success, a sub-cube that still is.

    On failure with ``want_pred``, the second item is the (lifted) predecessor state.
    """
    frames = ctx.frames
    if frames.relative_induction(level, cube):
        if not want_pred:
            return False, None
        state, inputs = ctx.read_state(frames.last)
        return False, ctx.lifter.predecessor(state, inputs, cube)
    if not want_core:
        return True, cube
    core_set = frames.last.core()
    primed = ctx.primed
    core = tuple(l for l in cube if (primed[abs(l)] if l > 0 else -primed[abs(l)]) in core_set)
    return True, ctx.initiation_fix(core, cube)


def mic(ctx: "Context", level: int, cube: Cube, depth: int) -> Cube:
    """Drop literals of ``cube`` while ``~cube`` stays inductive relative to ``F_level``."""
    order = sorted(cube, key=lambda l: ctx.activity.get(abs(l), 0.0))
    attempts = MIC_ATTEMPTS
    i = 0
    while i < len(order):
        cand = tuple(sorted((l for j, l in enumerate(order) if j != i), key=abs))
        ok, smaller = ctg_down(ctx, level, cand, depth)
        if ok:
            kept = set(smaller)
            order = [l for l in order if l in kept]
        else:
            attempts -= 1
            if attempts == 0:
                break
            i += 1
        ctx.check_time()
    return tuple(sorted(order, key=abs))


def ctg_down(ctx: "Context", level: int, cube: Cube, depth: int) -> tuple[bool, Cube]:
    """Make ``~cube`` (or a sub-cube's clause) inductive relative to ``F_level``, handling CTGs."""
    ctgs = 0
    while True:
        if not cube or ctx.intersects_init(cube):
            return False, cube
        if depth > MAX_CTG_DEPTH:
            ok, core = consecution(ctx, level, cube)
            return ok, core if ok else cube
        ok, result = consecution(ctx, level, cube, want_pred=True)
        if ok:
            return True, result  # type: ignore[return-value]
        ctg = result  # a predecessor of some state of cube, in F_level
        assert ctg is not None
        if (ctgs < MAX_CTGS and level > 0 and not ctx.intersects_init(ctg)):
            ok2, core = consecution(ctx, level - 1, ctg)
            if ok2:
                ctgs += 1
                generalize(ctx, level - 1, core, depth + 1)  # type: ignore[arg-type]
                continue
        ctgs = 0
        keep = set(ctg)
        joined = tuple(l for l in cube if l in keep)
        if len(joined) == len(cube):  # pragma: no cover - ctg is a predecessor, so it differs somewhere
            return False, cube
        cube = joined


def generalize(ctx: "Context", level: int, cube: Cube, depth: int = 1) -> int:
    """Shrink ``cube`` (relatively inductive at ``level``), push it as high as it goes, learn it.

    Returns the level the lemma was added at (``F_1..F_n`` exclude ``cube``).
    """
    cube = mic(ctx, level, cube, depth)
    n = level + 1
    while n <= ctx.frames.top - 1:
        ok, core = consecution(ctx, n, cube)
        if not ok:
            break
        cube = core  # type: ignore[assignment]
        n += 1
    ctx.learn(cube, n)
    return n
