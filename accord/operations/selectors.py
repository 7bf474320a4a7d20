"""Reads of operational data, scoped to a relationship its caller reached through its door."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.operations.models import ImportBatch, InstalledBase
from accord.parties.models import Relationship


def installed_base_in(relationship: Relationship) -> QuerySet[InstalledBase]:
    return InstalledBase.objects.filter(relationship=relationship).select_related("site", "product__category")


def batches_in(relationship: Relationship) -> QuerySet[ImportBatch]:
    """The relationship's import history, newest first."""
    return (
        ImportBatch.objects.filter(relationship=relationship)
        .select_related("uploaded_by")
        .order_by("-created_at", "-pk")
    )
