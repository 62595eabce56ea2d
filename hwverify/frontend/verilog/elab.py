"""Elaboration: module instances, parameters, generate, declarations, connections.

Walks the module tree from the top, evaluating parameters (with ``#(...)`` and
``defparam`` overrides), unrolling generate constructs and creating one
``Net`` per declared signal under its hierarchical name. Behaviour is not
lowered here: assignments, port connections and always blocks are registered
with the ``Design`` as drivers and blocks, evaluated later and lazily.
"""
from __future__ import annotations

from typing import Any

from pyverilog.vparser import ast as A

from hwverify.frontend.verilog import nodes as N
from hwverify.frontend.verilog.expr import ExprLowerer
from hwverify.frontend.verilog.model import Net, Param, Scope
from hwverify.frontend.verilog.netlist import Netlist
from hwverify.semantics import terms as T


_NET_DECLS = (A.Input, A.Output, A.Inout, A.Wire, A.Reg, A.Integer, A.Tri, A.Genvar, A.Real)
MAX_GENERATE = 100_000


class ConstCtx:
    """Read context for constant expressions: any signal read is an error."""

    def __init__(self, design: Netlist):
        self.design = design

    def read_net(self, net: Net, node: Any):
        raise self.design.error(node, f"{net.name} is not a constant (parameters and genvars only)")

    read_bits = lambda self, net, lo, hi, node: self.read_net(net, node)  # noqa: E731
    read_mem = read_net


class Elaborator:
    """Builds scopes and nets for the module tree below a top module."""

    def __init__(self, design: Netlist):
        self.design = design
        self.const = ConstCtx(design)

    def lower(self, scope: Scope) -> ExprLowerer:
        return ExprLowerer(self.design, scope, self.const)

    # ------------------------------------------------------------ modules
    def module(self, mod: A.ModuleDef, prefix: str, overrides: dict[str, tuple[Param, Any]],
               depth: int = 0) -> Scope:
        d = self.design
        if depth > 64:
            raise d.error(mod, f"module hierarchy deeper than 64 levels at {prefix!r} (recursive instantiation?)")
        scope = Scope(prefix, mod)
        self._collect_subprograms(scope, mod.items)
        used: set[str] = set()
        if mod.paramlist is not None:
            for decl in mod.paramlist.params:
                for p in decl.list:
                    self._parameter(scope, p, overrides, used)
        for item in mod.items:
            if isinstance(item, A.Decl) and any(isinstance(p, A.Parameter) for p in item.list):
                for p in item.list:
                    if isinstance(p, A.Parameter):
                        self._parameter(scope, p, overrides, used)
        for name, (_, node) in overrides.items():
            if name not in used:
                raise d.error(node, f"module {mod.name} has no parameter {name!r}")
        self._ports(scope, mod)
        for item in mod.items:   # defparams first: they override parameters of instances below
            if isinstance(item, N.Defparam):
                self._defparam(scope, item)
        self.items(scope, mod.items, depth)
        return scope

    def _defparam(self, scope: Scope, item: N.Defparam) -> None:
        d = self.design
        if id(item) in d.defparams_seen:
            return
        d.defparams_seen.add(id(item))
        for ident, rvalue in item.assigns:
            path = ".".join(lab.name if lab.loop is None else
                            f"{lab.name}[{self.lower(scope).const_int(lab.loop)}]"
                            for lab in (ident.scope.labellist if ident.scope else ()))
            if not path:
                raise d.error(item, "defparam needs a hierarchical name (inst.PARAM)")
            lw = self.lower(scope)
            w, s = lw.self_size(rvalue)
            d.defparams[f"{scope.prefix}{path}.{ident.name}"] = (
                Param(ident.name, lw.lower(rvalue, w, s), s), item)

    def _collect_subprograms(self, scope: Scope, items: Any) -> None:
        for item in items:
            if isinstance(item, A.Function):
                scope.functions[item.name] = item
            elif isinstance(item, A.Task):
                scope.tasks[item.name] = item

    def _parameter(self, scope: Scope, p: A.Parameter, overrides: dict, used: set[str]) -> None:
        d = self.design
        key = scope.prefix + p.name
        value: Param | None = None
        if not isinstance(p, A.Localparam):
            if key in d.defparams:
                value = d.defparams[key][0]
                d.defparams_used.add(key)
            elif p.name in overrides:
                value = overrides[p.name][0]
                used.add(p.name)
        if value is None:
            lw = self.lower(scope)
            w, s = lw.self_size(p.value)
            value = Param(p.name, lw.lower(p.value, w, s), s)
        if p.width is not None:
            lw = self.lower(scope)
            msb, lsb = lw.const_int(p.width.msb), lw.const_int(p.width.lsb)
            width = abs(msb - lsb) + 1
            value = Param(p.name, T.resize(value.term, width, value.signed), bool(p.signed))
        elif p.signed:
            value = Param(p.name, value.term, True)
        if not value.term.is_const:
            raise d.error(p, f"parameter {p.name} is not a constant")
        scope.names[p.name] = Param(p.name, value.term, value.signed)

    # -------------------------------------------------------------- ports
    def _ports(self, scope: Scope, mod: A.ModuleDef) -> None:
        order: list[str] = []
        if mod.portlist is not None:
            for port in mod.portlist.ports:
                if isinstance(port, A.Ioport):
                    self.declare(scope, port.first, port.second)
                    order.append(port.first.name)
                elif isinstance(port, A.Port):
                    order.append(port.name)
        scope.fn_cache["ports"] = order

    # -------------------------------------------------------- declarations
    def declare(self, scope: Scope, var: Any, extra: Any = None, attrs: set[str] | None = None,
                register: bool = True) -> Net:
        """Create (or complete) the net for one declaration."""
        d = self.design
        if isinstance(var, A.Real):
            raise d.error(var, "real variables are not supported", True)
        if isinstance(var, A.Inout):
            raise d.error(var, f"inout port {var.name} is not supported", True)
        if isinstance(var, A.Genvar):
            scope.names.setdefault(var.name, Param(var.name, T.const(0, 32), True))
            return None  # type: ignore[return-value]
        lw = self.lower(scope)
        width_node = var.width if var.width is not None else getattr(extra, "width", None)
        if width_node is not None:
            msb, lsb = lw.const_int(width_node.msb, "range"), lw.const_int(width_node.lsb, "range")
        else:
            msb = lsb = 0
        signed = bool(var.signed or getattr(extra, "signed", False) or isinstance(var, A.Integer))
        mem = None
        dims = var.dimensions or getattr(extra, "dimensions", None)
        if dims is not None:
            if len(dims.lengths) != 1:
                raise d.error(var, "multi-dimensional arrays are not supported", True)
            ln = dims.lengths[0]
            mem = (lw.const_int(ln.msb, "array range"), lw.const_int(ln.lsb, "array range"))
        kind = "reg" if isinstance(var, A.Reg) or isinstance(extra, A.Reg) else \
            "integer" if isinstance(var, A.Integer) else "wire"
        port = "input" if isinstance(var, A.Input) else "output" if isinstance(var, A.Output) else None
        existing = scope.names.get(var.name)
        if isinstance(existing, Net) and existing.scope is scope:
            # ``output q; reg [3:0] q;`` style: the second declaration completes the first.
            if port is not None and existing.port is not None:
                raise d.error(var, f"port {var.name} declared twice")
            if width_node is not None and (existing.msb, existing.lsb) != (msb, lsb) and \
                    existing.width != 1:
                raise d.error(var, f"{var.name} redeclared with a different range")
            if width_node is not None:
                existing.msb, existing.lsb, existing.width = msb, lsb, abs(msb - lsb) + 1
            existing.signed = existing.signed or signed
            existing.port = existing.port or port
            if kind != "wire":
                existing.kind = kind
            if mem is not None:
                existing.mem_range = mem
            if attrs:
                existing.attrs |= attrs
            return existing
        if existing is not None:
            raise d.error(var, f"{var.name} is already declared in this scope")
        net = Net(scope.prefix + var.name, abs(msb - lsb) + 1, signed, msb, lsb, d.loc(var),
                  kind=kind, port=port, top_port=port is not None and scope.prefix == "",
                  mem_range=mem, attrs=set(attrs or ()), scope=scope)
        scope.names[var.name] = net
        if register:
            d.add_net(net)
        return net

    # ------------------------------------------------------------- items
    def items(self, scope: Scope, items: Any, depth: int) -> None:
        d = self.design
        attrs: set[str] = set()
        for item in items:
            if isinstance(item, A.Pragma):
                attrs.add(item.entry.name)
                continue
            if isinstance(item, A.Decl):
                self._decl(scope, item, attrs)
            elif isinstance(item, N.Defparam):
                self._defparam(scope, item)
            elif isinstance(item, A.Assign):
                d.add_assign(scope, item.left, item.right, item)
            elif isinstance(item, A.Always):
                d.add_always(scope, item)
            elif isinstance(item, A.Initial):
                d.add_initial(scope, item.statement, item)
            elif isinstance(item, A.InstanceList):
                for inst in item.instances:
                    self.instance(scope, inst, depth)
            elif isinstance(item, A.GenerateStatement):
                self._collect_subprograms(scope, item.items)
                self.generate_items(scope, item.items, depth)
            elif isinstance(item, (A.Function, A.Task)):
                pass
            elif isinstance(item, A.IfStatement) or isinstance(item, A.ForStatement):
                self.generate_items(scope, [item], depth)
            else:
                raise d.error(item, f"unsupported module item {type(item).__name__}", True)
            attrs = set()

    def _decl(self, scope: Scope, item: A.Decl, attrs: set[str]) -> None:
        d = self.design
        pending: dict[str, Net] = {}
        for x in item.list:
            if isinstance(x, A.Parameter):
                if scope.prefix and x.name not in scope.names:  # parameters inside generate blocks
                    self._parameter(scope, x, {}, set())
                continue
            if isinstance(x, _NET_DECLS):
                net = self.declare(scope, x, attrs=attrs)
                if net is not None:
                    pending[x.name] = net
            elif isinstance(x, A.Assign):
                target = x.left.var
                net = pending.get(getattr(target, "name", ""))
                if net is not None and net.kind in ("reg", "integer"):
                    net.init_node = x.right   # ``reg r = 0;`` is an initial value
                    d.init_regs.append(net)
                else:
                    d.add_assign(scope, x.left, x.right, x)
            else:
                raise d.error(x, f"unsupported declaration {type(x).__name__}", True)

    # ---------------------------------------------------------- generate
    def generate_items(self, scope: Scope, items: Any, depth: int) -> None:
        for item in items:
            if isinstance(item, A.ForStatement):
                self._gen_for(scope, item, depth)
            elif isinstance(item, A.IfStatement):
                self._gen_if(scope, item, depth)
            elif isinstance(item, A.Block):
                self._gen_block(scope, item, depth, None)
            elif isinstance(item, A.CaseStatement):
                raise self.design.error(item, "generate case is not supported", True)
            else:
                self.items(scope, [item], depth)

    def _gen_block(self, scope: Scope, body: Any, depth: int, name: str | None) -> None:
        stmts = body.statements if isinstance(body, A.Block) else (body,)
        if name is None and isinstance(body, A.Block) and body.scope:
            name = body.scope
        if name is None:
            scope.genblk_count += 1
            name = f"genblk{scope.genblk_count}"
        sub = Scope(f"{scope.prefix}{name}.", scope.module, parent=scope)
        if name in scope.children:
            raise self.design.error(body, f"generate block {name!r} declared twice")
        scope.children[name] = sub
        self._collect_subprograms(sub, stmts)
        self.generate_items(sub, stmts, depth)

    def _gen_if(self, scope: Scope, item: A.IfStatement, depth: int) -> None:
        c = self.lower(scope).const_int(item.cond, "generate-if condition")
        chosen = item.true_statement if c else item.false_statement
        if chosen is None:
            return
        if isinstance(chosen, A.IfStatement):   # else if
            return self._gen_if(scope, chosen, depth)
        if isinstance(chosen, A.Block) and not chosen.scope:
            # An unnamed generate block: its items belong to a genblk scope.
            return self._gen_block(scope, chosen, depth, None)
        if isinstance(chosen, A.Block):
            return self._gen_block(scope, chosen, depth, chosen.scope)
        self.generate_items(scope, [chosen], depth)

    def _gen_for(self, scope: Scope, item: A.ForStatement, depth: int) -> None:
        d = self.design
        if not isinstance(item.pre, A.BlockingSubstitution) or not isinstance(item.post, A.BlockingSubstitution):
            raise d.error(item, "generate for needs 'genvar = init' and 'genvar = step'")
        var = item.pre.left.var.name
        if not isinstance(scope.lookup(var), Param):
            raise d.error(item, f"{var} is not a genvar")
        body = item.statement
        name = body.scope if isinstance(body, A.Block) and body.scope else None
        if name is None:
            scope.genblk_count += 1
            name = f"genblk{scope.genblk_count}"
        value = self.lower(scope).const_int(item.pre.right)
        for _ in range(MAX_GENERATE):
            it = Scope(f"{scope.prefix}{name}[{value}].", scope.module, parent=scope)
            it.names[var] = Param(var, T.const(value, 32), True)
            if not self.lower(it).const_int(item.cond):
                return
            scope.children[f"{name}[{value}]"] = it
            stmts = body.statements if isinstance(body, A.Block) else (body,)
            self._collect_subprograms(it, stmts)
            self.generate_items(it, stmts, depth)
            value = self.lower(it).const_int(item.post.right)
        raise d.error(item, f"generate loop ran more than {MAX_GENERATE} times")

    # ---------------------------------------------------------- instances
    def instance(self, scope: Scope, inst: A.Instance, depth: int) -> None:
        d = self.design
        if inst.array is not None:
            raise d.error(inst, "arrays of instances are not supported", True)
        mod = d.modules.get(inst.module)
        if mod is None:
            if inst.module in d.primitives:
                raise d.error(inst, f"gate primitive {inst.module!r} is not supported", True)
            raise d.unknown_module(inst, inst.module)
        if inst.name in scope.children:
            raise d.error(inst, f"instance name {inst.name!r} used twice")
        overrides: dict[str, tuple[Param, Any]] = {}
        plist = [p for p in (inst.parameterlist or ())]
        declared = _declared_params(mod)
        for i, pa in enumerate(plist):
            name = pa.paramname
            if name is None:
                if i >= len(declared):
                    raise d.error(pa, f"too many parameter values for module {mod.name}")
                name = declared[i]
            if pa.argname is None:
                continue
            lw = self.lower(scope)
            w, s = lw.self_size(pa.argname)
            overrides[name] = (Param(name, lw.lower(pa.argname, w, s), s), pa)
        child = self.module(mod, f"{scope.prefix}{inst.name}.", overrides, depth + 1)
        scope.children[inst.name] = child
        self._connect(scope, child, inst)

    def _connect(self, scope: Scope, child: Scope, inst: A.Instance) -> None:
        d = self.design
        order: list[str] = child.fn_cache["ports"]
        conns: dict[str, Any] = {}
        for i, pa in enumerate(inst.portlist or ()):
            name = pa.portname
            if name is None:
                if i >= len(order):
                    raise d.error(pa, f"too many port connections for module {inst.module}")
                name = order[i]
            elif name not in order:
                raise d.error(pa, f"module {inst.module} has no port {name!r}")
            if name in conns:
                raise d.error(pa, f"port {name} connected twice")
            conns[name] = pa.argname
        for name in order:
            net = child.names.get(name)
            if not isinstance(net, Net) or net.port is None:
                raise d.error(child.module, f"port {name} of module {child.module.name} has no direction")
            expr = conns.get(name)
            if expr is None:
                continue
            if isinstance(expr, A.Identifier) and expr.scope is None and scope.lookup(expr.name) is None:
                implicit = A.Wire(expr.name, lineno=expr.lineno)   # implicit net
                self.declare(scope, implicit)
            if net.port == "input":
                d.add_port_input(scope, expr, net, inst)
            else:
                d.add_port_output(scope, expr, net, inst)


def _declared_params(mod: A.ModuleDef) -> list[str]:
    names = []
    if mod.paramlist is not None:
        for decl in mod.paramlist.params:
            names += [p.name for p in decl.list if not isinstance(p, A.Localparam)]
    if not names:
        for item in mod.items:
            if isinstance(item, A.Decl):
                names += [p.name for p in item.list
                          if isinstance(p, A.Parameter) and not isinstance(p, A.Localparam)]
    return names
