"""A scored relationship as the pages show it, on a fixed day (``DAY``: July 2026, so June is the last
complete month): Telco A's OTI ≥ 95 (agreed, missed in April and May: an open gap with an action item),
its documentation rated 4 of 5 (agreed, a draft rating for June), and Northwind's proposal that Telco A
gets forecasts monthly (awaiting Telco A's agreement)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from accord.expectations import services
from accord.expectations.assessing import last_complete_month
from accord.expectations.models import Assessment, Expectation, Gap
from accord.expectations.services import Terms
from accord.lib.months import add_months, month_range, month_start
from accord.parties.access import access_from
from accord.register.models import ActionItem
from tests.expectations.helpers import DOCS_4, OTI_95, agreed, propose

DAY = datetime(2026, 7, 15, 12, tzinfo=UTC)
FORECASTS = Terms(area="ordering", statement="Send a rolling forecast every month", rating_target=3)
# the last five months (on DAY: February to June): (on time, lines): 96 %, 97 %, 80 %, 85 %, 98 %
OTI = [(96, 100), (97, 100), (40, 50), (68, 80), (98, 100)]


@dataclass
class Scenario:
    oti: Expectation
    docs: Expectation
    forecasts: Expectation
    gap: Gap
    item: ActionItem


def build(world: Any) -> Scenario:
    """The scenario ending with the last complete month (June inside ``time_machine.travel(DAY)``, as
    the page tests build it; the current one in a browser test)."""
    end = last_complete_month(timezone.localdate())
    months = month_range(add_months(end, -4), end)
    oti = agreed(world, OTI_95, owner=world.sam)
    docs = agreed(world, DOCS_4)  # agreeing reassesses the relationship: before the months are written
    forecasts = propose(world, FORECASTS, by=world.ada, holder="supplier")
    revision = oti.revisions.get(state="agreed")
    for month, (num, den) in zip(months, OTI, strict=True):
        value = 100.0 * num / den
        Assessment.objects.update_or_create(
            expectation=oti,
            month=month,
            defaults={
                "revision": revision,
                "result": "met" if value >= 95 else "not_met",
                "value": value,
                "numerator": float(num),
                "denominator": float(den),
                "target": 95.0,
            },
        )
    Assessment.objects.update_or_create(
        expectation=oti,
        month=add_months(end, -5),
        defaults={"revision": revision, "result": "no_data", "target": 95.0},
    )
    gap, _created = Gap.objects.update_or_create(
        expectation=oti,
        defaults={
            "status": "improving",
            "since": months[2],
            "opened_month": months[2],
            "last_month": end,
            "value": 98.0,
            "target": 95.0,
            "size": 10.0,
            "trend": "better",
            "met_streak": 1,
            "opened_at": timezone.now(),
        },
    )
    sam = access_from(world.sam, world.nw_ta)
    assert sam is not None
    item = services.plan_action(
        access=sam,
        gap=gap,
        title="Add a second carrier for Berlin",
        owner=world.sam,
        due_date=month_start(add_months(end, 1)),
    )
    fay = access_from(world.fay, world.nw_ta, allow_guest=True)
    assert fay is not None
    services.rate(access=fay, expectation=docs, rating=3, month=end, note="Release notes late")
    return Scenario(oti=oti, docs=docs, forecasts=forecasts, gap=gap, item=item)
