"""Proof scripts (``.hwp``): one tactic per line, ``#`` comments, run top to bottom.

A script stops at the first tactic that fails; the outcome names that line
and keeps the proof state there, so ``hwverify prove --script`` can print it
(exit 4). A malformed line (unknown tactic, an expression that does not
parse) is a user error located at ``file:line:column`` (exit 16). A script
that runs to its end with goals still open says so the same way as a failed
tactic, pointing at its last line.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from hwverify.errors import FrontendError, HwverifyError, ProverError, SourceLoc
from hwverify.prover.result import Result
from hwverify.prover.tactics.session import TACTICS, ProofSession, TacticError
from hwverify.prover.tactics.view import ProofView
from hwverify.semantics.system import TransitionSystem

__all__ = ["ScriptLine", "ScriptOutcome", "parse_script", "read_script", "run_script", "run_script_file"]


@dataclass(frozen=True)
class ScriptLine:
    """A tactic line of a script: its 1-based line number, its text and the column it starts at."""

    number: int
    text: str
    column: int


@dataclass
class ScriptOutcome:
    """How a script ended: the session, the line that failed (None when it ran through) and why."""

    session: ProofSession
    path: str
    failed: ScriptLine | None = None
    message: str = ""
    views: list[tuple[ScriptLine, ProofView]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed is None and self.session.complete

    def result(self) -> Result:
        """Per-assertion verdicts, with the script's failure in the reasons and in ``stats["script"]``."""
        where = f"{self.path}:{self.failed.number}" if self.failed else self.path
        reason = f"proof script {where}: {self.message}" if self.message else ""
        result = self.session.result(reason)
        result.engine = "script"
        if self.failed is not None or not self.session.complete:
            result.stats["script"] = {"path": self.path, "line": self.failed.number if self.failed else None,
                                      "tactic": self.failed.text if self.failed else None,
                                      "message": self.message, "state": str(self.session.view())}
        result.stats["script_steps"] = len(self.session.state.steps)
        return result


def parse_script(text: str, path: str = "<script>") -> list[ScriptLine]:
    """The tactic lines of ``text``; an unknown tactic is a ``TacticError`` at its line."""
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        body = raw.split("#", 1)[0].rstrip()
        stripped = body.lstrip()
        if not stripped:
            continue
        column = len(body) - len(stripped) + 1
        name = stripped.split()[0]
        if name not in TACTICS:
            raise TacticError(f"unknown tactic {name!r}; tactics: {', '.join(TACTICS)}",
                              SourceLoc(path, number, column))
        lines.append(ScriptLine(number, stripped, column))
    return lines


def read_script(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as e:
        raise ProverError(f"cannot read proof script: {e.strerror}", SourceLoc(path)) from None


def run_script(session: ProofSession, text: str, path: str = "<script>",
               on_step: Callable[[ScriptLine, ProofView], None] | None = None) -> ScriptOutcome:
    """Apply the script's tactics to ``session`` in order, stopping at the first that fails."""
    outcome = ScriptOutcome(session, path)
    lines = parse_script(text, path)
    for line in lines:
        try:
            view = session.run(line.text)
        except HwverifyError as e:
            raise _located(e, path, line) from None
        outcome.views.append((line, view))
        if on_step is not None:
            on_step(line, view)
        if not view.ok:
            outcome.failed, outcome.message = line, f"{line.text}: {view.message}"
            return outcome
    if not session.complete:
        open_goals = ", ".join(g.label() for g in session.state.goals)
        outcome.failed = lines[-1] if lines else ScriptLine(0, "", 1)
        outcome.message = f"the script ends with open goals: {open_goals}"
    return outcome


def _located(e: HwverifyError, path: str, line: ScriptLine) -> HwverifyError:
    """``e`` pointing into the script: the line, and the column inside the tactic when it has one."""
    column = line.column
    if e.loc is not None and e.loc.column is not None:
        # an expression error: its column counts from the expression's start within the line
        name, _, rest = line.text.partition(" ")
        expr = rest.split(":", 1)[1] if name == "lemma" and ":" in rest else rest
        start = line.text.find(expr.strip()) if expr.strip() else 0
        column = line.column + max(start, 0) + e.loc.column - 1
    cls = type(e) if isinstance(e, (FrontendError, TacticError)) else ProverError
    return cls(f"{line.text.split()[0]}: {e.message}", SourceLoc(path, line.number, column))


def run_script_file(system: TransitionSystem, path: str, *, solver: str = "bitwuzla", depth: int = 20,
                    timeout: float | None = None, seed: int = 0, simple_path: bool = True,
                    progress: Callable[[str], None] | None = None) -> tuple[Result, TransitionSystem]:
    """Run the script at ``path`` on ``system``: the verdicts and the system they are about.

    The system returned is the session's own copy, with whatever the script
    added (registers for ``past`` in lemmas, ``assume_reset``'s first-cycle
    flag); certificates and traces refer to it.
    """
    start = time.monotonic()
    text = read_script(path)
    session = ProofSession(system, solver=solver, depth=depth, timeout=timeout, seed=seed,
                           simple_path=simple_path)

    def step(line: ScriptLine, view: ProofView) -> None:
        if progress is not None:
            progress(f"script line {line.number}: {line.text}")
    outcome = run_script(session, text, path, on_step=step)
    try:
        result = outcome.result()
    except ProverError as e:
        raise ProverError(e.message, SourceLoc(path)) from None
    result.time = time.monotonic() - start
    return result, session.system
