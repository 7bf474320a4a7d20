"""Measurements benchmark: the metrics API of one relationship (36 months, every measure) on a database
holding 100,000 operational rows (that relationship's), then on the same relationship once the
database holds 10,000,000 rows over 40 relationships: the ratio of the two is the goal (≤ 1.5, the
cost must not grow with the volume of data). One of the 39 other relationships, with about 250,000
rows of its own, is timed too: a relationship with more data has more facts (its histograms hold more
distinct durations), and the time follows the facts read.

The operational rows (shipments, order lines, returns, repairs, problem reports, support tickets) are
written with raw bulk inserts (SQLite ``executemany``, PostgreSQL ``COPY``); the monthly facts are then
computed by the real ``accord.measurements.services.refresh_all`` for every relationship, so the stored
facts are exactly what imports would have left. Each request goes through Django's test client
(routing, authentication, the facts query, the engine, JSON).

``ACCORD_BENCH_OPS_ROWS`` sets the large size (default 10,000,000); the small one is 100,000 (or the
large size, when that is smaller). On the 2-core machine this was written on, building the 10M rows
takes a few minutes of inserts plus about as long again for ``refresh_all``; the case prints both.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from bench.core import Row, case, count_queries, timed

LARGE = int(os.environ.get("ACCORD_BENCH_OPS_ROWS", "10000000"))
SMALL = min(100_000, LARGE)
RELATIONSHIPS = 40
MONTHS = 36
PRODUCTS = [(f"BM-{n:02d}", code) for n, code in enumerate(["1.2.7", "3.2.1", "3.3.1", "8.1.1"] * 3)]
# each kind's share of the operational rows
SHARES = {
    "shipment": 0.60,
    "orderline": 0.20,
    "supportticket": 0.08,
    "return": 0.06,
    "repair": 0.04,
    "problemreport": 0.02,
}
COLUMNS = {
    kind: tuple(columns.split())
    for kind, columns in {
        "shipment": "relationship_id shipment_id product_id ship_date quantity serial site_id order_id",
        "orderline": "relationship_id order_id line product_id quantity requested_date promised_date "
        "delivered_date delivered_quantity early_accepted",
        "supportticket": "relationship_id ticket_id opened_at severity product_id first_response_at "
        "resolved_at category",
        "return": "relationship_id return_id product_id received_date ship_date serial quantity reason "
        "no_trouble_found excluded_reason",
        "repair": "relationship_id repair_id product_id received_date shipped_date return_id finding",
        "problemreport": "relationship_id report_id received_date severity product_id fix_delivered_date "
        "closed_date customer_originated duplicate_of title",
    }.items()
}


class _Days:
    """The 36 months ending last month as day numbers 0 … n-1, with their texts for the database."""

    def __init__(self, today: date, vendor: str) -> None:
        last = today.replace(day=1) - timedelta(days=1)
        first = last.replace(day=1)
        for _ in range(MONTHS - 1):
            first = (first - timedelta(days=1)).replace(day=1)
        self.n = (last - first).days + 1
        self.text = [(first + timedelta(days=d)).isoformat() for d in range(self.n)]
        self.zone = "+00:00" if vendor == "postgresql" else ""

    def at(self, day: int, hours: float) -> str | None:
        """A UTC timestamp ``hours`` after midnight of ``day`` (None after the last day)."""
        day += int(hours // 24)
        if day >= self.n:
            return None
        rest = hours % 24
        return f"{self.text[day]} {int(rest):02d}:{int(rest * 60) % 60:02d}:00{self.zone}"

    def date(self, day: int) -> str | None:
        return self.text[day] if day < self.n else None


def _rows(kind: str, rel: int, count: int, products: list[int], days: _Days, seed: int) -> Iterator[tuple]:
    """``count`` believable rows of ``kind`` for relationship ``rel``; volumes grow over the months."""
    rng = random.Random(seed)
    rand, n_days, n_products = rng.random, days.n, len(products)
    text, at = days.text, days.at

    def grow() -> int:  # a day, with a density rising linearly over the 36 months
        return int(n_days * math.sqrt(rand()))

    for n in range(count):
        u = rand()
        product = products[n % n_products]
        if kind == "shipment":
            qty = 1 if u < 0.7 else 2 + int(u * 40)
            yield (rel, f"S{n}", product, text[grow()], qty, f"SN{rel}-{n}" if qty == 1 else "", None, "")
        elif kind == "orderline":
            crd = grow()
            promised = crd if u < 0.95 else crd + 2 + int(u * 10)
            v = rand()
            delivered = promised if v < 0.9 else promised + 1 + int(v * 14) if v < 0.96 else promised - 2
            qty = 1 + int(u * 30)
            on_file = days.date(delivered)
            yield (rel, f"PO{n // 4}", str(n % 4 * 10 + 10), product, qty, text[crd], days.date(promised),
                   on_file, qty if on_file else None, False)  # fmt: skip
        elif kind == "supportticket":
            opened = grow()
            severity = 1 if u < 0.08 else 2 if u < 0.35 else 3
            hour = rand() * 24
            first = hour + rand() * (1, 4, 24)[severity - 1] * 1.3
            resolved = first + rand() * (24, 140, 700)[severity - 1]
            yield (rel, f"T{n}", at(opened, hour), severity, product, at(opened, first), at(opened, resolved),
                   "software")  # fmt: skip
        elif kind == "return":
            received = grow()
            ship = received - 3 - int(-math.log(1 - u) * 200)
            if ship < 0:
                ship = int(received * rand())
            yield (rel, f"R{n}", product, text[received], text[ship], f"SN{rel}-{n}", 1,
                   "Fails self-test", u < 0.18, "stock rotation" if u > 0.98 else "")  # fmt: skip
        elif kind == "repair":
            received = grow()
            tat = 5 + int(rand() * 15) if u < 0.85 else 20 + int(rand() * 70)
            yield (
                rel,
                f"REP{n}",
                product,
                text[received],
                days.date(received + tat),
                f"R{n}",
                "Board replaced",
            )
        else:  # problemreport
            received = grow()
            severity = 1 if u < 0.1 else 2 if u < 0.4 else 3
            fix = received + int(rand() * (10, 45, 260)[severity - 1]) + 1
            yield (rel, f"PR{n}", text[received], severity, product, days.date(fix), days.date(fix), u < 0.9,
                   "", "Problem")  # fmt: skip


def _insert(kind: str, rows: Iterator[tuple]) -> None:
    """Raw bulk insert (SQLite ``executemany``, PostgreSQL ``COPY``) in one transaction."""
    from django.apps import apps
    from django.db import connection, transaction

    table = apps.get_model("operations", kind)._meta.db_table
    columns = COLUMNS[kind]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 (constants)
            cursor.cursor.executemany(sql, rows)


class _World:
    def __init__(self) -> None:
        from django.test import Client
        from django.utils import timezone

        from accord.accounts.models import User
        from accord.parties import services as parties
        from accord.parties.models import ProductCategory

        self.parties = parties
        self.today = timezone.localdate()
        self.supplier = parties.create_party(actor=None, name="Metrics bench supplier", slug="s-metrics")
        self.user = User.objects.create_user("q@metrics.example", "bench-password-1", full_name="Quality")
        parties.add_member(actor=None, party=self.supplier, user=self.user, role="editor")
        self.products = []
        for code, category in PRODUCTS:
            cat, _ = ProductCategory.objects.get_or_create(
                code=category, defaults={"name": f"Category {category}"}
            )
            self.products.append(
                parties.create_product(
                    actor=None, supplier=self.supplier, code=code, name=f"Product {code}", category=cat
                ).pk
            )
        self.relationships: list[Any] = []
        self.client = Client()
        self.client.force_login(self.user)

    def add(self, rows: int) -> tuple[Any, float, float]:
        """A relationship with ``rows`` operational rows; seconds to insert them and to refresh facts."""
        from django.db import connection

        from accord.measurements.services import refresh_all

        n = len(self.relationships)
        customer = self.parties.create_party(actor=None, name=f"Metrics customer {n}", slug=f"c-metrics-{n}")
        rel = self.parties.create_relationship(
            actor=None,
            supplier=self.supplier,
            customer=customer,
            slug=f"metrics-{n}",
            item_prefix=f"M{n:02d}",
        )
        self.relationships.append(rel)
        days = _Days(self.today, connection.vendor)
        start = time.perf_counter()
        for k, (kind, share) in enumerate(SHARES.items()):
            _insert(kind, _rows(kind, rel.pk, round(rows * share), self.products, days, seed=n * 100 + k))
        inserted = time.perf_counter() - start
        refresh_all(rel, today=self.today)
        return rel, inserted, time.perf_counter() - start - inserted

    def url(self, rel: Any) -> str:
        from accord.lib.months import add_months, month_of

        last = add_months(month_of(self.today), -1)
        return f"/api/v1/relationships/{rel.pk}/metrics?from={add_months(last, -(MONTHS - 1))}&to={last}"

    def measure(self, rel: Any) -> tuple[float, float, int, int, int]:
        """Median and p90 ms, queries, values answered and the monthly facts they come from."""
        from accord.measurements.models import MonthlyFact

        url = self.url(rel)

        def get() -> None:
            response = self.client.get(url)
            assert response.status_code == 200, response.content[:300]

        median, p90 = timed(get, repeat=20)
        rows = len(self.client.get(url).json()["rows"])
        facts = MonthlyFact.objects.filter(relationship=rel).count()
        return median, p90, count_queries(get), rows, facts


def _analyze() -> None:
    """PostgreSQL: fresh planner statistics after the bulk load (autovacuum would get there too)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@case
def metrics_api() -> list[Row]:
    world = _World()
    small_rel, _ins, _ref = world.add(SMALL)
    _analyze()
    small = world.measure(small_rel)
    others = RELATIONSHIPS - 1
    per_rel = (LARGE - SMALL) // others
    inserted = refreshed = 0.0
    for _ in range(others):
        _rel, ins, ref = world.add(per_rel)
        inserted, refreshed = inserted + ins, refreshed + ref
    _analyze()
    total = SMALL + per_rel * others
    # the same relationship (the same facts) on a database a hundred times larger: the cost must not
    # grow with the data of the other relationships
    large = world.measure(small_rel)
    ratio = large[0] / small[0]
    typical = world.measure(world.relationships[1] if others else small_rel)  # one of the other 39

    def label(m: tuple[float, float, int, int, int]) -> str:
        # the time follows the facts read (their histograms grow with the data), hence both counts
        return f"metrics API 36 mo: {m[3]:,} values/{m[4]:,} facts"

    return [
        Row(label(small), f"{SMALL:,} ops rows", small[0], small[1], small[2], "median < 200 ms",
            small[0] < 200),
        Row(label(large), f"{total / 1e6:.1f}M, {RELATIONSHIPS} rels", large[0], large[1], large[2],
            "median < 200 ms", large[0] < 200),
        Row("metrics API: same relationship, large / small db", "ratio", ratio, ratio, 0, "≤ 1.5",
            ratio <= 1.5),
        Row(label(typical) + f" ({per_rel:,} rows)", f"{total / 1e6:.1f}M, {RELATIONSHIPS} rels", typical[0],
            typical[1], typical[2], "median < 200 ms", typical[0] < 200),
        Row(f"build: insert {inserted:,.0f} s, refresh_all {refreshed:,.0f} s", f"{total - SMALL:,} rows",
            (inserted + refreshed) * 1000, (inserted + refreshed) * 1000, 0, "informative", True),
    ]  # fmt: skip
