"""Blocking: clear the frontier frame of bad states, one proof obligation at a time.

A bad state in ``F_k`` becomes an obligation at level ``k-1``: show that no
state of ``F_{k-1}`` steps into it. If one does, its (lifted) predecessor
becomes an obligation one level lower; an obligation at level 0 with a
predecessor has an initial predecessor, which closes a counterexample. If
none does, the cube is generalised into a lemma (``generalize.py``) and the
obligation is re-queued at the level after the lemma's, as IC3ref does, so
deep counterexamples are found without waiting for the frames to grow;
this is also why a counterexample can be longer than the frontier (the
engine reports whether its trace has the minimal depth).
"""
from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass

from hwverify.prover.pdr.context import Context
from hwverify.prover.pdr.generalize import generalize
from hwverify.prover.pdr.model import Cube


@dataclass(eq=False)
class Obligation:
    """A cube to block at ``level``, the concrete state and inputs it came from, and its successor."""

    level: int
    cube: Cube
    state: list[int]
    inputs: list[int]
    succ: "Obligation | None"

    def chain(self) -> list["Obligation"]:
        """This obligation and its successors up to the bad state."""
        out: list[Obligation] = []
        ob: Obligation | None = self
        while ob is not None:
            out.append(ob)
            ob = ob.succ
        return out


def _sub_cube(ctx: Context, lifted: Cube, state: list[int]) -> Cube:
    """``lifted`` unless it reaches into the initial states; then the full (non-initial) state."""
    if not ctx.intersects_init(lifted):
        return lifted
    return tuple(sorted(state, key=abs))


def strengthen(ctx: Context) -> Obligation | None:
    """Block every bad state of the frontier frame; a counterexample's first obligation if one is real."""
    frames = ctx.frames
    k = frames.top - 1
    seq = itertools.count()
    while True:
        ctx.check_time()
        if not frames.bad(k):
            return None
        state, inputs = ctx.read_state(frames.last)
        cube = ctx.lifter.bad_state(state, inputs)
        bad = Obligation(k - 1, (), state, inputs, None)
        if ctx.intersects_init(tuple(state)):
            return bad  # an initial state that is bad (only possible with k = 0)
        bad.cube = _sub_cube(ctx, cube, state)
        heap: list[tuple[int, int, Obligation]] = [(bad.level, next(seq), bad)]
        while heap:
            ctx.check_time()
            level, _, ob = heapq.heappop(heap)
            done = frames.blocked_at(ob.cube, level + 1)
            if done is not None:  # a lemma already excludes it from F_{level+1}: no query needed
                if done <= k:
                    heapq.heappush(heap, (done, next(seq), ob))
                continue
            if frames.relative_induction(level, ob.cube):
                pstate, pinputs = ctx.read_state(frames.last)
                pred = Obligation(level - 1, (), pstate, pinputs, ob)
                if level == 0 or ctx.intersects_init(tuple(pstate)):
                    return pred  # the predecessor is an initial state
                pred.cube = _sub_cube(ctx, ctx.lifter.predecessor(pstate, pinputs, ob.cube), pstate)
                heapq.heappush(heap, (level, next(seq), ob))
                heapq.heappush(heap, (pred.level, next(seq), pred))
                continue
            core_set = frames.last.core()
            primed = ctx.primed
            core = tuple(l for l in ob.cube if (primed[abs(l)] if l > 0 else -primed[abs(l)]) in core_set)
            n = generalize(ctx, level, ctx.initiation_fix(core, ob.cube))
            if n <= k:
                ob.level = n
                heapq.heappush(heap, (n, next(seq), ob))
