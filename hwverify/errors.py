"""Exception types, one per layer, each able to carry a source location.

Every error a user can cause (bad file, unsupported construct, unknown signal)
is one of these; the CLI prints them as a single ``file:line: message`` line and
exits 16. They also inherit ``ValueError`` so plain callers can catch them.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceLoc:
    """A place in a source file (1-based line, optional column)."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        s = self.file
        if self.line is not None:
            s += f":{self.line}"
            if self.column is not None:
                s += f":{self.column}"
        return s


class HwverifyError(ValueError):
    """Base of all user-facing errors; ``loc`` says where, when known."""

    def __init__(self, message: str, loc: SourceLoc | None = None):
        super().__init__(message)
        self.message = message
        self.loc = loc

    def __str__(self) -> str:
        return f"{self.loc}: {self.message}" if self.loc else self.message


class SemanticsError(HwverifyError):
    """Ill-sorted terms, malformed transition systems, bad BTOR2."""


class FrontendError(HwverifyError):
    """Bad or unsupported design input (Verilog, SystemVerilog, Amaranth, properties)."""


class ProverError(HwverifyError):
    """Solver or engine failure that is not a verdict (crash, garbage answer, bad option)."""


class UnsupportedError(HwverifyError, NotImplementedError):
    """A construct we recognise but do not handle; never silently approximated."""


class UsageError(HwverifyError):
    """A bad command line or task setting (unknown option value, negative depth): exit 16, never 2."""
