"""Keeping the stored monthly facts current as operational data is imported.

``accord.operations`` announces what an import writes (``accord.lib.written``); this module
listens (registered by ``apps.py``). For each written row, old and new version, it notes the
values its counting record is made of (``counting.SOURCES``), then recomputes the months those
records touch (``services.refresh``). The new rows of an additive kind read at once (shipments,
returns) are counted alone, folded by month, and added to the stored facts instead.

A dry run is rolled back: its facts would be too, so they are not counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accord.lib import written
from accord.measurements import counting, services
from accord.parties.models import Product

if TYPE_CHECKING:
    import pyarrow as pa

PRODUCT = "product_id"


class FactCollector:
    """Collects the written rows' versions (old and new), then recomputes the months they touch.

    Rows are reduced to the distinct values their records are made of; every ``FLUSH_AT`` distinct
    values the months they touch are noted and the values forgotten, to bound memory.
    """

    FLUSH_AT = 100_000

    def __init__(self, announced: written.Written) -> None:
        self.announced = announced
        self.kind = announced.kind
        self.source = counting.SOURCES[announced.kind]
        self.names = (PRODUCT, *self.source.fields)
        self.keys: set[tuple[Any, ...]] = set()
        self.touched: set[str] = set()
        self.added: list[dict[Any, Any]] = []  # facts of new rows, to add to the stored ones
        self.setup: tuple[date, Any, dict[int, str]] | None = None
        fields = list(announced.fields)
        self.extract = itemgetter(*[fields.index(name) for name in self.names])

    def record(self, categories: dict[int, str], values: Sequence[Any]) -> Any:
        """The counting record of a row's values (``self.names`` order)."""
        return self.source.make(categories.get(values[0], ""), *values[1:])

    def add(self, values: Sequence[Any]) -> None:
        self.keys.add(self.extract(values))
        if len(self.keys) >= self.FLUSH_AT:
            self._flush()

    def add_columns(self, table: pa.Table) -> None:
        """``add`` for the new rows of a clean file read at once."""
        source = self.source
        if source.month_dates:  # counted alone, from the rows folded by month, and added
            today, _thresholds, categories = self._setup()
            months = months_of(table, source.touch_dates)
            recs = [
                self.record(categories, values) for values in folded(table, self.names, source.month_dates)
            ]
            rel = self.announced.relationship
            self.added.append(services.count_records(rel, self.kind, recs, months, today))
            return
        names = list(self.names)
        distinct = table.select(names).group_by(names).aggregate([])
        for key in zip(*(distinct[name].to_pylist() for name in names), strict=True):
            self.keys.add(key)
            if len(self.keys) >= self.FLUSH_AT:
                self._flush()

    def _setup(self) -> tuple[date, Any, dict[int, str]]:
        if self.setup is None:
            rel = self.announced.relationship
            thresholds = services.thresholds(services.settings_for(rel))
            self.setup = (timezone.localdate(), thresholds, product_categories(rel))
        return self.setup

    def _flush(self) -> None:
        today, thresholds, categories = self._setup()
        for key in self.keys:
            rec = self.record(categories, key)
            self.touched |= counting.months_touched_by(self.kind, rec, today=today, thresholds=thresholds)
        self.keys.clear()

    def done(self) -> None:
        self._flush()
        rel, today = self.announced.relationship, self._setup()[0]
        for facts in self.added:  # the months recounted below count these rows already
            services.add_facts(rel, self.kind, {k: v for k, v in facts.items() if k[1] not in self.touched})
        if self.touched:
            services.refresh(rel, kind=self.kind, months=self.touched, today=today)


@written.on_write
def collector(announced: written.Written) -> FactCollector | None:
    """The collector of an import of a kind with facts (not of a dry run)."""
    if announced.dry_run or announced.kind not in counting.SOURCES:
        return None
    return FactCollector(announced)


@written.on_replaced
def recount(relationship: Any, *, dry_run: bool, today: date | None) -> None:
    if not dry_run:
        services.refresh_all(relationship, today=today)


def product_categories(relationship: Any) -> dict[int, str]:
    """product id → its category code, for the relationship's supplier's catalog."""
    return dict(
        Product.objects.filter(supplier_id=relationship.supplier_id).values_list("pk", "category__code")
    )


# --- the new rows of an additive kind, as columns ---------------------------------------------------


def months_of(table: pa.Table, fields: Sequence[str]) -> set[str]:
    """The ``YYYY-MM`` months of the date columns ``fields`` (nulls left out)."""
    import pyarrow.compute as pc

    months: set[str] = set()
    for name in fields:
        firsts = pc.unique(pc.floor_temporal(table[name], unit="month"))
        months |= {f"{day:%Y-%m}" for day in firsts.to_pylist() if day is not None}
    return months


def folded(
    table: pa.Table, fields: Sequence[str], months: Sequence[str], total: str = "quantity"
) -> list[tuple[Any, ...]]:
    """The distinct values of ``fields`` with the dates ``months`` cut to their month's first day,
    and ``total`` summed over the rows that share them (in ``fields`` order)."""
    import pyarrow.compute as pc

    table = table.select(list(fields))
    for name in months:
        at = table.schema.get_field_index(name)
        table = table.set_column(at, name, pc.floor_temporal(table[name], unit="month"))
    others = [name for name in fields if name != total]
    groups = table.group_by(others).aggregate([(total, "sum")])
    values = {name: groups[name].to_pylist() for name in others}
    values[total] = groups[f"{total}_sum"].to_pylist()
    return list(zip(*(values[name] for name in fields), strict=True))
