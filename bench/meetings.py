"""Meetings benchmark: a relationship with 200 meetings, 5,000 topics and 10,000 action items.

- preparing an agenda with every live data section (the register, measurements, deliveries, forecasts
  and the topics of each kind): goal < 300 ms;
- the meetings list: the pages part's list page when it is there, else the query it stands on
  (``Meeting.objects.visible_to`` by ``starts_at``, a page of 50): goal < 100 ms;
- the pre-read PDF of that agenda (WeasyPrint): goal < 3 s.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from bench.core import Row, case, count_queries, timed

SLUG = "meetings-bench"


def _world() -> tuple[Any, Any, Any]:
    from django.test import Client
    from django.utils import timezone

    from accord.accounts.models import User
    from accord.lib.months import add_months, month_of
    from accord.meetings import sections
    from accord.meetings import services as meetings
    from accord.meetings.models import AgendaItem, Forecast, Kind, Meeting, Topic, TopicKind
    from accord.operations.models import OrderLine
    from accord.parties import services as parties
    from accord.parties.access import access_from
    from accord.parties.models import ProductCategory
    from accord.register.models import ActionItem, ItemSequence

    supplier = parties.create_party(actor=None, name="Supplier meetings", slug="s-meetings")
    customer = parties.create_party(actor=None, name="Customer meetings", slug="c-meetings")
    rel = parties.create_relationship(
        actor=None, supplier=supplier, customer=customer, slug=SLUG, item_prefix="MTG"
    )
    people = []
    for i in range(12):
        user = User.objects.create_user(f"p{i}@{SLUG}.example", "bench-password-1", full_name=f"Person {i}")
        parties.add_member(actor=None, party=supplier if i % 2 else customer, user=user, role="editor")
        people.append(user)
    category, _ = ProductCategory.objects.get_or_create(code="3.2.1", defaults={"name": "Optical transport"})
    products = [
        parties.create_product(
            actor=None, supplier=supplier, code=f"MTG-{n:03d}", name=f"Product {n}", category=category
        )
        for n in range(8)
    ]
    rng = random.Random(11)
    now = timezone.now()
    today = date.today()

    # 10,000 action items: a tenth private to one side (their own number series)
    statuses = ["open", "in_progress", "done", "verified", "cancelled"]
    items, numbers = [], {"": 0, "S": 0, "C": 0}
    for n in range(10_000):
        private = n % 10 == 0
        series = ("S" if n % 20 == 0 else "C") if private else ""
        numbers[series] += 1
        status = rng.choice(statuses)
        closed_at = now - timedelta(days=rng.randint(0, 700)) if status in ("verified", "cancelled") else None
        items.append(
            ActionItem(
                relationship=rel,
                series=series,
                number=numbers[series],
                title=f"Action item {n} about line card returns",
                owner_side="supplier" if n % 3 else "customer",
                owner=people[n % 12],
                status=status,
                visibility="private" if private else "shared",
                private_party=(supplier if series == "S" else customer) if private else None,
                due_date=today + timedelta(days=rng.randint(-300, 300)),
                created_at=now - timedelta(days=rng.randint(0, 900)),
                updated_at=now - timedelta(days=rng.randint(0, 300)),
                done_at=now - timedelta(days=rng.randint(0, 700)) if status == "done" else None,
                closed_at=closed_at,
            )
        )
    ActionItem.objects.bulk_create(items, batch_size=1000)
    ItemSequence.objects.create(
        relationship=rel,
        last_number=numbers[""],
        last_supplier_private=numbers["S"],
        last_customer_private=numbers["C"],
    )

    # 5,000 topics of every kind, a fifth private
    kinds = list(TopicKind)
    topics = []
    for n in range(5_000):
        kind = kinds[n % len(kinds)]
        settled = "delivered" if kind == TopicKind.FEATURE_REQUEST else "closed"
        first = "new" if kind == TopicKind.FEATURE_REQUEST else "open"
        private = n % 5 == 0
        topics.append(
            Topic(
                relationship=rel,
                kind=kind,
                title=f"Topic {n}: {kind.label}",
                status=rng.choice([first, first, settled]),
                raised_by_side="customer" if n % 2 else "supplier",
                raised_on=today - timedelta(days=rng.randint(0, 900)),
                visibility="private" if private else "shared",
                private_party=customer if private else None,
                updated_at=now - timedelta(days=rng.randint(0, 700)),
            )
        )
    Topic.objects.bulk_create(topics, batch_size=1000)

    # order lines and forecasts for the deliveries and forecast sections
    OrderLine.objects.bulk_create(
        OrderLine(
            relationship=rel,
            order_id=f"PO-{n // 4}",
            line=str(n % 4 + 1),
            product=products[n % 8],
            quantity=rng.randint(1, 50),
            requested_date=today + timedelta(days=rng.randint(-60, 90)),
            delivered_date=None if n % 3 else today,
        )
        for n in range(2_000)
    )
    first = month_of(today)
    Forecast.objects.bulk_create(
        Forecast(relationship=rel, product=p, month=add_months(first, m), quantity=rng.randint(10, 500))
        for p in products
        for m in range(-6, 18)
    )

    # 200 meetings over about four years (the list's data), then the one whose agenda is prepared
    kinds_cycle = [Kind.SET, Kind.QUALITY_REVIEW, Kind.SITE_VISIT, Kind.PROGRAM_REVIEW]
    Meeting.objects.bulk_create(
        Meeting(
            relationship=rel,
            kind=kinds_cycle[n % 4],
            title=f"Meeting {n}",
            starts_at=now - timedelta(days=7 * n + 3),
            ends_at=now - timedelta(days=7 * n + 3) + timedelta(hours=3),
            host_side="supplier",
            status="held",
        )
        for n in range(199)
    )
    access = access_from(people[1], rel)
    meeting = meetings.schedule(
        access=access,
        kind=Kind.QUALITY_REVIEW,
        title="Quality review, every section",
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=8),
        time_zone="Europe/Berlin",
        host_side="supplier",
        invitees=people[:6],
    )
    AgendaItem.objects.filter(meeting=meeting).delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting, position=i, title=str(sections.label_of(b)), binding=b, minutes_allotted=20
        )
        for i, b in enumerate(sections.REGISTRY, start=1)
    )
    client = Client()
    client.force_login(people[1])
    return client, access, meeting


@case
def meetings_bench() -> list[Row]:
    from django.urls import NoReverseMatch, reverse

    from accord.meetings import agenda, packs
    from accord.meetings.models import Meeting

    client, access, meeting = _world()
    size = "200 mtg, 5k topics, 10k items"
    rows = []

    def prepare() -> None:
        prepared = agenda.prepare(meeting)
        assert all(e.section is not None for e in prepared.entries)

    median, p90 = timed(prepare, repeat=20)
    rows.append(
        Row(
            "agenda with every live section",
            size,
            median,
            p90,
            count_queries(prepare),
            "median < 300 ms",
            median < 300,
        )
    )

    url = f"/r/{SLUG}/meetings/{meeting.pk}/agenda/"

    def agenda_page() -> None:
        assert client.get(url).status_code == 200

    median, p90 = timed(agenda_page, repeat=10)
    rows.append(
        Row("agenda page (every section)", size, median, p90, count_queries(agenda_page), "informative", True)
    )

    try:
        list_url = reverse("meetings:list", args=[SLUG])
    except NoReverseMatch:
        list_url = ""

    def meetings_list() -> None:
        if list_url:
            assert client.get(list_url).status_code == 200
        else:
            page = Meeting.objects.visible_to(access).select_related("site").order_by("-starts_at")[:50]
            assert len(list(page)) == 50

    median, p90 = timed(meetings_list, repeat=30)
    label = "meetings list page" if list_url else "meetings list query (page of 50)"
    rows.append(
        Row(label, "200 meetings", median, p90, count_queries(meetings_list), "median < 100 ms", median < 100)
    )

    def pdf() -> None:
        assert packs.pack_pdf(meeting).startswith(b"%PDF")

    median, p90 = timed(pdf, repeat=5, warmup=1)
    rows.append(
        Row(
            "pre-read PDF (every section)",
            size,
            median,
            p90,
            count_queries(pdf),
            "median < 3000 ms",
            median < 3000,
        )
    )
    return rows
