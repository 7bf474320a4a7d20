"""The demo's operational data: 36 months per relationship whose measurements tell a believable story.

The data are random (deterministic for a seed and a day) and end last month, so the checks pool counts
over several months and compare with margins rather than pin single monthly values.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accord.lib.demo import DemoContext
from accord.lib.months import add_months, month_of, month_range, month_start
from accord.measurements.engine import Value
from accord.measurements.models import MeasurementSettings, MonthlyFact
from accord.measurements.selectors import metrics
from accord.measurements.services import refresh_all
from accord.operations.models import (
    BatchStatus,
    Benchmark,
    ImportBatch,
    OrderLine,
    ProblemReport,
    Repair,
    Return,
    Shipment,
    SupportTicket,
)
from tests.conftest import DEMO_DAY, demo_built_for

TELCO_A = "northwind-telco-a"
OPTICAL = "3.2.1"  # the category of the NW-OTX-TP4 transponder cards


@pytest.fixture(scope="module")
def demo_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoContext]:
    """The demo is built once for this module, for a fixed day, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), demo_built_for(DEMO_DAY) as ctx:
        yield ctx


@pytest.fixture
def demo(demo_world: DemoContext, db: Any) -> DemoContext:
    return demo_world


# --------------------------------------------------------------------------------------------- helpers
def span(today: date) -> tuple[str, str]:
    """The demo's 36 months: the first and the last (last month)."""
    last = add_months(month_of(today), -1)
    return add_months(last, -35), last


def rows(ctx: DemoContext, measure: str, *, slug: str = TELCO_A, category: str = "ALL") -> dict[str, Value]:
    start, end = span(ctx.today)
    found = metrics(ctx.relationships[slug], start=start, end=end, category=category, measures=[measure])
    return {r.month: r for r in found if not r.severity}


def pooled(values: dict[str, Value], months: list[str]) -> float | None:
    """The value of ``months`` pooled: sum of numerators over sum of denominators, scaled like the
    monthly values (FR rates 1200, NPR 12, percentages 100)."""
    picked = [values[m] for m in months if m in values]
    den = sum(r.denominator or 0 for r in picked)
    if not picked or not den:
        return None
    code = picked[0].measure
    scale = 1200 if code.startswith("FR.") and code != "FR.NTF" else 12 if code.startswith("NPR.") else 100
    return scale * sum(r.numerator or 0 for r in picked) / den


def last_months(today: date, n: int, *, skip: int = 0) -> list[str]:
    """``n`` months ending ``skip`` months before last month."""
    end = add_months(month_of(today), -1 - skip)
    return month_range(add_months(end, -(n - 1)), end)


# ----------------------------------------------------------------------------------------------- tests
def test_the_demo_has_tens_of_thousands_of_operational_rows(demo: DemoContext) -> None:
    counts = {
        model.__name__: model.objects.count()
        for model in (Shipment, Return, Repair, OrderLine, ProblemReport, SupportTicket)
    }
    assert 15_000 <= sum(counts.values()) <= 100_000, counts
    assert min(counts.values()) >= 300, counts
    start, end = span(demo.today)
    for slug, rel in demo.relationships.items():
        months = set(Shipment.objects.filter(relationship=rel).values_list("ship_date", flat=True))
        assert {month_of(d) for d in months} == set(month_range(start, end)), slug
        assert MonthlyFact.objects.filter(relationship=rel).exists(), slug
    # benchmarks are licensed: the demo imports none, never invents them
    assert not Benchmark.objects.exists()


def test_returns_trace_back_to_shipments(demo: DemoContext) -> None:
    returns = Return.objects.filter(relationship=demo.relationships[TELCO_A])
    assert all(r.ship_date < r.received_date for r in returns)
    serials = set(
        Shipment.objects.filter(relationship=demo.relationships[TELCO_A])
        .exclude(serial="")
        .values_list("serial", flat=True)
    )
    with_serial = returns.exclude(serial="")
    assert with_serial.count() >= 100
    assert set(with_serial.values_list("serial", flat=True)) <= serials
    assert returns.filter(no_trouble_found=True).exists()
    reasons = set(Return.objects.exclude(excluded_reason="").values_list("excluded_reason", flat=True))
    assert "stock rotation" in reasons


def test_last_month_arrived_through_the_import_pipeline(demo: DemoContext) -> None:
    """The Data page has a history: last month's files, a rejected first returns file, its fix."""
    month = add_months(month_of(demo.today), -1)
    rel = demo.relationships[TELCO_A]
    batches = list(ImportBatch.objects.filter(relationship=rel).order_by("created_at"))
    assert [(b.kind, b.status, b.file_name) for b in batches] == [
        ("shipments", BatchStatus.SUCCEEDED, f"shipments-{month}.csv"),
        ("returns", BatchStatus.REJECTED, f"returns-{month}.csv"),
        ("returns", BatchStatus.SUCCEEDED, f"returns-{month}.csv"),
    ]
    assert {b.uploaded_by for b in batches} == {demo.people["sam"]}
    assert all(b.created_at < timezone.now() and b.finished_at for b in batches)
    shipped = Shipment.objects.filter(relationship=rel, ship_date__gte=month_start(month)).count()
    assert batches[0].created == shipped > 0
    assert batches[1].error_count == 2
    columns = {column for _row, column, _value, _reason in batches[1].errors}
    assert columns == {"product_code", "received_date"}
    assert (
        batches[2].created
        == Return.objects.filter(relationship=rel, received_date__gte=month_start(month)).count()
    )


def test_the_imported_month_keeps_the_facts_a_full_recount_gives(demo: DemoContext) -> None:
    for slug, rel in demo.relationships.items():
        facts = MonthlyFact.objects.filter(relationship=rel)
        before = sorted(facts.values_list("category", "month", "key", "dim", "value"))
        refresh_all(rel, today=demo.today)
        assert sorted(facts.values_list("category", "month", "key", "dim", "value")) == before, slug


def test_telco_a_has_its_agreed_settings(demo: DemoContext) -> None:
    s = MeasurementSettings.objects.get(relationship=demo.relationships[TELCO_A])
    assert (s.repair_sla_days, s.otd_days_early, s.otd_days_late) == (14, 0, 2)
    assert (s.support_response_critical_h, s.support_response_major_h, s.support_response_minor_h) == (
        1,
        4,
        24,
    )


def test_return_rates_are_low_but_the_bad_quarter_stands_out(demo: DemoContext) -> None:
    eri = rows(demo, "FR.ERI", category=OPTICAL)
    bad = last_months(demo.today, 3, skip=9)  # 11, 10 and 9 months before last month
    before = last_months(demo.today, 9, skip=12)
    after = last_months(demo.today, 6)
    bad_eri, before_eri, after_eri = pooled(eri, bad), pooled(eri, before), pooled(eri, after)
    assert bad_eri is not None and before_eri is not None and after_eri is not None
    assert 1 <= before_eri <= 6 and 1 <= after_eri <= 6
    assert bad_eri > 2 * max(before_eri, after_eri)
    # the other return rates stay in the low single digits
    for measure in ("FR.YRR", "FR.LTR"):
        value = pooled(rows(demo, measure), last_months(demo.today, 12))
        assert value is not None and 0.3 <= value <= 5, measure


def test_deliveries_are_late_around_the_year_end_holidays(demo: DemoContext) -> None:
    oti = {m: r.value for m, r in rows(demo, "OTD.OTI").items() if r.value is not None}
    assert len(oti) == 36
    median = statistics.median(oti.values())
    assert 85 <= median <= 97
    holidays = [m for m in oti if m.endswith(("-12", "-01"))]
    assert len(holidays) == 6
    assert sum(oti[m] < median for m in holidays) >= 5
    assert statistics.mean(oti[m] for m in holidays) < median - 8
    others = [v for m, v in oti.items() if m not in holidays]
    assert sum(80 <= v <= 100 for v in others) >= 0.85 * len(others)


def test_repairs_mostly_come_back_within_two_to_three_weeks(demo: DemoContext) -> None:
    end = span(demo.today)[1]
    rel = demo.relationships[TELCO_A]
    yearly = metrics(rel, start=end, end=end, window=12, category="ALL", measures=["REPAIR.TAT_MEDIAN"])
    assert 9 <= yearly[0].value <= 20
    assert Repair.objects.filter(relationship=rel, shipped_date__isnull=True).exists()
    sla = pooled(rows(demo, "REPAIR.WITHIN_SLA"), last_months(demo.today, 12))
    assert sla is not None and 50 <= sla <= 95


def test_problem_report_rates_are_small(demo: DemoContext) -> None:
    for sev in (1, 2, 3):
        value = pooled(rows(demo, f"NPR.{sev}", category=OPTICAL), last_months(demo.today, 12))
        assert value is not None and value < 0.1, sev
    reports = ProblemReport.objects.filter(relationship=demo.relationships[TELCO_A])
    assert set(reports.values_list("severity", flat=True)) == {1, 2, 3}
    assert reports.exclude(duplicate_of="").exists()
    assert reports.filter(customer_originated=False).exists()


def test_an_overdue_minor_backlog_builds_up(demo: DemoContext) -> None:
    ofr = rows(demo, "OFR.3")
    recent = last_months(demo.today, 6)
    earlier = last_months(demo.today, 12, skip=18)  # 18–29 months before last month
    overdue_recent = [ofr[m].denominator or 0 for m in recent if m in ofr]
    overdue_earlier = [ofr[m].denominator or 0 for m in earlier if m in ofr] or [0]
    assert min(overdue_recent[-3:], default=0) >= 5
    assert statistics.mean(overdue_recent) > 3 * max(statistics.mean(overdue_earlier), 1)
    recent_ofr = pooled(ofr, recent)
    assert recent_ofr is not None and recent_ofr < 35
    frt = rows(demo, "FRT.3")
    recent_frt, earlier_frt = pooled(frt, recent), pooled(frt, earlier)
    assert recent_frt is not None and earlier_frt is not None
    assert recent_frt < earlier_frt - 20
    # the reports behind it: minor, customer-originated, unfixed for more than 180 days
    rel = demo.relationships[TELCO_A]
    overdue = ProblemReport.objects.filter(
        relationship=rel,
        severity=3,
        customer_originated=True,
        duplicate_of="",
        fix_delivered_date__isnull=True,
        received_date__lt=demo.today.replace(day=1) - timedelta(days=181),
    )
    assert overdue.count() >= 5


def test_support_answers_mostly_within_the_targets(demo: DemoContext) -> None:
    end = span(demo.today)[1]
    found = metrics(
        demo.relationships[TELCO_A],
        start=end,
        end=end,
        window=12,
        category="ALL",
        measures=["SUPPORT.FIRST_RESPONSE_WITHIN_SLA", "SUPPORT.FIRST_RESPONSE_MEDIAN_H"],
    )
    by = {(r.measure, r.severity): r.value for r in found}
    assert 70 <= by[("SUPPORT.FIRST_RESPONSE_WITHIN_SLA", "")] <= 95
    assert by[("SUPPORT.FIRST_RESPONSE_MEDIAN_H", "1")] < 1
    assert by[("SUPPORT.FIRST_RESPONSE_MEDIAN_H", "3")] < 24
