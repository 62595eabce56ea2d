"""BTOR2 reader and writer: HWMCC corpus, bundled designs, round trips, bad input."""
from __future__ import annotations

import csv
import glob
import itertools
import os
import re
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hwverify.errors import SemanticsError, SourceLoc
from hwverify.formats import smtlib
from hwverify.semantics import terms as T
from hwverify.formats.btor2 import read_btor2, read_btor2_file, system_digest, write_btor2
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import BV, Array, Term

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench", "data", "hwmcc20")
DESIGNS = os.path.join(ROOT, "designs", "btor2")
BENCH_FILES = sorted(glob.glob(os.path.join(BENCH, "**", "*.btor*"), recursive=True))
DESIGN_FILES = sorted(glob.glob(os.path.join(DESIGNS, "*.btor2")))


# ----------------------------------------------------------------- helpers
_READ_CACHE: dict[str, TransitionSystem] = {}


def read_cached(path: str) -> TransitionSystem:
    """Each corpus file is parsed once per test session (tests must not mutate the result)."""
    if path not in _READ_CACHE:
        _READ_CACHE[path] = read_btor2_file(path)
    return _READ_CACHE[path]


def assert_same_system(a: TransitionSystem, b: TransitionSystem) -> None:
    """Structural identity: same names, and (hash-consing) the very same terms."""
    assert [(v.name, v.sort) for v in a.inputs] == [(v.name, v.sort) for v in b.inputs]
    assert [(v.name, v.sort) for v in a.states] == [(v.name, v.sort) for v in b.states]
    assert a.inputs == b.inputs and a.states == b.states      # identical var terms
    assert a.init.keys() == b.init.keys() and all(a.init[s] is b.init[s] for s in a.init)
    assert a.next.keys() == b.next.keys() and all(a.next[s] is b.next[s] for s in a.next)
    assert a.constraints == b.constraints
    for pa, pb in [(a.asserts, b.asserts), (a.covers, b.covers), (a.justice, b.justice)]:
        assert [(p.name, p.kind) for p in pa] == [(p.name, p.kind) for p in pb]
        assert all(p.term is q.term for p, q in zip(pa, pb))
    assert a.signals == b.signals


def round_trip(system: TransitionSystem) -> TransitionSystem:
    text = write_btor2(system)
    again = read_btor2(text, "roundtrip.btor2")
    assert write_btor2(again) == text, "writer is not a fixpoint"
    return again


def expectations(path: str) -> dict[str | None, tuple[str, int | None]]:
    """``; expect: ...`` header lines: None -> overall verdict, NAME -> per property."""
    out: dict[str | None, tuple[str, int | None]] = {}
    with open(path) as fh:
        for line in fh:
            m = re.match(r";\s*expect(?:\s+(\S+))?:\s*(pass|fail)(?:\s+depth=(\d+))?\s*$", line)
            if m:
                out[m.group(1)] = (m.group(2), int(m.group(3)) if m.group(3) else None)
    return out


def _z3_sat(assertions: list[Term]) -> bool:
    import z3
    text = smtlib.script(assertions, check=False)
    if "(Array " in text:
        s = z3.SolverFor("QF_ABV")
    else:
        s = z3.Then("simplify", "bit-blast", "sat").solver()
    s.from_string(text)
    r = s.check()
    assert r != z3.unknown
    return r == z3.sat


def bmc_first_failure(system: TransitionSystem, max_depth: int, props=None) -> int | None:
    """First cycle at which some assertion can fail, by unrolling and z3 (None: none up to max_depth)."""
    props = system.asserts if props is None else props
    frames: list[dict[Term, Term]] = []

    def frame(k: int) -> dict[Term, Term]:
        while len(frames) <= k:
            j = len(frames)
            frames.append({v: T.var(f"{v.name}@{j}", v.sort) for v in system.variables})
        return frames[k]

    path: list[Term] = []
    f0 = frame(0)
    for s, v in system.init.items():
        path.append(T.eq(f0[s], T.substitute(v, f0)))
    for k in range(max_depth + 1):
        fk = frame(k)
        path.extend(T.substitute(c, fk) for c in system.constraints)
        bad = T.or_all(T.not_(T.substitute(p.term, fk)) for p in props)
        if _z3_sat(path + [bad]):
            return k
        fn = frame(k + 1)
        for s, v in system.next.items():
            path.append(T.eq(fn[s], T.substitute(v, fk)))
    return None


def explicit_failures(system: TransitionSystem) -> dict[str, int]:
    """Exhaustive reachability (small bit-vector designs with constant inits): first failing cycle per property."""
    assert all(isinstance(v.sort, BV) for v in system.variables)
    assert all(system.init.get(s) is not None and system.init[s].is_const for s in system.states)
    input_values = list(itertools.product(*[range(1 << v.width) for v in system.inputs]))
    start = tuple(system.init[s].value for s in system.states)
    seen = {start}
    layer = [start]
    fails: dict[str, int] = {}
    depth = 0
    while layer:
        nxt = []
        for st_vals in layer:
            env = {s: T.const(x, s.width) for s, x in zip(system.states, st_vals)}
            for in_vals in input_values:
                env.update({i: T.const(x, i.width) for i, x in zip(system.inputs, in_vals)})
                if not all(T.substitute(c, env).value for c in system.constraints):
                    continue
                for p in system.asserts:
                    if not T.substitute(p.term, env).value:
                        fails.setdefault(p.name, depth)
                succ = tuple(T.substitute(system.next[s], env).value if s in system.next else None
                             for s in system.states)
                assert None not in succ
                if succ not in seen:
                    seen.add(succ)
                    nxt.append(succ)
        layer = nxt
        depth += 1
    return fails


# ------------------------------------------------------- benchmark corpus
def test_corpus_is_present():
    assert len(BENCH_FILES) >= 80
    assert os.path.exists(os.path.join(BENCH, "expected.csv"))
    assert os.path.isdir(os.path.join(BENCH, "tiny"))


@pytest.mark.parametrize("path", BENCH_FILES, ids=lambda p: os.path.relpath(p, BENCH))
def test_benchmark_reads_and_round_trips(path):
    system = read_cached(path)
    assert system.asserts, "every HWMCC benchmark has a bad property"
    for p in system.asserts:
        assert p.loc is not None and p.loc.file == path and p.loc.line >= 1
    system.validate()
    assert_same_system(system, round_trip(system))


def test_benchmark_counts_match_expected_csv():
    with open(os.path.join(BENCH, "expected.csv")) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(BENCH_FILES)
    checked = 0
    for row in rows:
        assert row["verdict"] in ("sat", "unsat")
        system = read_cached(os.path.join(BENCH, row["file"]))
        m = re.search(r"btor2: states=(\d+) inputs=(\d+) bad=(\d+) constraints=(\d+)", row["notes"])
        if m:
            got = (len(system.states), len(system.inputs), len(system.asserts), len(system.constraints))
            assert got == tuple(map(int, m.groups())), row["file"]
            checked += 1
    assert checked >= 50


def _tiny_with_depth():
    with open(os.path.join(BENCH, "expected.csv")) as fh:
        for row in csv.DictReader(fh):
            m = re.search(r"first counterexample at step (\d+)", row["notes"])
            if row["file"].startswith("tiny/") and m and int(m.group(1)) <= 15:
                yield row["file"], int(m.group(1))


@pytest.mark.parametrize("name,depth", list(_tiny_with_depth()))
def test_tiny_benchmarks_fail_at_documented_depth(name, depth):
    """Semantics check of the reader: BMC over the read system finds the documented depth."""
    system = read_btor2_file(os.path.join(BENCH, name))
    assert bmc_first_failure(system, depth) == depth


def test_negated_ids_and_symbols():
    # noninitstate.btor2 uses negated argument ids and an implication constraint.
    s = read_btor2_file(os.path.join(BENCH, "tiny", "btor2tools", "noninitstate.btor2"))
    turn, state0 = s.signals["turn"], s.signals["state0"]
    assert [v.name for v in s.inputs] == ["turn"]
    assert s.next[state0] is T.ite(T.not_(turn), T.not_(state0), state0)
    assert s.asserts[0].name == "bad17" and s.asserts[0].loc == SourceLoc(
        os.path.join(BENCH, "tiny", "btor2tools", "noninitstate.btor2"), 17)
    # counter.btor: a uext-by-0 alias names a constant, states get their symbols.
    c = read_btor2_file(os.path.join(BENCH, "tiny", "pono", "counter.btor"))
    assert c.signals["initstate"] is T.true()
    assert [v.name for v in c.states] == ["internal"]


# ------------------------------------------------------- bundled designs
@pytest.mark.parametrize("path", DESIGN_FILES, ids=os.path.basename)
def test_design_expectations(path):
    system = read_btor2_file(path)
    assert_same_system(system, round_trip(system))
    exp = expectations(path)
    assert None in exp, "every design states its expected verdict"
    verdict, depth = exp[None]
    if verdict == "fail":
        assert bmc_first_failure(system, depth) == depth
    else:
        assert bmc_first_failure(system, 12) is None
    for name, (v, d) in exp.items():
        if name is not None:
            p = system.property(name)
            assert bmc_first_failure(system, d if v == "fail" else 12, [p]) == d
    if all(isinstance(v.sort, BV) for v in system.variables):
        fails = explicit_failures(system)      # exhaustive, so "pass" is a proof here
        assert (min(fails.values()) if fails else None) == depth
        for name, (v, d) in exp.items():
            if name is not None:
                assert fails.get(name) == d


def test_bundled_designs_cover_the_brief():
    names = {os.path.basename(p) for p in DESIGN_FILES}
    assert {"counter_inductive.btor2", "counter_bug.btor2"} <= names
    systems = [read_btor2_file(p) for p in DESIGN_FILES]
    assert any(isinstance(v.sort, Array) for s in systems for v in s.states)
    assert any(s.constraints for s in systems)
    assert any(len(s.asserts) == 2 for s in systems)


def test_counter_inductive_needs_strengthening():
    s = read_btor2_file(os.path.join(DESIGNS, "counter_inductive.btor2"))
    x, en = s.signals["x"], s.signals["en"]
    prop = s.asserts[0].term
    x1 = T.var("x'", x.sort)
    step = T.eq(x1, s.next[x])
    # Not 1-inductive: P(x) and x' = next(x) and not P(x') is satisfiable (x = 11).
    assert _z3_sat([prop, step, T.not_(T.substitute(prop, {x: x1}))])
    # With the strengthening x <= 9 it is.
    inv = T.and_(prop, T.ule(x, T.const(9, 4)))
    assert not _z3_sat([inv, step, T.not_(T.substitute(inv, {x: x1}))])
    assert not _z3_sat([T.eq(x, s.init[x]), T.not_(inv)])
    assert en in s.inputs


# ------------------------------------------------------------- semantics
def _fold2(op: str, a: int, b: int, w: int) -> int:
    text = f"1 sort bitvec {w}\n2 sort bitvec 1\n3 constd 1 {a}\n4 constd 1 {b}\n5 {op} {{s}} 3 4 r\n"
    sort = 2 if op.endswith("o") else 1
    s = read_btor2(text.format(s=sort))
    t = s.signals["r"]
    assert t.is_const, f"{op} did not fold"
    return t.value


def _signed(v: int, w: int) -> int:
    return v - (1 << w) if v >> (w - 1) else v


@pytest.mark.parametrize("w", [1, 2, 3, 4])
def test_overflow_and_rotate_ops_exhaustive(w):
    lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
    for a in range(1 << w):
        for b in range(1 << w):
            sa, sb = _signed(a, w), _signed(b, w)
            assert _fold2("uaddo", a, b, w) == int(a + b >= 1 << w)
            assert _fold2("usubo", a, b, w) == int(a < b)
            assert _fold2("umulo", a, b, w) == int(a * b >= 1 << w)
            assert _fold2("saddo", a, b, w) == int(not lo <= sa + sb <= hi)
            assert _fold2("ssubo", a, b, w) == int(not lo <= sa - sb <= hi)
            assert _fold2("smulo", a, b, w) == int(not lo <= sa * sb <= hi)
            assert _fold2("sdivo", a, b, w) == int(sa == lo and sb == -1)
            r = b % w
            assert _fold2("rol", a, b, w) == ((a << r) | (a >> (w - r))) & ((1 << w) - 1)
            assert _fold2("ror", a, b, w) == ((a >> r) | (a << (w - r))) & ((1 << w) - 1)


def test_all_operators_read():
    text = """
1 sort bitvec 1
2 sort bitvec 8
3 sort bitvec 16
4 sort bitvec 4
5 sort array 4 2
6 input 2 a
7 input 2 b
8 input 1 c
9 state 5 mem
10 const 2 00001111
11 constd 2 -3
12 consth 2 fF
13 one 2
14 ones 2
15 zero 2
16 not 2 6
17 inc 2 6
18 dec 2 6
19 neg 2 6
20 redand 1 6
21 redor 1 6
22 redxor 1 6
23 iff 1 8 20
24 implies 1 8 21
25 eq 1 6 7
26 neq 1 6 7
27 sgt 1 6 7
28 sgte 1 6 7
29 slt 1 6 7
30 slte 1 6 7
31 ugt 1 6 7
32 ugte 1 6 7
33 ult 1 6 7
34 ulte 1 6 7
35 and 2 6 7
36 nand 2 6 7
37 nor 2 6 7
38 or 2 6 7
39 xnor 2 6 7
40 xor 2 6 7
41 rol 2 6 7
42 ror 2 6 7
43 sll 2 6 7
44 sra 2 6 7
45 srl 2 6 7
46 add 2 6 7
47 mul 2 6 7
48 sdiv 2 6 7
49 smod 2 6 7
50 srem 2 6 7
51 sub 2 6 7
52 udiv 2 6 7
53 urem 2 6 7
54 uext 3 6 8
55 sext 3 6 8
56 slice 4 6 7 4
57 concat 3 6 7
58 read 2 9 56
59 write 5 9 56 -58
60 ite 2 8 6 7
61 ite 5 8 9 59
62 uaddo 1 6 7
63 saddo 1 6 7
64 usubo 1 6 7
65 ssubo 1 6 7
66 umulo 1 6 7
67 smulo 1 6 7
68 sdivo 1 6 7
69 eq 1 9 61
70 next 5 9 61
71 bad 69 arrays_equal
72 constraint -62
73 fair 8
74 justice 2 20 -21 twice
75 output 60 out ; a comment
"""
    s = read_btor2(text, "ops.btor2")
    assert s.signals["out"] is T.ite(s.signals["c"], s.signals["a"], s.signals["b"])
    assert [p.name for p in s.justice] == ["fair73", "twice#0", "twice#1"]
    assert [p.kind for p in s.justice] == ["fair", "justice", "justice"]
    assert s.asserts[0].name == "arrays_equal"
    assert_same_system(s, round_trip(s))


def test_constants():
    s = read_btor2("1 sort bitvec 8\n2 constd 1 -128 m\n3 constd 1 255 x\n4 consth 1 0a h\n5 const 1 10000001 b\n")
    assert [s.signals[k].value for k in "mxhb"] == [128, 255, 10, 129]
    big = read_btor2("1 sort bitvec 20000\n2 constd 1 " + "9" * 6000 + " d\n")
    assert big.signals["d"].value == int("9" * 3000) * 10 ** 3000 + int("9" * 3000)


def test_array_init_and_names():
    text = ("1 sort bitvec 3\n2 sort array 1 1\n3 state 2 mem\n4 one 1\n5 init 2 3 4\n"
            "6 input 1\n7 input 1 mem\n8 state 1\n")
    s = read_btor2(text)
    mem = s.states[0]
    assert s.init[mem] is T.const_array(T.const(1, 3), 3)
    assert [v.name for v in s.inputs] == ["input6", "mem_7"]
    assert [v.name for v in s.states] == ["mem", "state8"]
    assert s.signals["mem"] is s.inputs[1]          # the last symbol wins
    assert_same_system(s, round_trip(s))


def test_empty_and_comment_only_files():
    for text in ["", "\n\n", "; just a comment\n   \n", "; a\r\n;b"]:
        s = read_btor2(text)
        assert not s.asserts and not s.inputs and not s.states


# -------------------------------------------------------------- bad input
BAD_INPUTS = [
    ("1 sort bitvec 1\n2 foo 1 1\n", 2, r"unknown operator 'foo'"),
    ("1 sort bitvec 0\n", 1, r"width"),
    ("1 sort bitvec 4\n2 sort bitvec 8\n3 input 1\n4 input 2\n; c\n6 add 1 3 4\n", 6, r"width mismatch"),
    ("1 sort bitvec 4\n2 sort bitvec 8\n3 input 1\n4 add 2 3 3\n", 4, r"declares bv8"),
    ("1 sort bitvec 1\n2 not 1 7\n", 2, r"undefined id 7"),
    ("1 sort bitvec 1\n2 input 9\n", 2, r"undefined sort id 9"),
    ("1 sort bitvec 4\n2 input 1\n3 add 1 2\n", 3, r"truncated line"),
    ("1 sort bitvec 4\n2 input 1\n3 input\n", 3, r"truncated line"),
    ("1 sort bitvec 4\n2 input 1\n2 input 1\n", 3, r"duplicate id 2"),
    ("1 sort bitvec 4\n3 input 1\n2 input 1\n", 3, r"out of order"),
    ("1 sort bitvec x\n", 1, r"unsigned integer, not 'x'"),
    ("1 sort bitvec 4\n2 input 1\n3 slice 1 2 9 0\n", 3, r"bad slice"),
    ("1 sort bitvec 4\n2 input 1\n3 zero 1\n4 init 1 2 3\n", 4, r"not a state"),
    ("1 sort bitvec 4\n2 state 1 s\n3 zero 1\n4 next 1 2 3\n5 next 1 2 3\n", 5, r"set twice"),
    ("1 sort bitvec 4\n2 state 1 s\n3 input 1 i\n4 init 1 2 3\n", 4, r"mentions input 'i'"),
    ("1 sort bitvec 4\n2 const 1 101\n", 2, r"3 digits"),
    ("1 sort bitvec 4\n2 constd 1 16\n", 2, r"does not fit"),
    ("1 sort bitvec 4\n2 constd 1 -9\n", 2, r"does not fit"),
    ("1 sort bitvec 4\n2 consth 1 1f\n", 2, r"does not fit"),
    ("1 sort bitvec 4\n2 sort array 1 1\n3 input 2\n4 eq 1 -3 -3\n", 4, r"negated array"),
    ("1 sort bitvec 4\n2 sort bitvec 2\n3 input 1\n4 input 2\n5 ite 1 4 3 3\n", 5, r"condition must be 1 bit"),
    ("1 sort bitvec 4\n2 input 1\n3 bad 2\n", 3, r"1-bit"),
    ("1 sort bitvec 1\n2 input 1\n3 bad 1\n", 3, r"is a sort"),
    ("1 sort bitvec 1\n2 input 1\n3 bad 2\n4 not 1 3\n", 4, r"cannot be used as an argument"),
    ("1 sort bitvec 1\n2 input 1 a b\n", 2, r"unexpected 'b'"),
    ("1 sort bitvec 1\n2 sort array 1 1\n3 sort array 1 2\n", 3, r"arrays of arrays"),
    ("1 sort bitvec 1\n\x00\x01\x02garbage\n", 2, r"unsigned integer"),
    ("1 sort bitvec 1\n2 \x89PNG\x1a\n", 2, r"unknown operator"),
    ("1 sort bitvec 99999999\n", 1, r"width must be between"),
    ("1 sort bitvec 1\n2 justice 3 1\n", 2, r"truncated line"),
]


@pytest.mark.parametrize("text,line,message", BAD_INPUTS)
def test_bad_input_is_located(text, line, message):
    with pytest.raises(SemanticsError, match=message) as info:
        read_btor2(text, "bad.btor2")
    assert info.value.loc == SourceLoc("bad.btor2", line)
    assert str(info.value).startswith(f"bad.btor2:{line}: ")


def test_binary_file(tmp_path):
    p = tmp_path / "garbage.btor2"
    p.write_bytes(b"1 sort bitvec 1\n2 input 1\n\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    with pytest.raises(SemanticsError, match="UTF-8") as info:
        read_btor2_file(str(p))
    assert info.value.loc == SourceLoc(str(p), 3)
    with pytest.raises(SemanticsError, match="cannot read"):
        read_btor2_file(str(tmp_path / "missing.btor2"))


def test_non_text_argument():
    with pytest.raises(SemanticsError):
        read_btor2(b"1 sort bitvec 1\n")  # type: ignore[arg-type]


VOCAB = (["sort", "bitvec", "array", "input", "state", "init", "next", "bad", "constraint", "output",
          "fair", "justice", "const", "constd", "consth", "zero", "one", "ones", "add", "ite", "slice",
          "uext", "sext", "read", "write", "eq", "concat", "rol", "smulo", "not", "redxor"]
         + [str(i) for i in range(0, 12)] + ["-1", "-2", "-0", "007", "4294967296", "99999999999999999999",
                                             ";", "; x", "\x00", "٣", "²", "1e3", "0x10", "-", "", "\u00e9\u00e8",
                                             "\x07", "\ufeff", "sym", "0101", "ffff", "-128"])
SEEDS = [open(p).read() for p in DESIGN_FILES] + [
    open(os.path.join(BENCH, "tiny", "btor2tools", f)).read()
    for f in ("factorial4even.btor2", "noninitstate.btor2", "twocount2c.btor2")]


@st.composite
def mutated_btor2(draw):
    lines = draw(st.sampled_from(SEEDS)).split("\n")
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["replace", "delete_tok", "insert_tok", "delete_line", "dup_line",
                                     "swap", "random_line", "truncate", "chars"]))
        i = draw(st.integers(0, len(lines) - 1))
        toks = lines[i].split(" ")
        if kind == "replace":
            toks[draw(st.integers(0, len(toks) - 1))] = draw(st.sampled_from(VOCAB))
        elif kind == "delete_tok" and len(toks) > 1:
            del toks[draw(st.integers(0, len(toks) - 1))]
        elif kind == "insert_tok":
            toks.insert(draw(st.integers(0, len(toks))), draw(st.sampled_from(VOCAB)))
        elif kind == "delete_line" and len(lines) > 1:
            del lines[i]
            continue
        elif kind == "dup_line":
            lines.insert(i, lines[i])
            continue
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            continue
        elif kind == "random_line":
            lines.insert(i, " ".join(draw(st.lists(st.sampled_from(VOCAB), max_size=6))))
            continue
        elif kind == "truncate":
            lines[i] = lines[i][:draw(st.integers(0, len(lines[i])))]
            continue
        elif kind == "chars":
            lines[i] = draw(st.text(max_size=30))
            continue
        lines[i] = " ".join(toks)
    return "\n".join(lines)


def _only_semantics_errors(text: str) -> None:
    n_lines = text.count("\n") + 1
    try:
        s = read_btor2(text, "fuzz.btor2")
    except SemanticsError as e:
        assert not e.message.startswith("internal error"), e.message
        assert e.loc is not None and e.loc.file == "fuzz.btor2"
        assert e.loc.line is not None and 1 <= e.loc.line <= n_lines
        return
    # Whatever is accepted must also write and read back, reaching a fixpoint.
    w1 = write_btor2(s)
    w2 = write_btor2(read_btor2(w1))
    assert write_btor2(read_btor2(w2)) == w2


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_btor2())
def test_fuzz_mutations_only_raise_semantics_error(text):
    _only_semantics_errors(text)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=200),
                 st.lists(st.lists(st.sampled_from(VOCAB), max_size=7).map(" ".join), max_size=12).map("\n".join),
                 st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_fuzz_garbage_only_raises_semantics_error(text):
    _only_semantics_errors(text)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_binary_files(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("fuzz") / "f.btor2"
    p.write_bytes(data)
    try:
        read_btor2_file(str(p))
    except SemanticsError as e:
        assert not e.message.startswith("internal error"), e.message
        assert e.loc is not None and e.loc.line is not None


# ------------------------------------------------------------- the writer
@st.composite
def random_systems(draw):
    """Small systems over every operator, with shared sub-terms, arrays, and every property kind."""
    sy = TransitionSystem("rand")
    for i in range(draw(st.integers(0, 3))):
        sy.add_input(f"in{i}", draw(st.integers(1, 8)))
    n_states = draw(st.integers(1, 3))
    for i in range(n_states):
        sy.add_state(f"s{i}", draw(st.integers(1, 8)))
    if draw(st.booleans()):
        sy.add_state("mem", Array(2, 4))
    pool: list[Term] = list(sy.variables) + [T.const(draw(st.integers(0, 255)), 8)]
    bvs = lambda: [t for t in pool if isinstance(t.sort, BV)]  # noqa: E731

    def pick(width: int | None = None) -> Term:
        t = draw(st.sampled_from(bvs()))
        return t if width is None else T.resize(t, width, signed=draw(st.booleans()))

    for _ in range(draw(st.integers(0, 14))):
        op = draw(st.sampled_from(sorted(T.ALL_OPS + ("rw",))))
        arrays = [t for t in pool if isinstance(t.sort, Array)]
        if op in T.UNARY_SAME + T.REDUCE:
            t = T.apply(op, [pick()])
        elif op in T.BINARY_SAME + T.COMPARE + ("eq",):
            a = pick()
            t = T.apply(op, [a, pick(a.width)])
        elif op == "concat":
            t = T.concat(pick(), pick())
        elif op == "extract":
            a = pick()
            hi = draw(st.integers(0, a.width - 1))
            t = T.extract(a, hi, draw(st.integers(0, hi)))
        elif op in ("zext", "sext"):
            t = T.apply(op, [pick()], (draw(st.integers(0, 4)),))
        elif op == "ite":
            if arrays and draw(st.booleans()):
                t = T.ite(pick(1), draw(st.sampled_from(arrays)), draw(st.sampled_from(arrays)))
            else:
                a = pick()
                t = T.ite(pick(1), a, pick(a.width))
        elif op in ("read", "write", "rw") and arrays:
            arr = draw(st.sampled_from(arrays))
            idx = pick(arr.sort.index_width)
            t = T.read(arr, idx) if op == "read" else T.write(arr, idx, pick(arr.sort.elem_width))
        elif op == "const":
            t = T.const(draw(st.integers(0, 2 ** 40)), draw(st.integers(1, 40)))
        else:
            continue
        pool.append(t)
    for s in sy.states:
        if isinstance(s.sort, Array):
            arrays = [t for t in pool if t.sort == s.sort]
            sy.set_next(s, draw(st.sampled_from(arrays)))
            if draw(st.booleans()):
                sy.set_init(s, T.const(draw(st.integers(0, 15)), 4))      # a constant array
            continue
        if draw(st.booleans()):
            sy.set_next(s, pick(s.width))
        init = draw(st.sampled_from(["none", "const", "state"]))
        if init == "const":
            sy.set_init(s, T.const(draw(st.integers(0, 255)), s.width))
        elif init == "state":   # may refer to a later state: written after all states
            other = draw(st.sampled_from([x for x in sy.states if isinstance(x.sort, BV)]))
            sy.set_init(s, T.resize(other, s.width))
    for i in range(draw(st.integers(0, 2))):
        sy.add_constraint(pick(1))
    for i in range(draw(st.integers(0, 3))):
        sy.add_assert(draw(st.sampled_from(["p", "q", "p"])), pick(1))
    if draw(st.booleans()):
        sy.add_cover("c", pick(1))
    if draw(st.booleans()):
        sy.add_justice("j", pick(1))
    for i in range(draw(st.integers(0, 3))):
        sy.signals[draw(st.sampled_from(["w", "x", "s0", "in0", "y"]))] = draw(st.sampled_from(pool))
    return sy


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_systems())
def test_random_systems_round_trip(system):
    assert_same_system(system, round_trip(system))


def _referenced_ids(toks: list[str]) -> list[int]:
    op = toks[1]
    if op in ("bad", "constraint", "fair", "output"):
        refs = toks[2:3]
    elif op == "justice":
        refs = toks[3:3 + int(toks[2])]
    elif op == "sort":
        refs = toks[3:5] if toks[2] == "array" else []
    elif op in ("input", "state", "zero", "one", "ones", "const", "constd", "consth"):
        refs = toks[2:3]
    elif op in ("slice", "uext", "sext"):
        refs = toks[2:4]
    elif op in ("init", "next"):
        refs = toks[2:5]
    elif op in ("not", "neg", "redand", "redor", "redxor"):
        refs = toks[2:4]
    elif op in ("ite", "write"):
        refs = toks[2:6]
    else:
        refs = toks[2:5]
    return [int(t.lstrip("-")) for t in refs]


def test_writer_output_shape():
    """Ids increase, ids are defined before use, init values precede their state (btor2tools rules)."""
    for path in DESIGN_FILES + BENCH_FILES[:10]:
        text = write_btor2(read_cached(path))
        defined: set[int] = set()
        last = 0
        for line in text.splitlines():
            if line.startswith(";"):
                continue
            toks = line.split()
            i = int(toks[0])
            assert i == last + 1
            last = i
            assert all(n in defined for n in _referenced_ids(toks)), line
            if toks[1] == "init":
                assert int(toks[3]) > int(toks[4].lstrip("-")), line
            defined.add(i)


def test_writer_covers_justice_const_arrays_and_odd_names():
    sy = TransitionSystem()
    a = sy.add_input("a b", 4)            # white space cannot be in a symbol
    m = sy.add_state("mem", Array(4, 4), init=T.const(3, 4))
    sy.set_next(m, T.write(T.const_array(T.const(0, 4), 4), a, a))   # const array outside an init
    sy.add_cover("hit", T.eq(T.read(m, a), T.const(5, 4)))
    sy.add_justice("live", T.redor(a))
    sy.justice.append(sy.justice[0].__class__("fairness", T.redand(a), "fair"))
    sy.signals["alias"] = m
    text = write_btor2(sy)
    assert "; hwverify:cover " in text and " fair " in text and " justice 1 " in text
    back = read_btor2(text)
    assert [v.name for v in back.inputs] == ["a_b"]
    assert [v.name for v in back.states] == ["mem", "_const_array0"]
    aux = back.states[1]
    assert back.init[aux] is T.const_array(T.const(0, 4), 4) and back.next[aux] is aux
    assert [(p.name, p.kind) for p in back.covers + back.justice] == [
        ("hit", "cover"), ("live", "justice"), ("fairness", "fair")]
    assert back.signals["alias"] is back.states[0]
    # The auxiliary state is an ordinary state once read back; from there on the text is stable.
    again = write_btor2(back)
    assert write_btor2(read_btor2(again)) == again


def test_writer_rejects_what_btor2_cannot_say():
    sy = TransitionSystem()
    i = sy.add_input("i", 4)
    s = sy.add_state("s", Array(4, 4))
    sy.set_next(s, T.const_array(i, 4))
    with pytest.raises(SemanticsError, match="non-constant"):
        write_btor2(sy)
    sy2 = TransitionSystem()
    r = sy2.add_state("r", 4)
    sy2.add_assert("p", T.eq(r, T.var("ghost", BV(4))))
    with pytest.raises(SemanticsError, match="undeclared variable 'ghost'"):
        write_btor2(sy2)


_ORDER_SCRIPT = r"""
import sys, hashlib
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem
from hwverify.formats.btor2 import write_btor2
from hwverify.formats.smtlib import script
names = ["u", "v", "w"] if sys.argv[1] == "fwd" else ["w", "v", "u"]
made = {n: T.var(n, T.BV(4)) for n in names}
junk = [T.add(made[n], T.const(7, 4)) for n in names]   # creation order of compound terms too
u, v, w = made["u"], made["v"], made["w"]
sy = TransitionSystem()
for n in ["u", "v", "w"]:
    sy.add_input(n, 4)
r = sy.add_state("r", 4, init=T.const(0, 4))
sy.set_next(r, T.add(T.and_(u, v), T.xor(T.add(w, T.const(7, 4)), T.mul(v, r))))
sy.add_assert("p", T.eq(T.or_(r, u), T.add(v, T.const(7, 4))))
print(hashlib.sha256(write_btor2(sy).encode()).hexdigest())
print(hashlib.sha256(script([sy.asserts[0].term, T.eq(sy.next[r], w)]).encode()).hexdigest())
"""


def test_output_independent_of_term_creation_order():
    """Hash-consing orders commutative arguments by creation; our text must not depend on it."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    outs = [subprocess.run([sys.executable, "-c", _ORDER_SCRIPT, arg], capture_output=True, text=True,
                           env=env, cwd=ROOT, check=True).stdout for arg in ("fwd", "rev")]
    assert outs[0] == outs[1]


def test_digest_survives_a_round_trip_and_sees_a_change():
    """The digest depends on the system's meaning: equal after a round trip, different after an edit."""
    s = read_btor2_file(os.path.join(DESIGNS, "memory.btor2"))
    assert system_digest(s) == system_digest(read_btor2(write_btor2(s)))
    other = read_btor2_file(os.path.join(DESIGNS, "memory.btor2"))
    other.add_input("extra_input", 3)
    assert system_digest(other) != system_digest(s)


def test_large_file_parses_fast():
    """About 1 MB of BTOR2 must parse well within a few seconds."""
    lines = ["1 sort bitvec 1", "2 sort bitvec 16"]
    nid = 3
    ids16: list[int] = []
    for k in range(200):
        lines.append(f"{nid} input 2 in{k}")
        ids16.append(nid)
        nid += 1
    ops = ["add", "and", "xor", "mul", "sub", "or", "sll", "ite", "ult", "slice"]
    k = 0
    while nid < 60_000:
        op = ops[k % len(ops)]
        a, b = ids16[-1 - (k * 7) % 150], ids16[-1 - (k * 13) % 190]
        if op == "ite":
            lines.append(f"{nid} ult 1 {a} {b}")
            lines.append(f"{nid + 1} ite 2 {nid} {a} {b}")
            nid += 1
        elif op == "ult":
            lines.append(f"{nid} ult 1 {a} {b}")
            lines.append(f"{nid + 1} uext 2 {nid} 15")
            nid += 1
        elif op == "slice":
            lines.append(f"{nid} slice 1 {a} 7 7")
            lines.append(f"{nid + 1} sext 2 {nid} 15")
            nid += 1
        else:
            lines.append(f"{nid} {op} 2 {a} {b}")
        ids16.append(nid)
        nid += 1
        k += 1
    lines.append(f"{nid} redor 1 {ids16[-1]}")
    lines.append(f"{nid + 1} bad {nid}")
    text = "\n".join(lines) + "\n"
    assert len(text) >= 1_000_000
    start = time.perf_counter()
    s = read_btor2(text, "big.btor2")
    elapsed = time.perf_counter() - start
    assert len(s.asserts) == 1
    assert elapsed < 3.0, f"1 MB took {elapsed:.2f} s"
    start = time.perf_counter()
    write_btor2(s)
    assert time.perf_counter() - start < 3.0


def _write_chain(n: int, index_of) -> str:
    lines = ["1 sort bitvec 8", "2 sort array 1 1", "3 zero 1", "4 state 2 mem"]
    prev, nid = 4, 5
    for k in range(n):
        lines.append(f"{nid} consth 1 {index_of(k):x}")
        lines.append(f"{nid + 1} write 2 {prev} {nid} {nid}")
        prev, nid = nid + 1, nid + 2
    lines.append(f"{nid} read 1 {prev} 3 r")
    return "\n".join(lines) + "\n"


def test_long_write_chains():
    """Memory initialisations are long write chains at constant addresses."""
    s = read_btor2(_write_chain(3000, lambda k: k % 256))
    assert s.signals["r"] is T.const(0, 8)       # the last write to address 0 stored 0
    assert_same_system(s, round_trip(s))


def test_read_through_long_write_chain_without_hit():
    s = read_btor2(_write_chain(3000, lambda k: k % 255 + 1))
    assert s.signals["r"].op == "read"
