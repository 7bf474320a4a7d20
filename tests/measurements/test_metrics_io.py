"""Measurements through the database, the command, the API and the pages (facts kept by refresh)."""

import io
import json
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command

from accord.measurements import services
from accord.measurements.models import MonthlyFact
from accord.measurements.selectors import metrics
from accord.operations.models import Repair, Return
from tests.measurements.records import add, repair, returned, ship_monthly

TODAY = date(2026, 6, 15)


@pytest.fixture
def data(world: Any) -> Any:
    """Telco A: 1,000 units shipped each month Jan–May 2026; in May, 3 returns of April units, 1 of them
    NTF and 1 excluded (stock rotation); 2 repairs shipped back in May after 10 and 30 days."""
    rel, product = world.nw_ta, world.product
    ship_monthly(rel, product, range(1, 6))
    add(
        Return,
        rel,
        product,
        returned("R1", date(2026, 5, 3), date(2026, 4, 5), 2, no_trouble_found=False),
        returned("R2", date(2026, 5, 20), date(2026, 4, 5), 1, no_trouble_found=True),
        returned("R3", date(2026, 5, 21), date(2026, 4, 5), 5, excluded_reason="stock rotation"),
    )
    add(
        Repair,
        rel,
        product,
        repair("P1", date(2026, 5, 1), date(2026, 5, 11)),
        repair("P2", date(2026, 4, 25), date(2026, 5, 25)),
    )
    services.refresh_all(rel, today=TODAY)
    return world


def eri(rows: list[Any], category: str = "3.2.1") -> Any:
    return next(r for r in rows if r.measure == "FR.ERI" and r.month == "2026-05" and r.category == category)


def test_facts_are_stored_and_measures_computed_from_them(data: Any) -> None:
    assert (
        MonthlyFact.objects.filter(relationship=data.nw_ta, key="returns", month="2026-05").get().value == 3
    )
    rows = metrics(data.nw_ta, start="2026-05", end="2026-05")
    # 3 counted returns over the units shipped in Nov–Apr (Jan–Apr here: 4,000).
    row = eri(rows)
    assert (row.numerator, row.denominator) == (3, 4000)
    assert row.value == pytest.approx(100 * 12 * 3 / 4000)
    assert eri(rows, "ALL").value == pytest.approx(row.value)
    ntf = next(r for r in rows if r.measure == "FR.NTF" and r.category == "3.2.1")
    assert (ntf.numerator, ntf.denominator) == (1, 3)
    median = next(r for r in rows if r.measure == "REPAIR.TAT_MEDIAN" and r.category == "3.2.1")
    assert median.value in (10, 20, 30)


def test_the_command_prints_json_csv_and_a_table(data: Any) -> None:
    out = io.StringIO()
    call_command(
        "metrics", relationship="northwind-telco-a", start="2026-05", end="2026-05", format="json", stdout=out
    )
    body = json.loads(out.getvalue())
    assert (body["relationship"], body["from"], body["to"]) == ("northwind-telco-a", "2026-05", "2026-05")
    row = next(r for r in body["rows"] if r["measure"] == "FR.ERI" and r["category"] == "3.2.1")
    assert (row["numerator"], row["denominator"], row["month"]) == (3, 4000, "2026-05")
    csv_out = io.StringIO()
    call_command(
        "metrics",
        relationship="northwind-telco-a",
        start="2026-05",
        end="2026-05",
        format="csv",
        category="ALL",
        stdout=csv_out,
    )
    lines = csv_out.getvalue().splitlines()
    assert lines[0] == "measure,month,category,severity,numerator,denominator,value,partial"
    assert all(",ALL," in line for line in lines[1:])
    assert {line.rsplit(",", 1)[1] for line in lines[1:]} <= {"true", "false"}
    table = io.StringIO()
    call_command("metrics", relationship="northwind-telco-a", start="2026-05", end="2026-05", stdout=table)
    assert "FR.ERI" in table.getvalue()


def test_the_command_refuses_bad_arguments(data: Any) -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="not a month"):
        call_command("metrics", relationship="northwind-telco-a", start="2026-13", end="2026-05")
    with pytest.raises(CommandError, match="No relationship"):
        call_command("metrics", relationship="nope", start="2026-01", end="2026-05")


def test_the_api_answers_the_same_rows(data: Any, as_user: Any) -> None:
    url = f"/api/v1/relationships/{data.nw_ta.pk}/metrics?from=2026-05&to=2026-05&category=3.2.1"
    body = as_user(data.carol).get(url).json()
    row = next(r for r in body["rows"] if r["measure"] == "FR.ERI")
    assert (row["numerator"], row["denominator"]) == (3, 4000) and body["from"] == "2026-05"
    assert isinstance(row["numerator"], int) and isinstance(row["denominator"], int)  # 3, not 3.0
    assert all(r["category"] == "3.2.1" for r in body["rows"])
    bad = as_user(data.carol).get(f"/api/v1/relationships/{data.nw_ta.pk}/metrics?from=May")
    assert bad.status_code == 400
    assert as_user(data.mallory).get(url).status_code == 404


def test_a_ticket_about_no_product_counts_in_all_only(data: Any, as_user: Any) -> None:
    from datetime import UTC, datetime

    from accord.operations.models import SupportTicket

    SupportTicket.objects.create(
        relationship=data.nw_ta, ticket_id="T-NONE", severity=2, opened_at=datetime(2026, 5, 4, 9, tzinfo=UTC)
    )
    services.refresh(data.nw_ta, kind="support-tickets", months={"2026-05"})
    url = f"/api/v1/relationships/{data.nw_ta.pk}/metrics?from=2026-05&to=2026-05"
    rows = as_user(data.carol).get(url).json()["rows"]
    opened = {
        r["category"]: r["value"] for r in rows if r["measure"] == "SUPPORT.OPENED" and "severity" not in r
    }
    assert opened == {"ALL": 1}  # no row of category ""


def test_the_page_shows_values_charts_and_links_to_the_records(data: Any, as_user: Any) -> None:
    body = (
        as_user(data.vic).get("/r/northwind-telco-a/measurements/?start=2026-01&end=2026-05").content.decode()
    )
    assert "FR.ERI" in body and "<svg" in body and "part=numerator" in body
    records = (
        as_user(data.vic)
        .get(
            "/r/northwind-telco-a/measurements/records/?measure=FR.ERI&month=2026-05&category=3.2.1&part=numerator"
        )
        .content.decode()
    )
    # Cells, not bare substrings: the page's CSRF token may contain "R3" by chance.
    assert "<td>R1</td>" in records and "<td>R2</td>" in records
    assert "<td>R3</td>" not in records  # R3 is excluded
    denominator = (
        as_user(data.vic)
        .get(
            "/r/northwind-telco-a/measurements/records/?measure=FR.ERI&month=2026-05&category=ALL&part=denominator"
        )
        .content.decode()
    )
    assert "<td>S1</td>" in denominator and "<td>S4</td>" in denominator
    assert "<td>S5</td>" not in denominator
    assert (
        as_user(data.vic)
        .get("/r/northwind-telco-a/measurements/records/?measure=NOPE&month=2026-05")
        .status_code
        == 404
    )


def test_changing_the_settings_recomputes(data: Any, as_user: Any) -> None:
    rows = metrics(data.nw_ta, start="2026-05", end="2026-05")
    assert not [r for r in rows if r.measure == "REPAIR.WITHIN_SLA"]
    services.update_settings(actor=data.ada, relationship=data.nw_ta, version=1, repair_sla_days=14)
    rows = metrics(data.nw_ta, start="2026-05", end="2026-05")
    sla = next(r for r in rows if r.measure == "REPAIR.WITHIN_SLA" and r.category == "3.2.1")
    assert (sla.numerator, sla.denominator) == (1, 2)
    page = as_user(data.ada).post(
        "/r/northwind-telco-a/measurements/settings/",
        {"version": 2, "frt_major_days": 0, "frt_minor_days": 180, "otd_days_early": 0, "otd_days_late": 0},
    )
    assert page.status_code == 200 and "greater than or equal to 1" in page.content.decode()
    assert (
        as_user(data.sam).post("/r/northwind-telco-a/measurements/settings/", {"version": 2}).status_code
        == 403
    )


def test_the_daily_job_recounts_what_depends_on_today(data: Any) -> None:
    from datetime import UTC, datetime

    from accord.measurements.jobs import recount_current_months
    from accord.operations.models import Repair

    Repair.objects.create(
        relationship=data.nw_ta, repair_id="P3", product=data.product, received_date=date(2026, 5, 28)
    )
    assert (
        recount_current_months(datetime(2026, 6, 2, 3, tzinfo=UTC))
        == "recounted 2 relationships (4 months in all)"
    )
    backlog = MonthlyFact.objects.get(relationship=data.nw_ta, key="repair_backlog", month="2026-05")
    assert backlog.value == 1


def test_the_daily_job_reaches_back_as_far_as_the_late_tolerance(data: Any) -> None:
    """With 45 days' tolerance, a line due on 20 April still undelivered counts late from 5 June on:
    the job of 6 June recounts April."""
    from datetime import UTC, datetime

    from accord.measurements.jobs import recount_current_months
    from accord.operations.models import OrderLine

    services.update_settings(actor=data.ada, relationship=data.nw_ta, version=1, otd_days_late=45)
    OrderLine.objects.create(
        relationship=data.nw_ta,
        order_id="PO-LATE",
        line="1",
        product=data.product,
        quantity=2,
        requested_date=date(2026, 4, 20),
    )
    late = MonthlyFact.objects.filter(relationship=data.nw_ta, key="otd_lines", dim="crd", month="2026-04")
    before = sum(late.values_list("value", flat=True))
    # March to June for Telco A (45 days back from 6 June is April, and the month before), two for Telco B
    assert (
        recount_current_months(datetime(2026, 6, 6, 3, tzinfo=UTC))
        == "recounted 2 relationships (6 months in all)"
    )
    assert sum(late.values_list("value", flat=True)) == before + 1


def test_partial_windows_in_the_api_the_command_and_the_page(data: Any, as_user: Any) -> None:
    # Shipments start in January 2026: May's ERI counts the shipments of Nov–Apr, so its window is partial;
    # the repair turnaround of May needs only May's repairs.
    base = f"/api/v1/relationships/{data.nw_ta.pk}/metrics?from=2026-05&to=2026-05&category=3.2.1"
    body = as_user(data.carol).get(base).json()
    by_measure = {r["measure"]: r for r in body["rows"]}
    assert by_measure["FR.ERI"]["partial"] is True
    assert by_measure["REPAIR.TAT_MEDIAN"]["partial"] is False
    rolling = {r["measure"]: r for r in as_user(data.carol).get(f"{base}&window=3").json()["rows"]}
    assert rolling["REPAIR.TAT_MEDIAN"]["partial"] is True  # repairs start in April: Mar–May reaches before
    assert rolling["REPAIR.TAT_MEDIAN"]["window"] == 3
    assert as_user(data.carol).get(f"{base}&window=5").status_code == 400
    out = io.StringIO()
    call_command(
        "metrics", relationship="northwind-telco-a", start="2026-05", end="2026-05", format="json", stdout=out
    )
    rows = json.loads(out.getvalue())["rows"]
    assert {(r["measure"], r["partial"]) for r in rows if r["category"] == "ALL"} >= {
        ("FR.ERI", True),
        ("REPAIR.TAT_MEDIAN", False),
    }
    page = (
        as_user(data.vic).get("/r/northwind-telco-a/measurements/?start=2026-01&end=2026-05").content.decode()
    )
    # marked by CSS (muted, ◐) and described by the legend; the cell's text stays the number
    marked = 'data-partial="true" title="Partial window" aria-describedby="partial-legend">'
    assert f'<span class="fw-normal" {marked}' in page
    assert 'id="partial-legend"' in page and "Partial window: the value looks back" in page


def test_partial_knows_where_data_started_before_the_months_asked_for(world: Any) -> None:
    """Order lines in January 2025, then from March 2026: the rolling 3 months of April 2026 pool only
    months after the first order line, though the facts of 2025 are not read for them."""
    facts = [("2025-01", 4), ("2026-03", 5), ("2026-04", 6), ("2026-05", 7)]
    MonthlyFact.objects.bulk_create(
        MonthlyFact(relationship=world.nw_ta, category="3.2.1", month=m, key=key, dim="crd", value=n)
        for m, n in facts
        for key in ("otd_lines", "otd_on_time")
    )
    rows = metrics(world.nw_ta, start="2026-04", end="2026-05", category="3.2.1", window=3)
    assert [(r.month, r.numerator, r.partial) for r in rows if r.measure == "OTD.OTI"] == [
        ("2026-04", 11, False),
        ("2026-05", 18, False),
    ]
    rows = metrics(world.nw_ta, start="2025-01", end="2025-02", category="3.2.1", window=3)
    assert [(r.month, r.partial) for r in rows if r.measure == "OTD.OTI"] == [
        ("2025-01", True),
        ("2025-02", True),
    ]


def test_reading_only_what_a_request_needs_changes_no_value(world: Any) -> None:
    """Facts are read for the months and category asked for (and the shipment history): every row equals
    the same row computed from every stored fact."""
    from accord.lib.months import add_months, month_range

    facts = []
    for i, month in enumerate(month_range("2024-01", "2026-05")):
        for cat, offset in (("3.2.1", 0), ("1.2.7", 9)):
            if i < offset:
                continue
            facts += [
                (cat, month, "shipped", "", 100 + i),
                (cat, month, "returns", add_months(month, -2), 1 + i % 3),
                (cat, month, "otd_lines", "crd", 10),
                (cat, month, "otd_on_time", "crd", 8 + i % 2),
                (cat, month, "support_opened", "2", 3),
                (cat, month, "support_resolution", f"2:{i % 7 + 1}", 2),
            ]
    MonthlyFact.objects.bulk_create(
        MonthlyFact(relationship=world.nw_ta, category=c, month=m, key=k, dim=d, value=v)
        for c, m, k, d, v in facts
    )
    everything = {w: metrics(world.nw_ta, start="2024-01", end="2026-05", window=w) for w in (1, 3, 12)}
    for start, end in (("2024-01", "2026-05"), ("2025-03", "2025-06"), ("2024-09", "2024-11")):
        for category in (None, "ALL", "3.2.1", "1.2.7"):
            for w in (1, 3, 12):
                got = metrics(world.nw_ta, start=start, end=end, category=category, window=w)
                want = [
                    r
                    for r in everything[w]
                    if start <= r.month <= end and (category is None or r.category == category)
                ]
                assert got == want, (start, end, category, w)
                assert got, (start, end, category, w)
    assert any(r.partial for r in everything[12]) and not all(r.partial for r in everything[12])
