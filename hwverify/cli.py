"""The ``hwverify`` command.

``hwverify bmc|prove|cover DESIGN...`` loads a design, runs an engine, has the
kernel re-check every PASS certificate and FAIL trace, and prints per-property
results. Exit codes follow SBY: 0 PASS, 2 FAIL, 4 UNKNOWN, 8 TIMEOUT, 16 ERROR.
User errors print one ``file:line: message`` line (no traceback unless
``--debug``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

from hwverify.errors import FrontendError, HwverifyError, ProverError, SourceLoc
from hwverify.prover.result import ERROR, EXIT_CODES, FAIL, PASS, EngineOptions, Result

EXIT_ERROR = EXIT_CODES[ERROR]


def _add_design_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("design", nargs="+", help="design files (.btor2/.btor, .v/.sv, .il) or an Amaranth path/module.py:ClassName")
    p.add_argument("--top", help="top module (Verilog)")
    p.add_argument("--frontend", choices=["pyverilog", "yosys"], default=None,
                   help="default: yosys for .sv/.il, pyverilog for .v")
    p.add_argument("--define", "-D", action="append", default=[], metavar="NAME=VAL")
    p.add_argument("-I", dest="include", action="append", default=[], metavar="DIR")
    p.add_argument("--multiclock", action="store_true",
                   help="several clocks / async logic as SBY's 'multiclock on' (clk2fflogic; yosys frontend)")
    p.add_argument("--assert", dest="asserts", action="append", default=[], metavar="EXPR")
    p.add_argument("--assume", dest="assumes", action="append", default=[], metavar="EXPR")
    p.add_argument("--cover", dest="covers", action="append", default=[], metavar="EXPR")


def _add_run_args(p: argparse.ArgumentParser, default_engine: str) -> None:
    p.add_argument("--depth", type=int, default=20, help="bound (BMC/cover steps, max induction depth)")
    p.add_argument("--timeout", type=float, default=None, help="wall-clock limit in seconds")
    p.add_argument("--engine", default=default_engine,
                   help="engine: bmc, kind, portfolio (several engine/solver pairs in parallel processes)")
    p.add_argument("--portfolio", metavar="ENGINE/SOLVER,...", default=None,
                   help="portfolio members, e.g. kind/bitwuzla,kind/cvc5,bmc/z3 (implies --engine portfolio)")
    p.add_argument("--memory-limit", type=int, default=None, metavar="MIB",
                   help="address-space limit of each engine process in MiB (out of memory: ERROR)")
    p.add_argument("--isolate", action=argparse.BooleanOptionalAction, default=True,
                   help="run the engine in a child process whose --timeout and --memory-limit are enforced "
                        "and whose crash is an ERROR, not ours (default: on; --no-isolate runs in-process)")
    p.add_argument("--solver", default="bitwuzla", help="bitwuzla, cvc5, z3, pysmt")
    p.add_argument("--kernel-solver", default=None, help="solver for the kernel (default: a different one)")
    p.add_argument("--no-check", action="store_true", help="do not re-check evidence with the kernel")
    p.add_argument("--vcd", metavar="PATH", help="write the trace(s) as VCD")
    p.add_argument("--trace-json", metavar="PATH", help="write the trace(s) as JSON")
    p.add_argument("--certificate", metavar="DIR", help="export certificates of PASS results")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--junit", metavar="PATH", help="write per-property results as JUnit XML")
    p.add_argument("--no-simple-path", action="store_true", help="k-induction without simple-path constraints")
    if default_engine in ("bmc", "kind"):
        p.add_argument("--replay", action="store_true",
                       help="replay every counterexample in Icarus (cocotb); traces go to --trace-json "
                            "or hwverify_replay/")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hwverify", description="Prove properties of RTL designs, with checked evidence.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, engine, help_ in (("bmc", "bmc", "bounded model checking of assertions"),
                                ("prove", "kind", "unbounded proof of assertions"),
                                ("cover", "cover", "reach cover goals")):
        p = sub.add_parser(name, help=help_)
        _add_design_args(p)
        _add_run_args(p, engine)
    p = sub.add_parser("equiv", help="prove two designs equivalent on their outputs, or show the first "
                                      "cycle where they differ")
    _add_design_args(p)
    _add_run_args(p, "equiv")
    p.add_argument("--gate", nargs="+", required=True, metavar="FILE",
                   help="the second design (the first, positional one is the reference)")
    p.add_argument("--gate-top", help="top module of the second design (default: --top)")
    p.add_argument("--gate-frontend", choices=["pyverilog", "yosys"], default=None,
                   help="frontend of the second design (default: as --frontend)")
    p.add_argument("--outputs", metavar="NAME,...",
                   help="signals to compare (default: the output ports both designs have)")
    p = sub.add_parser("run", help="run the tasks of a project file (hwverify.toml) or a SymbiYosys .sby file")
    p.add_argument("sby_file", metavar="FILE", help="hwverify.toml project file or .sby file")
    p.add_argument("tasks", nargs="*", help="task names (default: all)")
    p.add_argument("--solver", default=None,
                   help="bitwuzla, cvc5, z3, pysmt (default: the project's, else bitwuzla)")
    p.add_argument("--no-check", action="store_true", help="do not re-check evidence with the kernel")
    p.add_argument("--junit", metavar="PATH", help="write per-task results as JUnit XML")
    p.add_argument("-j", "--jobs", type=int, default=None,
                   help="tasks of a project file run at once (default: the file's [project] jobs)")
    p = sub.add_parser("check-proof", help="re-check an exported certificate directory")
    p.add_argument("directory")
    p.add_argument("--solver", default=None)
    p.add_argument("--timeout", type=float, default=None)
    from hwverify.fuzz.command import add_parser as add_fuzz_parser
    add_fuzz_parser(sub)
    from hwverify.cosim.command import add_parsers as add_cosim_parsers
    add_cosim_parsers(sub)
    return parser


def _defines(args: argparse.Namespace) -> dict[str, str]:
    """``-D NAME=VAL`` options as a dict (``-D NAME`` means 1)."""
    return dict(d.split("=", 1) if "=" in d else (d, "1") for d in args.define)


def load_design(args: argparse.Namespace):
    """Read the design files into one TransitionSystem and add CLI properties."""
    from hwverify.frontend.load import load_system
    defines = _defines(args)
    return load_system(args.design, top=args.top, frontend=args.frontend, defines=defines,
                       include_dirs=args.include, asserts=args.asserts, assumes=args.assumes, covers=args.covers,
                       multiclock=args.multiclock)


def load_equiv_miter(args: argparse.Namespace):
    """The miter of the reference design and ``--gate``, comparing ``--outputs`` or their common output ports."""
    from hwverify.frontend.load import load_system
    from hwverify.prover.miter import build_miter
    defines = _defines(args)
    common = dict(defines=defines, include_dirs=args.include, multiclock=args.multiclock)
    gold = load_system(args.design, top=args.top, frontend=args.frontend, **common)
    gate = load_system(args.gate, top=args.gate_top or args.top, frontend=args.gate_frontend or args.frontend,
                       **common)
    if args.outputs:
        outputs = [o.strip() for o in args.outputs.split(",") if o.strip()]
    else:
        outputs = [o for o in gold.outputs if o in set(gate.outputs)]
        if not outputs:
            raise FrontendError("the two designs have no output port in common (or their frontend does not "
                                "record ports, as for BTOR2): name the signals to compare with --outputs",
                                SourceLoc(args.gate[0]))
    try:
        return build_miter(gold, gate, outputs=outputs, name=f"equiv({gold.name},{gate.name})")
    except ProverError as e:
        raise FrontendError(str(e), SourceLoc(args.gate[0])) from None


def run_engine(system, args: argparse.Namespace, progress) -> Result:
    """Run the chosen engine: in a worker process (hard limits), in-process, or as a portfolio of workers."""
    from hwverify.errors import ProverError
    from hwverify.prover.registry import make_engine
    from hwverify.prover.solvers import make_solver
    memory = getattr(args, "memory_limit", None)
    isolate = getattr(args, "isolate", False)
    members = getattr(args, "portfolio", None)
    engine_name = "portfolio" if members else args.engine
    mode = "prove" if args.command == "equiv" else args.command
    if memory is not None and memory <= 0:
        raise ProverError(f"--memory-limit must be a positive number of MiB, not {memory}")
    if memory is not None and not isolate and engine_name != "portfolio":
        raise ProverError("--memory-limit needs an engine process; drop --no-isolate")
    options = EngineOptions(solver=args.solver, timeout=args.timeout, progress=progress,
                            simple_path=not args.no_simple_path, memory_mb=memory)
    if engine_name == "portfolio":  # every member runs in its own worker process
        from hwverify.run.portfolio import Portfolio, parse_members
        return Portfolio(system, options, mode, parse_members(members) if members else None).check(args.depth)
    make_solver(args.solver).close()  # an unknown or missing solver is a usage error, reported up front
    if isolate:
        from hwverify.run.worker import run_isolated
        return run_isolated(system, engine_name, options, args.depth, mode)
    return make_engine(engine_name, system, options, mode=mode).check(args.depth)


def check_evidence(system, result: Result, kernel_solver: str | None) -> None:
    """Kernel-check every certificate and trace; rejected evidence turns the verdict into ERROR."""
    from hwverify.kernel import check_certificate, check_trace
    decided: dict[str, str] = {}   # properties proven together share obligations: decide each once
    for p in result.properties:
        report = None
        if p.certificate is not None:
            report = check_certificate(system, p.certificate, solver=kernel_solver, decided=decided)
        elif p.trace is not None:
            report = check_trace(system, p.trace)
        if report is None:
            continue
        p.checked = report.ok
        if not report.ok:
            p.reason = f"kernel rejected the {p.status} evidence: {'; '.join(report.details)}"
            p.status = ERROR


def _trace_path(base: str, prop: str, multiple: bool) -> str:
    """Where the trace of ``prop`` goes (one file per property when several); makes the folder."""
    os.makedirs(os.path.dirname(base) or ".", exist_ok=True)
    if not multiple:
        return base
    root, ext = os.path.splitext(base)
    return f"{root}.{prop}{ext}"


def write_outputs(system, result: Result, args: argparse.Namespace) -> dict[str, str]:
    """Write traces and certificates; return the JSON path of each FAIL trace written."""
    from hwverify.cosim.command import design_record
    from hwverify.formats.vcd import write_vcd
    from hwverify.semantics.replay import annotate_trace
    traced = [p for p in result.properties if p.trace is not None]
    trace_json = args.trace_json
    if getattr(args, "replay", False) and not trace_json:
        trace_json = os.path.join("hwverify_replay", f"{args.top or 'design'}.json")
    written = {}
    for p in traced:
        annotate_trace(system, p.trace)
        if args.vcd:
            with open(_trace_path(args.vcd, p.name, len(traced) > 1), "w") as fh:
                write_vcd(system, p.trace, fh)
        if trace_json:
            p.trace.design = design_record(args)
            path = _trace_path(trace_json, p.name, len(traced) > 1)
            p.trace.dump(path)
            if p.status == FAIL and p.trace.kind == "assert":
                written[p.name] = path
    if args.certificate:
        from hwverify.kernel.certdir import write_certificate_dir
        for p in result.properties:
            if p.status == PASS and p.certificate is not None:
                write_certificate_dir(system, p.certificate, os.path.join(args.certificate, p.name))
    return written


def cmd_verify(args: argparse.Namespace) -> int:
    from hwverify.report.console import ProgressDisplay, print_result, print_trace
    system = load_equiv_miter(args) if args.command == "equiv" else load_design(args)
    if not (system.covers if args.command == "cover" else system.asserts):
        what = "cover goals" if args.command == "cover" else "assertions"
        raise FrontendError(f"the design has no {what} to check", SourceLoc(args.design[0]))
    progress = ProgressDisplay(enabled=None if not args.json else False)
    try:
        result = run_engine(system, args, progress)
    finally:
        progress.close()
    if not args.no_check:
        check_evidence(system, result, args.kernel_solver)
    written = write_outputs(system, result, args)
    if args.junit:
        from hwverify.report.junit import JUnitCase, write_junit
        suite = f"{args.command} {' '.join(os.path.basename(d) for d in args.design)}"
        write_junit(args.junit, suite, [JUnitCase(p.name, p.status, result.time / max(1, len(result.properties)),
                                                  p.reason, classname=args.top or system.name)
                                        for p in result.properties])
    if getattr(args, "replay", False) and written:
        from hwverify.cosim.command import replay_failures
        if not replay_failures(result, args, written):
            return EXIT_ERROR   # the simulator does not reproduce the counterexample
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        compared = getattr(system, "compared", None)   # a miter: show the inputs and both sides' outputs
        names = (system.shared_inputs + [f"{side}.{n}" for n in compared for side in "ab"]) if compared else None
        for p in result.properties:
            if p.trace is not None and p.status in (FAIL, PASS):
                print_trace(p.trace, names=names)
        if compared and any(p.status == FAIL for p in result.properties):
            first = min(p.depth for p in result.properties if p.status == FAIL)
            differ = [p.name for p in result.properties if p.status == FAIL and p.depth == first]
            print(f"first difference at step {first}: {', '.join(differ)} (a.* = {args.design[0]}, "
                  f"b.* = {args.gate[0]})")
        print_result(result)
    return result.exit_code


def cmd_check_proof(args: argparse.Namespace) -> int:
    from hwverify.kernel.certdir import check_certificate_dir
    report = check_certificate_dir(args.directory, solver=args.solver, timeout=args.timeout)
    print(report)
    return 0 if report.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check-proof":
            return cmd_check_proof(args)
        if args.command == "run":
            outcomes: list
            if args.sby_file.endswith(".toml"):
                from hwverify.run.project import run_project
                code, outcomes = run_project(args.sby_file, args.tasks, check=not args.no_check, jobs=args.jobs,
                                             solver=args.solver)
            else:
                from hwverify.run.sby import run_sby
                code, outcomes = run_sby(args.sby_file, args.tasks, solver=args.solver or "bitwuzla",
                                         check=not args.no_check)
            if args.junit:
                from hwverify.report.junit import JUnitCase, write_junit
                write_junit(args.junit, os.path.basename(args.sby_file),
                            [JUnitCase(o.name or "default", "PASS" if o.retcode == 0 else o.status, o.seconds,
                                       f"{o.status} (rc={o.retcode})", classname=os.path.basename(args.sby_file))
                             for o in outcomes])
            return code
        if args.command in ("cosim", "replay"):
            from hwverify.cosim.command import run_cosim, run_replay
            return run_cosim(args) if args.command == "cosim" else run_replay(args)
        if args.command == "fuzz":
            from hwverify.fuzz.command import run as cmd_fuzz
            return cmd_fuzz(args)
        return cmd_verify(args)
    except HwverifyError as e:
        if args.debug:
            raise
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as e:  # noqa: BLE001 - a bug must still give a clean ERROR exit
        if args.debug:
            raise
        print(f"internal error: {type(e).__name__}: {e} (rerun with --debug for the traceback)", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
