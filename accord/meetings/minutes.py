"""Attendance, minutes, decisions and approval of a meeting (the minutes part fills this in).
``minutes_context(access, meeting)`` is what the meeting page shows, with
``meetings/minutes/_minutes.html``."""

from __future__ import annotations

from typing import Any

from accord.meetings.models import Meeting
from accord.parties.access import RelationshipAccess


def minutes_context(access: RelationshipAccess, meeting: Meeting) -> dict[str, Any]:
    return {"minutes_status": meeting.get_minutes_status_display()}
