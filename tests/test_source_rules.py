"""Rules about the source itself: a message made when a module loads is translated lazily, in the
language of whoever reads it, not in the language of the process that imported the module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "accord"
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def eager_calls_at_module_level(source: str) -> list[int]:
    """Line numbers of gettext (not gettext_lazy) calls that run when the module loads."""
    tree = ast.parse(source)
    names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in EAGER
    }
    found: list[int] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in names:
                found.append(child.lineno)
            visit(child)

    visit(tree)
    return found


def test_the_rule_finds_an_eager_message_and_allows_one_in_a_function() -> None:
    source = (
        "from django.utils.translation import gettext as _\n"
        "LABEL = _('Open')\n"
        "def label():\n    return _('Open')\n"
    )
    assert eager_calls_at_module_level(source) == [2]


def test_module_level_messages_are_lazy() -> None:
    eager = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.parts
        for line in eager_calls_at_module_level(path.read_text())
    ]
    assert not eager, "Use gettext_lazy for messages made at import time: " + ", ".join(eager)
