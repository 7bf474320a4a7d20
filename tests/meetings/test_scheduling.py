"""Scheduling a meeting: the agenda comes from the kind's template, the people invited must belong to
the relationship, and changes that calendars follow bump the invitation's SEQUENCE."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.audit.models import AuditEvent
from accord.meetings import services
from accord.meetings.models import Kind, Meeting, Status
from accord.parties.access import access_from
from tests.meetings.helpers import at, review, schedule, team_meeting


def test_a_quality_review_gets_the_guidances_eight_items(world: Any) -> None:
    meeting = review(world)
    titles = list(meeting.agenda_items.values_list("title", flat=True))
    assert len(titles) == 8
    assert titles[0] == "Nonconformances to TL 9000"
    assert titles[-1] == "Action item registers"
    assert meeting.agenda_items.get(position=3).binding == "measurements"


def test_the_scheduler_and_invitees_are_invited(world: Any) -> None:
    meeting = team_meeting(world)
    invited = {(a.user, a.side) for a in meeting.attendees.all()}
    assert invited == {(world.sam, "supplier"), (world.carol, "customer"), (world.fay, "")}
    assert AuditEvent.objects.filter(verb="meeting.scheduled", object_id=str(meeting.pk)).exists()


def test_a_stranger_cannot_be_invited(world: Any) -> None:
    with pytest.raises(ValidationError):
        schedule(world, invitees=[world.mallory])
    assert not Meeting.objects.exists()


def test_a_site_visit_takes_place_at_a_customer_site(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        schedule(world, kind=Kind.SITE_VISIT, site=world.nw_site)
    assert "site" in caught.value.message_dict
    with pytest.raises(ValidationError):
        schedule(world, site=world.tb_site)  # Telco B's site is not of this relationship


def test_viewers_and_facilitators_do_not_schedule(world: Any) -> None:
    for person in (world.vic, world.val):
        with pytest.raises(PermissionDenied):
            schedule(world, by=person)


def test_moving_a_meeting_bumps_its_sequence_and_a_purpose_change_does_not(world: Any) -> None:
    meeting = review(world)
    access = access_from(world.carol, world.nw_ta)
    moved = services.update(
        access=access, meeting=meeting, version=meeting.version, starts_at=at(31), ends_at=at(31, 12)
    )
    assert (moved.sequence, moved.version) == (1, 2)
    again = services.update(access=access, meeting=moved, version=moved.version, description="Bring logs")
    assert (again.sequence, again.version) == (1, 3)


def test_cancelling_keeps_the_uid_and_bumps_the_sequence(world: Any) -> None:
    meeting = review(world)
    access = access_from(world.sam, world.nw_ta)
    cancelled = services.cancel(access=access, meeting=meeting, version=meeting.version, reason="Strike")
    assert (cancelled.status, cancelled.uid, cancelled.sequence) == (Status.CANCELLED, meeting.uid, 1)
    with pytest.raises(PermissionDenied):
        services.update(access=access, meeting=cancelled, version=cancelled.version, title="Again")


def test_the_facilitator_sees_her_teams_meetings_only(world: Any) -> None:
    review(world)
    team = team_meeting(world)
    fay = access_from(world.fay, world.nw_ta, allow_guest=True)
    assert list(Meeting.objects.visible_to(fay)) == [team]
    carol = access_from(world.carol, world.nw_ta)
    assert Meeting.objects.visible_to(carol).count() == 2
    mallory = access_from(world.mallory, world.nw_tb)
    assert not Meeting.objects.visible_to(mallory).exists()
