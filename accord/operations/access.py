"""The doors to operational data's own records, built on the tenancy core's relationship door."""

from __future__ import annotations

from typing import Any

from accord.operations.models import ImportBatch
from accord.parties.access import RelationshipAccess, first_or_404, relationship_for_user


def batch_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, batch_id: int, write: bool = False
) -> tuple[ImportBatch, RelationshipAccess]:
    """An import batch of a relationship (by slug or id) the viewer may open; the same 404 for a
    missing batch and another relationship's."""
    access = relationship_for_user(user, slug=slug, pk=pk, write=write)
    batches = ImportBatch.objects.filter(relationship=access.relationship, pk=batch_id)
    return first_or_404(batches.select_related("uploaded_by")), access
