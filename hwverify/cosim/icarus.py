"""Cross-check a lowered Verilog design against Icarus Verilog, cycle by cycle.

Why: the frontend's meaning must be the simulator's meaning. ``compare``
drives the RTL in Icarus and the lowered system in our evaluator with the same
random inputs from the same initial state and reports the first cycle and
signal where they differ. The testbench generated here is deliberately
simple: inputs change right after the inactive clock edge, every named
signal is printed one time unit later (so combinational logic and
asynchronous resets have settled: that is the model's cycle ``k``), then the
active edge comes.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Mapping

from hwverify.cosim.rtl import have_iverilog
from hwverify.frontend.verilog.calls import unset_memory_words
from hwverify.frontend.verilog.lower import VerilogInfo, lower_verilog
from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import CompiledSystem, random_value
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import BV
from hwverify.semantics.values import ArrayValue

RESETS = re.compile(r"(^|_)(rst|reset|clr|clear)(_?n|_ni?)?$", re.I)


@dataclass
class Mismatch:
    cycle: int
    signal: str
    icarus: str
    model: int

    def __str__(self) -> str:
        return f"cycle {self.cycle}: {self.signal} is {self.icarus} in Icarus but {self.model:x} in the model"


@dataclass
class Comparison:
    cycles: int
    compared: int = 0               # signal values compared
    skipped_x: int = 0              # values Icarus reported as x/z
    mismatches: list[Mismatch] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)
    observations: list = field(default_factory=list)      # the model's Observation per cycle
    icarus_log: str = ""
    formal_checked: bool = False
    fired: list[tuple[str, int, int]] = field(default_factory=list)   # (file, line, time)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def default_stimulus(info: VerilogInfo, rng: random.Random) -> Callable[[int], dict[str, int]]:
    """Uniform random inputs, except resets which are active rarely (and in cycle 0)."""
    def stim(k: int) -> dict[str, int]:
        out = {}
        for name, w in info.inputs:
            if RESETS.search(name.rsplit(".", 1)[-1]):
                active_low = name.lower().endswith("n") and not name.lower().endswith("clean")
                active = k == 0 or rng.random() < 0.03
                out[name] = int(active) ^ int(active_low)
            else:
                out[name] = rng.getrandbits(w)
        return out
    return stim


def _verilog_path(name: str) -> str:
    """``u_core.gen[0].x`` as a hierarchical reference below ``dut``."""
    parts = []
    for p in name.split("."):
        m = re.fullmatch(r"([A-Za-z_][\w$]*)(\[-?\d+\])?", p)
        parts.append(p if m else f"\\{p} ")
    return "dut." + ".".join(parts)


def testbench(info: VerilogInfo, signals: list[tuple[str, int]], init: Mapping[str, object],
              cycles: int, stim_file: str, out_file: str) -> str:
    """Verilog source of the testbench (module ``hwverify_tb``)."""
    lines = ["`timescale 1ns/1ns", "module hwverify_tb;"]
    clk = info.clock
    if clk:
        idle = 0 if info.clock_edge == "posedge" else 1
        lines.append(f"  reg clk_i = {idle};")
    for name, w in info.inputs:
        lines.append(f"  reg [{w - 1}:0] in_{name};")
    conns = [f".{clk}(clk_i)"] if clk else []
    conns += [f".{n}(in_{n})" for n, _ in info.inputs]
    conns += [f".{n}()" for n, _ in info.outputs]
    lines.append(f"  {info.top} dut({', '.join(conns)});")
    lines += ["  integer fi, fo, cyc, r, k;", "  initial begin",
              f'    fi = $fopen("{stim_file}", "r");', f'    fo = $fopen("{out_file}", "w");']
    for name, value in init.items():
        path = _verilog_path(name)
        if isinstance(value, dict):      # some words only: {offset: value}
            lo = info.memories[name][0]
            for i, v in sorted(value.items()):
                lines.append(f"    {path}[{lo + i}] = 'h{v:x};")
        elif isinstance(value, ArrayValue):
            lo, depth = info.memories[name]
            lines.append(f"    for (k = 0; k < {depth}; k = k + 1) {path}[{lo} + k] = 'h{value.default:x};")
            for i, v in sorted(value.entries.items()):
                if i < depth:
                    lines.append(f"    {path}[{lo + i}] = 'h{v:x};")
        else:
            lines.append(f"    {path} = 'h{int(value):x};")  # type: ignore[call-overload]
    scan = " ".join("%h" for _ in info.inputs)
    args = ", ".join(f"in_{n}" for n, _ in info.inputs)
    lines.append(f"    for (cyc = 0; cyc < {cycles}; cyc = cyc + 1) begin")
    if info.inputs:
        lines.append(f'      r = $fscanf(fi, "{scan}\\n", {args});')
    lines.append("      #1;")
    for name, _ in signals:
        lines.append(f'      $fwrite(fo, "%h ", {_verilog_path(name)});')
    lines.append('      $fwrite(fo, "\\n");')
    if clk:
        lines.append("      #4 clk_i = ~clk_i;")
        lines.append("      #5 clk_i = ~clk_i;")
    else:
        lines.append("      #9;")
    lines += ["    end", "    $fclose(fo);", "    $finish;", "  end", "endmodule", ""]
    return "\n".join(lines)


def compare(files: list[str], system: TransitionSystem, info: VerilogInfo, cycles: int,
            seed: int = 0, stimulus: Callable[[int], dict[str, int]] | None = None,
            defines: Mapping[str, str] | None = None, include_dirs: list[str] | None = None,
            initial: Mapping[str, object] | None = None, formal: bool = False,
            only: set[str] | None = None) -> Comparison:
    """Simulate ``cycles`` cycles in Icarus and in the evaluator and compare every signal.

    ``initial`` fixes state values (others without an initial value are random);
    ``stimulus(k)`` gives the inputs of cycle ``k`` (model-only inputs such as
    ``$anyseq`` may be included). ``formal=True`` compiles the RTL with
    ``FORMAL`` defined in SystemVerilog mode so that Icarus checks the
    immediate assertions too (see ``Comparison.icarus_log``).
    """
    rng = random.Random(seed)
    stim = stimulus or default_stimulus(info, rng)
    cs = CompiledSystem(system)
    # Initial state: random for every state without an initial value, shared with Icarus.
    free = {s.name: random_value(s.sort, rng) for s in system.states if s not in system.init}
    free.update(initial or {})
    state = cs.initial_state(free=free)
    state.update({k: v for k, v in (initial or {}).items() if k in state})
    init: dict[str, object] = {n: state[n] for n in info.registers if n in free and (only is None or n in only)}
    # words a $readmemh leaves unset are x in Icarus and the model's free choice: give Icarus the model's
    # (only those words, so it does not matter whether this runs before or after the design's initial blocks)
    for n, offsets in unset_memory_words(system).items():
        if n in info.memories and n not in init and (only is None or n in only):
            depth = info.memories[n][1]
            init[n] = {i: state[n].read(i) for i in offsets if i < depth}
    signals = [(n, t.width) for n, t in system.signals.items()
               if (only is None or n in only) and not n.startswith("$") and n not in info.memories
               and isinstance(t.sort, BV)
               and not any(v.name.startswith("$x") or v.name.endswith("$undriven")
                           for v in _inputs_of(system, n))]
    inputs_seq = [stim(k) for k in range(cycles)]
    rows, log = run_icarus(files, info, signals, init, inputs_seq, defines, include_dirs, formal)
    result = Comparison(cycles, signals=[n for n, _ in signals], icarus_log=log)
    extra = [v for v in system.inputs if v.name not in {n for n, _ in info.inputs}]
    for k in range(cycles):
        inp = dict(inputs_seq[k])
        for var in extra:   # model-only inputs ($anyseq, x): from the stimulus or random
            if var.name not in inp:
                inp[var.name] = random_value(var.sort, rng)
        obs = cs.observe(state, inp)
        result.observations.append(obs)
        vals = rows[k].split() if k < len(rows) else []
        for (name, w), text in zip(signals, vals):
            if re.search(r"[xXzZ]", text):
                result.skipped_x += 1
                continue
            result.compared += 1
            mv = obs.signals[name]
            if int(text, 16) != mv:
                result.mismatches.append(Mismatch(k, name, text, int(mv)))
        if result.mismatches:
            break
        state = cs.step(state, inp)
    return result


def run_icarus(files: list[str], info: VerilogInfo, signals: list[tuple[str, int]],
               init: Mapping[str, object], inputs_seq: list[dict[str, int]],
               defines: Mapping[str, str] | None = None, include_dirs: list[str] | None = None,
               formal: bool = False) -> tuple[list[str], str]:
    """Run the generated testbench; return one output row per cycle and vvp's log."""
    tmp = tempfile.mkdtemp(prefix="hwverify-icarus-")
    try:
        stim_file, out_file = os.path.join(tmp, "stim.txt"), os.path.join(tmp, "out.txt")
        with open(stim_file, "w") as fh:
            for inp in inputs_seq:
                fh.write(" ".join(f"{inp[n]:x}" for n, _ in info.inputs) + "\n")
        tb = os.path.join(tmp, "tb.v")
        with open(tb, "w") as fh:
            fh.write(testbench(info, signals, init, len(inputs_seq), stim_file, out_file))
        cmd = ["iverilog", "-g2012" if formal else "-g2005", "-o", os.path.join(tmp, "sim.vvp"),
               "-s", "hwverify_tb"]
        for k, v in {**({"FORMAL": "1"} if formal else {}), **(defines or {})}.items():
            cmd += ["-D", f"{k}={v}"]
        for inc in include_dirs or []:
            cmd += ["-I", inc]
        r = subprocess.run(cmd + [tb, *files], capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(f"iverilog failed:\n{r.stderr}")
        # $readmemh paths are relative to the simulation's directory: the design's.
        r = subprocess.run(["vvp", "-n", os.path.join(tmp, "sim.vvp")], capture_output=True,
                           text=True, cwd=os.path.dirname(os.path.abspath(files[0])))
        if r.returncode or not os.path.exists(out_file):
            raise RuntimeError(f"vvp failed:\n{r.stdout}\n{r.stderr}")
        return open(out_file).read().splitlines(), r.stdout + r.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def replay_trace(files: list[str], system: TransitionSystem, info: VerilogInfo, trace,
                 defines: Mapping[str, str] | None = None,
                 include_dirs: list[str] | None = None) -> Comparison:
    """Replay a counterexample in Icarus: same initial state, same inputs, same values.

    Every RTL signal must agree with the lowered model in every frame. When the
    design's formal code runs in Icarus (no ``$past``-family functions, which
    Icarus 11 lacks), the RTL is compiled with ``FORMAL`` so Icarus checks the
    assertions itself: ``Comparison.fired`` then lists the ``(line, time)`` of
    each assertion error Icarus printed.
    """
    frames = trace.frames
    state_names = {s.name for s in system.states}
    initial = {k: v for k, v in frames[0].items() if k in state_names}
    src = "\n".join(open(f).read() for f in files)
    formal = not re.search(r"\$(past|stable|rose|fell|changed|initstate|anyconst|anyseq)\b", src)
    only = None
    if not formal:   # Icarus sees the RTL without its formal code
        only = set(lower_verilog(files, info.top, dict(defines or {}), include_dirs, formal=False).signals)
    r = compare(files, system, info, len(frames), stimulus=lambda k: dict(frames[k]),
                defines=defines, include_dirs=include_dirs, initial=initial, formal=formal, only=only)
    r.formal_checked = formal
    for m in re.finditer(r"ERROR: (\S+?):(\d+):\s*\n\s*Time: (\d+)", r.icarus_log):
        r.fired.append((os.path.basename(m.group(1)), int(m.group(2)), int(m.group(3))))
    return r


def _inputs_of(system: TransitionSystem, name: str):
    ins = set(system.inputs)
    return [v for v in T.free_vars([system.signals[name]]) if v in ins]
