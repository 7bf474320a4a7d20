"""Reading measurements: stored facts → the engine → rows. Never scans raw operational data."""

from __future__ import annotations

from typing import Any

from accord.measurements import engine
from accord.measurements.definitions import FRT_DEFAULT_THRESHOLDS
from accord.measurements.models import MeasurementSettings, MonthlyFact
from accord.measurements.months import month_range
from accord.measurements.services import settings_for
from accord.parties.models import ProductCategory, Relationship


def engine_settings(s: MeasurementSettings) -> engine.Settings:
    targets = {1: s.support_response_critical_h, 2: s.support_response_major_h, 3: s.support_response_minor_h}
    nu_basis = dict(ProductCategory.objects.values_list("code", "normalization_basis"))
    return engine.Settings(
        frt_thresholds={**FRT_DEFAULT_THRESHOLDS, 2: s.frt_major_days, 3: s.frt_minor_days},
        otd_days_early=s.otd_days_early,
        otd_days_late=s.otd_days_late,
        repair_sla_days=s.repair_sla_days,
        support_response_targets_h={sev: hours for sev, hours in targets.items() if hours is not None},
        nu_basis=nu_basis,
    )


def load_facts(relationship: Relationship, *, end: str) -> engine.Facts:
    """Every stored fact of the relationship up to ``end`` (FR's long-term window reaches back to the
    first shipment, so earlier months are needed too)."""
    rows = MonthlyFact.objects.filter(relationship=relationship, month__lte=end).values_list(
        "category", "month", "key", "dim", "value"
    )
    return {(c, m, k, d): v for c, m, k, d, v in rows}


def metrics(
    relationship: Relationship,
    *,
    start: str,
    end: str,
    category: str | None = None,
    window: int = 1,
    measures: list[str] | None = None,
) -> list[engine.Value]:
    """Every measure, month and category with data in ``start``…``end`` (plus the pooled ``ALL``)."""
    facts = load_facts(relationship, end=end)
    categories = sorted({c for c, _m, _k, _d in facts})
    rows = engine.compute(
        facts,
        months=month_range(start, end),
        categories=categories,
        settings=engine_settings(settings_for(relationship)),
        window=window,
        measures=measures,
    )
    if category:
        rows = [r for r in rows if r.category == category]
    return rows


def as_dict(row: engine.Value) -> dict[str, Any]:
    """The API's and the command's row (written out by hand: ``dataclasses.asdict`` is slow)."""
    out: dict[str, Any] = {
        "measure": row.measure,
        "month": row.month,
        "category": row.category,
        "numerator": row.numerator,
        "denominator": row.denominator,
        "value": row.value,
    }
    if row.severity:
        out["severity"] = row.severity
    if row.window != 1:
        out["window"] = row.window
    return out


def benchmarks(*, category: str, start: str, end: str) -> dict[str, list[Any]]:
    """Imported TL 9000 benchmarks per measure for a category (none for the pooled ALL)."""
    from accord.operations.models import Benchmark

    out: dict[str, list[Any]] = {}
    if category == "ALL":
        return out
    for b in Benchmark.objects.filter(category__code=category, month__range=(start, end)).order_by("month"):
        out.setdefault(b.measure, []).append(b)
    return out
