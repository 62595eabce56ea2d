"""Lowering speed of the pyverilog frontend on the bundled Verilog designs.

Prints a table (design, lines, states, inputs, seconds) and writes
bench/results/verilog_lowering.json. The parser tables come from the user
cache, so the first row does not pay for building them (we build them first).
The target from issue 4: a ~2,000-line core lowers in under 5 s: that is the
crypto accelerator in designs/verilog/crypto (AES-128 + SHA-256 + ChaCha20; its
line count includes the AES core in designs/verilog/aes, which it includes).
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hwverify.frontend.verilog.lower import lower_verilog  # noqa: E402
from hwverify.frontend.verilog.parse import get_parser  # noqa: E402


def top_of(path: Path) -> str:
    src = path.read_text()
    m = re.search(r"^//\s*top:\s*(\w+)", src, re.M)
    return m.group(1) if m else re.findall(r"^\s*module\s+(\w+)", src, re.M)[-1]


def designs() -> list[tuple[str, list[Path], str, list[Path]]]:
    """(label, files to lower, top, files whose lines count) of every benchmarked design."""
    verilog = ROOT / "designs" / "verilog"
    out = [(str(p.relative_to(ROOT)), [p], top_of(p), [p])
           for p in sorted(verilog.glob("*.v")) + sorted((verilog / "aes").glob("*.v"))]
    crypto = sorted((verilog / "crypto").glob("*.v"))
    if crypto:   # multi-file core; crypto_accel.v `include`s aes/aes128.v
        out.append((str((verilog / "crypto").relative_to(ROOT)) + "/*.v", crypto, "crypto_accel",
                    crypto + [verilog / "aes" / "aes128.v"]))
    return out


def main() -> None:
    t = time.perf_counter()
    get_parser()
    tables = time.perf_counter() - t
    rows = []
    for label, files, top, counted in designs():
        best = None
        for _ in range(3):
            t = time.perf_counter()
            system = lower_verilog([str(f) for f in files], top)
            dt = time.perf_counter() - t
            best = dt if best is None else min(best, dt)
        rows.append({"design": label, "lines": sum(len(f.read_text().splitlines()) for f in counted),
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
