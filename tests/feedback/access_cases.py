"""The access matrix's cases for feedback, gathered from ``cases_pages`` (HTML) and ``cases_api``
(collected by ``tests/test_access_matrix.py``): both sides read Telco A's surveys; Fay and Mallory get
the one 404 everywhere; the invitation link is the one page open without an account."""

from __future__ import annotations

from tests.access import Case
from tests.feedback import cases_api, cases_pages

PAGES: dict[str, Case] = dict(cases_pages.PAGES)
API: dict[tuple[str, str], Case] = dict(cases_api.API)
