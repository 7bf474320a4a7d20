"""The personal calendar feed (a secret address, shown once, stored hashed, replaced by a new one) lists
the meetings its person is invited to and may still see, checked at every fetch; a meeting's .ics
download (page and API) goes through the meeting's door."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from icalendar import Calendar

from accord.meetings import services
from accord.meetings.models import CalendarFeed
from accord.parties import services as parties
from accord.parties.access import access_from
from accord.parties.models import Membership
from tests.meetings.helpers import review, schedule, team_meeting

ADDRESS = re.compile(r"http://[^<\s]+/calendar/([A-Za-z0-9_-]+)\.ics")


def make_feed(client: Client) -> str:
    """Make the feed address on /my/calendar/ and read it off the page (shown once)."""
    response = client.post("/my/calendar/", follow=True)
    assert response.status_code == 200
    found = ADDRESS.search(response.content.decode())
    assert found, "the new address is shown"
    return found.group(1)


def summaries(content: bytes) -> dict[str, str]:
    cal = Calendar.from_ical(content)
    assert cal["method"] == "PUBLISH"
    return {str(e["summary"]): str(e["status"]) for e in cal.walk("VEVENT")}


def test_the_feed_address_is_shown_once_and_stored_hashed(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    token = make_feed(client)
    assert not ADDRESS.search(client.get("/my/calendar/").content.decode())
    feed = CalendarFeed.objects.get(user=world.carol)
    assert token not in feed.token_hash and len(feed.token_hash) == 64


def test_the_feed_lists_the_meetings_its_person_is_invited_to(world: Any, as_user: Any) -> None:
    token = make_feed(as_user(world.carol))
    invited = review(world)
    schedule(world, title="Northwind only", days=45)  # Carol is not invited
    dropped = schedule(world, title="Dropped review", days=60, invitees=[world.carol])
    services.cancel(access=access_from(world.sam, world.nw_ta), meeting=dropped, version=dropped.version)
    response = Client().get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert summaries(response.content) == {invited.title: "CONFIRMED", "Dropped review": "CANCELLED"}


def test_a_member_removed_from_the_party_gets_no_meetings(world: Any, as_user: Any) -> None:
    token = make_feed(as_user(world.carol))
    review(world)
    membership = Membership.objects.get(user=world.carol, party=world.telco_a)
    parties.change_membership(actor=world.ada, membership=membership, role="editor", is_active=False)
    response = Client().get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert summaries(response.content) == {}


def test_the_facilitators_feed_has_her_teams_meetings_only(world: Any, as_user: Any) -> None:
    token = make_feed(as_user(world.fay))
    team = team_meeting(world)
    schedule(world, title="Quality review with Fay", invitees=[world.fay], days=50)
    assert summaries(Client().get(f"/calendar/{token}.ics").content) == {team.title: "CONFIRMED"}


def test_a_new_address_replaces_the_old_one(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    old = make_feed(client)
    new = make_feed(client)
    assert old != new
    assert Client().get(f"/calendar/{old}.ics").status_code == 404
    assert Client().get(f"/calendar/{new}.ics").status_code == 200
    assert CalendarFeed.objects.filter(user=world.carol).count() == 1


def test_an_unknown_or_inactive_persons_feed_is_not_found(world: Any, as_user: Any) -> None:
    token = make_feed(as_user(world.carol))
    assert Client().get("/calendar/not-a-feed.ics").status_code == 404
    world.carol.is_active = False
    world.carol.save()
    assert Client().get(f"/calendar/{token}.ics").status_code == 404


# --- one meeting's .ics --------------------------------------------------------------------------------


def test_a_meetings_ics_download_has_its_uid_and_sequence(world: Any, as_user: Any) -> None:
    meeting = review(world)
    response = as_user(world.vic).get(f"/r/northwind-telco-a/meetings/{meeting.pk}/invite.ics")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert (event["uid"], event["sequence"]) == (f"{meeting.uid}@accord", meeting.sequence)


def test_the_api_gives_the_same_ics(world: Any, as_user: Any) -> None:
    meeting = review(world)
    url = f"/api/v1/relationships/{world.nw_ta.pk}/meetings/{meeting.pk}/ics"
    response = as_user(world.carol).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event["uid"] == f"{meeting.uid}@accord"


def test_fay_downloads_her_teams_meeting_and_nothing_else(world: Any, as_user: Any) -> None:
    client = as_user(world.fay)
    team, other = team_meeting(world), review(world)
    assert client.get(f"/r/northwind-telco-a/meetings/{team.pk}/invite.ics").status_code == 200
    assert client.get(f"/r/northwind-telco-a/meetings/{other.pk}/invite.ics").status_code == 404
    api = f"/api/v1/relationships/{world.nw_ta.pk}/meetings/{other.pk}/ics"
    assert client.get(api).status_code == 404


def test_mallory_gets_the_one_404_for_a_meetings_ics(world: Any, as_user: Any) -> None:
    meeting = review(world)
    client = as_user(world.mallory)
    assert client.get(f"/r/northwind-telco-a/meetings/{meeting.pk}/invite.ics").status_code == 404
    assert client.get(f"/r/northwind-telco-a/meetings/{meeting.pk + 1000}/invite.ics").status_code == 404
