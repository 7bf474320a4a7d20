"""The agenda of a meeting: its items, their live data sections and its time (the agenda part fills
this in). ``agenda_context(access, meeting)`` is what the meeting page shows, with
``meetings/agenda/_agenda.html``."""

from __future__ import annotations

from typing import Any

from accord.meetings.models import Meeting
from accord.parties.access import RelationshipAccess


def agenda_context(access: RelationshipAccess, meeting: Meeting) -> dict[str, Any]:
    return {"agenda_items": list(meeting.agenda_items.select_related("presenter"))}
