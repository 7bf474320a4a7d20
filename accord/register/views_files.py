"""Register exports (XLSX, CSV, PDF snapshot) and the upload page of the register import."""

from __future__ import annotations

import os
import tempfile
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.types import AuthedRequest
from accord.attachments.selectors import names_by_parent as attachment_names
from accord.lib.csvsafe import write_csv
from accord.parties.access import relationship_for_user
from accord.register import exports, selectors
from accord.register.evidence import KIND
from accord.register.forms import FilterForm, ImportForm, with_default_status

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}
ERRORS_KEY = "accord.register.import_errors"


@require_GET
@login_required
def export(request: AuthedRequest, slug: str, fmt: str) -> HttpResponse:
    """The register as filtered on the page; private items of the other side never appear."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    access = relationship_for_user(request.user, slug=slug)
    today = timezone.localdate()
    form = FilterForm(with_default_status(request.GET), relationship=access.relationship)
    filters = form.filters()
    items = list(selectors.register_items(access, filters, today))
    tz = zoneinfo.ZoneInfo(request.user.time_zone or "UTC")
    files = attachment_names(access, KIND, [i.pk for i in items])
    if fmt == "xlsx":
        body = exports.items_xlsx(
            items, tz=tz, last_updates=exports.last_update_texts([i.pk for i in items]), files=files
        )
    elif fmt == "csv":
        body = exports.items_csv(items, tz=tz, last_updates=exports.last_update_texts([i.pk for i in items]))
    else:
        body = exports.register_pdf(
            relationship=access.relationship,
            items=items,
            generated_at=timezone.now(),
            viewer_name=request.user.get_full_name(),
            counts=selectors.status_counts(access, today),
            files=files,
            filters=form.describe(),
        )
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slug}-action-items-{stamp}.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def import_register(request: AuthedRequest, slug: str) -> HttpResponse:
    """Upload an existing register (CSV or XLSX): all rows are checked, and nothing is written unless
    every row is good."""
    from accord.lib.importing import run_import

    access = relationship_for_user(request.user, slug=slug, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = os.path.splitext(upload.name)[1].lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            try:
                result = run_import(
                    kind="action-items",
                    path_or_file=handle.name,
                    filename=upload.name,
                    relationship_access=access,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ValueError as exc:
                form.add_error("file", str(exc))
        if result is not None and not result.errors and not result.dry_run:
            messages.success(
                request,
                _("Imported: %(c)d created, %(u)d updated, %(n)d unchanged.")
                % {"c": result.created, "u": result.updated, "n": result.unchanged},
            )
            return redirect("register:list", slug=slug)
        if result is not None:
            request.session[ERRORS_KEY] = [[e.row, e.column, e.value, e.reason] for e in result.errors]
    status = 400 if (result is not None and result.errors) or form.errors else 200
    return render(
        request,
        "register/import.html",
        {
            "access": access,
            "rel": access.relationship,
            "form": form,
            "result": result,
        },
        status=status,
    )


@require_GET
@login_required
def import_errors_csv(request: AuthedRequest, slug: str) -> HttpResponse:
    relationship_for_user(request.user, slug=slug, write=True)
    rows = request.session.get(ERRORS_KEY, [])
    response = HttpResponse(
        write_csv(["row", "column", "value", "reason"], rows), content_type=CONTENT_TYPES["csv"]
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-import-errors.csv"'
    return response
