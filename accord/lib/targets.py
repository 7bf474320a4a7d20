"""Agreed targets on the measurements' charts.

``accord.measurements`` draws a relationship's measures; ``accord.expectations`` (a layer above) knows
which targets both sides agreed on them. Measurements may not import expectations (architecture.md,
"Layers"), so expectations registers a provider here (from its ``overview.py``) and the measurements
page asks it for the lines to draw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from accord.lib.capabilities import discover


@dataclass(frozen=True)
class Target:
    measure: str  # measurements.md's code
    category: str  # a category code or "ALL"
    window: int  # 1 (monthly), 3 or 12: the value held to the target
    comparator: str  # at_least · at_most · above · below
    value: float
    label: str  # what the chart's legend says ("E-3 target ≥ 95")
    url: str = ""  # the expectation's page
    missed: tuple[str, ...] = ()  # months assessed as not met


Provider = Callable[[Any, Sequence[str]], list[Target]]  # (access, measure codes) → targets
_PROVIDERS: list[Provider] = []


def provider(func: Provider) -> Provider:
    if func not in _PROVIDERS:
        _PROVIDERS.append(func)
    return func


def targets_for(access: Any, measures: Sequence[str]) -> list[Target]:
    """The agreed targets on ``measures`` in ``access``'s relationship, from every provider."""
    discover("overview")
    return [t for func in _PROVIDERS for t in func(access, measures)]
