"""Choosing and running a frontend from file names: ``hwverify.frontend.load`` and its table."""
from __future__ import annotations

import os

import pytest

from hwverify.errors import FrontendError
from hwverify.frontend import FILE_KINDS, FRONTENDS, load_system
from hwverify.frontend.load import AMARANTH_KIND, choose_frontend, file_kind

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "designs")
COUNTER_V = os.path.join(ROOT, "verilog", "counter.v")
COUNTER_BTOR2 = os.path.join(ROOT, "btor2", "counter_bug.btor2")


def test_every_kind_goes_to_a_frontend_that_reads_it():
    for kind, name in FILE_KINDS.items():
        assert kind in FRONTENDS[name].reads, (kind, name)


@pytest.mark.parametrize("paths, expected", [
    (["a.v"], "pyverilog"),
    (["a.V", "b.vh"], "pyverilog"),
    (["a.sv"], "yosys"),
    (["a.v", "b.sv"], "yosys"),        # both read .v and .sv: the one reading more kinds
    (["a.v", "b.il"], "yosys"),        # only yosys reads RTLIL
    (["x.btor2"], "btor2"),
    (["x.btor"], "btor2"),
    (["dir/design.py:Counter"], "amaranth"),
])
def test_default_choice(paths, expected):
    assert choose_frontend(paths).name == expected


def test_explicit_frontend_must_read_every_file():
    assert choose_frontend(["a.v"], "yosys").name == "yosys"
    assert choose_frontend(["a.sv"], "pyverilog").name == "pyverilog"
    with pytest.raises(FrontendError, match=r"^b\.il: the pyverilog frontend cannot read b\.il \(it reads "):
        choose_frontend(["a.v", "b.il"], "pyverilog")
    with pytest.raises(FrontendError, match=r"unknown frontend 'verilator'; known frontends: btor2, pyverilog"):
        choose_frontend(["a.v"], "verilator")


def test_files_no_frontend_reads_together_are_an_error():
    with pytest.raises(FrontendError, match=r"none reads them all: x\.btor2 \(btor2\), a\.v \(pyverilog\)"):
        choose_frontend(["x.btor2", "a.v"])


def test_unknown_kind_names_the_file_and_the_known_kinds(tmp_path):
    path = tmp_path / "design.vhd"
    path.write_text("entity e is end;\n")
    with pytest.raises(FrontendError) as err:
        load_system([str(path)], top="e")
    msg = str(err.value)
    assert msg.startswith(f"{path}: cannot tell the language of {path}: known kinds are ")
    for kind in (".btor2", ".v", ".sv", ".il", AMARANTH_KIND):
        assert kind in msg


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FrontendError, match=r"no such file: .*nowhere\.v$"):
        load_system([str(tmp_path / "nowhere.v")], top="x")


def test_file_kind():
    assert file_kind("a/b/C.SV") == ".sv"
    assert file_kind("designs/amaranth/crc.py:Crc8Serial") == AMARANTH_KIND
    assert file_kind("script.py") == ".py"


def test_btor2_is_a_frontend():
    system = load_system([COUNTER_BTOR2])
    assert [p.name for p in system.asserts] == ["x_ne_7"]
    with pytest.raises(FrontendError, match="give exactly one BTOR2 file"):
        load_system([COUNTER_BTOR2, COUNTER_BTOR2])


def test_pyverilog_needs_top_and_one_clock():
    with pytest.raises(FrontendError, match="--top is required for Verilog designs"):
        load_system([COUNTER_V])
    with pytest.raises(FrontendError, match=r"--multiclock needs the yosys frontend"):
        load_system([COUNTER_V], top="counter", multiclock=True)


def test_verilog_design_with_extra_properties():
    system = load_system([COUNTER_V], top="counter", asserts=["count <= 9"], covers=["count == 9"])
    assert system.name == "counter"
    assert "count <= 9" in [p.name for p in system.asserts]
    assert system.covers[-1].name == "count == 9"
