"""The vocabulary of the access matrix: a ``Case`` (a request and the status each test person gets) and
the usual expectations. Each app classifies its routes in ``tests/<app>/access_cases.py`` (``PAGES`` by
URL name, ``API`` by method and path); ``tests/test_access_matrix.py`` collects them all and fails on a
route that no app classified."""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

PEOPLE = ["anonymous", "ada", "sam", "val", "carol", "vic", "mallory", "fay"]
MEMBERS = {"ada", "sam", "val", "carol", "vic", "mallory", "fay"}
TA = "northwind-telco-a"  # Telco A's relationship: both sides read; Mallory gets 404
REL = "/api/v1/relationships/{rel_id}"


@dataclass
class Case:
    method: str
    url: Callable[[Any], str]
    expect: dict[str, int]
    data: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})
    multipart: bool = False  # an upload: form data instead of JSON


def everyone(status: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(MEMBERS, status) | {"anonymous": anonymous}
    return table | overrides


def writers(status: int, anonymous: int = 302) -> dict[str, int]:
    """Telco A's relationship: writers of both sides get ``status``, viewers 403, strangers 404."""
    return everyone(403, anonymous=anonymous, ada=status, sam=status, carol=status, mallory=404, fay=404)


WRITERS = writers(200)


def readers(status: int, anonymous: int = 302) -> dict[str, int]:
    return everyone(status, anonymous=anonymous, mallory=404, fay=404)


def rel_of(w: Any) -> str:
    return f"/api/v1/relationships/{w.nw_ta.pk}"


def rel_url(suffix: str = "") -> Callable[[Any], str]:
    return lambda w: f"/api/v1/relationships/{w.nw_ta.pk}{suffix}"


def collect() -> tuple[dict[str, Case], dict[tuple[str, str], Case]]:
    """Every app's cases; a route classified twice is an error."""
    pages: dict[str, Case] = {}
    api: dict[tuple[str, str], Case] = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if not info.ispkg:
            continue
        try:
            module = import_module(f"tests.{info.name}.access_cases")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{info.name}.access_cases":
                raise
            continue
        for into, cases in ((pages, module.PAGES), (api, module.API)):
            twice = set(into) & set(cases)
            if twice:
                raise AssertionError(f"{module.__name__} classifies routes already classified: {twice}")
            into.update(cases)
    return pages, api


def url_routes() -> list[tuple[str, str]]:
    """Every URL pattern of the site as (namespaced name, route), for the sweeps that visit them all."""
    return _walk(get_resolver().url_patterns)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            found.append((namespace + (p.name or ""), prefix + str(p.pattern)))
    return found
