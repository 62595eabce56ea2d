"""What the simulator side and the runner side of cosim share.

The runner (``runner.py``, in the ``hwverify`` process) and the cocotb test
modules (``lockstep.py``, ``replay.py``, run inside Icarus' embedded Python)
talk through one JSON file: the runner writes a ``CosimConfig``, points the
``HWVERIFY_COSIM_CONFIG`` environment variable at it, and the test writes its
result to ``config.result``. The design is lowered again inside the
simulator (the evaluator must run there, and terms do not cross processes),
by ``load_system`` as the proof lowers it, and matched with Icarus' own
elaboration by name (``mapping.map_design``).
"""
from __future__ import annotations

import importlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from hwverify.cosim.mapping import RESETS, map_design
from hwverify.cosim.rtl import elaborate
from hwverify.frontend.load import load_system

ENV_CONFIG = "HWVERIFY_COSIM_CONFIG"

# Reset ports by name: rst, rst_n, reset, resetn, arst_ni, clr, clear ...
PERIOD_NS = 10        # one clock cycle; inputs change at 10k, values sampled and edge at 10k+5
SAMPLE_NS = 5


@dataclass
class CosimConfig:
    """Everything a cocotb test module needs to rebuild the model and do its job."""

    files: list[str]
    top: str
    frontend: str | None = None        # None: by file kind, as the proof chooses
    defines: dict[str, str] = field(default_factory=dict)
    include_dirs: list[str] = field(default_factory=list)
    cycles: int = 1000
    seed: int = 0
    result: str = ""
    mutate: str | None = None          # "module:function" applied to the lowered system (fault injection)
    reset_cycles: int = 2              # reset held active in the first cycles
    reset_rate: float = 0.02           # then asserted at random with this probability
    max_tries: int = 200               # rejection-sampling attempts per cycle
    trace: str | None = None           # replay: the trace JSON
    rtl_formal: bool = False           # the RTL was compiled with FORMAL defined
    multiclock: bool = False
    asserts: list[str] = field(default_factory=list)   # properties given on the command line
    assumes: list[str] = field(default_factory=list)
    covers: list[str] = field(default_factory=list)

    def dump(self, path: str) -> None:
        with open(path, "w") as fh:
            json.dump(asdict(self), fh, indent=1)

    @staticmethod
    def load(path: str | None = None) -> "CosimConfig":
        path = path or os.environ.get(ENV_CONFIG)
        if not path:
            raise RuntimeError(f"{ENV_CONFIG} is not set: this module runs inside a cocotb simulation "
                               "started by hwverify.cosim.runner")
        with open(path) as fh:
            return CosimConfig(**json.load(fh))


def write_result(cfg: CosimConfig, data: dict[str, Any]) -> None:
    if cfg.result:
        with open(cfg.result, "w") as fh:
            json.dump(data, fh, indent=1)


@dataclass
class RtlInfo:
    """What the cocotb harness needs of the RTL: clock, ports, registers and memories by name."""

    top: str
    clock: str | None
    clock_edge: str
    inputs: list[tuple[str, int]]
    outputs: list[tuple[str, int]]
    registers: list[str]
    memories: dict[str, tuple[int, int]]     # name -> (lowest index, depth)


def load_model(cfg: CosimConfig):
    """Lower the design as the proof does (``load_system``); return (system, RtlInfo from Icarus' elaboration)."""
    system = load_system(cfg.files, top=cfg.top, frontend=cfg.frontend or None, defines=dict(cfg.defines),
                         include_dirs=list(cfg.include_dirs), asserts=cfg.asserts, assumes=cfg.assumes,
                         covers=cfg.covers, multiclock=cfg.multiclock)
    rtl = elaborate(cfg.files, cfg.top, formal=cfg.rtl_formal, defines=dict(cfg.defines),
                    include_dirs=list(cfg.include_dirs))
    pm = map_design(system, rtl)
    info = RtlInfo(cfg.top, pm.clock, pm.edge, list(pm.inputs), list(rtl.outputs),
                   [s.name for s in system.states if rtl.has(s.name)],
                   {n: (lo, hi - lo + 1) for n, (lo, hi, _w) in rtl.memories.items()})
    if cfg.mutate:
        mod, _, fn = cfg.mutate.partition(":")
        system = getattr(importlib.import_module(mod), fn)(system) or system
    return system, info


def reset_ports(info) -> dict[str, int]:
    """Reset inputs by name, each with its active level (0 for ``rst_n``-style names)."""
    out = {}
    for name, width in info.inputs:
        m = RESETS.search(name.rsplit(".", 1)[-1])
        if m and width == 1:
            out[name] = 0 if m.group(3) else 1
    return out


# ------------------------------------------------------------- RTL handles
def resolve(dut, name: str):
    """The cocotb handle of hierarchical ``name`` below ``dut`` (``u_core.gen[1].x``), or None."""
    obj = dut
    try:
        for part in name.split("."):
            m = re.fullmatch(r"([A-Za-z_][\w$]*)((?:\[-?\d+\])*)", part)
            if m:
                obj = getattr(obj, m.group(1))
                for idx in re.findall(r"\[(-?\d+)\]", m.group(2)):
                    obj = obj[int(idx)]
            else:
                obj = obj._id(part, extended=False)
        return obj
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return None


def read(handle) -> int | str:
    """The value of ``handle`` as an int, or its text when it holds x/z bits."""
    v = handle.value
    try:
        if v.is_resolvable:
            return v.to_unsigned()
    except AttributeError:   # a single Logic / integer-like value
        pass
    s = str(v)
    if re.fullmatch(r"[01]+", s):
        return int(s, 2)
    try:
        return int(v)
    except (TypeError, ValueError):
        return s


def memory_words(handle, lo: int, depth: int):
    """(address offset, word handle) for each word of an RTL memory."""
    out = []
    for i in range(depth):
        try:
            out.append((i, handle[lo + i]))
        except (IndexError, KeyError, TypeError):
            return []
    return out


def fmt(v) -> str:
    return f"0x{v:x}" if isinstance(v, int) else str(v)


def src_has_formal_functions(files: list[str]) -> bool:
    """Whether the formal code uses constructs Icarus 11 cannot simulate ($past, $anyconst, ...)."""
    src = "\n".join(open(f).read() for f in files)
    return bool(re.search(r"\$(past|stable|rose|fell|changed|initstate|anyconst|anyseq|allconst|allseq)\b", src))
