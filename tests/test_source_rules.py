"""Rules about the source itself: a message made when a module loads is translated lazily, in the
language of whoever reads it, not in the language of the process that imported the module; POST-only
views use ``post_only`` (a GET goes to the form's page), never ``require_POST`` (405)."""

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


def require_post_uses(source: str) -> list[int]:
    """Line numbers where Django's ``require_POST`` is imported or used."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if (isinstance(node, ast.ImportFrom) and any(a.name == "require_POST" for a in node.names))
        or (isinstance(node, ast.Attribute) and node.attr == "require_POST")
        or (isinstance(node, ast.Name) and node.id == "require_POST")
    ]


def test_the_rule_finds_require_post() -> None:
    source = "from django.views.decorators.http import require_POST\n@require_POST\ndef view(r): ...\n"
    assert require_post_uses(source) == [1, 2]


def test_post_only_views_use_post_only_not_require_post() -> None:
    """A GET on a POST-only URL (a reload after a failed post) goes to the form's page, not to a 405:
    accord.lib.http.post_only, not django's require_POST."""
    found = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in sorted(ROOT.rglob("*.py"))
        for line in require_post_uses(path.read_text())
    ]
    assert not found, "Use accord.lib.http.post_only instead of require_POST: " + ", ".join(found)
