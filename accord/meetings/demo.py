"""Demo meetings: two years of each relationship's meetings following the guidance's rhythm, their
minutes and approvals, the topic logs and the customers' forecasts.

The stories (every date relative to ``ctx.today``):

- **Northwind → Telco A** keeps every rhythm: program reviews every 12 weeks (the next one in ten
  days, moved once), quality reviews alternating between Stuttgart and a customer site about every
  five months (the next one a site visit to the Berlin lab, whose radios have run for 3–6 months), and
  the shared expectations team, facilitated by Fay, every five months. The team met twelve days ago:
  Fay circulated the minutes, Northwind approved them, Telco A has not yet. One program review's
  minutes were corrected after approval (revision 2, with the reason).
- **Northwind → Telco B** keeps its program reviews, but its quality reviews lapsed: the Marseille site
  visit was cancelled and the last quality review is eight months old (the one broken cadence).
- **Photon Optics → Northwind**: Northwind in the customer's seat, with its own program reviews and
  quality reviews at Porto alternating with site visits at Stuttgart.

Meetings are scheduled, moved, cancelled and people invited through ``meetings.services``; what
happened at them (attendance, minutes, decisions, approvals, revisions) is written as history in
``meetings.demo_history``; the register's items that a meeting raised link to their agenda item.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Sum

from accord.audit import services as audit
from accord.lib.demo import DemoContext, step
from accord.lib.months import add_months, month_of, month_start
from accord.meetings import demo_history, emails
from accord.meetings.demo_calendar import PHOTON, TELCO_A, TELCO_B, Calendar, at, calendar
from accord.meetings.demo_content import TOPICS
from accord.meetings.models import Cadence, Forecast, Topic, Visibility
from accord.operations.models import Shipment
from accord.register.models import ActionItem

# --- topics and forecasts ------------------------------------------------------------------------------


def make_topics(ctx: DemoContext, cal: Calendar) -> dict[str, list[Topic]]:
    """Each relationship's topic log (``demo_content.TOPICS``): every kind, each side's private ones,
    linked to the register's action items that work them."""
    made: dict[str, list[Topic]] = {}
    products: list[Any] = []
    links: list[Any] = []
    items = {
        (i.relationship_id, i.title): i
        for i in ActionItem.objects.filter(relationship__in=list(ctx.relationships.values()))
    }
    for slug, specs in TOPICS.items():
        rel = ctx.relationships[slug]
        zone = ZoneInfo(rel.time_zone)
        topics = []
        for spec in specs:
            access = cal.access(spec.raised_by, slug)
            assert access.party is not None and access.side is not None, spec.raised_by
            raised = ctx.today - timedelta(days=spec.raised)
            settled = ctx.today - timedelta(days=spec.settled) if spec.settled is not None else None
            touched = settled or min(
                raised + timedelta(days=spec.raised // 3 + 1), ctx.today - timedelta(days=1)
            )
            topics.append(
                Topic(
                    relationship=rel,
                    kind=spec.kind,
                    title=spec.title,
                    description=spec.description,
                    status=spec.status,
                    raised_by_side=access.side,
                    raised_by=access.user,
                    raised_on=raised,
                    visibility=Visibility.PRIVATE if spec.private else Visibility.SHARED,
                    private_party=access.party if spec.private else None,
                    effective_date=(
                        ctx.today + timedelta(days=spec.effective) if spec.effective is not None else None
                    ),
                    target_release=spec.target_release,
                    created_at=at(raised, zone, 9, 15),
                    updated_at=at(touched, zone, 16, 40),
                    closed_on=settled,
                )
            )
        Topic.objects.bulk_create(topics)
        for topic, spec in zip(topics, specs, strict=True):
            products += [Topic.products.through(topic=topic, product=ctx.products[c]) for c in spec.products]
            for title in spec.items:
                item = items[rel.pk, title]
                # a shared topic links shared items only; a private one its own side's or shared ones
                assert item.visibility == Visibility.SHARED or (
                    topic.visibility == Visibility.PRIVATE and item.private_party_id == topic.private_party_id
                ), (slug, title)
                links.append(Topic.action_items.through(topic=topic, actionitem=item))
            audit.record(
                actor=topic.raised_by,
                verb="topic.created",
                obj=topic,
                relationship=rel,
                party=topic.private_party,
            )
        made[slug] = topics
    Topic.products.through.objects.bulk_create(products)
    Topic.action_items.through.objects.bulk_create(links)
    return made


FORECASTS = {  # products the customer forecasts, who enters them
    TELCO_A: (("NW-OTX-TP4", "NW-R550", "NW-R900-LC"), "carol"),
    TELCO_B: (("NW-S48", "NW-OTX-200"), "ben"),
    PHOTON: (("PH-QSFP-400", "PH-CFP2-DCO"), "sam"),
}
FORECAST_NOTES = ["Hamburg rollout, second wave", "Includes spares for the new POPs", "Budget approved"]


def make_forecasts(ctx: DemoContext, cal: Calendar) -> None:
    """The customer's forecast for this month and the 11 after it, for a few products: what it took in
    the last three months, growing a little, entered before the next program review."""
    this_month = month_of(ctx.today)
    since = month_start(add_months(this_month, -3))
    rows = []
    for slug, (codes, person) in FORECASTS.items():
        rel = ctx.relationships[slug]
        shipped = dict(
            Shipment.objects.filter(
                relationship=rel,
                product__code__in=codes,
                ship_date__gte=since,
                ship_date__lt=month_start(this_month),
            )
            .values_list("product__code")
            .annotate(n=Sum("quantity"))
            .values_list("product__code", "n")
        )
        access = cal.access(person, slug)
        entered = at(ctx.today - timedelta(days=ctx.rng.randint(4, 9)), ZoneInfo(rel.time_zone), 11)
        for code in codes:
            base = max((shipped.get(code) or 0) / 3, 4)
            for ahead in range(12):
                quantity = base * (1 + 0.02 * ahead) * ctx.rng.uniform(0.85, 1.15)
                step_size = 10 if quantity > 100 else 1
                note = ctx.rng.choice(FORECAST_NOTES) if ctx.rng.random() < 0.1 else ""
                rows.append(
                    Forecast(
                        relationship=rel,
                        product=ctx.products[code],
                        month=add_months(this_month, ahead),
                        quantity=max(round(quantity / step_size) * step_size, 1),
                        note=note,
                        entered_by=access.user,
                        entered_at=entered,
                    )
                )
    Forecast.objects.bulk_create(rows)
    for forecast in rows:
        audit.record(
            actor=forecast.entered_by,
            verb="forecast.entered",
            obj=forecast,
            relationship=forecast.relationship,
        )


# --- the step -------------------------------------------------------------------------------------------


@step(60)
def meetings(ctx: DemoContext) -> None:
    # The demo writes in one transaction and would e-mail every invitation, change and cancellation of
    # its invented history when it commits: the meetings' e-mails are switched off for this step only.
    with emails.silenced():
        Cadence.objects.bulk_create(Cadence(relationship=rel) for rel in ctx.relationships.values())
        cal = Calendar(ctx)
        planned = [cal.schedule(slot) for slot in calendar()]
        topics = make_topics(ctx, cal)
        demo_history.write(ctx, cal, planned, topics)
        make_forecasts(ctx, cal)
