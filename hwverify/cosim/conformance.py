"""Golden-model conformance: run named vectors through an RTL core in Icarus, compare with a Python model.

The pytest side (this module, used by ``pytest_helpers.assert_conformance``)
and the simulator side (``conformance_tb``, a cocotb test module run inside
Icarus) share one JSON file of vectors. The split is deliberate: the golden
model runs here, in the test's own process, so it need not be importable in
the simulator and cannot be affected by it; only the *driver* (an ``async``
function that applies one vector to the core's own interface and returns
what the core produced) runs in the simulator. The comparison happens here
too, so the failure message names the vector, its inputs, the expected and
the actual value, which ``pytest --junitxml`` carries into the CI report.

Values crossing the process boundary are JSON: ints (any size), strings,
lists, dicts with string keys, and ``bytes`` (encoded as ``{"$bytes": hex}``).
"""
from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from hwverify.cosim.common import CosimConfig
from hwverify.cosim.runner import run_module

TB_MODULE = "hwverify.cosim.conformance_tb"
VECTORS_FILE = "conformance.json"
NOT_RUN = "not run: the simulation ended before this vector"


@dataclass(frozen=True)
class Vector:
    """One named stimulus: ``inputs`` go to the driver and to the model alike."""

    name: str
    inputs: Mapping[str, Any]


def encode(value: Any) -> Any:
    """A JSON-able form of ``value`` (bytes tagged, tuples as lists)."""
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": bytes(value).hex()}
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    raise TypeError(f"conformance values must be bytes, int, str, bool, list or dict, not {type(value).__name__}")


def decode(value: Any) -> Any:
    """Invert ``encode``: tagged dicts become bytes again."""
    if isinstance(value, dict):
        if set(value) == {"$bytes"}:
            return bytes.fromhex(value["$bytes"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def show(value: Any, limit: int = 200) -> str:
    """A short readable form for messages: bytes and large ints in hex."""
    if isinstance(value, (bytes, bytearray)):
        text = bytes(value).hex()
    elif isinstance(value, bool) or not isinstance(value, (int, dict, list, tuple)):
        text = repr(value)
    elif isinstance(value, int):
        text = hex(value) if abs(value) > 9 else str(value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k}={show(v, limit)}" for k, v in value.items())
    else:
        text = "[" + ", ".join(show(v, limit) for v in value) + "]"
    return text if len(text) <= limit else text[:limit] + "..."


def function_ref(fn: Callable | str | None) -> tuple[str | None, list[str]]:
    """``"module:function"`` for ``fn`` and the folder to put on the simulator's ``sys.path``.

    The driver runs in the simulator's Python, so it must be importable there
    by module name; a function object is named by its module, whose top-level
    package's parent folder is added to the path.
    """
    if fn is None:
        return None, []
    if isinstance(fn, str):
        if ":" not in fn:
            raise ValueError(f"a driver given by name must be 'module:function', not {fn!r}")
        return fn, []
    module, qual = fn.__module__, fn.__qualname__
    if "<" in qual or module == "__main__":
        raise ValueError(f"driver {qual} must be a module-level function of an importable module "
                         f"(it runs inside the simulator), not defined in {module}")
    path = getattr(sys.modules.get(module), "__file__", None)
    roots = []
    if path:
        root = os.path.dirname(os.path.abspath(path))
        depth = module.count(".") + (os.path.basename(path) == "__init__.py")
        for _ in range(depth):
            root = os.path.dirname(root)
        roots.append(root)
    return f"{module}:{qual}", roots


def resolve_ref(ref: str) -> Callable:
    """Import ``"module:function"`` (simulator side)."""
    module, _, name = ref.partition(":")
    obj: Any = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


@dataclass
class Outcome:
    """One vector's result: the model's value, the core's value, or the driver's error."""

    vector: Vector
    expected: Any
    actual: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.actual == self.expected

    def describe(self) -> str:
        head = f"vector {self.vector.name!r}: inputs {show(dict(self.vector.inputs))}"
        if self.error == NOT_RUN:
            return f"{head}\n    {NOT_RUN}"
        if self.error is not None:
            return f"{head}\n    expected {show(self.expected)}\n    driver error: {self.error}"
        return f"{head}\n    expected {show(self.expected)}\n    actual   {show(self.actual)}"


@dataclass
class ConformanceResult:
    """What a conformance run found: every vector's outcome, and where the log is."""

    top: str
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    sim_seconds: float = 0.0
    log: str | None = None
    stopped: str | None = None        # why the simulation ended before the last vector, if it did
    waveform: str | None = None       # the FST file, with waves=True

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        return not self.failures and self.stopped is None

    def summary(self, max_report: int = 5) -> str:
        n, bad = len(self.outcomes), self.failures
        if self.ok:
            return f"{self.top}: all {n} vectors agree with the golden model ({self.seconds:.1f} s)"
        lines = [f"{self.top}: {len(bad)} of {n} vectors differ from the golden model"]
        if self.stopped:
            lines[0] += f"; the simulation stopped early: {self.stopped}"
        lines += ["  " + o.describe() for o in bad[:max_report]]
        if len(bad) > max_report:
            lines.append(f"  ... and {len(bad) - max_report} more: "
                         + ", ".join(repr(o.vector.name) for o in bad[max_report:max_report + 20]))
        if self.log:
            lines.append(f"  simulator log: {self.log}")
        if self.waveform:
            lines.append(f"  waveform: {self.waveform}")
        return "\n".join(lines)


def as_vectors(vectors: Iterable[Vector | tuple[str, Mapping]] | Mapping[str, Mapping]) -> list[Vector]:
    """Accept ``Vector``s, ``(name, inputs)`` pairs or a ``{name: inputs}`` mapping."""
    items = vectors.items() if isinstance(vectors, Mapping) else vectors
    out = [v if isinstance(v, Vector) else Vector(str(v[0]), v[1]) for v in items]
    names = [v.name for v in out]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"vector names must be unique: {', '.join(map(repr, dup[:5]))} repeat")
    return out


def run_conformance(files: Sequence[str], top: str, *, driver: Callable | str, model: Callable[[Mapping], Any],
                    vectors: Iterable | Mapping, reset: Callable | str | None = None, clock: str | None = "clk",
                    period_ns: int = 10, defines: Mapping[str, str] | None = None,
                    include_dirs: Sequence[str] = (), seed: int = 0, work_dir: str | None = None,
                    waves: bool = False) -> ConformanceResult:
    """Drive every vector through ``top`` in Icarus with ``driver``; compare each with ``model(inputs)``.

    ``driver(dut, inputs)`` is an ``async`` function run in the simulator,
    once per vector in order, on one simulation (the core is reset once, by
    ``reset(dut)`` if given, after ``clock`` starts toggling with
    ``period_ns``); it returns the core's answer in the model's form.
    Without ``work_dir`` the build goes to a temporary folder, removed when
    every vector agrees and kept (with the simulator log) when one does not.
    """
    t0 = time.perf_counter()
    vecs = as_vectors(vectors)
    expected = [decode(encode(model(v.inputs))) for v in vecs]
    drv, roots = function_ref(driver)
    rst, rst_roots = function_ref(reset)
    own = work_dir is None
    work = work_dir or tempfile.mkdtemp(prefix=f"hwverify-kat-{top}-")
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, VECTORS_FILE), "w") as fh:
        json.dump({"driver": drv, "reset": rst, "clock": clock, "period_ns": period_ns,
                   "vectors": [{"name": v.name, "inputs": encode(dict(v.inputs))} for v in vecs]}, fh)
    cfg = CosimConfig(files=[os.path.abspath(f) for f in files], top=top, defines=dict(defines or {}),
                      include_dirs=[os.path.abspath(d) for d in include_dirs], seed=seed)
    data, log = run_module(cfg, TB_MODULE, work, defines=dict(defines or {}), waves=waves,
                           extra_path=sorted(set(roots + rst_roots)))
    res = ConformanceResult(top, log=log, sim_seconds=data.get("seconds", 0.0), stopped=data.get("stopped"))
    got = data.get("results", [])
    for i, (v, exp) in enumerate(zip(vecs, expected)):
        if i < len(got):
            r = got[i]
            res.outcomes.append(Outcome(v, exp, decode(r.get("actual")), r.get("error")))
        else:
            res.outcomes.append(Outcome(v, exp, error=NOT_RUN))
    fst = os.path.join(work, "waves", f"{top}.fst")
    res.waveform = fst if waves and os.path.exists(fst) else None
    if own and res.ok and not waves:
        shutil.rmtree(work, ignore_errors=True)     # kept on failure: the message points at its log
        res.log = None
    res.seconds = time.perf_counter() - t0
    return res
