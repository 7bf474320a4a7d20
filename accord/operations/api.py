"""API operations for importing operational data: POST a file, follow its batch."""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from accord.accounts.types import AuthedRequest
from accord.lib.api import Id, responses
from accord.lib.importing import UnknownImportKind, importer_kinds
from accord.operations import selectors, services
from accord.operations.access import batch_for_user
from accord.operations.models import ImportBatch
from accord.parties.access import relationship_for_user

router = Router(tags=["operational data"])
IMPORTS = "/relationships/{rel_id}/imports"


class ErrorRow(Schema):
    row: int
    column: str
    value: str
    reason: str


class BatchOut(Schema):
    id: int
    kind: str
    file_name: str
    sha256: str
    status: str
    dry_run: bool
    created_at: datetime
    finished_at: datetime | None
    rows_total: int
    rows_validated: int
    rows_written: int
    created: int
    updated: int
    unchanged: int
    error_count: int
    message: str
    read_as: str  # what the file was read as: "CSV separated by ';', encoded Windows-1252", …


class BatchDetail(BatchOut):
    errors: list[ErrorRow]


def _batch(batch: ImportBatch, *, errors: bool = False) -> dict[str, Any]:
    out = {name: getattr(batch, name) for name in BatchOut.model_fields}
    if errors:
        out["errors"] = [
            dict(zip(("row", "column", "value", "reason"), e, strict=False)) for e in batch.errors
        ]
    return out


@router.post(
    IMPORTS,
    response=responses({201: BatchDetail}, write=True),
    summary="Import a CSV or XLSX file (supplier editors); large files run in the worker",
)
def create_import(
    request: AuthedRequest,
    rel_id: Id,
    kind: Form[str],
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    ignore_extra: Form[bool] = False,
) -> Any:
    access = relationship_for_user(request.user, pk=rel_id, write=True)
    services.check_may_import(access)
    if kind not in importer_kinds():
        raise ValidationError(
            {
                "kind": [
                    _("Unknown kind %(kind)s; one of: %(kinds)s.")
                    % {"kind": kind, "kinds": ", ".join(sorted(importer_kinds()))}
                ]
            }
        )
    suffix = os.path.splitext(file.name or "")[1].lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in file.chunks():
            handle.write(chunk)
        handle.flush()
        try:
            batch = services.start_batch(
                access=access,
                kind=kind,
                upload_path=handle.name,
                file_name=file.name or f"upload{suffix}",
                dry_run=dry_run,
                ignore_extra=ignore_extra,
            )
        except UnknownImportKind as exc:
            raise ValidationError({"kind": [str(exc)]}) from exc
    batch.refresh_from_db()
    return 201, _batch(batch, errors=True)


@router.get(IMPORTS, response=responses({200: list[BatchOut]}), summary="The relationship's import history")
def list_imports(request: AuthedRequest, rel_id: Id) -> list[dict[str, Any]]:
    rel = relationship_for_user(request.user, pk=rel_id).relationship
    return [_batch(b) for b in selectors.batches_in(rel)[:100]]


@router.get(
    IMPORTS + "/{batch_id}",
    response=responses({200: BatchDetail}),
    summary="One import: status, progress, counts and its first errors",
)
def get_import(request: AuthedRequest, rel_id: Id, batch_id: Id) -> dict[str, Any]:
    batch, _access = batch_for_user(request.user, pk=rel_id, batch_id=batch_id)
    return _batch(batch, errors=True)


class InstalledOut(Schema):
    id: int
    site_id: int
    site: str
    product_code: str
    quantity: int
    in_service_date: date
    serial: str


@router.get(
    "/relationships/{rel_id}/installed-base",
    response=responses({200: list[InstalledOut]}),
    summary="Units in service at the customer's sites",
    tags=["relationships"],
    operation_id="accord_parties_api_installed_base",  # as before it moved here: clients keep their names
)
def installed_base(request: AuthedRequest, rel_id: Id) -> list[dict[str, Any]]:
    rel = relationship_for_user(request.user, pk=rel_id).relationship
    return [
        {
            "id": row.pk,
            "site_id": row.site_id,
            "site": row.site.name,
            "product_code": row.product.code,
            "quantity": row.quantity,
            "in_service_date": row.in_service_date,
            "serial": row.serial,
        }
        for row in selectors.installed_base_in(rel)
    ]
