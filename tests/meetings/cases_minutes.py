"""The access matrix's cases for the minutes part (collected through ``access_cases``)."""

from __future__ import annotations

from tests.access import Case

PAGES: dict[str, Case] = {}
API: dict[tuple[str, str], Case] = {}
