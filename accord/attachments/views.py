"""Attachment pages: add a file to a record, download one, remove one. Each goes through the parent
record's door first (``access.py``); thin: door, form, service, answer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accord.accounts.types import AuthedRequest
from accord.attachments import files, kinds, selectors, services
from accord.attachments.access import attachment_for_user, parent_for_user
from accord.attachments.forms import UploadForm
from accord.attachments.models import Attachment
from accord.lib.forms import add_service_error
from accord.lib.http import SeeOther, post_only
from accord.parties.access import RelationshipAccess


def section(
    access: RelationshipAccess, kind: str, parent: Any, form: UploadForm | None = None
) -> dict[str, Any]:
    """The context of ``attachments/_section.html`` on a record's page."""
    found = kinds.get(kind)
    rows = [(a, services.may_remove(access, a)) for a in selectors.of_parent(access, kind, parent.pk)]
    return {
        "kind": kind,
        "ref": found.ref(parent),
        "rel": access.relationship,
        "rows": rows,
        "form": form or UploadForm(),
        "may_add": found.may_add(access, parent),
        "max_mb": services.max_bytes() // services.MB,
    }


@require_GET
@login_required
def record(request: AuthedRequest, slug: str, kind: str, ref: str) -> HttpResponse:
    """The files of a record are listed on the record's own page: go there (303), through its door.
    Where a reload or a typed address of an upload or remove URL lands."""
    found, parent, _access = parent_for_user(request.user, kind=kind, ref=ref, slug=slug)
    return SeeOther(found.url(parent) + "#attachments")


@post_only("attachments:record", keep=["slug", "kind", "ref"])
@login_required
def upload(request: AuthedRequest, slug: str, kind: str, ref: str) -> HttpResponse:
    found, parent, access = parent_for_user(request.user, kind=kind, ref=ref, slug=slug, write=True)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            attachment = services.add(
                access=access, kind=found, parent=parent, upload=upload_file, name=upload_file.name or ""
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": attachment.name})
            return redirect(found.url(parent) + "#attachments")
    context = {
        "parent": parent,
        "parent_url": found.url(parent),
        "section_context": section(access, kind, parent, form),
    }
    return render(request, "attachments/upload.html", context, status=400)


def file_response(attachment: Attachment) -> FileResponse:
    """The stored bytes as a download: never shown inline, never sniffed; a file gone from disk is 404."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("Not found.")) from exc
    response = FileResponse(handle, content_type=files.served_type(attachment.content_type))
    response["Content-Disposition"] = files.content_disposition(attachment.name)
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def download(request: AuthedRequest, slug: str, kind: str, ref: str, pk: int) -> FileResponse:
    attachment, _found, _parent, _access = attachment_for_user(
        request.user, kind=kind, ref=ref, attachment_id=pk, slug=slug
    )
    return file_response(attachment)


@post_only("attachments:record", keep=["slug", "kind", "ref"])
@login_required
def remove(request: AuthedRequest, slug: str, kind: str, ref: str, pk: int) -> HttpResponse:
    attachment, found, parent, access = attachment_for_user(
        request.user, kind=kind, ref=ref, attachment_id=pk, slug=slug, write=True
    )
    services.remove(access=access, kind=found, parent=parent, attachment=attachment)
    messages.success(request, _("%(name)s removed.") % {"name": attachment.name})
    return redirect(found.url(parent) + "#attachments")
