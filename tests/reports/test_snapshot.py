"""What a report's snapshot holds: the measures exactly as ``accord metrics`` computes them (monthly and
over the period), the previous period, the agreed targets, the benchmark position, and only what the
customer's members may read of the register and meetings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from accord.measurements.selectors import metrics
from accord.register import services as register
from accord.register.models import ActionItem
from accord.reports import periods, snapshot
from tests.expectations.helpers import agreed
from tests.reports.data import access, definition, operational_year


@pytest.fixture
def year(world: Any) -> Any:
    return operational_year(world)


def _block(data: dict[str, Any], section: str, category: str) -> dict[str, Any]:
    return next(b for b in data["sections"][section]["categories"] if b["category"] == category)


def test_the_monthly_rows_are_the_metrics_of_the_same_months(year: Any) -> None:
    data = snapshot.take(definition(year, history_months=12), "2026-Q3")
    assert data["history"][0] == "2025-10" and data["history"][-1] == "2026-09"
    expected = {
        (v.measure, v.month, v.category): [v.numerator, v.denominator, v.value]
        for v in metrics(year.nw_ta, start="2025-10", end="2026-09")
        if not v.severity
    }
    found = {}
    for key in snapshot.MEASURE_SECTIONS:
        for block in data["sections"][key]["categories"]:
            for row in block["monthly"]:
                found[(row[0], row[1], row[2])] = row[3:6]
    assert found and found == {k: v for k, v in expected.items() if k in found}
    assert {k[0] for k in found} >= {"FR.ERI", "OTD.OTI", "REPAIR.TAT_MEAN", "NPR.2", "SUPPORT.OPENED"}


def test_the_period_value_pools_the_quarter_and_compares_with_the_one_before(year: Any) -> None:
    data = snapshot.take(definition(year), "2026-Q3")
    block = _block(data, "delivery", "ALL")
    rolling = {(v.measure, v.month): v for v in metrics(year.nw_ta, start="2026-06", end="2026-09", window=3)}
    now, before = block["period"]["OTD.OTI"], block["previous"]["OTD.OTI"]
    assert now[3:6] == [
        rolling["OTD.OTI", "2026-09"].numerator,
        rolling["OTD.OTI", "2026-09"].denominator,
        rolling["OTD.OTI", "2026-09"].value,
    ]
    assert before[3:6] == [
        rolling["OTD.OTI", "2026-06"].numerator,
        rolling["OTD.OTI", "2026-06"].denominator,
        rolling["OTD.OTI", "2026-06"].value,
    ]
    assert now[4] == 3  # three order lines in the quarter: numerators and denominators are summed


def test_a_monthly_report_shows_the_month(year: Any) -> None:
    data = snapshot.take(
        definition(year, period="monthly", first_period="2026-01", sections=["repair"]), "2026-05"
    )
    assert list(data["sections"]) == ["repair"] and data["months"] == ["2026-05"]
    row = _block(data, "repair", "ALL")["period"]["REPAIR.TAT_MEAN"]
    assert row[1] == "2026-05" and row[6] == 1


def test_chosen_categories_replace_the_pooled_view(year: Any) -> None:
    data = snapshot.take(definition(year, categories=["3.2.1"], sections=["returns"]), "2026-Q3")
    assert [b["category"] for b in data["sections"]["returns"]["categories"]] == ["3.2.1"]
    assert data["categories"] == {"3.2.1": "Optical transport"}


def test_agreed_targets_are_judged_on_the_period(year: Any) -> None:
    agreed(year)  # OTD.OTI at least 95, monthly
    data = snapshot.take(definition(year), "2026-Q3")
    targets = _block(data, "delivery", "ALL")["targets"]
    assert [(t["measure"], t["window"], t["target"], t["met"]) for t in targets] == [
        ("OTD.OTI", 1, 95.0, False)
    ]
    assert not snapshot.take(definition(year, compare_targets=False), "2026-Q3")["sections"]["delivery"][
        "categories"
    ][0]["targets"]


def test_the_benchmark_position_follows_the_measure_direction() -> None:
    assert snapshot.position("FR.YRR", 0.4, 0.5, 2.0, 6.0) == "best"  # lower is better
    assert snapshot.position("FR.YRR", 1.5, 0.5, 2.0, 6.0) == "above"
    assert snapshot.position("FR.YRR", 3.0, 0.5, 2.0, 6.0) == "below"
    assert snapshot.position("FR.YRR", 7.0, 0.5, 2.0, 6.0) == "worst"
    assert snapshot.position("OTD.OTI", 99.0, 98.0, 90.0, 70.0) == "best"  # higher is better
    assert snapshot.position("OTD.OTI", 80.0, 98.0, 90.0, 70.0) == "below"
    assert snapshot.position("SUPPORT.OPENED", 3.0, 1.0, 2.0, 3.0) == ""  # no better or worse
    assert snapshot.position("FR.YRR", None, 0.5, 2.0, 6.0) == ""


def test_the_register_section_never_holds_a_private_item(year: Any) -> None:
    in_q3 = datetime(2026, 8, 1, tzinfo=UTC)
    theirs = register.create_item(
        access=access(year, year.carol),
        title="Telco A only: budget for the swap",
        visibility="private",
        owner_side="customer",
    )
    ActionItem.objects.filter(pk__in=[year.item.pk, year.private_item.pk, theirs.pk]).update(created_at=in_q3)
    data = snapshot.take(definition(year, sections=["register"]), "2026-Q3")
    shown = data["sections"]["register"]
    assert [i["title"] for i in shown["items"]] == ["Root-cause the line card returns"]
    assert (shown["opened"], shown["open_at_end"]) == (1, 1)
    assert "margin impact" not in str(data) and "budget for the swap" not in str(data)  # either side's own


@pytest.mark.parametrize(
    ("period", "months", "previous", "label"),
    [
        ("2026-Q1", ["2026-01", "2026-02", "2026-03"], "2025-Q4", "Q1 2026"),
        ("2026-Q4", ["2026-10", "2026-11", "2026-12"], "2026-Q3", "Q4 2026"),
        ("2026-01", ["2026-01"], "2025-12", "January 2026"),
    ],
)
def test_periods(period: str, months: list[str], previous: str, label: str) -> None:
    assert periods.months_of(period) == months
    assert periods.shift(period, -1) == previous and periods.shift(previous, 1) == period
    assert periods.label(period) == label


def test_the_latest_due_period_waits_for_the_days_after_its_end() -> None:
    from datetime import date

    assert periods.latest_due("quarterly", date(2026, 10, 1), 1) == "2026-Q3"
    assert periods.latest_due("quarterly", date(2026, 9, 30), 1) == "2026-Q2"
    assert periods.latest_due("quarterly", date(2026, 10, 5), 5) == "2026-Q3"
    assert periods.latest_due("quarterly", date(2026, 10, 4), 5) == "2026-Q2"
    assert periods.latest_due("monthly", date(2026, 3, 1), 0) == "2026-02"
    assert periods.between("2026-Q3", "2027-Q1") == ["2026-Q3", "2026-Q4", "2027-Q1"]
    assert periods.between("2026-Q3", "2026-Q2") == []
