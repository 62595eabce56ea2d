"""A generated Verilog testbench that runs the RTL at simulator speed: stimulus in, values out, by file.

Why: driving Icarus signal by signal through cocotb costs more than the
simulation itself. Here the whole stimulus is known before the simulator
starts, so a plain testbench reads it with ``$readmemh`` (one packed word per
cycle), and dumps every compared signal with ``$fwrite`` once per cycle; the
caller compares the rows with the model afterwards.

One simulation can hold several ``Run``\\ s: each is its own instance of the
design (fresh initial values, its own stimulus and deposits), so every
counterexample of a task replays in one Icarus build and one ``vvp`` run.

Timing of cycle ``k`` (1 ns units): inputs written at ``10k``, values dumped at
``10k+1`` (combinational logic and asynchronous resets settled: the model's
cycle ``k``), active clock edge at ``10k+5``, idle level again at ``10k+10``.
Registers free at step 0 are deposited at time 0 (memory words one by one).
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from hwverify.cosim.mapping import PortMap
from hwverify.cosim.rtl import RtlError, _first_errors, iverilog_command
from hwverify.semantics.values import ArrayValue

__all__ = ["Run", "Simulation", "PERIOD", "SAMPLE", "EDGE", "hex_digits"]

PERIOD, SAMPLE, EDGE = 10, 1, 5
TB = "hwverify_tb"


def hex_digits(width: int) -> int:
    return max(1, (width + 3) // 4)


@dataclass
class Run:
    """One instance of the design in the testbench: its stimulus and its free initial values."""

    name: str                                   # instance name (a Verilog identifier)
    stimulus: list[Sequence[int]]               # per cycle: values of PortMap.inputs, in order
    deposits: dict[str, object] = field(default_factory=dict)   # state -> int / ArrayValue / {offset: v}
    rows: list[str] = field(default_factory=list)               # filled by Simulation.run


def _hier(name: str) -> str:
    """``u_core.gen[0].x`` as a hierarchical reference (escaped identifiers where needed)."""
    parts = []
    for p in name.split("."):
        m = re.fullmatch(r"[A-Za-z_][\w$]*(\[-?\d+\])?", p)
        parts.append(p if m else f"\\{p} ")
    return ".".join(parts)


class Simulation:
    """The testbench for ``runs`` of one design: written, compiled and run in ``work``."""

    def __init__(self, pm: PortMap, files: Sequence[str], work: str, *, formal: bool = False,
                 defines: Mapping[str, str] | None = None, include_dirs: Sequence[str] = (),
                 waves: str | None = None):
        self.pm, self.files, self.work = pm, list(files), work
        self.formal, self.defines, self.include_dirs = formal, dict(defines or {}), list(include_dirs)
        self.waves = os.path.abspath(waves) if waves else None
        self.log = ""

    # ------------------------------------------------------------ generation
    def _deposit_lines(self, inst: str, deposits: Mapping[str, object]) -> list[str]:
        lines = []
        for name, value in deposits.items():
            path = f"{inst}.{_hier(name)}"
            if name in self.pm.rtl.memories:
                lo, hi, _ = self.pm.rtl.memories[name]
                if isinstance(value, ArrayValue):
                    lines.append(f"    for (k = {lo}; k <= {hi}; k = k + 1) {path}[k] = 'h{value.default:x};")
                    items = [(i, v) for i, v in value.entries.items() if lo + i <= hi]
                else:
                    items = [(i, v) for i, v in dict(value).items() if lo + i <= hi]   # type: ignore[call-overload]
                lines += [f"    {path}[{lo + i}] = 'h{v:x};" for i, v in sorted(items)]
            else:
                lines.append(f"    {path} = 'h{int(value):x};")   # type: ignore[call-overload]
        return lines

    def source(self, runs: Sequence[Run]) -> str:
        pm = self.pm
        top = pm.rtl.top
        total = sum(w for _, w in pm.inputs)
        cycles = max((len(r.stimulus) for r in runs), default=0)
        lines = ["`timescale 1ns/1ns", f"module {TB};"]
        if pm.clock:
            lines.append(f"  reg clk_i = {1 - pm.active};")
        lines.append("  integer k, cyc;")
        body = []
        for j, r in enumerate(runs):
            conns = [f".{pm.clock}(clk_i)"] if pm.clock else []
            for n, w in pm.inputs:
                lines.append(f"  reg [{w - 1}:0] i{j}_{n};")
                conns.append(f".{n}(i{j}_{n})")
            conns += [f".{n}()" for n, _ in pm.rtl.outputs]
            lines.append(f"  {top} {r.name} ({', '.join(conns)});")
            lines.append(f"  integer fo{j};")
            if total:
                lines.append(f"  reg [{total - 1}:0] st{j} [0:{max(1, len(r.stimulus)) - 1}];")
                body.append(f'    $readmemh("{self._path(f"stim{j}.hex")}", st{j});')
            body.append(f'    fo{j} = $fopen("{self._path(f"out{j}.txt")}", "w");')
            body += self._deposit_lines(r.name, r.deposits)
        lines += ["  initial begin"]
        if self.waves:
            lines += [f'    $dumpfile("{self.waves}");', f"    $dumpvars(0, {TB});"]
        lines += body
        lines.append(f"    for (cyc = 0; cyc < {cycles}; cyc = cyc + 1) begin")
        for j, r in enumerate(runs):
            if total:
                targets = ", ".join(f"i{j}_{n}" for n, _ in pm.inputs)
                lines.append(f"      if (cyc < {len(r.stimulus)}) {{{targets}}} = st{j}[cyc];")
        lines.append(f"      #{SAMPLE};")
        fmt = " ".join(["%h"] * (len(pm.compared) + len(pm.words)))
        for j, r in enumerate(runs):
            args = [f"{r.name}.{_hier(n)}" for n, _ in pm.compared]
            args += [f"{r.name}.{_hier(n)}[{idx}]" for n, _, idx in pm.words]
            call = f'$fwrite(fo{j}, "{fmt}\\n", {", ".join(args)})' if args else f'$fwrite(fo{j}, "\\n")'
            lines.append(f"      if (cyc < {len(r.stimulus)}) {call};")
        if pm.clock:
            lines.append(f"      #{EDGE - SAMPLE} clk_i = {pm.active};")
            lines.append(f"      #{PERIOD - EDGE} clk_i = {1 - pm.active};")
        else:
            lines.append(f"      #{PERIOD - SAMPLE};")
        lines.append("    end")
        lines += [f"    $fclose(fo{j});" for j in range(len(runs))]
        lines += ["    $finish;", "  end", "endmodule", ""]
        return "\n".join(lines)

    def _path(self, name: str) -> str:
        return os.path.join(os.path.abspath(self.work), name)

    def _write_stimulus(self, j: int, run: Run) -> None:
        widths = [w for _, w in self.pm.inputs]
        if not widths:
            return
        digits = hex_digits(sum(widths))
        with open(self._path(f"stim{j}.hex"), "w") as fh:
            out = []
            for row in run.stimulus:
                word = 0
                for v, w in zip(row, widths):
                    word = (word << w) | (int(v) & ((1 << w) - 1))
                out.append(f"{word:0{digits}x}\n")
            fh.write("".join(out) if out else "0\n")

    # --------------------------------------------------------------- running
    def compile(self, runs: Sequence[Run]) -> str:
        """Write stimulus files and the testbench, compile; return the ``.vvp`` path."""
        os.makedirs(self.work, exist_ok=True)
        for j, r in enumerate(runs):
            self._write_stimulus(j, r)
        tb = self._path("tb.v")
        with open(tb, "w") as fh:
            fh.write(self.source(runs))
        out = self._path("sim.vvp")
        cmd = iverilog_command([tb, *self.files], out, [TB], formal=self.formal, defines=self.defines,
                               include_dirs=self.include_dirs)
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode or not os.path.exists(out):
            raise RtlError(f"Icarus could not compile the testbench of {self.pm.rtl.top}: "
                           f"{_first_errors(r.stdout + r.stderr)}")
        return out

    def start(self, runs: Sequence[Run], cwd: str | None = None) -> subprocess.Popen:
        """Compile and start ``vvp`` in the background (the caller computes the model meanwhile)."""
        vvp = self.compile(runs)
        args = ["vvp", "-n", vvp] + (["-fst"] if self.waves and self.waves.endswith(".fst") else [])
        return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                cwd=cwd or self._source_dir())

    def finish(self, proc: subprocess.Popen, runs: Sequence[Run]) -> None:
        """Wait for ``vvp`` and read each run's rows (one line of hex values per cycle)."""
        self.log, _ = proc.communicate()
        for j, r in enumerate(runs):
            path = self._path(f"out{j}.txt")
            if proc.returncode or not os.path.exists(path):
                raise RtlError(f"vvp failed (exit {proc.returncode}): {_first_errors(self.log)}")
            with open(path) as fh:
                r.rows = fh.read().split("\n")[:len(r.stimulus)]

    def run(self, runs: Sequence[Run], cwd: str | None = None) -> None:
        self.finish(self.start(runs, cwd), runs)

    def _source_dir(self) -> str:
        # $readmemh in the design names files relative to the simulator's directory: the design's
        return os.path.dirname(os.path.abspath(self.files[0])) if self.files else self.work

    def assertion_errors(self) -> list[tuple[str, int, int, str]]:
        """(file name, line, time in ns, instance) of each assertion failure Icarus printed."""
        out = []
        for m in re.finditer(r"ERROR: (\S+?):(\d+):[^\n]*\n\s*Time: (\d+)\s+Scope: (\S+)", self.log):
            scope = m.group(4).split(".")
            inst = scope[1] if len(scope) > 1 and scope[0] == TB else ""
            out.append((os.path.basename(m.group(1)), int(m.group(2)), int(m.group(3)), inst))
        return out
