"""TO BE FILLED: the access matrix cases of this part."""

from __future__ import annotations

from tests.access import Case

PAGES: dict[str, Case] = {}
API: dict[tuple[str, str], Case] = {}
