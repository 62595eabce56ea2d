"""Running many tasks: in order, in a local pool of processes, or on a Dask cluster.

Each task goes through ``verify`` (which itself puts the engine in a
worker process with hard limits), so a task's verdict is the same whichever
executor runs it: the work unit is one task everywhere (a task's properties
are decided together by its engine, here as in the pool). A pool process
that dies is that task's ERROR, never a verdict. Ctrl-C stops the pool:
tasks already finished keep their results, the others come back UNKNOWN and
marked interrupted.

On Dask (``dask=ADDRESS`` of a running scheduler, or ``local`` for a
``LocalCluster`` of ``jobs`` worker processes) each task is one
``client.submit(verify_encoded, task)``; Dask's scheduler places it and
re-runs it elsewhere when its worker dies (``distributed.scheduler.
allowed-failures`` times), after which the task is an ERROR saying the
worker was lost, never a verdict. The result crosses the network in
``run.worker``'s wire format (terms as one node table, re-interned here,
only result classes accepted), not as arbitrary pickles.
"""
from __future__ import annotations

import multiprocessing
import os
import uuid
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, as_completed
from dataclasses import fields, replace
from multiprocessing import get_context
from typing import Any, Callable, Sequence

from hwverify import errors
from hwverify.errors import HwverifyError, ProverError, SourceLoc
from hwverify.run.session import RunResult, verify
from hwverify.run.task import Task
from hwverify.run.worker import decode, encode

__all__ = ["run_tasks", "task_sequence", "dask_tasks", "verify_encoded", "decode_run", "LOCAL"]

LOCAL = "local"     # --dask local: a LocalCluster on this machine

OnDone = Callable[[RunResult], None]
ProgressFor = Callable[[Task], Callable[[str], None] | None]


def _interrupted(task: Task) -> RunResult:
    return RunResult(task, interrupted=True, engine=task.engine_name, solver=task.solver)


def task_sequence(tasks: Sequence[Task], on_done: OnDone | None = None,
                  progress: ProgressFor | None = None) -> list[RunResult]:
    """Run ``tasks`` one after the other in this process (each engine still in its worker)."""
    done: list[RunResult] = []
    for i, task in enumerate(tasks):
        try:
            run = verify(task, progress=progress(task) if progress else None)
        except KeyboardInterrupt:
            done += [_interrupted(t) for t in tasks[i:]]
            break
        done.append(run)
        if on_done:
            on_done(run)
        if run.interrupted:
            done += [_interrupted(t) for t in tasks[i + 1:]]
            break
    return done


def run_tasks(tasks: Sequence[Task], jobs: int = 1, on_done: OnDone | None = None,
              progress: ProgressFor | None = None, dask: str | None = None) -> list[RunResult]:
    """Run ``tasks`` with up to ``jobs`` at once; results in the order of ``tasks``.

    ``progress`` gives each task's progress function; only tasks run in this
    process report progress (a pool's processes do not relay it). ``dask``
    sends them to a Dask cluster instead (``dask_tasks``).
    """
    if dask:
        return dask_tasks(tasks, dask, jobs=jobs, on_done=on_done)
    if jobs <= 1 or len(tasks) <= 1:
        return task_sequence(tasks, on_done, progress)
    # a portfolio task races its members on the core count by default: ``jobs`` of them at once
    # share the cores instead of each taking all of them
    share = max(1, (os.cpu_count() or 1) // jobs)
    tasks = [t if t.jobs is not None else replace(t, jobs=share) for t in tasks]
    results: dict[int, RunResult] = {}
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"))
    futures: dict[Future, int] = {pool.submit(verify, t): i for i, t in enumerate(tasks)}
    try:
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                run = fut.result()
            except (CancelledError, KeyboardInterrupt):
                raise
            except Exception as e:  # noqa: BLE001 - a dead pool process is that task's ERROR
                run = RunResult(tasks[i], engine=tasks[i].engine_name, solver=tasks[i].solver,
                                error=ProverError(f"task process failed: {type(e).__name__}: {e}"))
            results[i] = run
            if on_done:
                on_done(run)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.kill()   # their engine workers die with them (PR_SET_PDEATHSIG)
    else:
        pool.shutdown(wait=True)
    return [results.get(i) or _interrupted(t) for i, t in enumerate(tasks)]


# ------------------------------------------------------------------ Dask
_RUN_FIELDS = [f.name for f in fields(RunResult) if f.name not in ("task", "error")]


def verify_encoded(task: Task) -> bytes:
    """``verify(task)`` on a Dask worker, its RunResult (minus the task) in the worker wire format.

    Dask's worker processes are daemonic by default and multiprocessing
    refuses children to daemons; the engine's worker process is such a child.
    Our engine workers die with their parent (``PR_SET_PDEATHSIG``) and are
    killed on their time limit, which is what the refusal protects against,
    so the flag is lifted for this process.
    """
    current = multiprocessing.current_process()
    if current.daemon:
        current._config["daemon"] = False   # type: ignore[attr-defined]
    run = verify(task)
    error = None
    if run.error is not None:
        loc = run.error.loc
        error = (type(run.error).__name__, run.error.message,
                 (loc.file, loc.line, loc.column) if loc else None)
    return encode(({name: getattr(run, name) for name in _RUN_FIELDS}, error))


def decode_run(task: Task, data: bytes) -> RunResult:
    """The RunResult ``verify_encoded`` sent; a malformed message is the task's ERROR."""
    try:
        body, error = decode(data)  # type: ignore[misc]
        if not isinstance(body, dict) or set(body) != set(_RUN_FIELDS):
            raise ProverError("not the fields of a RunResult")
        run = RunResult(task, **body)
    except (HwverifyError, TypeError, ValueError) as e:
        return _lost(task, f"malformed result from the Dask worker: {e}")
    if error is not None:
        name, text, loc = error
        cls = getattr(errors, str(name), None)
        if not (isinstance(cls, type) and issubclass(cls, HwverifyError)):
            cls = ProverError
        run.error = cls(str(text), SourceLoc(*loc) if isinstance(loc, tuple) and len(loc) == 3 else None)
    return run


def _lost(task: Task, reason: str) -> RunResult:
    return RunResult(task, engine=task.engine_name, solver=task.solver, error=ProverError(reason))


def _client(address: str, jobs: int) -> tuple[Any, Any]:
    """A Dask client of the scheduler at ``address``, or of a new LocalCluster (``local``): (client, cluster)."""
    try:   # optional and heavy: imported only when a run asks for Dask
        from distributed import Client, LocalCluster
    except ImportError as e:
        raise ProverError(f"--dask needs the 'distributed' package ({e}); pip install distributed") from None
    if address == LOCAL:
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        return Client(cluster), cluster
    try:
        return Client(address, timeout="30s"), None
    except (OSError, TimeoutError) as e:
        raise ProverError(f"--dask {address}: cannot reach the Dask scheduler: {e}") from None


def dask_tasks(tasks: Sequence[Task], address: str, jobs: int = 2,
               on_done: OnDone | None = None) -> list[RunResult]:
    """Run ``tasks`` on the Dask cluster at ``address`` (``local``: a LocalCluster of ``jobs`` workers).

    Results in the order of ``tasks``; ``on_done`` as each finishes. A task
    whose worker was lost more often than Dask allows (``KilledWorker``), or
    that failed on the worker, is an ERROR naming why; Ctrl-C cancels what is
    still running and returns it as interrupted.
    """
    if not tasks:
        return []
    client, cluster = _client(address, jobs)
    results: dict[int, RunResult] = {}
    try:
        from distributed import as_completed as dask_completed   # (imported by _client already)
        futures = {client.submit(verify_encoded, t, key=f"hwverify-{t.label()}-{uuid.uuid4().hex}"): i
                   for i, t in enumerate(tasks)}
        try:
            for fut in dask_completed(list(futures)):
                i = futures[fut]
                try:
                    run = decode_run(tasks[i], fut.result())
                except KeyboardInterrupt:
                    raise
                except Exception as e:  # noqa: BLE001 - KilledWorker, a crash on the worker: ERROR, no verdict
                    what = ("worker lost while running the task (Dask gave up after retrying it elsewhere)"
                            if type(e).__name__ == "KilledWorker" else "task failed on the Dask worker")
                    run = _lost(tasks[i], f"{what}: {type(e).__name__}: {e}"[:500])
                results[i] = run
                if on_done:
                    on_done(run)
        except KeyboardInterrupt:
            client.cancel(list(futures))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return [results.get(i) or _interrupted(t) for i, t in enumerate(tasks)]
