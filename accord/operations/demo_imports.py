"""The demo's import history: last month's shipments and returns arrive as monthly CSV files through the
real import pipeline, uploaded by an editor of the supplier at the start of this month. The first
returns file is rejected for two bad rows (a mistyped product code, a date in day/month/year), then
the corrected file goes in, so the Data page shows uploads, an error report and the measurements kept
current incrementally, the way a supplier's monthly routine runs."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from accord.lib.demo import DemoContext
from accord.lib.months import add_months, month_of, month_start
from accord.operations.exports import SOURCES, csv_chunks, header
from accord.operations.models import ImportBatch
from accord.operations.services import start_batch
from accord.parties.access import RelationshipAccess, relationship_for_user
from accord.parties.models import Membership, Relationship, Role


def monthly_imports(ctx: DemoContext, rel: Relationship, held: dict[str, list[Any]]) -> None:
    """Import ``held`` (kind → unsaved rows of last month) as that month's files."""
    writers = Membership.objects.filter(
        party_id=rel.supplier_id, is_active=True, role__in=[Role.EDITOR, Role.ADMIN]
    )
    uploader = writers.order_by("-role", "pk").first()  # an editor when there is one
    if uploader is None:
        return
    access = relationship_for_user(uploader.user, pk=rel.pk)
    month = add_months(month_of(ctx.today), -1)
    at = _uploaded_at(ctx)
    for kind in ("shipments", "returns"):
        records = [_record(kind, row) for row in held.get(kind, [])]
        if not records:
            continue
        name = f"{kind}-{month}.csv"
        if kind == "returns" and len(records) > 2:
            at = _upload(access, kind, name, _with_mistakes(records), at)
        at = _upload(access, kind, name, records, at)


def _uploaded_at(ctx: DemoContext) -> datetime:
    """09:00 UTC on the 3rd of this month or yesterday, whichever is earlier; just after midnight UTC
    when today is the 1st. (The demo reads no clock: the files arrived before ``ctx.today``, which
    may be any day.)"""
    first = month_start(month_of(ctx.today))
    if ctx.today == first:
        return datetime.combine(first, time(0, 5), tzinfo=UTC)
    day = min(first + timedelta(days=2), ctx.today - timedelta(days=1))
    return datetime.combine(day, time(9), tzinfo=UTC)


def _record(kind: str, row: Any) -> list[Any]:
    """A model instance as a row of the import's columns (the export's field paths)."""
    values = []
    for path in SOURCES[kind][1]:
        value = row
        for name in path.split("__"):
            value = getattr(value, name, None) if value is not None else None
        values.append(value)
    return values


def _with_mistakes(records: list[list[Any]]) -> list[list[Any]]:
    """A copy with a mistyped product code and a received date in day/month/year."""
    columns = SOURCES["returns"][1]
    product, received = columns.index("product__code"), columns.index("received_date")
    bad = [list(r) for r in records]
    bad[len(bad) // 3][product] = f"{bad[len(bad) // 3][product]}X"
    day = bad[2 * len(bad) // 3][received]
    bad[2 * len(bad) // 3][received] = day.strftime("%d/%m/%Y")
    return bad


def _upload(
    access: RelationshipAccess, kind: str, name: str, records: Sequence[Sequence[Any]], at: datetime
) -> datetime:
    """Import ``records`` as file ``name``, dated ``at``; the time of the next upload."""
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        for chunk in csv_chunks(header(kind), records):
            handle.write(chunk)
        handle.flush()
        batch = start_batch(access=access, kind=kind, upload_path=handle.name, file_name=name)
    shift = at - batch.created_at
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=at,
        started_at=batch.started_at + shift if batch.started_at else None,
        finished_at=batch.finished_at + shift if batch.finished_at else None,
    )
    return at + timedelta(minutes=7)
