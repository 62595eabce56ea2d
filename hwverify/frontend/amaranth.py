"""Amaranth designs (``Elaboratable`` / ``wiring.Component``, amaranth >= 0.5) lowered through yosys.

``lower_amaranth(dut)`` converts the design with Amaranth's own RTLIL back
end (``amaranth.back.rtlil.convert``) and hands the text to
``hwverify.frontend.yosys.lower_with_yosys`` (``read_rtlil``, then SBY's
model flow), so step numbering and register initialisation are SBY's:

* ``Assert``/``Assume``/``Cover`` (``amaranth.hdl``) become assertions,
  constraints and covers. A statement whose message is a plain identifier
  (``Assert(x < 9, "bounded")``) is named after it (``sub.bounded`` inside a
  submodule); others are named after kind and line (``assert@fifo.py:42``).
  Every property carries the Python file:line Amaranth recorded.
* ``m.d.comb += Assert(...)`` is checked in the cycle it observes;
  ``m.d.sync += Assert(...)`` samples at the clock edge and so reports one
  step later, as a clocked SystemVerilog ``assert`` does under SBY.
* Signal names are Amaranth's (``count``, ``fifo.level`` for a submodule
  ``fifo``). The ``sync`` domain's ``clk`` is implicit (one step per edge);
  its ``rst`` is a free input unless the design constrains it.
* A ``wiring.Component`` gets its ports from its signature; for a plain
  ``Elaboratable`` the ports are the ``Signal`` attributes of the object
  (or ``ports=`` when given).

Errors Amaranth raises while elaborating become ``FrontendError``.
"""
from __future__ import annotations

import importlib.util
import inspect
import os
import re
import sys
import tempfile
from typing import Any, Sequence

from hwverify.errors import FrontendError, SourceLoc
from hwverify.semantics.system import TransitionSystem

__all__ = ["lower_amaranth", "load_amaranth_class", "amaranth_available", "to_rtlil"]

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def amaranth_available() -> bool:
    """Whether ``amaranth`` can be imported."""
    return importlib.util.find_spec("amaranth") is not None


def _need_amaranth() -> None:
    if not amaranth_available():
        raise FrontendError("the Amaranth frontend needs the amaranth package (pip install amaranth)")


def _class_loc(obj: Any) -> SourceLoc | None:
    cls = obj if inspect.isclass(obj) else type(obj)
    try:
        return SourceLoc(inspect.getsourcefile(cls) or "<amaranth>", inspect.getsourcelines(cls)[1])
    except (OSError, TypeError):
        return None


def _instantiate(dut: Any) -> Any:
    """``dut`` itself, or an instance when it is a class (built without arguments)."""
    if not inspect.isclass(dut):
        return dut
    try:
        return dut()
    except TypeError as e:
        raise FrontendError(f"cannot instantiate {dut.__name__} without arguments: {e}", _class_loc(dut)) from e


def _default_ports(dut: Any) -> list | None:
    """None for a ``wiring.Component`` (Amaranth uses its signature), else its Signal attributes."""
    from amaranth.hdl import Signal, ValueCastable
    from amaranth.lib import wiring
    if isinstance(dut, wiring.Component):
        return None
    ports = []
    for name, value in sorted(vars(dut).items()):
        if name.startswith("_"):
            continue
        if isinstance(value, ValueCastable):
            value = value.as_value()
        if isinstance(value, Signal):
            ports.append(value)
    return ports


def to_rtlil(dut: Any, name: str | None = None, ports: Sequence | None = None) -> tuple[str, str]:
    """Amaranth's RTLIL for ``dut`` (instance or class) with named checks, and the top module's name."""
    _need_amaranth()
    from amaranth.back import rtlil
    dut = _instantiate(dut)
    name = name or type(dut).__name__
    if ports is None:
        ports = _default_ports(dut)
    try:
        text = rtlil.convert(dut, name=name, ports=list(ports) if ports is not None else None)
    except Exception as e:  # noqa: BLE001 - Amaranth's own errors (driver conflicts, bad shapes, ...)
        raise FrontendError(f"amaranth: {type(e).__name__}: {e}", _class_loc(dut)) from e
    return _name_checks(_widen_empty_operands(text)), name


# cells whose result is unchanged when a zero-width input becomes 1'0 (both extend to zeros)
_ZERO_SAFE = {"$add", "$sub", "$mul", "$div", "$mod", "$divfloor", "$modfloor", "$and", "$or", "$xor",
              "$xnor", "$eq", "$ne", "$eqx", "$nex", "$lt", "$le", "$gt", "$ge", "$shl", "$shr", "$sshl",
              "$sshr", "$shift", "$shiftx", "$pos", "$neg", "$not", "$logic_not", "$logic_and",
              "$logic_or", "$reduce_or", "$reduce_xor", "$reduce_bool"}


def _widen_empty_operands(text: str) -> str:
    """Give zero-width cell inputs one zero bit (``{  }`` -> ``1'0``).

    Amaranth emits zero-width operands for ``Const(0)`` (e.g. ``0 - x``);
    yosys 0.70's ``write_btor`` then writes an invalid operand (``uext 19 -1 2``).
    Only cells whose meaning is unchanged (inputs are zero-extended anyway;
    the empty reduction ``$reduce_and`` is 1 and is left alone) are touched.
    """
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        if s.startswith("cell ") and s.split()[1] in _ZERO_SAFE:
            j = i + 1
            block = []
            while j < len(lines) and lines[j].strip() != "end":
                block.append(j)
                j += 1
            for port in ("A", "B"):
                width = next((k for k in block if lines[k].strip() == f"parameter \\{port}_WIDTH 0"), None)
                conn = next((k for k in block if lines[k].strip() == f"connect \\{port} {{  }}"), None)
                if width is not None and conn is not None:
                    lines[width] = lines[width].replace(f"{port}_WIDTH 0", f"{port}_WIDTH 1")
                    lines[conn] = lines[conn].replace("{  }", "1'0")
            i = j
        i += 1
    return "\n".join(lines)


def _name_checks(text: str) -> str:
    """Rename each ``$check`` cell whose message is an identifier to that identifier (unique per module)."""
    lines = text.split("\n")
    # names already used in each module (wires and cells share nothing in RTLIL, but keep them apart anyway)
    used: dict[int, set[str]] = {}
    module_start = 0
    cells: list[tuple[int, int]] = []   # (line of "cell $check", module start line)
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("module "):
            module_start = i
            used[i] = set()
        elif s.startswith(("wire ", "cell ", "memory ")):
            last = s.split()[-1]
            if last.startswith("\\"):
                used.setdefault(module_start, set()).add(last[1:])
            if s.startswith("cell $check "):
                cells.append((i, module_start))
    for i, mod in cells:
        fmt = None
        for j in range(i + 1, len(lines)):
            s = lines[j].strip()
            if s == "end":
                break
            m = re.match(r'^parameter \\FORMAT "(.*)"$', s)
            if m:
                fmt = m.group(1)
        if not fmt or not _IDENT.match(fmt):
            continue
        unique, k = fmt, 0
        while unique in used[mod]:
            k += 1
            unique = f"{fmt}_{k}"
        used[mod].add(unique)
        indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
        lines[i] = f"{indent}cell $check \\{unique}"
    return "\n".join(lines)


def _flavors(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in re.finditer(r'^\s*parameter \\FLAVOR "(\w+)"', text, re.M):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts


def lower_amaranth(dut: Any, *, name: str | None = None, ports: Sequence | None = None,
                   mode: str = "all", multiclock: bool = False,
                   keep_rtlil: str | None = None) -> TransitionSystem:
    """Lower an Amaranth design (an ``Elaboratable`` instance, or a class built without arguments).

    ``name`` is the top module's name (default: the class name); ``ports``
    overrides the inferred ports of a plain ``Elaboratable``; ``mode`` and
    ``multiclock`` are passed to ``lower_with_yosys``; ``keep_rtlil`` writes
    Amaranth's RTLIL (after naming the checks) to that path.
    """
    from hwverify.frontend.yosys import lower_with_yosys
    text, top = to_rtlil(dut, name, ports)
    if keep_rtlil:
        with open(keep_rtlil, "w") as fh:
            fh.write(text)
    with tempfile.TemporaryDirectory(prefix="hwverify_amaranth_") as work:
        path = os.path.join(work, f"{top}.il")
        with open(path, "w") as fh:
            fh.write(text)
        system = lower_with_yosys([path], top=top, mode=mode, multiclock=multiclock)
    expected = _flavors(text)
    got = {"assert": len(system.asserts), "cover": len(system.covers)}
    if mode in ("bmc", "prove"):
        expected.pop("cover", None)
        got.pop("cover")
    for kind, n in got.items():
        if n < expected.get(kind, 0):
            raise FrontendError(f"yosys kept {n} of the design's {expected[kind]} Amaranth {kind} statements; "
                                f"refusing to prove a weaker design", _class_loc(dut))
    system.name = top
    system.notes.append("lowered from Amaranth through its RTLIL back end")
    return system


def load_amaranth_class(spec: str) -> type:
    """The class named by ``path/module.py:ClassName`` (the module's directory is importable meanwhile)."""
    path, _, cls_name = spec.rpartition(":")
    if not path.endswith(".py") or not cls_name:
        raise FrontendError(f"expected path/module.py:ClassName, not {spec!r}")
    if not os.path.isfile(path):
        raise FrontendError(f"no such file: {path}", SourceLoc(path))
    _need_amaranth()
    directory = os.path.dirname(os.path.abspath(path))
    mod_name = "_hwverify_design_" + re.sub(r"\W", "_", os.path.splitext(os.path.abspath(path))[0])
    spec_obj = importlib.util.spec_from_file_location(mod_name, path)
    if spec_obj is None or spec_obj.loader is None:
        raise FrontendError(f"cannot import {path}", SourceLoc(path))
    module = importlib.util.module_from_spec(spec_obj)
    sys.path.insert(0, directory)
    sys.modules[mod_name] = module
    try:
        spec_obj.loader.exec_module(module)
    except FrontendError:
        raise
    except SyntaxError as e:
        raise FrontendError(f"python: {e.msg}", SourceLoc(path, e.lineno or 1)) from e
    except Exception as e:  # noqa: BLE001 - a broken design file is a user error
        raise FrontendError(f"importing {path} failed: {type(e).__name__}: {e}", SourceLoc(path)) from e
    finally:
        try:
            sys.path.remove(directory)
        except ValueError:
            pass
    cls = getattr(module, cls_name, None)
    if cls is None:
        names = sorted(n for n, v in vars(module).items()
                       if inspect.isclass(v) and hasattr(v, "elaborate") and v.__module__ == mod_name)
        raise FrontendError(f"{path} has no class {cls_name!r}; Amaranth classes there: {', '.join(names) or 'none'}",
                            SourceLoc(path))
    if not hasattr(cls, "elaborate"):
        raise FrontendError(f"{cls_name} must be an Amaranth Elaboratable, not {cls!r}", _class_loc(cls))
    return cls
