"""Meetings for the tests: made through the services, on the reference day's calendar (a fixed day,
not today, so the tests pass whatever the date)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from accord.meetings import services
from accord.meetings.models import Kind, Meeting
from accord.parties.access import access_from


def at(days: int, hour: int = 9) -> datetime:
    """A time ``days`` from now (rounded to ``hour`` o'clock, Berlin): future meetings stay future."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Europe/Berlin"))


def schedule(
    w: Any, *, by: Any = None, kind: str = Kind.QUALITY_REVIEW, days: int = 30, **more: Any
) -> Meeting:
    """A meeting of Telco A's relationship ``days`` from now, scheduled by Sam unless ``by``."""
    access = access_from(by or w.sam, w.nw_ta)
    assert access is not None
    values: dict[str, Any] = {
        "kind": kind,
        "title": more.pop("title", f"{Kind(kind).label}"),
        "starts_at": at(days),
        "ends_at": at(days, 13),
        "time_zone": "Europe/Berlin",
        "host_side": "customer" if kind == Kind.SITE_VISIT else "supplier",
        "site": w.ta_site if kind == Kind.SITE_VISIT else w.nw_site,
    }
    values.update(more)
    return services.schedule(access=access, **values)


def review(w: Any) -> Meeting:
    """Telco A's quality review (made on first use in the test's world; the access matrix's cases
    share it)."""
    found = getattr(w, "_review", None)
    if found is None:
        found = schedule(w, invitees=[w.carol], facilitator=None)
        w._review = found
    return found


def team_meeting(w: Any) -> Meeting:
    """Telco A's shared expectations team meeting, facilitated by Fay (made on first use)."""
    found = getattr(w, "_team_meeting", None)
    if found is None:
        found = schedule(
            w, kind=Kind.SET, title="Shared expectations team", facilitator=w.fay, invitees=[w.carol]
        )
        w._team_meeting = found
    return found
