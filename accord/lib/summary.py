"""What is open in each relationship, for the home page.

Each capability registers a provider that, for a batch of relationships the viewer can see, returns
short facts ("12 open action items", "3 overdue") with a link. Providers answer for the whole batch
with a fixed number of queries, so the home page never queries per relationship.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fact:
    label: str
    count: int
    url: str = ""
    tone: str = "secondary"  # a Bootstrap colour: secondary, warning, danger, success


Provider = Callable[[Sequence[Any]], dict[int, list[Fact]]]
PROVIDERS: list[Provider] = []


def provider(func: Provider) -> Provider:
    PROVIDERS.append(func)
    return func


def facts_for(accesses: Sequence[Any]) -> dict[int, list[Fact]]:
    """relationship id → facts, from every registered provider."""
    merged: dict[int, list[Fact]] = {a.relationship.pk: [] for a in accesses}
    for func in PROVIDERS:
        for rel_id, facts in func(accesses).items():
            merged.setdefault(rel_id, []).extend(facts)
    return merged
