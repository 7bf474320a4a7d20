"""A person's calendar feed: a secret address their calendar subscribes to, listing the meetings they
are invited to and may still see (checked again at every fetch: a member removed from a party loses
its meetings at the next refresh). The address's token is shown once; only its SHA-256 is kept, and a
new address replaces the old one."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from accord.audit import services as audit
from accord.lib.mail import absolute_url
from accord.meetings import calendar
from accord.meetings.access import meeting_accesses
from accord.meetings.models import AgendaItem, CalendarFeed, Meeting, MeetingQuerySet
from accord.meetings.rsvp import TOKEN_MAX, hash_token


def feed_url(raw: str) -> str:
    return absolute_url(reverse("meetings:feed", args=[raw]))


def has_feed(user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def new_feed(*, user: Any) -> str:
    """A new secret feed address for ``user`` (the old one stops working); its token, returned once."""
    raw = secrets.token_urlsafe(32)
    replaced = CalendarFeed.objects.filter(user=user).exists()
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": hash_token(raw), "created_at": timezone.now()}
    )
    audit.record(
        actor=user,
        verb="calendar_feed.replaced" if replaced else "calendar_feed.created",
        obj=feed,
        label=str(user),
    )
    return raw


def owner_of(raw: str) -> Any:
    """The active person behind a feed token, or None."""
    if not raw or len(raw) > TOKEN_MAX:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def meetings_of(user: Any) -> MeetingQuerySet:
    """The meetings ``user`` is invited to and may see now, cancelled ones included."""
    return (
        Meeting.objects.visible_to(*meeting_accesses(user))
        .filter(attendees__user=user)
        .select_related("relationship", "site", "created_by")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.only("meeting_id", "position", "title"))
        )
        .order_by("starts_at", "pk")
    )


def download(meeting: Meeting) -> bytes:
    """One meeting (from its door) as an ``.ics`` to add to one's calendar: METHOD:PUBLISH with the
    invitation's UID and SEQUENCE, so it merges with the e-mailed invitation; cancelled ones say so."""
    prefetch_related_objects([meeting], "agenda_items")
    attendees = list(meeting.attendees.select_related("user"))
    return calendar.invitation(meeting, attendees, calendar.PUBLISH)
