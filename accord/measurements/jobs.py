"""Facts that depend on the day they are counted (backlogs at the current month's end, reports that
have just become overdue, order lines whose date has just passed) are recounted daily."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accord.lib.periodic import periodic
from accord.measurements.months import add_months, month_of
from accord.measurements.services import refresh
from accord.parties.models import Relationship, RelationshipStatus

TODAY_DEPENDENT = ("order-lines", "repairs", "problem-reports", "support-tickets")


@periodic("measurements.recount_current_months", every="day")
def recount_current_months(now: datetime) -> str:
    today = timezone.localdate(now)
    months = {month_of(today), add_months(month_of(today), -1)}
    count = 0
    for rel in Relationship.objects.exclude(status=RelationshipStatus.ENDED):
        for kind in TODAY_DEPENDENT:
            refresh(rel, kind=kind, months=months, today=today)
        count += 1
    return f"recounted {len(months)} months of {count} relationships"
