"""The records behind a measure's numerator or denominator, so anyone can audit a number.

For every measure and part, ``drill`` lists exactly the records ``counting.py`` counts for the month and
category (``ALL``: every category, as the engine pools them): the number on the page is how many
records are listed or, where ``Drill.quantity`` names a column, the sum of that column (units shipped,
returned or installed; the turnaround days a mean divides). Values that are not counts (medians, the
90th percentile, a mean, the oldest open repair's age) list the records they are computed from, with
the column they are computed from; ``Drill.note`` says so.

A simple condition is a query; where one is easier to state in Python (on time within a tolerance,
overdue in a month), the month's candidate rows are passed one by one through the counting function
itself, so the drill-down cannot drift from the count.

A month range (``first`` … ``month``: a rolling value's window) lists each month's records in turn,
each with the month it counts in (``counted_in``), as the rolling value pools each month's counts: a
record counted in several months of the window (a shipment in several ERI populations, a report
overdue for months) is listed once for each. Point-in-time measures (backlogs) take the last month.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, overload

from django.db.models import F, Model, Q, QuerySet, Sum

from accord.measurements import counting, engine
from accord.measurements.definitions import NU_BASIS_NAMES
from accord.measurements.months import (
    add_months,
    month_end,
    month_range,
    month_start,
    next_month_start_utc,
)
from accord.measurements.selectors import engine_settings
from accord.operations.models import (
    InstalledBase,
    OrderLine,
    ProblemReport,
    Repair,
    Return,
    Shipment,
    SupportTicket,
)

__all__ = ["AT_MONTH_END", "Chain", "Drill", "drill", "normalization_units", "total"]

# Point-in-time measures: a rolling value is the window's last month's (engine.py).
AT_MONTH_END = frozenset({"REPAIR.BACKLOG", "REPAIR.BACKLOG_OLDEST_DAYS", "SUPPORT.BACKLOG"})
MAX_MONTHS = 12  # the longest range the records list takes (the longest rolling window)

Rows = QuerySet[Any] | list[Any]


class Chain:
    """Parts of records listed one after the other (several months, or two kinds of normalization
    unit): sized and sliced part by part, so a page reads only its own rows. Each record of a part
    with a month gets it as ``counted_in``."""

    def __init__(self, parts: Sequence[tuple[str, Rows]]) -> None:
        self.parts = list(parts)
        self._sizes: list[int] | None = None

    def sizes(self) -> list[int]:
        if self._sizes is None:
            self._sizes = [len(rows) if isinstance(rows, list) else rows.count() for _m, rows in self.parts]
        return self._sizes

    def count(self) -> int:
        return sum(self.sizes())

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else self[index:][:1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, _step = index.indices(self.count())
        out: list[Any] = []
        offset = 0
        for (month, rows), size in zip(self.parts, self.sizes(), strict=True):
            lo, hi = max(start - offset, 0), min(stop - offset, size)
            if lo < hi:
                for obj in rows[lo:hi]:
                    if month:
                        obj.counted_in = month
                    out.append(obj)
            offset += size
        return out

    def __iter__(self) -> Iterator[Any]:
        return iter(self[0 : self.count()])


@dataclass(frozen=True)
class Drill:
    title: str
    columns: list[tuple[str, str]]  # (header, attribute)
    rows: Rows | Chain
    quantity: str = ""  # the attribute whose sum is the number; "": the number counts the records
    note: str = ""  # what the value is, when it is not the number of records
    months: list[str] = field(default_factory=list)  # the months listed (several: a rolling window)


def total(d: Drill) -> float:
    """The number the records give: their count, or the sum of ``d.quantity``."""

    def of(rows: Rows) -> float:
        if isinstance(rows, list):
            return sum(getattr(r, d.quantity) or 0 for r in rows) if d.quantity else len(rows)
        if not d.quantity:
            return rows.count()
        return rows.order_by().aggregate(total=Sum(d.quantity))["total"] or 0

    if isinstance(d.rows, Chain):
        return sum(of(rows) for _m, rows in d.rows.parts)
    return of(d.rows)


# ------------------------------------------------------------------------------------------ columns
SHIPMENT_COLS = [
    ("Shipment", "shipment_id"),
    ("Product", "product.code"),
    ("Ship date", "ship_date"),
    ("Quantity", "quantity"),
    ("Serial", "serial"),
]
RETURN_COLS = [
    ("Return", "return_id"),
    ("Product", "product.code"),
    ("Received", "received_date"),
    ("Shipped", "ship_date"),
    ("Quantity", "quantity"),
    ("NTF", "no_trouble_found"),
    ("Excluded because", "excluded_reason"),
]
INSTALLED_COLS = [
    ("Site", "site.name"),
    ("Product", "product.code"),
    ("In service", "in_service_date"),
    ("Quantity", "quantity"),
]
UNITS_COLS = [  # both kinds of normalization unit in one list (ALL of categories on different bases)
    ("Unit", "nu"),
    ("Shipment or site", "record"),
    ("Product", "product.code"),
    ("Category", "product.category.code"),
    ("Shipped or in service", "counted_date"),
    ("Quantity", "quantity"),
]
LINE_COLS = [
    ("Order", "order_id"),
    ("Line", "line"),
    ("Product", "product.code"),
    ("Qty", "quantity"),
    ("Requested", "requested_date"),
    ("Promised", "promised_date"),
    ("Delivered", "delivered_date"),
    ("Delivered qty", "delivered_quantity"),
    ("Early accepted", "early_accepted"),
]
REPAIR_COLS = [
    ("Repair", "repair_id"),
    ("Product", "product.code"),
    ("Received", "received_date"),
    ("Shipped back", "shipped_date"),
    ("Finding", "finding"),
]
REPORT_COLS = [
    ("Report", "report_id"),
    ("Severity", "severity"),
    ("Product", "product.code"),
    ("Received", "received_date"),
    ("Fix delivered", "fix_delivered_date"),
    ("Title", "title"),
]
TICKET_COLS = [
    ("Ticket", "ticket_id"),
    ("Severity", "severity"),
    ("Product", "product.code"),
    ("Opened", "opened_at"),
    ("First response", "first_response_at"),
    ("Resolved", "resolved_at"),
]


# ------------------------------------------------------------------------------------------ helpers
@dataclass(frozen=True)
class _Ask:
    """What is asked: whose records, which category (or ALL), severity, the agreed settings, today."""

    rel: Any
    category: str
    severity: str
    settings: engine.Settings
    today: date

    def of(self, model: type[Model]) -> QuerySet[Any]:
        qs = model._default_manager.filter(relationship=self.rel).select_related("product")
        return qs if self.category == engine.ALL else qs.filter(product__category__code=self.category)


def _days(month: str, first: int, last: int) -> tuple[date, date]:
    """The first day of M+first … the last day of M+last."""
    return month_start(add_months(month, first)), month_end(add_months(month, last))


def _with(rows: Iterable[Any], **computed: Any) -> list[Any]:
    """The rows as a list, each given the computed attributes (functions of the row)."""
    out = list(rows)
    for obj in out:
        for name, fn in computed.items():
            setattr(obj, name, fn(obj))
    return out


# ------------------------------------------------------------------------------------------ families
# Titles name months relative to M ("M-6 … M-1"); a single month's drill-down gives them as dates.
def _fr(ask: _Ask, measure: str, month: str, part: str) -> Drill:
    returns = (
        ask.of(Return)
        .filter(excluded_reason="", received_date__range=_days(month, 0, 0))
        .order_by("received_date", "pk")
    )
    shipments = ask.of(Shipment).order_by("ship_date", "pk")
    if measure == "FR.NTF":
        if part == "numerator":
            ntf = returns.filter(no_trouble_found=True)
            return Drill("No-trouble-found returns received in M", RETURN_COLS, ntf, "quantity")
        return Drill("Counted returns received in M", RETURN_COLS, returns, "quantity")
    if measure == "FR.LTR":
        before = month_start(add_months(month, -18))
        if part == "numerator":
            old = returns.filter(ship_date__lt=before)
            return Drill("Returns received in M of units shipped before M-18", RETURN_COLS, old, "quantity")
        return Drill(
            "Units shipped before M-18", SHIPMENT_COLS, shipments.filter(ship_date__lt=before), "quantity"
        )
    if part == "numerator":
        first, last = {"FR.ERI": (-6, 0), "FR.YRR": (-18, -7)}[measure]
        title = f"Returns received in M of units shipped M{first} … M{last or ''}"
        return Drill(
            title, RETURN_COLS, returns.filter(ship_date__range=_days(month, first, last)), "quantity"
        )
    first, last = {"FR.ERI": (-6, -1), "FR.YRR": (-18, -7)}[measure]
    shipped = shipments.filter(ship_date__range=_days(month, first, last))
    return Drill(f"Units shipped M{first} … M{last}", SHIPMENT_COLS, shipped, "quantity")


def _otd(ask: _Ask, measure: str, month: str, part: str) -> Drill:
    field_, dim, what = (
        ("requested_date", "crd", "requested")
        if measure == "OTD.OTI"
        else ("promised_date", "promised", "promised")
    )
    lines = ask.of(OrderLine).select_related("product__category")
    lines = lines.filter(**{f"{field_}__range": _days(month, 0, 0)}).order_by(field_, "pk")
    key = "otd_on_time" if part == "numerator" else "otd_lines"

    def counted(line: Any) -> bool:
        rec = counting.OrderLineRec(
            line.product.category.code,
            line.quantity,
            line.requested_date,
            line.promised_date,
            line.delivered_date,
            line.delivered_quantity,
            line.early_accepted,
        )
        facts = counting.count_order_lines(
            [rec],
            {month},
            days_early=ask.settings.otd_days_early,
            days_late=ask.settings.otd_days_late,
            today=ask.today,
        )
        return any(k == key and d == dim and v for (_c, _m, k, d), v in facts.items())

    if part == "numerator":
        early, late = ask.settings.otd_days_early, ask.settings.otd_days_late
        title = (
            f"Order lines {what} for M, delivered complete on time "
            f"(agreed: up to {early} days early, {late} days late; earlier only if accepted)"
        )
    else:
        title = f"Order lines {what} for M whose outcome is known (delivered, or late already)"
    return Drill(title, LINE_COLS, [line for line in lines if counted(line)])


_SEVERITY_NAMES = {1: "critical", 2: "major", 3: "minor"}
_STATISTIC = {"MEAN": "mean", "MEDIAN": "median", "P90": "90th percentile (nearest rank)"}


def _repair(ask: _Ask, measure: str, month: str, part: str) -> Drill:
    repairs = ask.of(Repair)
    if measure in AT_MONTH_END:
        end = month_end(month)
        open_ = repairs.filter(
            Q(shipped_date__isnull=True) | Q(shipped_date__gt=end), received_date__lte=end
        ).order_by("received_date", "pk")
        cols = [*REPAIR_COLS, ("Age at month end (days)", "age_days")]
        rows = _with(open_, age_days=lambda r: (end - r.received_date).days)
        note = ""
        if measure == "REPAIR.BACKLOG_OLDEST_DAYS":
            note = (
                "The value is the age of the oldest of these repairs at the month's end (the first listed)."
            )
        return Drill("Repairs open at the end of M", cols, rows, note=note)
    shipped = _with(
        repairs.filter(shipped_date__range=_days(month, 0, 0)).order_by("shipped_date", "pk"),
        turnaround_days=lambda r: (r.shipped_date - r.received_date).days,
    )
    cols = [*REPAIR_COLS, ("Turnaround (days)", "turnaround_days")]
    title = "Repairs shipped back in M"
    if measure == "REPAIR.WITHIN_SLA":
        sla = ask.settings.repair_sla_days
        if sla is None:
            return Drill(f"{title} (no turnaround agreed)", cols, [])
        if part == "numerator":
            within = [r for r in shipped if r.turnaround_days <= sla]
            return Drill(f"{title} within the agreed {sla} days", cols, within)
        return Drill(title, cols, shipped)
    if measure == "REPAIR.TAT_MEAN" and part == "numerator":
        note = (
            "The numerator is the sum of these repairs' turnaround days; the mean divides it by their number."
        )
        return Drill(title, cols, shipped, "turnaround_days", note)
    statistic = _STATISTIC[measure.rsplit("_", 1)[1]]
    note = f"The value is the {statistic} of these repairs' turnaround days, not a count of records."
    return Drill(title, cols, shipped, note=note)


def _reports(ask: _Ask, measure: str, month: str, part: str) -> Drill:
    family, sev = measure.split(".")
    severity = int(sev)
    reports = ask.of(ProblemReport).filter(severity=severity, customer_originated=True, duplicate_of="")
    counted = f"{_SEVERITY_NAMES[severity]}, customer-originated, non-duplicate"
    if family == "NPR":
        if part == "numerator":
            received = reports.filter(received_date__range=_days(month, 0, 0)).order_by("received_date", "pk")
            return Drill(f"Reports received in M ({counted})", REPORT_COLS, received)
        return _normalization(ask, month)
    threshold = ask.settings.frt_thresholds.get(severity)
    if family == "FRT":
        fixed = _with(
            reports.filter(fix_delivered_date__range=_days(month, 0, 0)).order_by("fix_delivered_date", "pk"),
            fix_days=lambda r: (r.fix_delivered_date - r.received_date).days,
        )
        cols = [*REPORT_COLS, ("Days to fix", "fix_days")]
        if threshold is None:
            return Drill("Fixes delivered in M (no threshold)", cols, [])
        if part == "numerator":
            within = [r for r in fixed if r.fix_days <= threshold]
            return Drill(f"Fixes delivered in M within {threshold} days ({counted})", cols, within)
        return Drill(f"Fixes delivered in M ({counted})", cols, fixed)
    # OFR: overdue from the day after the threshold up to and including the fix day (or today)
    cols = [*REPORT_COLS, ("Overdue from", "overdue_from")]
    if threshold is None:
        return Drill("Reports overdue in M (no threshold)", cols, [])
    start, end = _days(month, 0, 0)
    candidates = reports.filter(
        Q(fix_delivered_date__isnull=True) | Q(fix_delivered_date__gte=start),
        received_date__lte=end - timedelta(days=threshold + 1),
    ).order_by("received_date", "pk")
    key = "ofr_fixed" if part == "numerator" else "ofr_overdue"

    def counts(r: Any) -> bool:
        rec = counting.ProblemReportRec("", severity, r.received_date, r.fix_delivered_date)
        facts = counting.count_problem_reports(
            [rec], {month}, thresholds=ask.settings.frt_thresholds, today=ask.today
        )
        return any(k == key and v for (_c, _m, k, _d), v in facts.items())

    rows = _with(
        (r for r in candidates if counts(r)),
        overdue_from=lambda r: r.received_date + timedelta(days=threshold + 1),
    )
    if part == "numerator":
        return Drill(f"Overdue reports whose fix was delivered in M ({counted})", cols, rows)
    return Drill(f"Reports overdue at any time in M ({counted})", cols, rows)


def normalization_units(settings: engine.Settings, codes: Iterable[str]) -> list[tuple[str, str, list[str]]]:
    """How the categories ``codes`` count NPR's normalization units: (the unit's name, what is
    counted, the categories), one per unit and basis, in order of their first category."""
    from accord.parties.models import ProductCategory

    codes = sorted(codes)
    names = dict(ProductCategory.objects.filter(code__in=codes).values_list("code", "normalization_unit"))
    grouped: dict[tuple[str, str], list[str]] = {}
    for code in codes:
        basis = settings.basis(code)
        grouped.setdefault((names.get(code) or "units", NU_BASIS_NAMES.get(basis, basis)), []).append(code)
    return [(unit, basis, cats) for (unit, basis), cats in grouped.items()]


def _normalization(ask: _Ask, month: str) -> Drill:
    installed_codes = [c for c, b in ask.settings.nu_basis.items() if b == "installed"]
    shipped = ask.of(Shipment).filter(ship_date__range=_days(month, -11, 0))
    installed = ask.of(InstalledBase).filter(in_service_date__lte=month_end(month)).select_related("site")
    shipped_title = "Normalization units: units shipped M-11 … M"
    installed_title = "Normalization units: installed units at the end of M"
    if ask.category != engine.ALL:
        if ask.settings.basis(ask.category) == "installed":
            rows = installed.order_by("in_service_date", "pk")
            return Drill(installed_title, INSTALLED_COLS, rows, "quantity")
        return Drill(shipped_title, SHIPMENT_COLS, shipped.order_by("ship_date", "pk"), "quantity")
    # ALL: each category's units on its own basis. Whether both kinds are listed depends on the
    # relationship, not the month, so the months of a range have the same columns.
    shipped = shipped.exclude(product__category__code__in=installed_codes).order_by("ship_date", "pk")
    installed = installed.filter(product__category__code__in=installed_codes).order_by(
        "in_service_date", "pk"
    )
    on_installed = ask.of(InstalledBase).filter(product__category__code__in=installed_codes).exists()
    if not on_installed:
        return Drill(shipped_title, SHIPMENT_COLS, shipped, "quantity")
    unit = F("product__category__normalization_unit")
    shipped, installed = (
        shipped.select_related("product__category"),
        installed.select_related("product__category"),
    )
    both = Chain(  # the installed base first: a few rows, where shipments may run to thousands
        [
            ("", installed.annotate(nu=unit, record=F("site__name"), counted_date=F("in_service_date"))),
            ("", shipped.annotate(nu=unit, record=F("shipment_id"), counted_date=F("ship_date"))),
        ]
    )
    title = "Normalization units, each category's on its own basis: installed units at the end of M, "
    title += "or units shipped M-11 … M"
    return Drill(title, UNITS_COLS, both, "quantity")


def _hours(start: datetime, end: datetime) -> int:
    """Whole hours, rounded down (as ``counting`` keeps them)."""
    return int((end - start).total_seconds() // 3600)


def _elapsed(start: datetime, end: datetime) -> str:
    """The time from ``start`` to ``end`` as hours:minutes:seconds, rounded up to the second (shown at
    most the target exactly when it is within it)."""
    seconds = math.ceil((end - start).total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _tickets(ask: _Ask, measure: str, month: str, part: str) -> Drill:
    tickets = ask.of(SupportTicket)
    if ask.severity:
        tickets = tickets.filter(severity=int(ask.severity))
    start = datetime.combine(month_start(month), datetime.min.time(), tzinfo=UTC)
    end = next_month_start_utc(month)
    opened = tickets.filter(opened_at__gte=start, opened_at__lt=end).order_by("opened_at", "pk")
    resolved = tickets.filter(resolved_at__gte=start, resolved_at__lt=end).order_by("resolved_at", "pk")
    if measure == "SUPPORT.OPENED":
        return Drill("Tickets opened in M", TICKET_COLS, opened)
    if measure == "SUPPORT.RESOLVED":
        return Drill("Tickets resolved in M", TICKET_COLS, resolved)
    if measure == "SUPPORT.BACKLOG":
        open_ = tickets.filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=end), opened_at__lt=end)
        return Drill("Tickets open at the end of M", TICKET_COLS, open_.order_by("opened_at", "pk"))
    if measure == "SUPPORT.RESOLUTION_MEDIAN_H":
        rows = _with(resolved, resolution_hours=lambda t: _hours(t.opened_at, t.resolved_at))
        cols = [*TICKET_COLS, ("Hours to resolution", "resolution_hours")]
        note = "The value is the median of these tickets' whole hours to resolution, not a count of records."
        return Drill("Tickets resolved in M", cols, rows, note=note)
    answered = opened.filter(first_response_at__isnull=False)
    cols = [*TICKET_COLS, ("Hours to first response", "response_hours")]
    if measure == "SUPPORT.FIRST_RESPONSE_MEDIAN_H":
        rows = _with(answered, response_hours=lambda t: _hours(t.opened_at, t.first_response_at))
        note = (
            "The value is the median of these tickets' whole hours to first response, not a count of records."
        )
        return Drill("Tickets opened in M and answered", cols, rows, note=note)
    # FIRST_RESPONSE_WITHIN_SLA: the answered tickets of the severities with a target; within it as
    # ``counting`` decides (the facts keep the count, not the rule)
    targets = ask.settings.support_response_targets_h
    rows = _with(
        answered.filter(severity__in=list(targets)),
        response_time=lambda t: _elapsed(t.opened_at, t.first_response_at),
        target_hours=lambda t: targets[t.severity],
    )
    cols = [
        *TICKET_COLS,
        ("Time to first response (h:mm:ss)", "response_time"),
        ("Target (hours)", "target_hours"),
    ]
    title = "Tickets opened in M and answered (severities with a response target)"
    if part == "numerator":

        def within(t: Any) -> bool:
            rec = counting.TicketRec("", t.severity, t.opened_at, t.first_response_at, t.resolved_at)
            facts = counting.count_tickets([rec], {month}, targets_h=targets)
            return any(k == "support_first_within" and v for (_c, _m, k, _d), v in facts.items())

        return Drill(f"{title}, answered within the target", cols, [t for t in rows if within(t)])
    return Drill(title, cols, rows)


_FAMILIES = {
    "FR": _fr,
    "OTD": _otd,
    "REPAIR": _repair,
    "NPR": _reports,
    "FRT": _reports,
    "OFR": _reports,
    "SUPPORT": _tickets,
}
_RELATIVE = re.compile(r"\bM(?:-(\d+))?\b")


def drill(
    rel: Any,
    *,
    measure: str,
    month: str,
    category: str,
    part: str,
    settings: Any,
    today: date,
    severity: str = "",
    first: str | None = None,
) -> Drill:
    """The records behind ``part`` ("numerator" or "denominator") of ``measure`` in ``month`` and
    ``category`` (or ALL); SUPPORT measures of ``severity`` ("": all). ``settings``: the relationship's
    ``MeasurementSettings``. ``first``: a range of months ``first`` … ``month`` (a rolling window)."""
    family = measure.split(".")[0]
    if family not in _FAMILIES:
        raise ValueError(f"unknown measure {measure!r}")
    ask = _Ask(rel, category, severity if family == "SUPPORT" else "", engine_settings(settings), today)
    months = [month] if first is None or measure in AT_MONTH_END else month_range(first, month)
    if not months or len(months) > MAX_MONTHS:
        raise ValueError(f"a range of 1 to {MAX_MONTHS} months ending with {month}, not from {first}")
    drills = [_FAMILIES[family](ask, measure, m, part) for m in months]
    last = drills[-1]
    if len(drills) == 1:
        title = _RELATIVE.sub(lambda m: add_months(month, -int(m.group(1) or 0)), last.title)
        return replace(last, title=title, months=months)
    parts: list[tuple[str, Rows]] = []
    for m, d in zip(months, drills, strict=True):
        parts += [(m, rows) for _m, rows in d.rows.parts] if isinstance(d.rows, Chain) else [(m, d.rows)]
    return Drill(
        f"{last.title}, for each month M of {months[0]} … {month}",
        [("Month", "counted_in"), *last.columns],
        Chain(parts),
        last.quantity,
        last.note,
        months,
    )
