"""Minutes for the tests, made through the services: the shared expectations team meeting (Fay
facilitates) with a decision, circulated, or approved by Sam and Carol (made on first use in the test's
world; the access matrix's cases share them)."""

from __future__ import annotations

from typing import Any

from accord.meetings import minutes
from accord.meetings.models import AgendaItem, Meeting, Outcome
from accord.parties.access import RelationshipAccess, access_from
from tests.meetings.helpers import team_meeting


def access(w: Any, person: Any) -> RelationshipAccess:
    found = access_from(person, w.nw_ta, allow_guest=True)
    assert found is not None
    return found


def first_item(meeting: Meeting) -> AgendaItem:
    item = meeting.agenda_items.order_by("position").first()
    assert item is not None
    item.meeting = meeting
    return item


def approve_both(w: Any, meeting: Meeting) -> Meeting:
    """Sam circulates, Sam and Carol approve: the current revision is frozen."""
    minutes.circulate(access=access(w, w.sam), meeting=meeting)
    minutes.approve(access=access(w, w.sam), meeting=meeting, revision=meeting.minutes_revision)
    minutes.approve(access=access(w, w.carol), meeting=meeting, revision=meeting.minutes_revision)
    return Meeting.objects.get(pk=meeting.pk)


def team_decision(w: Any) -> Outcome:
    found = getattr(w, "_team_decision", None)
    if found is None:
        meeting = team_meeting(w)
        found = minutes.add_decision(
            access=access(w, w.sam), item=first_item(meeting), text="Meet twice a year"
        )
        w._team_decision = found
    return found


def circulated_team_meeting(w: Any) -> Meeting:
    meeting = team_meeting(w)
    if meeting.minutes_status == "draft":
        minutes.circulate(access=access(w, w.sam), meeting=meeting)
    return meeting


def approved_team_meeting(w: Any) -> Meeting:
    meeting = team_meeting(w)
    if not meeting.minutes_locked:
        w._team_meeting = approve_both(w, meeting)
    return w._team_meeting
