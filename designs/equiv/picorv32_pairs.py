"""The picorv32 refactor pairs, built from the ``pythondata-cpu-picorv32`` package.

picorv32 is YosysHQ's code (ISC licence, shipped in that PyPI package with its
licence); this repository does not carry a copy. ``build(folder)`` extracts
module ``picorv32`` unchanged as ``picorv32_ref.v`` and applies our refactor:
the six shifters of the shift state (<< >> >>> by 4 and by 1) merged into one
shared right shifter (left shifts go through it bit-reversed), plus a buggy twin
whose arithmetic shifts take the sign from bit 30. Each file carries the
``// equiv:`` header that ``make demo``, the tests and ``bench/equiv.py`` read::

    python designs/equiv/picorv32_pairs.py OUT_DIR
"""
from __future__ import annotations

import importlib.resources
import os
import sys

PAIR_OPTIONS = "--reset resetn=0 --frontend yosys"
FILES = ("picorv32_ref.v", "picorv32_shared_shift.v", "picorv32_shared_shift_bug.v")

_SHARED_SHIFTER = """
\t// REFACTOR: the six shifters of cpu_state_shift (<< >> >>> by 4 and by 1) merged into one shared
\t// right shifter: left shifts go through it bit-reversed; the first matching instruction wins, as
\t// in the original parallel case.
\twire shift_left  = instr_slli || instr_sll;
\twire shift_right = !shift_left && (instr_srli || instr_srl);
\twire shift_arith = !shift_left && !shift_right && (instr_srai || instr_sra);
\twire shift_any   = shift_left || shift_right || shift_arith;
\twire [4:0] shift_step = (TWO_STAGE_SHIFT && reg_sh >= 4) ? 5'd4 : 5'd1;
\tfunction [31:0] bitrev32(input [31:0] v);
\t\tinteger i;
\t\tfor (i = 0; i < 32; i = i + 1)
\t\t\tbitrev32[i] = v[31-i];
\tendfunction
\twire [31:0] shift_in = shift_left ? bitrev32(reg_op1) : reg_op1;
\twire [32:0] shift_wide = $signed({shift_arith & reg_op1[31], shift_in}) >>> shift_step[2:0];
\twire [31:0] shift_result = shift_left ? bitrev32(shift_wide[31:0]) : shift_wide[31:0];

"""
_ANCHOR = "\t// Main State Machine\n"
_SHIFT_STATE_OLD = """\t\t\t\tend else if (TWO_STAGE_SHIFT && reg_sh >= 4) begin
\t\t\t\t\t(* parallel_case, full_case *)
\t\t\t\t\tcase (1'b1)
\t\t\t\t\t\tinstr_slli || instr_sll: reg_op1 <= reg_op1 << 4;
\t\t\t\t\t\tinstr_srli || instr_srl: reg_op1 <= reg_op1 >> 4;
\t\t\t\t\t\tinstr_srai || instr_sra: reg_op1 <= $signed(reg_op1) >>> 4;
\t\t\t\t\tendcase
\t\t\t\t\treg_sh <= reg_sh - 4;
\t\t\t\tend else begin
\t\t\t\t\t(* parallel_case, full_case *)
\t\t\t\t\tcase (1'b1)
\t\t\t\t\t\tinstr_slli || instr_sll: reg_op1 <= reg_op1 << 1;
\t\t\t\t\t\tinstr_srli || instr_srl: reg_op1 <= reg_op1 >> 1;
\t\t\t\t\t\tinstr_srai || instr_sra: reg_op1 <= $signed(reg_op1) >>> 1;
\t\t\t\t\tendcase
\t\t\t\t\treg_sh <= reg_sh - 1;
"""
_SHIFT_STATE_NEW = """\t\t\t\tend else begin
\t\t\t\t\tif (shift_any)
\t\t\t\t\t\treg_op1 <= shift_result;
\t\t\t\t\treg_sh <= reg_sh - shift_step;
"""
_BUG_OLD = "$signed({shift_arith & reg_op1[31], shift_in})"
_BUG_NEW = "$signed({shift_arith & reg_op1[30], shift_in})"


def available() -> bool:
    """Whether the package carrying picorv32 is installed (a test dependency in pyproject.toml)."""
    return importlib.util.find_spec("pythondata_cpu_picorv32") is not None


def _original_module() -> str:
    text = importlib.resources.files("pythondata_cpu_picorv32").joinpath("verilog", "picorv32.v").read_text()
    start = text.index("module picorv32 #(")
    end = text.index("endmodule", start) + len("endmodule")
    return text[:end] + "\n"   # with the file's header: its licence and the `assert`/`debug` macros


def _replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise RuntimeError(f"picorv32 from pythondata-cpu-picorv32 is not the expected version (no unique {old[:40]!r})")
    return text.replace(old, new)


def build(folder: str) -> list[str]:
    """Write the three files into ``folder`` (created); return their paths."""
    module = _original_module()
    licence = "// picorv32 by Claire Xenia Wolf (YosysHQ), ISC licence, from the pythondata-cpu-picorv32 package"
    refactor = _replace_once(_replace_once(module, _ANCHOR, _SHARED_SHIFTER + _ANCHOR),
                             _SHIFT_STATE_OLD, _SHIFT_STATE_NEW)
    texts = {
        "picorv32_ref.v": f"{licence}; module picorv32 unchanged.\n{module}",
        "picorv32_shared_shift.v": (f"// equiv: picorv32_ref.v pass {PAIR_OPTIONS}\n{licence}; the six shifters "
                                    f"of the shift state merged into one shared shifter (REFACTOR below).\n{refactor}"),
        "picorv32_shared_shift_bug.v": (f"// equiv: picorv32_ref.v fail step=7 {PAIR_OPTIONS}\n{licence}; BUG "
                                        "variant: arithmetic right shifts take the sign from bit 30.\n"
                                        + _replace_once(refactor, _BUG_OLD, _BUG_NEW)),
    }
    os.makedirs(folder, exist_ok=True)
    paths = []
    for name, text in texts.items():
        path = os.path.join(folder, name)
        with open(path, "w") as fh:
            fh.write(text)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in build(sys.argv[1] if len(sys.argv) > 1 else os.path.join(".hwverify", "designs", "equiv")):
        print(p)
