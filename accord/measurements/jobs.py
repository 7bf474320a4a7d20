"""Facts that depend on the day they are counted (backlogs at the current month's end, reports that
have just become overdue, order lines whose date has just passed) are recounted daily.

The current and the previous month, and further back as far as the relationship's late tolerance
reaches: an undelivered order line due in M counts late once its date plus the tolerance has passed,
which with a long tolerance falls months after M."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from accord.lib.months import add_months, month_of, month_range
from accord.lib.periodic import periodic
from accord.measurements.services import refresh, settings_for
from accord.parties.models import Relationship, RelationshipStatus

TODAY_DEPENDENT = ("order-lines", "repairs", "problem-reports", "support-tickets")


@periodic("measurements.recount_current_months", every="day")
def recount_current_months(now: datetime) -> str:
    today = timezone.localdate(now)
    count = total = 0
    for rel in Relationship.objects.exclude(status=RelationshipStatus.ENDED):
        late = timedelta(days=settings_for(rel).otd_days_late)
        months = set(month_range(add_months(month_of(today - late), -1), month_of(today)))
        for kind in TODAY_DEPENDENT:
            refresh(rel, kind=kind, months=months, today=today)
        count, total = count + 1, total + len(months)
    return f"recounted {count} relationships ({total} months in all)"
