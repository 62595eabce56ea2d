"""The ``hwverify`` command: argparse -> Task -> ``run.session.verify`` -> reporters.

Exit codes follow SBY: 0 PASS, 2 FAIL, 4 UNKNOWN, 8 TIMEOUT, 16 ERROR; 130
after Ctrl-C. A usage error (unknown flag, bad value) is one line on stderr
and exit 16, never 2 (which means FAIL). User errors print one
``file:line: message`` line (no traceback unless ``--debug``); with
``--json`` they are a JSON object with ``status: ERROR``.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import NoReturn, Sequence

from hwverify.cli_shell import add_parser as add_shell_parser, run_shell
from hwverify.cosim.command import add_parsers as add_cosim_parsers, design_record, replay_run, run_cosim, \
    run_replay
from hwverify.errors import HwverifyError, UsageError
from hwverify.frontend.amaranth import spec_depth
from hwverify.frontend.load import FRONTENDS
from hwverify.fuzz.command import add_parser as add_fuzz_parser, run as run_fuzz
from hwverify.kernel.certdir import check_certificate_dir
from hwverify.prover.registry import AUTO_MEMBERS, DEFAULT_ENGINE, engines_for
from hwverify.prover.result import EXIT_CODES, EXIT_INTERRUPTED, FAIL, PASS, Mode
from hwverify.report.console import ProgressDisplay, print_result, print_trace
from hwverify.report.induction import explain_run, print_script_failure
from hwverify.report.invariant import add_invariants, print_invariants
from hwverify.report.html import write_html_report
from hwverify.report.outputs import (OUTPUT_ROOT, Written, error_case, junit_cases, safe_name,
                                     task_junit_case, task_junit_cases, write_certificates, write_run_junit,
                                     write_sby_workdir, write_task_traces, write_traces)
from hwverify.report.tasks import print_lines, property_lines, run_json, sby_lines, summary_lines, trace_tables
from hwverify.run.project import run_project, runs_exit_code
from hwverify.run.sby import run_sby
from hwverify.run.session import RunResult, verify
from hwverify.run.task import KERNEL_SOLVERS, Gate, Secure, Task, parse_members

EXIT_ERROR = EXIT_CODES["ERROR"]

EXAMPLES = {
    "prove": ["hwverify prove designs/verilog/counter.v --top counter",
              "hwverify prove designs/sv/counter_past.sv --top counter_past --certificate out/",
              "hwverify prove designs/amaranth/fifo.py:SyncFifo --engine portfolio"],
    "bmc": ["hwverify bmc designs/verilog/counter_bug.v --top counter --depth 12 --vcd cex.vcd",
            "hwverify bmc designs/verilog/fifo.v --top fifo --assert 'count <= 8' --json"],
    "cover": ["hwverify cover designs/sv/counter_past.sv --top counter_past --depth 10",
              "hwverify cover designs/verilog/fifo.v --top fifo --cover 'count == 4' --vcd reach.vcd"],
    "equiv": ["hwverify equiv designs/equiv/acc_ref.v --gate designs/equiv/acc_inverted.v --top acc",
              "hwverify equiv designs/equiv/alu_ref.v --gate designs/equiv/alu_shared_bug.v --top alu --vcd diff.vcd"],
    "secure": ["hwverify secure designs/secure/xor_cipher.v --top xor_cipher --secret key --public dout,busy,done "
               "--when '!done'",
               "hwverify secure designs/secure/xor_cipher.v --top xor_cipher -D LEAK --secret key --public dout "
               "--when '!done' --vcd leak.vcd"],
    "run": ["hwverify run designs/hwverify.toml --junit results.xml",
            "hwverify run designs/sby/handshake_bug.sby",
            "hwverify run designs/hwverify.toml counter fifo -j 2"],
    "check-proof": ["hwverify prove designs/btor2/counter_inductive.btor2 --certificate out",
                    "hwverify check-proof out            # every certificate under out/",
                    "hwverify check-proof out/x_ne_12    # one certificate"],
}


def _epilog(name: str) -> str:
    return "examples:\n" + "\n".join(f"  {e}" for e in EXAMPLES.get(name, []))


class Parser(argparse.ArgumentParser):
    """argparse with hwverify's conventions: usage errors exit 16 with one line (JSON with --json)."""

    json_errors = False

    def error(self, message: str) -> NoReturn:
        _print_error(f"{self.prog}: {message}", None, Parser.json_errors)
        raise SystemExit(EXIT_ERROR)


def _nonnegative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {value}")
    return value


def _nonnegative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"must not be negative, not {text}")
    return value


def _existing_dir(text: str) -> str:
    if not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"no such folder: {text}")
    return text


def _subparser(sub, name: str, help_: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help_, description=help_, epilog=_epilog(name),
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def _add_design_args(p: argparse.ArgumentParser, properties: tuple[str, ...]) -> None:
    p.add_argument("design", nargs="+", help="design files (.btor2/.btor, .v/.sv, .il) or an Amaranth path/module.py:ClassName")
    p.add_argument("--top", help="top module (Verilog)")
    p.add_argument("--frontend", choices=list(FRONTENDS), default=None,
                   help="default by file kind: yosys for .sv/.il, pyverilog for .v, btor2, amaranth")
    p.add_argument("--define", "-D", action="append", default=[], metavar="NAME=VAL")
    p.add_argument("-I", dest="include", action="append", default=[], metavar="DIR", type=_existing_dir)
    p.add_argument("--multiclock", action="store_true",
                   help="several clocks / async logic as SBY's 'multiclock on' (clk2fflogic; yosys frontend)")
    p.add_argument("--clocks-together", action="store_true",
                   help="several clocks: accept SBY's default model in which every clock ticks at every step "
                        "(yosys frontend; without it several clocks are an error unless --multiclock)")
    for kind in properties:
        p.add_argument(f"--{kind}", dest=f"{kind}s", action="append", default=[], metavar="EXPR",
                       help=f"an extra {kind} over the design's signals")


def _add_run_args(p: argparse.ArgumentParser, mode: Mode) -> None:
    engines = engines_for(mode) + ["portfolio"] + (["auto"] if mode in AUTO_MEMBERS else [])
    if mode in (Mode.BMC, Mode.COVER):
        depth_help = "steps to explore (default: an Amaranth design's HWVERIFY depth, else 20)"
    else:
        depth_help = ("largest BMC depth and induction depth (default: an Amaranth design's HWVERIFY depth; else "
                      "with --timeout none: BMC and k-induction go on while time is left; without --timeout 20). "
                      "PDR needs no depth: with --timeout it runs until a verdict")
    p.add_argument("--depth", type=_nonnegative_int, default=None, help=depth_help)
    p.add_argument("--timeout", type=_nonnegative_float, default=None, help="wall-clock limit in seconds")
    auto = (f"; auto races {', '.join(e for e, _ in AUTO_MEMBERS[mode])} and takes the first checked verdict"
            if mode in AUTO_MEMBERS else "")
    p.add_argument("--engine", default=None, choices=engines,
                   help=f"engine (default: {DEFAULT_ENGINE[mode]}{auto})")
    p.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                   help="portfolio members (auto, --portfolio) running at once; the others start as slots free "
                        "up (default: the core count)")
    p.add_argument("--portfolio", metavar="ENGINE/SOLVER,...", default=None,
                   help="portfolio members, e.g. kind/bitwuzla,kind/cvc5,bmc/z3 (implies --engine portfolio)")
    p.add_argument("--memory-limit", type=int, default=None, metavar="MIB",
                   help="address-space limit of each engine process in MiB (out of memory: ERROR)")
    p.add_argument("--isolate", action=argparse.BooleanOptionalAction, default=True,
                   help="run the engine in a child process whose --timeout and --memory-limit are enforced "
                        "(default: on; --no-isolate runs in-process)")
    p.add_argument("--solver", default="bitwuzla", help="bitwuzla, cvc5, z3, pysmt")
    p.add_argument("--kernel-solver", default=None, choices=KERNEL_SOLVERS,
                   help="solver for the kernel (default: one other than --solver)")
    p.add_argument("--no-check", action="store_true", help="do not re-check evidence with the kernel")
    p.add_argument("--vcd", metavar="PATH", help="write the trace(s) as VCD")
    p.add_argument("--trace-json", metavar="PATH", help="write the trace(s) as JSON")
    if mode is not Mode.COVER:   # cover results carry traces, not certificates
        p.add_argument("--certificate", metavar="DIR", help="export certificates of PASS results")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--junit", metavar="PATH", help="write per-property results as JUnit XML")
    p.add_argument("--html", metavar="DIR", help="write a static HTML report (DIR/index.html) with waveforms")
    p.add_argument("--all-signals", action="store_true",
                   help="show internal signals (yosys stateNN, $past, enables) in counterexample tables")
    _add_cache_args(p)
    if mode in (Mode.PROVE, Mode.EQUIV, Mode.SECURE):
        p.add_argument("--no-simple-path", action="store_true", help="k-induction without simple-path constraints")
        p.add_argument("--show-invariant", action="store_true",
                       help="print each PASS's invariant over the source signal names (with --json: an "
                            "\"invariant\" field per property)")
    if mode in (Mode.BMC, Mode.PROVE, Mode.EQUIV, Mode.SECURE):
        p.add_argument("--replay", action=argparse.BooleanOptionalAction, default=None,
                       help="replay every counterexample in Icarus (default: on for Verilog designs when Icarus is "
                            "installed; --replay also writes the simulator's waveform next to --trace-json or "
                            f"under {OUTPUT_ROOT}/replay/; --no-replay skips it)")


def _add_cache_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-cache", action="store_true",
                   help="neither read nor write the result cache (.hwverify/cache.sqlite)")
    p.add_argument("--trust-cache", action="store_true",
                   help="take cached verdicts without having the kernel re-check their evidence")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="hwverify", description="Prove properties of RTL designs, with checked evidence.",
                    epilog="examples:\n  hwverify prove designs/verilog/counter.v --top counter\n"
                           "  hwverify run designs/hwverify.toml\n  hwverify prove --help",
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--version", action="version", version=f"hwverify {_version()}")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    for name, mode, help_, props in (
            ("bmc", Mode.BMC, "bounded model checking of assertions", ("assert", "assume")),
            ("prove", Mode.PROVE, "unbounded proof of assertions", ("assert", "assume")),
            ("cover", Mode.COVER, "reach cover goals", ("cover", "assume"))):
        p = _subparser(sub, name, help_)
        _add_design_args(p, props)
        _add_run_args(p, mode)
        if mode is Mode.PROVE:
            p.add_argument("--script", metavar="PROOF.hwp", default=None,
                           help="prove with this proof script of tactics (docs/tactics.md) instead of an engine")
    p = _subparser(sub, "equiv", "prove two designs equivalent on their outputs, or show the first cycle where "
                                 "they differ")
    _add_design_args(p, ("assume",))
    _add_run_args(p, Mode.EQUIV)
    p.add_argument("--gate", nargs="+", required=True, metavar="FILE",
                   help="the second design (the first, positional one is the reference)")
    p.add_argument("--gate-top", help="top module of the second design (default: --top)")
    p.add_argument("--gate-frontend", choices=list(FRONTENDS), default=None,
                   help="frontend of the second design (default: as --frontend)")
    p.add_argument("--outputs", metavar="NAME,...",
                   help="signals to compare (default: the output ports both designs have)")
    p.add_argument("--init", choices=("equal", "free", "zero"), default="equal",
                   help="registers without an initial value: corresponding ones start equal (default), "
                        "all start free, or all start at zero")
    p.add_argument("--reset", metavar="SIGNAL[=LEVEL][:CYCLES]", default=None,
                   help="hold this shared input at LEVEL (default 1) for the first CYCLES (default 1) cycles "
                        "and compare the outputs from then on, e.g. --reset rst_n=0:2")
    p.add_argument("--compare-during-reset", action="store_true",
                   help="also compare the outputs while --reset holds the reset")
    p.add_argument("--x", choices=("refine", "strict"), default="refine", dest="x_semantics",
                   help="undefined (x) bits of the reference: the gate may choose them (refine, default) "
                        "or they are free values the gate must match (strict)")
    p.add_argument("--latency", type=_nonnegative_int, default=0, metavar="L",
                   help="the gate's outputs equal the reference's L cycles later (pipelined refactors)")
    p.add_argument("--map", metavar="FILE", default=None,
                   help="file of 'GATE_NAME REFERENCE_NAME' lines: renamed ports and registers")
    p.add_argument("--lib", nargs="+", default=[], metavar="FILE",
                   help="cell library models (Verilog) read with both designs (standard-cell netlists)")
    p = _subparser(sub, "secure", "prove public outputs never depend on secret inputs or registers "
                                  "(noninterference: two runs that differ only in the secrets), or show a leak")
    _add_design_args(p, ("assume",))
    _add_run_args(p, Mode.SECURE)
    p.add_argument("--secret", required=True, metavar="SIG,...",
                   help="secret inputs (free in each run on its own) and registers (initial contents secret); "
                        "'INPUT if COND': secret only in cycles where COND holds (a bus writing the key)")
    p.add_argument("--public", required=True, metavar="OUT,...", help="signals an observer sees: must agree")
    p.add_argument("--when", metavar="EXPR", default=None,
                   help="compare only in cycles where EXPR holds in either run (e.g. '!done')")
    p.add_argument("--release", action="append", default=[], metavar="EXPR",
                   help="declassify: only runs in which this signal ('SIG', 'SIG if COND') or condition is "
                        "equal are compared (repeatable; e.g. the ciphertext after done)")
    p = _subparser(sub, "run", "run the tasks of a project file (hwverify.toml) or a SymbiYosys .sby file")
    p.add_argument("sby_file", metavar="FILE", help="hwverify.toml project file or .sby file")
    p.add_argument("tasks", nargs="*", help="task names (default: all)")
    p.add_argument("--solver", default=None,
                   help="bitwuzla, cvc5, z3, pysmt (default: the project's, else bitwuzla)")
    p.add_argument("--no-check", action="store_true", help="do not re-check evidence with the kernel")
    p.add_argument("--junit", metavar="PATH", help="write per-task results as JUnit XML")
    p.add_argument("--html", metavar="DIR", help="write a static HTML report (DIR/index.html) with waveforms")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--timeout", type=_nonnegative_float, default=None,
                   help="time limit per task in seconds (default: the file's)")
    p.add_argument("-j", "--jobs", type=_positive_int, default=None,
                   help="tasks of a project file run at once (default: the file's [project] jobs)")
    p.add_argument("--all-signals", action="store_true", help="show internal signals in counterexample tables")
    _add_cache_args(p)
    p.add_argument("--dask", metavar="ADDRESS", default=None,
                   help="run the tasks on the Dask scheduler at ADDRESS (tcp://host:8786), or 'local' for a "
                        "LocalCluster of --jobs workers (project files; see docs/cluster.md)")
    p = _subparser(sub, "check-proof", "re-check an exported certificate directory, or every certificate in a "
                                       "folder of them")
    p.add_argument("directory")
    p.add_argument("--solver", default=None, choices=KERNEL_SOLVERS)
    p.add_argument("--timeout", type=_nonnegative_float, default=None)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    add_fuzz_parser(sub)
    add_cosim_parsers(sub)
    add_shell_parser(sub)
    for name, p in sub.choices.items():
        if not p.epilog and name in EXAMPLES:
            p.epilog = _epilog(name)
            p.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


def _positive_int(text: str) -> int:
    value = _nonnegative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _version() -> str:
    try:
        return version("hwverify")
    except PackageNotFoundError:
        return "unknown"


def _defines(args: argparse.Namespace) -> dict[str, str]:
    """``-D NAME=VAL`` options as a dict (``-D NAME`` means 1)."""
    return dict(d.split("=", 1) if "=" in d else (d, "1") for d in args.define)


def task_from_args(args: argparse.Namespace) -> Task:
    """The Task a ``bmc``/``prove``/``cover``/``equiv`` command line describes."""
    mode = Mode(args.command)
    members = parse_members(args.portfolio) if args.portfolio else None
    gate = secure = None
    if mode is Mode.SECURE:
        secure = Secure(_names(args.secret), _names(args.public), when=args.when, release=list(args.release))
    if mode is Mode.EQUIV:
        outputs = _names(args.outputs) if args.outputs else None
        gate = Gate(args.gate, args.gate_top, args.gate_frontend, outputs, init=args.init, reset=args.reset,
                    x=args.x_semantics, compare_during_reset=args.compare_during_reset,
                    latency=args.latency, map=args.map, libs=args.lib)
    return Task(design=args.design, top=args.top, frontend=args.frontend, defines=_defines(args),
                include=args.include, multiclock=args.multiclock,
                clocks_together=getattr(args, "clocks_together", False), mode=mode,
                engine=None if members else args.engine, members=members, jobs=args.jobs,
                depth=args.depth if args.depth is not None else spec_depth(args.design, default=None),
                solver=args.solver,
                kernel_solver=args.kernel_solver, check=not args.no_check, timeout=args.timeout,
                memory_mb=args.memory_limit, isolate=args.isolate,
                simple_path=not getattr(args, "no_simple_path", False),
                asserts=getattr(args, "asserts", []), assumes=getattr(args, "assumes", []),
                covers=getattr(args, "covers", []), gate=gate, secure=secure, script=getattr(args, "script", None),
                cache=not args.no_cache,
                trust_cache=args.trust_cache)


def _names(text: str) -> list[str]:
    """``"a, b,c"`` -> ``["a", "b", "c"]``."""
    return [n.strip() for n in text.split(",") if n.strip()]


def _print_error(message: str, location: str | None, as_json: bool) -> None:
    """One line on stderr (``error: file:line: message``), or a JSON object with ``status: ERROR`` on stdout."""
    if as_json:
        print(json.dumps({"status": "ERROR", "exit_code": EXIT_ERROR, "message": message, "location": location}))
    else:
        print(f"error: {location}: {message}" if location else f"error: {message}", file=sys.stderr)


def _report_error(e: HwverifyError, as_json: bool) -> None:
    _print_error(e.message, str(e.loc) if e.loc else None, as_json)


def _print_run(run: RunResult, args: argparse.Namespace) -> None:
    """The verdict first: counterexample tables, the miter's first difference, per-property lines."""
    system = run.system
    compared = getattr(system, "compared", None)   # a miter: show the inputs and both sides' outputs
    names = (system.shared_inputs + getattr(system, "secret_columns", [])   # secure: both runs' secrets
             + [f"{side}.{n}" for n in compared for side in "ab"]) if compared else None
    for p in run.properties:
        if p.trace is not None and p.status in (FAIL, PASS):
            print_trace(p.trace, names=names, all_signals=args.all_signals, system=system)
    if compared and any(p.status == FAIL for p in run.properties):
        first = min(p.depth for p in run.properties if p.status == FAIL)
        differ = [p.name for p in run.properties if p.status == FAIL and p.depth == first]
        sides = (f"a.* = {args.design[0]}, b.* = {args.gate[0]}" if getattr(args, "gate", None) else
                 "a.*, b.*: two runs with different secrets")
        print(f"first difference at step {first}: {', '.join(differ)} ({sides})")
    if compared:   # a miter: the equivalence semantics used, what found no counterpart, why a FAIL is one
        for note in system.notes:
            if note.startswith(("equivalence semantics", "unmatched", "clocks:", "netlist:", "self-composition")):
                print(note)
        for p in run.properties:
            if p.status == FAIL and p.reason:
                print(f"{p.name}: {p.reason}")
    print_result(run.result)
    if run.cached:
        print("cached: verdicts from the result cache" + (" (trusted, not re-checked)" if run.task.trust_cache
                                                           else ", evidence re-checked by the kernel"))
    if run.interrupted:
        print("interrupted: undecided properties are UNKNOWN")


def write_outputs(run: RunResult, args: argparse.Namespace) -> Written:
    """Traces, certificates and JUnit, after the verdict has been shown."""
    written = Written()
    write_traces(run, written, vcd=args.vcd, trace_json=args.trace_json, design=design_record(run.task))
    if getattr(args, "certificate", None):
        write_certificates(run, written, args.certificate)
    if args.junit:
        suite = f"{args.command} {' '.join(os.path.basename(d) for d in args.design)}"
        write_run_junit(args.junit, suite, junit_cases(run, args.top or (run.system.name if run.system else None)),
                        written)
    if args.html:
        _write_html(args, [run], written)
    return written


def _write_html(args: argparse.Namespace, runs: list[RunResult], written: Written) -> None:
    """The HTML report of ``runs`` in ``args.html``; its path on stderr (stdout may be --json)."""
    what = args.sby_file if args.command == "run" else " ".join(args.design)
    page = write_html_report(runs, args.html, written, title=f"hwverify {args.command} {what}",
                             command="hwverify " + " ".join(getattr(args, "argv", None) or sys.argv[1:]))
    if page:
        print(f"HTML report: {page}", file=sys.stderr)


def cmd_verify(args: argparse.Namespace) -> int:
    task = task_from_args(args)
    progress = ProgressDisplay(enabled=None if not args.json else False)
    try:
        run = verify(task, progress=progress.callback(f"{task.label()} [{task.engine_name}]"))
    finally:
        progress.close()
    if not args.json:   # (--json carries them in "notes")
        for note in run.notes:
            if note.startswith("warning:"):
                print(note, file=sys.stderr)
    if run.error is not None:
        if args.debug:
            raise run.error
        write_outputs(run, args)   # a JUnit error case and the HTML page still tell CI what happened
        _report_error(run.error, args.json)
        return EXIT_ERROR
    replayed = io.StringIO()
    disagree = False
    # every FAIL replayed in Icarus; ERROR if not reproduced (a self-composition's as two instances of the design)
    if getattr(args, "replay", None) is not False:
        waves = (os.path.splitext(args.trace_json)[0] if args.trace_json else
                 os.path.join(OUTPUT_ROOT, "replay", safe_name(args.top or "design"))) + ".replay.vcd"
        outcomes = replay_run(run, waves=waves if getattr(args, "replay", None) else None, out=replayed)
        disagree = any(o.status == "disagree" for o in outcomes)
    if args.json:
        out = run.to_json()
        if getattr(args, "show_invariant", False):
            add_invariants(out, run)
        print(json.dumps(out))
        print(replayed.getvalue(), end="", file=sys.stderr)
    else:
        print_script_failure(run)             # where a proof script stopped, and its state there
        explain_run(run, args.vcd, OUTPUT_ROOT)   # an UNKNOWN's counterexample to induction
        _print_run(run, args)
        if getattr(args, "show_invariant", False):
            print_invariants(run)
        print(replayed.getvalue(), end="")
    written = write_outputs(run, args)
    _print_write_errors(written)
    code = EXIT_ERROR if disagree else run.exit_code   # the simulator does not reproduce a counterexample
    return EXIT_ERROR if written.errors else code


def _print_write_errors(written: Written) -> None:
    for message in written.errors:
        print(f"error: {message}", file=sys.stderr)


def _certificate_dirs(path: str) -> list[str]:
    """``path`` itself when it is a certificate, else the certificates directly inside it."""
    if os.path.isfile(os.path.join(path, "manifest.json")):
        return [path]
    if not os.path.isdir(path):
        raise UsageError(f"no such certificate folder: {path}")
    found = sorted(os.path.join(path, d) for d in os.listdir(path)
                   if os.path.isfile(os.path.join(path, d, "manifest.json")))
    if not found:
        raise UsageError(f"{path} holds no certificate (no manifest.json in it or in its subfolders)")
    return found


def cmd_check_proof(args: argparse.Namespace) -> int:
    """Exit 0 when every certificate is verified, 2 when one is rejected, 16 when one is unreadable."""
    reports = [(d, check_certificate_dir(d, solver=args.solver, timeout=args.timeout))
               for d in _certificate_dirs(args.directory)]
    unreadable = [d for d, r in reports if r.unreadable]
    if args.json:
        print(json.dumps({"status": "PASS" if all(r.ok for _, r in reports) else "FAIL",
                          "certificates": [{"path": d, "verified": r.ok, "what": r.what, "details": r.details}
                                           for d, r in reports]}))
    else:
        for d, r in reports:
            print(f"{d}: {r}")
    if unreadable:
        return EXIT_ERROR
    return 0 if all(r.ok for _, r in reports) else EXIT_CODES[FAIL]


def _run_file(args: argparse.Namespace, run):
    """``run()``; a file that does not load still leaves a JUnit file (one error case) before the error."""
    try:
        return run()
    except HwverifyError as e:
        if args.junit:
            written = Written()
            write_run_junit(args.junit, os.path.basename(args.sby_file),
                            [error_case("load", e, os.path.splitext(os.path.basename(args.sby_file))[0])], written)
            _print_write_errors(written)
        raise


def cmd_run(args: argparse.Namespace) -> int:
    """Run a project file's or .sby file's tasks; print each as it finishes, then a summary."""
    path = args.sby_file
    is_sby = not path.endswith(".toml")
    if is_sby and args.dask:
        raise UsageError("--dask runs the tasks of a project file (hwverify.toml); .sby files run on the local pool")
    stem = os.path.splitext(os.path.basename(path))[0]
    written = Written()
    quiet = args.json

    def task_done(run: RunResult) -> None:
        replayed = io.StringIO()   # every FAIL replayed in Icarus first: one not reproduced becomes ERROR
        replay_run(run, out=replayed)
        if is_sby:
            log = sby_lines(run)
            if not quiet:
                print_lines(log, sys.stdout)
            write_sby_workdir(run, written, run.task.name, log)
        else:
            if not quiet:
                cached = ", cached" if run.cached else ""
                print(f"[{run.task.name}] {run.status} rc={runs_exit_code([run])} ({run.wall:.1f} s{cached})",
                      flush=True)
                print_lines([f"[{run.task.name}]   {line}" for line in property_lines(run)], sys.stdout)
            write_task_traces(run, written, os.path.join(OUTPUT_ROOT, safe_name(stem), safe_name(run.task.name)))
        if not quiet:
            print_lines([f"[{run.task.name}] {line}" for line in replayed.getvalue().splitlines()], sys.stdout)
            tables = trace_tables(run, args.all_signals)
            if tables:
                print(tables, end="", flush=True)

    display = ProgressDisplay(enabled=None if not args.json else False)

    def finished(run: RunResult) -> None:
        display.done(run.task.name, str(run.status))
        display.close()   # the task's lines follow; the live lines come back with the next task's progress
        task_done(run)

    def progress(task: Task):
        return display.callback(task.name)

    try:
        if is_sby:
            code, runs = _run_file(args, lambda: run_sby(path, args.tasks, solver=args.solver or "bitwuzla", check=not args.no_check,
                                 timeout=args.timeout, jobs=args.jobs or 1, on_done=finished, progress=progress))
        else:
            code, runs = _run_file(args, lambda: run_project(
                path, args.tasks, jobs=args.jobs, solver=args.solver, check=not args.no_check,
                timeout=args.timeout, on_done=finished, progress=progress, cache=not args.no_cache,
                trust_cache=args.trust_cache, dask=args.dask))
    finally:
        display.close()
    if args.json:
        print(json.dumps(run_json(runs)))
    else:
        print_lines(summary_lines(runs), sys.stdout)
    if args.junit:
        cases = ([c for r in runs for c in ([task_junit_case(r)] if is_sby else task_junit_cases(r, stem))])
        write_run_junit(args.junit, os.path.basename(path), cases, written)
    if args.html:
        _write_html(args, runs, written)
    _print_write_errors(written)
    return code if not written.errors or code == 130 else code | EXIT_ERROR


COMMANDS = {"bmc": cmd_verify, "prove": cmd_verify, "cover": cmd_verify, "equiv": cmd_verify, "secure": cmd_verify,
            "check-proof": cmd_check_proof, "run": cmd_run, "cosim": run_cosim, "replay": run_replay,
            "fuzz": run_fuzz, "shell": run_shell}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    Parser.json_errors = "--json" in argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:   # --help/--version exit 0; usage errors were printed by Parser.error
        return e.code if isinstance(e.code, int) else EXIT_ERROR
    if args.command is None:
        parser.print_help()
        return 0
    as_json = getattr(args, "json", False)
    args.argv = argv   # the command line, as reports quote it
    try:
        return COMMANDS[args.command](args)
    except HwverifyError as e:
        if args.debug:
            raise
        _report_error(e, as_json)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as e:  # noqa: BLE001 - a bug must still give a clean ERROR exit
        if args.debug:
            raise
        _print_error(f"internal error: {type(e).__name__}: {e} (rerun with --debug for the traceback)", None, as_json)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
