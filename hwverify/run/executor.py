"""Running many tasks: in order, or in a local pool of processes.

Each task goes through ``verify`` (which itself puts the engine in a
worker process with hard limits), so a task's verdict is the same whichever
executor runs it. A pool process that dies is that task's ERROR, never a
verdict. Ctrl-C stops the pool: tasks already finished keep their results,
the others come back UNKNOWN and marked interrupted.
"""
from __future__ import annotations

from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from typing import Callable, Sequence

from hwverify.errors import ProverError
from hwverify.run.session import RunResult, verify
from hwverify.run.task import Task

__all__ = ["run_tasks", "task_sequence"]

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
              progress: ProgressFor | None = None) -> list[RunResult]:
    """Run ``tasks`` with up to ``jobs`` at once; results in the order of ``tasks``.

    ``progress`` gives each task's progress function; only tasks run in this
    process report progress (a pool's processes do not relay it).
    """
    if jobs <= 1 or len(tasks) <= 1:
        return task_sequence(tasks, on_done, progress)
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
