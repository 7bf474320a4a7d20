"""The meetings of a seeded relationship (seed.py): a quality review with every text field marked (a
template item, agenda notes and minutes, a decision, an external guest, a pack, minutes approved by both
sides and then corrected), and, where the relationship has a facilitator, the shared expectations
team's meeting she facilitates. Written through the meetings services.

Meetings have no private rows: both sides see every meeting of their relationship (``SH``); the
facilitator sees her team's meetings only, so the markers of those are seeded with ``team=True``
(``Registry.allowed``) and every other meeting's markers stay hers to never read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from accord.meetings import agenda, minutes, packs, services
from accord.meetings.models import Kind, Meeting
from accord.parties.access import relationship_for_user
from accord.parties.models import Relationship
from tests.isolation.markers import Registry


def _at(today: date, days: int, hour: int) -> datetime:
    day = today + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Europe/Berlin"))


def _meeting(
    m: Registry, s: str, access: Any, today: date, kind: str, days: int, *, team: bool = False, **more: Any
) -> Meeting:
    def mark(what: str) -> str:
        return m.new(s, "SH", what, team=team)

    return services.schedule(
        access=access,
        kind=kind,
        title=mark("meetings.Meeting.title"),
        starts_at=_at(today, days, 9),
        ends_at=_at(today, days, 12),
        time_zone="Europe/Berlin",
        host_side="supplier",
        remote_link=f"https://meet.example/{mark('meetings.Meeting.remote_link').lower()}",
        location_note=mark("meetings.Meeting.location_note"),
        description=mark("meetings.Meeting.description"),
        guests=[
            services.ExternalGuest(
                name=mark("meetings.Attendee.name"),
                email=mark("meetings.Attendee.email").lower() + "@guests.example",
            )
        ],
        **more,
    )


def _minute(
    m: Registry, s: str, meeting: Meeting, writer: Any, minuter: Any = None, *, team: bool = False
) -> None:
    """A marked agenda item added by ``writer``, minuted with a decision by ``minuter`` (or ``writer``)."""
    item = agenda.add_item(
        access=writer,
        meeting=meeting,
        title=m.new(s, "SH", "meetings.AgendaItem.title", team=team),
        notes=m.new(s, "SH", "meetings.AgendaItem.notes", team=team),
    )
    item.meeting = meeting
    minuter = minuter or writer
    minutes.write_minutes(
        access=minuter,
        item=item,
        version=item.version,
        minutes=m.new(s, "SH", "meetings.AgendaItem.minutes", team=team),
    )
    minutes.add_decision(access=minuter, item=item, text=m.new(s, "SH", "meetings.Outcome.text", team=team))


def seed_meetings(
    m: Registry, s: str, rel: Relationship, supplier: Any, customer: Any, today: date, facilitator: Any = None
) -> None:
    """``supplier`` and ``customer``: a writer of each side of ``rel`` (leads: they approve minutes)."""

    def access(user: Any) -> Any:
        return relationship_for_user(user, pk=rel.pk, write=True)

    ours, theirs = access(supplier), access(customer)
    agenda.add_template_item(
        access=ours, kind=Kind.QUALITY_REVIEW, title=m.new(s, "SH", "meetings.TemplateItem.title")
    )
    # a past quality review: minuted, pack sent, approved by both sides, then corrected
    review = _meeting(m, s, ours, today, Kind.QUALITY_REVIEW, -20, invitees=[customer])
    _minute(m, s, review, ours)
    packs.send(access=ours, meeting=review)
    minutes.circulate(access=ours, meeting=review)
    minutes.approve(access=ours, meeting=review, revision=review.minutes_revision)
    minutes.approve(access=theirs, meeting=review, revision=review.minutes_revision)
    minutes.correct(
        access=theirs, meeting=review, reason=m.new(s, "SH", "meetings.MinutesRevision.correction_reason")
    )
    # an upcoming program review, minuted by nobody yet
    _meeting(m, s, theirs, today, Kind.PROGRAM_REVIEW, 30, invitees=[supplier])
    if facilitator is not None:  # her team's meeting: she drafts and circulates its minutes
        team = _meeting(
            m, s, ours, today, Kind.SET, -5, team=True, invitees=[customer], facilitator=facilitator
        )
        fay = relationship_for_user(facilitator, pk=rel.pk, allow_guest=True)
        _minute(m, s, team, ours, fay, team=True)
