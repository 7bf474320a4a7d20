"""architecture.md's layers, checked on the source: an app imports only from the layers below it (no
two apps import each other, ``api`` included), and no two modules of one app import each other, even
inside a function or for type checking only. A new app declares its layer in its ``apps.py``."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent / "accord"

# Each package's layer; a package imports only packages of a lower layer. An app declares its own
# (``layer`` on its AppConfig); lib and api are packages, not apps.
LAYERS = {
    "lib": 0,
    **{
        c.name.split(".")[1]: getattr(c, "layer", None)
        for c in apps.get_app_configs()
        if c.name.startswith("accord.")
    },
    "api": 9,
}
TOP = 10  # the project's own modules: settings, urls, cli, wsgi, testing


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The accord modules that ``name`` imports anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names
            ]
        out |= {t for t in targets if t.split(".")[0] == "accord"}
    return out


GRAPH = {name: {t for t in _imports(name, path) if t in MODULES} for name, path in MODULES.items()}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (ROOT / parts[1]).is_dir() else ""


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} - {"templates", "static"}
    without = sorted(packages - {name for name, layer in LAYERS.items() if layer is not None})
    assert not without, f"Give these apps a layer (``layer = N`` in their apps.py): {without}"


def test_an_app_imports_only_from_layers_below_it() -> None:
    wrong = []
    for module, targets in GRAPH.items():
        own = _package(module)
        rank = LAYERS.get(own) or TOP
        for target in targets:
            other = _package(target)
            if other and other != own and (LAYERS[other] or 0) >= rank:
                wrong.append(f"{module} imports {target}")
    assert not wrong, (
        "Imports against the layers (announce through a registry in lib/ instead):\n"
        + "\n".join(sorted(wrong))
    )


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_no_two_modules_of_an_app_import_each_other(package: str) -> None:
    inside = defaultdict(set)
    for module, targets in GRAPH.items():
        if _package(module) == package:
            inside[module] = {t for t in targets if _package(t) == package and t != f"accord.{package}"}
    assert not _cycles(inside), f"Import cycles inside accord/{package}: {_cycles(inside)}"


def test_the_checker_sees_a_cycle_and_an_import_against_the_layers() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _package("accord.register.models") == "register"
    assert "accord.register.models" in GRAPH["accord.register.services"]
