"""The meetings as RFC 5545 data, read back with the icalendar library: METHOD, the meeting's stable
UID, its SEQUENCE, times in the meeting's time zone, the people invited and their answers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar

from accord.meetings import calendar, services
from accord.meetings.models import Kind, Response
from accord.parties.access import access_from
from tests.meetings.helpers import at, review, schedule, team_meeting


def parse(ics: bytes) -> tuple[Calendar, Any]:
    cal = Calendar.from_ical(ics)
    (event,) = cal.walk("VEVENT")
    return cal, event


def attendees_of(event: Any) -> dict[str, Any]:
    found = event.get("attendee", [])
    found = found if isinstance(found, list) else [found]
    return {str(a).removeprefix("mailto:"): a.params for a in found}


def test_an_invitation_is_a_request_with_the_meetings_uid_and_sequence(world: Any) -> None:
    meeting = review(world)
    cal, event = parse(calendar.invitation(meeting, meeting.attendees.select_related("user")))
    assert cal["method"] == "REQUEST"
    assert event["uid"] == f"{meeting.uid}@accord"
    assert event["sequence"] == 0
    assert event["status"] == "CONFIRMED"
    assert event["summary"] == meeting.title
    assert str(event["organizer"]) == "mailto:sam@northwind.example"


def test_times_are_in_the_meetings_time_zone_with_its_vtimezone(world: Any) -> None:
    meeting = review(world)
    cal, event = parse(calendar.invitation(meeting, []))
    start, end = event["dtstart"].dt, event["dtend"].dt
    assert start == at(30) and end == at(30, 13)
    assert (start.hour, end.hour) == (9, 13)
    assert str(event["dtstart"].params["TZID"]) == "Europe/Berlin"
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_a_utc_meeting_is_written_in_utc(world: Any) -> None:
    meeting = schedule(world, time_zone="UTC")
    _cal, event = parse(calendar.invitation(meeting, []))
    assert event["dtstart"].dt.utcoffset().total_seconds() == 0
    assert event["dtstart"].dt == meeting.starts_at


def test_everyone_invited_is_an_attendee_with_their_answer(world: Any) -> None:
    meeting = team_meeting(world)
    carol = meeting.attendees.get(user=world.carol)
    carol.response = Response.DECLINED
    carol.save()
    guest = services.ExternalGuest(name="Grace Guest", email="grace@consultants.example")
    services.invite(access=access_from(world.sam, world.nw_ta), meeting=meeting, guests=[guest])
    _cal, event = parse(calendar.invitation(meeting, meeting.attendees.select_related("user")))
    people = attendees_of(event)
    assert set(people) == {
        "sam@northwind.example",
        "carol@telco-a.example",
        "fay@facilitators.example",
        "grace@consultants.example",
    }
    assert people["carol@telco-a.example"]["PARTSTAT"] == "DECLINED"
    assert people["sam@northwind.example"]["PARTSTAT"] == "NEEDS-ACTION"
    assert people["grace@consultants.example"]["CN"] == "Grace Guest"
    assert people["fay@facilitators.example"]["ROLE"] == "CHAIR"
    assert all(p["RSVP"] == "TRUE" for p in people.values())


def test_the_location_names_the_site_the_link_and_the_room(world: Any) -> None:
    world.nw_site.address = "Hauptstraße 1\n70173 Stuttgart"
    world.nw_site.save()
    meeting = schedule(world, remote_link="https://meet.example/abc", location_note="Room 4.12")
    _cal, event = parse(calendar.invitation(meeting, []))
    assert str(event["location"]) == (
        "Stuttgart HQ, Hauptstraße 1, 70173 Stuttgart · https://meet.example/abc · Room 4.12"
    )


def test_the_description_has_the_kind_purpose_agenda_and_page(world: Any) -> None:
    meeting = schedule(world, description="Bring the Q3 alarm logs")
    text = str(parse(calendar.invitation(meeting, []))[1]["description"])
    assert text.startswith(str(Kind.QUALITY_REVIEW.label))
    assert "Bring the Q3 alarm logs" in text
    assert "1. Nonconformances to TL 9000" in text
    assert "http://" in text and "/r/northwind-telco-a/" in text


def test_a_cancellation_is_a_cancel_with_the_same_uid(world: Any) -> None:
    meeting = review(world)
    access = access_from(world.sam, world.nw_ta)
    gone = services.cancel(access=access, meeting=meeting, version=meeting.version)
    cal, event = parse(calendar.invitation(gone, gone.attendees.select_related("user"), calendar.CANCEL))
    assert cal["method"] == "CANCEL"
    assert (event["uid"], event["sequence"], event["status"]) == (f"{meeting.uid}@accord", 1, "CANCELLED")


def test_a_feed_publishes_every_meeting_and_marks_the_cancelled(world: Any) -> None:
    kept = review(world)
    gone = schedule(world, title="Dropped review", days=60)
    gone = services.cancel(access=access_from(world.sam, world.nw_ta), meeting=gone, version=gone.version)
    cal = Calendar.from_ical(calendar.feed([kept, gone], name="Accord meetings"))
    assert cal["method"] == "PUBLISH"
    status = {str(e["summary"]): str(e["status"]) for e in cal.walk("VEVENT")}
    assert status == {kept.title: "CONFIRMED", "Dropped review": "CANCELLED"}


def test_text_that_looks_like_ics_stays_text(world: Any) -> None:
    title = "Review\r\nATTENDEE:mailto:mallory@telco-b.example; with, commas"
    meeting = schedule(world, title=title)
    _cal, event = parse(calendar.invitation(meeting, []))
    assert "mallory@telco-b.example" not in attendees_of(event)
    assert "ATTENDEE:mailto:mallory" in str(event["summary"])


def test_dtstamp_is_when_it_was_written(world: Any) -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    _cal, event = parse(calendar.invitation(review(world), [], now=moment))
    assert event["dtstamp"].dt == moment.astimezone(UTC)
