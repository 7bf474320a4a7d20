"""Repairs, order lines, problem reports and support tickets: stored rows, date order, facts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from accord.operations.models import OrderLine, ProblemReport, Repair, SupportTicket
from tests.operations.helpers import csv_file, do_import, facts, where, xlsx_file

REPAIR = ["repair_id", "product_code", "received_date", "shipped_date", "return_id", "finding"]
ORDER = ["order_id", "line", "product_code", "quantity", "requested_date", "promised_date", "delivered_date",
         "delivered_quantity", "early_accepted"]  # fmt: skip
REPORT = ["report_id", "received_date", "severity", "product_code", "fix_delivered_date", "closed_date",
          "customer_originated", "duplicate_of", "title"]  # fmt: skip
TICKET = [
    "ticket_id",
    "opened_at",
    "severity",
    "product_code",
    "first_response_at",
    "resolved_at",
    "category",
]


def test_it_imports_repairs(world: Any, tmp_path: Any) -> None:
    rows = [
        ["REP-1", "NW-OTX-100", "2026-01-10", "2026-01-24", "R-1", "laser replaced"],
        ["REP-2", "NW-OTX-100", "2026-01-20", "", "", ""],
    ]
    result = do_import(world, "repairs", csv_file(tmp_path, REPAIR, rows))
    assert (result.created, result.errors) == (2, [])
    fields = ("repair_id", "product__code", "received_date", "shipped_date", "return_id", "finding")
    assert list(Repair.objects.order_by("repair_id").values_list(*fields)) == [
        ("REP-1", "NW-OTX-100", date(2026, 1, 10), date(2026, 1, 24), "R-1", "laser replaced"),
        ("REP-2", "NW-OTX-100", date(2026, 1, 20), None, "", ""),
    ]
    assert facts(world, "repair_tat") == {("2026-01", "14"): 1.0}
    assert facts(world, "repair_backlog")[("2026-01", "")] == 1.0


def test_a_repair_shipped_back_before_it_was_received_is_an_error(world: Any, tmp_path: Any) -> None:
    rows = [["REP-1", "NW-OTX-100", "2026-01-10", "2026-01-09", "", ""]]
    result = do_import(world, "repairs", csv_file(tmp_path, REPAIR, rows))
    assert where(result) == [(2, "shipped_date")]
    assert result.errors[0].value == "2026-01-09"
    assert "2026-01-10" in result.errors[0].reason
    assert Repair.objects.count() == 0


def test_it_imports_order_lines_with_a_two_part_key(world: Any, tmp_path: Any) -> None:
    rows = [
        ["PO-1", "10", "NW-OTX-100", "5", "2026-02-01", "2026-02-03", "2026-02-01", "5", ""],
        ["PO-1", "20", "NW-OTX-100", "2", "2026-02-01", "", "2026-01-25", "", "yes"],
        ["PO-2", "10", "NW-OTX-100", "1", "2026-02-15", "", "", "", ""],
    ]
    result = do_import(world, "order-lines", csv_file(tmp_path, ORDER, rows))
    assert (result.created, result.errors) == (3, [])
    fields = ("order_id", "line", "quantity", "requested_date", "promised_date", "delivered_date",
              "delivered_quantity", "early_accepted")  # fmt: skip
    assert list(OrderLine.objects.order_by("order_id", "line").values_list(*fields)) == [
        ("PO-1", "10", 5, date(2026, 2, 1), date(2026, 2, 3), date(2026, 2, 1), 5, False),
        ("PO-1", "20", 2, date(2026, 2, 1), None, date(2026, 1, 25), None, True),
        ("PO-2", "10", 1, date(2026, 2, 15), None, None, None, False),
    ]
    assert facts(world, "otd_on_time", dim="crd") == {("2026-02", "crd"): 2.0}
    rows[1][8] = "no"  # the early delivery is no longer accepted: one line changes
    again = do_import(world, "order-lines", csv_file(tmp_path, ORDER, rows, "again.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert facts(world, "otd_on_time", dim="crd") == {("2026-02", "crd"): 1.0}


def test_order_line_rules(world: Any, tmp_path: Any) -> None:
    rows = [
        ["PO-1", "10", "NW-OTX-100", "5", "2026-02-01", "", "", "5", ""],  # delivered quantity, no date
        ["PO-1", "10", "NW-OTX-100", "5", "2026-02-01", "", "", "", "maybe"],  # repeated key; not a boolean
        ["PO-2", "x" * 21, "NW-OTX-100", "5", "2026-02-01", "", "", "", ""],  # line too long
    ]
    result = do_import(world, "order-lines", csv_file(tmp_path, ORDER, rows))
    assert where(result) == [(2, "delivered_quantity"), (3, "order_id"), (3, "early_accepted"), (4, "line")]
    assert "(PO-1, 10) appears twice" in result.errors[1].reason
    assert OrderLine.objects.count() == 0


def test_it_imports_problem_reports_with_severity_words_or_numbers(world: Any, tmp_path: Any) -> None:
    rows = [
        ["PR-1", "2026-01-05", "major", "NW-OTX-100", "2026-01-20", "2026-01-25", "", "", "Alarm storm"],
        ["PR-2", "2026-01-06", "3", "NW-OTX-100", "", "", "false", "", ""],
        ["PR-3", "2026-01-07", "Critical", "NW-OTX-100", "", "", "", "PR-1", ""],
    ]
    result = do_import(world, "problem-reports", csv_file(tmp_path, REPORT, rows))
    assert (result.created, result.errors) == (3, [])
    fields = ("report_id", "received_date", "severity", "fix_delivered_date", "closed_date",
              "customer_originated", "duplicate_of", "title")  # fmt: skip
    assert list(ProblemReport.objects.order_by("report_id").values_list(*fields)) == [
        ("PR-1", date(2026, 1, 5), 2, date(2026, 1, 20), date(2026, 1, 25), True, "", "Alarm storm"),
        ("PR-2", date(2026, 1, 6), 3, None, None, False, "", ""),
        ("PR-3", date(2026, 1, 7), 1, None, None, True, "PR-1", ""),
    ]
    # only customer-originated, non-duplicate reports count
    assert facts(world, "npr") == {("2026-01", "2"): 1.0}
    assert facts(world, "fix_days") == {("2026-01", "2:15"): 1.0}


def test_problem_report_rules(world: Any, tmp_path: Any) -> None:
    rows = [
        ["PR-1", "2026-01-05", "4", "NW-OTX-100", "2026-01-04", "2026-01-01", "", "PR-1", ""],
        ["PR-2", "2026-01-05", "", "", "", "", "", "", ""],
    ]
    result = do_import(world, "problem-reports", csv_file(tmp_path, REPORT, rows))
    assert where(result) == [
        (2, "severity"),
        (2, "fix_delivered_date"),
        (2, "closed_date"),
        (2, "duplicate_of"),
        (3, "severity"),
        (3, "product_code"),
    ]
    assert result.errors[0].reason.startswith("'4' is not a severity")
    assert ProblemReport.objects.count() == 0


def test_it_imports_support_tickets_in_utc(world: Any, tmp_path: Any) -> None:
    rows = [
        [
            "T-1",
            "2026-01-31T23:30:00+01:00",
            "minor",
            "",
            "2026-01-31T23:45:00+01:00",
            "2026-02-02T10:00:00Z",
            "How-to",
        ],
        ["T-2", "2026-02-03 08:00:00", "1", "NW-OTX-100", "", "", ""],
    ]
    result = do_import(world, "support-tickets", csv_file(tmp_path, TICKET, rows))
    assert (result.created, result.errors) == (2, [])
    fields = (
        "ticket_id",
        "opened_at",
        "severity",
        "product__code",
        "first_response_at",
        "resolved_at",
        "category",
    )
    assert list(SupportTicket.objects.order_by("ticket_id").values_list(*fields)) == [
        ("T-1", datetime(2026, 1, 31, 22, 30, tzinfo=UTC), 3, None, datetime(2026, 1, 31, 22, 45, tzinfo=UTC),
         datetime(2026, 2, 2, 10, 0, tzinfo=UTC), "How-to"),
        ("T-2", datetime(2026, 2, 3, 8, 0, tzinfo=UTC), 1, "NW-OTX-100", None, None, ""),
    ]  # fmt: skip
    assert facts(world, "support_opened") == {("2026-01", "3"): 1.0, ("2026-02", "1"): 1.0}
    again = do_import(world, "support-tickets", csv_file(tmp_path, TICKET, rows, "again.csv"))
    assert (again.updated, again.unchanged) == (0, 2)


def test_support_ticket_rules(world: Any, tmp_path: Any) -> None:
    rows = [
        ["T-1", "2026-01-31", "minor", "", "", "", ""],  # a date without a time
        [
            "T-2",
            "2026-01-31T10:00:00Z",
            "major",
            "NW-NOPE",
            "2026-01-31T09:00:00Z",
            "2026-01-30T10:00:00Z",
            "",
        ],
        ["T-3", "yesterday", "2", "", "", "", ""],
    ]
    result = do_import(world, "support-tickets", csv_file(tmp_path, TICKET, rows))
    assert where(result) == [
        (2, "opened_at"),
        (3, "product_code"),
        (3, "first_response_at"),
        (3, "resolved_at"),
        (4, "opened_at"),
    ]
    assert SupportTicket.objects.count() == 0


def test_it_imports_problem_reports_from_xlsx(world: Any, tmp_path: Any) -> None:
    path = xlsx_file(
        tmp_path, REPORT, [["PR-1", date(2026, 1, 5), 2, "NW-OTX-100", None, None, True, None, "X"]]
    )
    result = do_import(world, "problem-reports", path)
    assert result.ok, result.errors
    assert ProblemReport.objects.get().customer_originated is True
