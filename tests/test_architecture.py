"""The package's import structure: no cycles, a kernel that stands apart, modules that import alone.

DESIGN.md's rule of the house is that data flows down (cli -> run ->
prover/frontend -> semantics) and no module imports a module that imports it
back. Imports inside functions count as much as top-level ones: a local import
hides a cycle from the interpreter, not from the design. The graph is built
from the source with ``ast`` so the test sees every import, run or not.

Run as a script (``python tests/test_architecture.py``) to print every cycle.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "hwverify"

# The kernel checks evidence from these layers, so it must not depend on them.
KERNEL_FORBIDDEN = ("prover", "frontend", "run", "report", "cosim", "fuzz")


def package_modules(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    """Map every module of ``package`` (dotted name; packages by their name) to its file."""
    modules: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    """Return the absolute module named by ``from <level dots><name> import ...`` inside ``module``."""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def import_edges(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Return the package modules ``module`` imports anywhere in its source (top level or in functions).

    ``import a.b.c`` is an edge to ``a.b.c``; ``from a.b import c`` is an edge to
    ``a.b.c`` if that is a module, else to ``a.b``. The parent packages that Python
    runs on the way (``a``, ``a.b``) are not edges: every module would otherwise
    depend on its package's ``__init__`` and each re-exporting ``__init__`` would
    look like a cycle.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = _resolve_relative(module, is_package, node.level, node.module)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.add(sub if sub in modules else base)
    return {t for t in targets if t in modules and t != module}


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> dict[str, set[str]]:
    """Return module -> set of package modules it imports."""
    modules = package_modules(root, package)
    return {m: import_edges(m, p, modules) for m, p in modules.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return one cycle (a list of modules, first repeated at the end) per non-trivial strongly connected component.

    Tarjan's algorithm, iterative; then a shortest cycle through the component's
    first module, found breadth-first, so the message names a real path.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return [_shortest_cycle(graph, set(c), c[0]) for c in sorted(components)]


def _shortest_cycle(graph: dict[str, set[str]], component: set[str], start: str) -> list[str]:
    """Return the shortest path start -> ... -> start inside ``component``."""
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & component):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [start] + path[::-1][1:] + [start] if len(path) > 1 else [start, start]
                if child not in parent:
                    parent[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"{start} is in a strongly connected component but on no cycle")


def format_cycles(cycles: list[list[str]]) -> str:
    """One line per cycle: ``a -> b -> a``."""
    return "\n".join(" -> ".join(c) for c in cycles)


def test_graph_sees_function_level_and_from_imports(tmp_path):
    """The graph builder finds imports inside functions and tells modules from names."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from pkg.a import f\n")
    (pkg / "a.py").write_text("def f():\n    from pkg.sub import b\n    return b\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text("from pkg.sub.c import NAME\nfrom . import c\nfrom .c import NAME as N2\n")
    (pkg / "sub" / "c.py").write_text("from pkg import a\nNAME = 1\n")
    graph = import_graph(tmp_path, "pkg")
    assert graph == {
        "pkg": {"pkg.a"},
        "pkg.a": {"pkg.sub.b"},
        "pkg.sub": set(),
        "pkg.sub.b": {"pkg.sub.c"},
        "pkg.sub.c": {"pkg.a"},
    }
    assert find_cycles(graph) == [["pkg.a", "pkg.sub.b", "pkg.sub.c", "pkg.a"]]


def test_no_import_cycles():
    """No module of hwverify imports, directly or through others, a module that imports it back."""
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles (including imports inside functions):\n" + format_cycles(cycles)


def test_kernel_imports_no_upper_layer():
    """The kernel depends only on the semantics and formats, never on what it checks."""
    graph = import_graph()
    forbidden = tuple(f"{PACKAGE}.{layer}" for layer in KERNEL_FORBIDDEN)
    bad = sorted(
        f"{m} -> {t}"
        for m, targets in graph.items() if m == f"{PACKAGE}.kernel" or m.startswith(f"{PACKAGE}.kernel.")
        for t in targets if t in forbidden or t.startswith(tuple(f + "." for f in forbidden))
    )
    assert not bad, "the kernel imports upper layers:\n" + "\n".join(bad)


# Each module is imported first in its own interpreter, so an import that only
# works because something else was imported before it fails here. A fresh
# interpreter per module costs 0.3-1 s each (solvers, pyverilog, rich): instead
# one interpreter loads those third-party libraries once, then forks a child per
# module. A child starts from the parent's state, where no hwverify module is
# loaded yet, so each module is still imported alone as far as hwverify goes.
_PRELOAD = ("z3", "bitwuzla", "cvc5", "pysmt.shortcuts", "pyverilog.vparser.ast", "rich.console", "vcd",
            "cocotb", "pytest")
_FORK_IMPORTER = r"""
import importlib, os, sys, traceback
for lib in PRELOAD:
    try:
        importlib.import_module(lib)
    except ImportError:
        pass
assert not [m for m in sys.modules if m == "hwverify" or m.startswith("hwverify.")]
failed = []
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        failed.append(name)
print("FAILED:" + ",".join(failed))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_each_module_imports_alone():
    """Every module of hwverify can be the first one imported (no hidden order dependence)."""
    modules = sorted(package_modules())
    script = _FORK_IMPORTER.replace("PRELOAD", repr(_PRELOAD))
    proc = subprocess.run([sys.executable, "-c", script, *modules], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    assert last.startswith("FAILED:"), proc.stdout + proc.stderr
    failed = [m for m in last[len("FAILED:"):].split(",") if m]
    assert not failed, f"modules that fail when imported alone: {failed}\n{proc.stderr[-4000:]}"


if __name__ == "__main__":
    graph = import_graph()
    found = find_cycles(graph)
    print(format_cycles(found) or "no cycles")
    sys.exit(1 if found else 0)
