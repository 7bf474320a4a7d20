"""What is open in each relationship, for the home page.

Each capability registers a provider in its ``overview.py`` that, for a batch of relationships the
viewer can see, returns short facts ("12 open action items", "3 overdue") with a link; facts show in the
providers' ``order``. Providers answer for the whole batch with a fixed number of queries, so the home
page never queries per relationship.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from accord.lib.capabilities import discover


@dataclass(frozen=True)
class Fact:
    label: str
    count: int
    url: str = ""
    tone: str = "secondary"  # a Bootstrap colour: secondary, warning, danger, success


Provider = Callable[[Sequence[Any]], dict[int, list[Fact]]]
_PROVIDERS: dict[str, tuple[int, Provider]] = {}


def provider(order: int) -> Callable[[Provider], Provider]:
    def register(func: Provider) -> Provider:
        _PROVIDERS[f"{func.__module__}.{func.__qualname__}"] = (order, func)
        return func

    return register


def facts_for(accesses: Sequence[Any]) -> dict[int, list[Fact]]:
    """relationship id → facts, from every registered provider."""
    discover("overview")
    merged: dict[int, list[Fact]] = {a.relationship.pk: [] for a in accesses}
    for _order, func in sorted(_PROVIDERS.values(), key=lambda p: p[0]):
        for rel_id, facts in func(accesses).items():
            merged.setdefault(rel_id, []).extend(facts)
    return merged
