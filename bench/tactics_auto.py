"""Stalled k-induction proofs closed by the tactic layer: plain k-induction vs houdini vs PDR.

For each bundled design of designs/proofs where k-induction stalls, in one process so the
times compare: k-induction to depth 20 (the default), the houdini tactic (mining, fixpoint,
then 1-induction), and the 'pdr' engine when registered (limit 60 s). Prints a table and writes
bench/results/tactics_auto.json.
"""
from __future__ import annotations

import json
import os
import sys
import time

from hwverify.frontend.load import load_system
from hwverify.prover.registry import ENGINES
from hwverify.prover.tactics import ProofSession
from hwverify.run.session import verify
from hwverify.run.task import Task

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DESIGNS = ["lockstep", "fifo_count", "shift_pair"]
PDR_LIMIT = 60.0


def _timed(fn):
    start = time.monotonic()
    out = fn()
    return out, time.monotonic() - start


def main() -> int:
    rows = []
    for name in DESIGNS:
        system = load_system([os.path.join(ROOT, "designs", "proofs", f"{name}.v")], top=name)
        kind, t_kind = _timed(lambda: verify(Task(system=system, depth=20, isolate=False)))

        def by_houdini():
            session = ProofSession(system)
            session.houdini()
            if not session.complete:
                session.induct(1)
            return session
        session, t_houdini = _timed(by_houdini)
        checked = all(r.ok for r in session.check()) if session.complete else False
        pdr_status, t_pdr = "n/a", None
        if "pdr" in ENGINES:
            pdr, t_pdr = _timed(lambda: verify(Task(system=system, engine="pdr", timeout=PDR_LIMIT)))
            pdr_status = str(pdr.status)
        rows.append({"design": name, "kind_status": str(kind.status), "kind_s": round(t_kind, 3),
                     "houdini_status": "PASS" if session.complete and checked else "UNKNOWN",
                     "houdini_s": round(t_houdini, 3), "pdr_status": pdr_status,
                     "pdr_s": None if t_pdr is None else round(t_pdr, 3),
                     "faster": "houdini" if t_pdr is None or pdr_status != "PASS" or t_houdini < t_pdr else "pdr"})
    print(f"{'design':12} {'kind (k<=20)':>18} {'houdini':>16} {'pdr':>18}  faster")
    for r in rows:
        pdr = f"{r['pdr_status']} {r['pdr_s']}s" if r["pdr_s"] is not None else "n/a"
        print(f"{r['design']:12} {r['kind_status'] + ' ' + str(r['kind_s']) + 's':>18} "
              f"{r['houdini_status'] + ' ' + str(r['houdini_s']) + 's':>16} {pdr:>18}  {r['faster']}")
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "tactics_auto.json"), "w") as fh:
        json.dump({"rows": rows, "python": sys.version.split()[0]}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
