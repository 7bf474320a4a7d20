"""Every number on the Measurements page drills down to exactly the records behind it.

The demo's 36 months of operational data (built once for the module, rolled back at its end) plus a few
hand-made edge cases: for every measure, several months, the pooled ALL and single categories, the
drill-down's records give the stored numerator and denominator (their count, or the sum of their
quantities where the number is units) and, for medians, means, percentiles and ages, the value itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from accord.lib.demo import DemoContext
from accord.lib.months import add_months, month_end, month_of, month_range, month_start
from accord.measurements import definitions
from accord.measurements.drilldown import _RELATIVE, AT_MONTH_END, Drill, drill, total
from accord.measurements.engine import Value
from accord.measurements.selectors import metrics
from accord.measurements.services import refresh_all, settings_for
from accord.operations.models import ProblemReport, SupportTicket
from accord.parties.models import Product, Relationship
from tests.conftest import DEMO_DAY, demo_built_for

TELCO_A = "northwind-telco-a"
OPTICAL, RADIO = "3.2.1", "3.3.1"  # normalized by units shipped in 12 months / by installed units
SEVERITIES = ("", "1", "2", "3")


@dataclass
class Demo:
    ctx: DemoContext
    rel: Relationship
    edge: str  # the month of the hand-made edge cases
    end: str  # the demo's last month

    def month(self, back: int) -> str:
        return add_months(self.end, -back)


def _at(day: date, hour: int, **delta: float) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC) + timedelta(**delta)


def add_edge_cases(rel: Relationship, edge: str, today: date) -> None:
    """In month ``edge`` (3.2.1, major threshold 30 days, major response target 4 hours): a duplicate
    and an internally raised report, both overdue and fixed in the month; a report fixed on the
    month's first day after being overdue since the month before; one fixed on its first overdue day;
    a ticket never answered, one answered exactly at the target and one a second after it."""
    product = Product.objects.get(supplier=rel.supplier, code="NW-OTX-100")
    first = month_start(edge)
    reports = [  # id, severity, received, fixed, customer-originated, duplicate of
        ("EDGE-ORIG", 2, first - timedelta(days=45), first + timedelta(days=4), True, ""),
        ("EDGE-DUP", 2, first - timedelta(days=44), first + timedelta(days=4), True, "EDGE-ORIG"),
        ("EDGE-INTERNAL", 3, first - timedelta(days=200), first + timedelta(days=5), False, ""),
        ("EDGE-FIRSTDAY", 2, first - timedelta(days=40), first, True, ""),
        ("EDGE-ONTHEDAY", 2, first + timedelta(days=2 - 31), first + timedelta(days=2), True, ""),
    ]
    ProblemReport.objects.bulk_create(
        ProblemReport(
            relationship=rel,
            report_id=rid,
            severity=sev,
            product=product,
            received_date=received,
            fix_delivered_date=fixed,
            customer_originated=customer,
            duplicate_of=duplicate_of,
            title=rid,
        )
        for rid, sev, received, fixed, customer, duplicate_of in reports
    )
    day = first + timedelta(days=3)
    tickets = [  # id, opened, first response, resolved
        ("EDGE-T-SILENT", _at(day, 10), None, None),
        ("EDGE-T-ATTARGET", _at(day, 9), _at(day, 9, hours=4), _at(day, 9, hours=6)),
        ("EDGE-T-JUSTLATE", _at(day, 11), _at(day, 11, hours=4, seconds=1), _at(day, 11, hours=7)),
    ]
    SupportTicket.objects.bulk_create(
        SupportTicket(
            relationship=rel,
            ticket_id=tid,
            severity=2,
            product=product,
            opened_at=opened,
            first_response_at=answered,
            resolved_at=resolved,
        )
        for tid, opened, answered, resolved in tickets
    )
    refresh_all(rel, today=today)


@pytest.fixture(scope="module")
def demo_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Demo]:
    """The demo with the edge cases, built once for this module for a fixed day, in a transaction rolled
    back at its end."""
    with django_db_blocker.unblock(), demo_built_for(DEMO_DAY) as ctx:
        rel = ctx.relationships[TELCO_A]
        end = add_months(month_of(ctx.today), -1)
        edge = add_months(end, -2)
        add_edge_cases(rel, edge, ctx.today)
        yield Demo(ctx, rel, edge, end)


@pytest.fixture
def demo(demo_world: Demo, db: Any) -> Demo:
    return demo_world


# --------------------------------------------------------------------------------------------- helpers
def drilled(
    demo: Demo,
    measure: str,
    month: str,
    category: str,
    part: str,
    severity: str = "",
    first: str | None = None,
) -> Drill:
    return drill(
        demo.rel,
        measure=measure,
        month=month,
        category=category,
        part=part,
        settings=settings_for(demo.rel),
        today=demo.ctx.today,
        severity=severity,
        first=first,
    )


def records(demo: Demo, measure: str, month: str, category: str, part: str, severity: str = "") -> list[Any]:
    return list(drilled(demo, measure, month, category, part, severity).rows)


def hours(start: datetime, end: datetime) -> int:
    """Whole hours, rounded down (as the support facts keep them)."""
    return math.floor((end - start).total_seconds() / 3600)


def observations(measure: str, rows: list[Any]) -> list[int]:
    """What a distribution's value is computed from, read off the records themselves."""
    if measure.startswith("REPAIR."):
        return [(r.shipped_date - r.received_date).days for r in rows]
    # (a ticket without the time is no observation: listing it makes the count wrong, checked apart)
    if measure == "SUPPORT.FIRST_RESPONSE_MEDIAN_H":
        return [hours(r.opened_at, r.first_response_at) for r in rows if r.first_response_at]
    return [hours(r.opened_at, r.resolved_at) for r in rows if r.resolved_at]


def statistic(measure: str, xs: list[int]) -> float:
    xs = sorted(xs)
    if measure.endswith("MEAN"):
        return sum(xs) / len(xs)
    if measure.endswith("P90"):
        return float(xs[math.ceil(0.9 * len(xs)) - 1])
    mid = len(xs) // 2
    return float(xs[mid]) if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def number(measure: str, part: str, month: str, rows: list[Any]) -> float:
    """The number the records give: units summed where the number counts units, otherwise records
    counted; a mean's numerator sums the days, the oldest open repair is the largest age."""
    if measure.startswith("FR.") or (measure.startswith("NPR.") and part == "denominator"):
        return sum(r.quantity for r in rows)
    if measure == "REPAIR.TAT_MEAN" and part == "numerator":
        return sum(observations(measure, rows))
    if measure == "REPAIR.BACKLOG_OLDEST_DAYS":
        return max(((month_end(month) - r.received_date).days for r in rows), default=0)
    return len(rows)


def severities(code: str) -> tuple[str, ...]:
    return SEVERITIES if definitions.measure(code).per_severity else ("",)


def ids(rows: list[Any]) -> set[str]:
    return {getattr(r, "report_id", None) or getattr(r, "ticket_id", "") for r in rows}


# ----------------------------------------------------------------------------------------------- tests
@pytest.mark.parametrize("back", [0, 1, 2, 3, 7, 19])
@pytest.mark.parametrize("category", ["ALL", OPTICAL, RADIO])
def test_every_number_drills_down_to_exactly_the_records_behind_it(
    demo: Demo, category: str, back: int
) -> None:
    month = demo.month(back)
    stored: dict[tuple[str, str], Value] = {
        (r.measure, r.severity): r for r in metrics(demo.rel, start=month, end=month, category=category)
    }
    assert len(stored) >= 20, "the demo has data of most measures in every month"
    checked, wrong = 0, []
    for code in definitions.MEASURES:
        for sev in severities(code):
            row = stored.get((code, sev))
            where = f"{code} sev {sev or '-'} {month} {category}"
            for part in ("numerator", "denominator"):
                found = records(demo, code, month, category, part, sev)
                if row is None:  # no value: nothing was counted
                    if found:
                        wrong.append(f"{where} {part}: {len(found)} records behind no number")
                    continue
                expected = row.numerator if part == "numerator" else row.denominator
                if expected is None:
                    continue
                if number(code, part, month, found) != pytest.approx(expected):
                    wrong.append(
                        f"{where} {part}: records give {number(code, part, month, found)}, not {expected}"
                    )
                checked += 1
            if row is not None and definitions.measure(code).kind == "distribution":
                found = records(demo, code, month, category, "denominator", sev)
                if statistic(code, observations(code, found)) != pytest.approx(row.value):
                    wrong.append(f"{where}: the records give {statistic(code, observations(code, found))}")
    assert wrong == []
    assert checked >= 30


@pytest.mark.parametrize("window", [3, 12])
@pytest.mark.parametrize("category", ["ALL", RADIO])
def test_a_rolling_value_drills_down_to_the_records_of_every_month_of_its_window(
    demo: Demo, category: str, window: int
) -> None:
    """The records of each month of the window in turn, each with the month it counts in, so they give
    the pooled numerator and denominator; a backlog's rolling value is its last month's."""
    month = demo.edge
    window_months = month_range(add_months(month, -(window - 1)), month)
    stored = metrics(demo.rel, start=month, end=month, category=category, window=window)
    assert len(stored) >= 20
    for row in stored:
        where = f"{row.measure} sev {row.severity or '-'} {category} rolling {window}"
        for part, expected in (("numerator", row.numerator), ("denominator", row.denominator)):
            if expected is None:
                continue
            found = drilled(demo, row.measure, month, category, part, row.severity, first=window_months[0])
            assert found.months == ([month] if row.measure in AT_MONTH_END else window_months), where
            if found.quantity == "quantity":  # units: tens of thousands of rows over 12 months, summed
                assert total(found) == pytest.approx(expected), f"{where} {part}"
                continue
            listed = list(found.rows)
            assert number(row.measure, part, month, listed) == pytest.approx(expected), f"{where} {part}"
            assert total(found) == pytest.approx(expected if found.quantity else len(listed)), where
            if len(found.months) > 1:
                assert found.columns[0] == ("Month", "counted_in")
                assert {r.counted_in for r in listed} <= set(window_months), where
        if definitions.measure(row.measure).kind == "distribution":
            found = drilled(demo, row.measure, month, category, "denominator", row.severity, window_months[0])
            assert statistic(row.measure, observations(row.measure, list(found.rows))) == pytest.approx(
                row.value
            ), where


def test_a_record_counted_in_several_months_of_a_window_is_listed_once_for_each(demo: Demo) -> None:
    """EDGE-FIRSTDAY was overdue in the month before the edge month and in the edge month itself."""
    first = add_months(demo.edge, -1)
    found = list(drilled(demo, "OFR.2", demo.edge, OPTICAL, "denominator", first=first).rows)
    assert sorted(r.counted_in for r in found if r.report_id == "EDGE-FIRSTDAY") == [first, demo.edge]


def test_reports_that_are_not_counted_are_not_listed(demo: Demo) -> None:
    """A duplicate and an internally raised report count nowhere; the original of the duplicate does."""
    month = demo.edge
    fixes = ids(records(demo, "FRT.2", month, OPTICAL, "denominator"))
    assert "EDGE-ORIG" in fixes and "EDGE-DUP" not in fixes
    assert "EDGE-INTERNAL" not in ids(records(demo, "FRT.3", month, OPTICAL, "denominator"))
    for code in ("OFR.2", "OFR.3"):
        for part in ("numerator", "denominator"):
            listed = ids(records(demo, code, month, "ALL", part))
            assert not listed & {"EDGE-DUP", "EDGE-INTERNAL"}, (code, part)
    assert "EDGE-ORIG" in ids(records(demo, "OFR.2", month, "ALL", "numerator"))


def test_a_report_is_overdue_up_to_and_including_the_day_its_fix_is_delivered(demo: Demo) -> None:
    month, before = demo.edge, add_months(demo.edge, -1)
    for part in ("numerator", "denominator"):
        listed = ids(records(demo, "OFR.2", month, OPTICAL, part))
        assert {"EDGE-FIRSTDAY", "EDGE-ONTHEDAY"} <= listed, part  # fixed late, on the 1st and 3rd
    assert "EDGE-FIRSTDAY" in ids(records(demo, "OFR.2", before, OPTICAL, "denominator"))
    assert "EDGE-FIRSTDAY" not in ids(records(demo, "OFR.2", before, OPTICAL, "numerator"))
    assert "EDGE-ONTHEDAY" not in ids(records(demo, "OFR.2", before, OPTICAL, "denominator"))
    on_time = ids(records(demo, "FRT.2", month, OPTICAL, "numerator"))
    assert not on_time & {"EDGE-FIRSTDAY", "EDGE-ONTHEDAY", "EDGE-ORIG"}


def test_first_responses_count_the_answered_tickets_and_the_target_to_the_second(demo: Demo) -> None:
    """Within the target means at most the target (to the second): a ticket answered exactly at it is
    within, one a second later is not, though both took 4 whole hours; one never answered is neither."""
    month = demo.edge
    for sev in ("2", ""):
        answered = ids(records(demo, "SUPPORT.FIRST_RESPONSE_WITHIN_SLA", month, OPTICAL, "denominator", sev))
        within = ids(records(demo, "SUPPORT.FIRST_RESPONSE_WITHIN_SLA", month, OPTICAL, "numerator", sev))
        assert {"EDGE-T-ATTARGET", "EDGE-T-JUSTLATE"} <= answered and "EDGE-T-SILENT" not in answered
        assert "EDGE-T-ATTARGET" in within and "EDGE-T-JUSTLATE" not in within
        median = ids(records(demo, "SUPPORT.FIRST_RESPONSE_MEDIAN_H", month, OPTICAL, "denominator", sev))
        assert "EDGE-T-SILENT" not in median and "EDGE-T-ATTARGET" in median
        opened = ids(records(demo, "SUPPORT.OPENED", month, OPTICAL, "numerator", sev))
        assert {"EDGE-T-SILENT", "EDGE-T-ATTARGET", "EDGE-T-JUSTLATE"} <= opened
    backlog = ids(records(demo, "SUPPORT.BACKLOG", demo.end, "ALL", "numerator", "2"))
    assert "EDGE-T-SILENT" in backlog and "EDGE-T-ATTARGET" not in backlog


# ------------------------------------------------------------------------------------ through the page
RECORDS = f"/r/{TELCO_A}/measurements/records/"
ONE_PER_FAMILY = [  # measure, part, severity
    ("FR.ERI", "denominator", ""),
    ("OTD.OTIP", "numerator", ""),
    ("REPAIR.TAT_MEDIAN", "denominator", ""),
    ("NPR.2", "denominator", ""),
    ("FRT.2", "denominator", ""),
    ("OFR.2", "numerator", ""),
    ("SUPPORT.FIRST_RESPONSE_WITHIN_SLA", "numerator", "2"),
]


def cells_of_first_column(body: str) -> list[str]:
    table = body[body.index('data-testid="records"') :]
    rows = table[table.index("<tbody>") : table.index("</tbody>")].split("<tr>")[1:]
    return [row.split("<td>")[1].split("</td>")[0] for row in rows]


@pytest.mark.parametrize(("measure", "part", "severity"), ONE_PER_FAMILY)
@pytest.mark.parametrize("window", [1, 3])
def test_the_records_page_shows_the_records_behind_the_number(
    demo: Demo, client: Any, measure: str, part: str, severity: str, window: int
) -> None:
    month = demo.edge
    first = add_months(month, -(window - 1))
    row = next(
        r
        for r in metrics(demo.rel, start=month, end=month, category="ALL", window=window, measures=[measure])
        if r.severity == severity
    )
    expected = row.numerator if part == "numerator" else row.denominator
    query = {"measure": measure, "month": month, "category": "ALL", "part": part, "severity": severity}
    if window > 1:
        query["first"] = first
    client.force_login(demo.ctx.people["carol"])
    response = client.get(f"{RECORDS}?{urlencode(query)}")
    assert response.status_code == 200
    body, context = response.content.decode(), response.context
    found = drilled(demo, measure, month, "ALL", part, severity, first if window > 1 else None)
    count = len(found.rows)
    assert context["page"].paginator.count == count and f"{count} records" in body
    if found.quantity:
        assert context["total"] == pytest.approx(expected)
        assert f"Total {context['total_of'].lower()}: {expected:g}" in body
    else:
        assert count == expected
    # the first page lists the first records, with the month each counts in over a window
    shown = cells_of_first_column(body)
    assert len(shown) == min(count, 100)
    if window > 1:
        assert shown[0] in (first, month) and 'data-testid="window-note"' in body
        assert f"{first} … {month}" in body
    else:
        listed = list(found.rows)[:3]
        key = found.columns[0][1]
        assert shown[:3] == [str(getattr(r, key)) for r in listed]


def test_a_range_or_severity_the_records_page_cannot_show_is_not_found(demo: Demo, client: Any) -> None:
    client.force_login(demo.ctx.people["carol"])
    base = f"{RECORDS}?measure=FR.ERI&month={demo.end}&category=ALL&part=numerator"
    assert client.get(f"{base}&first={add_months(demo.end, -11)}").status_code == 200
    for first in (add_months(demo.end, 1), add_months(demo.end, -12), "2026-13", "soon"):
        assert client.get(f"{base}&first={first}").status_code == 404, first
    assert client.get(f"{base}&severity=major").status_code == 404


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Units installed at the end of M", "Units installed at the end of 2026-09"),
        (
            "Returns received in M from units shipped in M-6",
            "Returns received in 2026-09 from units shipped in 2026-03",
        ),
        ("M末時点の設置台数", "2026-09末時点の設置台数"),  # no space between the month and Japanese text
        ("M 말 기준 설치 대수", "2026-09 말 기준 설치 대수"),
        ("MTTR of Mary's items", "MTTR of Mary's items"),  # only a lone M is a month
    ],
)
def test_a_title_s_relative_months_become_dates_in_every_language(title: str, expected: str) -> None:
    assert _RELATIVE.sub(lambda m: add_months("2026-09", -int(m.group(1) or 0)), title) == expected
