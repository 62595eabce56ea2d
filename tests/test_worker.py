"""Engines in worker processes and the portfolio, tested by injecting faults.

* results come back intact: verdicts as in-process, certificates made of the
  parent's own hash-consed terms (the kernel accepts them), under fork and spawn;
* terms pickle through their constructors (identity kept, deep terms fine) and
  a malformed node table is an error, never a term;
* a worker killed by a signal, a solver that hangs past its limit, a memory hog,
  a child that sends garbage, a forbidden class or a verdict without evidence:
  TIMEOUT or ERROR with the reason, never a verdict, and no process left behind;
* the portfolio gives the honest member's verdict next to a crashing or lying
  one, and a lie nobody contradicts is caught by the kernel in the CLI (exit 16).
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
import time

import pytest

from hwverify.cli import main
from hwverify.errors import ProverError, UsageError, SemanticsError
from hwverify.kernel import check_certificate, check_trace
from hwverify.run.portfolio import Portfolio
from hwverify.run.task import parse_members
from hwverify.prover.registry import make_engine
from hwverify.prover.result import ERROR, FAIL, PASS, TIMEOUT, UNKNOWN, EngineOptions, PropertyResult, Result
from hwverify.prover.solvers import SAT, UNSAT, register
from hwverify.run.worker import Worker, _vm_size, decode, encode, run_isolated
from hwverify.semantics import terms as T
from hwverify.formats.btor2 import write_btor2
from hwverify.semantics.system import TransitionSystem
from tests.fake_solvers import BitwuzlaInDisguise

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="process groups, RLIMIT_AS and fork: Linux")

PIDS: list[int] = []  # filled by the 'pid' fake solver in whatever process runs it


# ------------------------------------------------------------- fake solvers
class _Fake(BitwuzlaInDisguise):
    """Behaves like bitwuzla except in ``check`` (and ``value``), as ``mode`` says."""

    mode = "honest"

    def value(self, t):
        return 0 if self.mode == "zero-model" else super().value(t)

    def check(self, assumptions=()):
        if self.mode == "hang":  # ignores every time limit
            time.sleep(120)
        elif self.mode == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif self.mode == "abort":
            import faulthandler
            faulthandler.disable()  # pytest's traceback dump would only be noise here
            os.abort()
        elif self.mode == "hog":
            chunks = []
            while True:
                chunks.append(bytearray(32 << 20))
        elif self.mode == "always-unsat":
            return UNSAT
        elif self.mode == "zero-model":
            return SAT
        elif self.mode == "pid":
            PIDS.append(os.getpid())
        return self.inner.check(assumptions)


for _mode in ("hang", "sigkill", "abort", "hog", "always-unsat", "zero-model", "pid"):
    register(f"worker-{_mode}", type(f"Fake_{_mode}", (_Fake,), {"mode": _mode}))


# ------------------------------------------------------------------ designs
def fails_at_3() -> TransitionSystem:
    s = TransitionSystem("cnt")
    c = s.add_state("c", 3, init=T.const(0, 3))
    s.set_next(c, T.add(c, T.const(1, 3)))
    s.add_assert("never3", T.ne(c, T.const(3, 3)))
    return s


def holds() -> TransitionSystem:
    s = TransitionSystem("hold")
    c = s.add_state("c", 3, init=T.const(0, 3))
    s.set_next(c, c)
    s.add_assert("zero", T.eq(c, T.const(0, 3)))
    return s


def needs_each_other() -> TransitionSystem:
    """Two registers that stay equal and wrap when b does: 'a < 5' is inductive only together with 'a == b'."""
    s = TransitionSystem("pair")
    a = s.add_state("a", 4, init=T.const(0, 4))
    b = s.add_state("b", 4, init=T.const(0, 4))
    wrap = T.eq(b, T.const(4, 4))
    s.set_next(a, T.ite(wrap, T.const(0, 4), T.add(a, T.const(1, 4))))
    s.set_next(b, T.ite(wrap, T.const(0, 4), T.add(b, T.const(1, 4))))
    s.add_assert("small", T.ult(a, T.const(5, 4)))
    s.add_assert("equal", T.eq(a, b))
    return s


def evidence_ok(system: TransitionSystem, result: Result) -> bool:
    for p in result.properties:
        if p.certificate is not None and not check_certificate(system, p.certificate).ok:
            return False
        if p.trace is not None and not check_trace(system, p.trace).ok:
            return False
    return True


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


# -------------------------------------------------------- results intact
@pytest.mark.parametrize("design,engine,mode,status", [
    (fails_at_3, "bmc", "bmc", FAIL), (fails_at_3, "kind", "prove", FAIL),
    (holds, "kind", "prove", PASS), (needs_each_other, "kind", "prove", PASS),
])
def test_isolated_run_matches_in_process_and_evidence_checks(design, engine, mode, status):
    system = design()
    here = make_engine(engine, system, EngineOptions(), mode).check(8)
    there = run_isolated(system, engine, EngineOptions(), 8, mode)
    assert [(p.name, p.status, p.depth) for p in there.properties] == \
           [(p.name, p.status, p.depth) for p in here.properties]
    assert there.status == status
    assert evidence_ok(system, there)
    for p in there.properties:  # the invariant is made of this process's terms: the same objects
        if p.certificate is not None:
            assert all(t is system.property(t_name).term
                       for t, t_name in zip(p.certificate.invariant, p.certificate.lemmas or [p.name]))


def test_spawned_worker_gets_the_system_pickled():
    system = needs_each_other()
    r = run_isolated(system, "kind", EngineOptions(), 8, start_method="spawn")
    assert r.status == PASS and evidence_ok(system, r)


def _child_builds_new_terms(conn, job):
    """Sends terms that exist only in the child (the parent has never built them)."""
    from hwverify.run.worker import _send
    x = T.var("only_in_child", T.BV(8))
    _send(conn, ("progress", "hi"))
    t = T.ite(T.ult(x, T.const(7, 8)), T.add(x, T.const(1, 8)), T.mul(x, x))
    conn.send_bytes(encode([t, t, T.extract(t, 3, 0)]))


def test_terms_from_a_child_are_reinterned_in_the_parent():
    w = Worker(holds(), "kind", EngineOptions(), 1, target=_child_builds_new_terms).start()
    try:
        w.conn.recv_bytes()  # the progress message
        t, t2, low = decode(w.conn.recv_bytes())
    finally:
        w.kill()
    x = T.var("only_in_child", T.BV(8))
    assert t is t2 is T.ite(T.ult(x, T.const(7, 8)), T.add(x, T.const(1, 8)), T.mul(x, x))
    assert low is T.extract(t, 3, 0)


def test_pickled_terms_keep_identity_and_deep_terms_do_not_recurse():
    x, y = T.var("x", T.BV(8)), T.var("y", T.BV(8))
    d = x
    for i in range(5000):  # far beyond the recursion limit
        d = T.xor(d, y) if i % 2 else T.add(d, T.const(i % 5 + 1, 8))
    arr = T.write(T.var("m", T.Array(4, 8)), T.extract(x, 3, 0), y)
    assert pickle.loads(pickle.dumps([d, arr, T.BV(3)])) == [d, arr, T.BV(3)]
    assert pickle.loads(pickle.dumps(d)) is d
    assert decode(encode({"deep": d}))["deep"] is d
    import copy
    system = needs_each_other()
    assert copy.deepcopy(system).asserts[1].term is system.asserts[1].term


@pytest.mark.parametrize("table,message", [
    ([("var", (), ("a",), ("bv", 8)), ("var", (), ("b",), ("bv", 4)), ("add", (0, 1), (), ("bv", 8))],
     "width mismatch"),
    ([("add", (0, 1), (), ("bv", 8))], "not defined before"),
    ([("launch", (), (), ("bv", 1))], "malformed"),
    ([("const", (), (3,), ("bv", 0))], "width"),
    ([("const", (), ("3",), ("bv", 2))], "bad parameters"),
    ([("var", (), ("a",), ("bv", 8)), ("not", (0,), (), ("bv", 4))], "claims sort"),
])
def test_malformed_term_table_is_an_error(table, message):
    with pytest.raises(SemanticsError, match=message):
        T.read_dag(table)


# ---------------------------------------------------------- injected faults
def _until_running(w: Worker) -> None:
    """Wait until the child is inside the engine (its first progress message)."""
    seen = []
    w.progress = seen.append
    deadline = time.monotonic() + 20
    while not seen and w.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen, "the worker never started its engine"


def test_worker_killed_mid_run_is_an_error_naming_the_signal():
    w = Worker(fails_at_3(), "bmc", EngineOptions(solver="worker-hang"), 5, "bmc").start()
    try:
        _until_running(w)
        os.kill(w.pid, signal.SIGKILL)
        r = w.wait()
    finally:
        w.kill()
    assert r.status == ERROR and "SIGKILL" in r.properties[0].reason
    assert gone(w.pid)


@pytest.mark.parametrize("mode,signame", [("sigkill", "SIGKILL"), ("abort", "SIGABRT")])
def test_solver_crashing_the_worker_is_an_error(mode, signame):
    r = run_isolated(fails_at_3(), "bmc", EngineOptions(solver=f"worker-{mode}"), 5, "bmc")
    assert r.status == ERROR and signame in r.properties[0].reason
    assert r.properties[0].trace is None and r.properties[0].certificate is None


def test_hanging_solver_is_killed_after_the_hard_limit():
    start = time.monotonic()
    w = Worker(fails_at_3(), "kind", EngineOptions(solver="worker-hang", timeout=0.3), 5, grace=0.3).start()
    try:
        r = w.wait()
    finally:
        w.kill()
    elapsed = time.monotonic() - start
    assert r.status == TIMEOUT
    assert r.properties[0].reason.startswith("killed after 0.") and "time limit 0.3 s" in r.properties[0].reason
    assert 0.6 <= elapsed < 5
    assert gone(w.pid)


def test_memory_hog_is_out_of_memory():
    limit = (_vm_size() >> 20) + 256  # a fork starts as big as this process
    r = run_isolated(fails_at_3(), "bmc", EngineOptions(solver="worker-hog", memory_mb=limit), 5, "bmc")
    assert r.status == ERROR
    assert r.properties[0].reason == f"out of memory (limit {limit} MiB)"


def test_memory_limit_below_the_start_size_is_a_usage_error():
    with pytest.raises(ProverError, match="below the worker's size at start"):
        run_isolated(fails_at_3(), "bmc", EngineOptions(memory_mb=1), 5, "bmc")


def test_user_errors_in_the_child_are_raised_in_the_parent():
    with pytest.raises(ProverError, match="unknown engine 'nope'"):
        run_isolated(fails_at_3(), "nope", EngineOptions(), 5)
    with pytest.raises(ProverError, match="cannot be used for bmc"):
        run_isolated(fails_at_3(), "kind", EngineOptions(), 5, "bmc")


def _child_garbage(conn, job):
    conn.send_bytes(b"\x80\x05this is not a pickle")


def _child_no_certificate(conn, job):
    from hwverify.run.worker import _send
    _send(conn, ("result", Result("kind", "bitwuzla", [PropertyResult("never3", "assert", PASS, depth=1)])))


def _child_certificate_for_another_property(conn, job):
    from hwverify.run.worker import _send
    from hwverify.semantics.certificate import Certificate
    cert = Certificate("other", [T.true()], 1, False, "k-induction", "bitwuzla")
    _send(conn, ("result", Result("kind", "bitwuzla", [PropertyResult("never3", "assert", PASS, certificate=cert)])))


def _child_wrong_properties(conn, job):
    from hwverify.run.worker import _send
    _send(conn, ("result", Result("kind", "bitwuzla", [PropertyResult("made_up", "assert", UNKNOWN)])))


def _child_bad_term_table(conn, job):
    body = pickle.dumps(("result", None))
    conn.send_bytes(pickle.dumps(([("add", (0, 0), (), ("bv", 8))], body)))


def _child_silent_exit(conn, job):
    os._exit(3)


class _Evil:
    def __reduce__(self):
        return (os.system, ("touch " + os.environ["HWVERIFY_EVIL_FILE"],))


def _child_forbidden_class(conn, job):
    from hwverify.run.worker import _send
    _send(conn, ("result", _Evil()))


@pytest.mark.parametrize("target,reason", [
    (_child_garbage, "malformed message"),
    (_child_no_certificate, "PASS without a certificate"),
    (_child_certificate_for_another_property, "PASS without a certificate"),
    (_child_wrong_properties, "properties ['made_up']"),
    (_child_bad_term_table, "malformed message"),
    (_child_silent_exit, "exited with code 3"),
    (_child_forbidden_class, "may not appear in a worker message"),
])
def test_garbage_from_the_child_is_an_error(target, reason, tmp_path, monkeypatch):
    evil = tmp_path / "executed"
    monkeypatch.setenv("HWVERIFY_EVIL_FILE", str(evil))
    w = Worker(fails_at_3(), "kind", EngineOptions(), 5, target=target).start()
    try:
        r = w.wait()
    finally:
        w.kill()
    assert r.status == ERROR and reason in r.properties[0].reason, r.properties[0].reason
    assert r.properties[0].certificate is None and r.properties[0].trace is None
    assert not evil.exists()


def test_progress_is_relayed_from_the_child():
    seen = []
    r = run_isolated(fails_at_3(), "bmc", EngineOptions(progress=seen.append), 5, "bmc")
    assert r.status == FAIL and seen and seen[0].startswith("bmc: step 0")


# ---------------------------------------------------------------- portfolio
def test_default_portfolio_decides_and_evidence_checks():
    for design, status in ((holds, PASS), (fails_at_3, FAIL), (needs_each_other, PASS)):
        system = design()
        r = Portfolio(system, EngineOptions(), "prove").check(8)
        assert r.status == status and r.engine == "portfolio"
        assert set(r.stats["members"]) == {"kind/bitwuzla", "kind/cvc5"}
        assert evidence_ok(system, r)


@pytest.mark.parametrize("liar,design,honest_status", [
    ("worker-sigkill", fails_at_3, FAIL),      # crashes
    ("worker-zero-model", holds, PASS),        # a bogus counterexample: replay rejects it
    ("worker-always-unsat", fails_at_3, FAIL),  # a bogus proof: rejected when certificates are vetted
])
def test_portfolio_gives_the_honest_verdict(liar, design, honest_status):
    system = design()
    p = Portfolio(system, EngineOptions(), "prove", [("kind", liar), ("kind", "bitwuzla")], vet="all")
    r = p.check(6)
    assert r.status == honest_status and r.solver == "kind/bitwuzla"
    assert evidence_ok(system, r)


def test_portfolio_where_nobody_decides_reports_every_member():
    p = Portfolio(fails_at_3(), EngineOptions(timeout=0.2), "prove",
                  [("kind", "worker-hang"), ("kind", "worker-sigkill")], grace=0.2)
    r = p.check(6)
    prop = r.properties[0]
    assert prop.status == TIMEOUT  # one member timed out, the other crashed: TIMEOUT says more
    assert "kind/worker-hang: TIMEOUT (killed after" in prop.reason and "SIGKILL" in prop.reason


def test_portfolio_rejected_evidence_without_an_alternative_is_an_error():
    p = Portfolio(holds(), EngineOptions(), "prove", [("kind", "worker-zero-model"), ("kind", "worker-sigkill")])
    prop = p.check(6).properties[0]
    assert prop.status == ERROR and "kernel rejected the FAIL evidence" in prop.reason


def test_portfolio_contradiction_is_an_error():
    p = Portfolio(fails_at_3(), EngineOptions(), "prove", [("kind", "bitwuzla")], vet="none")
    prop = fails_at_3().asserts[0]
    decided, seen = {}, {prop.name: []}
    for label, status in (("a/x", PASS), ("b/y", FAIL)):
        r = Result("kind", "x", [PropertyResult(prop.name, "assert", status)])
        p._merge(label, r, decided, seen, others_left=True)
    assert decided[prop.name][1].status == ERROR and "contradiction" in decided[prop.name][1].reason


def test_portfolio_members_are_checked_up_front():
    with pytest.raises(UsageError, match="ENGINE/SOLVER"):
        parse_members("kind")
    with pytest.raises(ProverError, match="cannot be used for bmc"):
        Portfolio(fails_at_3(), EngineOptions(), "bmc", [("kind", "bitwuzla")])
    with pytest.raises(ProverError, match="unknown engine 'portfolio'"):
        Portfolio(fails_at_3(), EngineOptions(), "prove", [("portfolio", "bitwuzla")])
    with pytest.raises(ProverError, match="unknown solver"):
        Portfolio(fails_at_3(), EngineOptions(), "prove", [("kind", "nosuch")])


# --------------------------------------------------------------------- CLI
def _btor(tmp_path, system) -> str:
    path = tmp_path / "d.btor2"
    path.write_text(write_btor2(system))
    return str(path)


def test_cli_lie_nobody_contradicts_is_caught_by_the_kernel(tmp_path, capsys):
    path = _btor(tmp_path, fails_at_3())
    rc = main(["prove", path, "--depth", "6", "--portfolio", "kind/worker-always-unsat,kind/worker-sigkill"])
    out = capsys.readouterr()
    assert rc == 16, out.out + out.err
    assert "kernel rejected the PASS evidence" in out.out


def test_cli_isolates_by_default(tmp_path, capsys):
    path = _btor(tmp_path, fails_at_3())
    PIDS.clear()
    assert main(["bmc", path, "--solver", "worker-pid", "--no-isolate"]) == 2
    assert PIDS and set(PIDS) == {os.getpid()}
    PIDS.clear()
    assert main(["bmc", path, "--solver", "worker-pid"]) == 2
    assert PIDS == []  # the solver ran in another process
    capsys.readouterr()


def test_cli_hard_timeout_and_memory_limit_options(tmp_path, capsys):
    path = _btor(tmp_path, fails_at_3())
    start = time.monotonic()
    assert main(["bmc", path, "--solver", "worker-hang", "--timeout", "0.3"]) == 8
    assert time.monotonic() - start < 10
    assert "killed after" in capsys.readouterr().out
    assert main(["bmc", path, "--memory-limit", "100", "--no-isolate"]) == 16
    assert "--memory-limit needs an engine process" in capsys.readouterr().err
    limit = (_vm_size() >> 20) + 256
    assert main(["bmc", path, "--solver", "worker-hog", "--memory-limit", str(limit)]) == 16
    assert f"out of memory (limit {limit} MiB)" in capsys.readouterr().out


def test_cli_portfolio_engine(tmp_path, capsys):
    path = _btor(tmp_path, fails_at_3())
    assert main(["bmc", path, "--engine", "portfolio", "--json"]) == 2
    import json
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["engine"] == "portfolio" and out["properties"][0]["evidence_checked"] is True
