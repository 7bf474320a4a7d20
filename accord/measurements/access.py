"""The doors to the measurements' own records, built on the tenancy core's relationship door. The
measurements themselves are read per relationship (``relationship_for_user``); the agreed settings are
a record of their own, which admins of either side change."""

from __future__ import annotations

from typing import Any

from accord.measurements import services
from accord.measurements.models import MeasurementSettings
from accord.parties.access import RelationshipAccess, relationship_for_user


def settings_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, admin: bool = False
) -> tuple[MeasurementSettings, RelationshipAccess]:
    """A relationship's agreed measurement settings, if the viewer may open it (``admin`` to change)."""
    access = relationship_for_user(user, slug=slug, pk=pk, admin=admin)
    return services.settings_for(access.relationship), access
