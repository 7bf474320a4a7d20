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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from django.db.models import F, Model, Q, QuerySet, Sum
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accord.lib.months import (
    add_months,
    month_end,
    month_range,
    month_start,
    next_month_start_utc,
)
from accord.measurements import counting, engine
from accord.measurements.columns import (
    INSTALLED_COLS,
    LINE_COLS,
    REPAIR_COLS,
    REPORT_COLS,
    RETURN_COLS,
    SHIPMENT_COLS,
    TICKET_COLS,
    UNITS_COLS,
    Column,
)
from accord.measurements.definitions import (
    MEASURES,
    NORMALIZATION_BASES,
    MeasureDef,
    Settings,
    Window,
)
from accord.measurements.selectors import engine_settings
from accord.operations import models as ops
from accord.parties.models import ProductCategory

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "AT_MONTH_END",
    "LISTINGS",
    "Chain",
    "Column",
    "Drill",
    "NormalizationUnit",
    "drill",
    "normalization_units",
    "total",
]

# The point-in-time measures (``MeasureDef.point_in_time``): a range lists the last month's records.
AT_MONTH_END = frozenset(code for code, d in MEASURES.items() if d.point_in_time)
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
    columns: list[Column]
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


# ------------------------------------------------------------------------------------------ helpers
@dataclass(frozen=True)
class _Ask:
    """What is asked: whose records, which category (or ALL), severity, the agreed settings, today."""

    rel: Any
    category: str
    severity: str
    settings: Settings
    today: date

    def of(self, model: type[Model]) -> QuerySet[Any]:
        qs = model._default_manager.filter(relationship=self.rel).select_related("product")
        return qs if self.category == engine.ALL else qs.filter(product__category__code=self.category)


def _days(month: str, first: int, last: int) -> tuple[date, date]:
    """The first day of M+first … the last day of M+last."""
    return month_start(add_months(month, first)), month_end(add_months(month, last))


def _in(window: Window, field_: str, month: str) -> Q:
    """``field_``'s date in the months ``window`` around ``month``."""
    first, last = window
    if first is None:
        return Q(**{f"{field_}__lt": month_start(add_months(month, last + 1))})
    return Q(**{f"{field_}__range": _days(month, first, last)})


# Translators of the titles below: "M" is the month asked and "M-6" six months before it; keep them
# as they are, as words of their own (a space or punctuation either side): a single month's title
# gives them as dates.


def _span(window: Window, within: str, before: str) -> str:
    """A title naming the months of ``window``: ``within`` (a whole sentence with ``%(months)s``, as
    "M-6 … M-1", "M-18 … M-7") or, for a window open to the past, ``before`` (with ``%(month)s``: the
    first month after it, "M-18")."""
    first, last = window
    if first is None:
        return before % {"month": f"M{last + 1}"}
    return within % {"months": f"M{first} … M{last or ''}"}


def _with(rows: Iterable[Any], **computed: Any) -> list[Any]:
    """The rows as a list, each given the computed attributes (functions of the row)."""
    out = list(rows)
    for obj in out:
        for name, fn in computed.items():
            setattr(obj, name, fn(obj))
    return out


def _counted(facts: counting.Facts, key: str, dim: str | None = None) -> bool:
    """Whether ``facts`` count anything under ``key`` (and ``dim``, when given)."""
    return any(k == key and (dim is None or d == dim) and v for (_c, _m, k, d), v in facts.items())


def _statistic_note(d: MeasureDef, note: str) -> str:
    """``note``: a whole sentence with ``%(statistic)s`` (the measure's statistic, as "median")."""
    return note % {"statistic": STATISTIC_NAMES[d.statistic]}


STATISTIC_NAMES = {"mean": _("mean"), "median": _("median"), "p90": _("90th percentile (nearest rank)")}


# ------------------------------------------------------------------------------------------ listings
# One function per kind of list (``MeasureDef.drill``): (ask, measure, month, part) -> Drill. Titles
# name months relative to M ("M-6 … M-1"); a single month's drill-down gives them as dates.
def _returns(ask: _Ask, month: str) -> QuerySet[Any]:
    """The returns counted in ``month``: received in it, with no exclusion reason."""
    returns = ask.of(ops.Return).filter(excluded_reason="", received_date__range=_days(month, 0, 0))
    return returns.order_by("received_date", "pk")


def fr_window(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    assert d.returns_shipped and d.population
    if part == "numerator":
        title = _span(
            d.returns_shipped,
            gettext("Returns received in M of units shipped %(months)s"),
            gettext("Returns received in M of units shipped before %(month)s"),
        )
        rows = _returns(ask, month).filter(_in(d.returns_shipped, "ship_date", month))
        return Drill(title, RETURN_COLS, rows, "quantity")
    shipped = ask.of(ops.Shipment).filter(_in(d.population, "ship_date", month)).order_by("ship_date", "pk")
    title = _span(
        d.population, gettext("Units shipped %(months)s"), gettext("Units shipped before %(month)s")
    )
    return Drill(title, SHIPMENT_COLS, shipped, "quantity")


def fr_ntf(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    returns = _returns(ask, month)
    if part == "numerator":
        ntf = returns.filter(no_trouble_found=True)
        return Drill(gettext("No-trouble-found returns received in M"), RETURN_COLS, ntf, "quantity")
    return Drill(gettext("Counted returns received in M"), RETURN_COLS, returns, "quantity")


def order_lines(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    lines = ask.of(ops.OrderLine).select_related("product__category")
    lines = lines.filter(**{f"{d.due_date}__range": _days(month, 0, 0)}).order_by(d.due_date, "pk")
    key = "otd_on_time" if part == "numerator" else "otd_lines"
    early, late = ask.settings.otd_days_early, ask.settings.otd_days_late

    def counted(line: Any) -> bool:
        rec = counting.OrderLineRec(
            category=line.product.category.code,
            quantity=line.quantity,
            requested_date=line.requested_date,
            promised_date=line.promised_date,
            delivered_date=line.delivered_date,
            delivered_quantity=line.delivered_quantity,
            early_accepted=line.early_accepted,
        )
        facts = counting.count_order_lines([rec], {month}, days_early=early, days_late=late, today=ask.today)
        return _counted(facts, key, d.dim)

    promised = d.due_date == "promised_date"  # else requested_date
    if part == "numerator":
        title = (
            gettext(
                "Order lines promised for M, delivered complete on time "
                "(agreed: up to %(early)s days early, %(late)s days late; earlier only if accepted)"
            )
            if promised
            else gettext(
                "Order lines requested for M, delivered complete on time "
                "(agreed: up to %(early)s days early, %(late)s days late; earlier only if accepted)"
            )
        ) % {"early": early, "late": late}
    elif promised:
        title = gettext("Order lines promised for M whose outcome is known (delivered, or late already)")
    else:
        title = gettext("Order lines requested for M whose outcome is known (delivered, or late already)")
    return Drill(title, LINE_COLS, [line for line in lines if counted(line)])


def repairs_open(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    end = month_end(month)
    open_ = (
        ask.of(ops.Repair)
        .filter(Q(shipped_date__isnull=True) | Q(shipped_date__gt=end), received_date__lte=end)
        .order_by("received_date", "pk")
    )
    cols = [*REPAIR_COLS, Column(_("Age at month end (days)"), "age_days")]
    rows = _with(open_, age_days=lambda r: (end - r.received_date).days)
    return Drill(gettext("Repairs open at the end of M"), cols, rows, note=str(d.drill_note))


_SHIPPED_BACK = _("Repairs shipped back in M")
_TURNAROUND_COLS = [*REPAIR_COLS, Column(_("Turnaround (days)"), "turnaround_days")]


def _shipped_back(ask: _Ask, month: str) -> list[Any]:
    return _with(
        ask.of(ops.Repair).filter(shipped_date__range=_days(month, 0, 0)).order_by("shipped_date", "pk"),
        turnaround_days=lambda r: (r.shipped_date - r.received_date).days,
    )


def repair_turnaround(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    shipped = _shipped_back(ask, month)
    if d.statistic == "mean" and part == "numerator":
        note = gettext(
            "The numerator is the sum of these repairs' turnaround days; the mean divides it by their number."
        )
        return Drill(str(_SHIPPED_BACK), _TURNAROUND_COLS, shipped, "turnaround_days", note)
    note = _statistic_note(
        d,
        gettext("The value is the %(statistic)s of these repairs' turnaround days, not a count of records."),
    )
    return Drill(str(_SHIPPED_BACK), _TURNAROUND_COLS, shipped, note=note)


def repair_sla(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    sla = ask.settings.repair_sla_days
    if sla is None:
        return Drill(gettext("Repairs shipped back in M (no turnaround agreed)"), _TURNAROUND_COLS, [])
    shipped = _shipped_back(ask, month)
    if part == "numerator":
        within = [r for r in shipped if r.turnaround_days <= sla]
        title = ngettext(
            "Repairs shipped back in M within the agreed %(days)s day",
            "Repairs shipped back in M within the agreed %(days)s days",
            sla,
        ) % {"days": sla}
        return Drill(title, _TURNAROUND_COLS, within)
    return Drill(str(_SHIPPED_BACK), _TURNAROUND_COLS, shipped)


def _reports(ask: _Ask, d: MeasureDef) -> tuple[QuerySet[Any], str]:
    """The reports the measure counts (its severity, customer-originated, not duplicates), and how
    a title says so."""
    reports = ask.of(ops.ProblemReport).filter(severity=d.severity, customer_originated=True, duplicate_of="")
    return reports, str(_COUNTED_REPORTS[d.severity])


# how a title says which reports count, by severity
_COUNTED_REPORTS = {
    1: _("critical, customer-originated, non-duplicate"),
    2: _("major, customer-originated, non-duplicate"),
    3: _("minor, customer-originated, non-duplicate"),
}


def reports_received(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    if part == "denominator":
        return _normalization(ask, month)
    reports, counted = _reports(ask, d)
    received = reports.filter(received_date__range=_days(month, 0, 0)).order_by("received_date", "pk")
    title = gettext("Reports received in M (%(counted)s)") % {"counted": counted}
    return Drill(title, REPORT_COLS, received)


def fixes(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    reports, counted = _reports(ask, d)
    threshold = ask.settings.frt_thresholds.get(d.severity)
    cols = [*REPORT_COLS, Column(_("Days to fix"), "fix_days")]
    if threshold is None:
        return Drill(gettext("Fixes delivered in M (no threshold)"), cols, [])
    fixed = _with(
        reports.filter(fix_delivered_date__range=_days(month, 0, 0)).order_by("fix_delivered_date", "pk"),
        fix_days=lambda r: (r.fix_delivered_date - r.received_date).days,
    )
    if part == "numerator":
        within = [r for r in fixed if r.fix_days <= threshold]
        title = ngettext(
            "Fixes delivered in M within %(days)s day (%(counted)s)",
            "Fixes delivered in M within %(days)s days (%(counted)s)",
            threshold,
        ) % {"days": threshold, "counted": counted}
        return Drill(title, cols, within)
    return Drill(gettext("Fixes delivered in M (%(counted)s)") % {"counted": counted}, cols, fixed)


def overdue(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    """Overdue from the day after the threshold up to and including the fix day (or today)."""
    reports, counted = _reports(ask, d)
    threshold = ask.settings.frt_thresholds.get(d.severity)
    cols = [*REPORT_COLS, Column(_("Overdue from"), "overdue_from")]
    if threshold is None:
        return Drill(gettext("Reports overdue in M (no threshold)"), cols, [])
    start, end = _days(month, 0, 0)
    candidates = reports.filter(
        Q(fix_delivered_date__isnull=True) | Q(fix_delivered_date__gte=start),
        received_date__lte=end - timedelta(days=threshold + 1),
    ).order_by("received_date", "pk")
    key = "ofr_fixed" if part == "numerator" else "ofr_overdue"

    def counts(r: Any) -> bool:
        rec = counting.ProblemReportRec(
            category="", severity=d.severity, received_date=r.received_date, fix_date=r.fix_delivered_date
        )
        thresholds = ask.settings.frt_thresholds
        facts = counting.count_problem_reports([rec], {month}, thresholds=thresholds, today=ask.today)
        return _counted(facts, key)

    rows = _with(
        (r for r in candidates if counts(r)),
        overdue_from=lambda r: r.received_date + timedelta(days=threshold + 1),
    )
    if part == "numerator":
        title = gettext("Overdue reports whose fix was delivered in M (%(counted)s)") % {"counted": counted}
        return Drill(title, cols, rows)
    return Drill(gettext("Reports overdue at any time in M (%(counted)s)") % {"counted": counted}, cols, rows)


class NormalizationUnit(NamedTuple):
    unit: str  # its name ("units", "terminations")
    basis: StrOrPromise  # what is counted ("installed units at end of M")
    categories: list[str]


def normalization_units(settings: Settings, codes: Iterable[str]) -> list[NormalizationUnit]:
    """How the categories ``codes`` count NPR's normalization units, one per unit and basis, in order
    of their first category."""
    codes = sorted(codes)
    names = dict(ProductCategory.objects.filter(code__in=codes).values_list("code", "normalization_unit"))
    grouped: dict[tuple[str, StrOrPromise], list[str]] = {}
    for code in codes:
        basis = settings.basis(code)
        known = NORMALIZATION_BASES.get(basis)
        grouped.setdefault((names.get(code) or "units", known.name if known else basis), []).append(code)
    return [NormalizationUnit(unit, basis, cats) for (unit, basis), cats in grouped.items()]


def _normalization(ask: _Ask, month: str) -> Drill:
    installed_codes = [c for c, b in ask.settings.nu_basis.items() if b == "installed"]
    window = NORMALIZATION_BASES["shipped_12m"].shipped
    assert window is not None
    shipped = ask.of(ops.Shipment).filter(_in(window, "ship_date", month))
    installed = ask.of(ops.InstalledBase).filter(in_service_date__lte=month_end(month)).select_related("site")
    shipped_title = _span(
        window,
        gettext("Normalization units: units shipped %(months)s"),
        gettext("Normalization units: units shipped before %(month)s"),
    )
    installed_title = gettext("Normalization units: installed units at the end of M")
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
    on_installed = ask.of(ops.InstalledBase).filter(product__category__code__in=installed_codes).exists()
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
    title = _span(
        window,
        gettext(
            "Normalization units, each category's on its own basis: installed units at the end of M, "
            "or units shipped %(months)s"
        ),
        gettext(
            "Normalization units, each category's on its own basis: installed units at the end of M, "
            "or units shipped before %(month)s"
        ),
    )
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


class _Tickets(NamedTuple):
    """The month's tickets (of the severity asked, if any): all, opened in M, resolved in M."""

    all: QuerySet[Any]
    opened: QuerySet[Any]
    resolved: QuerySet[Any]
    end: datetime  # the month's end (the next month's start)


def _tickets(ask: _Ask, month: str) -> _Tickets:
    tickets = ask.of(ops.SupportTicket)
    if ask.severity:
        tickets = tickets.filter(severity=int(ask.severity))
    start = datetime.combine(month_start(month), datetime.min.time(), tzinfo=UTC)
    end = next_month_start_utc(month)
    opened = tickets.filter(opened_at__gte=start, opened_at__lt=end).order_by("opened_at", "pk")
    resolved = tickets.filter(resolved_at__gte=start, resolved_at__lt=end).order_by("resolved_at", "pk")
    return _Tickets(tickets, opened, resolved, end)


def tickets_opened(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    return Drill(gettext("Tickets opened in M"), TICKET_COLS, _tickets(ask, month).opened)


def tickets_resolved(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    return Drill(gettext("Tickets resolved in M"), TICKET_COLS, _tickets(ask, month).resolved)


def tickets_open(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    tickets = _tickets(ask, month)
    end = tickets.end
    open_ = tickets.all.filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=end), opened_at__lt=end)
    return Drill(gettext("Tickets open at the end of M"), TICKET_COLS, open_.order_by("opened_at", "pk"))


def resolution_hours(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    rows = _with(_tickets(ask, month).resolved, resolution_hours=lambda t: _hours(t.opened_at, t.resolved_at))
    cols = [*TICKET_COLS, Column(_("Hours to resolution"), "resolution_hours")]
    note = _statistic_note(
        d,
        gettext(
            "The value is the %(statistic)s of these tickets' whole hours to resolution, "
            "not a count of records."
        ),
    )
    return Drill(gettext("Tickets resolved in M"), cols, rows, note=note)


def _answered(ask: _Ask, month: str) -> QuerySet[Any]:
    return _tickets(ask, month).opened.filter(first_response_at__isnull=False)


def first_response_hours(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    rows = _with(_answered(ask, month), response_hours=lambda t: _hours(t.opened_at, t.first_response_at))
    cols = [*TICKET_COLS, Column(_("Hours to first response"), "response_hours")]
    note = _statistic_note(
        d,
        gettext(
            "The value is the %(statistic)s of these tickets' whole hours to first response, "
            "not a count of records."
        ),
    )
    return Drill(gettext("Tickets opened in M and answered"), cols, rows, note=note)


def first_response_within(ask: _Ask, d: MeasureDef, month: str, part: str) -> Drill:
    """The answered tickets of the severities with a target; within it as ``counting`` decides (the
    facts keep the count, not the rule)."""
    targets = ask.settings.support_response_targets_h
    rows = _with(
        _answered(ask, month).filter(severity__in=list(targets)),
        response_time=lambda t: _elapsed(t.opened_at, t.first_response_at),
        target_hours=lambda t: targets[t.severity],
    )
    cols = [
        *TICKET_COLS,
        Column(_("Time to first response (h:mm:ss)"), "response_time"),
        Column(_("Target (hours)"), "target_hours"),
    ]
    title = gettext("Tickets opened in M and answered (severities with a response target)")
    if part == "numerator":

        def within(t: Any) -> bool:
            rec = counting.TicketRec(
                category="",
                severity=t.severity,
                opened_at=t.opened_at,
                first_response_at=t.first_response_at,
                resolved_at=t.resolved_at,
            )
            return _counted(counting.count_tickets([rec], {month}, targets_h=targets), "support_first_within")

        title = gettext(
            "Tickets opened in M and answered (severities with a response target), answered within the target"
        )
        return Drill(title, cols, [t for t in rows if within(t)])
    return Drill(title, cols, rows)


Listing = Callable[[_Ask, MeasureDef, str, str], Drill]
LISTINGS: dict[str, Listing] = {
    listing.__name__: listing
    for listing in (
        fr_window,
        fr_ntf,
        order_lines,
        repairs_open,
        repair_turnaround,
        repair_sla,
        reports_received,
        fixes,
        overdue,
        tickets_opened,
        tickets_resolved,
        tickets_open,
        resolution_hours,
        first_response_hours,
        first_response_within,
    )
}
# "M" and "M-6" in a title are months; not \b, which counts a CJK character as part of a word ("M末")
_RELATIVE = re.compile(r"(?<![A-Za-z0-9_])M(?:-(\d+))?(?![A-Za-z0-9_])")


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
    d = MEASURES.get(measure)
    if d is None:
        raise ValueError(f"unknown measure {measure!r}")
    ask = _Ask(rel, category, severity if d.per_severity else "", engine_settings(settings), today)
    months = [month] if first is None or d.point_in_time else month_range(first, month)
    if not months or len(months) > MAX_MONTHS:
        raise ValueError(f"a range of 1 to {MAX_MONTHS} months ending with {month}, not from {first}")
    listing = LISTINGS[d.drill]
    drills = [listing(ask, d, m, part) for m in months]
    last = drills[-1]
    if len(drills) == 1:
        title = _RELATIVE.sub(lambda m: add_months(month, -int(m.group(1) or 0)), last.title)
        return replace(last, title=title, months=months)
    parts: list[tuple[str, Rows]] = []
    for m, one in zip(months, drills, strict=True):
        parts += [(m, rows) for _, rows in one.rows.parts] if isinstance(one.rows, Chain) else [(m, one.rows)]
    return Drill(
        gettext("%(title)s, for each month M of %(first)s … %(last)s")
        % {"title": last.title, "first": months[0], "last": month},
        [Column(_("Month"), "counted_in"), *last.columns],
        Chain(parts),
        last.quantity,
        last.note,
        months,
    )
