"""Elaborated Verilog: nets, parameters, scopes, and the drivers that give nets values.

After elaboration every declared signal of every module instance is one ``Net``
with its hierarchical name (``u_core.state``). A net gets its value from
exactly one source: a top-level input, a register (written by a clocked
``always`` block), or combinational drivers (``assign``, ``always @*``, port
connections), each covering a range of its bits. Drivers are computed lazily
and on demand, which gives combinational loop detection for free: asking for a
driver that is still being computed is a loop. Bit ranges matter so that
generate-built chains such as ``assign c[i+1] = f(c[i])`` are not mistaken
for loops.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from hwverify.errors import SourceLoc
from hwverify.semantics.terms import Term



@dataclass(eq=False)
class Net:
    """One elaborated signal (vector, integer or memory) of one module instance."""

    name: str                    # hierarchical name, as in the RTL (u_core.state)
    width: int                   # word width
    signed: bool
    msb: int                     # declared range [msb:lsb]
    lsb: int
    loc: SourceLoc
    kind: str = "wire"           # wire | reg | integer
    port: str | None = None      # input | output | None
    top_port: bool = False
    mem_range: tuple[int, int] | None = None   # memories: declared [first:last] addresses
    attrs: set[str] = field(default_factory=set)
    # -- filled while lowering
    chunks: list["Chunk"] = field(default_factory=list)
    block: Any = None            # the clocked block writing this register
    comb_block: Any = None       # the always @* block driving it
    word_drivers: dict = field(default_factory=dict)   # memories: word offset -> Driver (assign m[3] = ...)
    state: Term | None = None
    value: Term | None = None
    clock: bool = False
    init_node: Any = None        # declaration initialiser (reg r = 0;)
    scope: Any = None

    @property
    def is_memory(self) -> bool:
        return self.mem_range is not None

    @property
    def depth(self) -> int:
        assert self.mem_range is not None
        a, b = self.mem_range
        return abs(a - b) + 1

    @property
    def addr_width(self) -> int:
        return max(1, (self.depth - 1).bit_length())

    def bit_offset(self, index: int) -> int:
        """Position (0 = LSB) of declared bit ``index``; may fall outside the vector."""
        return index - self.lsb if self.msb >= self.lsb else self.lsb - index

    def word_offset(self, address: int) -> int:
        assert self.mem_range is not None
        a, b = self.mem_range
        return address - min(a, b)

    def __repr__(self) -> str:
        return f"Net({self.name}, {self.width}{'s' if self.signed else ''})"


@dataclass(frozen=True)
class Param:
    """A parameter, localparam or genvar value: a constant term and its signedness."""

    name: str
    term: Term
    signed: bool

    @property
    def value(self) -> int:
        return self.term.value


@dataclass(eq=False)
class Chunk:
    """Bits ``lo..hi`` (offsets) of a net, produced by ``driver`` under ``key``."""

    lo: int
    hi: int
    driver: "Driver"
    key: Any


class Driver:
    """Something that computes values for chunks of nets, evaluated at most once.

    ``fn(netlist)`` returns ``results`` (key -> term); ``state`` guards against
    re-entry, which is how combinational loops are found. (The argument is the
    ``netlist.Netlist``, typed ``Any`` here because that module builds on this one.)
    """

    def __init__(self, loc: SourceLoc, what: str, fn: Callable[[Any], dict]):
        self.loc, self.what, self.fn = loc, what, fn
        self.state = 0            # 0 new, 1 computing, 2 done
        self.results: dict = {}
        self.alias: Any = None    # (scope, Identifier) when it just copies another net

    def __repr__(self) -> str:
        return f"{self.what} at {self.loc}"


@dataclass(eq=False)
class FunctionDef:
    node: Any
    scope: "Scope"
    width: int
    signed: bool


@dataclass(eq=False)
class Scope:
    """Names visible in a module instance or one of its generate/named blocks."""

    prefix: str                         # hierarchical prefix, "" for the top
    module: Any                         # pyverilog ModuleDef
    parent: "Scope | None" = None
    names: dict[str, Any] = field(default_factory=dict)       # Net | Param
    functions: dict[str, Any] = field(default_factory=dict)   # name -> Function node
    tasks: dict[str, Any] = field(default_factory=dict)
    children: dict[str, "Scope"] = field(default_factory=dict)  # instances and named blocks
    genblk_count: int = 0
    fn_cache: dict = field(default_factory=dict)

    def lookup(self, name: str) -> Any:
        s: Scope | None = self
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
        return None

    def lookup_function(self, name: str) -> Any:
        s: Scope | None = self
        while s is not None:
            if name in s.functions:
                return s.functions[name], s
            s = s.parent
        return None

    def lookup_task(self, name: str) -> Any:
        s: Scope | None = self
        while s is not None:
            if name in s.tasks:
                return s.tasks[name], s
            s = s.parent
        return None

    def lookup_child(self, name: str) -> "Scope | None":
        s: Scope | None = self
        while s is not None:
            if name in s.children:
                return s.children[name]
            s = s.parent
        return None

    def all_names(self) -> list[str]:
        out: list[str] = []
        s: Scope | None = self
        while s is not None:
            out.extend(s.names)
            s = s.parent
        return out
