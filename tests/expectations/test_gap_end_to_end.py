"""The issue's loop through the real import: a month that breaks an agreed target opens a gap; months
that meet it again make it improving, then close it after ``close_after`` periods."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import time_machine
from django.core import mail

from accord.expectations.models import Assessment, Gap
from tests.expectations.helpers import agreed
from tests.operations.helpers import csv_file, do_import

ORDER = ["order_id", "line", "product_code", "quantity", "requested_date", "promised_date", "delivered_date",
         "delivered_quantity", "early_accepted"]  # fmt: skip


def lines(month: str, on_time: int, late: int) -> list[list[str]]:
    rows = []
    for n in range(on_time + late):
        day = f"{month}-10"
        delivered = day if n < on_time else f"{month}-20"
        rows.append([f"PO-{month}", str(n + 1), "NW-OTX-100", "1", day, "", delivered, "1", ""])
    return rows


def imported(world: Any, tmp_path: Any, capture: Any, name: str, rows: list[list[str]]) -> None:
    with capture(execute=True):
        result = do_import(world, "order-lines", csv_file(tmp_path, ORDER, rows, name))
    assert result.errors == []


def test_a_missed_month_opens_a_gap_and_met_months_close_it(
    world: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any, as_user: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(datetime(2026, 3, 15, 12, tzinfo=UTC)):
        expectation = agreed(world, owner=world.sam)  # OTI ≥ 95 %, in force from February
        mail.outbox.clear()
        imported(world, tmp_path, capture, "feb.csv", lines("2026-02", 8, 2))
        scorecard = as_user(world.vic).get("/r/northwind-telco-a/scorecard/").content.decode()
    assert "0 of 1 expectations met in 2026-02" in scorecard and "1 open gap" in scorecard
    gap = Gap.objects.get(expectation=expectation)
    assert (gap.status, gap.since, gap.value, gap.target, gap.size) == ("open", "2026-02", 80.0, 95.0, 15.0)
    february = Assessment.objects.get(expectation=expectation, month="2026-02")
    assert (february.result, february.numerator, february.denominator) == ("not_met", 8, 10)

    with time_machine.travel(datetime(2026, 4, 15, 12, tzinfo=UTC)):
        imported(world, tmp_path, capture, "mar.csv", lines("2026-03", 10, 0))
    gap.refresh_from_db()
    assert (gap.status, gap.met_streak, gap.trend) == ("improving", 1, "better")

    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=UTC)):
        imported(world, tmp_path, capture, "apr-may.csv", lines("2026-04", 10, 0) + lines("2026-05", 19, 1))
    gap.refresh_from_db()
    assert (gap.status, gap.closed_month, gap.met_streak) == ("closed", "2026-05", 3)

    with time_machine.travel(datetime(2026, 7, 15, 12, tzinfo=UTC)):
        imported(world, tmp_path, capture, "jun.csv", lines("2026-06", 1, 1))
    gap.refresh_from_db()
    assert (gap.status, gap.times_opened, gap.since) == ("open", 2, "2026-06")


def test_the_owner_hears_of_a_new_gap(
    world: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(datetime(2026, 3, 15, 12, tzinfo=UTC)):
        expectation = agreed(world, owner=world.sam)
        with django_capture_on_commit_callbacks(execute=True):
            do_import(world, "order-lines", csv_file(tmp_path, ORDER, lines("2026-02", 1, 1)))
    gap_mail = [m for m in mail.outbox if "a gap opened" in m.subject]
    assert [m.to for m in gap_mail] == [[world.sam.email]]
    assert expectation.reference in gap_mail[0].subject
    assert "50.0" in gap_mail[0].body and "95.0" in gap_mail[0].body
