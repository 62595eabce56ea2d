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
* ``AnyConst`` is free at step 0 and then fixed, ``AnySeq`` free in every
  step (yosys' ``$anyconst``/``$anyseq``); assigned to a named signal, the
  state takes its name.
* One clock per step: a design with several clock domains (or a clock read
  as data through ``ClockSignal``) is a ``FrontendError`` naming them unless
  ``multiclock=True`` (``clk2fflogic``, SBY's ``multiclock on``); so is a
  domain the design defines but whose clock nothing drives (it never ticks).
  ``ResetSignal`` read as data is the reset input.
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
from hwverify.frontend.amaranth_clocks import check_global_clock_unused, global_clock_script
from hwverify.frontend.amaranth_settings import design_settings
from hwverify.frontend.yosys import lower_with_yosys
from hwverify.semantics import terms as T
from hwverify.semantics.system import TransitionSystem

__all__ = ["lower_amaranth", "load_amaranth_class", "amaranth_available", "to_rtlil", "spec_depth"]

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
    """The ports of ``dut`` when none are given: None for a ``wiring.Component`` (Amaranth uses its signature).

    A plain ``Elaboratable`` names its ports as Amaranth designs do: a
    ``ports()`` method (or a ``ports`` list), else its ``Signal`` attributes
    and the clock and reset of its ``ClockDomain`` attributes (a spec's
    ``self.cd_sync = ClockDomain()``, whose clock Amaranth's own tests pass in
    ``ports``). A reset the design drives becomes an output port.
    """
    from amaranth.hdl import ClockDomain, Signal, ValueCastable  # local: amaranth is heavy and optional
    from amaranth.lib import wiring
    if isinstance(dut, wiring.Component):
        return None
    given = getattr(dut, "ports", None)
    if callable(given) or isinstance(given, (list, tuple)):
        values = list(given() if callable(given) else given)
        return [v.as_value() if isinstance(v, ValueCastable) else v for v in values]
    ports: list = []
    seen: set[int] = set()

    def add(value: Any) -> None:
        if isinstance(value, ValueCastable):
            value = value.as_value()
        if isinstance(value, Signal) and id(value) not in seen:
            seen.add(id(value))
            ports.append(value)

    for name, value in sorted(vars(dut).items()):
        if name.startswith("_"):
            continue
        if isinstance(value, ClockDomain):
            add(value.clk)
            if value.rst is not None:
                add(value.rst)
        else:
            add(value)
    return ports


def to_rtlil(dut: Any, name: str | None = None, ports: Sequence | None = None) -> tuple[str, str]:
    """Amaranth's RTLIL for ``dut`` (instance or class) with named checks, and the top module's name."""
    text, name, _, _ = _convert(_instantiate(dut), name, ports)
    return text, name


def _component_ports(dut: Any) -> dict:
    """A ``wiring.Component``'s ports from its signature, as ``rtlil.convert`` builds them."""
    from amaranth.hdl import ValueCastable  # local: amaranth is heavy and optional
    from amaranth.hdl._ir import PortDirection
    from amaranth.lib import wiring
    ports = {}
    for path, member, value in dut.signature.flatten(dut):
        if isinstance(value, ValueCastable):
            value = value.as_value()
        direction = PortDirection.Input if member.flow == wiring.In else PortDirection.Output
        ports["__".join(map(str, path))] = (value, direction)
    return ports


def _convert(dut: Any, name: str | None, ports: Sequence | None) -> tuple[str, str, dict[str, str], set[str]]:
    """(RTLIL with named checks, top name, clock signal name -> clock domain, domains clocking something).

    Elaborates once (``Fragment.get``) and converts that fragment, so the
    clock domains the conversion found or created (``sync`` when used but not
    defined) can be named in errors.
    """
    _need_amaranth()
    from amaranth.back import rtlil  # local: amaranth is heavy and optional
    from amaranth.hdl import Fragment
    from amaranth.lib import wiring
    name = name or type(dut).__name__
    try:
        if ports is None:
            port_spec: Any = _component_ports(dut) if isinstance(dut, wiring.Component) else _default_ports(dut)
        else:
            port_spec = list(ports)
        fragment = Fragment.get(dut, "formal")   # as assertFormal: lib.fifo adds its own checks
        text, name_map = rtlil.convert_fragment(fragment, port_spec, name)
    except Exception as e:  # noqa: BLE001 - Amaranth's own errors (driver conflicts, bad shapes, ...)
        raise FrontendError(f"amaranth: {type(e).__name__}: {e}", _class_loc(dut)) from e
    domains: dict[str, str] = {}
    used: set[str] = set()
    stack = [fragment]
    while stack:
        frag = stack.pop()
        for cd in frag.domains.values():
            named = name_map.get(cd.clk)
            domains.setdefault(".".join(named[1:]) if named else cd.clk.name, cd.name)
            if frag is fragment:      # a top-level clock port keeps the signal's own name
                domains.setdefault(cd.clk.name, cd.name)
        used.update(d for d, stmts in frag.statements.items() if d != "comb" and len(stmts))
        for port in list(getattr(frag, "_read_ports", [])) + list(getattr(frag, "_write_ports", [])):
            if getattr(port, "_domain", "comb") != "comb":
                used.add(port._domain)
        stack.extend(sub for sub, *_ in frag.subfragments)
    return _keep_checks(_name_checks(_widen_empty_operands(text))), name, domains, used


# cells whose result is unchanged when a zero-width input becomes 1'0 (both extend to zeros)
_ZERO_SAFE = {"$add", "$sub", "$mul", "$div", "$mod", "$divfloor", "$modfloor", "$and", "$or", "$xor",
              "$xnor", "$eq", "$ne", "$eqx", "$nex", "$lt", "$le", "$gt", "$ge", "$shl", "$shr", "$sshl",
              "$sshr", "$shift", "$shiftx", "$pos", "$neg", "$not", "$logic_not", "$logic_and",
              "$logic_or", "$reduce_or", "$reduce_xor", "$reduce_bool"}


# memory ports of a one-word memory have a zero-width address, which write_btor turns into a 0-bit array index
_MEMORY_PORTS = {"$memrd", "$memrd_v2", "$memwr", "$memwr_v2", "$meminit", "$meminit_v2"}


def _widen(lines: list[str], block: list[int], pairs: tuple[tuple[str, str], ...]) -> None:
    """In a cell's ``block`` of lines, make each (width parameter 0, empty connection) one zero bit."""
    for param, port in pairs:
        width = next((k for k in block if lines[k].strip() == f"parameter \\{param} 0"), None)
        conn = next((k for k in block if lines[k].strip() == f"connect \\{port} {{  }}"), None)
        if width is not None and conn is not None:
            lines[width] = lines[width].replace(f"{param} 0", f"{param} 1")
            lines[conn] = lines[conn].replace("{  }", "1'0")


def _widen_empty_operands(text: str) -> str:
    """Give zero-width cell inputs one zero bit (``{  }`` -> ``1'0``).

    Amaranth emits zero-width operands for ``Const(0)`` (e.g. ``0 - x``);
    yosys 0.70's ``write_btor`` then writes an invalid operand (``uext 19 -1 2``).
    Only cells whose meaning is unchanged (inputs are zero-extended anyway;
    the empty reduction ``$reduce_and`` is 1 and is left alone) are touched,
    and a one-word memory (``Memory(depth=1)``), which becomes two words with
    a one-bit address that is always 0 (word 1 is never written or read).
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
            _widen(lines, block, (("A_WIDTH", "A"), ("B_WIDTH", "B")))
            i = j
        elif s.startswith("cell ") and s.split()[1] in _MEMORY_PORTS:
            j = i + 1
            while j < len(lines) and lines[j].strip() != "end":
                j += 1
            _widen(lines, list(range(i + 1, j)), (("ABITS", "ADDR"),))
            i = j
        elif s.startswith("memory ") and s.split()[-2:-1] == ["1"] and " size 1 " in f"{s} ":
            lines[i] = lines[i].replace(" size 1 ", " size 2 ")   # yosys derives the address width from it
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


def _keep_checks(text: str) -> str:
    """Mark every ``$check`` cell ``keep``: yosys then keeps checks it can prove true by itself.

    Without it ``opt`` deletes an ``Assert(x == x)`` (Amaranth's FIFOModel
    asserts its two resets equal, the same signal in one domain), and the
    count of checks kept can no longer tell such a check from one yosys lost.
    """
    return re.sub(r"^(\s*)(cell \$check )", r"\1attribute \\keep 1\n\1\2", text, flags=re.M)


def _flavors(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in re.finditer(r'^\s*parameter \\FLAVOR "(\w+)"', text, re.M):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts


_DEFAULT = object()   # "not given": the design file's HWVERIFY settings decide


def lower_amaranth(dut: Any, *, name: str | None = None, ports: Sequence | None = None,
                   mode: str = "all", multiclock: bool = False, global_clock: Any = _DEFAULT,
                   keep_rtlil: str | None = None) -> TransitionSystem:
    """Lower an Amaranth design (an ``Elaboratable`` instance, or a class built without arguments).

    ``name`` is the top module's name (default: the class name); ``ports``
    overrides the inferred ports of a plain ``Elaboratable``; ``mode`` is
    passed to ``lower_with_yosys``; ``multiclock`` (also on when the design's
    ``HWVERIFY`` settings say so) models every clock as a free input
    (``clk2fflogic``); ``global_clock`` (a domain name, default: the
    settings', else none) makes that domain's clock the formal clock under
    ``multiclock`` (``amaranth_clocks``); ``keep_rtlil`` writes Amaranth's
    RTLIL (after naming the checks) to that path.
    """
    settings = design_settings(dut)
    dut = _instantiate(dut)
    multiclock = multiclock or settings.multiclock
    gclk_domain = settings.global_clock if global_clock is _DEFAULT else global_clock
    text, top, domains, used = _convert(dut, name, ports)
    if keep_rtlil:
        with open(keep_rtlil, "w") as fh:
            fh.write(text)
    outputs = _output_ports(text, top)
    gclk = _global_clock_wire(dut, gclk_domain, domains, _ports(text, top, "input")) if multiclock else None
    clocks: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="hwverify_amaranth_") as work:
        path = os.path.join(work, f"{top}.il")
        with open(path, "w") as fh:
            fh.write(text)
        script = global_clock_script(os.path.abspath(path), top, gclk) if gclk else None
        system = lower_with_yosys([path], top=top, mode=mode, multiclock=multiclock, clocks=clocks, script=script)
    for clk, dom in sorted(domains.items()):
        sig = system.signals.get(clk)
        if dom in used and sig is not None and sig.op == "const":
            raise FrontendError(f"clock domain {dom!r} is defined in the design but nothing drives its clock "
                                f"{clk} and it is not a port, so its registers never change; make it a port "
                                f"(keep the domain in an attribute, self.cd_{dom} = ClockDomain(), or list "
                                f"its clk in ports()), leave the domain undefined (it then becomes the {clk} "
                                f"input) or drive ClockSignal({dom!r})", _class_loc(dut))
    if gclk:
        check_global_clock_unused(system, gclk, gclk_domain, outputs, _class_loc(dut))
        system.notes.append(f"global formal clock: domain {gclk_domain!r} ({gclk}), one step per edge; other "
                            f"clocks are free inputs (clk2fflogic)")
    if not multiclock:
        _check_one_clock(dut, system, clocks, domains, outputs)
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


def _global_clock_wire(dut: Any, domain: str | None, domains: dict[str, str], inputs: set[str]) -> str | None:
    """The top-level input that clocks ``domain`` (None when no global clock is asked for)."""
    if not domain:
        return None
    clks = [clk for clk, dom in domains.items() if dom == domain]
    if not clks:
        known = ", ".join(sorted(set(domains.values()))) or "none"
        raise FrontendError(f"global_clock {domain!r} is not a clock domain of the design (domains: {known})",
                            _class_loc(dut))
    ports = [clk for clk in clks if clk in inputs]    # submodules see the same clock under their own names
    if ports:
        return ports[0]
    raise FrontendError(f"the clock {min(clks, key=len)} of global_clock domain {domain!r} is not an input port "
                        f"of the design; make it a port (keep the domain in an attribute or list its clk in "
                        f"ports())", _class_loc(dut))


def _output_ports(text: str, top: str) -> set[str]:
    """The output port names of module ``top`` in RTLIL ``text``."""
    return _ports(text, top, "output")


def _ports(text: str, top: str, direction: str) -> set[str]:
    """The ``direction`` (input/output) port names of module ``top`` in RTLIL ``text``."""
    m = re.search(rf"^module \\{re.escape(top)}\n(.*?)^end$", text, re.M | re.S)
    pattern = rf"^\s*wire (?:width \d+ )?{direction} \d+\s+\\(\S+)"
    return set(re.findall(pattern, m.group(1), re.M)) if m else set()


def _check_one_clock(dut: Any, system: TransitionSystem, clocks: list[tuple[str, str]],
                     domains: dict[str, str], outputs: set[str]) -> None:
    """Refuse what one step per clock edge cannot mean: several clocks, or a clock read as data.

    Without ``multiclock`` each step is one active edge of the one clock, so
    two clock domains (or one clock's two edges) would silently tick
    together, and ``ClockSignal()`` read as data would be a free value.
    """
    def describe(clk: str, edge: str) -> str:
        dom = domains.get(clk)
        what = f"{dom} ({clk}" if dom else f"clock input {clk} ({edge}"
        return what + (f", {edge})" if dom and edge != "posedge" else ")")
    if len(clocks) > 1:
        listed = ", ".join(describe(c, e) for c, e in sorted(clocks))
        raise FrontendError(f"the design has {len(clocks)} clock domains: {listed}; one step is one edge of one "
                            f"clock here, so use multiclock=True (CLI: --multiclock, yosys clk2fflogic as SBY's "
                            f"'multiclock on') or a single domain", _class_loc(dut))
    for clk, edge in clocks:
        var = next((v for v in system.inputs if v.name == clk), None)
        if var is None:
            continue
        # wires that only carry the clock (the domain's clk, submodule ports) are not data; outputs are
        roots = (list(system.init.values()) + list(system.next.values()) + system.constraints
                 + [p.term for p in system.asserts + system.covers]
                 + [t for n, t in system.signals.items() if t is not var or n in outputs])
        if var in T.free_vars(roots):
            raise FrontendError(f"ClockSignal of {describe(clk, edge)} is read as data; one step is one clock "
                                f"edge here, where the clock has no value: use multiclock=True (CLI: "
                                f"--multiclock) to model the clock as a signal", _class_loc(dut))


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


def spec_depth(design: Sequence[str], default: int = 20) -> int:
    """The ``depth`` an Amaranth design's ``HWVERIFY`` settings give (``design`` is one ``path.py:Class``).

    ``default`` when it is not an Amaranth design, says nothing, or cannot be
    loaded (the load error is reported when the task runs, with the rest).
    """
    if len(design) != 1 or not re.search(r"\.py:[A-Za-z_]\w*$", design[0]):
        return default
    try:
        depth = design_settings(load_amaranth_class(design[0])).depth
    except FrontendError:
        return default
    return default if depth is None else depth
