"""The doors to attachments: always through the parent record's own door, so a file is found exactly
when its record is (missing, foreign and the other side's private records give the same 404)."""

from __future__ import annotations

from typing import Any

from accord.attachments import kinds
from accord.attachments.models import Attachment
from accord.parties.access import RelationshipAccess, first_or_404


def parent_for_user(
    user: Any, *, kind: str, ref: str, slug: str | None = None, pk: int | None = None, write: bool = False
) -> tuple[kinds.ParentKind, Any, RelationshipAccess]:
    """The record of ``kind`` numbered ``ref`` in the relationship (by slug or id), by its own door."""
    found = kinds.get(kind)
    parent, access = found.find(user, slug=slug, pk=pk, ref=ref, write=write)
    return found, parent, access


def attachment_for_user(
    user: Any,
    *,
    kind: str,
    ref: str,
    attachment_id: int,
    slug: str | None = None,
    pk: int | None = None,
    write: bool = False,
) -> tuple[Attachment, kinds.ParentKind, Any, RelationshipAccess]:
    found, parent, access = parent_for_user(user, kind=kind, ref=ref, slug=slug, pk=pk, write=write)
    attachments = Attachment.objects.visible_to(access).of(found.key, parent.pk).filter(pk=attachment_id)
    return first_or_404(attachments.select_related("uploaded_by")), found, parent, access
