"""Values shown as the measurements page shows them: with their measure's decimals."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from accord.measurements.definitions import MEASURES

register = template.Library()


@register.filter
def measured(value: float | None, measure: str = "") -> str:
    """``value`` with ``measure``'s decimals (FR 2, percentages 1, NPR 4, counts 0); "–" for none."""
    if value is None:
        return "–"
    found = MEASURES.get(measure)
    if found is None:
        return (
            number_format(value, decimal_pos=2).rstrip("0").rstrip(".")
            if value % 1
            else number_format(value, 0)
        )
    return number_format(value, decimal_pos=found.decimals)


@register.filter
def plain(value: Decimal | float | None) -> str:
    """A target as people write it: 2.25, 95, 0.004 (no trailing zeros); "–" for none."""
    if value is None:
        return "–"
    text = format(Decimal(str(value)).normalize(), "f")
    return number_format(text)
