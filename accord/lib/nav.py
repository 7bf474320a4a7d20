"""The tabs of a relationship's pages. Each capability registers its tabs from its ``overview.py``;
tabs show in ``order``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from accord.lib.capabilities import discover


@dataclass(frozen=True)
class Tab:
    order: int
    url_name: str  # reversed with the relationship's slug
    label: str | Promise
    active_on: tuple[str, ...]  # the "namespace:name" of the pages under this tab
    for_guests: bool = False


_TABS: dict[str, Tab] = {}


def tab(order: int, url_name: str, label: str | Promise, *active_on: str, for_guests: bool = False) -> None:
    """Register a tab that links to ``url_name`` and is active on it and on ``active_on`` pages."""
    _TABS[url_name] = Tab(order, url_name, label, (url_name, *active_on), for_guests)


def relationship_tabs() -> list[Tab]:
    discover("overview")
    return sorted(_TABS.values(), key=lambda t: t.order)
