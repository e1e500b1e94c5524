"""The package map of docs/architecture.md, held against the code's own imports.

Every `import` of a promokit module is read from the source (inside functions too). The test
fails on an import cycle, on an edge that points up the pipeline (a lower stage importing a
higher one), and on a promokit import hidden inside a function (only the adapters of
optional clients may be loaded late).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

#: Stages from the bottom up; a module may import only from its own rank or below.
RANKS: list[tuple[str, int]] = [
    ("promokit._version", 0),
    ("promokit.money", 0),
    ("promokit.codes", 0),
    ("promokit.errors", 0),
    ("promokit.models", 0),
    ("promokit.fields", 0),  # request field types (re-exported by models)
    ("promokit.results", 0),  # result models (re-exported by models)
    ("promokit.telemetry", 0),
    ("promokit.language", 1),
    ("promokit.benefits", 1),  # one module per benefit kind: its AST node and its spec
    ("promokit.check", 2),
    ("promokit.compile", 3),
    ("promokit.ledgers", 3),
    ("promokit.engine", 4),
    ("promokit.loader", 5),
    ("promokit.checkout", 5),
    ("promokit.lint", 5),
    ("promokit.archive", 5),
    ("promokit.live", 5),
    ("promokit.ruletests", 6),
    ("promokit.testing", 6),
    ("promokit.pytest_plugin", 6),
    ("promokit.editor", 7),  # editor support: lexer and language server (extras docs, lsp)
    ("promokit.serve", 7),  # the operator playground (extra serve)
    ("promokit.cli", 7),
    ("promokit.__main__", 8),
    ("promokit", 8),  # the package face
]

#: Modules allowed to import promokit modules inside a function: the optional-client adapters.
LATE_IMPORTS_ALLOWED = {"promokit.ledgers", "promokit.ledgers.aio"}  # open_ledger, open_async_ledger


def rank(module: str) -> int:
    for prefix, r in RANKS:
        if module == prefix or module.startswith(prefix + "."):
            return r
    raise AssertionError(f"{module} is not on the package map (add it to RANKS and docs/architecture.md)")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _known(name: str, modules: set[str]) -> str | None:
    """The promokit module `name` refers to (a module, or the module defining a name)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    files = {module_name(p): p for p in SRC.joinpath("promokit").rglob("*.py")}
    modules = set(files)
    edges: dict[str, set[str]] = {m: set() for m in modules}
    late: dict[str, list[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        in_function: set[int] = set()
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                in_function.update(id(n) for n in ast.walk(fn) if n is not fn)
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(node, module, is_package)
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            found = {t for t in (_known(t, modules) for t in targets if t.startswith("promokit")) if t}
            found.discard(module)
            if found and id(node) in in_function:
                late.setdefault(module, []).extend(sorted(found))
            # `from . import x` names the package and the submodule: keep the most specific
            for target in found:
                if not any(o != target and o.startswith(target + ".") for o in found):
                    edges[module].add(target)
    return edges, late


def test_every_module_is_on_the_package_map() -> None:
    edges, _ = import_graph()
    for module in edges:
        rank(module)


def test_imports_point_down_the_pipeline() -> None:
    edges, _ = import_graph()
    upward = sorted(
        f"{a} (rank {rank(a)}) imports {b} (rank {rank(b)})"
        for a, targets in edges.items()
        for b in targets
        if rank(b) > rank(a) and not (a == "promokit" or b.startswith(a + "."))
    )
    assert upward == []


def test_there_is_no_import_cycle() -> None:
    edges, _ = import_graph()
    # a package's __init__ importing its own submodules is not a cycle through that package
    graph = {a: {b for b in bs if not b.startswith(a + ".")} for a, bs in edges.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_no_promokit_import_hides_inside_a_function() -> None:
    _, late = import_graph()
    hidden = {m: t for m, t in late.items() if m not in LATE_IMPORTS_ALLOWED}
    assert hidden == {}


@pytest.mark.parametrize("doc", ["docs/architecture.md"])
def test_the_architecture_doc_names_every_package(doc: str) -> None:
    text = (SRC.parent / doc).read_text(encoding="utf-8")
    packages = sorted({p for p, _ in RANKS if p.count(".") == 1 and not p.endswith(("_version", "__main__"))})
    missing = [p for p in packages if f"`{p.split('.', 1)[1]}" not in text and p not in text]
    assert missing == []
