"""Reports benchmark (issue 14's speed goal): a quarterly report with every section over 12 months, on
one relationship the size of a real one (100,000 operational rows over 36 months in four TL 9000
categories, with licensed benchmarks for each category and measure, 1,000 action items, a meeting a
fortnight):

- the PDF of the customer's edition, as a definition makes it by default (the categories pooled: charts
  of ALL, each category's tables): goal median < 5 s; and the same report with the four categories
  chosen (charts for each), for scale. Every run draws its charts afresh (the chart caches are
  emptied), as the worker does for a new issue;
- the snapshot (``snapshot.take``: every number of the issue, read once when it is generated);
- the workbook (XLSX) and the HTML document, for scale;
- the issue page (``/r/<slug>/reports/<n>/<period>/``): goal < 200 ms (its charts cached, as a
  process serving the page has them after the first reader).

The operational rows are written with the measurements benchmark's raw bulk inserts and its row
generator, then the monthly facts are computed by the real ``refresh_all``, as that benchmark does.
``ACCORD_BENCH_REPORT_ROWS`` sets the size (default 100,000).
"""

from __future__ import annotations

import os
import random
from datetime import timedelta
from typing import Any

from bench.core import Row, case, count_queries, timed

SLUG = "reports-bench"
ROWS = int(os.environ.get("ACCORD_BENCH_REPORT_ROWS", "100000"))
CATEGORIES = ("1.2.7", "3.2.1", "3.3.1", "8.1.1")
ITEMS = 1_000


def _world() -> tuple[Any, Any, Any, Any, str]:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accord.accounts.models import User
    from accord.lib.months import add_months, month_of
    from accord.measurements import definitions
    from accord.measurements.services import refresh_all
    from accord.meetings.models import Meeting
    from accord.operations.models import Benchmark
    from accord.parties import services as parties
    from accord.parties.access import access_from
    from accord.parties.models import ProductCategory
    from accord.register.models import ActionItem, ItemSequence
    from accord.reports import periods, services
    from accord.reports.models import Section
    from bench import core

    cases = list(core.CASES)
    from bench.measurements import SHARES, _Days, _insert, _rows

    core.CASES[:] = cases  # its row generator only: importing it must not add the 10M-row metrics case

    today = timezone.localdate()
    supplier = parties.create_party(actor=None, name="Reports bench supplier", slug="s-reports")
    customer = parties.create_party(actor=None, name="Reports bench customer", slug="c-reports")
    rel = parties.create_relationship(
        actor=None, supplier=supplier, customer=customer, slug=SLUG, item_prefix="RPB"
    )
    lead = User.objects.create_user(f"q@{SLUG}.example", "bench-password-1", full_name="Quality Lead")
    reader = User.objects.create_user(f"c@{SLUG}.example", "bench-password-1", full_name="Customer")
    parties.add_member(actor=None, party=supplier, user=lead, role="editor")
    parties.add_member(actor=None, party=customer, user=reader, role="editor")
    products = []
    for n in range(12):
        code = CATEGORIES[n % len(CATEGORIES)]
        category, _ = ProductCategory.objects.get_or_create(code=code, defaults={"name": f"Category {code}"})
        products.append(
            parties.create_product(
                actor=None, supplier=supplier, code=f"RB-{n:02d}", name=f"Product {n}", category=category
            ).pk
        )
    days = _Days(today, connection.vendor)
    for k, (kind, share) in enumerate(SHARES.items()):
        _insert(kind, _rows(kind, rel.pk, round(ROWS * share), products, days, seed=1400 + k))
    refresh_all(rel, today=today)

    # licensed benchmarks: each category and measure, 36 months (the report shows the position)
    last = add_months(month_of(today), -1)
    rng = random.Random(14)
    marks = []
    for code in CATEGORIES:
        category = ProductCategory.objects.get(code=code)
        for m in definitions.MEASURES.values():
            if m.direction == "none":
                continue
            for back in range(36):
                mid = rng.uniform(1, 90)
                best, worst = (mid * 0.5, mid * 1.6) if m.direction == "lower" else (mid * 1.05, mid * 0.7)
                marks.append(
                    Benchmark(
                        supplier=supplier,
                        category=category,
                        measure=m.code,
                        month=add_months(last, -back),
                        best_in_class=best,
                        industry_average=mid,
                        worst_in_class=worst,
                    )
                )
    Benchmark.objects.bulk_create(marks, batch_size=1000)

    # the register and the meetings the report sums up
    now = timezone.now()
    ActionItem.objects.bulk_create(
        (
            ActionItem(
                relationship=rel,
                number=n,
                title=f"Action item {n} about transponder returns",
                owner_side="supplier" if n % 3 else "customer",
                owner=lead,
                status=rng.choice(["open", "in_progress", "done", "verified", "cancelled"]),
                due_date=today + timedelta(days=rng.randint(-300, 120)),
                created_at=now - timedelta(days=rng.randint(0, 700)),
                updated_at=now,
            )
            for n in range(1, ITEMS + 1)
        ),
        batch_size=500,
    )
    ItemSequence.objects.create(relationship=rel, last_number=ITEMS)
    Meeting.objects.bulk_create(
        Meeting(
            relationship=rel,
            kind="program_review",
            title=f"Program review {n}",
            starts_at=now - timedelta(days=14 * n + 3),
            ends_at=now - timedelta(days=14 * n + 3, hours=-2),
            host_side="supplier",
            status="held",
        )
        for n in range(60)
    )
    access = access_from(lead, rel)
    assert access is not None
    period = periods.latest_due("quarterly", today, 1)
    definition = services.create_definition(
        access=access,
        data=services.DefinitionInput(
            title="Quarterly quality report",
            sections=[s.value for s in Section],
            first_period=period,
            categories=list(CATEGORIES),
            recipients=[reader.pk],
        ),
    )
    pooled = services.create_definition(
        access=access,
        data=services.DefinitionInput(
            title="Quarterly quality report, categories pooled",
            sections=[s.value for s in Section],
            first_period=period,
            recipients=[reader.pk],
        ),
    )
    client = Client()
    client.force_login(lead)
    return definition, pooled, client, access, period


@case
def reports_bench() -> list[Row]:
    from accord.lib import charts as chart_cache
    from accord.reports import render, rendering, services, snapshot
    from accord.reports.models import Edition

    definition, pooled, client, _access, period = _world()
    size = f"{ROWS // 1000}k ops, {len(CATEGORIES)} cat"
    rows = []

    def take() -> None:
        snapshot.take(definition, period)

    median, p90 = timed(take, repeat=5, warmup=1)
    rows.append(Row("report snapshot (every section, 12 mo)", size, median, p90, count_queries(take),
                    "(for scale)", True))  # fmt: skip

    data = snapshot.take(definition, period)
    commentary = {"overall": "A steady quarter.", "returns": "Return rates stayed low."}
    meta = {"ref": definition.ref, "revision": 1, "reason": "", "draft": False, "published_at": ""}
    charts = sum(len(b["charts"]) for s in render.document(data, commentary, Edition.CUSTOMER)["sections"]
                 for b in s.get("blocks", []))  # fmt: skip

    def fresh() -> None:
        chart_cache._render.cache_clear()
        chart_cache._png.cache_clear()

    def pdf() -> None:
        fresh()
        assert render.pdf(data, commentary, Edition.CUSTOMER, meta=meta).startswith(b"%PDF")

    median, p90 = timed(pdf, repeat=3, warmup=1)
    rows.append(Row(f"report PDF, 4 categories chosen: {charts} charts", size, median, p90, 0, "(for scale)",
                    True))  # fmt: skip

    together = snapshot.take(pooled, period)
    pooled_charts = sum(
        len(b["charts"])
        for s in render.document(together, commentary, Edition.CUSTOMER)["sections"]
        for b in s.get("blocks", [])
    )

    def pdf_pooled() -> None:
        fresh()
        assert render.pdf(together, commentary, Edition.CUSTOMER, meta=meta).startswith(b"%PDF")

    median, p90 = timed(pdf_pooled, repeat=3, warmup=1)
    rows.append(Row(f"report PDF, pooled: {pooled_charts} charts", size, median, p90, 0, "median < 5 s",
                    median < 5000))  # fmt: skip

    def xlsx() -> None:
        assert render.xlsx(data, commentary, Edition.CUSTOMER)[:2] == b"PK"

    median, p90 = timed(xlsx, repeat=5, warmup=1)
    rows.append(Row("report workbook (XLSX)", size, median, p90, 0, "(for scale)", True))

    def html() -> None:
        fresh()
        assert render.html(data, commentary, Edition.CUSTOMER, meta=meta).startswith("<!")

    median, p90 = timed(html, repeat=3, warmup=1)
    rows.append(Row("report HTML document", size, median, p90, 0, "(for scale)", True))

    issue, _created = services.generate(access=None, definition=pooled, period=period)
    rendering.render_issue(issue.pk)
    url = f"/r/{issue.relationship.slug}/reports/{pooled.number}/{period}/"

    def page() -> None:
        assert client.get(url).status_code == 200

    median, p90 = timed(page, repeat=10, warmup=1)
    rows.append(Row("report issue page", size, median, p90, count_queries(page), "median < 200 ms",
                    median < 200))  # fmt: skip
    return rows
