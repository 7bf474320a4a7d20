"""Reads of operational data, scoped to a relationship its caller reached through its door."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.operations.models import InstalledBase
from accord.parties.models import Relationship


def installed_base_in(relationship: Relationship) -> QuerySet[InstalledBase]:
    return InstalledBase.objects.filter(relationship=relationship).select_related("site", "product__category")
