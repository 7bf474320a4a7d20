"""Keeping the stored monthly facts current: the bridge from operational records (ORM) to the pure
counting functions. An import's rows are followed by ``facts.py``, which calls ``refresh`` for the
months they touch; a settings change recomputes the relationship's months."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time
from itertools import starmap
from typing import Any

from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from accord.audit.versioned import versioned_update
from accord.lib import measured
from accord.lib.months import month_of, month_range
from accord.measurements import counting
from accord.measurements.definitions import KIND_KEYS
from accord.measurements.models import MeasurementSettings, MonthlyFact, new_facts_version
from accord.operations.models import (
    InstalledBase,
    OrderLine,
    ProblemReport,
    Repair,
    Return,
    Shipment,
    SupportTicket,
)
from accord.parties.models import Relationship


def settings_for(relationship: Relationship) -> MeasurementSettings:
    found, _created = MeasurementSettings.objects.get_or_create(relationship=relationship)
    return found


def _lock(relationship: Relationship, *, since: str | None) -> None:
    """One writer of a relationship's facts at a time (its settings row is the lock, on PostgreSQL: the
    update holds it to the end of the transaction), and a new version of its facts, committed with them
    (cached measurements of the old version are not read again)."""
    MeasurementSettings.objects.filter(pk=settings_for(relationship).pk).update(
        facts_version=new_facts_version()
    )
    measured.changed(relationship, since=since)  # whoever judges the facts (expectations) hears of it


def thresholds(s: MeasurementSettings) -> dict[int, int | None]:
    return {1: None, 2: s.frt_major_days, 3: s.frt_minor_days}


def _bounds(months: Iterable[str]) -> tuple[date, date]:
    ordered = sorted(months)
    first_y, first_m = map(int, ordered[0].split("-"))
    last_y, last_m = map(int, ordered[-1].split("-"))
    return date(first_y, first_m, 1), date(last_y, last_m, calendar.monthrange(last_y, last_m)[1])


def records(relationship: Relationship, kind: str, months: set[str]) -> list[Any]:
    """The raw records that can affect ``months`` for ``kind``, as the counting functions take them."""
    start, end = _bounds(months)
    rel = relationship
    rows: QuerySet[Any]
    if kind == "shipments":
        rows = Shipment.objects.filter(relationship=rel, ship_date__range=(start, end))
    elif kind == "returns":
        rows = Return.objects.filter(relationship=rel, received_date__range=(start, end))
    elif kind == "installed-base":
        rows = InstalledBase.objects.filter(relationship=rel, in_service_date__lte=end)
    elif kind == "order-lines":
        rows = OrderLine.objects.filter(
            Q(requested_date__range=(start, end)) | Q(promised_date__range=(start, end)), relationship=rel
        )
    elif kind == "repairs":
        rows = Repair.objects.filter(
            Q(shipped_date__isnull=True) | Q(shipped_date__gte=start),
            relationship=rel,
            received_date__lte=end,
        )
    elif kind == "problem-reports":
        rows = ProblemReport.objects.filter(
            Q(fix_delivered_date__isnull=True) | Q(fix_delivered_date__gte=start),
            relationship=rel,
            received_date__lte=end,
        )
    elif kind == "support-tickets":
        start_at = datetime.combine(start, time.min, tzinfo=UTC)
        end_at = datetime.combine(end, time.max, tzinfo=UTC)
        rows = SupportTicket.objects.filter(
            Q(resolved_at__isnull=True) | Q(resolved_at__gte=start_at),
            relationship=rel,
            opened_at__lte=end_at,
        )
    else:
        raise ValueError(f"unknown kind {kind!r}")
    source = counting.SOURCES[kind]
    return list(starmap(source.make, rows.values_list("product__category__code", *source.fields)))


def count(
    relationship: Relationship, kind: str, months: set[str], *, today: date | None = None
) -> counting.Facts:
    return count_records(relationship, kind, records(relationship, kind, months), months, today)


def response_targets(s: MeasurementSettings) -> dict[int, float]:
    """The agreed first-response target in hours per severity (1 critical, 2 major, 3 minor) that has one."""
    targets = {1: s.support_response_critical_h, 2: s.support_response_major_h, 3: s.support_response_minor_h}
    return {sev: hours for sev, hours in targets.items() if hours is not None}


def count_records(
    relationship: Relationship, kind: str, recs: list[Any], months: set[str], today: date | None = None
) -> counting.Facts:
    """``kind``'s facts of ``months`` counted from ``recs`` (the relationship gives the settings)."""
    s = settings_for(relationship)
    today = today or timezone.localdate()
    if kind == "shipments":
        return counting.count_shipments(recs, months)
    if kind == "returns":
        return counting.count_returns(recs, months)
    if kind == "installed-base":
        return counting.count_installed(recs, months)
    if kind == "order-lines":
        return counting.count_order_lines(
            recs, months, days_early=s.otd_days_early, days_late=s.otd_days_late, today=today
        )
    if kind == "repairs":
        return counting.count_repairs(recs, months)
    if kind == "problem-reports":
        return counting.count_problem_reports(recs, months, thresholds=thresholds(s), today=today)
    return counting.count_tickets(recs, months, targets_h=response_targets(s))


@transaction.atomic
def refresh(
    relationship: Relationship, *, kind: str, months: Iterable[str], today: date | None = None
) -> int:
    """Recompute ``kind``'s facts of ``months`` from the raw records; returns how many facts are stored."""
    months = set(months)
    if not months:
        return 0
    _lock(relationship, since=min(months))
    facts = count(relationship, kind, months, today=today)
    MonthlyFact.objects.filter(relationship=relationship, month__in=months, key__in=KIND_KEYS[kind]).delete()
    MonthlyFact.objects.bulk_create(
        [
            MonthlyFact(relationship=relationship, category=c, month=m, key=k, dim=d, value=v)
            for (c, m, k, d), v in facts.items()
            if v
        ],
        batch_size=1000,
    )
    return len(facts)


# Where each kind's history starts: the model and its earliest date field.
FIRST_DATES = (
    (Shipment, "ship_date"),
    (Return, "received_date"),
    (InstalledBase, "in_service_date"),
    (OrderLine, "requested_date"),
    (Repair, "received_date"),
    (ProblemReport, "received_date"),
    (SupportTicket, "opened_at"),
)


def data_months(relationship: Relationship, today: date | None = None) -> list[str]:
    """Every month from the earliest operational record to this month."""
    today = today or timezone.localdate()
    firsts = []
    for model, field in FIRST_DATES:
        first = model.objects.filter(relationship=relationship).aggregate(first=Min(field))["first"]
        if first is not None:
            firsts.append(timezone.localdate(first) if isinstance(first, datetime) else first)
    if not firsts:
        return []
    return month_range(month_of(min(firsts)), month_of(today))


def refresh_all(relationship: Relationship, *, today: date | None = None) -> int:
    """Recompute every kind's facts for every month with data (after a settings change)."""
    months = set(data_months(relationship, today))
    return sum(refresh(relationship, kind=kind, months=months, today=today) for kind in KIND_KEYS)


SETTINGS_FIELDS = [
    "frt_major_days",
    "frt_minor_days",
    "otd_days_early",
    "otd_days_late",
    "repair_sla_days",
    "support_response_critical_h",
    "support_response_major_h",
    "support_response_minor_h",
]


@transaction.atomic
def update_settings(
    *, actor: Any, relationship: Relationship, version: int, **values: Any
) -> MeasurementSettings:
    updated = versioned_update(
        settings_for(relationship),
        version=version,
        fields=SETTINGS_FIELDS,
        values=values,
        actor=actor,
        verb="measurement_settings.updated",
        relationship=relationship,
    )
    if updated.changes:
        refresh_all(relationship)
    return updated.obj


@transaction.atomic
def add_facts(relationship: Relationship, kind: str, facts: Mapping[counting.Fact, float]) -> None:
    """Add the facts of new records of an additive kind (shipments, returns) to the stored ones."""
    if not facts:
        return
    keys = KIND_KEYS[kind]
    if any(key not in keys for _c, _m, key, _d in facts):
        raise ValueError(f"{kind} has no such facts")
    _lock(relationship, since=min(m for _c, m, _k, _d in facts))
    stored = MonthlyFact.objects.filter(
        relationship=relationship, month__in={m for _c, m, _k, _d in facts}, key__in=keys
    )
    current = {(f.category, f.month, f.key, f.dim): f for f in stored}
    changed, new = [], []
    for (c, m, k, d), v in facts.items():
        fact = current.get((c, m, k, d))
        if fact is None:
            new.append(MonthlyFact(relationship=relationship, category=c, month=m, key=k, dim=d, value=v))
        elif v:
            fact.value += v
            changed.append(fact)
    MonthlyFact.objects.bulk_update(changed, ["value"], batch_size=1000)
    MonthlyFact.objects.bulk_create([f for f in new if f.value], batch_size=1000)
