"""Reads of attachments, scoped to what the viewer may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from accord.attachments.models import Attachment, AttachmentQuerySet
from accord.parties.access import RelationshipAccess


def of_parent(access: RelationshipAccess, kind: str, parent_id: int) -> AttachmentQuerySet:
    return Attachment.objects.visible_to(access).of(kind, parent_id).select_related("uploaded_by")


def names_by_parent(access: RelationshipAccess, kind: str, parent_ids: Iterable[int]) -> dict[int, list[str]]:
    """Parent id → its attachments' names (for exports), one query."""
    out: dict[int, list[str]] = defaultdict(list)
    rows = (
        Attachment.objects.visible_to(access)
        .filter(parent_kind=kind, parent_id__in=list(parent_ids))
        .order_by("uploaded_at", "id")
        .values_list("parent_id", "name")
    )
    for parent_id, name in rows:
        out[parent_id].append(name)
    return dict(out)
