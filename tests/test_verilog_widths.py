"""IEEE 1364 expression sizing and signedness, checked against Icarus Verilog.

Each test builds one combinational module whose outputs are expressions over
a few inputs of mixed widths and signedness, lowers it, and compares every
output over random inputs with Icarus (values Icarus makes x, such as a
division by zero, are skipped).
"""
from __future__ import annotations

import random

import pytest

from hwverify.frontend.verilog.lower import lower_verilog_info
from hwverify.cosim.icarus import compare, have_iverilog

pytestmark = [pytest.mark.iverilog,
              pytest.mark.skipif(not have_iverilog(), reason="Icarus Verilog not installed")]

INPUTS = [("a", 8, False), ("b", 8, True), ("c", 4, False), ("d", 4, True),
          ("e", 1, False), ("f", 16, True), ("g", 3, False)]

TRICKY = [
    # (output width, signed, expression)
    (9, False, "a + a"),                       # carry kept by the 9-bit context
    (8, False, "(a + a) >> 1"),                # context widens the addition before the shift
    (16, False, "{a + a} >> 1"),               # concatenation is self-determined: carry lost
    (16, True, "b + d"),                       # both signed: sign extension
    (16, True, "b + c"),                       # mixed: unsigned, zero extension
    (16, False, "d"),                          # signed operand sign-extends to the LHS
    (16, False, "d + 0"),                      # 0 is signed 32-bit: still signed
    (16, False, "d + 1'b0"),                   # sized unsigned constant: unsigned
    (16, True, "$unsigned(d)"),
    (16, True, "$signed(c)"),
    (16, True, "$signed(c) + 4'd1"),
    (1, False, "b < d"),                       # signed compare
    (1, False, "b < c"),                       # unsigned compare (mixed)
    (1, False, "b < 0"),
    (1, False, "b < 1'b0"),
    (1, False, "-1 > a"),
    (1, False, "4'sb1111 == -1"),
    (1, False, "4'b1111 == -1"),               # unsigned 4 bits zero-extended vs 32-bit -1
    (16, True, "b >>> 2"),
    (16, False, "b >>> 2"),                    # LHS does not change the expression type
    (16, True, "a >>> 2"),                     # unsigned: logical
    (16, True, "(b >>> 2) + c"),               # context unsigned: b is zero-extended, logical shift
    (16, False, "f >>> g"),
    (16, False, "a << g"),
    (16, False, "a << 8"),
    (20, False, "f * b"),
    (20, True, "f * b"),
    (16, True, "b / d"),
    (16, True, "b % d"),
    (16, False, "a / c"),
    (16, False, "a % c"),
    (8, True, "-b"),
    (16, True, "-c"),
    (16, True, "~d"),
    (16, False, "~c"),
    (1, False, "!a"),
    (1, False, "a && c"),
    (1, False, "&c"),
    (1, False, "~^a"),
    (12, False, "{c, a}"),
    (16, False, "{2{c}} + 1"),
    (16, True, "e ? b : d"),                   # both signed
    (16, True, "e ? b : c"),                   # mixed: unsigned
    (16, False, "e ? a + a : c"),              # context widens both arms
    (8, False, "a[6:3]"),
    (8, False, "b[7:4]"),                      # part-selects are unsigned
    (8, False, "f[c +: 4]"),
    (8, False, "f[c -: 3]"),
    (8, False, "a[g]"),
    (8, False, "f[11 -: 4]"),
    (16, False, "2 ** c"),
    (16, True, "b ** 2"),
    (16, False, "3 ** 3 + a"),
    (32, True, "b * -3"),
    (32, False, "a - 300"),
    (16, False, "(a > c) + (b > d)"),
    (16, True, "(a - c) >>> 1"),
    (16, True, "$signed(a - c) >>> 1"),
    (8, False, "a ^ ~c"),
    (8, False, "a ~^ c"),
    (16, False, "'hff + a"),
    (40, False, "'sh7fffffff + 1"),
    (40, True, "32'sh80000000 - 1"),
    (16, True, "e ? -1 : 4'd3"),
    (16, False, "{b[7], b} + {d[3], d}"),
    (16, True, "4'sd7 + 4'sd7"),               # 4-bit signed overflow kept by the context
    (16, True, "(4'sd7 + 4'sd7) >>> 1"),
    (32, False, "$clog2(a)"),
]


def _module(exprs: list[tuple[int, bool, str]]) -> str:
    ports = [f"input {'signed ' if s else ''}[{w - 1}:0] {n}" for n, w, s in INPUTS]
    ports += [f"output {'signed ' if s else ''}[{w - 1}:0] o{i}" for i, (w, s, _) in enumerate(exprs)]
    body = [f"  assign o{i} = {e};" for i, (_, _, e) in enumerate(exprs)]
    return "module widths(\n  " + ",\n  ".join(ports) + "\n);\n" + "\n".join(body) + "\nendmodule\n"


def _check(tmp_path, exprs, cycles=300, seed=1):
    src = tmp_path / "widths.v"
    src.write_text(_module(exprs))
    system, info = lower_verilog_info([str(src)], "widths")
    r = compare([str(src)], system, info, cycles, seed=seed)
    assert r.compared > 0
    assert r.ok, "\n".join(f"{m}  [o{m.signal[1:]} = {exprs[int(m.signal[1:])][2]}]"
                            for m in r.mismatches[:5] if m.signal.startswith("o"))
    return r


def test_tricky_expressions_match_icarus(tmp_path):
    _check(tmp_path, TRICKY)


# ----------------------------------------------------------- random expressions
_BIN = ["+", "-", "*", "&", "|", "^", "~^", "<<", ">>", ">>>", "<<<", "<", "<=", ">", ">=",
        "==", "!=", "&&", "||", "/", "%"]
_UN = ["-", "~", "!", "&", "|", "^", "~&", "~|", "+"]
_CONSTS = ["0", "1", "3", "-2", "4'd9", "4'sd5", "4'sb1010", "8'hf0", "'h3", "'sd2", "3'b101",
           "6'sd31", "12'hffe"]


def _rand_expr(rng: random.Random, depth: int, consts: bool = True) -> str:
    if depth == 0 or rng.random() < 0.25:
        if rng.random() < 0.7 or not consts:
            return rng.choice(INPUTS)[0]
        return rng.choice(_CONSTS)
    k = rng.random()
    sub = lambda: _rand_expr(rng, depth - 1, consts)  # noqa: E731
    if k < 0.5:
        op = rng.choice(_BIN)
        right = sub()
        if op in ("<<", ">>", ">>>", "<<<"):
            right = rng.choice(["c", "g", "2", "e", "d"] if consts else ["c", "g", "e", "d"])
        return f"({sub()} {op} {right})"
    if k < 0.65:
        return f"({rng.choice(_UN)}({sub()}))"
    if k < 0.75:
        return f"({sub()} ? {sub()} : {sub()})"
    if k < 0.85:
        inner = _rand_expr(rng, depth - 1, consts=False)  # unsized constants are illegal here
        return f"{{{inner}, {rng.choice(['a', 'c', 'd', 'e', 'g'])}}}"
    if k < 0.95:
        return f"$signed({sub()})" if rng.random() < 0.5 else f"$unsigned({sub()})"
    return rng.choice(["a[5:2]", "f[c +: 3]", "b[g]", "f[13 -: 5]", "{2{d}}"])


@pytest.mark.parametrize("seed", range(3))
def test_random_expressions_match_icarus(tmp_path, seed):
    rng = random.Random(seed)
    exprs = [(rng.randint(1, 40), rng.random() < 0.5, _rand_expr(rng, 3)) for _ in range(60)]
    _check(tmp_path, exprs, cycles=150, seed=seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3, 23))
def test_many_random_expressions_match_icarus(tmp_path, seed):
    rng = random.Random(seed)
    exprs = [(rng.randint(1, 40), rng.random() < 0.5, _rand_expr(rng, 4)) for _ in range(80)]
    _check(tmp_path, exprs, cycles=200, seed=seed)
