"""Sections of a relationship's overview page. Each capability registers one (a template and the
context it needs) from its ``overview.py``; the page shows an area's sections in order, skipping those
a facilitator may not see. Areas: ``main`` (below the tabs) and ``sites`` (beside the sites, for
members only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accord.lib.capabilities import discover

AREAS = ("main", "sites")


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    context: Callable[[Any], dict[str, Any]]  # access → template context
    for_guests: bool = False
    area: str = "main"


_SECTIONS: dict[str, Section] = {}


def section(
    order: int, template: str, *, for_guests: bool = False, area: str = "main"
) -> Callable[[Callable[[Any], dict[str, Any]]], Callable[[Any], dict[str, Any]]]:
    if area not in AREAS:
        raise ValueError(f"area must be one of {AREAS}")

    def register(func: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
        _SECTIONS[template] = Section(order, template, func, for_guests, area)
        return func

    return register


def sections_for(access: Any, area: str = "main") -> list[tuple[str, dict[str, Any]]]:
    discover("overview")
    chosen = sorted((s for s in _SECTIONS.values() if s.area == area), key=lambda s: s.order)
    return [(s.template, s.context(access)) for s in chosen if s.for_guests or not access.is_guest]
