"""Reading measurements: stored facts → the engine → rows. Never scans raw operational data."""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.db.models import Min, Q

from accord.lib.months import add_months, month_range
from accord.measurements import engine, services
from accord.measurements.components import Table, table_from_rows
from accord.measurements.definitions import Settings
from accord.measurements.models import MeasurementSettings, MonthlyFact
from accord.operations.models import Benchmark
from accord.parties.models import ProductCategory, Relationship, category_basis


def engine_settings(s: MeasurementSettings) -> Settings:
    # The relationship's supplier's own basis of each category, else the category's default: one query,
    # reaching the supplier through the relationship (``s.relationship`` need not be loaded).
    categories = ProductCategory.objects.annotate(basis=category_basis(relationship_id=s.relationship_id))
    return Settings(
        frt_thresholds=services.thresholds(s),
        otd_days_early=s.otd_days_early,
        otd_days_late=s.otd_days_late,
        repair_sla_days=s.repair_sla_days,
        support_response_targets_h=services.response_targets(s),
        nu_basis=dict(categories.values_list("code", "basis")),
    )


def load_table(
    relationship: Relationship, *, start: str, end: str, category: str | None = None
) -> tuple[Table, dict[str, str] | None]:
    """The stored facts that months ``start`` … ``end`` need, arranged for the engine: every fact of
    those months and every shipment month before (FR's long-term population reaches back to the first
    shipment); only ``category``'s when one is given. When facts are left out, also the relationship's
    first month of each fact key (for ``Value.partial``); otherwise None (the engine finds it)."""
    facts = MonthlyFact.objects.filter(relationship=relationship, month__lte=end)
    first = MonthlyFact.objects.filter(relationship=relationship).aggregate(first=Min("month"))["first"]
    starts = None
    if first is not None and (first < start or category):
        starts = dict(facts.values_list("key").annotate(first=Min("month")).order_by())
        if first < start:
            facts = facts.filter(Q(month__gte=start) | Q(key="shipped"))
        if category:
            facts = facts.filter(category=category)
    # Uses the (relationship, month, key) index and fetches just the five columns the engine reads,
    # in one round trip: tens of thousands of rows, where the ORM's row-by-row iteration costs 15%.
    query = facts.values_list("category", "month", "key", "dim", "value")
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        return table_from_rows(cursor.fetchall()), starts


def metrics(
    relationship: Relationship,
    *,
    start: str,
    end: str,
    category: str | None = None,
    window: int = 1,
    measures: list[str] | None = None,
) -> list[engine.Value]:
    """Every measure, month and category with data in ``start``…``end`` (plus the pooled ``ALL``);
    only ``category``'s rows when one (or ALL) is given."""
    by_window = metrics_by_window(
        relationship, start=start, end=end, category=category, windows=[window], measures=measures
    )
    return by_window[window]


def metrics_by_window(
    relationship: Relationship,
    *,
    start: str,
    end: str,
    category: str | None = None,
    windows: list[int],
    measures: list[str] | None = None,
) -> dict[int, list[engine.Value]]:
    """``metrics`` for each of ``windows`` (1, 3, 12), from one read of the facts; computed once per
    process for each version of the relationship's facts and settings (``_COMPUTED``)."""
    stored = services.settings_for(relationship)  # read before the facts: never older than they are
    settings = engine_settings(stored)
    key = (
        relationship.pk,
        stored.facts_version,
        _settings_key(settings),
        start,
        end,
        category,
        tuple(windows),
        tuple(measures) if measures is not None else None,
    )
    found = _COMPUTED.get(key)
    if found is None:
        found = _compute(
            relationship,
            settings,
            start=start,
            end=end,
            category=category,
            windows=windows,
            measures=measures,
        )
        _COMPUTED.put(key, found)
    return {window: list(values) for window, values in found.items()}


def _compute(
    relationship: Relationship,
    settings: Settings,
    *,
    start: str,
    end: str,
    category: str | None,
    windows: list[int],
    measures: list[str] | None,
) -> dict[int, list[engine.Value]]:
    own = category if category and category != engine.ALL else None  # needs no other category's facts
    with _no_collections():
        table, starts = load_table(
            relationship, start=add_months(start, -(max(windows) - 1)), end=end, category=own
        )
        categories = sorted({c for c, _m, _k, _p in table})
        # Data of no category (a support ticket about no product) counts in ALL only: no row of its own.
        labels = {category} if category else {*categories, engine.ALL} - {""}
        return {
            window: engine.compute_table(
                table,
                months=month_range(start, end),
                categories=categories,
                settings=settings,
                window=window,
                measures=measures,
                data_start=starts,
                labels=labels,
            )
            for window in windows
        }


def _settings_key(s: Settings) -> tuple[Any, ...]:
    return (
        tuple(sorted(s.frt_thresholds.items())),
        s.otd_days_early,
        s.otd_days_late,
        s.repair_sla_days,
        tuple(sorted(s.support_response_targets_h.items())),
        tuple(sorted(s.nu_basis.items())),
    )


class _Computed:
    """The values computed lately in this process, by what they were computed from; the least recently
    read go first once there are more than ``max_values`` values (a relationship's year: a few thousand).

    A key holds the version of the relationship's facts (changed in the transaction of every write of
    them, and read before the facts), so a value is never older than its key says: a process that
    serves the same page again between imports reads it instead of computing it."""

    def __init__(self, max_values: int) -> None:
        self.max_values = max_values
        self._entries: OrderedDict[tuple[Any, ...], dict[int, list[engine.Value]]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # threaded servers (runserver) share it

    def get(self, key: tuple[Any, ...]) -> dict[int, list[engine.Value]] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], values: dict[int, list[engine.Value]]) -> None:
        size = sum(len(v) for v in values.values())
        with self._lock:
            if key in self._entries or size > self.max_values:
                return
            self._entries[key] = values
            self._size += size
            while self._size > self.max_values:
                _old, dropped = self._entries.popitem(last=False)
                self._size -= sum(len(v) for v in dropped.values())

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


_COMPUTED = _Computed(max_values=200_000)  # about 40 MB per process at most


@contextmanager
def _no_collections() -> Iterator[None]:
    """The garbage collector paused: reading and computing make tens of thousands of short-lived tuples
    and dicts without reference cycles, which would start dozens of collections that free nothing (a
    tenth of the time of a large relationship). It runs again afterwards, unless it was off already."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _number(x: float | None) -> float | int | None:
    """A count as a whole number (153, not 153.0): facts are stored as floats."""
    return int(x) if isinstance(x, float) and x.is_integer() else x


def as_dict(row: engine.Value) -> dict[str, Any]:
    """The API's and the command's row (written out by hand: ``dataclasses.asdict`` is slow)."""
    out: dict[str, Any] = {
        "measure": row.measure,
        "month": row.month,
        "category": row.category,
        "numerator": _number(row.numerator),
        "denominator": _number(row.denominator),
        "value": row.value,
        "partial": row.partial,
    }
    if row.severity:
        out["severity"] = row.severity
    if row.window != 1:
        out["window"] = row.window
    return out


def benchmarks(relationship: Relationship, *, category: str, start: str, end: str) -> dict[str, list[Any]]:
    """The supplier's imported TL 9000 benchmarks per measure for a category (none for the pooled ALL)."""
    out: dict[str, list[Any]] = {}
    if category == "ALL":
        return out
    rows = Benchmark.objects.filter(
        supplier_id=relationship.supplier_id, category__code=category, month__range=(start, end)
    )
    for b in rows.order_by("month"):
        out.setdefault(b.measure, []).append(b)
    return out
