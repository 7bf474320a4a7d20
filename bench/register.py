"""Register benchmark: the register page of a relationship with 10,000 items."""

from __future__ import annotations

import random
from datetime import date, timedelta

from bench.core import Row, case, count_queries, timed


def _world(n_items: int, slug: str) -> tuple[object, object]:
    from django.test import Client
    from django.utils import timezone

    from accord.accounts.models import User
    from accord.parties import services as parties
    from accord.register.models import ActionItem, ItemSequence

    supplier = parties.create_party(actor=None, name=f"Supplier {slug}", slug=f"s-{slug}")
    customer = parties.create_party(actor=None, name=f"Customer {slug}", slug=f"c-{slug}")
    rel = parties.create_relationship(
        actor=None, supplier=supplier, customer=customer, slug=slug, item_prefix="BEN"
    )
    people = []
    for i in range(12):
        user = User.objects.create_user(f"p{i}@{slug}.example", "bench-password-1", full_name=f"Person {i}")
        parties.add_member(actor=None, party=supplier if i % 2 else customer, user=user, role="editor")
        people.append(user)
    rng = random.Random(42)
    now = timezone.now()
    statuses = ["open", "in_progress", "done", "verified", "cancelled"]
    items = [
        ActionItem(
            relationship=rel,
            number=n,
            title=f"Action item {n} about line card returns",
            owner_side="supplier" if n % 3 else "customer",
            owner=people[n % 12],
            requested_by=people[(n + 1) % 12],
            status=rng.choice(statuses),
            priority=rng.choice(["low", "medium", "high", "critical"]),
            due_date=date.today() + timedelta(days=rng.randint(-200, 200)),
            created_at=now - timedelta(days=rng.randint(0, 700)),
            updated_at=now,
        )
        for n in range(1, n_items + 1)
    ]
    ActionItem.objects.bulk_create(items, batch_size=500)
    ItemSequence.objects.create(relationship=rel, last_number=n_items)
    client = Client()
    client.force_login(people[1])
    return client, rel


@case
def register_page() -> list[Row]:
    rows = []
    medians = {}
    for n_items, slug in ((100, "small"), (10_000, "large")):
        client, _rel = _world(n_items, slug)
        url = f"/r/{slug}/items/"

        def get(url: str = url, client: object = client) -> None:
            response = client.get(url)  # type: ignore[attr-defined]
            assert response.status_code == 200

        median, p90 = timed(get, repeat=30)
        medians[n_items] = median
        queries = count_queries(get)
        rows.append(
            Row(
                "register page (50 rows)",
                f"{n_items:,} items",
                median,
                p90,
                queries,
                "median < 150 ms" if n_items == 10_000 else "reference",
                median < 150 or n_items != 10_000,
            )
        )
        filtered = f"{url}?status=open&status=in_progress&priority=high&sort=due"
        median_f, p90_f = timed(lambda u=filtered, c=client: c.get(u), repeat=20)
        rows.append(
            Row(
                "register page, filtered + sorted",
                f"{n_items:,} items",
                median_f,
                p90_f,
                count_queries(lambda u=filtered, c=client: c.get(u)),
                "median < 150 ms" if n_items == 10_000 else "reference",
                median_f < 150 or n_items != 10_000,
            )
        )
    ratio = medians[10_000] / medians[100]
    rows.append(Row("register page: 10,000 / 100 items", "ratio", ratio, ratio, 0, "informative", True))
    return rows
