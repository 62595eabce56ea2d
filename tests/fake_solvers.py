"""A solver that is bitwuzla in disguise, for fault-injection tests to override where it misbehaves."""
from hwverify.prover.solvers import Solver, make_solver


class BitwuzlaInDisguise(Solver):
    """Delegates everything to bitwuzla; subclasses override ``check`` (and ``value``) with a fault."""

    def __init__(self, timeout=None):
        super().__init__(timeout)
        self.inner = make_solver("bitwuzla", timeout)

    def add(self, t):
        self.inner.add(t)

    def push(self):
        self.inner.push()

    def pop(self):
        self.inner.pop()

    def value(self, t):
        return self.inner.value(t)

    def check(self, assumptions=()):
        return self.inner.check(assumptions)
