"""The access matrix's cases for meetings, gathered from each part's ``cases_*`` module (collected by
``tests/test_access_matrix.py``): Telco A's meetings are read by both sides and, for the shared
expectations team's meetings only, by Fay; Mallory gets the one 404 everywhere."""

from __future__ import annotations

from tests.access import Case
from tests.meetings import cases_agenda, cases_calendar, cases_meetings, cases_minutes, cases_topics

PAGES: dict[str, Case] = {}
API: dict[tuple[str, str], Case] = {}
for part in (cases_meetings, cases_agenda, cases_minutes, cases_topics, cases_calendar):
    for into, cases in ((PAGES, part.PAGES), (API, part.API)):
        twice = set(into) & set(cases)
        assert not twice, f"{part.__name__} classifies routes already classified: {twice}"
        into.update(cases)
