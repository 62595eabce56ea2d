"""hwverify: formal verification of RTL with independently checked evidence.

The public API, loaded on first use (importing ``hwverify.errors`` must not
load every engine and solver)::

    from hwverify import Task, Mode, verify
    run = verify(Task(design=["counter.v"], top="counter", mode=Mode.PROVE))
    print(run.status, [(p.name, p.status) for p in run.properties])
"""
from __future__ import annotations

import importlib
from typing import Any

# public name -> module that defines it
_API = {
    "Task": "hwverify.run.task", "Gate": "hwverify.run.task", "Mode": "hwverify.prover.result",
    "Status": "hwverify.prover.result", "verify": "hwverify.run.session", "RunResult": "hwverify.run.session",
    "load_system": "hwverify.frontend.load", "check_certificate_dir": "hwverify.kernel.certdir",
    "check_certificate": "hwverify.kernel", "check_trace": "hwverify.kernel",
    "HwverifyError": "hwverify.errors", "FrontendError": "hwverify.errors", "UsageError": "hwverify.errors",
}
__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'hwverify' has no attribute {name!r}")
    value = getattr(importlib.import_module(_API[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
