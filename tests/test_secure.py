"""Noninterference by self-composition (``hwverify secure``): key isolation proven, planted leaks found.

Every PASS here carries a kernel-checked certificate and every FAIL a trace
the kernel replayed (``checked``); the designs are in designs/secure/.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from hwverify.cli import main
from hwverify.errors import ProverError
from hwverify.prover.selfcomp import self_compose
from hwverify.run.session import verify
from hwverify.run.task import Secure, Task
from hwverify.semantics import terms as T
from hwverify.semantics.evaluate import evaluate
from hwverify.semantics.system import TransitionSystem

SECURE = Path(__file__).resolve().parent.parent / "designs" / "secure"
CIPHER = str(SECURE / "xor_cipher.v")
KEYSTORE = str(SECURE / "key_store.v")


def value(system, trace, name: str, k: int) -> int:
    """A variable's or named signal's value in step ``k`` of a trace of ``system``."""
    frame = trace.frames[k]
    if name in frame:
        return frame[name]
    env = {v: frame[v.name] for v in system.inputs + system.states if v.name in frame}
    return evaluate(system.signals[name], env)


def run(design: str, top: str, secure: Secure, **defines: str):
    result = verify(Task(design=[design], top=top, mode="secure", secure=secure, defines=defines, isolate=False,
                         depth=10))
    assert result.error is None, result.error
    return result, {p.name: p for p in result.properties}


def test_cipher_output_hides_key_until_done() -> None:
    result, props = run(CIPHER, "xor_cipher", Secure(["key"], ["dout", "busy", "done"], when="!done"))
    assert str(result.status) == "PASS"
    for p in props.values():
        assert p.status == "PASS" and p.certificate is not None and p.checked


def test_cipher_leak_while_busy_is_found_at_the_first_busy_cycle() -> None:
    result, props = run(CIPHER, "xor_cipher", Secure(["key"], ["dout"], when="!done"), LEAK="1")
    leak = props["dout"]
    assert result.status == "FAIL" and leak.status == "FAIL" and leak.checked
    assert leak.depth == 1                       # start in cycle 0, the key shows in cycle 1
    trace, k = leak.trace, leak.depth
    assert value(result.system, trace, "a.key", 0) != value(result.system, trace, "b.key", 0)      # the two secrets differ
    assert value(result.system, trace, "a.dout", k) != value(result.system, trace, "b.dout", k)    # and so does the public output
    assert value(result.system, trace, "a.busy", k) == value(result.system, trace, "b.busy", k) == 1


def test_ciphertext_depends_on_key_unless_released() -> None:
    _, props = run(CIPHER, "xor_cipher", Secure(["key"], ["dout", "busy", "done"]))
    assert props["dout"].status == "FAIL" and props["dout"].checked    # after done: the ciphertext
    assert props["done"].status == "PASS" and props["busy"].status == "PASS"    # no timing leak
    result, props = run(CIPHER, "xor_cipher", Secure(["key"], ["dout", "busy", "done"], release=["dout if done"]))
    assert result.status == "PASS" and all(p.checked for p in props.values())


def test_key_clear_really_clears() -> None:
    result, props = run(KEYSTORE, "key_store", Secure(["key"], ["dout"], when="key_empty"))
    assert result.status == "PASS" and props["dout"].certificate is not None and props["dout"].checked


def test_key_clear_that_leaves_the_high_byte_is_found() -> None:
    result, props = run(KEYSTORE, "key_store", Secure(["key"], ["dout"], when="key_empty"), WEAK_CLEAR="1")
    p = props["dout"]
    assert p.status == "FAIL" and p.checked and p.depth == 2       # load, clear, then the old key shows
    k = p.depth
    assert value(result.system, p.trace, "a.key_empty", k) == 1
    assert (value(result.system, p.trace, "a.dout", k) ^ value(result.system, p.trace, "b.dout", k)) >> 8 != 0


def test_secret_register_initial_contents() -> None:
    """A register named secret starts free in each run: its contents before the run leak through ``out``."""
    s = TransitionSystem("reg")
    r = s.add_state("r", 4, init=T.const(0, 4))
    s.set_next(r, r)
    s.signals["out"] = r
    s.outputs = ["out"]
    m = self_compose(s, ["r"], ["out"])
    assert "a.r" not in {v.name for v in m.init} and m.states[0].name == "a.r"
    result = verify(Task(system=s, mode="secure", secure=Secure(["r"], ["out"]), isolate=False))
    assert result.status == "FAIL" and result.properties[0].depth == 0 and result.properties[0].checked
    result = verify(Task(system=s, mode="secure", secure=Secure(["r"], ["out"], when="0"), isolate=False))
    assert result.status == "PASS" and result.properties[0].checked


def test_bad_names_are_clear_errors() -> None:
    with pytest.raises(ProverError, match="secret 'nope'"):
        self_compose(TransitionSystem("t"), ["nope"], ["x"])
    result = verify(Task(design=[CIPHER], top="xor_cipher", mode="secure", secure=Secure(["key"], ["nothing"]),
                         isolate=False))
    assert result.status == "ERROR" and "public signal 'nothing'" in result.error.message
    result = verify(Task(design=[CIPHER], top="xor_cipher", mode="secure", isolate=False))
    assert result.status == "ERROR" and "--secret" in result.error.message


def test_cli_shows_both_secrets_and_writes_vcd(tmp_path, capsys) -> None:
    vcd = tmp_path / "leak.vcd"
    code = main(["secure", CIPHER, "--top", "xor_cipher", "-D", "LEAK", "--secret", "key", "--public", "dout",
                 "--when", "!done", "--vcd", str(vcd), "--no-cache"])
    out = capsys.readouterr().out
    assert code == 2
    assert "a.key" in out and "b.key" in out and "first difference at step 1: dout" in out
    assert vcd.exists() and "$scope module a $end" in vcd.read_text()
    code = main(["secure", CIPHER, "--top", "xor_cipher", "--secret", "key", "--public", "dout,busy,done",
                 "--when", "!done", "--no-cache"])
    assert code == 0 and "PASS" in capsys.readouterr().out
