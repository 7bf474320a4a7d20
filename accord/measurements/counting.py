"""Layer 1 of the measurements: raw records -> monthly base counts ("facts").

A fact is ``(category, month "YYYY-MM", key, dim) -> value``. Facts are **additive** base counts, so
the database can keep them per month and recompute only the months an import touched; the engine
(``engine.py``) derives every measure from facts alone and never reads raw data.

Every ``count_*`` function returns facts **only for the given months**, counting in a month exactly
what belongs to it. Counting months one by one and merging the results equals counting them all at
once (tested), so an incremental recompute of some months is exact. Zero values are never emitted
(a missing fact means 0), so results are canonical and comparable with ``==``.

Keys and dims (see ``FACT_KEYS``):

=======================  ==============  ====================================================================
key                      dim             counts, for category and month M
=======================  ==============  ====================================================================
shipped                  ""              units shipped in M (sum of quantities, by ship date)
returns                  ship month      units returned, **received** in M, without an exclusion reason
returns_ntf              ""              no-trouble-found units among them
installed                ""              units in service on or before the last day of M
otd_lines                "crd"/"promised"  order lines whose requested / promised date is in M, once known
otd_on_time              "crd"/"promised"  of those, lines on time
repair_tat               days            repairs shipped back in M, by whole days from receipt to ship-back
repair_backlog           ""              repairs open at the end of M (received <= end, not shipped by end)
repair_backlog_oldest    ""              age in days at the end of M of the oldest open repair (absent if
                                         none); a maximum, not a sum: pool it with ``max``
npr                      "1"/"2"/"3"     customer-originated, non-duplicate problem reports received in M
fix_days                 "SEV:DAYS"      such reports whose fix was delivered in M, by days received -> fix
ofr_overdue              sev             such reports overdue at any time in M
ofr_fixed                sev             of those, the ones whose fix was delivered in M
support_opened           sev             tickets opened in M
support_resolved         sev             tickets resolved in M
support_backlog          sev             tickets open at the end of M
support_first_response   "SEV:HOURS"     tickets opened in M with a first response, by floor hours to it
support_first_within     sev             of those, answered within the severity's target (exactly: the
                                         time to the first response is at most the target's hours)
support_resolution       "SEV:HOURS"     tickets resolved in M, by floor hours from opening
=======================  ==============  ====================================================================

Choices where measurements.md is silent ([Accord]):

- OTD. A line is *complete* when it has a delivered date and ``delivered_quantity >= quantity`` (a
  delivered date with no delivered quantity means the whole line). A complete line is counted in
  the month of its date whatever ``today`` is (its outcome is known). An incomplete line (undelivered
  or partly delivered) is counted, as late, only once the late tolerance has passed
  (``today > date + days_late``); before that its outcome is unknown and it is **not counted** in
  ``otd_lines`` yet. On time = complete and ``date - days_early <= delivered <= date + days_late``,
  or delivered earlier than that with ``early_accepted``.
- Problem reports. FRT (``fix_days``) and OFR count the same reports as NPR: customer-originated and
  not duplicates (a duplicate's fix is the original's fix). A report with threshold ``t`` is overdue
  from day ``received + t + 1`` up to and including its fix date (a fix delivered on a day it was
  overdue was late), or, unfixed, up to ``today``; months after ``today`` are never counted as overdue.
  A severity with no threshold (critical) is never overdue.
- Repairs and tickets: backlogs are taken at the month's end as far as the records know; for the
  current month, that is a projection (an item open now is counted open at the end). Repair ages and
  turnaround are calendar days; ticket hours are whole hours rounded down (UTC datetimes).
- Installed base: a unit counts at every month end on or after its in-service date (no removals).

Functions that depend on ``today`` (OTD, OFR) and the backlogs of open items change as time passes;
``months_touched_by`` tells which months a record can affect up to ``today``'s month, and a periodic
job should recompute the months of still-open items.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from accord.lib.months import month_end, month_of, month_range, next_month_start_utc

__all__ = [
    "FACT_KEYS",
    "RECORD_KINDS",
    "SOURCES",
    "Fact",
    "Facts",
    "InstalledRec",
    "OrderLineRec",
    "ProblemReportRec",
    "RepairRec",
    "ReturnRec",
    "ShipmentRec",
    "TicketRec",
    "count_installed",
    "count_order_lines",
    "count_problem_reports",
    "count_repairs",
    "count_returns",
    "count_shipments",
    "count_tickets",
    "merge_facts",
    "months_touched_by",
]

Fact = tuple[str, str, str, str]
"""``(category, month, key, dim)``."""
Facts = dict[Fact, float]

FACT_KEYS: dict[str, str] = {
    "shipped": "",
    "returns": "original ship month YYYY-MM",
    "returns_ntf": "",
    "installed": "",
    "otd_lines": "crd | promised",
    "otd_on_time": "crd | promised",
    "repair_tat": "turnaround days",
    "repair_backlog": "",
    "repair_backlog_oldest": "",
    "npr": "severity",
    "fix_days": "SEV:DAYS",
    "ofr_overdue": "severity",
    "ofr_fixed": "severity",
    "support_opened": "severity",
    "support_resolved": "severity",
    "support_backlog": "severity",
    "support_first_response": "SEV:HOURS",
    "support_first_within": "severity",
    "support_resolution": "SEV:HOURS",
}

# The kinds of records, named as their data is imported (``accord import KIND``).
RECORD_KINDS = (
    "shipments",
    "returns",
    "installed-base",
    "order-lines",
    "repairs",
    "problem-reports",
    "support-tickets",
)


# ----------------------------------------------------------------------------------------------- records
@dataclass(frozen=True)
class ShipmentRec:
    category: str
    ship_date: date
    quantity: float


@dataclass(frozen=True)
class ReturnRec:
    category: str
    received_date: date
    ship_date: date
    quantity: float
    ntf: bool = False
    excluded: bool = False


@dataclass(frozen=True)
class InstalledRec:
    category: str
    in_service_date: date
    quantity: float


@dataclass(frozen=True)
class OrderLineRec:
    category: str
    quantity: float
    requested_date: date
    promised_date: date | None = None
    delivered_date: date | None = None
    delivered_quantity: float | None = None
    early_accepted: bool = False


@dataclass(frozen=True)
class RepairRec:
    category: str
    received_date: date
    shipped_date: date | None = None


@dataclass(frozen=True)
class ProblemReportRec:
    category: str
    severity: int
    received_date: date
    fix_date: date | None = None
    customer_originated: bool = True
    duplicate: bool = False


@dataclass(frozen=True)
class TicketRec:
    category: str
    severity: int
    opened_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class Source:
    """How a kind's record is made from a row of its operational data: ``make(category code, *values
    of fields)`` (the fields of the row's model, after its product)."""

    fields: tuple[str, ...]
    make: Callable[..., Any]
    # Kinds whose facts simply add up over records (shipments, returns): the months a record touches
    # are the months of ``touch_dates``, and its facts depend on the dates ``month_dates`` only
    # through their months and add up ``quantity``. New rows can then be counted alone, folded by
    # month, and added to the stored facts (``tests/operations/test_columnar.py`` checks both claims).
    touch_dates: tuple[str, ...] = ()
    month_dates: tuple[str, ...] = ()


def _return(c: str, received: date, ship: date, quantity: float, ntf: bool, excluded: str) -> ReturnRec:
    return ReturnRec(c, received, ship, quantity, ntf, bool(excluded))


def _report(c: str, sev: int, received: date, fix: date | None, customer: bool, dup: str) -> ProblemReportRec:
    return ProblemReportRec(c, sev, received, fix, customer, bool(dup))


def _ticket(
    c: str | None, sev: int, opened: datetime, first: datetime | None, resolved: datetime | None
) -> TicketRec:
    return TicketRec(c or "", sev, opened, first, resolved)


SOURCES: dict[str, Source] = {
    "shipments": Source(("ship_date", "quantity"), ShipmentRec, ("ship_date",), ("ship_date",)),
    "returns": Source(
        ("received_date", "ship_date", "quantity", "no_trouble_found", "excluded_reason"),
        _return,
        touch_dates=("received_date",),
        month_dates=("received_date", "ship_date"),
    ),
    "installed-base": Source(("in_service_date", "quantity"), InstalledRec),
    "order-lines": Source(
        (
            "quantity",
            "requested_date",
            "promised_date",
            "delivered_date",
            "delivered_quantity",
            "early_accepted",
        ),
        OrderLineRec,
    ),
    "repairs": Source(("received_date", "shipped_date"), RepairRec),
    "problem-reports": Source(
        ("severity", "received_date", "fix_delivered_date", "customer_originated", "duplicate_of"), _report
    ),
    "support-tickets": Source(("severity", "opened_at", "first_response_at", "resolved_at"), _ticket),
}


# ----------------------------------------------------------------------------------------------- helpers
def _add(facts: Facts, category: str, month: str, key: str, dim: str, value: float) -> None:
    k = (category, month, key, dim)
    facts[k] = facts.get(k, 0) + value


def _canonical(facts: Facts) -> Facts:
    return {k: v for k, v in facts.items() if v != 0}


def merge_facts(*parts: Mapping[Fact, float]) -> Facts:
    """Sum several fact collections (``repair_backlog_oldest`` is pooled with ``max``)."""
    out: Facts = {}
    for part in parts:
        for k, v in part.items():
            if k[2] == "repair_backlog_oldest":
                out[k] = max(out.get(k, v), v)
            else:
                out[k] = out.get(k, 0) + v
    return _canonical(out)


def _utc(when: datetime) -> datetime:
    return when.astimezone(UTC) if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _floor_hours(start: datetime, end: datetime) -> int:
    return int((_utc(end) - _utc(start)).total_seconds() // 3600)


# ----------------------------------------------------------------------------------------------- counts
def count_shipments(recs: Iterable[ShipmentRec], months: Collection[str]) -> Facts:
    """``shipped``: units shipped in each month."""
    wanted = set(months)
    facts: Facts = {}
    for r in recs:
        m = month_of(r.ship_date)
        if m in wanted:
            _add(facts, r.category, m, "shipped", "", r.quantity)
    return _canonical(facts)


def count_returns(recs: Iterable[ReturnRec], months: Collection[str]) -> Facts:
    """``returns`` (by original ship month) and ``returns_ntf``, by month received; excluded returns
    are not counted."""
    wanted = set(months)
    facts: Facts = {}
    for r in recs:
        m = month_of(r.received_date)
        if r.excluded or m not in wanted:
            continue
        _add(facts, r.category, m, "returns", month_of(r.ship_date), r.quantity)
        if r.ntf:
            _add(facts, r.category, m, "returns_ntf", "", r.quantity)
    return _canonical(facts)


def count_installed(recs: Iterable[InstalledRec], months: Collection[str]) -> Facts:
    """``installed``: units in service on or before the last day of each month."""
    ends = {m: month_end(m) for m in set(months)}
    facts: Facts = {}
    for r in recs:
        for m, end in ends.items():
            if r.in_service_date <= end:
                _add(facts, r.category, m, "installed", "", r.quantity)
    return _canonical(facts)


def _on_time(rec: OrderLineRec, due: date, delivered: date, days_early: int, days_late: int) -> bool:
    if delivered > due + timedelta(days=days_late):
        return False
    if delivered < due - timedelta(days=days_early):
        return rec.early_accepted
    return True


def _complete(rec: OrderLineRec) -> bool:
    if rec.delivered_date is None:
        return False
    return rec.delivered_quantity is None or rec.delivered_quantity >= rec.quantity


def count_order_lines(
    recs: Iterable[OrderLineRec],
    months: Collection[str],
    *,
    days_early: int = 0,
    days_late: int = 0,
    today: date,
) -> Facts:
    """``otd_lines`` and ``otd_on_time`` for dims ``crd`` (requested date) and ``promised``."""
    wanted = set(months)
    facts: Facts = {}
    for r in recs:
        for dim, due in (("crd", r.requested_date), ("promised", r.promised_date)):
            if due is None:
                continue
            m = month_of(due)
            if m not in wanted:
                continue
            if _complete(r):
                assert r.delivered_date is not None
                _add(facts, r.category, m, "otd_lines", dim, 1)
                if _on_time(r, due, r.delivered_date, days_early, days_late):
                    _add(facts, r.category, m, "otd_on_time", dim, 1)
            elif today > due + timedelta(days=days_late):
                _add(facts, r.category, m, "otd_lines", dim, 1)  # known late; not yet known otherwise
    return _canonical(facts)


def count_repairs(recs: Iterable[RepairRec], months: Collection[str]) -> Facts:
    """``repair_tat`` by month shipped back; ``repair_backlog`` and ``repair_backlog_oldest`` at each
    month's end."""
    ends = {m: month_end(m) for m in set(months)}
    facts: Facts = {}
    for r in recs:
        if r.shipped_date is not None:
            m = month_of(r.shipped_date)
            if m in ends:
                _add(facts, r.category, m, "repair_tat", str((r.shipped_date - r.received_date).days), 1)
        for m, end in ends.items():
            if r.received_date <= end and (r.shipped_date is None or r.shipped_date > end):
                _add(facts, r.category, m, "repair_backlog", "", 1)
                k = (r.category, m, "repair_backlog_oldest", "")
                facts[k] = max(facts.get(k, 0), (end - r.received_date).days)
    return _canonical(facts)


def _threshold(thresholds: Mapping[int, int | None], severity: int) -> int | None:
    return thresholds.get(severity)


def _overdue_span(rec: ProblemReportRec, threshold: int | None, today: date) -> tuple[date, date] | None:
    """The first and last day a report is overdue (last = fix date, or ``today`` when unfixed)."""
    if threshold is None:
        return None
    start = rec.received_date + timedelta(days=threshold + 1)
    last = rec.fix_date if rec.fix_date is not None else today
    if last < start:
        return None
    return start, last


def count_problem_reports(
    recs: Iterable[ProblemReportRec],
    months: Collection[str],
    *,
    thresholds: Mapping[int, int | None],
    today: date,
) -> Facts:
    """``npr``, ``fix_days``, ``ofr_overdue`` and ``ofr_fixed`` (customer-originated, non-duplicate)."""
    wanted = set(months)
    facts: Facts = {}
    for r in recs:
        if not r.customer_originated or r.duplicate:
            continue
        sev = str(r.severity)
        m = month_of(r.received_date)
        if m in wanted:
            _add(facts, r.category, m, "npr", sev, 1)
        if r.fix_date is not None:
            fm = month_of(r.fix_date)
            if fm in wanted:
                _add(facts, r.category, fm, "fix_days", f"{sev}:{(r.fix_date - r.received_date).days}", 1)
        span = _overdue_span(r, _threshold(thresholds, r.severity), today)
        if span is None:
            continue
        for om in month_range(month_of(span[0]), month_of(span[1])):
            if om in wanted:
                _add(facts, r.category, om, "ofr_overdue", sev, 1)
        if r.fix_date is not None and month_of(r.fix_date) in wanted:
            _add(facts, r.category, month_of(r.fix_date), "ofr_fixed", sev, 1)
    return _canonical(facts)


def count_tickets(
    recs: Iterable[TicketRec], months: Collection[str], *, targets_h: Mapping[int, float] | None = None
) -> Facts:
    """``support_*`` by severity: opened, resolved, backlog at month end, first-response and resolution
    hour histograms, and first responses within the severity's target (``targets_h``: hours)."""
    ends = {m: next_month_start_utc(m) for m in set(months)}
    limits = {sev: timedelta(hours=hours) for sev, hours in (targets_h or {}).items()}
    facts: Facts = {}
    for r in recs:
        sev = str(r.severity)
        opened = _utc(r.opened_at)
        resolved = _utc(r.resolved_at) if r.resolved_at is not None else None
        om = month_of(opened)
        if om in ends:
            _add(facts, r.category, om, "support_opened", sev, 1)
            if r.first_response_at is not None:
                hours = _floor_hours(opened, r.first_response_at)
                _add(facts, r.category, om, "support_first_response", f"{sev}:{hours}", 1)
                limit = limits.get(r.severity)
                if limit is not None and _utc(r.first_response_at) - opened <= limit:
                    _add(facts, r.category, om, "support_first_within", sev, 1)
        if resolved is not None:
            rm = month_of(resolved)
            if rm in ends:
                _add(facts, r.category, rm, "support_resolved", sev, 1)
                _add(
                    facts, r.category, rm, "support_resolution", f"{sev}:{_floor_hours(opened, resolved)}", 1
                )
        for m, end in ends.items():
            if opened < end and (resolved is None or resolved >= end):
                _add(facts, r.category, m, "support_backlog", sev, 1)
    return _canonical(facts)


# ----------------------------------------------------------------------------------------------- touched
def _span(first: str, last: str) -> set[str]:
    return set(month_range(first, max(first, last)))


def months_touched_by(
    kind: str,
    rec: Any,
    *,
    today: date,
    thresholds: Mapping[int, int | None] | None = None,
) -> set[str]:
    """The months (up to ``today``'s month, or a later date the record itself carries) whose facts
    ``rec`` can change. ``kind`` is one of ``RECORD_KINDS``; ``thresholds`` is required for
    ``problem-reports``. An import recomputes the union of these months for the records it adds,
    changes or removes (old and new versions)."""
    now = month_of(today)
    if kind == "shipments":
        return {month_of(rec.ship_date)}
    if kind == "returns":
        return {month_of(rec.received_date)}
    if kind == "installed-base":
        return _span(month_of(rec.in_service_date), now)
    if kind == "order-lines":
        dates = (rec.requested_date, rec.promised_date)
        return {month_of(d) for d in dates if d is not None}
    if kind == "repairs":
        first = month_of(rec.received_date)
        last = month_of(rec.shipped_date) if rec.shipped_date is not None else now
        return _span(first, last) | ({month_of(rec.shipped_date)} if rec.shipped_date is not None else set())
    if kind == "problem-reports":
        if thresholds is None:
            raise ValueError("months_touched_by('problem-reports', ...) needs thresholds")
        out = {month_of(rec.received_date)}
        if rec.fix_date is not None:
            out.add(month_of(rec.fix_date))
        span = _overdue_span(rec, _threshold(thresholds, rec.severity), today)
        if span is not None:
            out |= set(month_range(month_of(span[0]), month_of(span[1])))
        return out
    if kind == "support-tickets":
        first = month_of(rec.opened_at)
        last = month_of(rec.resolved_at) if rec.resolved_at is not None else now
        out = _span(first, last)
        if rec.resolved_at is not None:
            out.add(month_of(rec.resolved_at))
        return out
    raise ValueError(f"unknown record kind: {kind!r} (expected one of {', '.join(RECORD_KINDS)})")
