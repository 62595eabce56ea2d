"""Incremental SMT-LIB sessions: one live solver reading a script piece by piece.

A bounded claim ("P holds in frames 0..k-1") is k queries over one growing
unrolling. Deciding them in one session, where each frame's transition is
parsed and bit-blasted once and learnt clauses carry over, turns the O(k^2)
work of k separate scripts into O(k). The session still takes SMT-LIB text
and parses it with the solver's own parser (bitwuzla, cvc5 and z3 each read
``push``/``pop``), so the kernel stays independent of every term converter.

``IncrementalDecider`` keeps the robustness of ``smt.decide_with_fallback``:
an ``unknown`` or a crash is never an answer; the next solver gets a fresh
session, replays the assertions so far (text, cheap to parse) and is asked
again, with time slices growing each round.
"""
from __future__ import annotations

import time

from hwverify.kernel.smt import FIRST_SLICE, GROWTH, KERNEL_SOLVERS

CHECK = "(check-sat)"


def _pieces(text: str) -> list[str]:
    """``text`` cut at each ``(check-sat)`` line (the kernel prints one command per line)."""
    out, cur = [], []
    for line in text.splitlines(keepends=True):
        if line.strip() == CHECK:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(line)
    out.append("".join(cur))
    return out


class Session:
    """One solver instance fed SMT-LIB text; ``feed`` returns the answer of each ``(check-sat)``."""

    name = ""

    def __init__(self, budget: float | None):
        self.budget = budget  # seconds per check-sat, None for no limit

    def feed(self, text: str) -> list[str]:
        pieces = _pieces(text)
        answers = []
        for i, piece in enumerate(pieces):
            if piece.strip():
                self._run(piece)
            if i + 1 < len(pieces):
                answers.append(self._check())
        return answers

    def _run(self, text: str) -> None:
        raise NotImplementedError

    def _check(self) -> str:
        raise NotImplementedError


class BitwuzlaSession(Session):
    """Bitwuzla's parser in parse-only mode (it executes push/pop, skips check-sat); checks through the API."""

    name = "bitwuzla"

    def __init__(self, budget: float | None):
        super().__init__(budget)
        import bitwuzla
        options = bitwuzla.Options()
        if budget is not None:
            options.set(bitwuzla.Option.TIME_LIMIT_PER, max(1, int(budget * 1000)))
        self.parser = bitwuzla.Parser(bitwuzla.TermManager(), options)

    def _run(self, text: str) -> None:
        self.parser.parse(text, True, False)

    def _check(self) -> str:
        return str(self.parser.bitwuzla().check_sat())


class Cvc5Session(Session):
    """cvc5's input parser, one per piece, sharing a symbol manager; checks through the API."""

    name = "cvc5"

    def __init__(self, budget: float | None):
        super().__init__(budget)
        import cvc5
        self.cvc5 = cvc5
        s = cvc5.Solver()
        s.setOption("incremental", "true")
        s.setOption("arrays-exp", "true")  # constant arrays need it
        # cvc5's own bit-blaster: its default (CaDiCaL through the lazy BV solver) took
        # over 20 s on array+arithmetic BMC frames this decides in about 2 s
        s.setOption("bv-solver", "bitblast-internal")
        if budget is not None:
            s.setOption("tlimit-per", str(max(1, int(budget * 1000))))
        self.solver = s
        self.symbols = cvc5.SymbolManager(s.getTermManager())

    def _run(self, text: str) -> None:
        parser = self.cvc5.InputParser(self.solver, self.symbols)
        parser.setStringInput(self.cvc5.InputLanguage.SMT_LIB_2_6, text, "obligation")
        while True:
            command = parser.nextCommand()
            if command.isNull():
                return
            command.invoke(self.solver, self.symbols)

    def _check(self) -> str:
        r = self.solver.checkSat()
        return "sat" if r.isSat() else "unsat" if r.isUnsat() else "unknown"


class Z3Session(Session):
    """z3's SMT-LIB command interpreter (``Z3_eval_smtlib2_string``), which keeps its state across calls.

    Scripts without arrays must declare ``QF_BV``: z3 then answers incremental
    queries with its SAT-based bit-vector solver (16 FIFO frames: 0.4 s; under
    ``QF_ABV`` its general core took 50 s).
    """

    name = "z3"

    def __init__(self, budget: float | None):
        super().__init__(budget)
        import z3
        self.z3 = z3
        self.ctx = z3.Context()
        if budget is not None:
            self._eval(f"(set-option :timeout {max(1, int(budget * 1000))})\n")

    def _eval(self, text: str) -> str:
        out = self.z3.Z3_eval_smtlib2_string(self.ctx.ref(), text)
        if "(error" in out:
            raise RuntimeError(out.strip().splitlines()[0])
        return out

    def _run(self, text: str) -> None:
        self._eval(text)

    def _check(self) -> str:
        out = self._eval(CHECK + "\n").strip()
        return out if out in ("sat", "unsat") else "unknown"


SESSIONS = {"bitwuzla": BitwuzlaSession, "cvc5": Cvc5Session, "z3": Z3Session}


def open_session(solver: str, budget: float | None) -> Session:
    """A fresh session of ``solver`` with ``budget`` seconds per check-sat."""
    if solver not in SESSIONS:
        raise ValueError(f"the kernel cannot use solver {solver!r}; choose one of {', '.join(KERNEL_SOLVERS)}")
    return SESSIONS[solver](budget)


class IncrementalDecider:
    """Permanent assertions (``add``) and queries (``ask``) over one session, with solver fallback.

    ``ask`` wraps its text in ``push``/``pop``; the answer holds for the
    permanent assertions so far plus that text. ``timeout`` bounds each
    ``ask`` (like ``decide_with_fallback``'s per script), not the session.
    """

    def __init__(self, solvers: list[str], timeout: float | None = None):
        if not solvers:
            raise ValueError("no kernel solver to decide with")
        self.solvers = list(solvers)
        self.timeout = timeout
        self.log: list[str] = []          # permanent text, replayed into a new session
        self.notes: list[str] = []        # solvers that raised or gave up
        self.failed: set[str] = set()
        self.current = 0                  # index into solvers
        self.slice = FIRST_SLICE
        self.session: Session | None = None
        self.used: list[str] = []         # solver of each answered query

    def add(self, text: str) -> None:
        """Assert ``text`` (declarations, definitions, assertions) for every later query."""
        self.log.append(text)
        if self.session is not None:
            try:
                self.session.feed(text)
            except Exception as e:  # noqa: BLE001 - a solver failure moves to the next solver
                self._fail(self.session.name, e)

    def _fail(self, name: str, e: Exception) -> None:
        self.failed.add(name)
        msg = str(e).splitlines()[0][:160] if str(e) else type(e).__name__
        self.notes.append(f"{name} failed: {msg}")
        self.session = None

    def _advance(self) -> None:
        """Move to the next usable solver; a full turn grows the time slice."""
        self.session = None
        for _ in range(len(self.solvers)):
            self.current += 1
            if self.current == len(self.solvers):
                self.current = 0
                self.slice *= GROWTH
            if self.solvers[self.current] not in self.failed:
                return

    def ask(self, text: str) -> tuple[str, str]:
        """(``sat``/``unsat``, solver) for the assertions so far plus ``text``; else ``unknown``/``error``."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        query = f"(push 1)\n{text}{CHECK}\n(pop 1)\n"
        while True:
            if len(self.failed) == len(set(self.solvers)):
                return "error", ""
            name = self.solvers[self.current]
            if name in self.failed:
                self._advance()
                continue
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return "unknown", ""
            budget = self.slice if left is None else min(self.slice, left)
            try:
                if self.session is None:   # its per-check budget is fixed when it opens
                    self.session = open_session(name, budget)
                    self.session.feed("".join(self.log))
                [answer] = self.session.feed(query)
            except Exception as e:  # noqa: BLE001 - any solver failure is a reason to try another
                self._fail(name, e)
                self._advance()
                continue
            if answer in ("sat", "unsat"):
                self.used.append(name)
                return answer, name
            self.notes.append(f"{name}: no answer within {budget:.0f} s")
            self._advance()
