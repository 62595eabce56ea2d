"""Reporting what induction left open: a proof script's failure, and an UNKNOWN's counterexample to induction.

Why in ``report``: both are read off a finished ``RunResult``. A failed proof
script already carries its state (``stats["script"]``); an UNKNOWN from
k-induction does not carry its CTI, so ``explain_run`` asks the tactic layer
for it (one more step query at the depth k-induction gave up at), prints it
with a suggested next step and writes it as VCD, as SymbiYosys writes
``trace_induct.vcd``.
"""
from __future__ import annotations

import os
import re
import sys
from typing import TextIO

from hwverify.formats.vcd import write_vcd
from hwverify.prover.result import UNKNOWN, Mode
from hwverify.prover.tactics.explain import explain_unknown
from hwverify.run.session import RunResult

__all__ = ["print_script_failure", "explain_run", "induct_vcd_path"]

_NOT_INDUCTIVE = re.compile(r"not (\d+)-inductive")
EXPLAIN_TIMEOUT = 60.0


def print_script_failure(run: RunResult, out: TextIO | None = None) -> bool:
    """Print where a proof script stopped and the proof state there; whether there was one."""
    info = run.stats.get("script") if run.stats else None
    if not info:
        return False
    out = out or sys.stdout
    where = f"{info['path']}:{info['line']}" if info.get("line") else info["path"]
    print(f"proof script stopped at {where}: {info['message']}", file=out)
    print("proof state there:", file=out)
    for line in info["state"].rstrip("\n").splitlines():
        print(f"  {line}", file=out)
    return True


def induct_vcd_path(run: RunResult, prop: str, vcd: str | None, root: str, several: bool) -> str:
    """Where the CTI of ``prop`` goes: next to ``--vcd`` (``X_induct.vcd``) or ``ROOT/<top>/trace_induct.vcd``."""
    suffix = f"_{re.sub(r'[^A-Za-z0-9_.-]', '_', prop)}" if several else ""
    if vcd:
        base, _ = os.path.splitext(vcd)
        return f"{base}_induct{suffix}.vcd"
    top = run.task.top or (run.system.name if run.system else "design")
    return os.path.join(root, re.sub(r"[^A-Za-z0-9_.-]", "_", top), f"trace_induct{suffix}.vcd")


def explain_run(run: RunResult, vcd: str | None, root: str, out: TextIO | None = None) -> list[str]:
    """For each assertion k-induction left UNKNOWN: print its CTI and next steps, write the VCD; the paths."""
    out = out or sys.stdout
    if run.task.mode is not Mode.PROVE or run.task.script or run.system is None:
        return []
    open_props = [(p, int(m.group(1))) for p in run.properties
                  if p.status == UNKNOWN and (m := _NOT_INDUCTIVE.search(p.reason or ""))]
    written = []
    for p, k in open_props:
        timeout = min(EXPLAIN_TIMEOUT, run.task.timeout) if run.task.timeout else EXPLAIN_TIMEOUT
        explanation = explain_unknown(run.system, p.name, k, solver=run.task.solver, timeout=timeout,
                                      seed=run.task.seed, simple_path=run.task.simple_path)
        print(f"why {p.name} is UNKNOWN:", file=out)
        for line in explanation.text.rstrip("\n").splitlines():
            print(f"  {line}", file=out)
        if explanation.script:
            print("try this proof script (hwverify prove ... --script proof.hwp):", file=out)
            for line in explanation.script.rstrip("\n").splitlines()[1:]:
                print(f"  {line}", file=out)
        if explanation.cti is not None:
            path = induct_vcd_path(run, p.name, vcd, root, len(open_props) > 1)
            try:
                os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
                with open(path, "w") as fh:
                    write_vcd(run.system, explanation.cti.to_trace(run.system), fh)
            except OSError as e:
                print(f"error: cannot write {path}: {e.strerror}", file=sys.stderr)
                continue
            print(f"counterexample to induction written to {path}", file=out)
            written.append(path)
    return written
