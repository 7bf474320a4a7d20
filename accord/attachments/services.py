"""Every write of attachments: add one to a record, remove one. Each in one transaction with one
audit event; the parent's timeline hears of it through its kind's ``changed``."""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from accord.attachments import files, kinds
from accord.attachments.models import Attachment
from accord.audit import services as audit
from accord.parties.access import RelationshipAccess

MB = 1024 * 1024


def max_bytes() -> int:
    return int(settings.ACCORD_ATTACHMENT_MAX_MB) * MB


class TooLarge(ValidationError):
    """A file over ``ACCORD_ATTACHMENT_MAX_MB`` (the API answers 413)."""


def _check_size(size: int) -> None:
    if size == 0:
        raise ValidationError({"file": _("The file is empty; choose a file with something in it.")})
    if size > max_bytes():
        raise TooLarge(
            {
                "file": _("The file is %(size)s MB; at most %(max)d MB is accepted.")
                % {"size": f"{size / MB:.1f}", "max": settings.ACCORD_ATTACHMENT_MAX_MB}
            }
        )


def _chunks(handle: IO[bytes]) -> Any:
    handle.seek(0)
    while chunk := handle.read(64 * 1024):
        yield chunk


@transaction.atomic
def add(
    *, access: RelationshipAccess, kind: kinds.ParentKind, parent: Any, upload: IO[bytes], name: str
) -> Attachment:
    """Store ``upload`` on ``parent``: size checked, type sniffed from the bytes, SHA-256 taken, a random
    stored name; the person's name is kept (cleaned) only to show and to offer on download."""
    if not kind.may_add(access, parent):
        raise PermissionDenied(_("Your role may read but not add files here."))
    size = getattr(upload, "size", None)
    if size is not None:
        _check_size(int(size))  # before reading a byte of an over-large file
    sha256, size = files.digest(_chunks(upload))
    _check_size(size)
    upload.seek(0)
    content_type = files.sniff(upload.read(files.SNIFF_BYTES))
    upload.seek(0)
    clean = files.clean_name(name)
    attachment = Attachment(
        relationship=access.relationship,
        parent_kind=kind.key,
        parent_id=parent.pk,
        name=clean,
        size=size,
        content_type=content_type,
        sha256=sha256,
        uploaded_by=access.user,
        uploader_party=access.party,
    )
    attachment.file.save(clean, File(upload), save=False)
    try:
        attachment.save()
        audit.record(
            actor=access.user,
            verb="attachment.added",
            obj=parent,  # the parent's event: the audit trail hides it exactly when it hides the parent
            relationship=access.relationship,
            changes={"attachment": [None, clean], "sha256": [None, sha256], "size": [None, size]},
            label=kind.describe(parent),
        )
        if kind.changed is not None:
            kind.changed(access, parent, attachment, True)
    except BaseException:  # the row is not written: no orphan file either
        attachment.file.storage.delete(attachment.file.name or "")
        raise
    return attachment


def may_remove(access: RelationshipAccess, attachment: Attachment) -> bool:
    """The uploader, or an admin of the side the uploader belonged to when uploading."""
    if not access.can_write:
        return False
    if attachment.uploaded_by_id is not None and attachment.uploaded_by_id == getattr(
        access.user, "pk", None
    ):
        return True
    return bool(
        access.is_admin and access.party is not None and access.party.pk == attachment.uploader_party_id
    )


@transaction.atomic
def remove(
    *, access: RelationshipAccess, kind: kinds.ParentKind, parent: Any, attachment: Attachment
) -> None:
    if not may_remove(access, attachment):
        raise PermissionDenied(_("Only who added the file, or an admin of their side, may remove it."))
    audit.record(
        actor=access.user,
        verb="attachment.removed",
        obj=parent,
        relationship=access.relationship,
        changes={"attachment": [attachment.name, None], "sha256": [attachment.sha256, None]},
        label=kind.describe(parent),
    )
    if kind.changed is not None:
        kind.changed(access, parent, attachment, False)
    attachment.delete()  # its file goes when the transaction commits (signals.py)
