"""Report periods: a month (``2026-09``) or a quarter (``2026-Q3``). Pure functions, no ORM."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from accord.lib.months import add_months, month_end, month_of, month_range, parse_month

MONTHLY = "monthly"
QUARTERLY = "quarterly"
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def kind_of(period: str) -> str:
    """``monthly`` or ``quarterly``; ValueError for anything else."""
    if _QUARTER.match(period):
        return QUARTERLY
    try:
        parse_month(period)
    except ValueError:
        raise ValueError(
            f"{period!r} is not a period (YYYY-MM or YYYY-Qn, e.g. 2026-09 or 2026-Q3)."
        ) from None
    return MONTHLY


def months_of(period: str) -> list[str]:
    """The months a period covers, in order."""
    found = _QUARTER.match(period)
    if found is None:
        kind_of(period)
        return [period]
    year, quarter = int(found.group(1)), int(found.group(2))
    first = f"{year:04d}-{3 * quarter - 2:02d}"
    return month_range(first, add_months(first, 2))


def period_of(month: str, kind: str) -> str:
    """The period of ``kind`` that ``month`` falls in."""
    if kind == MONTHLY:
        return month
    year, mon = parse_month(month)
    return f"{year:04d}-Q{(mon - 1) // 3 + 1}"


def shift(period: str, n: int) -> str:
    """The period ``n`` periods after (before, when negative) ``period``."""
    kind = kind_of(period)
    step = 1 if kind == MONTHLY else 3
    return period_of(add_months(months_of(period)[0], n * step), kind)


def last_day(period: str) -> date:
    return month_end(months_of(period)[-1])


def due_on(period: str, after_days: int) -> date:
    """The day a scheduled report of ``period`` is generated: ``after_days`` after the period ends."""
    return last_day(period) + timedelta(days=after_days)


def latest_due(kind: str, today: date, after_days: int) -> str:
    """The latest period of ``kind`` whose generation day has come by ``today``."""
    period = period_of(month_of(today), kind)
    while due_on(period, after_days) > today:
        period = shift(period, -1)
    return period


def between(first: str, last: str) -> list[str]:
    """The periods from ``first`` to ``last`` (of the same kind), in order; empty if ``last`` is earlier."""
    out = []
    period = first
    while months_of(period)[0] <= months_of(last)[0]:
        out.append(period)
        period = shift(period, 1)
    return out


def label(period: str) -> str:
    """``Q3 2026`` or ``September 2026``, in the active language."""
    found = _QUARTER.match(period)
    if found is not None:
        return _("Q%(quarter)s %(year)s") % {"quarter": found.group(2), "year": found.group(1)}
    year, mon = parse_month(period)
    return formats.date_format(date(year, mon, 1), "YEAR_MONTH_FORMAT")
