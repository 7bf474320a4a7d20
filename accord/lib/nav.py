"""The tabs of a relationship's pages. Each capability adds its tab here; the order is the list's."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tab:
    url_name: str  # reversed with the relationship's slug
    label: str | Promise
    active_on: tuple[str, ...]  # the "namespace:name" of the pages under this tab
    for_guests: bool = False


RELATIONSHIP_TABS: list[Tab] = [
    Tab("parties:relationship", _("Overview"), ("parties:relationship",), for_guests=True),
    Tab(
        "register:list",
        _("Action items"),
        ("register:list", "register:create", "register:item", "register:edit", "register:import"),
    ),
    Tab(
        "register:task_forces",
        _("Task forces"),
        ("register:task_forces", "register:task_force", "register:task_force_edit"),
    ),
    Tab(
        "measurements:page",
        _("Measurements"),
        ("measurements:page", "measurements:records", "measurements:settings"),
    ),
    Tab("operations:data", _("Data"), ("operations:data", "operations:batch")),
]
