"""The solver layer: one incremental interface, several back ends registered by name.

Engines talk only to ``Solver``; each back end (``prover/backends/<name>.py``)
converts our terms with its own iterative walker and declares itself with
``register``. ``make_solver(name)`` fails with the list of installed back ends
when a name is unknown or its library is missing.

Answers are ``SAT``, ``UNSAT`` or ``UNKNOWN`` (with a reason: timeout,
resource limit, solver gave up). A solver error is raised as ``ProverError``,
never turned into a verdict.
"""
from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from typing import Callable, Sequence

from hwverify.errors import ProverError
from hwverify.semantics.terms import Term
from hwverify.semantics.values import Value

SAT, UNSAT, UNKNOWN = "sat", "unsat", "unknown"


class Solver(ABC):
    """Incremental SMT solving over hwverify terms.

    ``add`` asserts a 1-bit term; ``check`` decides the conjunction of all
    added terms and the optional ``assumptions`` (1-bit terms that hold for
    this call only); after SAT, ``value`` gives model values.
    """

    name: str = "abstract"

    def __init__(self, timeout: float | None = None):
        self.timeout = timeout
        self.last_reason: str = ""  # why the last check said UNKNOWN
        self.checks = 0

    @abstractmethod
    def add(self, term: Term) -> None: ...

    @abstractmethod
    def check(self, assumptions: Sequence[Term] = ()) -> str: ...

    @abstractmethod
    def value(self, term: Term) -> Value: ...

    @abstractmethod
    def push(self) -> None: ...

    @abstractmethod
    def pop(self) -> None: ...

    def set_timeout(self, seconds: float | None) -> None:
        """Limit each following ``check`` to ``seconds`` of wall time (None: no limit)."""
        self.timeout = seconds

    def close(self) -> None:
        """Release native resources."""

    def __enter__(self) -> "Solver":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


SolverFactory = Callable[..., Solver]

# name -> module that registers it when imported
_BACKEND_MODULES = {
    "bitwuzla": "hwverify.prover.backends.bitwuzla_backend",
    "cvc5": "hwverify.prover.backends.cvc5_backend",
    "z3": "hwverify.prover.backends.z3_backend",
    "pysmt": "hwverify.prover.backends.pysmt_backend",
}
_registry: dict[str, SolverFactory] = {}


def register(name: str, factory: SolverFactory) -> None:
    """Make a back end available under ``name``."""
    _registry[name] = factory


def _load(name: str) -> SolverFactory:
    if name not in _registry:
        module = _BACKEND_MODULES.get(name)
        if module is None:
            raise ProverError(f"unknown solver {name!r}; known solvers: {', '.join(_BACKEND_MODULES)}")
        try:
            importlib.import_module(module)
        except ImportError as e:
            raise ProverError(f"solver {name!r} is not installed ({e}); installed: {', '.join(available_solvers())}") from e
    return _registry[name]


def make_solver(name: str = "bitwuzla", timeout: float | None = None) -> Solver:
    """A fresh solver of back end ``name``."""
    return _load(name)(timeout=timeout)


def available_solvers() -> list[str]:
    """Back ends whose libraries import on this machine."""
    out = []
    for name, module in _BACKEND_MODULES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            continue
        if name in _registry:
            out.append(name)
    return out
