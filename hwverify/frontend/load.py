"""Loading a design from files into one TransitionSystem, whatever its language.

The CLI and the Python API both come through here, so every frontend is
chosen the same way (by file extension and ``--frontend``) and properties
given outside the RTL are attached the same way.
"""
from __future__ import annotations

import os
from typing import Sequence

from hwverify.errors import FrontendError, SourceLoc
from hwverify.semantics.system import TransitionSystem

BTOR2_EXTENSIONS = (".btor2", ".btor")
VERILOG_EXTENSIONS = (".v", ".sv", ".vh", ".svh")
RTLIL_EXTENSIONS = (".il", ".rtlil")


def load_system(paths: Sequence[str], top: str | None = None, frontend: str | None = None,
                defines: dict[str, str] | None = None, include_dirs: Sequence[str] = (),
                asserts: Sequence[str] = (), assumes: Sequence[str] = (),
                covers: Sequence[str] = (), multiclock: bool = False) -> TransitionSystem:
    """Read ``paths`` (one BTOR2 file, or Verilog files with ``top``) and add extra properties.

    ``frontend`` is ``"pyverilog"`` or ``"yosys"``; by default ``.sv`` and
    RTLIL (``.il``) designs go through yosys, plain Verilog through pyverilog.
    An Amaranth design is named ``path/module.py:ClassName`` (built without arguments).
    """
    if any(".py:" in p for p in paths):
        if len(paths) != 1:
            raise FrontendError("give exactly one Amaranth design (path/module.py:ClassName)")
        from hwverify.frontend.amaranth import load_amaranth_class, lower_amaranth
        system = lower_amaranth(load_amaranth_class(paths[0]), multiclock=multiclock)
        if asserts or assumes or covers:
            from hwverify.frontend.properties import add_properties
            add_properties(system, asserts=asserts, assumes=assumes, covers=covers)
        return system
    for p in paths:
        if not os.path.isfile(p):
            raise FrontendError(f"no such file: {p}", SourceLoc(p))
    exts = {os.path.splitext(p)[1].lower() for p in paths}
    if exts <= set(BTOR2_EXTENSIONS):
        if len(paths) != 1:
            raise FrontendError("give exactly one BTOR2 file", SourceLoc(paths[1]))
        from hwverify.formats.btor2 import read_btor2_file
        system = read_btor2_file(paths[0])
    elif exts <= set(VERILOG_EXTENSIONS) | set(RTLIL_EXTENSIONS):
        if frontend is None:
            frontend = "yosys" if exts & {".sv", ".svh", ".il", ".rtlil"} else "pyverilog"
        if multiclock and frontend != "yosys":
            raise FrontendError("--multiclock needs the yosys frontend (--frontend yosys)", SourceLoc(paths[0]))
        system = _load_verilog(list(paths), top, frontend, defines or {}, list(include_dirs), multiclock)
    else:
        raise FrontendError(f"cannot tell the language of {', '.join(paths)} (expected .btor2, .btor, .v or .sv)",
                            SourceLoc(paths[0]))
    if asserts or assumes or covers:
        from hwverify.frontend.properties import add_properties
        add_properties(system, asserts=asserts, assumes=assumes, covers=covers)
    return system


def _load_verilog(paths: list[str], top: str | None, frontend: str, defines: dict[str, str],
                  include_dirs: list[str], multiclock: bool = False) -> TransitionSystem:
    if frontend == "yosys":
        try:
            from hwverify.frontend.yosys import lower_with_yosys
        except ImportError as e:
            raise FrontendError(f"the yosys frontend is not available: {e}", SourceLoc(paths[0])) from e
        return lower_with_yosys(paths, top=top, defines=defines, include_dirs=include_dirs, multiclock=multiclock)
    if top is None:
        raise FrontendError("--top is required for Verilog designs", SourceLoc(paths[0]))
    from hwverify.frontend.verilog.lower import lower_verilog
    return lower_verilog(paths, top, defines=defines, include_dirs=include_dirs)
