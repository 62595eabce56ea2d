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
    for name in KERNEL_SOLVERS:
        if name != avoid:
            return name
    return KERNEL_SOLVERS[0]
