"""Minutes through the services: attendance, minutes per agenda item, decisions, action items made at the
meeting, and the draft → circulated → approved workflow with both sides' approval and corrections."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from accord.audit.models import AuditEvent
from accord.lib.errors import Conflict
from accord.meetings import emails, minutes, services
from accord.meetings.models import Approval, Meeting, MinutesRevision, MinutesStatus, Status
from accord.register.models import ActionItem, SourceKind
from tests.meetings.helpers import review, team_meeting
from tests.meetings.helpers_minutes import access, approve_both, first_item


def test_an_action_item_made_at_the_meeting_is_in_the_register_with_its_agenda_item_as_source(
    world: Any,
) -> None:
    meeting = review(world)
    item = first_item(meeting)
    made = minutes.create_action_item(
        access=access(world, world.sam),
        item=item,
        title="Fix the alarm floods",
        owner_side="supplier",
        owner=world.sam,
    )
    made = ActionItem.objects.get(pk=made.pk)
    assert made.source_kind == SourceKind.MEETING
    assert made.source == item
    assert made.source_label == f"{meeting.title} · {item.title}"
    assert made.source_url.endswith(f"#agenda-item-{item.pk}")


def test_minutes_need_the_approval_of_both_sides_and_are_then_locked(world: Any) -> None:
    meeting = review(world)
    item = first_item(meeting)
    minutes.write_minutes(
        access=access(world, world.carol), item=item, version=item.version, minutes="Agreed"
    )
    minutes.add_decision(access=access(world, world.sam), item=item, text="Quarterly reviews from now on")
    minutes.circulate(access=access(world, world.sam), meeting=meeting)
    minutes.approve(access=access(world, world.sam), meeting=meeting, revision=1)
    with pytest.raises(ValidationError):  # Ada is a lead of the same side
        minutes.approve(access=access(world, world.ada), meeting=meeting, revision=1)
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == MinutesStatus.CIRCULATED
    minutes.approve(access=access(world, world.carol), meeting=meeting, revision=1)
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.minutes_status, meeting.status) == (MinutesStatus.APPROVED, Status.HELD)
    frozen = MinutesRevision.objects.get(meeting=meeting, revision=1)
    assert frozen.snapshot["items"][0]["minutes"] == "Agreed"
    assert frozen.snapshot["items"][0]["decisions"] == ["Quarterly reviews from now on"]
    assert {a["side"] for a in frozen.snapshot["approvals"]} == {"Supplier", "Customer"}
    assert default_storage.exists(frozen.pdf) and len(frozen.pdf_sha256) == 64
    item = first_item(meeting)
    with pytest.raises(PermissionDenied):
        minutes.write_minutes(access=access(world, world.sam), item=item, version=item.version, minutes="x")
    assert AuditEvent.objects.filter(verb="meeting.minutes_approved", object_id=str(meeting.pk)).exists()


def test_viewers_and_the_facilitator_never_approve(world: Any) -> None:
    meeting = team_meeting(world)
    minutes.circulate(access=access(world, world.fay), meeting=meeting)
    for person in (world.fay, world.val, world.vic):
        with pytest.raises(PermissionDenied):
            minutes.approve(access=access(world, person), meeting=meeting, revision=1)


def test_approving_a_stale_revision_is_a_conflict(world: Any) -> None:
    meeting = review(world)
    minutes.circulate(access=access(world, world.sam), meeting=meeting)
    with pytest.raises(Conflict):
        minutes.approve(access=access(world, world.sam), meeting=meeting, revision=2)


def test_an_edit_of_circulated_minutes_sends_them_back_to_draft_and_clears_approvals(world: Any) -> None:
    meeting = review(world)
    minutes.circulate(access=access(world, world.sam), meeting=meeting)
    minutes.approve(access=access(world, world.sam), meeting=meeting, revision=1)
    item = first_item(meeting)
    minutes.write_minutes(access=access(world, world.carol), item=item, version=item.version, minutes="More")
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == MinutesStatus.DRAFT
    assert not Approval.objects.filter(meeting=meeting).exists()


def test_a_stale_minutes_edit_is_a_conflict(world: Any) -> None:
    meeting = review(world)
    item = first_item(meeting)
    minutes.write_minutes(access=access(world, world.sam), item=item, version=1, minutes="First")
    with pytest.raises(Conflict):
        minutes.write_minutes(access=access(world, world.carol), item=item, version=1, minutes="Second")


def test_a_correction_is_a_new_revision_with_a_reason_and_the_old_one_stays(world: Any) -> None:
    meeting = approve_both(world, review(world))
    with pytest.raises(ValidationError):
        minutes.correct(access=access(world, world.carol), meeting=meeting, reason="  ")
    with pytest.raises(PermissionDenied):
        minutes.correct(access=access(world, world.vic), meeting=meeting, reason="Typo")
    minutes.correct(access=access(world, world.carol), meeting=meeting, reason="Wrong due date")
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.minutes_revision, meeting.minutes_status) == (2, MinutesStatus.DRAFT)
    old = MinutesRevision.objects.get(meeting=meeting, revision=1)
    assert old.correction_reason == "Wrong due date" and old.snapshot["revision"] == 1
    again = approve_both(world, meeting)
    assert MinutesRevision.objects.get(meeting=again, revision=2).snapshot["corrections"] == [
        {"revision": 1, "reason": "Wrong due date"}
    ]


def test_the_facilitator_drafts_and_circulates_her_teams_minutes_but_makes_no_action_items(
    world: Any,
) -> None:
    meeting = team_meeting(world)
    fay = access(world, world.fay)
    item = first_item(meeting)
    minutes.write_minutes(access=fay, item=item, version=item.version, minutes="Expectations agreed")
    minutes.add_decision(access=fay, item=item, text="Meet every six months")
    attendees = {a.pk: True for a in meeting.attendees.all()}
    minutes.set_attendance(access=fay, meeting=meeting, marks=attendees)
    with pytest.raises(PermissionDenied):
        minutes.create_action_item(access=fay, item=item, title="x", owner_side="supplier")
    minutes.circulate(access=fay, meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == MinutesStatus.CIRCULATED


def test_a_walk_in_is_invited_and_marked_present(world: Any) -> None:
    meeting = review(world)
    guest = services.ExternalGuest(name="Olga Auditor", email="olga@example.org")
    attendee = minutes.add_walk_in(access=access(world, world.carol), meeting=meeting, guest=guest)
    assert attendee.attended is True and attendee.is_external
    with pytest.raises(ValidationError):
        minutes.add_walk_in(access=access(world, world.carol), meeting=meeting, user=world.mallory)


def test_decisions_are_removed_only_from_their_own_meeting(world: Any) -> None:
    meeting, other = review(world), team_meeting(world)
    outcome = minutes.add_decision(access=access(world, world.sam), item=first_item(other), text="Keep")
    with pytest.raises(ValidationError):
        minutes.remove_decision(access=access(world, world.sam), meeting=meeting, outcome=outcome)
    minutes.remove_decision(access=access(world, world.sam), meeting=other, outcome=outcome)
    assert not other.outcomes.exists()


def test_circulating_and_approving_send_their_emails_on_commit(
    world: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        emails, "minutes_circulated", lambda meeting_id: sent.append(("circulated", meeting_id))
    )
    monkeypatch.setattr(emails, "minutes_approved", lambda *args: sent.append(("approved", *args)))
    meeting = review(world)
    with django_capture_on_commit_callbacks(execute=True):
        approve_both(world, meeting)
    assert sent == [("circulated", meeting.pk), ("approved", meeting.pk, 1)]
