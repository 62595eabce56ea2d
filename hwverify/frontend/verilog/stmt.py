"""Procedural code (always/initial blocks, functions, tasks) by symbolic execution.

One pass over the statements keeps, for every variable the block writes, its
current value as a term: blocking assignments update it immediately (later
reads see the new value), non-blocking ones go to a separate map applied at
the end of the block, exactly as the simulator's NBA region does. Branches
fork the environment and merge it with ``ite``; constant conditions take one
branch only, which is what makes ``for`` loops with constant bounds unroll.

Per mode:
* ``clocked``: variables start at their register value; the final values are
  next-state functions.
* ``comb`` (``always @*``): variables start unassigned; reading an unassigned
  bit, or leaving one unassigned on some path (a latch), is an error.
* ``initial``: one executor runs every initial block in source order, so a
  block starts from what earlier ones set; final values are initial states;
* ``function``: a call with fresh locals, unassigned bits being ``x`` (free).
"""
from __future__ import annotations

from typing import Any, Callable

from pyverilog.vparser import ast as A

from hwverify.frontend.verilog import nodes as N
from hwverify.frontend.verilog.expr import ExprLowerer, parse_literal, shift
from hwverify.frontend.verilog.model import Net, Param, Scope
from hwverify.frontend.verilog.netlist import Netlist, slice_
from hwverify.semantics import terms as T
from hwverify.semantics.terms import Term


MAX_LOOP = 100_000
IGNORED_TASKS = {"display", "write", "strobe", "monitor", "finish", "stop", "info", "warning",
                 "error", "fatal", "dumpfile", "dumpvars", "dumpon", "dumpoff", "timeformat",
                 "printtimescale", "fflush", "fdisplay", "fwrite"}
PROPERTY_TASKS = {"assert", "assume", "cover", "restrict"}


def full_mask(net: Net) -> int:
    return (1 << net.width) - 1


class Env:
    """Current values (blocking), pending non-blocking values, assigned-bit masks.

    ``mask`` holds the bits blocking assignments set (what later reads may
    see); ``nba_mask`` those non-blocking ones set, which only count once the
    block is over (``initial a <= 0;`` initialises ``a``).
    """

    __slots__ = ("vals", "nba", "mask", "nba_mask")

    def __init__(self) -> None:
        self.vals: dict[Net, Term] = {}
        self.nba: dict[Net, Term] = {}
        self.mask: dict[Net, int] = {}
        self.nba_mask: dict[Net, int] = {}

    def copy(self) -> "Env":
        e = Env()
        e.vals, e.nba, e.mask, e.nba_mask = dict(self.vals), dict(self.nba), dict(self.mask), \
            dict(self.nba_mask)
        return e


def splice(old: Term, lo: int, value: Term) -> Term:
    """``old`` with bits ``lo..lo+w-1`` replaced by ``value``."""
    hi = lo + value.width - 1
    w = old.width
    parts = []
    if hi < w - 1:
        parts.append(slice_(old, w - 1, hi + 1))
    parts.append(value)
    if lo > 0:
        parts.append(slice_(old, lo - 1, 0))
    acc = parts[0]
    for p in parts[1:]:
        acc = T.concat(acc, p)
    return acc


class Executor:
    """Symbolically executes statements of one block in one mode (see module doc)."""

    def __init__(self, design: Netlist, scope: Scope, mode: str, targets: set[Net],
                 locals_: set[Net] | None = None):
        self.design, self.scope, self.mode = design, scope, mode
        self.targets = targets
        self.locals = locals_ or set()
        self.env = Env()
        self.path: Term = T.true()
        self.blocking_written: set[Net] = set()
        self.placeholders: dict[Term, Net] = {}   # placeholder variables handed out
        self.defer: dict[Term, Net] | None = None   # reads of other nets as placeholders (see design._add_comb)
        self.hold_is_state: set[Net] = set()      # NBA holds that used the register directly

    # --------------------------------------------------------------- reads
    def lowerer(self) -> ExprLowerer:
        return ExprLowerer(self.design, self.scope, self)

    def _placeholder(self, net: Net, tag: str) -> Term:
        v = T.var(f"${tag}${net.name}", self.design.sort_of(net))
        self.placeholders[v] = net
        return v

    def _hold(self, net: Net) -> Term:
        """What a register keeps when no non-blocking assignment happens on a path."""
        if self.mode in ("clocked", "async") and net in self.targets and net not in self.blocking_written:
            # The common case: no blocking assignment to it in this block, so it keeps its
            # register value (no placeholder, no substitution at the end).
            self.hold_is_state.add(net)
            return self.design.state_of(net)
        return self._placeholder(net, "hold")

    def start_value(self, net: Net) -> Term:
        """Value of ``net`` in this block before the block assigns it."""
        if self.mode in ("clocked", "async") and net in self.targets:
            return self.design.state_of(net)
        return self._placeholder(net, "unassigned")

    def own(self, net: Net) -> bool:
        return net in self.targets or net in self.locals or net in self.env.vals

    def _external(self, net: Net) -> Term:
        """A placeholder for another net's value, resolved later (``defer`` mode)."""
        v = T.var(f"$ext${net.name}", self.design.sort_of(net))
        self.defer[v] = net  # type: ignore[index]
        return v

    def read_net(self, net: Net, node: Any) -> Term:
        if not self.own(net):
            if self.defer is not None:
                return self._external(net)
            return self.design.value(net, node)
        if net.is_memory:
            raise self.design.error(node, f"memory {net.name} used without an address")
        return self._read_own(net, 0, net.width - 1, node)

    def read_bits(self, net: Net, lo: int, hi: int, node: Any) -> Term:
        if not self.own(net):
            if self.defer is not None:
                return slice_(self._external(net), hi, lo)
            return self.design.value_bits(net, lo, hi, node)
        return self._read_own(net, lo, hi, node)

    def _read_own(self, net: Net, lo: int, hi: int, node: Any) -> Term:
        v = self.env.vals.get(net)
        if self.mode in ("clocked", "async") and net in self.targets:
            return slice_(v if v is not None else self.design.state_of(net), hi, lo)
        want = ((1 << (hi - lo + 1)) - 1) << lo
        have = self.env.mask.get(net, 0)
        if have & want != want:
            if self.mode == "comb":
                raise self.design.error(node, f"{net.name} is read before it is assigned in this "
                                              "always @* block (a latch or a combinational loop)")
            if self.mode == "initial" and net not in self.env.vals:
                return self.design.fresh_x(hi - lo + 1, node)
            if v is None:
                v = self._placeholder(net, "unassigned")
        assert v is not None
        return slice_(v, hi, lo)

    def read_mem(self, net: Net, node: Any) -> Term:
        v = self.env.vals.get(net)
        if v is not None:
            return v
        if net in self.targets and self.mode in ("clocked", "async"):
            return self.design.state_of(net)
        if net in self.targets and self.mode == "comb":   # words this always @* has not written yet
            return self.start_value(net)
        if self.defer is not None and not self.own(net):
            return self._external(net)
        return self.design.mem_value(net, node)

    # -------------------------------------------------------------- writes
    def _cur(self, net: Net, nb: bool) -> Term:
        if nb:
            v = self.env.nba.get(net)
            return v if v is not None else self._hold(net)
        v = self.env.vals.get(net)
        if v is not None:
            return v
        if net.is_memory and self.mode == "initial":
            return self.design.memory_init_base(net)
        return self.start_value(net)

    def _put(self, net: Net, value: Term, nb: bool, bits: int) -> None:
        if nb:
            self.env.nba[net] = value
        else:
            if net in self.hold_is_state:
                raise self.design.error(None, f"{net.name} gets both blocking and non-blocking "
                                              "assignments in one block", True)
            self.env.vals[net] = value
            self.blocking_written.add(net)
        if not nb or self.mode == "comb":
            self.env.mask[net] = self.env.mask.get(net, 0) | bits
        elif self.mode == "initial":
            self.env.nba_mask[net] = self.env.nba_mask.get(net, 0) | bits

    def _target(self, node: Any) -> Net:
        sym = self.lowerer().resolve(node)
        if isinstance(sym, Param):
            raise self.design.error(node, f"cannot assign to parameter {sym.name}")
        if sym not in self.targets and sym not in self.locals:
            raise self.design.error(node, f"{sym.name} cannot be assigned here "
                                          f"(it is not a variable of this block)")
        return sym

    def lvalue_width(self, node: Any) -> int:
        if isinstance(node, A.Lvalue):
            return self.lvalue_width(node.var)
        if isinstance(node, (A.LConcat, A.Concat)):   # Concat: a task's output argument
            return sum(self.lvalue_width(x) for x in node.list)
        return self.lowerer().self_size(node)[0]

    def assign(self, lhs: Any, rhs: Any, nb: bool) -> None:
        width = self.lvalue_width(lhs)
        value = self.lowerer().lower_assign(rhs, width)
        self.store(lhs, value, nb)

    def store(self, lhs: Any, value: Term, nb: bool) -> None:
        lw = self.lowerer()
        if isinstance(lhs, A.Lvalue):
            return self.store(lhs.var, value, nb)
        if isinstance(lhs, (A.LConcat, A.Concat)):
            pos = value.width
            for part in lhs.list:
                w = self.lvalue_width(part)
                self.store(part, T.extract(value, pos - 1, pos - w), nb)
                pos -= w
            return
        if isinstance(lhs, A.Identifier):
            net = self._target(lhs)
            if net.is_memory:
                raise self.design.error(lhs, f"memory {net.name} assigned without an address")
            return self._put(net, value, nb, full_mask(net))
        if isinstance(lhs, A.Pointer) and isinstance(lhs.var, A.Identifier):
            net = self._target(lhs.var)
            if net.is_memory:
                return self._store_mem(net, lhs, value, nb)
            return self._store_bits(net, lhs.ptr, None, True, value, nb, lhs)
        if isinstance(lhs, A.Pointer) and isinstance(lhs.var, A.Pointer):
            mem_node = lhs.var
            word_w = self.lowerer().self_size(mem_node)[0]
            net = self._target(mem_node.var)
            word = lw.lower_self(mem_node) if not nb else \
                T.read(self._cur(net, True), self._mem_addr(net, mem_node)[0])
            new_word = self._update_vector(word, net.msb, net.lsb, lhs.ptr, None, True, value, lhs)
            assert new_word.width == word_w
            return self._store_mem(net, mem_node, new_word, nb)
        if isinstance(lhs, (A.Partselect, N.IndexedPartselect)) and isinstance(lhs.var, A.Pointer) \
                and isinstance(lhs.var.var, A.Identifier):
            return self._store_word_part(lhs, value, nb)
        if isinstance(lhs, A.Partselect) and isinstance(lhs.var, A.Identifier):
            net = self._target(lhs.var)
            hi_i, lo_i = lw.const_int(lhs.msb), lw.const_int(lhs.lsb)
            return self._store_bits(net, None, (hi_i, lo_i), True, value, nb, lhs)
        if isinstance(lhs, N.IndexedPartselect) and isinstance(lhs.var, A.Identifier):
            net = self._target(lhs.var)
            return self._store_bits(net, lhs.base, lhs.width, lhs.up, value, nb, lhs)
        raise self.design.error(lhs, f"unsupported assignment target {type(lhs).__name__}", True)

    def _store_word_part(self, lhs: Any, value: Term, nb: bool) -> None:
        """``mem[a][7:4] <= v`` or ``mem[a][k +: 4] <= v``: read the word, replace the part, write it back.

        Non-blocking parts read the word from the pending writes, so two parts
        of one word assigned in one block both land, as in a simulator.
        """
        mem_node = lhs.var
        net = self._target(mem_node.var)
        if not net.is_memory:
            raise self.design.error(lhs, f"{net.name} is not a memory: a select of a bit-select "
                                         "cannot be assigned")
        lw = self.lowerer()
        word = lw.lower_self(mem_node) if not nb else \
            T.read(self._cur(net, True), self._mem_addr(net, mem_node)[0])
        if isinstance(lhs, A.Partselect):
            a, b = _off(net.msb, net.lsb, lw.const_int(lhs.msb)), _off(net.msb, net.lsb, lw.const_int(lhs.lsb))
            lo, hi = min(a, b), max(a, b)
            lo_c, hi_c = max(lo, 0), min(hi, net.width - 1)
            new_word = word if lo_c > hi_c else splice(word, lo_c, T.extract(value, hi_c - lo, lo_c - lo))
        else:
            new_word = self._update_vector(word, net.msb, net.lsb, lhs.base, lhs.width, lhs.up, value, lhs)
        self._store_mem(net, mem_node, new_word, nb)

    def _mem_addr(self, net: Net, node: A.Pointer) -> tuple[Term, Term | None]:
        lw = self.lowerer()
        idx = lw.lower_self(node.ptr)
        off, ok = lw.offset(idx, lw.self_size(node.ptr)[1], min(net.mem_range), 1,  # type: ignore[arg-type]
                            net.depth, node.ptr)
        return T.resize(off, net.addr_width), ok

    def _store_mem(self, net: Net, node: A.Pointer, value: Term, nb: bool) -> None:
        addr, ok = self._mem_addr(net, node)
        cur = self._cur(net, nb)
        new = T.write(cur, addr, value)
        if ok is not None:
            new = T.ite(ok, new, cur)
        self._put(net, new, nb, 0)

    def _store_bits(self, net: Net, index: Any, rng: Any, up: bool, value: Term, nb: bool,
                    node: Any) -> None:
        cur = self._cur(net, nb)
        if index is None and isinstance(rng, tuple):  # constant part-select [hi:lo]
            a, b = (_off(net.msb, net.lsb, rng[0]), _off(net.msb, net.lsb, rng[1]))
            lo, hi = min(a, b), max(a, b)
            return self._splice_static(net, cur, lo, hi, value, nb)
        new = self._update_vector(cur, net.msb, net.lsb, index, rng, up, value, node)
        lw = self.lowerer()
        bits = 0
        iw, isg = lw.self_size(index)
        idx = lw.lower(index, iw, isg)
        if idx.is_const:  # constant bit or indexed select: those bits are assigned
            w = 1 if rng is None else lw.const_int(rng)
            i0 = idx.value - (1 << iw if isg and idx.value >> (iw - 1) else 0)
            lo_i = i0 if (rng is None or up) else i0 - w + 1
            offs = [_off(net.msb, net.lsb, i) for i in range(lo_i, lo_i + w)]
            for o in offs:
                if 0 <= o < net.width:
                    bits |= 1 << o
        self._put(net, new, nb, bits)

    def _splice_static(self, net: Net, cur: Term, lo: int, hi: int, value: Term, nb: bool) -> None:
        bits = 0
        new = cur
        for o in range(lo, hi + 1):
            if 0 <= o < net.width:
                bits |= 1 << o
        lo_c, hi_c = max(lo, 0), min(hi, net.width - 1)
        if lo_c <= hi_c:
            new = splice(cur, lo_c, T.extract(value, hi_c - lo, lo_c - lo))
        self._put(net, new, nb, bits)

    def _update_vector(self, cur: Term, msb: int, lsb: int, index: Any, rng: Any, up: bool,
                       value: Term, node: Any) -> Term:
        """``cur`` with a (possibly dynamic) bit or indexed part replaced by ``value``."""
        lw = self.lowerer()
        width = cur.width
        w = 1 if rng is None else lw.const_int(rng)
        iw, isg = lw.self_size(index)
        idx = lw.lower(index, iw, isg)
        delta = 0 if (rng is None or up) else -(w - 1)
        if idx.is_const:
            i0 = idx.value - (1 << iw if isg and idx.value >> (iw - 1) else 0)
            offs = sorted((_off(msb, lsb, i0 + delta), _off(msb, lsb, i0 + delta + w - 1)))
            if offs[0] < 0 or offs[1] >= width:   # out of range writes are ignored
                if offs[1] < 0 or offs[0] >= width:
                    return cur
                lo_c, hi_c = max(offs[0], 0), min(offs[1], width - 1)
                return splice(cur, lo_c, T.extract(value, hi_c - offs[0], lo_c - offs[0]))
            return splice(cur, offs[0], value)
        if msb >= lsb:
            off, ok = lw.offset(idx, isg, lsb - delta, w, width, index)
        else:
            nb_ = T.neg(T.resize(idx, idx.width + 1, isg))
            off, ok = lw.offset(nb_, True, -lsb + delta + w - 1, w, width, index)
        ones = T.zext(T.ones(w), width - w) if width > w else T.ones(width)
        val = T.zext(value, width - w) if width > w else T.extract(value, width - 1, 0)
        m = shift(ones, off, "shl")
        new = T.or_(T.and_(cur, T.not_(m)), T.and_(shift(val, off, "shl"), m))
        return new if ok is None else T.ite(ok, new, cur)

    # ---------------------------------------------------------- statements
    def run(self, stmt: Any) -> None:
        if stmt is None:
            return
        d = self.design
        if isinstance(stmt, (A.Block, A.ParallelBlock)):
            if isinstance(stmt, A.ParallelBlock):
                raise d.error(stmt, "fork/join is not supported", True)
            saved = self.scope
            self.scope = d.block_scope(stmt, self.scope)
            for s in stmt.statements:
                self.run(s)
            self.scope = saved
        elif isinstance(stmt, A.BlockingSubstitution):
            self._note_delay(stmt)
            self.assign(stmt.left, stmt.right, False)
        elif isinstance(stmt, A.NonblockingSubstitution):
            self._note_delay(stmt)
            self.assign(stmt.left, stmt.right, self.mode != "function")
        elif isinstance(stmt, A.IfStatement):
            c = self.lowerer().truth(stmt.cond)
            self.branch([(c, lambda: self.run(stmt.true_statement))],
                        lambda: self.run(stmt.false_statement))
        elif isinstance(stmt, A.CaseStatement):
            self.case(stmt)
        elif isinstance(stmt, A.ForStatement):
            self.loop(stmt.pre, stmt.cond, stmt.post, stmt.statement, stmt)
        elif isinstance(stmt, A.WhileStatement):
            self.loop(None, stmt.cond, None, stmt.statement, stmt)
        elif isinstance(stmt, A.SingleStatement):
            self.single(stmt.statement)
        elif isinstance(stmt, A.Decl):
            pass  # named-block declarations were elaborated with the block
        elif isinstance(stmt, A.EventStatement) and _is_null_statement(stmt):
            pass  # a lone ';' (e.g. 'default: ;')
        elif isinstance(stmt, (A.EventStatement, A.WaitStatement, A.DelayStatement)):
            raise d.error(stmt, "timing controls inside procedural code are not supported", True)
        elif isinstance(stmt, A.ForeverStatement):
            raise d.error(stmt, "forever loops are not supported", True)
        else:
            raise d.error(stmt, f"unsupported statement {type(stmt).__name__}", True)

    def _note_delay(self, stmt: Any) -> None:
        if stmt.ldelay is not None or stmt.rdelay is not None:
            self.design.note(f"{self.design.loc(stmt)}: intra-assignment delay ignored")

    def single(self, s: Any) -> None:
        d = self.design
        if isinstance(s, N.TaskEnable):
            if s.name in PROPERTY_TASKS:
                return d.formal.immediate(self, s)
            return d.call_task(self, s)
        if isinstance(s, A.SystemCall):
            if s.syscall in IGNORED_TASKS:
                return None
            if s.syscall in ("readmemh", "readmemb"):
                return d.readmem(self, s)
            raise d.error(s, f"system task ${s.syscall} is not supported", True)
        if isinstance(s, A.Disable):
            raise d.error(s, "disable is not supported", True)
        if isinstance(s, A.DelayStatement):
            raise d.error(s, "delays inside procedural code are not supported", True)
        raise d.error(s, f"unsupported statement {type(s).__name__}", True)

    def loop(self, pre: Any, cond: Any, post: Any, body: Any, node: Any) -> None:
        if pre is not None:
            self.run(pre)
        for _ in range(MAX_LOOP):
            if cond is not None:
                c = self.lowerer().truth(cond)
                if not c.is_const:
                    raise self.design.error(node, "loop condition does not become constant "
                                                  "(only loops with constant bounds are supported)", True)
                if not c.value:
                    return
            self.run(body)
            if post is not None:
                self.run(post)
        raise self.design.error(node, f"loop did not finish within {MAX_LOOP} iterations", True)

    def case(self, stmt: A.CaseStatement) -> None:
        lw = self.lowerer()
        kind = "casez" if isinstance(stmt, A.CasezStatement) else \
            "casex" if isinstance(stmt, A.CasexStatement) else "case"
        items = [c for c in stmt.caselist if c.cond is not None]
        default = next((c for c in stmt.caselist if c.cond is None), None)
        exprs = [stmt.comp] + [e for c in items for e in c.cond]
        sizes = [lw.self_size(e) for e in exprs]
        W, S = max(w for w, _ in sizes), all(s for _, s in sizes)
        sel = lw.lower(stmt.comp, W, S)
        arms: list[tuple[Term, Callable[[], None]]] = []
        pats: list[tuple[int, int]] = []
        for c in items:
            conds = []
            for e in c.cond:
                m, pat = self._case_match(sel, e, W, S, kind)
                conds.append(m)
                if pat is not None:
                    pats.append(pat)
            arms.append((T.or_all(conds), (lambda st=c.statement: self.run(st))))
        full = _covers_all(pats, sizes[0][0], W, S)
        if full and arms and default is None:
            # Every value is covered: the last arm needs no condition (no latch, no x).
            arms[-1] = (T.true(), arms[-1][1])
        self.branch(arms, (lambda: self.run(default.statement)) if default else (lambda: None))

    def _case_match(self, sel: Term, e: Any, W: int, S: bool, kind: str) -> tuple[Term, Any]:
        """Match condition of one case item; also (value, care) when it is a constant pattern."""
        if isinstance(e, A.IntConst):
            v, xm, w, s, _ = parse_literal(e.value)
            if kind == "casez":
                zm = parse_literal(e.value.replace("x", "0").replace("X", "0"))[1]
                xonly = xm & ~zm
                xm = zm
                if xonly:
                    return T.false(), None
            elif kind == "case" and xm:
                return T.false(), None
            # Extend the pattern to W bits the way the value would be extended.
            sign = s and S and (v >> (w - 1)) & 1
            ext = ((1 << W) - 1) ^ ((1 << w) - 1) if W > w else 0
            if W > w and (xm >> (w - 1)) & 1:
                xm |= ext
            if sign:
                v |= ext
            v &= (1 << W) - 1
            care = ((1 << W) - 1) & ~xm
            m = T.eq(T.and_(sel, T.const(care, W)), T.const(v & care, W))
            return m, (v & care, care)
        item = self.lowerer().lower(e, W, S)
        if item.is_const:
            return T.eq(sel, item), (item.value, (1 << W) - 1)
        return T.eq(sel, item), None

    # ---------------------------------------------------------- branching
    def branch(self, arms: list[tuple[Term, Callable[[], None]]], otherwise: Callable[[], None]) -> None:
        """Run a priority chain ``if c1 a1 else if c2 a2 ... else otherwise`` and merge."""
        base, base_path = self.env, self.path
        outs: list[tuple[Term, Env]] = []
        taken = T.false()
        for cond, fn in arms:
            eff = T.and_(cond, T.not_(taken))
            if eff.is_const and not eff.value:
                continue
            self.env, self.path = base.copy(), T.and_(base_path, eff)
            fn()
            outs.append((cond, self.env))
            taken = T.or_(taken, cond)
            if taken.is_const and taken.value:
                break
        if not (taken.is_const and taken.value):
            self.env, self.path = base.copy(), T.and_(base_path, T.not_(taken))
            otherwise()
            acc = self.env
        else:
            acc = outs.pop()[1]
        for cond, env in reversed(outs):
            acc = self._merge(cond, env, acc)
        self.env, self.path = acc, base_path

    def _merge(self, c: Term, a: Env, b: Env) -> Env:
        out = Env()
        for key in ("vals", "nba"):
            da, db, do = getattr(a, key), getattr(b, key), getattr(out, key)
            for net in da.keys() | db.keys():
                va, vb = da.get(net), db.get(net)
                if va is vb:
                    do[net] = va
                    continue
                nb = key == "nba"
                if va is None:
                    va = self._hold(net) if nb else self.start_value(net)
                if vb is None:
                    vb = self._hold(net) if nb else self.start_value(net)
                do[net] = T.ite(c, va, vb)
        for key in ("mask", "nba_mask"):
            ma, mb, mo = getattr(a, key), getattr(b, key), getattr(out, key)
            for net in ma.keys() | mb.keys():
                mo[net] = ma.get(net, 0) & mb.get(net, 0)
        return out

    # ------------------------------------------------------------- results
    def final_values(self, nets: list[Net] | None = None) -> dict[Net, Term]:
        """Value of every written variable at the end of the block, NBAs applied."""
        out: dict[Net, Term] = {}
        nets = nets if nets is not None else list(self.env.vals.keys() | self.env.nba.keys())
        for net in nets:
            blocking = self.env.vals.get(net)
            if blocking is None:
                blocking = self.start_value(net)
            v = self.env.nba.get(net)
            if v is None:
                out[net] = blocking
            else:
                out[net] = self.replace(v, {self._placeholder(net, "hold"): blocking})
        return out

    def replace(self, value: Term, mapping: dict[Term, Term]) -> Term:
        """Substitute placeholders, walking ``value`` only if it contains any."""
        if not self.design.has_placeholder(value):
            return value
        return T.substitute(value, mapping)

    def unassigned_bits(self, net: Net) -> int:
        """Bits of ``net`` no assignment (blocking or not) sets on every path of the block."""
        return full_mask(net) & ~(self.env.mask.get(net, 0) | self.env.nba_mask.get(net, 0))

    def cleanup(self, net: Net, value: Term, replacement: Term | None = None) -> Term:
        """Replace the "unassigned" placeholder of ``net`` (dead or x) in ``value``."""
        ph = self._placeholder(net, "unassigned")
        if replacement is None:
            replacement = T.const(0, net.width) if not net.is_memory else \
                T.const_array(T.const(0, net.width), net.addr_width)
        return self.replace(value, {ph: replacement})


def _off(msb: int, lsb: int, index: int) -> int:
    return index - lsb if msb >= lsb else lsb - index


def _covers_all(pats: list[tuple[int, int]], sel_width: int, W: int, signed: bool) -> bool:
    """Do the constant patterns (value, care) match every value the case selector can take?

    The selector has ``sel_width`` bits of its own, extended to the case's
    width ``W`` (sign-extended when the whole case is signed), so ``case
    (round) 00: ... 63:`` with a 6-bit ``round`` and 32-bit labels is full.
    """
    if sel_width > 12 or not pats:
        return False
    top = 1 << (sel_width - 1)
    for v in range(1 << sel_width):
        x = v - (top << 1) if signed and v & top else v
        x &= (1 << W) - 1
        if not any(x & care == value for value, care in pats):
            return False
    return True


def _is_null_statement(stmt: Any) -> bool:
    """pyverilog parses a lone ';' as an event statement over an empty sensitivity list.

    That list is one ``Sens(None, 'all')`` with line number 0 (the empty
    production); a real ``@*;`` carries its source line.
    """
    sens = stmt.senslist.list
    return len(sens) == 1 and sens[0].sig is None and sens[0].type == "all" and not sens[0].lineno
