"""Sections of a relationship's overview page. Each capability registers one (a template and the
context it needs); the page shows them in order, skipping those a facilitator may not see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    context: Callable[[Any], dict[str, Any]]  # access → template context
    for_guests: bool = False


SECTIONS: list[Section] = []


def section(
    order: int, template: str, *, for_guests: bool = False
) -> Callable[[Callable[[Any], dict[str, Any]]], Callable[[Any], dict[str, Any]]]:
    def register(func: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
        SECTIONS.append(Section(order, template, func, for_guests))
        SECTIONS.sort(key=lambda s: s.order)
        return func

    return register


def sections_for(access: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(s.template, s.context(access)) for s in SECTIONS if s.for_guests or not access.is_guest]
