"""The access matrix's cases for reports, gathered from ``cases_pages`` (HTML) and, once the reports' API
has its cases, ``cases_api`` (collected by ``tests/test_access_matrix.py``)."""

from __future__ import annotations

from importlib import import_module

from tests.access import Case
from tests.reports import cases_pages

PAGES: dict[str, Case] = dict(cases_pages.PAGES)
API: dict[tuple[str, str], Case] = {}

try:  # the API's cases, written with the reports' API, live beside these
    API.update(import_module("tests.reports.cases_api").API)
except ModuleNotFoundError as exc:
    if exc.name != "tests.reports.cases_api":
        raise
