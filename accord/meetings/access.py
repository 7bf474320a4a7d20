"""The meetings' doors, built on the tenancy core ``parties.access.relationship_for_user``.

A meeting's relationship admits a facilitator (``allow_guest``), and ``Meeting.objects.visible_to``
then shows her the shared expectations team's meetings only: any other meeting is the same 404 as a
missing one. Topics and forecasts are the sides' work: a facilitator gets the stranger's 404.
What a person may change is ``meetings.rules``' business, asked by the services.
"""

from __future__ import annotations

from typing import Any

from accord.meetings.models import AgendaItem, Forecast, Meeting, MeetingQuerySet, Topic
from accord.parties.access import RelationshipAccess, accesses_for, first_or_404, relationship_for_user
from accord.parties.models import Relationship


def relationship_meetings(
    user: Any, *, slug: str | None = None, pk: int | None = None
) -> tuple[MeetingQuerySet, RelationshipAccess]:
    """The meetings of a relationship that the viewer may see (a facilitator: her team's)."""
    access = relationship_for_user(user, slug=slug, pk=pk, allow_guest=True)
    return Meeting.objects.visible_to(access), access


def meeting_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, meeting_id: int
) -> tuple[Meeting, RelationshipAccess]:
    meetings, access = relationship_meetings(user, slug=slug, pk=pk)
    related = ("relationship__supplier", "relationship__customer", "site", "facilitator")
    return first_or_404(meetings.filter(pk=meeting_id).select_related(*related)), access


def agenda_item_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, meeting_id: int, item_id: int
) -> tuple[AgendaItem, RelationshipAccess]:
    meeting, access = meeting_for_user(user, slug=slug, pk=pk, meeting_id=meeting_id)
    item = first_or_404(AgendaItem.objects.filter(meeting=meeting, pk=item_id))
    item.meeting = meeting
    return item, access


def topic_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, topic_id: int, write: bool = False
) -> tuple[Topic, RelationshipAccess]:
    access = relationship_for_user(user, slug=slug, pk=pk, write=write)
    topics = Topic.objects.visible_to(access).filter(pk=topic_id)
    return first_or_404(topics.select_related("relationship", "raised_by", "private_party")), access


def forecast_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, forecast_id: int, write: bool = False
) -> tuple[Forecast, RelationshipAccess]:
    access = relationship_for_user(user, slug=slug, pk=pk, write=write)
    forecasts = Forecast.objects.filter(relationship=access.relationship, pk=forecast_id)
    return first_or_404(forecasts.select_related("product")), access


def meeting_accesses(user: Any, relationships: list[Relationship] | None = None) -> list[RelationshipAccess]:
    """``user``'s access to each of their relationships, a facilitator's included (the meetings list
    across relationships, the home page, the calendar feed)."""
    return accesses_for(user, relationships, allow_guest=True)


def meetings_visible_to_user(user: Any) -> MeetingQuerySet:
    return Meeting.objects.visible_to(*meeting_accesses(user))
