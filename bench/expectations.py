"""Expectations benchmark (issue 12's speed goals).

- the monthly assessment of 40 relationships × 20 measurable expectations after an import: every
  relationship's facts get a new version (as the month's import leaves them), then each is reassessed
  from the month just completed (what an import's commit asks for: ``accord.lib.measured``'s
  ``since``) and every gap is followed: goal < 2 s in all; and, for scale, every month reassessed (what
  a settings change asks for);
- the scorecard page for 36 months (``/r/<slug>/scorecard/?months=36``) with those 20 expectations:
  goal < 200 ms. While the scorecard page is a placeholder (its view answers 404 or is not routed),
  the selector it stands on (``selectors.scorecard(access, months=36)``) is timed instead, and the row
  says so.

The relationships and their operational data are built as bench/measurements.py builds them (raw bulk
inserts, then the monthly facts); the expectations are written straight into their tables, agreed a
year ago, twenty per relationship (the measures of measurements.md × monthly, rolling 3 and 12).
"""

from __future__ import annotations

import itertools
from typing import Any

from bench import core
from bench.core import Row, case, count_queries, timed

_cases = list(core.CASES)
from bench import measurements as facts  # noqa: E402 (its data builders, not its case)

core.CASES[:] = _cases

RELATIONSHIPS = 40
EXPECTATIONS = 20
ROWS = 1_500  # operational rows per relationship


def _expectations(rel: Any, user: Any, today: Any) -> None:
    from decimal import Decimal

    from django.utils import timezone

    from accord.expectations.models import Agreement, Expectation, Revision
    from accord.lib.months import add_months, month_of
    from accord.measurements.definitions import CODES, MEASURES

    measures = [c for c in CODES if MEASURES[c].direction != "none"]
    terms = list(itertools.islice(itertools.product((1, 3, 12), measures), EXPECTATIONS))
    now = timezone.now()
    made = Expectation.objects.bulk_create(
        Expectation(relationship=rel, number=n, holder="customer", status="agreed")
        for n in range(1, EXPECTATIONS + 1)
    )
    effective = add_months(month_of(today), -13)
    revisions = Revision.objects.bulk_create(
        Revision(
            expectation=exp,
            number=1,
            state="agreed",
            area="other",
            statement=f"{code} target",
            measure=code,
            category="ALL",
            comparator="at_most" if MEASURES[code].direction == "lower" else "at_least",
            target=Decimal(50),
            basis=basis,
            proposed_at=now,
            agreed_at=now,
            effective_month=effective,
        )
        for exp, (basis, code) in zip(made, terms, strict=True)
    )
    Agreement.objects.bulk_create(
        Agreement(revision=r, side=side, party_id=party, user=user, at=now)
        for r in revisions
        for side, party in (("supplier", rel.supplier_id), ("customer", rel.customer_id))
    )


class _World:
    """Relationships with operational data and monthly facts, as bench/measurements.py builds them."""

    def __init__(self) -> None:
        from django.test import Client
        from django.utils import timezone

        from accord.accounts.models import User
        from accord.parties import services as parties
        from accord.parties.models import ProductCategory

        self.parties = parties
        self.today = timezone.localdate()
        self.supplier = parties.create_party(actor=None, name="Expectations bench", slug="s-expect")
        self.user = User.objects.create_user("q@expect.example", "bench-password-1", full_name="Quality")
        parties.add_member(actor=None, party=self.supplier, user=self.user, role="editor")
        self.products = []
        for code, category in facts.PRODUCTS:
            cat, _ = ProductCategory.objects.get_or_create(code=category, defaults={"name": category})
            self.products.append(
                parties.create_product(
                    actor=None, supplier=self.supplier, code=f"X{code}", name=code, category=cat
                ).pk
            )
        self.client = Client()

    def add(self, n: int) -> Any:
        from django.db import connection

        from accord.measurements.services import refresh_all

        customer = self.parties.create_party(actor=None, name=f"Expect customer {n}", slug=f"c-expect-{n}")
        rel = self.parties.create_relationship(
            actor=None, supplier=self.supplier, customer=customer, slug=f"expect-{n}", item_prefix=f"X{n:02d}"
        )
        days = facts._Days(self.today, connection.vendor)
        for k, (kind, share) in enumerate(facts.SHARES.items()):
            facts._insert(
                kind, facts._rows(kind, rel.pk, round(ROWS * share), self.products, days, n * 100 + k)
            )
        refresh_all(rel, today=self.today)
        _expectations(rel, self.user, self.today)
        return rel


@case
def expectations_bench() -> list[Row]:
    from accord.expectations import assessing, selectors
    from accord.measurements.models import MeasurementSettings, new_facts_version
    from accord.parties.access import access_from

    world = _World()
    rels = [world.add(n) for n in range(RELATIONSHIPS)]
    first = assessing.assess_all(recent=None)  # the first assessment: every month written
    size = f"{RELATIONSHIPS} rel × {EXPECTATIONS} exp"

    def new_facts() -> None:
        # what an import leaves: each relationship's facts at a new version (the engine's cache misses)
        for rel in rels:
            MeasurementSettings.objects.filter(relationship=rel).update(facts_version=new_facts_version())

    def after_a_months_import() -> None:
        # the month's data imported everywhere: each import's commit reassesses from its first month
        # (accord.lib.measured, ``since``), here the month just completed, and follows every gap
        new_facts()
        assessing.assess_all(recent=1)

    def every_month() -> None:
        # data changed as far back as it goes (a settings change, a product moved): every month again
        new_facts()
        assessing.assess_all(recent=None)

    median, p90 = timed(after_a_months_import, repeat=5, warmup=1)
    rows = [
        Row(
            "assess all after a month's import",
            size,
            median,
            p90,
            count_queries(after_a_months_import),
            "median < 2 s",
            median < 2000 and first.assessed > 0,
        )
    ]
    median, p90 = timed(every_month, repeat=3, warmup=1)
    rows.append(
        Row("reassess every month (24)", size, median, p90, count_queries(every_month), "(for scale)", True)
    )

    rel = rels[0]
    world.client.force_login(world.user)
    url = f"/r/{rel.slug}/scorecard/?months=36"
    probe = world.client.get(url)
    if probe.status_code == 200 and b"scorecard" in probe.content.lower():

        def page() -> None:
            assert world.client.get(url).status_code == 200

        median, p90 = timed(page, repeat=20)
        rows.append(Row("scorecard page, 36 months", f"{EXPECTATIONS} exp", median, p90, count_queries(page),
                        "median < 200 ms", median < 200))  # fmt: skip
    else:
        access = access_from(world.user, rel)
        assert access is not None

        def scorecard() -> None:
            found = selectors.scorecard(access, months=36)
            assert len(found.rows) == EXPECTATIONS and len(found.months) == 36

        median, p90 = timed(scorecard, repeat=20)
        rows.append(Row("scorecard selector, 36 months (no page yet)", f"{EXPECTATIONS} exp", median, p90,
                        count_queries(scorecard), "median < 200 ms", median < 200))  # fmt: skip
    return rows
