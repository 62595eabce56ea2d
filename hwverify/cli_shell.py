"""``hwverify shell``: an interactive proof session at a prompt.

The design is loaded through the run layer (``run.session.load``) like any
task; each line is a tactic (``induct 1``, ``lemma eq: a == b``, ``undo``)
applied by the same dispatcher as scripts, and the proof state is shown after
it. Tab completes tactic names, then signal, lemma and solver names; history
is kept across sessions (``~/.hwverify_history``, or ``HWVERIFY_HISTORY``).
Shell commands besides tactics: ``save FILE`` (the accepted steps as a
``.hwp`` script), ``load FILE`` (replay a script), ``export DIR`` (certificates
of the proven assertions, after the kernel re-checked them), ``check``,
``script``, ``help``, ``quit``.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Callable

from hwverify.errors import HwverifyError
from hwverify.frontend.load import FRONTENDS
from hwverify.kernel.certdir import write_certificate_dir
from hwverify.prover.solvers import available_solvers
from hwverify.prover.tactics import TACTICS, ProofSession, ProofView
from hwverify.prover.tactics.script import read_script, run_script
from hwverify.run.session import load
from hwverify.run.task import Task

__all__ = ["add_parser", "run_shell", "Shell"]

SHELL_COMMANDS = {"save": "FILE", "load": "FILE", "export": "DIR", "check": "", "script": "", "help": "",
                  "quit": ""}
PROMPT = "hwp> "


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("shell", help="interactive proof: tactics at a prompt, the proof state after each",
                       description="Prove a design's assertions interactively with tactics (induct, lemma, "
                                   "strengthen, case, unroll, houdini, auto, undo); save the accepted steps "
                                   "as a .hwp script for 'hwverify prove --script'.",
                       epilog="examples:\n  hwverify shell designs/proofs/lockstep.v --top lockstep\n"
                              "  hwverify shell designs/proofs/fifo_count.v --top fifo_count "
                              "--script designs/proofs/fifo_count.hwp",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("design", nargs="+", help="design files, as for prove")
    p.add_argument("--top", help="top module (Verilog)")
    p.add_argument("--frontend", choices=list(FRONTENDS), default=None)
    p.add_argument("--define", "-D", action="append", default=[], metavar="NAME=VAL")
    p.add_argument("--assert", dest="asserts", action="append", default=[], metavar="EXPR")
    p.add_argument("--assume", dest="assumes", action="append", default=[], metavar="EXPR")
    p.add_argument("--solver", default="bitwuzla")
    p.add_argument("--depth", type=int, default=20, help="auto's largest induction depth (default 20)")
    p.add_argument("--timeout", type=float, default=None, help="time limit of the whole session in seconds")
    p.add_argument("--script", metavar="FILE", help="replay this proof script first")
    p.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    return p


class Shell:
    """The prompt loop over one ``ProofSession``; ``write`` receives everything it prints."""

    def __init__(self, session: ProofSession, write: Callable[[str], None], color: bool = False):
        self.session = session
        self.write = write
        self.color = color

    def show(self, view: ProofView) -> None:
        self.write(view.ansi() if self.color else str(view))

    def handle(self, line: str) -> bool:
        """Apply one input line; False when the user asked to quit."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        word, _, arg = text.partition(" ")
        arg = arg.strip()
        if word in ("quit", "exit"):
            return False
        try:
            if word in SHELL_COMMANDS:
                getattr(self, "cmd_" + word)(arg)
            else:
                self.show(self.session.run(text))
        except HwverifyError as e:
            self.write(f"error: {e}\n")
        return True

    def cmd_help(self, arg: str) -> None:
        rows = [f"  {name} {syn}".rstrip() for name, syn in list(TACTICS.items()) + list(SHELL_COMMANDS.items())]
        self.write("tactics and commands:\n" + "\n".join(rows) + "\n")

    def cmd_script(self, arg: str) -> None:
        self.write(self.session.script() or "(no accepted steps yet)\n")

    def cmd_save(self, arg: str) -> None:
        if not arg:
            self.write("error: save needs a file name\n")
            return
        with open(arg, "w", encoding="utf-8") as fh:
            fh.write(f"# hwverify proof script ({len(self.session.state.steps)} steps)\n")
            fh.write(self.session.script())
        self.write(f"saved {len(self.session.state.steps)} step(s) to {arg}\n")

    def cmd_load(self, arg: str) -> None:
        outcome = run_script(self.session, read_script(arg), arg)
        if outcome.failed is not None:
            self.write(f"{arg}:{outcome.failed.number}: {outcome.message}\n")
        self.show(self.session.view())

    def cmd_check(self, arg: str) -> None:
        reports = self.session.check()
        if not reports:
            self.write("nothing proven or refuted yet\n")
        for r in reports:
            self.write(f"{r}\n")

    def cmd_export(self, arg: str) -> None:
        if not arg:
            self.write("error: export needs a folder\n")
            return
        certs = self.session.certificates()
        reports = self.session.check()
        if not certs or not all(r.ok for r in reports):
            self.write("nothing to export: " + ("no assertion proven yet\n" if not certs else
                                                "the kernel rejected the evidence\n"))
            return
        for name, cert in certs.items():
            path = os.path.join(arg, name)
            write_certificate_dir(self.session.system, cert, path)
            self.write(f"certificate for {name} (checked by the kernel) written to {path}\n")

    # ------------------------------------------------------------ completion
    def words(self, before: str) -> list[str]:
        """What may come next after the text ``before`` on the line."""
        head = before.split()
        if not head or (len(head) == 1 and not before.endswith(" ")):
            return sorted(list(TACTICS) + list(SHELL_COMMANDS))
        if head[0] == "solver":
            return available_solvers()
        signals = [n for n in self.session.system.signals if not n.startswith(("$", "_"))]
        return sorted(set(signals) | set(self.session.state.names()))

    def complete(self, text: str, state: int, line: str, begidx: int) -> str | None:
        options = [w for w in self.words(line[:begidx]) if w.startswith(text)]
        return options[state] + ("" if len(options) > 1 else " ") if state < len(options) else None


def _history_file() -> str:
    return os.environ.get("HWVERIFY_HISTORY") or os.path.join(os.path.expanduser("~"), ".hwverify_history")


def _setup_readline(shell: Shell) -> Callable[[], None]:
    """Tab completion and persistent history when readline exists; returns what saves the history."""
    try:
        import readline   # optional: absent on some platforms; the shell works without it
    except ImportError:
        return lambda: None
    readline.set_completer_delims(" \t:()!&|=<>+-~^")
    readline.set_completer(lambda text, state: shell.complete(text, state, readline.get_line_buffer(),
                                                              readline.get_begidx()))
    readline.parse_and_bind("tab: complete")
    path = _history_file()
    try:
        readline.read_history_file(path)
    except OSError:
        pass

    def save() -> None:
        try:
            readline.set_history_length(1000)
            readline.write_history_file(path)
        except OSError:
            pass
    return save


def run_shell(args: argparse.Namespace) -> int:
    """The ``shell`` command: 0 when every goal is closed and proven at the end, else 4 (2 if one failed)."""
    task = Task(design=args.design, top=args.top, frontend=args.frontend,
                defines=dict(d.split("=", 1) if "=" in d else (d, "1") for d in args.define),
                asserts=args.asserts, assumes=args.assumes, solver=args.solver, depth=args.depth)
    system = load(task)
    interactive = sys.stdin.isatty()
    session = ProofSession(system, solver=args.solver, depth=args.depth, timeout=args.timeout)
    shell = Shell(session, lambda s: (sys.stdout.write(s), sys.stdout.flush()), color=sys.stdout.isatty())
    save_history = _setup_readline(shell) if interactive else (lambda: None)
    shell.write(f"hwverify shell: {system.summary()}; 'help' lists the tactics, Tab completes, 'quit' ends\n")
    if args.script:
        shell.cmd_load(args.script)
    else:
        shell.show(session.view())
    try:
        while True:
            try:
                line = input(PROMPT if interactive else "")
            except EOFError:
                shell.write("\n")
                break
            except KeyboardInterrupt:
                shell.write("^C\n")
                continue
            if not shell.handle(line):
                break
    finally:
        save_history()
    if session.state.refuted:
        return 2
    return 0 if session.complete else 4
