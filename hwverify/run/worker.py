"""Engines in child processes, with limits the operating system enforces.

An engine's time limit is only a request its solver may ignore (cvc5's
preprocessing of a big unrolling), and a solver that crashes or allocates
without bound takes hwverify down with it. A ``Worker`` runs
``make_engine(...).check(bound)`` in a child process instead: in its own
process group, killed with SIGKILL once the time limit plus a grace period
has passed, under an address-space limit (``RLIMIT_AS``). Whatever goes wrong
in the child (killed, crashed, out of memory, garbage on the pipe) comes back
as TIMEOUT or ERROR with the reason, never as a verdict, and a verdict only
comes back with its evidence, which the caller has the kernel check as usual.

Messages are pickles in which every term is an index into one shared node
table (``terms.DagWriter``), rebuilt in the parent through the term
constructors, so a certificate's invariant is made of the parent's own
hash-consed terms. Only the result classes may be unpickled.
"""
from __future__ import annotations

import io
import multiprocessing
import os
import pickle
import resource
import signal
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from typing import Any, Callable

from hwverify import errors
from hwverify.errors import HwverifyError, ProverError, SourceLoc
from hwverify.prover.registry import make_engine
from hwverify.prover.miter import EquivSemantics, Miter, ResetSpec
from hwverify.prover.result import (ERROR, EXIT_CODES, FAIL, PASS, TIMEOUT, UNKNOWN, EngineOptions, Mode,
                                    PropertyResult, Result, Status)
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.system import Property, TransitionSystem
from hwverify.semantics.terms import Array, BV, DagWriter, Term, read_dag
from hwverify.semantics.trace import Trace
from hwverify.semantics.values import ArrayValue

MIB = 1 << 20
_EXIT_OOM = 75  # the child ran out of memory and could not even say so
_PROGRESS_INTERVAL = 0.1  # seconds between progress messages relayed from a child


@dataclass
class Job:
    """What a child runs: ``make_engine(engine, system, options, mode).check(bound)``."""

    system: TransitionSystem
    engine: str
    options: EngineOptions  # without ``progress``: the child relays progress over its pipe
    bound: int
    mode: Mode = Mode.PROVE


# ----------------------------------------------------------------- wire format
_ALLOWED = {(c.__module__, c.__qualname__): c for c in
            (Result, PropertyResult, Certificate, Trace, ArrayValue, SourceLoc, TransitionSystem, Miter, EquivSemantics,
             ResetSpec, Property,
             BV, Array, EngineOptions, Job, Status, Mode)}


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.dag = DagWriter()

    def persistent_id(self, obj: Any) -> int | None:
        return self.dag.add(obj) if type(obj) is Term else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, terms: list[Term] | None = None):
        super().__init__(file)
        self.terms = terms or []

    def find_class(self, module: str, name: str) -> Any:
        cls = _ALLOWED.get((module, name))
        if cls is None:
            raise pickle.UnpicklingError(f"{module}.{name} may not appear in a worker message")
        return cls

    def persistent_load(self, pid: Any) -> Term:
        if type(pid) is not int or not 0 <= pid < len(self.terms):
            raise pickle.UnpicklingError(f"bad term reference {pid!r:.40}")
        return self.terms[pid]


def encode(obj: object) -> bytes:
    """Serialise ``obj``; its terms go into one shared node table."""
    body = io.BytesIO()
    pickler = _Pickler(body)
    pickler.dump(obj)
    return pickle.dumps((pickler.dag.nodes, body.getvalue()), protocol=pickle.HIGHEST_PROTOCOL)


def decode(data: bytes) -> object:
    """Inverse of ``encode``, re-interning every term here; ProverError if ``data`` is malformed."""
    try:
        outer = _Unpickler(io.BytesIO(data)).load()
        if not (isinstance(outer, tuple) and len(outer) == 2 and isinstance(outer[0], list)
                and isinstance(outer[1], bytes)):
            raise pickle.UnpicklingError("not a (term table, body) pair")
        return _Unpickler(io.BytesIO(outer[1]), read_dag(outer[0])).load()
    except Exception as e:  # noqa: BLE001 - whatever the bytes are, they are no verdict
        raise ProverError(f"malformed message from the worker: {type(e).__name__}: {e}"[:300]) from e


# ---------------------------------------------------------------- child side
def _send(conn: Connection, message: tuple) -> None:
    conn.send_bytes(encode(message))


def _vm_size() -> int | None:
    """This process's address-space size in bytes (Linux), or None."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _limit_memory(memory_mb: int | None) -> None:
    if memory_mb is None:
        return
    limit = memory_mb * MIB
    size = _vm_size()
    if size is not None and size >= limit:
        raise ProverError(f"memory limit {memory_mb} MiB is below the worker's size at start "
                          f"({size // MIB} MiB of address space, inherited from hwverify)")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _detach() -> None:
    """Lead a process group of our own (killed as a whole) and die with the parent (Linux)."""
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _oom_reason(memory_mb: int | None) -> str:
    return f"out of memory (limit {memory_mb} MiB)" if memory_mb else "out of memory"


def child_main(conn: Connection, job: Job | bytes) -> None:
    """Entry point of a worker process: run the job, send one final message, exit."""
    _detach()
    memory_mb = None
    try:
        if isinstance(job, bytes):  # spawn/forkserver: the job came pickled
            job = decode(job)
        if not isinstance(job, Job):
            raise ProverError(f"a worker needs a Job, not {type(job).__name__}")
        memory_mb = job.options.memory_mb
        _limit_memory(memory_mb)
        last = [0.0]

        def progress(message: str) -> None:
            now = time.monotonic()
            if now - last[0] >= _PROGRESS_INTERVAL:
                last[0] = now
                _send(conn, ("progress", str(message)))

        engine = make_engine(job.engine, job.system, replace(job.options, progress=progress), job.mode)
        result = engine.check(job.bound)
        for p in result.properties:  # Engine.check turns a MemoryError into an ERROR result
            if p.status == ERROR and p.reason.startswith("MemoryError"):
                p.reason = _oom_reason(memory_mb)
        _send(conn, ("result", result))
    except MemoryError:
        _send_or_exit(conn, ("oom", _oom_reason(memory_mb)))
    except HwverifyError as e:
        loc = (e.loc.file, e.loc.line, e.loc.column) if e.loc else None
        _send_or_exit(conn, ("raise", type(e).__name__, e.message, loc))
    except BaseException as e:  # noqa: BLE001 - reported to the parent as an ERROR
        _send_or_exit(conn, ("crash", f"{type(e).__name__}: {e}"))
    finally:
        conn.close()


def _send_or_exit(conn: Connection, message: tuple) -> None:
    try:
        _send(conn, message)
    except BaseException:  # noqa: BLE001 - too broken to talk: the exit code says out of memory
        os._exit(_EXIT_OOM)


# --------------------------------------------------------------- parent side
def default_grace(timeout: float | None) -> float:
    """Seconds a worker gets past its time limit to return its own TIMEOUT result."""
    return 0.0 if timeout is None else min(30.0, 1.0 + 0.1 * timeout)


def _error_from(message: tuple) -> HwverifyError:
    """Rebuild a user-facing error the child raised (unknown engine, bad option, ...)."""
    _, name, text, loc = message
    cls = getattr(errors, name, None) if isinstance(name, str) else None
    if not (isinstance(cls, type) and issubclass(cls, HwverifyError)):
        cls = ProverError
    where = None
    if isinstance(loc, tuple) and len(loc) == 3 and isinstance(loc[0], str):
        where = SourceLoc(loc[0], loc[1] if type(loc[1]) is int else None, loc[2] if type(loc[2]) is int else None)
    return cls(str(text), where)


class Worker:
    """One engine run in a child process: start it, ``poll`` it or ``wait`` for its Result.

    ``target`` replaces the child's entry point (``child_main``); it exists for
    fault-injection tests. ``start_method`` is a multiprocessing start method;
    fork (the default on Linux) shares the system without copying it, spawn and
    forkserver send it pickled.
    """

    def __init__(self, system: TransitionSystem, engine: str, options: EngineOptions, bound: int,
                 mode: Mode | str = Mode.PROVE, *, grace: float | None = None, start_method: str | None = None,
                 label: str | None = None, target: Callable[[Connection, Any], None] | None = None):
        self.system = system
        self.job = Job(system, engine, replace(options, progress=None), bound, Mode(mode))
        self.progress = options.progress
        self.timeout = options.timeout
        self.memory_mb = options.memory_mb
        self.grace = default_grace(options.timeout) if grace is None else grace
        self.limit = None if options.timeout is None else options.timeout + self.grace
        self.label = label or f"{engine}/{options.solver}"
        self.target = target or child_main
        methods = multiprocessing.get_all_start_methods()
        self.start_method = start_method or ("fork" if "fork" in methods else "spawn")
        self.process: Any = None
        self.conn: Connection | None = None
        self.started = 0.0
        self.outcome: Result | None = None
        self.raised: HwverifyError | None = None  # a user error the child raised while setting up
        self._eof = False
        self.last_progress = ""   # the engine's latest progress message (its depth), for a killed run

    # ------------------------------------------------------------ running
    def start(self) -> "Worker":
        ctx = multiprocessing.get_context(self.start_method)
        recv, send = ctx.Pipe(duplex=False)
        payload = self.job if self.start_method == "fork" else encode(self.job)
        self.process = ctx.Process(target=self.target, args=(send, payload), name=f"hwverify {self.label}")
        self.started = time.monotonic()
        self.process.start()
        send.close()
        self.conn = recv
        try:
            os.setpgid(self.process.pid, self.process.pid)  # also done by the child: whoever runs first
        except OSError:
            pass
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def handles(self) -> list:
        """Objects for ``multiprocessing.connection.wait``: ready when the worker has news."""
        return [self.conn, self.process.sentinel]

    def remaining(self) -> float | None:
        """Seconds until the hard kill (None: no time limit)."""
        return None if self.limit is None else max(0.0, self.started + self.limit - time.monotonic())

    def poll(self) -> Result | None:
        """Read what the child sent; the final Result once there is one (verdict, failure or kill)."""
        if self.outcome is None:
            dead = not self.process.is_alive()  # before draining: what it sent before dying is in the pipe
            self._drain()
            if self.outcome is None:
                if dead or self._eof:
                    self._died()
                elif self.remaining() == 0.0:
                    elapsed = time.monotonic() - self.started
                    self.kill()
                    reached = f"; it had reached {self.last_progress}" if self.last_progress else ""
                    self._finish(TIMEOUT, f"killed after {elapsed:.1f} s{reached} (time limit {self.timeout:g} s "
                                          f"+ {self.grace:g} s grace)")
        return self.outcome

    def wait(self) -> Result:
        """Block until the run is over; re-raise a user error the child raised while setting up."""
        while self.poll() is None:
            wait(self.handles, self.remaining())
        if self.raised is not None:
            raise self.raised
        return self.outcome  # type: ignore[return-value]

    def kill(self) -> None:
        """Kill the child's process group (if still running) and reap it."""
        if self.process is None:
            return
        if self.process.exitcode is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                try:
                    os.kill(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.process.join()
        if self.conn is not None:
            self.conn.close()

    # ------------------------------------------------------------ messages
    def _drain(self) -> None:
        assert self.conn is not None
        while self.outcome is None and not self._eof and self.conn.poll():
            try:
                data = self.conn.recv_bytes()
            except (EOFError, OSError):
                self._eof = True
                break
            self._handle(data)
            if self.remaining() == 0.0:
                break  # a child flooding the pipe is still killed on time

    def _handle(self, data: bytes) -> None:
        try:
            message = decode(data)
        except ProverError as e:
            self._finish(ERROR, str(e))
            return
        kind = message[0] if isinstance(message, tuple) and message else None
        if kind == "progress" and len(message) == 2 and isinstance(message[1], str):
            self.last_progress = message[1]
            if self.progress:
                self.progress(message[1])
        elif kind == "result" and len(message) == 2:
            problem = malformed_result(message[1], self._expected())
            if problem:
                self._finish(ERROR, f"worker returned a malformed result: {problem}")
            else:
                self._accept(message[1])
        elif kind == "raise" and len(message) == 4:
            self.raised = _error_from(message)
            self._finish(ERROR, str(self.raised))
        elif kind == "oom" and len(message) == 2:
            self._finish(ERROR, _oom_reason(self.memory_mb))
        elif kind == "crash" and len(message) == 2:
            self._finish(ERROR, f"worker failed: {str(message[1])[:300]}")
        else:
            self._finish(ERROR, f"malformed message from the worker: {message!r:.100}")

    def _accept(self, result: Result) -> None:
        locs = {p.name: p.loc for p in self._expected()}
        for p in result.properties:
            p.loc = locs[p.name]  # locations and the kernel flag are the parent's to say
            p.checked = None
        result.time = time.monotonic() - self.started
        self.outcome = result
        self.kill()  # it has said everything; do not wait for its teardown

    def _died(self) -> None:
        self.process.join(1.0)
        if self.process.exitcode is None:  # closed its pipe but lingers
            self.kill()
        code = self.process.exitcode
        if code == _EXIT_OOM:
            reason = _oom_reason(self.memory_mb)
        else:
            if code is not None and code < 0:
                try:
                    reason = f"worker died by signal {signal.Signals(-code).name}"
                except ValueError:
                    reason = f"worker died by signal {-code}"
            elif code == 0:
                reason = "worker exited without a result"
            else:
                reason = f"worker exited with code {code} without a result"
            if self.memory_mb and code not in (0, -signal.SIGKILL):
                reason += f" (memory limit {self.memory_mb} MiB: possibly out of memory)"
        self._finish(ERROR, reason)

    def _expected(self) -> list[Property]:
        props = self.system.covers if self.job.mode is Mode.COVER else self.system.asserts
        return list(props) + list(self.system.justice)

    def _finish(self, status: str, reason: str) -> None:
        """End the run with ``status`` for every property (justice: UNKNOWN, as engines say)."""
        props = [PropertyResult(p.name, p.kind, UNKNOWN if p.kind == "justice" else status, reason=reason, loc=p.loc)
                 for p in self._expected()]
        self.outcome = Result(self.job.engine, self.job.options.solver, props, time.monotonic() - self.started,
                              {"worker": reason})
        self.kill()


def malformed_result(result: object, expected: list[Property]) -> str:
    """Why ``result`` is not a well-formed Result for ``expected`` ('' if it is).

    Well formed: exactly the expected properties, known statuses, and every
    verdict with its evidence (assert PASS: a certificate; assert FAIL and
    cover PASS: a trace), each about the property it is attached to.
    """
    if not isinstance(result, Result) or not isinstance(result.properties, list):
        return f"not a Result: {type(result).__name__}"
    if not all(isinstance(p, PropertyResult) for p in result.properties):
        return "a property result is not a PropertyResult"
    kinds = {p.name: p.kind for p in expected}
    names = [p.name for p in result.properties]
    if sorted(names) != sorted(kinds):
        return f"properties {sorted(names)!r:.100} instead of {sorted(kinds)!r:.100}"
    if not isinstance(result.stats, dict) or not isinstance(result.time, (int, float)):
        return "bad stats or time"
    for p in result.properties:
        if p.status not in EXIT_CODES or p.kind != kinds[p.name] or not isinstance(p.reason, str):
            return f"{p.name}: bad status, kind or reason"
        if p.kind == "justice" and p.status in (PASS, FAIL):
            return f"{p.name}: a liveness verdict, which no engine gives"
        if p.depth is not None and type(p.depth) is not int:
            return f"{p.name}: bad depth {p.depth!r:.40}"
        needs_cert = p.status == PASS and p.kind == "assert"
        needs_trace = (p.status == FAIL and p.kind == "assert") or (p.status == PASS and p.kind == "cover")
        if needs_cert:
            c = p.certificate
            if not (isinstance(c, Certificate) and c.prop == p.name and isinstance(c.invariant, list)
                    and c.invariant and all(type(t) is Term for t in c.invariant) and type(c.k) is int):
                return f"{p.name}: {p.status} without a certificate for it"
        if needs_trace:
            t = p.trace
            if not (isinstance(t, Trace) and t.prop == p.name and isinstance(t.frames, list) and t.frames
                    and all(isinstance(f, dict) for f in t.frames)):
                return f"{p.name}: {p.status} without a trace for it"
    return ""


def run_isolated(system: TransitionSystem, engine: str, options: EngineOptions, bound: int,
                 mode: Mode | str = Mode.PROVE, *, grace: float | None = None, start_method: str | None = None) -> Result:
    """``make_engine(engine, system, options, mode).check(bound)`` in a worker process.

    ``options.timeout`` is passed to the engine and enforced: the worker is
    killed ``grace`` seconds later (TIMEOUT); ``options.memory_mb`` caps its
    address space (ERROR "out of memory"). User errors the engine raises while
    setting up (unknown engine or solver) are raised here as in-process.
    """
    worker = Worker(system, engine, options, bound, mode, grace=grace, start_method=start_method).start()
    try:
        return worker.wait()
    finally:
        worker.kill()
