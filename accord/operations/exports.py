"""Operational data as CSV in the import's own column format, so a download re-imports unchanged.

``rows(kind, relationship)`` reads a kind's rows (the relationship's; every TL 9000 product category;
the supplier's catalog for products; the supplier's benchmarks), in the importer's column order;
``csv_chunks`` turns them into CSV a piece at a time (``accord.lib.csvsafe``: UTF-8 with BOM,
formula-like texts neutralized, which the import reads back). Date-times are written in ISO 8601, UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from accord.lib.csvsafe import write_csv
from accord.lib.importing import get_importer
from accord.operations.models import (
    Benchmark,
    InstalledBase,
    OrderLine,
    ProblemReport,
    Repair,
    Return,
    Shipment,
    SupportTicket,
)
from accord.parties.access import RelationshipAccess
from accord.parties.models import Product, ProductCategory, Relationship, Side, product_basis

CHUNK = 2000

# kind → (model, the fields read, in the importer's column order)
SOURCES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "categories": (
        ProductCategory,
        (
            "code",
            "name",
            "parent__code",
            "normalization_unit",
            "normalization_basis",
            "table_release",
            "effective_from",  # written as its month, YYYY-MM: see rows()
        ),
    ),
    "products": (
        Product,
        ("code", "name", "category__code", "basis", "description"),  # basis: see rows()
    ),
    "installed-base": (
        InstalledBase,
        ("site__name", "product__code", "quantity", "in_service_date", "serial"),
    ),
    "shipments": (
        Shipment,
        ("shipment_id", "product__code", "ship_date", "quantity", "serial", "site__name", "order_id"),
    ),
    "returns": (
        Return,
        (
            "return_id",
            "product__code",
            "received_date",
            "ship_date",
            "serial",
            "quantity",
            "reason",
            "no_trouble_found",
            "excluded_reason",
        ),
    ),
    "repairs": (
        Repair,
        ("repair_id", "product__code", "received_date", "shipped_date", "return_id", "finding"),
    ),
    "order-lines": (
        OrderLine,
        (
            "order_id",
            "line",
            "product__code",
            "quantity",
            "requested_date",
            "promised_date",
            "delivered_date",
            "delivered_quantity",
            "early_accepted",
        ),
    ),
    "problem-reports": (
        ProblemReport,
        (
            "report_id",
            "received_date",
            "severity",
            "product__code",
            "fix_delivered_date",
            "closed_date",
            "customer_originated",
            "duplicate_of",
            "title",
        ),
    ),
    "support-tickets": (
        SupportTicket,
        (
            "ticket_id",
            "opened_at",
            "severity",
            "product__code",
            "first_response_at",
            "resolved_at",
            "category",
        ),
    ),
    "benchmarks": (
        Benchmark,
        ("category__code", "measure", "month", "best_in_class", "industry_average", "worst_in_class"),
    ),
}
KINDS = tuple(SOURCES)
SUPPLIER_ONLY = frozenset({"benchmarks"})  # licensed to the supplier: its charts show them, not the table


def kinds_for(access: RelationshipAccess) -> tuple[str, ...]:
    """The kinds the viewer may download: every kind for the supplier's people, else all but the
    supplier's licensed benchmark table."""
    if access.side == Side.SUPPLIER:
        return KINDS
    return tuple(kind for kind in KINDS if kind not in SUPPLIER_ONLY)


def header(kind: str) -> list[str]:
    """The import's columns of ``kind`` (required, then optional)."""
    return list(get_importer(kind).columns)


def rows(kind: str, relationship: Relationship) -> Iterator[Sequence[Any]]:
    """``kind``'s rows for ``relationship``, streamed from the database in chunks."""
    model, fields = SOURCES[kind]
    if kind == "categories":  # global: the handbook's classification
        query = model.objects.order_by("code")
        for values in query.values_list(*fields).iterator(chunk_size=CHUNK):
            *rest, effective_from = values
            yield [*rest, f"{effective_from:%Y-%m}" if effective_from else None]
        return
    if kind == "products":
        # nu_basis: the supplier's own basis of the category, else the category's default
        query = model.objects.filter(supplier_id=relationship.supplier_id).annotate(basis=product_basis())
        query = query.order_by("code")
    elif kind == "benchmarks":
        query = model.objects.filter(supplier_id=relationship.supplier_id)
        query = query.order_by("category__code", "measure", "month")
    else:
        query = model.objects.filter(relationship=relationship).order_by("pk")
    for values in query.values_list(*fields).iterator(chunk_size=CHUNK):
        yield [_iso(v) if isinstance(v, datetime) else v for v in values]


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def csv_chunks(columns: list[str], records: Iterable[Sequence[Any]], *, size: int = CHUNK) -> Iterator[bytes]:
    """CSV bytes: the header (with the BOM) first, then ``size`` rows at a time."""
    head = write_csv(columns, [])
    yield head
    batch: list[Sequence[Any]] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield write_csv(columns, batch)[len(head) :]
            batch = []
    if batch:
        yield write_csv(columns, batch)[len(head) :]


def as_csv(kind: str, relationship: Relationship) -> bytes:
    """The whole download at once (for tests and small tables)."""
    return b"".join(csv_chunks(header(kind), rows(kind, relationship)))
