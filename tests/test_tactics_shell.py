"""``hwverify shell`` driven through a pseudo-terminal, as a person would type at it.

Checks Tab completion of a tactic name (readline, so a real terminal is
needed), a failed induction showing its CTI, undo, saving the accepted steps
as a script, history kept across sessions, and that the saved script replays
with ``prove --script`` to a kernel-checked PASS.
"""
from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hwverify.cli import main

ROOT = Path(__file__).resolve().parent.parent
LOCKSTEP = ROOT / "designs" / "proofs" / "lockstep.v"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


class Terminal:
    """A child process on a pseudo-terminal: type into it, wait for text to appear."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=str(ROOT),
                                     close_fds=True)
        os.close(slave)
        self.pending = ""   # output not yet matched

    def expect(self, pattern: str, timeout: float = 60.0) -> str:
        """Read until ``pattern`` (a regex, ``.`` matching newlines) appears in the new output; that text."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            text = ANSI.sub("", self.pending)
            match = re.search(pattern, text, re.S)
            if match:
                self.pending = text[match.end():]
                return text[:match.end()]
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.pending += os.read(self.master, 65536).decode(errors="replace")
                except OSError:
                    break
        raise AssertionError(f"{pattern!r} not seen; output was:\n{ANSI.sub('', self.pending)}")

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=30)
        finally:
            os.close(self.master)


def test_shell_records_and_replays_a_proof(tmp_path, capsys):
    env = dict(os.environ, HWVERIFY_HISTORY=str(tmp_path / "history"), COLUMNS="120", TERM="xterm")
    saved = tmp_path / "lockstep.hwp"
    term = Terminal([sys.executable, "-m", "hwverify.cli", "shell", str(LOCKSTEP), "--top", "lockstep"], env)
    try:
        term.expect(r"hwp>")
        term.send("ind\t")                       # Tab completes the tactic name
        term.expect(r"induct ")
        term.send("1\r")
        out = term.expect(r"hwp>")
        assert "not 1-inductive" in out and re.search(r"a 'h\s+0002\*\s+0003\*", out)
        assert "next: lemma inv: a == b" in out
        term.send("lemma eq: a == b\r")
        term.expect(r"new goal eq.*hwp>")
        term.send("induct 1\r")
        term.expect(r"no goals left.*hwp>")
        term.send("undo\r")
        term.expect(r"undid: induct 1.*hwp>")
        term.send("induct 1\r")
        term.expect(r"no goals left.*hwp>")
        term.send(f"save {saved}\r")
        term.expect(r"saved 2 step\(s\).*hwp>")
        term.send("quit\r")
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    body = [line for line in saved.read_text().splitlines() if not line.startswith("#")]
    assert body == ["lemma eq: a == b", "induct 1"]
    history = (tmp_path / "history").read_text()
    assert "lemma eq: a == b" in history and "induct 1" in history
    code = main(["prove", str(LOCKSTEP), "--top", "lockstep", "--script", str(saved), "--no-replay"])
    assert code == 0 and "evidence checked by kernel" in capsys.readouterr().out


def test_shell_replays_a_script_and_reads_commands_from_a_pipe(tmp_path):
    script = ROOT / "designs" / "proofs" / "lockstep.hwp"
    done = subprocess.run([sys.executable, "-m", "hwverify.cli", "shell", str(LOCKSTEP), "--top", "lockstep",
                           "--script", str(script)], input="check\nscript\nbogus\n", capture_output=True,
                          text=True, cwd=str(ROOT), timeout=120,
                          env=dict(os.environ, HWVERIFY_HISTORY=str(tmp_path / "h")))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no goals" in done.stdout and "VERIFIED: tactics certificate for assert_L22" in done.stdout
    assert "lemma eq: a == b\ninduct 1\n" in done.stdout
    assert "error: unknown tactic 'bogus'" in done.stdout
