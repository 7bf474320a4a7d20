"""API operations on attachments, nested under the record that carries them (``kind`` and the record's
``number``): list, upload (multipart), download, delete. Each goes through the record's own door."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from accord.accounts.types import AuthedRequest
from accord.attachments import selectors, services
from accord.attachments.access import attachment_for_user, parent_for_user
from accord.attachments.models import Attachment
from accord.attachments.views import file_response
from accord.lib.api import Id, Ref, body, responses

router = Router(tags=["attachments"])
FILES = "/relationships/{rel_id}/attachments/{kind}/{number}"
Kind = Annotated[
    str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$", description="what carries the files: action-item")
]
BINARY = {
    "description": "The file's bytes, as an attachment (Content-Disposition), never sniffed (nosniff).",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


class Uploader(Schema):
    id: int
    full_name: str


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    sha256: str
    uploaded_by: Uploader | None
    uploaded_at: datetime
    may_remove: bool


def _out(attachment: Attachment, access: Any) -> dict[str, Any]:
    person = attachment.uploaded_by
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "sha256": attachment.sha256,
        "uploaded_by": None if person is None else {"id": person.pk, "full_name": person.full_name},
        "uploaded_at": attachment.uploaded_at,
        "may_remove": services.may_remove(access, attachment),
    }


@router.get(FILES, response=responses({200: list[AttachmentOut]}), summary="The files a record carries")
def list_attachments(request: AuthedRequest, rel_id: Id, kind: Kind, number: Ref) -> list[dict[str, Any]]:
    found, parent, access = parent_for_user(request.user, kind=kind, ref=number, pk=rel_id)
    return [_out(a, access) for a in selectors.of_parent(access, found.key, parent.pk)]


@router.post(
    FILES,
    response=responses({201: AttachmentOut}, write=True),
    summary="Add a file to a record (multipart; 413 over ACCORD_ATTACHMENT_MAX_MB, 400 when empty)",
)
def upload_attachment(
    request: AuthedRequest, rel_id: Id, kind: Kind, number: Ref, file: File[UploadedFile]
) -> Any:
    found, parent, access = parent_for_user(request.user, kind=kind, ref=number, pk=rel_id, write=True)
    try:
        attachment = services.add(access=access, kind=found, parent=parent, upload=file, name=file.name or "")
    except services.TooLarge as exc:
        return 413, body(_("The file is too large."), exc.message_dict)
    return 201, _out(attachment, access)


@router.get(
    FILES + "/{attachment_id}",
    response=responses({200: None}),
    openapi_extra={"responses": {200: BINARY}},
    summary="Download a file",
)
def download_attachment(
    request: AuthedRequest, rel_id: Id, kind: Kind, number: Ref, attachment_id: Id
) -> FileResponse:
    attachment, _found, _parent, _access = attachment_for_user(
        request.user, kind=kind, ref=number, attachment_id=attachment_id, pk=rel_id
    )
    return file_response(attachment)


@router.delete(
    FILES + "/{attachment_id}",
    response=responses({204: None}, write=True),
    summary="Remove a file (who added it, or an admin of their side)",
)
def delete_attachment(
    request: AuthedRequest, rel_id: Id, kind: Kind, number: Ref, attachment_id: Id
) -> tuple[int, None]:
    attachment, found, parent, access = attachment_for_user(
        request.user, kind=kind, ref=number, attachment_id=attachment_id, pk=rel_id, write=True
    )
    services.remove(access=access, kind=found, parent=parent, attachment=attachment)
    return 204, None
