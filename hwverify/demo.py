"""``make demo``: run hwverify on the bundled designs and check every verdict.

Each design file states what it expects in a header comment
(``expect: pass`` or ``expect: fail depth=N``); the demo proves or refutes
it through the real CLI, exports and re-checks certificates, writes VCD
traces under ``.hwverify/demo/``; every FAIL of a Verilog design is replayed
in Icarus Verilog by the CLI itself (a counterexample the RTL does not follow
is ERROR, so the demo reports it as unexpected). It then cross-checks one
design against Icarus cycle by cycle, replays one counterexample with the
simulator's waveform,
checks the refactor pairs in ``designs/equiv`` with ``hwverify equiv``,
proves the AES-128 core's control invariants (the crypto proof; its
certificate re-checked), runs the bundled project file
(``designs/hwverify.toml``, every task's verdict as its ``expect`` says; its
``secure_*`` tasks are the noninterference check: a PASS and a planted key
leak found and replayed in Icarus), and exits non-zero if anything is off.
"""
from __future__ import annotations

import glob
import importlib.util
import inspect
import os
import re
import sys
import time

from hwverify.cli import main as cli_main
from hwverify.frontend.amaranth import load_amaranth_class
from hwverify.frontend.amaranth_settings import design_settings

OUT = os.path.join(".hwverify", "demo")
EXPECT = re.compile(r"^\W*expect:\s*(pass|fail)(?:\s+depth=(\d+))?\s*$", re.M)


def expectation(path: str) -> tuple[str, int | None] | None:
    """The ``expect:`` header of a design file, if it has one."""
    with open(path, errors="replace") as fh:
        head = fh.read(2000)
    m = EXPECT.search(head)
    if not m:
        return None
    return m.group(1), (int(m.group(2)) if m.group(2) else None)


def top_of(path: str) -> str | None:
    """The ``top:`` header of a Verilog file, else the last module it declares."""
    with open(path, errors="replace") as fh:
        text = fh.read()
    m = re.search(r"top:\s*(\w+)", text[:2000])
    if m:
        return m.group(1)
    modules = re.findall(r"^\s*module\s+(\w+)", text, re.M)
    return modules[-1] if modules else None


def run_one(path: str, expect: str, depth: int | None) -> bool:
    name = os.path.splitext(os.path.basename(path))[0]
    args = ["prove", path, "--depth", str(max(depth or 0, 20))]
    if path.endswith((".v", ".sv")):  # .sv goes through the yosys frontend
        args += ["--top", top_of(path) or name]
        with open(path, errors="replace") as fh:
            if "multiclock: on" in fh.read(500):
                args.append("--multiclock")
    if expect == "pass":
        args += ["--certificate", os.path.join(OUT, name + ".cert")]
    else:
        args += ["--vcd", os.path.join(OUT, name + ".vcd")]
    print(f"\n$ hwverify {' '.join(args)}", flush=True)
    code = cli_main(args)
    ok = code == (0 if expect == "pass" else 2)
    if ok and expect == "pass":
        for cert in sorted(glob.glob(os.path.join(OUT, name + ".cert", "*"))):
            print(f"$ hwverify check-proof {cert}", flush=True)
            ok = cli_main(["check-proof", cert]) == 0 and ok
    print(f"=> {'as expected' if ok else 'UNEXPECTED'} ({expect})", flush=True)
    return ok


# ``// equiv: REF pass|fail [step=N] [hwverify equiv options, e.g. --reset rst --frontend yosys]``
EQUIV = re.compile(r"^//\s*equiv:\s*(\S+)\s+(pass|fail)(?:\s+step=(\d+))?([^\n]*)$", re.M)


def equiv_gate_files() -> list[str]:
    """designs/equiv's files, plus the picorv32 pairs built from their PyPI package (not kept in the repository)."""
    files = sorted(glob.glob("designs/equiv/*.v"))
    pairs = _picorv32_pairs()
    if pairs.available():
        files += pairs.build(os.path.join(".hwverify", "designs", "equiv"))
    return files


def _picorv32_pairs():
    spec = importlib.util.spec_from_file_location("picorv32_pairs", os.path.join("designs", "equiv", "picorv32_pairs.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_equiv_demo() -> list[tuple[str, bool]]:
    """Every refactoring in designs/equiv against its reference, as its ``equiv:`` header says."""
    results = []
    for gate in equiv_gate_files():
        with open(gate) as fh:
            m = EQUIV.search(fh.read(500))
        if not m:
            continue
        ref = os.path.join(os.path.dirname(gate), m.group(1))
        args = ["equiv", ref, "--gate", gate, "--top", top_of(ref) or "top"] + m.group(4).split()
        print(f"\n$ hwverify {' '.join(args)}", flush=True)
        ok = cli_main(args) == (0 if m.group(2) == "pass" else 2)
        print(f"=> {'as expected' if ok else 'UNEXPECTED'} ({m.group(2)})", flush=True)
        results.append((gate, ok))
    return results


def run_amaranth_demo() -> list[tuple[str, bool]]:
    """Every Amaranth spec in designs/amaranth whose ``HWVERIFY`` settings promise a verdict."""
    results = []
    for path in sorted(glob.glob("designs/amaranth/*.py")):
        with open(path) as fh:
            text = fh.read()
        if "HWVERIFY" not in text:
            continue
        for name in re.findall(r"^class (\w+)", text, re.M):
            cls = load_amaranth_class(f"{path}:{name}")
            params = list(inspect.signature(cls.__init__).parameters.values())[1:]
            if any(p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
                continue   # templates that take parameters
            settings = design_settings(cls)
            if not settings.expect:
                continue
            args = [settings.mode, f"{path}:{name}", "--depth", str(settings.depth)]
            if settings.multiclock:
                args.append("--multiclock")
            print(f"\n$ hwverify {' '.join(args)}", flush=True)
            ok = cli_main(args) == (0 if settings.expect == "pass" else 2)
            print(f"=> {'as expected' if ok else 'UNEXPECTED'} ({settings.expect})", flush=True)
            results.append((f"{path}:{name}", ok))
    return results


def run_cosim_demo() -> list[tuple[str, bool]]:
    """One cross-check against Icarus, one counterexample replayed with its waveform, the project file."""
    steps = [
        ("cosim fifo", ["cosim", "designs/verilog/fifo.v", "--top", "fifo", "--cycles", "2000"], 0),
        ("replay counter_bug", ["bmc", "designs/verilog/counter_bug.v", "--top", "counter", "--depth", "12",
                                "--trace-json", os.path.join(OUT, "counter_bug.json"), "--replay"], 2),
        ("project designs/hwverify.toml", ["run", "designs/hwverify.toml",
                                           "--junit", os.path.join(OUT, "project.xml")], 0),
    ]
    results = []
    for label, args, expected in steps:
        print(f"\n$ hwverify {' '.join(args)}", flush=True)
        ok = cli_main(args) == expected
        print(f"=> {'as expected' if ok else 'UNEXPECTED'}", flush=True)
        results.append((label, ok))
    return results


CRYPTO_PROOF = "designs/verilog/aes/aes128.v"   # control invariants: phase and round counter in range


def main() -> int:
    os.makedirs(OUT, exist_ok=True)
    designs = (sorted(glob.glob("designs/btor2/*.btor2")) + sorted(glob.glob("designs/verilog/*.v"))
               + sorted(glob.glob("designs/sv/*.sv")))
    start = time.monotonic()
    results = []
    for path in designs:
        exp = expectation(path)
        if exp is None:
            continue
        results.append((path, run_one(path, *exp)))
    results += run_equiv_demo()
    results += run_amaranth_demo()
    results.append((CRYPTO_PROOF, run_one(CRYPTO_PROOF, "pass", None)))
    results += run_cosim_demo()
    bad = [p for p, ok in results if not ok]
    print(f"\ndemo: {len(results)} runs, {len(results) - len(bad)} as expected, "
          f"{len(bad)} unexpected, {time.monotonic() - start:.1f}s; outputs in {OUT}/")
    for p in bad:
        print(f"  unexpected: {p}")
    return 1 if bad or not results else 0


if __name__ == "__main__":
    sys.exit(main())
