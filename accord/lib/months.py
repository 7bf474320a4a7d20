"""Calendar months as ``"YYYY-MM"`` strings (architecture.md: "months are YYYY-MM").

Pure helpers, no Django. Months compare correctly as strings, so ``"2009-12" < "2010-01"``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

__all__ = [
    "MAX_RANGE_MONTHS",
    "add_months",
    "check_range",
    "month_end",
    "month_of",
    "month_range",
    "month_start",
    "months_between",
    "next_month_start_utc",
    "parse_month",
]

# The longest range of months one request of measurements covers: ten years. A wider one (say
# 0001-01 … 9999-12) would build and send a response of tens of megabytes for nothing.
MAX_RANGE_MONTHS = 120

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(month: str) -> tuple[int, int]:
    """``"2010-01"`` -> ``(2010, 1)``; ValueError for anything else."""
    match = _MONTH_RE.match(month) if isinstance(month, str) else None
    if match is None:
        raise ValueError(_("not a month (YYYY-MM): %(month)s") % {"month": repr(month)})
    year, mon = int(match.group(1)), int(match.group(2))
    if not 1 <= mon <= 12 or year < 1:
        raise ValueError(_("not a month (YYYY-MM): %(month)s") % {"month": repr(month)})
    return year, mon


def _fmt(year: int, mon: int) -> str:
    return f"{year:04d}-{mon:02d}"


def add_months(month: str, n: int) -> str:
    """The month ``n`` months after ``month`` (``n`` may be negative): ``add_months("2010-01", -1)``
    is ``"2009-12"``."""
    year, mon = parse_month(month)
    index = year * 12 + (mon - 1) + n
    return _fmt(index // 12, index % 12 + 1)


def months_between(start: str, end: str) -> int:
    """How many months ``end`` is after ``start`` (negative when before)."""
    y1, m1 = parse_month(start)
    y2, m2 = parse_month(end)
    return (y2 * 12 + m2) - (y1 * 12 + m1)


def month_range(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end``, both included; empty when ``end`` is before ``start``."""
    return [add_months(start, i) for i in range(months_between(start, end) + 1)]


def month_of(when: date | datetime) -> str:
    """The month of a date, or of a datetime in UTC (a naive datetime is taken as UTC already)."""
    if isinstance(when, datetime):
        if when.tzinfo is not None:
            when = when.astimezone(UTC)
        return _fmt(when.year, when.month)
    return _fmt(when.year, when.month)


def month_start(month: str) -> date:
    """The first day of the month."""
    year, mon = parse_month(month)
    return date(year, mon, 1)


def month_end(month: str) -> date:
    """The last day of the month."""
    return month_start(add_months(month, 1)) - timedelta(days=1)


def next_month_start_utc(month: str) -> datetime:
    """The first instant after the month, in UTC (a month's end for timestamps: ``t < this``)."""
    nxt = month_start(add_months(month, 1))
    return datetime(nxt.year, nxt.month, nxt.day, tzinfo=UTC)


def check_range(start: str, end: str) -> None:
    """ValueError, with a message for people, unless ``start`` … ``end`` is a range of months in order of
    at most ``MAX_RANGE_MONTHS`` months (both included)."""
    span = months_between(start, end) + 1
    if span < 1:
        raise ValueError(
            _("The first month (%(start)s) is after the last (%(end)s).") % {"start": start, "end": end}
        )
    if span > MAX_RANGE_MONTHS:
        raise ValueError(
            ngettext(
                "%(start)s … %(end)s is %(span)s month; at most %(max)s months "
                "(%(years)s years) can be asked for at once.",
                "%(start)s … %(end)s is %(span)s months; at most %(max)s months "
                "(%(years)s years) can be asked for at once.",
                span,
            )
            % {
                "start": start,
                "end": end,
                "span": span,
                "max": MAX_RANGE_MONTHS,
                "years": MAX_RANGE_MONTHS // 12,
            }
        )
