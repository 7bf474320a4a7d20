"""The data page of a relationship: import history with live progress, the upload form, a batch's
errors (also as CSV), retrying a failed batch, and every kind of operational data as CSV.

Both sides read (the facilitator does not); only the supplier's editors and admins upload and retry:
operational data is the supplier's.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accord.accounts.types import AuthedRequest
from accord.lib.http import post_only
from accord.lib.importing import RowError, errors_as_csv
from accord.lib.tabular import MB, max_upload_bytes
from accord.operations import exports, selectors, services
from accord.operations.access import batch_for_user
from accord.operations.forms import KIND_LABELS, UploadForm
from accord.operations.models import BatchStatus, ImportBatch
from accord.parties.access import RelationshipAccess, relationship_for_user

CSV = "text/csv; charset=utf-8"
PAGE_SIZE = 25
ACTIVE = (BatchStatus.QUEUED, BatchStatus.RUNNING)


def _progress(batch: ImportBatch) -> dict[str, Any]:
    """How far a queued or running batch is: validating is the first half of the bar, writing the second."""
    total = batch.rows_total
    done = batch.rows_validated + batch.rows_written
    percent = min(99, round(50 * done / total)) if total else None
    return {"percent": percent, "validated": batch.rows_validated, "written": batch.rows_written}


def _decorate(batch: ImportBatch) -> ImportBatch:
    batch.kind_label = KIND_LABELS.get(batch.kind, batch.kind)  # type: ignore[attr-defined]
    batch.is_active = batch.status in ACTIVE  # type: ignore[attr-defined]
    batch.progress = _progress(batch)  # type: ignore[attr-defined]
    return batch


def _importer_access(request: AuthedRequest, slug: str) -> RelationshipAccess:
    access = relationship_for_user(request.user, slug=slug, write=True)
    services.check_may_import(access)
    return access


def _page(
    request: AuthedRequest, access: RelationshipAccess, form: UploadForm | None, status: int = 200
) -> HttpResponse:
    page = Paginator(selectors.batches_in(access.relationship), PAGE_SIZE).get_page(request.GET.get("page"))
    for batch in page.object_list:
        _decorate(batch)
    context = {
        "access": access,
        "rel": access.relationship,
        "form": form,
        "page": page,
        "downloads": [(kind, KIND_LABELS[kind]) for kind in exports.kinds_for(access)],
        "max_mb": max_upload_bytes() // MB,
    }
    return render(request, "operations/data.html", context, status=status)


@require_GET
@login_required
def data(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug)
    return _page(request, access, UploadForm() if services.may_import(access) else None)


@post_only("operations:data")
@login_required
def upload(request: AuthedRequest, slug: str) -> HttpResponse:
    access = _importer_access(request, slug)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, access, form, status=400)
    uploaded = form.cleaned_data["file"]
    suffix = Path(uploaded.name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        form.add_error("file", _("Upload a .csv or .xlsx file."))
        return _page(request, access, form, status=400)
    options: dict[str, Any] = {
        "access": access,
        "kind": form.cleaned_data["kind"],
        "file_name": uploaded.name,
        "dry_run": form.cleaned_data["dry_run"],
        "ignore_extra": form.cleaned_data["ignore_extra"],
    }
    if hasattr(uploaded, "temporary_file_path"):  # a large upload Django already keeps on disk
        batch = services.start_batch(upload_path=uploaded.temporary_file_path(), **options)
    else:
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in uploaded.chunks():
                handle.write(chunk)
            handle.flush()
            batch = services.start_batch(upload_path=handle.name, **options)
    _tell(request, batch)
    return redirect("operations:batch", slug=slug, pk=batch.pk)


def _tell(request: AuthedRequest, batch: ImportBatch) -> None:
    counts = {"c": batch.created, "u": batch.updated, "n": batch.unchanged}
    if batch.status == BatchStatus.SUCCEEDED and batch.dry_run:
        messages.success(
            request,
            _(
                "All rows are good: %(c)d would be created, %(u)d updated, %(n)d unchanged. "
                "Nothing was written."
            )
            % counts,
        )
    elif batch.status == BatchStatus.SUCCEEDED:
        messages.success(request, _("Imported: %(c)d created, %(u)d updated, %(n)d unchanged.") % counts)
    elif batch.status == BatchStatus.REJECTED:
        messages.error(request, _("The file has problems; nothing was imported."))
    elif batch.status == BatchStatus.FAILED:
        messages.error(request, batch.message or _("The import failed; nothing was imported."))
    else:
        messages.info(request, _("The file is large: it is being imported in the background."))


@require_GET
@login_required
def batch_detail(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    """The batch's page; for htmx polling (``HX-Request``), just its row of the history table."""
    batch, access = batch_for_user(request.user, slug=slug, batch_id=pk)
    _decorate(batch)
    context = {"access": access, "rel": access.relationship, "b": batch}
    if request.headers.get("HX-Request"):
        return render(request, "operations/_batch_row.html", context)
    context["errors"] = [RowError(*e) for e in batch.errors]
    context["may_import"] = services.may_import(access)
    return render(request, "operations/batch.html", context)


@require_GET
@login_required
def batch_errors_csv(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    batch, _access = batch_for_user(request.user, slug=slug, batch_id=pk)
    response = HttpResponse(errors_as_csv(RowError(*e) for e in batch.errors), content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{slug}-import-{batch.pk}-errors.csv"'
    return response


@post_only("operations:batch")
@login_required
def batch_retry(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    batch, access = batch_for_user(request.user, slug=slug, batch_id=pk, write=True)
    services.check_may_import(access)
    try:
        batch = services.retry_batch(batch.pk)
    except services.BatchNotRetryable as exc:
        messages.error(request, str(exc))
    else:
        _tell(request, batch)
    return redirect("operations:batch", slug=slug, pk=pk)


@require_GET
@login_required
def download(request: AuthedRequest, slug: str, kind: str) -> StreamingHttpResponse:
    """``kind`` as CSV in the import's format, streamed (large tables never sit in memory)."""
    access = relationship_for_user(request.user, slug=slug)
    if kind not in exports.kinds_for(access):
        raise Http404(_("Not found."))
    chunks = exports.csv_chunks(exports.header(kind), exports.rows(kind, access.relationship))
    response = StreamingHttpResponse(chunks, content_type=CSV)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{slug}-{kind}-{stamp}.csv"'
    return response
