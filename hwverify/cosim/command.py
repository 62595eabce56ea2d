"""The ``cosim`` and ``replay`` subcommands, and the replay of every FAIL on ``bmc``/``prove``/``equiv``/``run``.

Why one place: a counterexample is only shown as FAIL once the real
simulator has reproduced it (when the design is Verilog and Icarus is
present). ``replay_run(run)`` replays all FAIL traces of a task in one
Icarus build and run, on the very system the proof used; a trace the RTL
does not follow turns that property into ERROR "model and RTL disagree"
with the signal, cycle and both values, never FAIL.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Sequence

from hwverify.cosim.batch import batch_cosim
from hwverify.cosim.replay_batch import DISAGREE, NOT_REPLAYED, PARTLY, REPRODUCED, ReplayOutcome, replay_traces
from hwverify.cosim.replay_secure import replay_secure
from hwverify.cosim.rtl import have_iverilog
from hwverify.cosim.runner import CosimError, cosim, verilator_note
from hwverify.errors import UsageError
from hwverify.frontend.load import FRONTENDS
from hwverify.prover.result import ERROR, FAIL, Mode
from hwverify.run.session import RunResult, load
from hwverify.run.task import Gate, Secure, Task
from hwverify.semantics.trace import Trace

__all__ = ["add_parsers", "run_cosim", "run_replay", "design_record", "replay_run", "replay_failures"]

VERILOG = (".v", ".sv", ".vh", ".svh")


def add_parsers(sub) -> None:
    p = sub.add_parser("cosim", help="cross-check the lowered model against the RTL in Icarus, cycle by cycle")
    p.add_argument("design", nargs="+", help="Verilog files")
    p.add_argument("--top", required=True, help="top module")
    p.add_argument("--frontend", choices=[f for f in FRONTENDS if f in ("pyverilog", "yosys")], default=None,
                   help="as for prove: the default by file kind (.v pyverilog, .sv yosys)")
    p.add_argument("--define", "-D", action="append", default=[], metavar="NAME=VAL")
    p.add_argument("-I", dest="include", action="append", default=[], metavar="DIR")
    p.add_argument("--cycles", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--harness", choices=["testbench", "cocotb"], default="testbench",
                   help="testbench: stimulus and values by file, at simulator speed (default); "
                        "cocotb: lock step through cocotb, for interactive debugging")
    p.add_argument("--waves", metavar="PATH", help="where to write the waveform of a mismatch (.vcd, or .fst)")
    p.add_argument("--work-dir", metavar="DIR", help="keep build, logs and result here")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p = sub.add_parser("replay", help="replay a counterexample trace (JSON) in Icarus")
    p.add_argument("trace", help="trace JSON written by --trace-json")
    p.add_argument("--waves", metavar="PATH", help="write the simulator's waveform here (.vcd, or .fst)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def _defines(args) -> dict[str, str]:
    return dict(d.split("=", 1) if "=" in d else (d, "1") for d in args.define)


def run_cosim(args: argparse.Namespace) -> int:
    if args.harness == "cocotb":
        res = cosim(args.design, args.top, cycles=args.cycles, seed=args.seed,
                    frontend=args.frontend or "pyverilog", defines=_defines(args), include_dirs=args.include,
                    work_dir=args.work_dir, waveform=args.waves)
    else:
        res = batch_cosim(args.design, args.top, cycles=args.cycles, seed=args.seed, frontend=args.frontend,
                          defines=_defines(args), include_dirs=args.include, work_dir=args.work_dir,
                          waveform=args.waves)
    if args.json:
        print(json.dumps({"status": res.status, "waveform": res.waveform, **res.data}))
    else:
        note = verilator_note() if args.harness == "cocotb" else None
        if note:
            print(f"note: {note}", file=sys.stderr)
        print(res.summary())
    return res.exit_code


def design_record(task: Task) -> dict | None:
    """The ``design`` key of a trace: everything needed to lower the design again as the proof did."""
    files = [os.path.abspath(f) for f in task.design]
    if not files or not all(f.endswith(VERILOG) for f in files) or task.system is not None or task.loader:
        return None
    record = {"files": files, "top": task.top, "frontend": task.frontend, "defines": dict(task.defines),
              "include_dirs": [os.path.abspath(d) for d in task.include], "multiclock": task.multiclock,
              "asserts": list(task.asserts), "assumes": list(task.assumes), "covers": list(task.covers)}
    if task.secure is not None:   # a self-composition: replayed as two instances (cosim/replay_secure.py)
        record["mode"] = "secure"
        record["secure"] = vars(task.secure)
    if task.gate is not None:
        gate = task.gate
        gate_files = [os.path.abspath(f) for f in gate.design + list(gate.libs)]
        if not all(f.endswith(VERILOG) for f in gate_files):
            return None
        record["mode"] = "equiv"
        record["files"] = files + [os.path.abspath(f) for f in gate.libs]
        record["gate"] = {"files": gate_files, "top": gate.top or task.top, "frontend": gate.frontend,
                          "outputs": gate.outputs, "init": gate.init, "reset": gate.reset, "x": gate.x,
                          "compare_during_reset": gate.compare_during_reset, "latency": gate.latency,
                          "map": os.path.abspath(gate.map) if gate.map else None}
    return record


def task_from_record(design: dict) -> Task:
    """The Task that lowers a trace's design as its proof did (its extra properties included)."""
    gate = None
    mode = Mode.BMC
    if design.get("gate"):
        g = design["gate"]
        gate = Gate(g["files"], g.get("top"), g.get("frontend"), g.get("outputs"), init=g.get("init", "equal"),
                    reset=g.get("reset"), x=g.get("x", "refine"),
                    compare_during_reset=g.get("compare_during_reset", False), latency=g.get("latency", 0),
                    map=g.get("map"))
        mode = Mode.EQUIV
    secure = Secure(**design["secure"]) if design.get("secure") else None
    mode = Mode.SECURE if secure is not None else mode
    return Task(secure=secure, design=list(design["files"]), top=design.get("top"), frontend=design.get("frontend"),
                defines=dict(design.get("defines") or {}), include=list(design.get("include_dirs") or []),
                multiclock=bool(design.get("multiclock")), mode=mode, asserts=list(design.get("asserts") or []),
                assumes=list(design.get("assumes") or []), covers=list(design.get("covers") or []), gate=gate)


def _side_traces(system, traces: Sequence[Trace], side: int) -> tuple[object, list[Trace]] | None:
    """One design of an equivalence miter and its share of each trace; None when the miter changed its variables."""
    sides = getattr(system, "sides", None)
    if not sides:
        return None
    sub = sides[side]
    prefix = "ab"[side] + "."
    shared = set(system.shared_inputs)
    out = []
    for t in traces:
        frames = []
        for f in t.frames:
            frame = {}
            for v in sub.variables:
                key = v.name if v in sub.inputs and v.name in shared else prefix + v.name
                if key not in f:
                    return None
                frame[v.name] = f[key]
            frames.append(frame)
        out.append(Trace(t.prop, t.kind, frames))
    return sub, out


def replay_system(system, traces: Sequence[Trace], design: dict, *, waves: str | None = None) -> list[ReplayOutcome]:
    """Replay ``traces`` of ``system`` (a design, or an equivalence miter: each side in its own build)."""
    if design.get("mode") == "secure":
        return replay_secure(system, traces, design, waves=waves)
    if not design.get("gate"):
        return replay_traces(system, traces, design, waves=waves)
    results: list[ReplayOutcome] | None = None
    sides = [design, {**design, **design["gate"], "files": design["gate"]["files"]}]
    for i, side_design in enumerate(sides):
        split = _side_traces(system, traces, i)
        if split is None:
            return [ReplayOutcome(t.prop, NOT_REPLAYED, t.depth, "the equivalence semantics changed the designs' "
                                  "variables; replay compares plain designs only") for t in traces]
        sub, side_traces = split
        outs = replay_traces(sub, side_traces, side_design,
                             waves=None if waves is None else f"{waves}.{'ab'[i]}.vcd")
        if results is None:
            results = outs
            continue
        for j, o in enumerate(outs):   # the worse of the two sides
            if results[j].status == REPRODUCED and o.status != REPRODUCED:
                o.message = f"{design['gate']['files'][0]}: {o.message}"
                results[j] = o
            elif results[j].status in (REPRODUCED, PARTLY) and o.status in (REPRODUCED, PARTLY):
                _check_outputs_differ(results[j], o, design["gate"])
    return results or []


def _check_outputs_differ(ref: ReplayOutcome, gate: ReplayOutcome, spec: dict) -> None:
    """Both designs followed the trace: in the simulator too, the compared output must differ (no latency)."""
    name = ref.prop
    a, b = ref.last.get(name), gate.last.get(name)
    if spec.get("latency") or a is None or b is None or re.search(r"[xXzZ]", a + b):
        return
    if a == b:
        ref.status = DISAGREE
        ref.message = f"{name} is 0x{a} in both designs in the simulator's last cycle (step {ref.depth})"
    else:
        ref.detail = f"{name} is 0x{a} in the reference and 0x{b} in the gate in the simulator"


def replay_run(run: RunResult, design: dict | None = None, *, waves: str | None = None,
               out=None) -> list[ReplayOutcome]:
    """Replay every FAIL of ``run`` in Icarus (one build); a trace not reproduced makes that property ERROR.

    Nothing happens for designs that are not Verilog or when Icarus is missing.
    Prints one line per trace to ``out`` (default stdout).
    """
    design = design if design is not None else design_record(run.task)
    failing = [p for p in run.properties if p.status == FAIL and p.trace is not None and p.trace.kind == "assert"]
    if design is None or not failing or run.system is None or not have_iverilog():
        return []
    try:
        outcomes = replay_system(run.system, [p.trace for p in failing], design, waves=waves)
    except Exception as e:  # noqa: BLE001 - a replay bug must not cost the verdict; it is shown, not hidden
        outcomes = [ReplayOutcome(p.name, NOT_REPLAYED, p.depth or 0, f"internal error in replay: "
                                  f"{type(e).__name__}: {e}") for p in failing]
    stream = out or sys.stdout
    for p, o in zip(failing, outcomes):
        print(o.summary(), file=stream)
        if o.status == DISAGREE:
            p.status = ERROR
            p.reason = f"model and RTL disagree: {o.message}"
    return outcomes


def replay_failures(run: RunResult, to_stderr: bool = False, waves: str | None = None) -> bool:
    """``replay_run`` printing to stdout (stderr with ``to_stderr``); False if a trace was not reproduced."""
    outcomes = replay_run(run, waves=waves, out=sys.stderr if to_stderr else sys.stdout)
    return all(o.status != DISAGREE for o in outcomes)


def run_replay(args: argparse.Namespace) -> int:
    """Exit 0 reproduced, 1 not reproduced, 16 when it cannot be replayed."""
    trace = Trace.load(args.trace)
    if not trace.design:
        raise CosimError(f"{args.trace} has no 'design' key (files, top): write traces with a "
                         "current `hwverify bmc --trace-json`, or add it by hand")
    if trace.kind != "assert":
        raise UsageError(f"{args.trace} is a {trace.kind} trace: only counterexamples are replayed")
    system = load(task_from_record(trace.design))
    waves = args.waves or os.path.splitext(os.path.abspath(args.trace))[0] + ".replay.vcd"
    outcome = replay_system(system, [trace], trace.design, waves=waves)[0]
    if args.json:
        print(json.dumps(outcome.to_json()))
    else:
        print(outcome.summary())
    return {REPRODUCED: 0, PARTLY: 0, DISAGREE: 1}.get(outcome.status, 16)
