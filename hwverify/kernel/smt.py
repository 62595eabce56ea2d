"""Deciding one SMT-LIB 2 script with a chosen solver, through its own parser.

The kernel hands solvers text, not terms: this keeps it independent of the
engines' term converters, and the same text is what a certificate exports.
"""
from __future__ import annotations

KERNEL_SOLVERS = ("z3", "cvc5", "bitwuzla")


def decide(script: str, solver: str, timeout: float | None = None) -> str:
    """``sat``, ``unsat`` or ``unknown`` for a script without ``(check-sat)``."""
    if solver == "z3":
        import z3
        uses_arrays = "(Array " in script
        s = z3.SolverFor("QF_ABV") if uses_arrays else z3.Then("simplify", "bit-blast", "sat").solver()
        if timeout is not None:
            s.set("timeout", max(1, int(timeout * 1000)))
        s.from_string(script)
        return str(s.check())
    if solver == "cvc5":
        import cvc5
        s = cvc5.Solver()
        s.setOption("arrays-exp", "true")  # constant arrays need it
        if timeout is not None:
            s.setOption("tlimit-per", str(max(1, int(timeout * 1000))))
        parser = cvc5.InputParser(s)
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, script, "obligation")
        symbols = parser.getSymbolManager()
        while True:
            command = parser.nextCommand()
            if command.isNull():
                break
            command.invoke(s, symbols)
        r = s.checkSat()
        return "sat" if r.isSat() else "unsat" if r.isUnsat() else "unknown"
    if solver == "bitwuzla":
        import bitwuzla
        options = bitwuzla.Options()
        if timeout is not None:
            options.set(bitwuzla.Option.TIME_LIMIT_PER, max(1, int(timeout * 1000)))
        parser = bitwuzla.Parser(bitwuzla.TermManager(), options)
        parser.parse(script, True, False)
        return str(parser.bitwuzla().check_sat())
    raise ValueError(f"the kernel cannot use solver {solver!r}; choose one of {', '.join(KERNEL_SOLVERS)}")


def pick_solver(avoid: str) -> str:
    """A kernel solver different from the one that found the proof, when possible."""
    return solver_order(avoid, uses_arrays=False)[0]


def solver_order(avoid: str, uses_arrays: bool) -> list[str]:
    """Kernel solvers to try, those other than ``avoid`` first.

    z3 4.15.4 mis-decides some constant-array equalities (Z3Prover/z3#8065), so for
    scripts with arrays it comes last.
    """
    preference = ["bitwuzla", "cvc5", "z3"] if uses_arrays else ["z3", "cvc5", "bitwuzla"]
    return [s for s in preference if s != avoid] + ([avoid] if avoid in preference else [])


def decide_with_fallback(script: str, solvers: list[str], timeout: float | None = None) -> tuple[str, str, list[str]]:
    """Decide ``script`` with the first solver that does not fail.

    Returns (answer, solver used, notes on solvers that raised). A solver that raises
    (unsupported construct, parser limitation) is skipped; if all raise, the answer is
    ``error``, which the caller treats as NOT VERIFIED.
    """
    notes = []
    for name in solvers:
        try:
            return decide(script, name, timeout), name, notes
        except Exception as e:  # noqa: BLE001 - any solver failure is a reason to try another
            notes.append(f"{name} failed: {str(e).splitlines()[0][:160] if str(e) else type(e).__name__}")
    return "error", "", notes
