"""The ``cosim`` and ``replay`` subcommands and the ``--replay`` option of ``bmc``/``prove``."""
from __future__ import annotations

import argparse
import json
import os
import sys

from hwverify.cosim.replay import replay, replay_summary
from hwverify.cosim.runner import cosim, verilator_note

__all__ = ["add_parsers", "run_cosim", "run_replay", "design_record", "replay_failures"]


def add_parsers(sub) -> None:
    p = sub.add_parser("cosim", help="lock-step cross-check of the lowered model against the RTL in Icarus (cocotb)")
    p.add_argument("design", nargs="+", help="Verilog files")
    p.add_argument("--top", required=True, help="top module")
    p.add_argument("--frontend", choices=["pyverilog", "yosys"], default="pyverilog")
    p.add_argument("--define", "-D", action="append", default=[], metavar="NAME=VAL")
    p.add_argument("-I", dest="include", action="append", default=[], metavar="DIR")
    p.add_argument("--cycles", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--waves", metavar="PATH", help="where to write the FST waveform of a mismatch")
    p.add_argument("--work-dir", metavar="DIR", help="keep build, logs and result here")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p = sub.add_parser("replay", help="replay a counterexample trace (JSON) in Icarus through cocotb")
    p.add_argument("trace", help="trace JSON written by --trace-json")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def _defines(args) -> dict[str, str]:
    return dict(d.split("=", 1) if "=" in d else (d, "1") for d in args.define)


def run_cosim(args: argparse.Namespace) -> int:
    res = cosim(args.design, args.top, cycles=args.cycles, seed=args.seed, frontend=args.frontend,
                defines=_defines(args), include_dirs=args.include, work_dir=args.work_dir,
                waveform=args.waves)
    if args.json:
        print(json.dumps({"status": res.status, "waveform": res.waveform, **res.data}))
    else:
        note = verilator_note()
        if note:
            print(f"note: {note}", file=sys.stderr)
        print(res.summary())
    return res.exit_code


def run_replay(args: argparse.Namespace) -> int:
    res = replay(args.trace)
    if args.json:
        print(json.dumps({"status": res.status, "waveform": res.waveform, **res.data}))
    else:
        print(replay_summary(res))
    return 0 if res.status == "pass" else 1


def design_record(task) -> dict | None:
    """The ``design`` key of a trace written by ``bmc``/``prove``: enough to rebuild it for replay."""
    files = [os.path.abspath(f) for f in task.design]
    if not files or not all(f.endswith((".v", ".sv", ".vh", ".svh")) for f in files):
        return None
    frontend = task.frontend or ("yosys" if any(f.endswith((".sv", ".svh")) for f in files) else "pyverilog")
    return {"files": files, "top": task.top, "frontend": frontend, "defines": dict(task.defines),
            "include_dirs": [os.path.abspath(d) for d in task.include]}


def replay_failures(paths: dict[str, str], to_stderr: bool = False) -> bool:
    """Replay every FAIL trace written to ``paths`` (property -> JSON); False if one is not reproduced."""
    ok = True
    for name, path in paths.items():
        res = replay(path)
        print(replay_summary(res), file=sys.stderr if to_stderr else sys.stdout)
        ok = ok and res.status == "pass"
    return ok
