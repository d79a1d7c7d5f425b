"""The structure of the package: no import circle among nyttokalk's modules.

Only imports that run when a module is loaded count (the module's top level, also inside a
top-level `if`/`try`); an import inside a function is lazy and runs when called, and an import
under `if TYPE_CHECKING:` never runs. Importing `nyttokalk.a.b` also runs the package `nyttokalk.a`,
so that package is an edge too (unless the importer sits inside it: it is already loading)."""

from __future__ import annotations

import ast
from pathlib import Path

import nyttokalk

SRC = Path(nyttokalk.__file__).parent
ROOT = "nyttokalk"


def _modules(src: Path, root: str) -> dict[str, Path]:
    out = {}
    for path in sorted(src.rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join([root, *parts])] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _top_level_imports(tree: ast.Module):
    """The import statements run when the module loads: the body, and the bodies of top-level
    if/try/with blocks and class bodies (not functions or methods; not `if TYPE_CHECKING:`)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            todo += node.orelse if _is_type_checking(node.test) else node.body + node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body]
        elif isinstance(node, ast.With):
            todo += node.body
        elif isinstance(node, ast.ClassDef):  # a class body runs at import time
            todo += node.body


def _all_imports(tree: ast.Module):
    """Every import statement, lazy ones inside functions too."""
    return [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom, modules, root: str) -> set[str]:
    """The package's modules an import statement loads."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level:
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            if node.module:
                base += node.module.split(".")
            origin = ".".join(base)
        else:
            origin = node.module or ""
        names = [origin] + [f"{origin}.{a.name}" for a in node.names]  # `from pkg import submodule`
    out = set()
    for name in names:
        if name.split(".")[0] != root:
            continue
        parts = name.split(".")
        for k in range(1, len(parts) + 1):  # the module and every package on the way to it
            target = ".".join(parts[:k])
            if target in modules and not (module == target or module.startswith(target + ".")):
                out.add(target)
    return out


def import_graph(src: Path = SRC, root: str = ROOT, lazy: bool = False) -> dict[str, set[str]]:
    """Module → the package's modules it imports when it loads (with lazy=True: ever)."""
    modules = _modules(src, root)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        graph[name] = set()
        for node in (_all_imports(tree) if lazy else _top_level_imports(tree)):
            graph[name] |= _targets(name, is_package, node, modules, root)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle as a list of modules (first == last), or None. Depth-first, colouring the nodes."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle_and_accepts_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        f = tmp_path / "pkg" / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    return tmp_path / "pkg"


def test_a_circle_through_relative_imports_and_a_subpackage_is_found(tmp_path):
    # pkg.a → pkg.sub (its __init__ runs) → pkg.sub.b → pkg.a
    src = _package(tmp_path, {"__init__.py": "", "a.py": "from .sub.b import f\n",
                              "sub/__init__.py": "", "sub/b.py": "from .. import a\n\ndef f():\n    pass\n"})
    assert find_cycle(import_graph(src, "pkg")) == ["pkg.a", "pkg.sub.b", "pkg.a"]


def test_lazy_and_type_checking_imports_make_no_circle(tmp_path):
    src = _package(tmp_path, {"__init__.py": "", "a.py": "from .b import f\n",
                              "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import x\n\n"
                                      "def f():\n    from . import a\n"})
    assert find_cycle(import_graph(src, "pkg")) is None
    assert find_cycle(import_graph(src, "pkg", lazy=True)) == ["pkg.a", "pkg.b", "pkg.a"]


def test_the_graph_reads_relative_module_level_imports_and_skips_lazy_ones():
    graph = import_graph()
    # reports/charts.py: `from ..analysis import Analysis` at the top
    assert "nyttokalk.analysis" in graph["nyttokalk.reports.charts"]
    # cli.py imports the reports inside its commands only
    assert not any(t.startswith("nyttokalk.reports") for t in graph["nyttokalk.cli"])
    # `from . import benefits, ...` in states/__init__.py names submodules
    assert "nyttokalk.states.benefits" in graph["nyttokalk.states"]


def test_no_import_circle_among_the_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " → ".join(cycle)


def test_the_reports_import_each_other_in_one_direction_even_lazily():
    # charts.py once imported excel.py's computations while excel.py imported charts.py
    graph = import_graph(lazy=True)
    reports = {m: {t for t in ts if t.startswith("nyttokalk.reports")} for m, ts in graph.items() if m.startswith("nyttokalk.reports")}
    cycle = find_cycle(reports)
    assert cycle is None, "import circle in reports/: " + " → ".join(cycle)
