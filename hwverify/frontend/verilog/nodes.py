"""AST nodes our extended pyverilog grammar adds (see ``parse.py``)."""
from __future__ import annotations

from pyverilog.vparser.ast import Node


class IndexedPartselect(Node):
    """``var[base +: width]`` (``up``) or ``var[base -: width]``."""

    attr_names = ("up",)

    def __init__(self, var, base, width, up: bool, lineno: int = 0):
        self.lineno = lineno
        self.var, self.base, self.width, self.up = var, base, width, up

    def children(self):
        return (self.var, self.base, self.width)


class Defparam(Node):
    """``defparam path = value, ...;`` as a tuple of (Identifier, Rvalue) pairs."""

    attr_names = ()

    def __init__(self, assigns, lineno: int = 0):
        self.lineno = lineno
        self.assigns = assigns

    def children(self):
        return tuple(x for pair in self.assigns for x in pair)


class TaskEnable(Node):
    """A statement ``name(args);``: a user task call or an immediate assertion."""

    attr_names = ("name",)

    def __init__(self, name: str, args, lineno: int = 0):
        self.lineno = lineno
        self.name, self.args = name, tuple(args)

    def children(self):
        return self.args
