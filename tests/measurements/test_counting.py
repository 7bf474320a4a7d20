"""Layer 1: raw records -> monthly facts, with hand-computed cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from accord.lib.months import add_months, month_end, month_of, month_range
from accord.measurements.counting import (
    InstalledRec,
    OrderLineRec,
    ProblemReportRec,
    RepairRec,
    ReturnRec,
    ShipmentRec,
    TicketRec,
    count_installed,
    count_order_lines,
    count_problem_reports,
    count_repairs,
    count_returns,
    count_shipments,
    count_tickets,
    merge_facts,
    months_touched_by,
)

D = date
TODAY = D(2010, 6, 15)
THRESHOLDS = {2: 30, 3: 180}


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---------- months
def test_month_helpers() -> None:
    assert add_months("2010-01", -1) == "2009-12"
    assert add_months("2010-01", -19) == "2008-06"
    assert add_months("2009-12", 1) == "2010-01"
    assert month_range("2009-11", "2010-02") == ["2009-11", "2009-12", "2010-01", "2010-02"]
    assert month_range("2010-02", "2010-01") == []
    assert month_of(D(2010, 1, 31)) == "2010-01"
    assert month_end("2008-02") == D(2008, 2, 29)
    with pytest.raises(ValueError):
        add_months("2010-13", 1)


def test_month_of_a_datetime_is_in_utc() -> None:
    from datetime import timedelta, timezone

    plus_two = timezone(timedelta(hours=2))
    assert month_of(datetime(2010, 2, 1, 1, 0, tzinfo=plus_two)) == "2010-01"


# ---------- shipments, returns
def test_it_counts_units_shipped_by_ship_month_only_for_the_given_months() -> None:
    recs = [
        ShipmentRec("a", D(2010, 1, 5), 10),
        ShipmentRec("a", D(2010, 1, 31), 5),
        ShipmentRec("b", D(2010, 1, 2), 7),
        ShipmentRec("a", D(2010, 2, 1), 3),
    ]
    assert count_shipments(recs, {"2010-01"}) == {
        ("a", "2010-01", "shipped", ""): 15,
        ("b", "2010-01", "shipped", ""): 7,
    }


def test_returns_count_when_received_by_ship_month_and_exclusions_do_not_count() -> None:
    recs = [
        ReturnRec("a", D(2010, 1, 20), D(2009, 11, 3), 2),
        ReturnRec("a", D(2010, 1, 21), D(2009, 11, 30), 1, ntf=True),
        ReturnRec("a", D(2010, 1, 22), D(2008, 1, 1), 1, excluded=True),  # stock rotation
        ReturnRec("a", D(2010, 2, 1), D(2009, 11, 3), 4),  # received in February
    ]
    assert count_returns(recs, {"2010-01"}) == {
        ("a", "2010-01", "returns", "2009-11"): 3,
        ("a", "2010-01", "returns_ntf", ""): 1,
    }


def test_installed_units_count_at_every_later_month_end() -> None:
    recs = [InstalledRec("a", D(2010, 1, 31), 4), InstalledRec("a", D(2010, 2, 1), 6)]
    assert count_installed(recs, {"2009-12", "2010-01", "2010-02", "2010-05"}) == {
        ("a", "2010-01", "installed", ""): 4,
        ("a", "2010-02", "installed", ""): 10,
        ("a", "2010-05", "installed", ""): 10,
    }


# ---------- order lines
def _otd(recs: list[OrderLineRec], **kw: object) -> dict[tuple[str, str], float]:
    facts = count_order_lines(recs, {"2010-03"}, today=kw.pop("today", TODAY), **kw)  # type: ignore[arg-type]
    return {(k, d): v for (_c, _m, k, d), v in facts.items()}


def test_a_line_delivered_complete_on_the_requested_date_is_on_time() -> None:
    line = OrderLineRec("a", 10, D(2010, 3, 10), D(2010, 3, 12), D(2010, 3, 10), 10)
    assert _otd([line]) == {
        ("otd_lines", "crd"): 1,
        ("otd_on_time", "crd"): 1,
        ("otd_lines", "promised"): 1,  # delivered two days before the promise, not accepted early
    }


def test_a_partial_delivery_is_not_on_time() -> None:
    line = OrderLineRec("a", 10, D(2010, 3, 10), None, D(2010, 3, 10), 9)
    assert _otd([line]) == {("otd_lines", "crd"): 1}


def test_a_delivered_date_without_a_quantity_means_the_whole_line() -> None:
    line = OrderLineRec("a", 10, D(2010, 3, 10), None, D(2010, 3, 10), None)
    assert _otd([line]) == {("otd_lines", "crd"): 1, ("otd_on_time", "crd"): 1}


def test_early_delivery_is_on_time_only_when_accepted() -> None:
    early = OrderLineRec("a", 1, D(2010, 3, 10), None, D(2010, 3, 1), 1)
    accepted = OrderLineRec("a", 1, D(2010, 3, 10), None, D(2010, 3, 1), 1, early_accepted=True)
    assert _otd([early]) == {("otd_lines", "crd"): 1}
    assert _otd([accepted]) == {("otd_lines", "crd"): 1, ("otd_on_time", "crd"): 1}


def test_tolerance_days_widen_the_window() -> None:
    lines = [
        OrderLineRec("a", 1, D(2010, 3, 10), None, D(2010, 3, 8), 1),  # 2 days early
        OrderLineRec("a", 1, D(2010, 3, 10), None, D(2010, 3, 7), 1),  # 3 days early
        OrderLineRec("a", 1, D(2010, 3, 10), None, D(2010, 3, 13), 1),  # 3 days late
        OrderLineRec("a", 1, D(2010, 3, 10), None, D(2010, 3, 14), 1),  # 4 days late
    ]
    assert _otd(lines) == {("otd_lines", "crd"): 4}
    assert _otd(lines, days_early=2, days_late=3) == {("otd_lines", "crd"): 4, ("otd_on_time", "crd"): 2}


def test_an_undelivered_line_is_late_once_its_date_has_passed_and_unknown_before() -> None:
    line = OrderLineRec("a", 1, D(2010, 3, 10), D(2010, 3, 20))
    assert _otd([line], today=D(2010, 3, 10)) == {}
    assert _otd([line], today=D(2010, 3, 11)) == {("otd_lines", "crd"): 1}
    assert _otd([line], today=D(2010, 3, 21)) == {("otd_lines", "crd"): 1, ("otd_lines", "promised"): 1}
    # with a late tolerance it is still unknown until the tolerance has passed
    assert _otd([line], today=D(2010, 3, 12), days_late=2) == {}
    assert _otd([line], today=D(2010, 3, 13), days_late=2) == {("otd_lines", "crd"): 1}


def test_a_line_due_in_the_future_already_delivered_is_counted() -> None:
    line = OrderLineRec("a", 1, D(2010, 3, 10), None, D(2010, 3, 10), 1)
    assert _otd([line], today=D(2010, 1, 1)) == {("otd_lines", "crd"): 1, ("otd_on_time", "crd"): 1}


def test_a_partially_delivered_line_due_later_is_not_known_yet() -> None:
    line = OrderLineRec("a", 5, D(2010, 3, 10), None, D(2010, 3, 1), 2)
    assert _otd([line], today=D(2010, 3, 5)) == {}


# ---------- repairs
def test_repairs_turnaround_backlog_and_oldest() -> None:
    recs = [
        RepairRec("a", D(2010, 1, 5), D(2010, 2, 4)),  # 30 days, open at end of January
        RepairRec("a", D(2010, 2, 1), D(2010, 2, 11)),  # 10 days
        RepairRec("a", D(2010, 1, 20), None),  # open
        RepairRec("a", D(2010, 2, 28), D(2010, 3, 1)),  # open at end of February (age 0)
        RepairRec("a", D(2010, 1, 31), D(2010, 1, 31)),  # shipped back on the last day: not open at the end
    ]
    facts = count_repairs(recs, {"2010-01", "2010-02"})
    assert facts == {
        ("a", "2010-01", "repair_tat", "0"): 1,
        ("a", "2010-01", "repair_backlog", ""): 2,
        ("a", "2010-01", "repair_backlog_oldest", ""): 26,  # Jan 5 -> Jan 31
        ("a", "2010-02", "repair_tat", "30"): 1,
        ("a", "2010-02", "repair_tat", "10"): 1,
        ("a", "2010-02", "repair_backlog", ""): 2,
        ("a", "2010-02", "repair_backlog_oldest", ""): 39,  # Jan 20 -> Feb 28
    }


# ---------- problem reports
def _pr(recs: list[ProblemReportRec], months: set[str], today: date = TODAY) -> dict:
    return count_problem_reports(recs, months, thresholds=THRESHOLDS, today=today)


def test_duplicates_and_reports_not_from_the_customer_are_not_counted() -> None:
    recs = [
        ProblemReportRec("a", 2, D(2010, 1, 3), D(2010, 1, 20)),
        ProblemReportRec("a", 2, D(2010, 1, 4), D(2010, 1, 20), duplicate=True),
        ProblemReportRec("a", 2, D(2010, 1, 5), D(2010, 1, 20), customer_originated=False),
        ProblemReportRec("a", 1, D(2010, 1, 6)),
    ]
    assert _pr(recs, {"2010-01"}) == {
        ("a", "2010-01", "npr", "2"): 1,
        ("a", "2010-01", "npr", "1"): 1,
        ("a", "2010-01", "fix_days", "2:17"): 1,
    }


def test_a_report_overdue_across_several_months_counts_in_each_and_as_fixed_in_its_fix_month() -> None:
    # major, threshold 30: received Jan 10, overdue from Feb 10 (received + 31 days), fixed Apr 5
    rec = ProblemReportRec("a", 2, D(2010, 1, 10), D(2010, 4, 5))
    assert _pr([rec], set(month_range("2009-12", "2010-06"))) == {
        ("a", "2010-01", "npr", "2"): 1,
        ("a", "2010-02", "ofr_overdue", "2"): 1,
        ("a", "2010-03", "ofr_overdue", "2"): 1,
        ("a", "2010-04", "ofr_overdue", "2"): 1,
        ("a", "2010-04", "ofr_fixed", "2"): 1,
        ("a", "2010-04", "fix_days", "2:85"): 1,
    }


def test_a_fix_on_the_threshold_day_is_never_overdue_and_one_day_later_is() -> None:
    on_time = ProblemReportRec("a", 2, D(2010, 1, 10), D(2010, 2, 9))  # 30 days
    late = ProblemReportRec("a", 2, D(2010, 1, 10), D(2010, 2, 10))  # 31 days
    assert _pr([on_time], {"2010-02"}) == {("a", "2010-02", "fix_days", "2:30"): 1}
    assert _pr([late], {"2010-02"}) == {
        ("a", "2010-02", "fix_days", "2:31"): 1,
        ("a", "2010-02", "ofr_overdue", "2"): 1,
        ("a", "2010-02", "ofr_fixed", "2"): 1,
    }


def test_an_unfixed_overdue_report_counts_up_to_todays_month_and_critical_is_never_overdue() -> None:
    major = ProblemReportRec("a", 2, D(2010, 3, 1))  # overdue from Apr 1
    critical = ProblemReportRec("a", 1, D(2009, 1, 1))
    facts = _pr([major, critical], set(month_range("2010-03", "2010-09")), today=D(2010, 5, 2))
    assert facts == {
        ("a", "2010-03", "npr", "2"): 1,
        ("a", "2010-04", "ofr_overdue", "2"): 1,
        ("a", "2010-05", "ofr_overdue", "2"): 1,
    }


# ---------- tickets
def test_tickets_opened_resolved_backlog_and_hours() -> None:
    recs = [
        TicketRec("a", 2, at(2010, 1, 31, 22, 0), at(2010, 2, 1, 1, 59), at(2010, 2, 3, 22, 0)),
        TicketRec("a", 2, at(2010, 1, 5, 8, 0), at(2010, 1, 5, 8, 30), at(2010, 1, 6, 8, 0)),
        TicketRec("a", 3, at(2010, 1, 7, 8, 0)),
        TicketRec(
            "a", 1, at(2010, 1, 31, 23, 0), None, at(2010, 2, 1, 0, 0)
        ),  # resolved at the first instant
    ]
    assert count_tickets(recs, {"2010-01", "2010-02"}) == {
        ("a", "2010-01", "support_opened", "2"): 2,
        ("a", "2010-01", "support_opened", "3"): 1,
        ("a", "2010-01", "support_opened", "1"): 1,
        ("a", "2010-01", "support_backlog", "1"): 1,  # still open at the end of January
        ("a", "2010-02", "support_resolved", "1"): 1,
        ("a", "2010-02", "support_resolution", "1:1"): 1,
        ("a", "2010-01", "support_first_response", "2:3"): 1,  # 3h59 -> 3, counted when opened
        ("a", "2010-01", "support_first_response", "2:0"): 1,
        ("a", "2010-01", "support_resolved", "2"): 1,
        ("a", "2010-01", "support_resolution", "2:24"): 1,
        ("a", "2010-01", "support_backlog", "2"): 1,
        ("a", "2010-01", "support_backlog", "3"): 1,
        ("a", "2010-02", "support_resolved", "2"): 1,
        ("a", "2010-02", "support_resolution", "2:72"): 1,
        ("a", "2010-02", "support_backlog", "3"): 1,
    }


def test_first_responses_within_the_target_are_counted_exactly() -> None:
    """At most the target's hours, to the second: a fractional target is no whole hour, and a
    response exactly at the target is within it."""
    opened = at(2010, 1, 5, 8, 0)
    recs = [
        TicketRec("a", 1, opened, opened + timedelta(minutes=29)),  # within 0.5 h
        TicketRec("a", 1, opened, opened + timedelta(minutes=45)),  # not within 0.5 h (floor hours: 0)
        TicketRec("a", 2, opened, opened + timedelta(hours=4)),  # exactly the 4 h target
        TicketRec("a", 2, opened, opened + timedelta(hours=4, seconds=1)),
        TicketRec("a", 3, opened, opened + timedelta(minutes=1)),  # no target for minor tickets
        TicketRec("a", 2, opened),  # never answered
    ]
    facts = count_tickets(recs, {"2010-01"}, targets_h={1: 0.5, 2: 4})
    within = {k[3]: v for k, v in facts.items() if k[2] == "support_first_within"}
    assert within == {"1": 1, "2": 1}
    assert count_tickets(recs, {"2010-01"}).keys() == facts.keys() - {
        ("a", "2010-01", "support_first_within", "1"),
        ("a", "2010-01", "support_first_within", "2"),
    }


# ---------- touched months
def test_months_touched_by_each_kind() -> None:
    kw = {"today": D(2010, 4, 10), "thresholds": THRESHOLDS}
    assert months_touched_by("shipments", ShipmentRec("a", D(2010, 1, 1), 1), **kw) == {"2010-01"}
    assert months_touched_by("returns", ReturnRec("a", D(2010, 2, 1), D(2009, 1, 1), 1), **kw) == {"2010-02"}
    assert months_touched_by("installed-base", InstalledRec("a", D(2010, 2, 1), 1), **kw) == {
        "2010-02",
        "2010-03",
        "2010-04",
    }
    line = OrderLineRec("a", 1, D(2010, 1, 31), D(2010, 2, 2))
    assert months_touched_by("order-lines", line, **kw) == {"2010-01", "2010-02"}
    assert months_touched_by("repairs", RepairRec("a", D(2010, 1, 5), D(2010, 3, 1)), **kw) == {
        "2010-01",
        "2010-02",
        "2010-03",
    }
    assert months_touched_by("repairs", RepairRec("a", D(2010, 3, 5)), **kw) == {"2010-03", "2010-04"}
    report = ProblemReportRec("a", 2, D(2009, 12, 10), D(2010, 3, 1))
    assert months_touched_by("problem-reports", report, **kw) == {"2009-12", "2010-01", "2010-02", "2010-03"}
    ticket = TicketRec("a", 1, at(2010, 1, 5), None, None)
    assert months_touched_by("support-tickets", ticket, **kw) == {"2010-01", "2010-02", "2010-03", "2010-04"}
    with pytest.raises(ValueError):
        months_touched_by("problem-reports", report, today=D(2010, 4, 10))
    with pytest.raises(ValueError):
        months_touched_by("invoice", report, **kw)


def test_merge_facts_sums_counts_and_takes_the_max_oldest_age() -> None:
    a = {("a", "2010-01", "repair_backlog", ""): 1.0, ("a", "2010-01", "repair_backlog_oldest", ""): 9.0}
    b = {("a", "2010-01", "repair_backlog", ""): 2.0, ("a", "2010-01", "repair_backlog_oldest", ""): 4.0}
    assert merge_facts(a, b) == {
        ("a", "2010-01", "repair_backlog", ""): 3.0,
        ("a", "2010-01", "repair_backlog_oldest", ""): 9.0,
    }
    assert add_months("2010-01", 0) == "2010-01"
