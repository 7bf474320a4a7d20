"""Answering an invitation: by the e-mail's personal link (no sign-in: the token is the credential),
or signed in on the meeting's page. A link answers for its own person only, keeps showing the answer
once used, and stops working when the meeting is over or cancelled or its person may no longer see
the meeting; every link that does not work gets the same page."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client

from accord.audit.models import AuditEvent
from accord.meetings import rsvp, services
from accord.meetings.models import Attendee, Response
from accord.parties import services as parties
from accord.parties.access import access_from
from accord.parties.models import Membership
from tests.meetings.helpers import review, schedule, team_meeting

CSRF = re.compile(r'"X-CSRFToken": "[^"]*"')  # each page's own
GRACE = services.ExternalGuest(name="Grace Guest", email="grace@consultants.example")


def invitation_of(meeting: Any, user: Any) -> Attendee:
    return meeting.attendees.select_related("user").get(user=user)


def link(attendee: Attendee) -> str:
    return f"/m/answer/{rsvp.token_for(attendee)}/"


def test_the_link_shows_the_meeting_and_the_answer_without_signing_in(world: Any) -> None:
    meeting = review(world)
    page = Client().get(link(invitation_of(meeting, world.carol)))
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert meeting.title in text and "Stuttgart HQ" in text and "No answer yet" in text
    assert "(Europe/Berlin)" in text


def test_accepting_by_link_records_the_answer_and_a_used_link_still_shows_it(world: Any) -> None:
    meeting = review(world)
    carol = invitation_of(meeting, world.carol)
    client = Client()
    response = client.post(link(carol), {"response": "accepted"})
    assert response.status_code == 303 and response["Location"] == link(carol)
    carol.refresh_from_db()
    assert carol.response == Response.ACCEPTED and carol.responded_at is not None
    again = client.get(link(carol)).content.decode()
    assert "Accepted" in again
    event = AuditEvent.objects.get(verb="meeting.answered", object_id=str(meeting.pk))
    assert event.changes == {"answer": ["pending", "accepted"]} and event.actor == world.carol


def test_an_invitee_may_change_their_mind(world: Any) -> None:
    meeting = review(world)
    carol = invitation_of(meeting, world.carol)
    Client().post(link(carol), {"response": "accepted"})
    Client().post(link(carol), {"response": "declined"})
    carol.refresh_from_db()
    assert carol.response == Response.DECLINED


def test_an_external_guest_answers_by_link(world: Any) -> None:
    meeting = review(world)
    (grace,) = services.invite(access=access_from(world.sam, world.nw_ta), meeting=meeting, guests=[GRACE])
    assert Client().post(link(grace), {"response": "declined"}).status_code == 303
    grace.refresh_from_db()
    assert grace.response == Response.DECLINED


def test_a_link_answers_for_its_own_person_only(world: Any) -> None:
    meeting = review(world)
    carol, sam = invitation_of(meeting, world.carol), invitation_of(meeting, world.sam)
    Client().post(link(carol), {"response": "declined"})
    sam.refresh_from_db()
    assert sam.response == Response.PENDING
    other = schedule(world, title="Another review", invitees=[world.carol], days=40)
    assert rsvp.token_for(invitation_of(other, world.carol)) != rsvp.token_for(carol)


def test_a_wrong_token_answers_for_no_one(world: Any) -> None:
    meeting = review(world)
    carol = invitation_of(meeting, world.carol)
    token = rsvp.token_for(carol)
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 43, carol.token_hash, "x" * 500):
        response = Client().post(f"/m/answer/{wrong}/", {"response": "accepted"})
        assert response.status_code == 404
        assert "This link no longer works" in response.content.decode()
    carol.refresh_from_db()
    assert carol.response == Response.PENDING


def test_every_link_that_does_not_work_gets_the_same_page(world: Any) -> None:
    meeting = review(world)
    carol = invitation_of(meeting, world.carol)
    cancelled_link = link(carol)
    services.cancel(access=access_from(world.sam, world.nw_ta), meeting=meeting, version=meeting.version)
    past = schedule(world, title="Last month's review", days=-30, invitees=[world.carol])
    pages = [
        Client().get(url)
        for url in (cancelled_link, link(invitation_of(past, world.carol)), "/m/answer/nothing-at-all/")
    ]
    assert {p.status_code for p in pages} == {404}
    assert len({CSRF.sub("", p.content.decode()) for p in pages}) == 1


def test_a_member_removed_from_their_party_can_no_longer_use_the_link(world: Any) -> None:
    meeting = review(world)
    url = link(invitation_of(meeting, world.carol))
    membership = Membership.objects.get(user=world.carol, party=world.telco_a)
    parties.change_membership(actor=world.ada, membership=membership, role="editor", is_active=False)
    assert Client().get(url).status_code == 404


def test_an_uninvited_person_can_no_longer_use_the_link(world: Any) -> None:
    meeting = review(world)
    carol = invitation_of(meeting, world.carol)
    url = link(carol)
    services.uninvite(access=access_from(world.sam, world.nw_ta), meeting=meeting, attendee=carol)
    assert Client().post(url, {"response": "accepted"}).status_code == 404


def test_an_answer_must_be_accept_or_decline(world: Any) -> None:
    carol = invitation_of(review(world), world.carol)
    response = Client().post(link(carol), {"response": "pending"})
    assert response.status_code == 400
    carol.refresh_from_db()
    assert carol.response == Response.PENDING


def test_answering_by_link_needs_the_pages_csrf_token(world: Any) -> None:
    carol = invitation_of(review(world), world.carol)
    client = Client(enforce_csrf_checks=True)
    assert client.post(link(carol), {"response": "accepted"}).status_code == 403
    client.get(link(carol))
    token = client.cookies["csrftoken"].value
    response = client.post(link(carol), {"response": "accepted", "csrfmiddlewaretoken": token})
    assert response.status_code == 303


# --- signed in, on the meeting's page ---------------------------------------------------------------


def meeting_answer(meeting: Any) -> str:
    return f"/r/northwind-telco-a/meetings/{meeting.pk}/answer/"


def test_a_signed_in_invitee_answers_on_the_meetings_page(world: Any, as_user: Any) -> None:
    meeting = review(world)
    response = as_user(world.carol).post(meeting_answer(meeting), {"response": "accepted"})
    assert response.status_code == 302
    assert invitation_of(meeting, world.carol).response == Response.ACCEPTED
    assert AuditEvent.objects.filter(verb="meeting.answered", actor=world.carol).exists()


def test_someone_who_sees_the_meeting_but_is_not_invited_may_not_answer(world: Any, as_user: Any) -> None:
    meeting = review(world)
    assert as_user(world.vic).post(meeting_answer(meeting), {"response": "accepted"}).status_code == 403
    assert not meeting.attendees.filter(user=world.vic).exists()


@pytest.mark.parametrize("person", ["fay", "mallory"])
def test_who_may_not_see_the_meeting_gets_the_one_404(world: Any, as_user: Any, person: str) -> None:
    meeting = review(world)
    response = as_user(getattr(world, person)).post(meeting_answer(meeting), {"response": "accepted"})
    assert response.status_code == 404


def test_the_facilitator_answers_her_teams_meeting(world: Any, as_user: Any) -> None:
    meeting = team_meeting(world)
    assert as_user(world.fay).post(meeting_answer(meeting), {"response": "declined"}).status_code == 302
    assert invitation_of(meeting, world.fay).response == Response.DECLINED


def test_a_get_of_the_answer_address_goes_to_the_meetings_page(world: Any, as_user: Any) -> None:
    meeting = review(world)
    response = as_user(world.carol).get(meeting_answer(meeting))
    assert response.status_code == 303
    assert "/r/northwind-telco-a/" in response["Location"]
    assert invitation_of(meeting, world.carol).response == Response.PENDING


def test_a_cancelled_meeting_takes_no_more_answers(world: Any, as_user: Any) -> None:
    meeting = review(world)
    services.cancel(access=access_from(world.sam, world.nw_ta), meeting=meeting, version=meeting.version)
    client = as_user(world.carol)
    response = client.post(meeting_answer(meeting), {"response": "accepted"}, follow=True)
    assert "takes no more answers" in response.content.decode()
    assert invitation_of(meeting, world.carol).response == Response.PENDING


def test_the_meeting_page_shows_the_viewers_answer_and_buttons(world: Any, as_user: Any) -> None:
    meeting = review(world)
    page_url = f"/r/northwind-telco-a/meetings/{meeting.pk}/"
    carol = as_user(world.carol)
    page = carol.get(page_url).content.decode()
    assert f'action="{meeting_answer(meeting)}"' in page and "No answer yet" in page
    assert f"/r/northwind-telco-a/meetings/{meeting.pk}/invite.ics" in page
    carol.post(meeting_answer(meeting), {"response": "accepted"})
    answered = html.unescape(carol.get(page_url).content.decode())
    assert "Your answer: Accepted" in re.sub(r"<[^>]+>", "", answered)
    # Vic sees the meeting but is not invited: the calendar file, no buttons
    vic = as_user(world.vic).get(page_url).content.decode()
    assert f'action="{meeting_answer(meeting)}"' not in vic and "invite.ics" in vic
