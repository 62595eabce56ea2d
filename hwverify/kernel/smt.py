"""Deciding one SMT-LIB 2 script with a chosen solver, through its own parser.

The kernel hands solvers text, not terms: this keeps it independent of the
engines' term converters, and the same text is what a certificate exports.
"""
from __future__ import annotations

import time

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
        # cvc5's own bit-blaster: its default (CaDiCaL through the lazy BV solver) took
        # over 20 s on array+arithmetic BMC frames this decides in about 2 s
        s.setOption("bv-solver", "bitblast-internal")
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


# Kernel solvers by obligation kind and whether the formula still has arrays (arrays of up to
# 64 elements are flattened first, ``flatten.py``), fastest first, as measured on the bundled
# designs by bench/kernel_overhead.py --solvers (bench/results/kernel_overhead.json, "solvers":
# summed over every design's evidence, bitwuzla is fastest on every kind, by 10-100x on bounded
# sessions and steps; z3 beats cvc5 there, cvc5 beats z3 on safety). solver_order still puts
# the engine's solver last. No bundled design keeps an array after flattening, so the array
# rows are the earlier general order (z3 last: Z3Prover/z3#8065).
PREFERENCE: dict[tuple[str, bool], list[str]] = {
    ("bounded", False): ["bitwuzla", "z3", "cvc5"],
    ("bounded", True): ["bitwuzla", "cvc5", "z3"],
    ("step", False): ["bitwuzla", "z3", "cvc5"],
    ("step", True): ["bitwuzla", "cvc5", "z3"],
    ("safety", False): ["bitwuzla", "cvc5", "z3"],
    ("safety", True): ["bitwuzla", "cvc5", "z3"],
}


def solver_order(avoid: str, uses_arrays: bool, kind: str | None = None) -> list[str]:
    """Kernel solvers to try, those other than ``avoid`` first.

    ``kind`` (bounded, step, safety) picks the measured preference; without it
    the general one. z3 4.15.4 mis-decides some constant-array equalities
    (Z3Prover/z3#8065), so for scripts with arrays it never comes first.
    """
    if kind is None:
        preference = ["bitwuzla", "cvc5", "z3"] if uses_arrays else ["z3", "cvc5", "bitwuzla"]
    else:
        preference = PREFERENCE[kind, uses_arrays]
    return [s for s in preference if s != avoid] + ([avoid] if avoid in preference else [])


FIRST_SLICE = 1.0   # seconds each solver gets before the next one is tried
GROWTH = 4.0        # each later round gives every solver this many times more


def decide_with_fallback(script: str, solvers: list[str], timeout: float | None = None) -> tuple[str, str, list[str]]:
    """Decide ``script`` with the first solver that answers ``sat`` or ``unsat``.

    Solvers take turns with growing time slices (1 s each, then 4 s, 16 s, ...
    until ``timeout`` is spent, or forever without one): bit-vector solvers differ
    by orders of magnitude on the same obligation (cvc5 needs minutes on some
    array+arithmetic BMC frames bitwuzla decides in 0.2 s), and an ``unknown`` or
    a crash is never an answer, so trying another solver costs time, not trust.
    Returns (answer, solver used, notes on solvers that raised or gave up); the
    answer is ``error`` if every solver raised, else ``unknown`` when time ran out.
    """
    notes: list[str] = []
    failed: set[str] = set()
    deadline = None if timeout is None else time.monotonic() + timeout
    slice_ = FIRST_SLICE
    while True:
        tried = False
        for name in solvers:
            if name in failed:
                continue
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return "unknown", "", notes
            budget = slice_ if left is None else min(slice_, left)
            tried = True
            try:
                answer = decide(script, name, budget)
            except Exception as e:  # noqa: BLE001 - any solver failure is a reason to try another
                failed.add(name)
                notes.append(f"{name} failed: {str(e).splitlines()[0][:160] if str(e) else type(e).__name__}")
                continue
            if answer in ("sat", "unsat"):
                return answer, name, notes
            notes.append(f"{name}: no answer within {budget:.0f} s")
        if not tried:
            return "error", "", notes
        slice_ *= GROWTH
