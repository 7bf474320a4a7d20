"""The access matrix's cases for expectations, gathered from ``cases_pages`` (HTML) and ``cases_api``
(collected by ``tests/test_access_matrix.py``): Telco A's expectations, scorecard and gaps are read by
both sides and by Fay, the team's facilitator; Mallory gets the one 404 everywhere."""

from __future__ import annotations

from tests.access import Case
from tests.expectations import cases_api, cases_pages

PAGES: dict[str, Case] = {}
API: dict[tuple[str, str], Case] = {}
for part in (cases_pages, cases_api):
    for into, cases in ((PAGES, part.PAGES), (API, part.API)):
        twice = set(into) & set(cases)
        assert not twice, f"{part.__name__} classifies routes already classified: {twice}"
        into.update(cases)
