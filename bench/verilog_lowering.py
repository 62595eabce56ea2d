"""Lowering speed of the pyverilog frontend on the bundled Verilog designs.

Prints a table (design, lines, states, inputs, seconds) and writes
bench/results/verilog_lowering.json. The parser tables come from the user
cache, so the first row does not pay for building them (we build them first).
The target from issue 4: a ~2,000-line core lowers in under 5 s.
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hwverify.frontend.verilog import lower_verilog  # noqa: E402
from hwverify.frontend.verilog_parse import get_parser  # noqa: E402


def top_of(path: Path) -> str:
    src = path.read_text()
    m = re.search(r"^//\s*top:\s*(\w+)", src, re.M)
    return m.group(1) if m else re.findall(r"^\s*module\s+(\w+)", src, re.M)[-1]


def main() -> None:
    t = time.perf_counter()
    get_parser()
    tables = time.perf_counter() - t
    designs = sorted((ROOT / "designs" / "verilog").glob("*.v")) + \
        sorted((ROOT / "designs" / "verilog" / "aes").glob("*.v"))
    rows = []
    for path in designs:
        best = None
        for _ in range(3):
            t = time.perf_counter()
            system = lower_verilog([str(path)], top_of(path))
            dt = time.perf_counter() - t
            best = dt if best is None else min(best, dt)
        rows.append({"design": str(path.relative_to(ROOT)), "lines": len(path.read_text().splitlines()),
                     "states": len(system.states), "inputs": len(system.inputs), "seconds": round(best, 4)})
    print(f"parser tables loaded in {tables:.3f} s")
    print(f"{'design':45} {'lines':>6} {'states':>7} {'inputs':>7} {'seconds':>8}")
    for r in rows:
        print(f"{r['design']:45} {r['lines']:6} {r['states']:7} {r['inputs']:7} {r['seconds']:8.3f}")
    out = ROOT / "bench" / "results" / "verilog_lowering.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"tables_seconds": round(tables, 4), "designs": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
