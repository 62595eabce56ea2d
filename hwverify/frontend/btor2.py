"""BTOR2 as a frontend: a design that is already a transition system.

The reader itself is a format (``hwverify.formats.btor2``, shared with the
kernel and the certificate writer); this module is the frontend's side of it,
so a ``.btor2`` file is chosen and loaded like any other design.
"""
from __future__ import annotations

from typing import Sequence

from hwverify.errors import FrontendError, SourceLoc
from hwverify.formats.btor2 import read_btor2_file
from hwverify.semantics.system import TransitionSystem

__all__ = ["lower_btor2"]


def lower_btor2(paths: Sequence[str]) -> TransitionSystem:
    """Read the one BTOR2 file in ``paths`` (a system has no hierarchy to join several)."""
    if len(paths) != 1:
        raise FrontendError("give exactly one BTOR2 file", SourceLoc(paths[1] if len(paths) > 1 else "<none>"))
    return read_btor2_file(paths[0])
