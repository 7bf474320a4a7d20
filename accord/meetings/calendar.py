"""Meetings as RFC 5545 calendar data (``icalendar``): the invitation e-mailed to the people invited
(METHOD:REQUEST, then METHOD:CANCEL), a meeting's ``.ics`` download and a person's calendar feed
(METHOD:PUBLISH).

One meeting is one VEVENT for its whole life: UID ``<meeting.uid>@accord`` never changes, SEQUENCE is
``meeting.sequence`` (``meetings.services`` bumps it with every change calendars must follow), so a
client replaces the event it holds instead of adding a second one. Times are written in the meeting's
own time zone with its VTIMEZONE, so a meeting moved across a daylight-saving change stays at 09:00.

Pure functions: they read what they are given (a meeting with its ``site``, ``created_by`` and, for
the description, its prefetched ``agenda_items``; the attendees with their ``user``) and query nothing
else.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from accord.lib.mail import absolute_url
from accord.meetings.models import Attendee, Kind, Meeting, Response, Status

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"
METHODS = (REQUEST, CANCEL, PUBLISH)
PRODID = "-//Accord//Meetings//EN"

PARTSTAT = {
    Response.PENDING: "NEEDS-ACTION",
    Response.ACCEPTED: "ACCEPTED",
    Response.DECLINED: "DECLINED",
}


def uid(meeting: Meeting) -> str:
    """The invitation's identity for the meeting's whole life."""
    return f"{meeting.uid}@accord"


def meeting_path(slug: str, meeting_id: int) -> str:
    """The meeting's page (``meetings:detail``), reversed when asked for; before that page exists
    (the pages part), the relationship's page."""
    try:
        return reverse("meetings:detail", kwargs={"slug": slug, "meeting_id": meeting_id})
    except NoReverseMatch:
        try:
            return reverse("meetings:detail", args=[slug, meeting_id])
        except NoReverseMatch:
            return reverse("parties:relationship", args=[slug])


def meeting_url(meeting: Meeting) -> str:
    return absolute_url(meeting_path(meeting.relationship.slug, meeting.pk))


def location(meeting: Meeting) -> str:
    """Where: the site's name and address, or the remote link, and the room or directions."""
    parts: list[str] = []
    site = meeting.site if meeting.site_id is not None else None
    if site is not None:
        address = ", ".join(line.strip() for line in site.address.splitlines() if line.strip())
        parts.append(f"{site.name}, {address}" if address else site.name)
    if meeting.remote_link:
        parts.append(meeting.remote_link)
    if meeting.location_note:
        parts.append(meeting.location_note)
    return " · ".join(parts)


def description(meeting: Meeting) -> str:
    """The kind, the purpose, the agenda's titles and the meeting's page."""
    lines = [str(Kind(meeting.kind).label)]
    if meeting.description.strip():
        lines += ["", meeting.description.strip()]
    titles = [item.title for item in meeting.agenda_items.all()]
    if titles:
        lines += ["", _("Agenda:"), *(f"{n}. {title}" for n, title in enumerate(titles, start=1))]
    lines += ["", meeting_url(meeting)]
    return "\n".join(lines)


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = name
    return address


def _organizer(meeting: Meeting) -> vCalAddress:
    """Who scheduled the meeting; Accord itself when that person is gone."""
    person = meeting.created_by
    if person is not None and person.email:
        return _address(person.email, str(person))
    name, email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return _address(email or "accord@localhost", name or "Accord")


def _attendee(meeting: Meeting, attendee: Attendee) -> vCalAddress | None:
    email = attendee.user.email if attendee.user is not None else attendee.email
    if not email:
        return None
    address = _address(email, attendee.display_name)
    chair = attendee.user_id is not None and attendee.user_id == meeting.facilitator_id
    address.params["role"] = "CHAIR" if chair else "REQ-PARTICIPANT"
    address.params["partstat"] = PARTSTAT.get(Response(attendee.response), "NEEDS-ACTION")
    address.params["rsvp"] = "TRUE"
    return address


def _local(moment: datetime, zone: str) -> datetime:
    if zone == "UTC":
        return moment.astimezone(UTC)
    return moment.astimezone(ZoneInfo(zone))


def event(
    meeting: Meeting,
    attendees: Iterable[Attendee] = (),
    *,
    now: datetime,
    cancelled: bool = False,
) -> Event:
    """The meeting's VEVENT: cancelled when ``cancelled`` or when the meeting is."""
    vevent = Event()
    vevent.add("uid", uid(meeting))
    vevent.add("sequence", meeting.sequence)
    vevent.add("dtstamp", now.astimezone(UTC))
    vevent.add("dtstart", _local(meeting.starts_at, meeting.time_zone))
    vevent.add("dtend", _local(meeting.ends_at, meeting.time_zone))
    vevent.add("summary", meeting.title)
    where = location(meeting)
    if where:
        vevent.add("location", where)
    vevent.add("description", description(meeting))
    vevent.add("url", meeting_url(meeting))
    vevent.add("organizer", _organizer(meeting))
    for attendee in attendees:
        address = _attendee(meeting, attendee)
        if address is not None:
            vevent.add("attendee", address, encode=False)
    gone = cancelled or meeting.status == Status.CANCELLED
    vevent.add("status", "CANCELLED" if gone else "CONFIRMED")
    vevent.add("transp", "TRANSPARENT" if gone else "OPAQUE")
    return vevent


def _calendar(method: str, meetings: list[Meeting], events: list[Event], name: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for vevent in events:
        cal.add_component(vevent)
    if meetings:  # one VTIMEZONE per time zone the events use, its rules for the years around them
        first = min(m.starts_at for m in meetings).date() - timedelta(days=366)
        last = max(m.ends_at for m in meetings).date() + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return bytes(cal.to_ical())


def invitation(
    meeting: Meeting, attendees: Iterable[Attendee], method: str = REQUEST, *, now: datetime | None = None
) -> bytes:
    """One meeting as an ``.ics``: METHOD:REQUEST (an invitation or its update), METHOD:CANCEL (the
    cancellation, STATUS:CANCELLED) or METHOD:PUBLISH (a download to add to one's calendar)."""
    if method not in METHODS:
        raise ValueError(f"Unknown iTIP method {method!r}")
    vevent = event(meeting, attendees, now=now or datetime.now(UTC), cancelled=method == CANCEL)
    return _calendar(method, [meeting], [vevent])


def feed(meetings: Iterable[Meeting], *, name: str = "", now: datetime | None = None) -> bytes:
    """A person's calendar feed (METHOD:PUBLISH): every meeting given, the cancelled ones as
    STATUS:CANCELLED, so a subscribed calendar drops them too."""
    moment = now or datetime.now(UTC)
    found = list(meetings)
    return _calendar(PUBLISH, found, [event(m, now=moment) for m in found], name=name)
