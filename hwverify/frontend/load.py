"""Loading a design from files into one TransitionSystem, whatever its language.

The CLI, the run layer and the Python API all come through ``load_system``, so
every frontend is chosen the same way and properties given outside the RTL
are attached the same way. The choice is two tables: ``FILE_KINDS`` (file kind
-> the frontend it goes to by default) and ``FRONTENDS`` (name -> the kinds
it reads and its loader). A new frontend is one entry in each.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from typing import Mapping, Protocol, Sequence

from hwverify.errors import FrontendError, HwverifyError, SourceLoc, UnsupportedError
from hwverify.frontend.amaranth import load_amaranth_class, lower_amaranth
from hwverify.frontend.btor2 import lower_btor2
from hwverify.frontend.properties import add_properties
from hwverify.frontend.verilog.lower import lower_verilog
from hwverify.frontend.yosys import lower_with_yosys, yosys_available
from hwverify.semantics.system import TransitionSystem

__all__ = ["load_system", "file_kind", "choose_frontend", "FILE_KINDS", "FRONTENDS", "Frontend"]

#: The kind of an Amaranth design, named ``path/module.py:ClassName``.
AMARANTH_KIND = "module.py:Class"
_AMARANTH_SPEC = re.compile(r"\.py:[A-Za-z_]\w*$")


class Loader(Protocol):
    """How every frontend is called: the files, then the same keyword options for all."""

    def __call__(self, paths: list[str], *, top: str | None, defines: Mapping[str, str],
                 include_dirs: list[str], multiclock: bool, clocks_together: bool = False) -> TransitionSystem: ...


@dataclass(frozen=True)
class Frontend:
    """One way from files to a system: the file kinds it reads and how it reads them."""

    name: str
    reads: tuple[str, ...]
    load: Loader


def _load_btor2(paths: list[str], *, top: str | None, defines: Mapping[str, str],
                include_dirs: list[str], multiclock: bool, clocks_together: bool = False) -> TransitionSystem:
    # A BTOR2 file is one flat system with one step per transition: top,
    # defines and multiclock have nothing left to act on.
    return lower_btor2(paths)


def _load_pyverilog(paths: list[str], *, top: str | None, defines: Mapping[str, str],
                    include_dirs: list[str], multiclock: bool, clocks_together: bool = False) -> TransitionSystem:
    if multiclock:
        raise FrontendError("--multiclock needs the yosys frontend (--frontend yosys)", SourceLoc(paths[0]))
    if top is None:
        raise FrontendError("--top is required for Verilog designs", SourceLoc(paths[0]))
    return lower_verilog(paths, top, defines=dict(defines), include_dirs=include_dirs)


def _load_yosys(paths: list[str], *, top: str | None, defines: Mapping[str, str],
                include_dirs: list[str], multiclock: bool, clocks_together: bool = False) -> TransitionSystem:
    return lower_with_yosys(paths, top=top, defines=dict(defines), include_dirs=include_dirs,
                            multiclock=multiclock, clocks_together=clocks_together)


def _load_amaranth(paths: list[str], *, top: str | None, defines: Mapping[str, str],
                   include_dirs: list[str], multiclock: bool, clocks_together: bool = False) -> TransitionSystem:
    if len(paths) != 1:
        raise FrontendError("give exactly one Amaranth design (path/module.py:ClassName)")
    return lower_amaranth(load_amaranth_class(paths[0]), multiclock=multiclock)


#: File kind -> the frontend that reads it unless ``frontend=`` (``--frontend``) says otherwise.
FILE_KINDS: dict[str, str] = {
    ".btor2": "btor2", ".btor": "btor2",
    ".v": "pyverilog", ".vh": "pyverilog",
    ".sv": "yosys", ".svh": "yosys",
    ".il": "yosys", ".rtlil": "yosys",
    AMARANTH_KIND: "amaranth",
}

#: Frontend name -> the kinds it can read (pyverilog reads the Verilog subset of .sv files when asked).
FRONTENDS: dict[str, Frontend] = {f.name: f for f in (
    Frontend("btor2", (".btor2", ".btor"), _load_btor2),
    Frontend("pyverilog", (".v", ".vh", ".sv", ".svh"), _load_pyverilog),
    Frontend("yosys", (".v", ".vh", ".sv", ".svh", ".il", ".rtlil"), _load_yosys),
    Frontend("amaranth", (AMARANTH_KIND,), _load_amaranth),
)}


def file_kind(path: str) -> str:
    """Return the kind of ``path``: its lower-case extension, or ``AMARANTH_KIND`` for ``module.py:Class``."""
    if _AMARANTH_SPEC.search(path):
        return AMARANTH_KIND
    return os.path.splitext(path)[1].lower()


def _file_of(path: str) -> str:
    """The file ``path`` names (an Amaranth spec without its ``:ClassName``)."""
    return path.rpartition(":")[0] if file_kind(path) == AMARANTH_KIND else path


def choose_frontend(paths: Sequence[str], frontend: str | None = None) -> Frontend:
    """Return the frontend for ``paths``: ``frontend`` if given, else the one their kinds go to.

    Files whose kinds go to different frontends are loaded by whichever of
    those reads them all (Verilog with SystemVerilog or RTLIL: yosys); when
    several could, the one reading more kinds wins.
    """
    if not paths:
        raise FrontendError("no design files given")
    kinds = {p: file_kind(p) for p in paths}
    for p, k in kinds.items():
        if k not in FILE_KINDS:
            raise FrontendError(f"cannot tell the language of {p}: known kinds are {', '.join(FILE_KINDS)}",
                                SourceLoc(p))
    if frontend is not None:
        chosen = FRONTENDS.get(frontend)
        if chosen is None:
            raise FrontendError(f"unknown frontend {frontend!r}; known frontends: {', '.join(FRONTENDS)}")
        for p, k in kinds.items():
            if k not in chosen.reads:
                raise FrontendError(f"the {frontend} frontend cannot read {p} (it reads {', '.join(chosen.reads)})",
                                    SourceLoc(p))
        return chosen
    defaults = [FRONTENDS[FILE_KINDS[k]] for k in dict.fromkeys(kinds.values())]
    able = [f for f in defaults if all(k in f.reads for k in kinds.values())]
    if not able:
        listed = ", ".join(f"{p} ({FILE_KINDS[k]})" for p, k in kinds.items())
        raise FrontendError(f"these files need different frontends and none reads them all: {listed}",
                            SourceLoc(paths[0]))
    return max(able, key=lambda f: len(f.reads))


def _falls_back(e: HwverifyError) -> bool:
    """Is ``e`` the pyverilog frontend not reading a construct (so yosys may), not a bad design?

    Clock errors never fall back: yosys without ``--multiclock`` would make
    several clocks tick together, a different model, silently.
    """
    text = e.message
    if "clock" in text:
        return False
    return isinstance(e, UnsupportedError) or text.startswith(("syntax error", "parse error"))


def _pyverilog_or_yosys(paths: list[str], **options) -> TransitionSystem:
    """The pyverilog frontend, or yosys with a one-line note where pyverilog cannot read a construct.

    Only when the user did not choose a frontend: ``--frontend pyverilog``
    keeps pyverilog's error, so a user is never stuck and never surprised.
    """
    try:
        return _load_pyverilog(paths, **options)
    except (FrontendError, UnsupportedError) as e:
        if not _falls_back(e) or not yosys_available():
            raise
        what = e.message.split(" in the pyverilog frontend;")[0].split(" (pyverilog accepts")[0]
        note = (f"note: {e.loc or paths[0]}: the pyverilog frontend cannot read this ({what}); "
                "reading the design with yosys instead (--frontend pyverilog to insist)")
        try:
            system = _load_yosys(paths, **options)
        except HwverifyError as y:
            raise FrontendError(f"{e.message}; the yosys frontend cannot read the design either: {y}",
                                e.loc) from None
        print(note, file=sys.stderr)
        system.notes.append(note.removeprefix("note: "))
        return system


def load_system(paths: Sequence[str], top: str | None = None, frontend: str | None = None,
                defines: dict[str, str] | None = None, include_dirs: Sequence[str] = (),
                asserts: Sequence[str] = (), assumes: Sequence[str] = (),
                covers: Sequence[str] = (), multiclock: bool = False,
                clocks_together: bool = False) -> TransitionSystem:
    """Read ``paths`` into one system and add the extra properties.

    ``paths`` is one BTOR2 file, Verilog/SystemVerilog/RTLIL files (with
    ``top``), or one Amaranth design ``path/module.py:ClassName`` (built
    without arguments). ``frontend`` (a key of ``FRONTENDS``) overrides the
    choice ``FILE_KINDS`` makes: ``.sv`` and RTLIL go through yosys, plain
    Verilog through pyverilog. ``asserts``/``assumes``/``covers`` are
    property expressions over the design's signals, as the CLI's ``--assert``.
    ``clocks_together`` accepts SBY's model of a design with several clocks
    (all tick together; yosys frontend) where it would otherwise be an error.
    """
    paths = [str(p) for p in paths]
    for p in paths:
        if not os.path.isfile(_file_of(p)):
            raise FrontendError(f"no such file: {_file_of(p)}", SourceLoc(_file_of(p)))
    chosen = choose_frontend(paths, frontend)
    if chosen.name == "pyverilog" and frontend is None:
        chosen = Frontend(chosen.name, chosen.reads, _pyverilog_or_yosys)
    system = chosen.load(paths, top=top, defines=defines or {}, include_dirs=list(include_dirs),
                         multiclock=multiclock, clocks_together=clocks_together)
    if asserts or assumes or covers:
        add_properties(system, asserts=asserts, assumes=assumes, covers=covers)
    return system
