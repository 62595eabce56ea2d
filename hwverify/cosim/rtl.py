"""The RTL as Icarus Verilog elaborates it: ports, variables, memories and clock edges, by name.

Why: cosim and replay must work for every design the proof accepts, whatever
frontend lowered it, so nothing here comes from our own Verilog parser.
``elaborate`` compiles the design alone with ``iverilog`` and reads the
compiled ``.vvp`` file, which lists every scope (module instances, generate
and named blocks) with its variables, nets and arrays, the top's ports with
their directions, and the events processes wait on (``posedge clk``). The
model and the RTL are then matched by hierarchical name (``u_core.state``),
as both frontends name signals.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from hwverify.errors import HwverifyError

__all__ = ["RtlError", "RtlDesign", "elaborate", "have_iverilog", "iverilog_command"]


class RtlError(HwverifyError):
    """Icarus could not compile or run the design."""


def have_iverilog() -> bool:
    return shutil.which("iverilog") is not None and shutil.which("vvp") is not None


@dataclass
class RtlDesign:
    """What Icarus sees of ``top``: ports in order, variables and memories by hierarchical name."""

    top: str
    inputs: list[tuple[str, int]] = field(default_factory=list)
    outputs: list[tuple[str, int]] = field(default_factory=list)
    nets: dict[str, int] = field(default_factory=dict)            # name -> width (variables and nets)
    regs: set[str] = field(default_factory=set)                   # names of variables (can be deposited)
    memories: dict[str, tuple[int, int, int]] = field(default_factory=dict)   # name -> (lo, hi, width)
    edges: dict[str, set[str]] = field(default_factory=dict)      # top input -> {"posedge", "negedge"}

    def has(self, name: str) -> bool:
        return name in self.nets or name in self.memories


def iverilog_command(files: Sequence[str], out: str, tops: Sequence[str], *, formal: bool = False,
                     defines: Mapping[str, str] | None = None, include_dirs: Sequence[str] = ()) -> list[str]:
    """The ``iverilog`` command line: SystemVerilog mode, ``FORMAL`` defined when asked."""
    cmd = ["iverilog", "-g2012", "-o", out]
    for t in tops:
        cmd += ["-s", t]
    for k, v in {**({"FORMAL": "1"} if formal else {}), **(defines or {})}.items():
        cmd += ["-D", f"{k}={v}" if v is not None else k]
    for inc in include_dirs:
        cmd += ["-I", os.path.abspath(inc)]
    return cmd + [os.path.abspath(f) for f in files]


_SCOPE = re.compile(r'^(S_0x[0-9a-f]+) \.scope (\S+), "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"[^;]*?(?:, (S_0x[0-9a-f]+))?;')
_PORT = re.compile(r'^\s+\.port_info \d+ /(INPUT|OUTPUT|INOUT) (\d+) "((?:[^"\\]|\\.)*)";')
_VAR = re.compile(r'^(v0x[0-9a-f]+_0) \.(var|net)(?:/\S+)? "((?:[^"\\]|\\.)*)", (-?\d+) (-?\d+)(?:, (\S+?);|;)?')
_ARRAY = re.compile(r'^(v0x[0-9a-f]+) \.array(?:/\S+)? "((?:[^"\\]|\\.)*)", (-?\d+) (-?\d+), (-?\d+) (-?\d+);')
_EVENT = re.compile(r'^E_0x[0-9a-f]+(?:/\d+)? \.event (posedge|negedge|anyedge|edge), (.*);')
_NAMED_SCOPES = ("module", "generate", "begin", "autobegin", "fork")


def parse_vvp(text: str, top: str | None) -> RtlDesign:
    """Read a compiled design's ``.vvp`` text into an ``RtlDesign`` rooted at ``top`` (None: the first root)."""
    design = RtlDesign(top or "")
    paths: dict[str, str | None] = {}      # scope id -> hierarchical prefix below top (None: outside)
    current: str | None = None
    root: str | None = None
    functor: dict[str, str] = {}           # vvp net id -> the functor it aliases (same signal)
    top_ports: dict[str, str] = {}         # top input name -> its net id
    port_dirs: list[tuple[str, int, str]] = []
    for line in text.split("\n"):
        m = _SCOPE.match(line)
        if m:
            sid, kind, name, _type, parent = m.groups()
            kind = kind.split(".")[0]
            if root is None and kind == "module" and parent is None and name == (top or name):
                root, paths[sid] = sid, ""
                design.top = name
            elif parent in paths and paths[parent] is not None and kind in _NAMED_SCOPES:
                paths[sid] = paths[parent] + name + "."
            else:
                paths[sid] = None          # function/task scopes, other roots ($unit, the testbench)
            current = sid
            continue
        if current is None or paths.get(current) is None:
            if (e := _EVENT.match(line)) and root is not None:
                _note_edges(e, functor, design)
            continue
        prefix = paths[current]
        if (p := _PORT.match(line)) and current == root:
            port_dirs.append((p.group(3), int(p.group(2)), p.group(1)))
            continue
        if v := _VAR.match(line):
            vid, kind, name, msb, lsb, src = v.groups()
            if name.startswith("_ivl_") or name.startswith("$"):
                continue
            full = prefix + name
            design.nets[full] = abs(int(msb) - int(lsb)) + 1
            if kind == "var":
                design.regs.add(full)
            functor[vid] = src or vid
            if current == root:
                top_ports[name] = vid
            continue
        if a := _ARRAY.match(line):
            _vid, name, lo, hi, msb, lsb = a.groups()
            lo_i, hi_i = sorted((int(lo), int(hi)))
            design.memories[prefix + name] = (lo_i, hi_i, abs(int(msb) - int(lsb)) + 1)
            continue
        if (e := _EVENT.match(line)) and root is not None:
            _note_edges(e, functor, design)
    if root is None:
        raise RtlError(f"Icarus did not elaborate a top module named {top!r}")
    design.inputs = [(n, w) for n, w, d in port_dirs if d == "INPUT"]
    design.outputs = [(n, w) for n, w, d in port_dirs if d == "OUTPUT"]
    # edges: an event on any net that aliases a top input (a submodule's clk port is the same functor)
    by_functor = {functor.get(top_ports[n], top_ports[n]): n for n, _ in design.inputs if n in top_ports}
    pending = design.edges
    design.edges = {}
    for net, kinds in pending.items():
        port = by_functor.get(functor.get(net, net))
        if port is not None:
            design.edges.setdefault(port, set()).update(kinds)
    return design


def _note_edges(m: re.Match, functor: dict[str, str], design: RtlDesign) -> None:
    kind = m.group(1)
    if kind not in ("posedge", "negedge"):
        return
    for net in m.group(2).split(","):
        design.edges.setdefault(net.strip(), set()).add(kind)


def elaborate(files: Sequence[str], top: str | None, *, formal: bool = False,
              defines: Mapping[str, str] | None = None, include_dirs: Sequence[str] = ()) -> RtlDesign:
    """Compile ``files`` with ``top`` as root (None: Icarus' own choice) and read back what it elaborated."""
    if not have_iverilog():
        raise RtlError("Icarus Verilog (iverilog, vvp) is not installed: `apt-get install iverilog`")
    with tempfile.TemporaryDirectory(prefix="hwverify-rtl-") as tmp:
        out = os.path.join(tmp, "design.vvp")
        r = subprocess.run(iverilog_command(files, out, [top] if top else [], formal=formal, defines=defines,
                                            include_dirs=include_dirs), capture_output=True, text=True)
        if r.returncode or not os.path.exists(out):
            raise RtlError(f"Icarus could not compile {top or 'the design'}: {_first_errors(r.stdout + r.stderr)}")
        with open(out, errors="replace") as fh:
            return parse_vvp(fh.read(), top)


def _first_errors(log: str, n: int = 6) -> str:
    lines = [line for line in log.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()] or lines
    return "\n".join(errors[:n]) or "no output"
