"""``--show-invariant``: a certificate's invariant as Verilog over source names (report/invariant.py).

The text must say what the certificate says: on the designs whose invariants
are not k-inductive, every rendered line parses back (property language)
to a term, and those terms, as a certificate, are accepted by the kernel.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hwverify.cli import main as cli_main
from hwverify.cosim.icarus import have_iverilog
from hwverify.frontend import load_system
from hwverify.frontend.properties import parse_property
from hwverify.kernel import check_certificate
from hwverify.prover.kind import KInduction
from hwverify.prover.pdr.engine import CONSTANT, EQUIVALENT, PDR
from hwverify.prover.result import PASS, EngineOptions
from hwverify.report.invariant import render_invariant
from hwverify.semantics import terms as T
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.system import TransitionSystem
from hwverify.semantics.terms import Term

ROOT = Path(__file__).resolve().parent.parent
PDR_DESIGNS = ROOT / "designs" / "verilog" / "pdr"
needs_icarus = pytest.mark.skipif(not have_iverilog(), reason="pyverilog preprocesses with Icarus")


def _load(name: str) -> TransitionSystem:
    return load_system([str(PDR_DESIGNS / f"{name}.v")], top=name)


def _certificate(system: TransitionSystem) -> Certificate:
    p = PDR(system, EngineOptions(timeout=60)).check(100).properties[0]
    assert p.status == PASS, p.reason
    return p.certificate


def _parsed_back(system: TransitionSystem, lines: list[str], prop: str) -> Certificate:
    return Certificate(prop, [parse_property(line, system) for line in lines], 1, False, "text", "none")


@needs_icarus
@pytest.mark.parametrize("name", ["mod12", "mod12_wide", "even20"])
def test_rendered_invariant_is_what_the_kernel_accepts(name):
    system = _load(name)
    cert = _certificate(system)
    view = render_invariant(cert, system)
    lines = view.constants + view.equivalences + view.lemmas
    assert lines and all("count" in line for line in lines), lines
    assert check_certificate(system, _parsed_back(system, lines, cert.prop)).ok
    # and it is needed: without its lemmas the rest is not inductive (mod12: count < 12)
    if name.startswith("mod12"):
        assert any(re.fullmatch(r"count\[3:2\] != 2'b11", line) for line in lines), lines
        assert not check_certificate(system, _parsed_back(system, view.constants, cert.prop)).ok


@needs_icarus
def test_mod12_reads_as_count_below_12():
    system = _load("mod12")
    view = render_invariant(_certificate(system), system)
    assert sorted(view.lemmas) == ["count[3:2] != 2'b11", "count[7:4] == 4'b0000"]
    assert view.constants == [] and view.equivalences == []


def _word_system() -> tuple[TransitionSystem, Term]:
    s = TransitionSystem("words")
    x = s.add_state("x", 8, init=T.const(0, 8))
    s.set_next(x, x)
    s.add_assert("p", T.eq(x, T.const(0, 8)))
    return s, x


def test_masks_with_holes_become_slices_and_groups_stay_apart():
    s, x = _word_system()
    y = s.add_state("y", 4, init=T.const(0, 4))
    s.set_next(y, y)
    masked = T.ne(T.and_(x, T.const(0b1011_0000, 8)), T.const(0b1001_0000, 8))    # bits 7:4 = 1?01
    unit = T.ne(T.and_(x, T.const(0b100, 8)), T.const(0b100, 8))                 # x[2] is 0
    unit2 = T.ne(T.and_(x, T.const(0b1000, 8)), T.const(0, 8))                   # x[3] is 1
    const = T.eq(T.and_(y, T.const(0b1100, 4)), T.const(0b0100, 4))
    equal = T.eq(T.extract(x, 1, 0), T.not_(T.extract(y, 1, 0)))
    cert = Certificate("p", [masked, unit, const, equal, unit2], 1, False, "pdr", "cadical195",
                       lemmas=["lemma 0", "lemma 1", CONSTANT, EQUIVALENT, "lemma 2"])
    view = render_invariant(cert, s)
    assert view.lemmas == ["x[3:2] == 2'b10", "x[5:4] != 2'b01 || !x[7]"]
    assert view.constants == ["y[3:2] == 2'b01"]
    assert view.equivalences == ["x[1:0] == ~y[1:0]"]
    lines = view.lines()
    assert lines[0] == "invariant of p (pdr, 5 conjuncts):" and "  constant:" in lines and "  lemmas:" in lines


def test_other_engines_fall_back_to_the_term_printer():
    s, x = _word_system()
    p = KInduction(s).check(4).properties[0]
    assert p.status == PASS
    view = render_invariant(p.certificate, s)
    assert view.lemmas == [T.to_str(t) for t in p.certificate.invariant]
    assert view.lines()[0].startswith("invariant of p (k-induction")


def test_unknown_shapes_in_a_pdr_certificate_fall_back_too():
    s, x = _word_system()
    odd = T.ult(x, T.const(12, 8))
    view = render_invariant(Certificate("p", [odd], 1, False, "pdr", "cadical195", lemmas=["lemma 0"]), s)
    assert view.lemmas == [T.to_str(odd)]


@needs_icarus
def test_cli_show_invariant_text_and_json(capsys):
    path = str(PDR_DESIGNS / "mod12.v")
    assert cli_main(["prove", path, "--top", "mod12", "--engine", "pdr", "--show-invariant", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "invariant of" in out and "count[3:2] != 2'b11" in out
    assert cli_main(["prove", path, "--top", "mod12", "--engine", "pdr", "--show-invariant", "--json",
                     "--no-cache"]) == 0
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    inv = data["properties"][0]["invariant"]
    assert inv["method"] == "pdr" and "count[3:2] != 2'b11" in inv["lemmas"]
    assert cli_main(["prove", path, "--top", "mod12", "--engine", "pdr", "--json", "--no-cache"]) == 0
    assert "invariant" not in json.loads(capsys.readouterr().out.strip().splitlines()[-1])["properties"][0]
