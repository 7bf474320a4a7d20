"""The data of one report issue, taken once when the issue is generated and kept with it (``data``):
every number its page, PDF and workbook show, so a published issue never changes when the data under it
does (a correction is a new revision, with its own snapshot).

The measures come from ``measurements.selectors.metrics_by_window`` (the numbers ``accord metrics``
prints); targets from the agreed expectations (``accord.lib.targets``); benchmarks from the supplier's
imported ones; the register, expectations and meetings as both sides' members read them
(``access.readers``), so nothing one side keeps private reaches a report.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accord.expectations import selectors as expectation_selectors
from accord.lib.months import add_months, month_end, month_range, next_month_start_utc
from accord.lib.targets import targets_for
from accord.measurements import definitions, engine
from accord.measurements.selectors import benchmarks, metrics_by_window
from accord.meetings.models import Meeting
from accord.meetings.models import Status as MeetingStatus
from accord.parties.models import ProductCategory, Relationship
from accord.register.models import CLOSED_STATUSES, OPEN_STATUSES, ActionItem
from accord.reports import periods
from accord.reports.access import readers
from accord.reports.models import Benchmarks, ReportDefinition, Section

SNAPSHOT_VERSION = 1
FAMILIES = {
    Section.RETURNS: ("FR",),
    Section.DELIVERY: ("OTD",),
    Section.REPAIR: ("REPAIR",),
    Section.PROBLEMS: ("NPR", "FRT", "OFR"),
    Section.SUPPORT: ("SUPPORT",),
}
MEASURE_SECTIONS = tuple(FAMILIES)
OPEN_ITEMS_LISTED = 40
WINDOWS = (1, 3, 12)

# one row of values: what ``engine.Value`` holds, as JSON
Row = list[Any]  # [measure, month, category, numerator, denominator, value, window, partial]


def measures_of(section: str) -> list[str]:
    """The codes of a measure section, in the definitions' order (supplementary ones included)."""
    return [d.code for family in FAMILIES[Section(section)] for d in definitions.of_family(family)]


def _row(v: engine.Value) -> Row:
    return [v.measure, v.month, v.category, v.numerator, v.denominator, v.value, v.window, v.partial]


def as_value(row: Row) -> engine.Value:
    measure, month, category, numerator, denominator, value, window, partial = row
    return engine.Value(measure, month, category, numerator, denominator, value, window, "", partial)


def _met(comparator: str, value: float | None, target: float) -> bool | None:
    if value is None:
        return None
    return {
        "at_least": value >= target,
        "at_most": value <= target,
        "above": value > target,
        "below": value < target,
    }.get(comparator)


def position(code: str, value: float | None, best: float, average: float, worst: float) -> str:
    """Where ``value`` stands against a benchmark: best (at or better than the best in class), above
    (better than the industry average), below (worse than the average), worst (at or worse than the
    worst in class); "" without a value."""
    direction = definitions.measure(code).direction
    if value is None or direction == "none":
        return ""
    sign = -1 if direction == "lower" else 1
    v, b, a, w = sign * value, sign * best, sign * average, sign * worst
    if v >= b:
        return "best"
    if v <= w:
        return "worst"
    return "above" if v >= a else "below"


def _categories(
    relationship: Relationship, definition: ReportDefinition, present: Iterable[str]
) -> list[str]:
    """The category labels shown: the chosen ones (those with data or not), else every category with data
    and ``ALL`` first."""
    if definition.categories:
        return list(definition.categories)
    return [engine.ALL, *sorted(set(present) - {engine.ALL, ""})]


def _measure_sections(
    relationship: Relationship, definition: ReportDefinition, period: str, reader: Any
) -> tuple[dict[str, Any], list[str]]:
    chosen = [s for s in definition.sections if s in MEASURE_SECTIONS]
    if not chosen:
        return {}, []
    months = periods.months_of(period)
    end = months[-1]
    span = len(months)
    previous_end = periods.months_of(periods.shift(period, -1))[-1]
    start = add_months(end, -(max(definition.history_months, span) - 1))
    first = min(start, add_months(previous_end, -(span - 1)))
    codes = [c for s in chosen for c in measures_of(s)]
    by_window = metrics_by_window(relationship, start=first, end=end, windows=list(WINDOWS), measures=codes)
    present = {v.category for v in by_window[1]}
    labels = _categories(relationship, definition, present)
    at: dict[tuple[int, str, str, str], engine.Value] = {
        (w, v.measure, v.category, v.month): v
        for w, rows in by_window.items()
        for v in rows
        if not v.severity
    }
    agreed = targets_for(reader, codes) if definition.compare_targets else []
    out: dict[str, Any] = {}
    for section in chosen:
        mine = measures_of(section)
        blocks = []
        for label in labels:
            monthly = [
                _row(v)
                for v in by_window[1]
                if v.measure in mine and v.category == label and not v.severity and v.month >= start
            ]
            if not monthly and label == engine.ALL:
                continue
            rolling = [
                _row(v)
                for v in by_window[span]
                if span > 1
                and v.measure in mine
                and v.category == label
                and not v.severity
                and v.month >= start
            ]
            now = {m: at.get((span, m, label, end)) for m in mine}
            before = {m: at.get((span, m, label, previous_end)) for m in mine}
            block: dict[str, Any] = {
                "category": label,
                "monthly": monthly,
                "rolling": rolling,
                "period": {m: _row(v) for m, v in now.items() if v is not None},
                "previous": (
                    {m: _row(v) for m, v in before.items() if v is not None}
                    if definition.compare_previous
                    else {}
                ),
                "targets": [],
                "benchmarks": {},
            }
            for t in agreed:
                if t.measure in mine and t.category == label:
                    held = at.get((t.window, t.measure, label, end))
                    value = held.value if held is not None else None
                    block["targets"].append(
                        {
                            "measure": t.measure,
                            "window": t.window,
                            "comparator": t.comparator,
                            "target": t.value,
                            "label": t.label,
                            "value": value,
                            "met": _met(t.comparator, value, t.value),
                        }
                    )
            if definition.benchmarks != Benchmarks.NONE and label != engine.ALL:
                for m, rows in benchmarks(relationship, category=label, start=start, end=end).items():
                    if m not in mine:
                        continue
                    latest = rows[-1]
                    mine_then = at.get((1, m, label, latest.month))
                    block["benchmarks"][m] = {
                        "month": latest.month,
                        "best": latest.best_in_class,
                        "average": latest.industry_average,
                        "worst": latest.worst_in_class,
                        "value": mine_then.value if mine_then else None,
                        "position": position(
                            m,
                            mine_then.value if mine_then else None,
                            latest.best_in_class,
                            latest.industry_average,
                            latest.worst_in_class,
                        ),
                        "band": [
                            [b.month, b.best_in_class, b.industry_average, b.worst_in_class] for b in rows
                        ],
                    }
            blocks.append(block)
        out[str(section)] = {"measures": mine, "categories": blocks}
    return out, labels


def _register(both: tuple[Any, Any], period: str) -> dict[str, Any]:
    months = periods.months_of(period)
    since = next_month_start_utc(add_months(months[0], -1))
    until = next_month_start_utc(months[-1])
    last_day = month_end(months[-1])
    # the items both sides read: never one side's private ones (each side's rule, ``visible_to``, applied)
    supplier, customer = both
    items = ActionItem.objects.visible_to(customer).filter(
        pk__in=ActionItem.objects.visible_to(supplier).values("pk")
    )
    counts = items.aggregate(
        opened=Count("pk", filter=Q(created_at__gte=since, created_at__lt=until)),
        closed=Count("pk", filter=Q(closed_at__gte=since, closed_at__lt=until)),
        open_at_end=Count(
            "pk",
            filter=Q(created_at__lt=until) & (Q(closed_at__isnull=True) | Q(closed_at__gte=until)),
        ),
        overdue_at_end=Count(
            "pk",
            filter=Q(created_at__lt=until, due_date__lt=last_day)
            & (Q(closed_at__isnull=True) | Q(closed_at__gte=until))
            & (Q(done_at__isnull=True) | Q(done_at__gte=until)),
        ),
    )
    listed = (
        items.filter(status__in=OPEN_STATUSES, created_at__lt=until)
        .select_related("owner")
        .order_by("due_date", "number")[:OPEN_ITEMS_LISTED]
    )
    return {
        **counts,
        "open_now": items.filter(status__in=OPEN_STATUSES).count(),
        "closed_statuses": [str(s) for s in CLOSED_STATUSES],
        "items": [
            {
                "reference": i.reference,
                "title": i.title,
                "owner": i.owner.get_full_name() or i.owner.email if i.owner else "",
                "owner_side": i.owner_side,
                "due": i.due_date.isoformat() if i.due_date else "",
                "status": i.get_status_display(),
                "overdue": bool(i.due_date and i.due_date < last_day),
            }
            for i in listed
        ],
    }


def _expectations(reader: Any, period: str, history: int) -> dict[str, Any]:
    end = periods.months_of(period)[-1]
    card = expectation_selectors.scorecard(reader, months=min(history, 12), end=end)
    return {
        "months": card.months,
        "headline": {
            "met": card.headline.met,
            "assessed": card.headline.assessed,
            "agreed": card.headline.agreed,
            "open_gaps": card.headline.open_gaps,
        },
        "rows": [
            {
                "reference": r.expectation.reference,
                "statement": r.terms.statement if r.terms else "",
                "measure": r.terms.measure if r.terms else "",
                "cells": [c.result if c is not None else "" for c in r.cells],
                "gap": r.gap.get_status_display() if r.gap is not None else "",
            }
            for r in card.rows
        ],
    }


def _meetings(reader: Any, period: str, now: datetime) -> dict[str, Any]:
    months = periods.months_of(period)
    since = next_month_start_utc(add_months(months[0], -1))
    until = next_month_start_utc(months[-1])
    visible = Meeting.objects.visible_to(reader)
    held = visible.filter(status=MeetingStatus.HELD, starts_at__gte=since, starts_at__lt=until).order_by(
        "starts_at"
    )
    upcoming = visible.filter(status=MeetingStatus.SCHEDULED, starts_at__gte=until).order_by("starts_at")[:3]

    def row(m: Meeting) -> dict[str, Any]:
        return {"date": m.starts_at.date().isoformat(), "kind": m.get_kind_display(), "title": m.title}

    return {"held": [row(m) for m in held], "upcoming": [row(m) for m in upcoming]}


def take(definition: ReportDefinition, period: str, *, now: datetime | None = None) -> dict[str, Any]:
    """The snapshot of ``definition``'s report for ``period``, as JSON-ready data, its words (statuses,
    kinds, measure names, the period) in the definition's language, which the files are rendered in."""
    with translation.override(definition.language):
        return _take(definition, period, now=now or timezone.now())


def _take(definition: ReportDefinition, period: str, *, now: datetime) -> dict[str, Any]:
    relationship = definition.relationship
    both = readers(relationship)
    reader = both[1]  # expectations, targets and meetings: both sides read all of them
    months = periods.months_of(period)
    measured, labels = _measure_sections(relationship, definition, period, reader)
    sections: dict[str, Any] = dict(measured)
    if Section.REGISTER in definition.sections:
        sections[Section.REGISTER.value] = _register(both, period)
    if Section.EXPECTATIONS in definition.sections:
        sections[Section.EXPECTATIONS.value] = _expectations(reader, period, definition.history_months)
    if Section.MEETINGS in definition.sections:
        sections[Section.MEETINGS.value] = _meetings(reader, period, now)
    names = dict(ProductCategory.objects.filter(code__in=labels).values_list("code", "name"))
    codes = sorted(
        {c for s in measured.values() for c in s["measures"]}, key=list(definitions.MEASURES).index
    )
    return {
        "version": SNAPSHOT_VERSION,
        "language": definition.language,
        "title": definition.title,
        "period": period,
        "period_label": periods.label(period),
        "months": months,
        "history": month_range(
            add_months(months[-1], -(max(definition.history_months, len(months)) - 1)), months[-1]
        ),
        "supplier": relationship.supplier.name,
        "customer": relationship.customer.name,
        "taken_at": now.isoformat(),
        "benchmarks": definition.benchmarks,
        "order": list(definition.sections),
        "categories": {
            label: names.get(label, _("All categories") if label == engine.ALL else label) for label in labels
        },
        "sections": sections,
        "definitions": [
            {
                "code": c,
                "name": definitions.measure(c).shown_name,
                "unit": definitions.measure(c).shown_unit,
                "definition": definitions.measure(c).shown_definition,
            }
            for c in codes
        ],
    }
