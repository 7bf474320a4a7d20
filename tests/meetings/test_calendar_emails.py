"""The meetings' e-mails, as they land in ``mail.outbox`` once the services' transactions commit:
invitations with their .ics (REQUEST, the meeting's UID, SEQUENCE), updates and cancellations, the
pre-read pack and the approved minutes; each person's preferences hold, external guests get only the
invitation, the pre-read and the approved minutes, and no one who cannot see the meeting gets any."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from icalendar import Calendar

from accord.accounts.preferences import set_opt_outs
from accord.lib import notify
from accord.meetings import emails, services
from accord.meetings.models import MinutesRevision, Pack
from accord.parties import services as parties
from accord.parties.access import access_from
from accord.parties.models import Membership
from tests.meetings.helpers import at, review, schedule, team_meeting

GRACE = services.ExternalGuest(name="Grace Guest", email="grace@consultants.example")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """``with committed():`` runs what waits for the commit (the e-mails) at the block's end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def outbox() -> dict[str, list[Any]]:
    by_person: dict[str, list[Any]] = {}
    for message in mail.outbox:
        for to in message.to:
            by_person.setdefault(to, []).append(message)
    return by_person


def calendar_of(message: Any) -> tuple[str, Calendar]:
    """The ``text/calendar`` alternative's content type and its calendar (the attachment: the same)."""
    (alternative,) = [(c, t) for c, t in message.alternatives if t.startswith("text/calendar")]
    attached = [a for a in message.attachments if a[0] == "invite.ics"]
    assert attached and Calendar.from_ical(attached[0][1]) == Calendar.from_ical(alternative[0])
    return alternative[1], Calendar.from_ical(alternative[0])


def event_of(message: Any) -> Any:
    (event,) = calendar_of(message)[1].walk("VEVENT")
    return event


def sam_access(w: Any) -> Any:
    return access_from(w.sam, w.nw_ta)


@pytest.fixture(autouse=True)
def no_leftover_mail() -> Iterator[None]:
    mail.outbox.clear()
    yield


def test_scheduling_emails_each_person_invited_a_request_with_the_meetings_uid(
    world: Any, committed: Any
) -> None:
    with committed():
        meeting = schedule(world, invitees=[world.carol], guests=[GRACE])
    got = outbox()
    assert set(got) == {"sam@northwind.example", "carol@telco-a.example", "grace@consultants.example"}
    for (message,) in got.values():
        content_type, cal = calendar_of(message)
        assert content_type == "text/calendar; method=REQUEST"
        assert cal["method"] == "REQUEST"
        (event,) = cal.walk("VEVENT")
        assert (event["uid"], event["sequence"]) == (f"{meeting.uid}@accord", 0)
        assert message.subject.startswith(f"Invitation: {meeting.title}")
        assert "/m/answer/" in message.body
    assert "/r/northwind-telco-a/" in got["carol@telco-a.example"][0].body
    assert "/r/northwind-telco-a/" not in got["grace@consultants.example"][0].body  # no account: no page


def test_each_person_gets_their_own_answer_link(world: Any, committed: Any) -> None:
    with committed():
        schedule(world, invitees=[world.carol])
    links = {m.to[0]: [w for w in m.body.split() if "/m/answer/" in w] for m in mail.outbox}
    assert len({link for found in links.values() for link in found}) == 2


def test_moving_the_meeting_emails_the_update_with_a_higher_sequence(world: Any, committed: Any) -> None:
    meeting = review(world)
    with committed():
        moved = services.update(
            access=sam_access(world),
            meeting=meeting,
            version=meeting.version,
            starts_at=at(31),
            ends_at=at(31, 12),
        )
    (message,) = outbox()["carol@telco-a.example"]
    event = event_of(message)
    assert (event["uid"], event["sequence"]) == (f"{meeting.uid}@accord", moved.sequence)
    assert moved.sequence == 1
    assert event["dtstart"].dt == at(31)
    assert message.subject.startswith("Updated invitation:")


def test_a_change_calendars_need_not_follow_emails_no_one(world: Any, committed: Any) -> None:
    meeting = review(world)
    with committed():
        services.update(
            access=sam_access(world), meeting=meeting, version=meeting.version, description="Logs"
        )
    assert mail.outbox == []


def test_cancelling_emails_a_cancel_with_the_same_uid(world: Any, committed: Any) -> None:
    meeting = review(world)
    with committed():
        services.cancel(access=sam_access(world), meeting=meeting, version=meeting.version)
    got = outbox()
    assert set(got) == {"sam@northwind.example", "carol@telco-a.example"}
    content_type, cal = calendar_of(got["carol@telco-a.example"][0])
    (event,) = cal.walk("VEVENT")
    assert content_type == "text/calendar; method=CANCEL"
    assert (cal["method"], event["uid"], event["status"]) == ("CANCEL", f"{meeting.uid}@accord", "CANCELLED")
    assert event["sequence"] == 1
    assert "/m/answer/" not in got["carol@telco-a.example"][0].body


def test_people_invited_later_get_their_invitation_and_no_one_else_does(world: Any, committed: Any) -> None:
    meeting = review(world)
    with committed():
        services.invite(access=sam_access(world), meeting=meeting, users=[world.vic], guests=[GRACE])
    assert set(outbox()) == {"vic@telco-a.example", "grace@consultants.example"}


def test_a_person_who_turned_invitations_off_gets_none(world: Any, committed: Any) -> None:
    set_opt_outs(user=world.carol, kinds_off={emails.INVITATIONS})
    with committed():
        schedule(world, invitees=[world.carol])
    assert set(outbox()) == {"sam@northwind.example"}


def test_the_meeting_kinds_are_offered_on_the_profile_page(world: Any, as_user: Any) -> None:
    values = [k.value for k in notify.kinds()]
    assert [k for k in values if k.startswith("meeting_")] == [
        emails.INVITATIONS,
        emails.PACKS,
        emails.MINUTES_REVIEW,
        emails.MINUTES,
    ]
    page = as_user(world.carol).get("/accounts/profile/").content.decode()
    assert "Meeting invitations, their changes and cancellations" in page


def test_a_member_removed_from_their_party_is_emailed_nothing_more(world: Any, committed: Any) -> None:
    meeting = review(world)
    membership = Membership.objects.get(user=world.carol, party=world.telco_a)
    parties.change_membership(actor=world.ada, membership=membership, role="editor", is_active=False)
    with committed():
        services.update(
            access=sam_access(world), meeting=meeting, version=meeting.version, title="Quality review Q4"
        )
    assert set(outbox()) == {"sam@northwind.example"}


def test_the_facilitator_is_invited_to_her_teams_meeting(world: Any, committed: Any) -> None:
    with committed():
        team_meeting(world)
    assert "fay@facilitators.example" in outbox()


def test_the_pre_read_goes_to_everyone_invited_with_the_pdf(world: Any, committed: Any) -> None:
    meeting = review(world)
    services.invite(access=sam_access(world), meeting=meeting, guests=[GRACE])
    name = default_storage.save("meetings/packs/pack.pdf", ContentFile(b"%PDF-1.7 the pack"))
    pack = Pack.objects.create(meeting=meeting, file=name, sha256="0" * 64, size=17)
    set_opt_outs(user=world.sam, kinds_off={emails.PACKS})
    with committed():
        emails.pack_sent(pack.pk)
    got = outbox()
    assert set(got) == {"carol@telco-a.example", "grace@consultants.example"}
    for (message,) in got.values():
        ((filename, content, content_type),) = message.attachments
        assert (content, content_type) == (b"%PDF-1.7 the pack", "application/pdf")
        assert filename.startswith("pre-read-") and filename.endswith(".pdf")
        assert message.subject == f"Pre-read: {meeting.title}"


def test_minutes_for_review_go_to_members_only(world: Any, committed: Any) -> None:
    meeting = review(world)
    services.invite(access=sam_access(world), meeting=meeting, guests=[GRACE])
    with committed():
        emails.minutes_circulated(meeting.pk)
    assert set(outbox()) == {"sam@northwind.example", "carol@telco-a.example"}
    assert mail.outbox[0].attachments == []


def test_approved_minutes_go_to_everyone_invited_with_the_pdf(world: Any, committed: Any) -> None:
    meeting = review(world)
    services.invite(access=sam_access(world), meeting=meeting, guests=[GRACE])
    name = default_storage.save("meetings/minutes/r1.pdf", ContentFile(b"%PDF-1.7 minutes"))
    MinutesRevision.objects.create(meeting=meeting, revision=1, pdf=name)
    set_opt_outs(user=world.carol, kinds_off={emails.MINUTES})
    with committed():
        emails.minutes_approved(meeting.pk, 1)
    got = outbox()
    assert set(got) == {"sam@northwind.example", "grace@consultants.example"}
    ((filename, content, _type),) = got["grace@consultants.example"][0].attachments
    assert content == b"%PDF-1.7 minutes" and filename.endswith("-r1.pdf")


def test_a_pack_whose_file_is_gone_sends_nothing(world: Any, committed: Any) -> None:
    meeting = review(world)
    pack = Pack.objects.create(meeting=meeting, file="meetings/packs/missing.pdf", sha256="0" * 64)
    with committed():
        emails.pack_sent(pack.pk)
    assert mail.outbox == []


def test_an_invitation_queued_before_a_cancellation_is_not_sent(world: Any, committed: Any) -> None:
    meeting = review(world)
    services.cancel(access=sam_access(world), meeting=meeting, version=meeting.version)
    with committed():
        emails.scheduled(meeting.pk)
    assert mail.outbox == []


def test_silenced_queues_nothing(world: Any, committed: Any) -> None:
    with committed(), emails.silenced():
        schedule(world, invitees=[world.carol])
    assert mail.outbox == []


def test_mallory_never_gets_a_meeting_email(world: Any, committed: Any) -> None:
    with committed():
        meeting = schedule(world, invitees=[world.carol, world.vic, world.fay], guests=[GRACE])
        services.update(
            access=sam_access(world), meeting=meeting, version=meeting.version, title="Moved review"
        )
        emails.minutes_circulated(meeting.pk)
    assert mail.outbox
    assert "mallory@telco-b.example" not in outbox()


def test_a_facilitator_invited_to_a_meeting_she_may_not_see_gets_no_email_of_it(
    world: Any, committed: Any
) -> None:
    with committed():
        schedule(world, invitees=[world.fay])  # a quality review: not her team's
    assert "fay@facilitators.example" not in outbox()
    assert "sam@northwind.example" in outbox()


def test_no_invitation_goes_out_for_a_meeting_that_is_over(world: Any, committed: Any) -> None:
    meeting = schedule(world, days=-7)
    with committed():
        services.invite(access=sam_access(world), meeting=meeting, users=[world.carol])
    assert mail.outbox == []


def test_a_person_taken_off_the_list_gets_a_cancel_of_their_copy_and_no_one_else_hears(
    world: Any, committed: Any
) -> None:
    meeting = review(world)
    with committed():
        services.invite(access=sam_access(world), meeting=meeting, users=[], guests=[GRACE])
    mail.outbox.clear()
    grace = meeting.attendees.get(email=GRACE.email)
    carol = meeting.attendees.get(user=world.carol)
    with committed():
        services.uninvite(access=sam_access(world), meeting=meeting, attendee=grace)
        services.uninvite(access=sam_access(world), meeting=meeting, attendee=carol)
    got = outbox()
    assert set(got) == {GRACE.email, "carol@telco-a.example"}
    content_type, cal = calendar_of(got[GRACE.email][0])
    (event,) = cal.walk("VEVENT")
    assert content_type == "text/calendar; method=CANCEL"
    assert (cal["method"], event["uid"], event["status"]) == ("CANCEL", f"{meeting.uid}@accord", "CANCELLED")
    assert str(event["attendee"]).lower() == "mailto:grace@consultants.example"  # her copy, no one else
    message = got[GRACE.email][0]
    assert message.subject.startswith("No longer invited") and "/m/answer/" not in message.body


def test_a_person_taken_off_the_list_who_turned_invitations_off_hears_nothing(
    world: Any, committed: Any
) -> None:
    meeting = review(world)
    set_opt_outs(user=world.carol, kinds_off={emails.INVITATIONS})
    mail.outbox.clear()
    with committed():
        services.uninvite(
            access=sam_access(world), meeting=meeting, attendee=meeting.attendees.get(user=world.carol)
        )
    assert mail.outbox == []
