"""The records behind a measure's numerator or denominator, so anyone can audit a number.

Each family's rule mirrors ``counting.py``; where a condition is easier to state in Python than in
SQL (on time within a tolerance, overdue in a month), the month's candidate rows are filtered here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from accord.measurements.months import add_months, month_end, month_start
from accord.operations.models import (
    InstalledBase,
    OrderLine,
    ProblemReport,
    Repair,
    Return,
    Shipment,
    SupportTicket,
)


@dataclass(frozen=True)
class Drill:
    title: str
    columns: list[tuple[str, str]]  # (header, attribute)
    rows: QuerySet[Any] | list[Any]


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
    ("Opened", "opened_at"),
    ("First response", "first_response_at"),
    ("Resolved", "resolved_at"),
]


def _between(first: str, last: str) -> tuple[date, date]:
    return month_start(first), month_end(last)


def _in_category(qs: QuerySet[Any], category: str) -> QuerySet[Any]:
    return qs if category == "ALL" else qs.filter(product__category__code=category)


def _fr(rel: Any, measure: str, month: str, category: str, part: str) -> Drill:
    returns = _in_category(
        Return.objects.filter(
            relationship=rel, excluded_reason="", received_date__range=_between(month, month)
        ),
        category,
    )
    shipments = _in_category(Shipment.objects.filter(relationship=rel), category)
    if measure == "FR.NTF":
        if part == "numerator":
            return Drill(
                "No-trouble-found returns received", RETURN_COLS, returns.filter(no_trouble_found=True)
            )
        return Drill("All counted returns received", RETURN_COLS, returns)
    windows = {"FR.ERI": (-6, 0, -6, -1), "FR.YRR": (-18, -7, -18, -7)}
    if measure in windows:
        r0, r1, p0, p1 = windows[measure]
        if part == "numerator":
            return Drill(
                "Returns received, by ship month in the window",
                RETURN_COLS,
                returns.filter(ship_date__range=_between(add_months(month, r0), add_months(month, r1))),
            )
        return Drill(
            "Units shipped in the population window",
            SHIPMENT_COLS,
            shipments.filter(ship_date__range=_between(add_months(month, p0), add_months(month, p1))),
        )
    before = month_start(add_months(month, -18))
    if part == "numerator":
        return Drill(
            "Returns of units shipped before M-18", RETURN_COLS, returns.filter(ship_date__lt=before)
        )
    return Drill("Units shipped before M-18", SHIPMENT_COLS, shipments.filter(ship_date__lt=before))


def _otd(rel: Any, measure: str, month: str, category: str, part: str, settings: Any, today: date) -> Drill:
    from accord.measurements.counting import OrderLineRec, count_order_lines

    field = "requested_date" if measure == "OTD.OTI" else "promised_date"
    dim = "crd" if measure == "OTD.OTI" else "promised"
    lines = list(
        _in_category(
            OrderLine.objects.filter(relationship=rel, **{f"{field}__range": _between(month, month)}),
            category,
        ).select_related("product__category")
    )

    def counted(line: Any, key: str) -> bool:
        rec = OrderLineRec(
            line.product.category.code,
            line.quantity,
            line.requested_date,
            line.promised_date,
            line.delivered_date,
            line.delivered_quantity,
            line.early_accepted,
        )
        facts = count_order_lines(
            [rec], {month}, days_early=settings.otd_days_early, days_late=settings.otd_days_late, today=today
        )
        return any(k == key and d == dim and v for (_c, _m, k, d), v in facts.items())

    key = "otd_on_time" if part == "numerator" else "otd_lines"
    title = "Lines delivered on time" if part == "numerator" else "Lines due in the month"
    return Drill(title, LINE_COLS, [line for line in lines if counted(line, key)])


def _repair(rel: Any, measure: str, month: str, category: str, part: str, settings: Any) -> Drill:
    qs = _in_category(Repair.objects.filter(relationship=rel), category)
    if measure in ("REPAIR.BACKLOG", "REPAIR.BACKLOG_OLDEST_DAYS"):
        end = month_end(month)
        return Drill(
            "Repairs open at month end",
            REPAIR_COLS,
            qs.filter(
                Q(shipped_date__isnull=True) | Q(shipped_date__gt=end), received_date__lte=end
            ).order_by("received_date"),
        )
    shipped = qs.filter(shipped_date__range=_between(month, month))
    if measure == "REPAIR.WITHIN_SLA" and part == "numerator" and settings.repair_sla_days:
        within = [r for r in shipped if (r.shipped_date - r.received_date).days <= settings.repair_sla_days]
        return Drill("Repairs shipped back within the agreed days", REPAIR_COLS, within)
    return Drill("Repairs shipped back in the month", REPAIR_COLS, shipped)


def _reports(
    rel: Any, measure: str, month: str, category: str, part: str, settings: Any, today: date
) -> Drill:
    severity = int(measure.split(".")[1])
    qs = _in_category(ProblemReport.objects.filter(relationship=rel, severity=severity), category)
    if measure.startswith("NPR"):
        if part == "numerator":
            return Drill(
                "Customer-originated, non-duplicate reports received",
                REPORT_COLS,
                qs.filter(
                    received_date__range=_between(month, month), customer_originated=True, duplicate_of=""
                ),
            )
        return _normalization(rel, month, category)
    threshold = {2: settings.frt_major_days, 3: settings.frt_minor_days}[severity]
    if measure.startswith("FRT"):
        fixed = qs.filter(fix_delivered_date__range=_between(month, month))
        if part == "numerator":
            return Drill(
                "Fixes delivered within the threshold",
                REPORT_COLS,
                [r for r in fixed if (r.fix_delivered_date - r.received_date).days <= threshold],
            )
        return Drill("Fixes delivered in the month", REPORT_COLS, fixed)
    start, end = _between(month, month)
    candidates = qs.filter(
        Q(fix_delivered_date__isnull=True) | Q(fix_delivered_date__gte=start),
        received_date__lte=end - timedelta(days=threshold + 1),
    )
    overdue = []
    for r in candidates:
        first_overdue = r.received_date + timedelta(days=threshold + 1)
        last_overdue = (r.fix_delivered_date - timedelta(days=1)) if r.fix_delivered_date else min(end, today)
        if first_overdue <= end and last_overdue >= start and first_overdue <= last_overdue:
            overdue.append(r)
    if part == "numerator":
        return Drill(
            "Overdue reports whose fix was delivered in the month",
            REPORT_COLS,
            [r for r in overdue if r.fix_delivered_date and start <= r.fix_delivered_date <= end],
        )
    return Drill("Reports overdue at any time in the month", REPORT_COLS, overdue)


def _normalization(rel: Any, month: str, category: str) -> Drill:
    from accord.parties.models import ProductCategory

    basis = (
        ProductCategory.objects.filter(code=category).values_list("normalization_basis", flat=True).first()
    )
    if basis == "installed":
        return Drill(
            "Installed units at month end",
            [
                ("Site", "site.name"),
                ("Product", "product.code"),
                ("Quantity", "quantity"),
                ("In service", "in_service_date"),
            ],
            _in_category(
                InstalledBase.objects.filter(relationship=rel, in_service_date__lte=month_end(month)),
                category,
            ),
        )
    return Drill(
        "Units shipped in the 12 months ending with M",
        SHIPMENT_COLS,
        _in_category(
            Shipment.objects.filter(
                relationship=rel, ship_date__range=_between(add_months(month, -11), month)
            ),
            category,
        ),
    )


def _tickets(rel: Any, measure: str, month: str, category: str, severity: str) -> Drill:
    qs = SupportTicket.objects.filter(relationship=rel)
    if category != "ALL":
        qs = qs.filter(product__category__code=category)
    if severity:
        qs = qs.filter(severity=int(severity))
    start = datetime.combine(month_start(month), time.min, tzinfo=UTC)
    end = datetime.combine(month_end(month), time.max, tzinfo=UTC)
    if measure in ("SUPPORT.RESOLVED", "SUPPORT.RESOLUTION_MEDIAN_H"):
        return Drill("Tickets resolved in the month", TICKET_COLS, qs.filter(resolved_at__range=(start, end)))
    if measure == "SUPPORT.BACKLOG":
        return Drill(
            "Tickets open at month end",
            TICKET_COLS,
            qs.filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=end), opened_at__lte=end),
        )
    return Drill("Tickets opened in the month", TICKET_COLS, qs.filter(opened_at__range=(start, end)))


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
) -> Drill:
    family = measure.split(".")[0]
    if family == "FR":
        return _fr(rel, measure, month, category, part)
    if family == "OTD":
        return _otd(rel, measure, month, category, part, settings, today)
    if family == "REPAIR":
        return _repair(rel, measure, month, category, part, settings)
    if family in ("NPR", "FRT", "OFR"):
        return _reports(rel, measure, month, category, part, settings, today)
    if family == "SUPPORT":
        return _tickets(rel, measure, month, category, severity)
    raise ValueError(f"unknown measure {measure!r}")
