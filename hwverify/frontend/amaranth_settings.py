"""How an Amaranth design file says how it is meant to be checked: a small ``HWVERIFY`` dict.

Amaranth's own formal tests pass mode, depth and ports to a helper
(``assertFormal(spec, ports, mode="bmc", depth=9)``); a design file given to
hwverify says the same in a dict, so ``hwverify prove x.py:Spec`` and the
tests need no other configuration::

    HWVERIFY = {"mode": "prove", "depth": 20}          # module level: every class in the file

    class AsyncSpec(Elaboratable):
        HWVERIFY = {"mode": "bmc", "depth": 40, "multiclock": True, "global_clock": "sync"}

    class AsyncSpecBug(AsyncSpec):
        HWVERIFY = {"expect": "fail"}                  # merged over AsyncSpec's and the module's

Keys: ``mode`` (``prove``/``bmc``/``cover``), ``depth`` (steps), ``multiclock``
(bool, as ``--multiclock``), ``global_clock`` (a clock domain whose clock is
the formal clock under ``multiclock``: one step per edge of it; without
``multiclock`` the one clock is the formal clock anyway), ``expect``
(``pass``/``fail``: the verdict the file promises, read by tests and the
demo) and ``step`` (the step of the first failure, for ``expect: fail``).
An unknown key or a value of the wrong type is a ``FrontendError`` naming the
class, so a typo never silently changes what is checked.
"""
from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass
from typing import Any

from hwverify.errors import FrontendError, SourceLoc

__all__ = ["DesignSettings", "design_settings", "SETTINGS_NAME"]

SETTINGS_NAME = "HWVERIFY"
_MODES = ("prove", "bmc", "cover")
_EXPECT = ("pass", "fail")


@dataclass(frozen=True)
class DesignSettings:
    """What a design file asks for; ``None`` means "not said" (the caller's default applies)."""

    mode: str | None = None
    depth: int | None = None
    multiclock: bool = False
    global_clock: str | None = None
    expect: str | None = None
    step: int | None = None


def _where(cls: type) -> SourceLoc | None:
    try:
        return SourceLoc(inspect.getsourcefile(cls) or "<amaranth>", inspect.getsourcelines(cls)[1])
    except (OSError, TypeError):
        return None


def _check(key: str, value: Any, cls: type) -> Any:
    """``value`` if it fits ``key``, else a FrontendError saying what it must be."""
    def bad(want: str) -> FrontendError:
        return FrontendError(f"{SETTINGS_NAME}[{key!r}] of {cls.__name__} must be {want}, not {value!r}",
                             _where(cls))
    if key == "mode":
        if value not in _MODES:
            raise bad(" or ".join(repr(m) for m in _MODES))
    elif key in ("depth", "step"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise bad("a non-negative int")
    elif key == "multiclock":
        if not isinstance(value, bool):
            raise bad("True or False")
    elif key == "global_clock":
        if value is not None and not (isinstance(value, str) and value.isidentifier()):
            raise bad("a clock domain name or None")
    elif key == "expect":
        if value not in _EXPECT:
            raise bad(" or ".join(repr(e) for e in _EXPECT))
    else:
        known = ", ".join(DesignSettings.__dataclass_fields__)
        raise FrontendError(f"{SETTINGS_NAME} of {cls.__name__} has an unknown key {key!r} (known: {known})",
                            _where(cls))
    return value


def design_settings(dut: Any) -> DesignSettings:
    """The settings of ``dut`` (a class or an instance): its module's ``HWVERIFY``, then each class's.

    Dicts are merged from the module down the class hierarchy (a subclass
    overrides only the keys it names). Objects without any give the defaults.
    """
    cls = dut if inspect.isclass(dut) else type(dut)
    merged: dict[str, Any] = {}
    layers = []
    module = sys.modules.get(cls.__module__)
    if module is not None:
        layers.append((getattr(module, SETTINGS_NAME, None), cls))
    for klass in reversed(cls.__mro__):
        layers.append((vars(klass).get(SETTINGS_NAME), klass))
    for layer, owner in layers:
        if layer is None:
            continue
        if not isinstance(layer, dict):
            raise FrontendError(f"{SETTINGS_NAME} of {owner.__name__} must be a dict, not {layer!r}", _where(owner))
        for key, value in layer.items():
            merged[key] = _check(key, value, cls)
    settings = DesignSettings(**merged)
    if settings.step is not None and settings.expect != "fail":
        raise FrontendError(f"{SETTINGS_NAME} of {cls.__name__} gives 'step' but does not expect 'fail'", _where(cls))
    return settings
