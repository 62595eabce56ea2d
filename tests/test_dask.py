"""Tasks on a Dask cluster (hwverify/run/executor.py): the local pool's verdicts, a lost worker never a verdict."""
from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="the Dask executor needs the 'distributed' package")

from hwverify.frontend.load import load_system  # noqa: E402
from hwverify.prover.result import Mode, Status  # noqa: E402
from hwverify.run.executor import dask_tasks, run_tasks  # noqa: E402
from hwverify.run.project import load_project, run_project  # noqa: E402
from hwverify.run.task import Task  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PROJECT = str(ROOT / "designs" / "hwverify.toml")
COUNTER = str(ROOT / "designs" / "verilog" / "counter.v")


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 worker processes, as `dask scheduler` + 2 `dask worker` would be."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as c:
        yield c


def _verdicts(runs) -> list[tuple]:
    """What must not depend on the executor: per task its status, exit code and per-property evidence.

    Not a PASS's depth: that is the k of whichever member of an auto race won, which depends on
    how many members ran at once (a FAIL's depth is the minimal one whoever finds it)."""
    return [(r.task.name, r.status, r.exit_code, r.cached,
             [(p.name, p.kind, p.status, None if p.status == Status.PASS else p.depth, p.checked, p.certificate is not None,
               p.trace.depth if p.trace else None, str(p.loc)) for p in r.properties]) for r in runs]


def test_project_on_the_cluster_gives_the_local_pools_verdicts(cluster):
    local_code, local = run_project(PROJECT, jobs=2)
    dask_code, remote = run_project(PROJECT, dask=cluster.scheduler_address)
    assert dask_code == local_code == 0
    assert _verdicts(remote) == _verdicts(local)
    assert {r.status for r in remote} == {Status.PASS, Status.FAIL}
    failing = next(r for r in remote if r.task.name == "counter_bug")
    trace = next(p.trace for p in failing.properties if p.status == Status.FAIL)
    assert trace.frames and failing.system is not None      # the trace came back with its system
    statuses = [r.to_json() for r in remote]
    assert all("wall" in s and s["status"] in ("PASS", "FAIL") for s in statuses)


def _kill_worker(marker: str, always: bool):
    """A task loader that kills the Dask worker running it (the first time only, unless ``always``)."""
    if always or not os.path.exists(marker):
        Path(marker).write_text("killed once")
        os._exit(1)
    return load_system([COUNTER], top="counter")


def test_a_lost_worker_is_retried_or_reported_never_a_verdict(cluster, tmp_path):
    once = Task(name="retried", loader=functools.partial(_kill_worker, str(tmp_path / "once"), False),
                mode=Mode.PROVE)
    lost = Task(name="lost", loader=functools.partial(_kill_worker, str(tmp_path / "always"), True),
                mode=Mode.PROVE)
    fine = Task(name="fine", design=[COUNTER], top="counter", mode=Mode.BMC, depth=5)
    done = []
    # one call each: a task queued on a worker that another task kills is suspected with it (Dask counts
    # it towards its allowed failures), so sharing a call made the verdicts depend on placement
    runs = [r for task in (once, lost) for r in dask_tasks([task], cluster.scheduler_address, on_done=done.append)]
    by_name = {r.task.name: r for r in runs}
    assert by_name["retried"].status == Status.PASS and all(p.checked for p in by_name["retried"].properties)
    assert by_name["lost"].status == Status.ERROR and not by_name["lost"].properties
    assert "worker lost" in by_name["lost"].error.message
    assert sorted(r.task.name for r in done) == ["lost", "retried"]
    # the cluster still answers after losing workers
    [after] = dask_tasks([fine], cluster.scheduler_address)
    assert after.status == Status.PASS and all(p.checked for p in after.properties)


def test_user_errors_come_back_with_their_location(cluster, tmp_path):
    broken = tmp_path / "broken.v"
    broken.write_text("module m(input a);\n  assign = ;\nendmodule\n")
    [remote] = dask_tasks([Task(name="broken", design=[str(broken)], top="m")], cluster.scheduler_address)
    [local] = run_tasks([Task(name="broken", design=[str(broken)], top="m")])
    assert remote.status == Status.ERROR and type(remote.error) is type(local.error)
    assert str(remote.error) == str(local.error) and remote.error.loc.line == 2


@pytest.mark.slow
def test_cli_dask_local_matches_the_local_pool(tmp_path):
    """`hwverify run --dask local` (its own LocalCluster of -j workers) against the local pool, end to end."""
    def run(*extra: str) -> tuple[int, dict]:
        r = subprocess.run([sys.executable, "-m", "hwverify.cli", "run", PROJECT, "--json", "--no-cache", "-j", "2",
                            *extra], cwd=tmp_path, capture_output=True, text=True, timeout=600)
        return r.returncode, json.loads(r.stdout)

    local_code, local = run()
    dask_code, remote = run("--dask", "local")
    assert dask_code == local_code == 0
    strip = [{k: v for k, v in t.items() if not k.endswith("time") and k != "wall"} for t in local["tasks"]]
    assert [{k: v for k, v in t.items() if not k.endswith("time") and k != "wall"} for t in remote["tasks"]] == strip
    assert [t.name for t in load_project(PROJECT).tasks] == [t["name"] for t in remote["tasks"]]
