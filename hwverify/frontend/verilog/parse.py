"""Preprocess and parse Verilog into pyverilog's AST, with real source locations.

Why not ``pyverilog.vparser.parser.parse``: it rebuilds the PLY tables on every
call (~1 s), runs ``iverilog -E`` with no error reporting and loses the
``file:line`` of included or concatenated files, and its grammar misses a few
constructs we need. So we

* run Icarus' preprocessor ``ivlpp -L`` ourselves (``iverilog -E`` when
  ``ivlpp`` cannot be found), which keeps `` `line`` directives that map every
  preprocessed line back to its file and line;
* extend pyverilog's grammar in a subclass: indexed part-selects keep their
  base/width (pyverilog turns ``a[i +: 4]`` into ``a[i : i+4]``, off by one),
  ``defparam``, task-enable statements (which also carry the immediate
  ``assert(...)``/``assume(...)``/``cover(...)`` of the formal subset);
* cache the LALR tables as a pickle in the user cache directory, keyed by the
  versions of pyverilog, PLY and this file;
* turn every parse failure into a ``FrontendError`` carrying ``file:line``.
"""
from __future__ import annotations

import bisect
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from hwverify.errors import FrontendError, SourceLoc, UnsupportedError
from hwverify.frontend.blanking import blank_source
from hwverify.frontend.verilog import nodes as N

YOSYS_HINT = "use --frontend yosys for SystemVerilog and constructs outside this subset"


# ------------------------------------------------------------------ line map
@dataclass
class LineMap:
    """Maps lines of the preprocessed text back to (file, line) of the sources."""

    starts: list[int] = field(default_factory=list)   # preprocessed line where a region starts
    files: list[str] = field(default_factory=list)
    first: list[int] = field(default_factory=list)    # source line of that region's first line
    default_file: str = "<verilog>"

    def loc(self, line: int | None) -> SourceLoc:
        if line is None or not self.starts:
            return SourceLoc(self.default_file, line)
        i = bisect.bisect_right(self.starts, line) - 1
        if i < 0:
            return SourceLoc(self.default_file, line)
        return SourceLoc(self.files[i], self.first[i] + line - self.starts[i])

    @staticmethod
    def from_text(text: str, default_file: str) -> "LineMap":
        """Read ivlpp's `` `line N "file" L`` directives (the directive line itself maps nowhere)."""
        lm = LineMap(default_file=default_file)
        for no, line in enumerate(text.split("\n"), start=1):
            m = _LINE_DIRECTIVE.match(line)
            if m:
                lm.starts.append(no + 1)
                lm.files.append(m.group(2))
                lm.first.append(int(m.group(1)))
        return lm


_LINE_DIRECTIVE = re.compile(r'^\s*`line\s+(\d+)\s+"([^"]*)"\s+\d+\s*$')


# ------------------------------------------------------------- preprocessing
_ivlpp_path: str | None | bool = False   # False = not looked up yet, None = not found


def _find_ivlpp() -> str | None:
    """Locate Icarus' preprocessor next to the ``iverilog`` driver (or HWVERIFY_IVLPP)."""
    global _ivlpp_path
    if _ivlpp_path is not False:
        return _ivlpp_path  # type: ignore[return-value]
    found: str | None = os.environ.get("HWVERIFY_IVLPP") or None
    iverilog = shutil.which(os.environ.get("PYVERILOG_IVERILOG", "iverilog"))
    if found is None and iverilog:
        base = Path(os.path.realpath(iverilog)).parent.parent / "lib"
        cands = sorted(base.glob("*/ivl/ivlpp")) + sorted(base.glob("ivl/ivlpp"))
        found = str(cands[0]) if cands else None
        if found is None:  # ask the driver where it keeps its preprocessor
            with tempfile.TemporaryDirectory() as d:
                src = Path(d) / "empty.v"
                src.write_text("\n")
                r = subprocess.run([iverilog, "-v", "-E", "-o", str(Path(d) / "o"), str(src)],
                                   capture_output=True, text=True)
                m = re.search(r"preprocess:\s*(\S*ivlpp)\b", r.stdout + r.stderr)
                found = m.group(1) if m else None
    _ivlpp_path = found
    return found


def preprocess(files: list[str], defines: dict[str, str] | None = None,
               include_dirs: list[str] | None = None) -> tuple[str, LineMap]:
    """Run Icarus' preprocessor over ``files``; return the text and its line map."""
    if not files:
        raise FrontendError("no Verilog source files given")
    for f in files:
        if not os.path.isfile(f):
            raise FrontendError(f"cannot read Verilog file {f!r}: no such file", SourceLoc(f))
    defines = dict(defines or {})
    include_dirs = list(include_dirs or [])
    # Relative includes resolve against each file's folder too, as most tools do.
    for f in files:
        d = os.path.dirname(os.path.abspath(f))
        if d not in include_dirs:
            include_dirs.append(d)
    ivlpp = _find_ivlpp()
    with tempfile.TemporaryDirectory(prefix="hwverify-pp-") as tmp:
        out = os.path.join(tmp, "out.v")
        if ivlpp:
            flags = os.path.join(tmp, "flags")
            with open(flags, "w") as fh:
                for k, v in defines.items():
                    fh.write(f"D:{k}={v}\n")
                for inc in include_dirs:
                    fh.write(f"I:{inc}\n")
            cmd = [ivlpp, "-L", f"-F{flags}", f"-o{out}", *files]
        else:
            iverilog = shutil.which(os.environ.get("PYVERILOG_IVERILOG", "iverilog"))
            if not iverilog:
                raise FrontendError("the pyverilog frontend needs Icarus Verilog (iverilog) "
                                    "for preprocessing; install it or " + YOSYS_HINT)
            cmd = [iverilog, "-E", "-o", out]
            for k, v in defines.items():
                cmd += ["-D", f"{k}={v}"]
            for inc in include_dirs:
                cmd += ["-I", inc]
            cmd += files
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists(out):
            raise _preprocessor_error(r.stderr or r.stdout, files[0])
        text = Path(out).read_text(errors="replace")
    return text, LineMap.from_text(text, files[0])


def _preprocessor_error(msg: str, default_file: str) -> FrontendError:
    for line in msg.splitlines():
        m = re.match(r"^(.*?):(\d+): (.*)$", line.strip())
        if m:
            line = int(m.group(2))
            if "Include file" in m.group(3):   # ivlpp counts the include's own newline
                line = max(1, line - 1)
            return FrontendError(f"preprocessor: {m.group(3)}", SourceLoc(m.group(1), line))
    first = next((ln for ln in msg.splitlines() if ln.strip()), "preprocessing failed")
    return FrontendError(f"preprocessor: {first.strip()}", SourceLoc(default_file))


# ------------------------------------------------------------------- grammar
_parser = None
_parser_lock = threading.Lock()


class _ParseFailure(Exception):
    def __init__(self, msg: str, line: int | None):
        super().__init__(msg)
        self.msg, self.line = msg, line


def _build_parser():
    """Create the extended pyverilog parser, loading LALR tables from the cache."""
    # local: pyverilog's parser (and PLY) load only when a file is parsed
    import ply
    import pyverilog
    from ply import yacc
    from pyverilog.vparser import ast as A
    from pyverilog.vparser.lexer import VerilogLexer
    from pyverilog.vparser.parser import VerilogParser

    class Lexer(VerilogLexer):
        keywords = VerilogLexer.keywords + ("DEFPARAM", "AUTOMATIC")
        reserved = dict(VerilogLexer.reserved, defparam="DEFPARAM", automatic="AUTOMATIC")
        tokens = keywords + VerilogLexer.operators + tuple(
            t for t in VerilogLexer.tokens
            if t not in VerilogLexer.keywords and t not in VerilogLexer.operators)

    class Parser(VerilogParser):
        def __init__(self, picklefile: str | None):  # noqa: D401 - replaces the base constructor
            self.lexer = Lexer(error_func=self._lexer_error_func)
            self.lexer.build()
            self.tokens = self.lexer.tokens
            self.parser = yacc.yacc(module=self, method="LALR", debug=False, write_tables=False,
                                    picklefile=picklefile, errorlog=yacc.NullLogger())

        def _lexer_error_func(self, msg, line, column):
            raise _ParseFailure(msg, line)

        def p_error(self, p):
            if p is None:
                raise _ParseFailure("syntax error: unexpected end of input", None)
            raise _ParseFailure(f"syntax error near {p.value!r}", p.lineno)

        # Indexed part-selects: keep base, width and direction.
        def _ips(self, p, up: bool):
            p[0] = N.IndexedPartselect(p[1], p[3], p[5], up, lineno=p.lineno(1))
            p.set_lineno(0, p.lineno(1))

        def p_partselect_plus(self, p):
            'partselect : identifier LBRACKET expression PLUSCOLON expression RBRACKET'
            self._ips(p, True)

        def p_partselect_minus(self, p):
            'partselect : identifier LBRACKET expression MINUSCOLON expression RBRACKET'
            self._ips(p, False)

        def p_partselect_pointer_plus(self, p):
            'partselect : pointer LBRACKET expression PLUSCOLON expression RBRACKET'
            self._ips(p, True)

        def p_partselect_pointer_minus(self, p):
            'partselect : pointer LBRACKET expression MINUSCOLON expression RBRACKET'
            self._ips(p, False)

        def p_lpartselect_lpointer_plus(self, p):
            'lpartselect : pointer LBRACKET expression PLUSCOLON expression RBRACKET'
            self._ips(p, True)

        def p_lpartselect_lpointer_minus(self, p):
            'lpartselect : pointer LBRACKET expression MINUSCOLON expression RBRACKET'
            self._ips(p, False)

        def p_lpartselect_plus(self, p):
            'lpartselect : identifier LBRACKET expression PLUSCOLON expression RBRACKET'
            self._ips(p, True)

        def p_lpartselect_minus(self, p):
            'lpartselect : identifier LBRACKET expression MINUSCOLON expression RBRACKET'
            self._ips(p, False)

        # defparam a.b.P = expr, c.Q = expr;
        def p_standard_item_defparam(self, p):
            'standard_item : DEFPARAM defparam_assigns SEMICOLON'
            p[0] = N.Defparam(p[2], lineno=p.lineno(1))
            p.set_lineno(0, p.lineno(1))

        def p_defparam_assigns(self, p):
            'defparam_assigns : defparam_assigns COMMA defparam_assign'
            p[0] = p[1] + (p[3],)

        def p_defparam_assigns_one(self, p):
            'defparam_assigns : defparam_assign'
            p[0] = (p[1],)

        def p_defparam_assign(self, p):
            'defparam_assign : identifier EQUALS rvalue'
            p[0] = (p[1], p[3])

        # ``parameter integer`` / ``localparam integer`` are 32-bit signed, not untyped.
        def _int_params(self, p, cls, names):
            w = A.Width(A.IntConst("31"), A.IntConst("0"))
            params = [cls(n, v, w, signed=True, lineno=p.lineno(3)) for n, v in names]
            p[0] = A.Decl(tuple(params), lineno=p.lineno(1))
            p.set_lineno(0, p.lineno(1))

        def p_parameterdecl_integer(self, p):
            'parameterdecl : PARAMETER INTEGER param_substitution_list SEMICOLON'
            self._int_params(p, A.Parameter, p[3])

        def p_localparamdecl_integer(self, p):
            'localparamdecl : LOCALPARAM INTEGER param_substitution_list SEMICOLON'
            self._int_params(p, A.Localparam, p[3])

        # Function and task headers, Verilog-1995 and ANSI (Verilog-2001) style alike:
        #   function [automatic] [signed] [[m:l] | integer] name [(input [m:l] a, b, ...)];
        #   task [automatic] name [(input a, output [3:0] b, ...)];
        # The return type's signedness is kept on the node; ANSI ports become
        # declarations in front of the body, as if written the 1995 way.
        p_function_nowidth = None      # subsumed by the rule below (PLY skips non-functions)
        p_function_integer = None

        def p_function(self, p):
            'function : FUNCTION func_lifetime func_type ID func_ports SEMICOLON function_statement ENDFUNCTION'
            width, signed = p[3]
            if width is None:
                width = A.Width(A.IntConst("0"), A.IntConst("0"))
            p[0] = A.Function(p[4], width, p[5] + p[7], lineno=p.lineno(1))
            p[0].signed = signed
            p[0].automatic = p[2]
            p.set_lineno(0, p.lineno(1))

        def p_func_lifetime(self, p):
            """func_lifetime : AUTOMATIC
            | empty
            """
            p[0] = p[1] is not None

        def p_func_type_width(self, p):
            'func_type : width'
            p[0] = (p[1], False)

        def p_func_type_signed_width(self, p):
            'func_type : SIGNED width'
            p[0] = (p[2], True)

        def p_func_type_reg_width(self, p):
            'func_type : REG width'
            p[0] = (p[2], False)

        def p_func_type_signed(self, p):
            'func_type : SIGNED'
            p[0] = (None, True)

        def p_func_type_integer(self, p):
            'func_type : INTEGER'
            p[0] = (A.Width(A.IntConst("31"), A.IntConst("0")), True)

        def p_func_type_empty(self, p):
            'func_type : empty'
            p[0] = (None, False)

        def p_func_ports(self, p):
            'func_ports : LPAREN func_port_list RPAREN'
            p[0] = tuple(A.Decl((d,), lineno=d.lineno) for d in p[2])

        def p_func_ports_empty(self, p):
            'func_ports : empty'
            p[0] = ()

        def p_func_port_list(self, p):
            'func_port_list : func_port_list COMMA func_port'
            port = p[3]
            if isinstance(port, str):   # a name continuing the previous port's declaration
                prev = p[1][-1]
                port = type(prev)(port, prev.width, prev.signed, lineno=p.lineno(3))
            p[0] = p[1] + (port,)

        def p_func_port_list_one(self, p):
            'func_port_list : func_port'
            if isinstance(p[1], str):
                raise _ParseFailure(f"port {p[1]} needs a direction", p.lineno(1))
            p[0] = (p[1],)

        def _func_port(self, p, sigtypes, width, name, line):
            dirs = [t for t in sigtypes if t in ("input", "output", "inout")]
            if len(dirs) != 1:
                raise _ParseFailure(f"port {name} needs one direction", line)
            cls = {"input": A.Input, "output": A.Output, "inout": A.Inout}[dirs[0]]
            return cls(name, width, "signed" in sigtypes, lineno=line)

        def p_func_port(self, p):
            'func_port : sigtypes ID'
            p[0] = self._func_port(p, p[1], None, p[2], p.lineno(2))

        def p_func_port_width(self, p):
            'func_port : sigtypes width ID'
            p[0] = self._func_port(p, p[1], p[2], p[3], p.lineno(3))

        def p_func_port_integer(self, p):
            'func_port : sigtypes INTEGER ID'
            p[0] = self._func_port(p, p[1] + ("signed",), A.Width(A.IntConst("31"), A.IntConst("0")),
                                   p[3], p.lineno(3))

        def p_func_port_name(self, p):
            'func_port : ID'
            p[0] = p[1]

        def p_function_statement_nodecls(self, p):
            'function_statement : function_calc'
            p[0] = (p[1],)

        def p_task(self, p):
            'task : TASK func_lifetime ID func_ports SEMICOLON task_statement ENDTASK'
            p[0] = A.Task(p[3], p[4] + p[6], lineno=p.lineno(1))
            p[0].automatic = p[2]
            p.set_lineno(0, p.lineno(1))

        # ``reg a = 1, b = 0;``: several declarations with initial values in one statement.
        def p_declassign_list(self, p):
            'declassign : sigtypes declassign_elements SEMICOLON'
            decls = []
            for name, assign in p[2]:
                decls.extend(self.create_declassign(p[1], name, assign, lineno=p.lineno(1)))
            p[0] = A.Decl(tuple(decls), lineno=p.lineno(1))
            p.set_lineno(0, p.lineno(1))

        def p_declassign_list_width(self, p):
            'declassign : sigtypes width declassign_elements SEMICOLON'
            decls = []
            for name, assign in p[3]:
                decls.extend(self.create_declassign(p[1], name, assign, width=p[2], lineno=p.lineno(1)))
            p[0] = A.Decl(tuple(decls), lineno=p.lineno(1))
            p.set_lineno(0, p.lineno(1))

        def p_declassign_elements(self, p):
            'declassign_elements : declassign_elements COMMA declassign_element'
            p[0] = p[1] + (p[3],)

        def p_declassign_elements_two(self, p):
            'declassign_elements : declassign_element COMMA declassign_element'
            p[0] = (p[1], p[3])

        # Task enables: name(args); also immediate assert/assume/cover/restrict.
        def p_single_statement_taskenable(self, p):
            'single_statement : delays ID LPAREN sysargs RPAREN SEMICOLON'
            p[0] = A.SingleStatement(N.TaskEnable(p[2], p[4], lineno=p.lineno(2)), lineno=p.lineno(2))
            p.set_lineno(0, p.lineno(2))

        def p_single_statement_taskenable_noargs(self, p):
            'single_statement : delays ID SEMICOLON'
            p[0] = A.SingleStatement(N.TaskEnable(p[2], (), lineno=p.lineno(2)), lineno=p.lineno(2))
            p.set_lineno(0, p.lineno(2))

    key = hashlib.sha256(
        f"{pyverilog.__version__}|{ply.__version__}|".encode() + Path(__file__).read_bytes()
        + Path(N.__file__).read_bytes()).hexdigest()[:16]
    cache = cache_dir()
    final = os.path.join(cache, f"pyverilog-tables-{key}.pickle") if cache else None
    if final and os.path.exists(final):
        try:
            return Parser(final)
        except Exception:  # corrupt or foreign file: rebuild below
            try:
                os.remove(final)
            except OSError:
                pass
    if final is None:
        return Parser(None)
    tmp = f"{final}.{os.getpid()}.{threading.get_ident()}.tmp"
    parser = Parser(tmp)
    try:
        os.replace(tmp, final)
        for old in Path(cache).glob("pyverilog-tables-*.pickle"):   # tables of older versions
            if str(old) != final:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return parser


def cache_dir() -> str | None:
    """The user cache directory for hwverify ($XDG_CACHE_HOME/hwverify or ~/.cache/hwverify)."""
    base = os.environ.get("HWVERIFY_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(xdg, "hwverify")
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        return None
    return base if os.access(base, os.W_OK) else None


def get_parser():
    """The process-wide parser (building it costs ~1 s without the table cache)."""
    global _parser
    with _parser_lock:
        if _parser is None:
            _parser = _build_parser()
        return _parser


# --------------------------------------------------------------- source scan
_SV_ONLY = re.compile(r"\b(assert|assume|cover|restrict)\s+(property|final)\b|"
                      r"\b(disable\s+iff|typedef|endinterface|endpackage|endclass)\b|##|\|->|\|=>")
_SV_WORDS = {"logic", "interface", "package", "import", "typedef", "enum", "struct", "unique",
             "priority", "bit", "byte", "int", "shortint", "longint", "property", "sequence",
             "always_latch", "class", "modport", "return", "break", "continue", "'"}


def _scan_unsupported(text: str, lm: LineMap) -> None:
    """Reject SystemVerilog-only constructs with a precise message before parsing."""
    code = blank_source(text, directives="line")
    m = _SV_ONLY.search(code)
    if m:
        line = code.count("\n", 0, m.start()) + 1
        what = m.group(0)
        raise UnsupportedError(f"SystemVerilog construct {what!r} is not in the pyverilog subset; "
                               + YOSYS_HINT, lm.loc(line))


@dataclass
class Parsed:
    """A parsed design: pyverilog's ``Source`` node and the line map for locations."""

    ast: object
    lines: LineMap
    text: str


# ``32'h 0000_0000``: Verilog allows blanks between the base and the digits, pyverilog's lexer does not.
_BASED_BLANK = re.compile(r"'([sS]?[bBoOdDhH])[ \t]+(?=[0-9a-fA-FxXzZ?])")


# ``(* parallel_case *)`` and other attribute instances: pyverilog's grammar takes them only as
# module items. Those the formal subset reads (anyconst, anyseq) stay; the rest (synthesis
# hints such as parallel_case, full_case, keep) mean nothing to a simulator and are blanked.
_ATTRIBUTE = re.compile(r"\(\*(?!\s*\))(.*?)\*\)", re.S)
_KEPT_ATTRIBUTES = re.compile(r"\b(anyconst|anyseq|allconst|allseq)\b")


def _drop_attribute(m: re.Match) -> str:
    if _KEPT_ATTRIBUTES.search(m.group(1)):
        return m.group(0)
    return re.sub(r"[^\n]", " ", m.group(0))


def parse_text(text: str, lines: LineMap) -> Parsed:
    """Parse preprocessed text, converting every failure into a ``FrontendError``."""
    _scan_unsupported(text, lines)
    text = _BASED_BLANK.sub(r"'\1", text)
    text = _ATTRIBUTE.sub(_drop_attribute, text)
    parser = get_parser()
    with _parser_lock:
        parser.lexer.lexer.lineno = 1
        parser.lexer.directives = []
        try:
            ast = parser.parse(text)
        except _ParseFailure as e:
            hint = ""
            tok = re.search(r"near '(.*)'$", e.msg)
            if tok and tok.group(1) in _SV_WORDS:
                hint = f" ({tok.group(1)!r} is SystemVerilog)"
            raise FrontendError(f"{e.msg}{hint} (pyverilog accepts Verilog-2005; {YOSYS_HINT})",
                                lines.loc(e.line)) from None
        except RecursionError:
            raise FrontendError("design too deeply nested for the pyverilog parser",
                                lines.loc(None)) from None
        except Exception as e:  # pyverilog raises bare ParseError/Exception in places
            line = getattr(parser.lexer.lexer, "lineno", None)
            raise FrontendError(f"parse error: {e} ({YOSYS_HINT})", lines.loc(line)) from None
    return Parsed(ast, lines, text)


def parse_files(files: list[str], defines: dict[str, str] | None = None,
                include_dirs: list[str] | None = None) -> Parsed:
    """Preprocess and parse ``files`` (``defines`` as for `` `define``)."""
    text, lines = preprocess(files, defines, include_dirs)
    return parse_text(text, lines)
