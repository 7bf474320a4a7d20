"""Every read of meetings for the pages, the API, the overview and the home page, scoped by
``Meeting.objects.visible_to`` (a facilitator: her team's meetings only). Each answers with a fixed
number of queries, however many meetings or relationships."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from accord.meetings import cadence
from accord.meetings.access import meeting_accesses
from accord.meetings.models import (
    APPROACH_OF,
    Approach,
    Attendee,
    Cadence,
    Kind,
    Meeting,
    MeetingQuerySet,
    Response,
    Status,
)
from accord.parties.access import RelationshipAccess

WHEN = ("upcoming", "past")


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    when: str = ""  # "upcoming" (ends now or later), "past" or "" (both)
    status: str = ""


def _answers(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Each meeting with how many invitees accepted, declined or have not answered yet."""
    return qs.annotate(
        accepted=Count("attendees", filter=Q(attendees__response=Response.ACCEPTED)),
        declined=Count("attendees", filter=Q(attendees__response=Response.DECLINED)),
        pending=Count("attendees", filter=Q(attendees__response=Response.PENDING)),
    )


def _filtered(qs: MeetingQuerySet, f: Filters, now: datetime) -> QuerySet[Meeting]:
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.when == "upcoming":
        qs = qs.filter(ends_at__gte=now)
    elif f.when == "past":
        qs = qs.filter(ends_at__lt=now)
    return _answers(qs.select_related("relationship__supplier", "relationship__customer", "site"))


def meetings_of(access: RelationshipAccess, f: Filters, now: datetime) -> QuerySet[Meeting]:
    """The relationship's meetings that the viewer sees, filtered, with their invitees' answers."""
    return _filtered(Meeting.objects.visible_to(access), f, now)


def my_meetings(user: Any, f: Filters, now: datetime) -> QuerySet[Meeting]:
    """The meetings of every relationship the viewer may open (a facilitator: her team's), with their
    invitees' answers and the viewer's own (``my_response``: None when not invited)."""
    mine = Attendee.objects.filter(meeting=OuterRef("pk"), user=user).values("response")[:1]
    qs = _filtered(Meeting.objects.visible_to(*meeting_accesses(user)), f, now)
    return qs.annotate(my_response=Subquery(mine))


def upcoming_first(qs: QuerySet[Meeting], now: datetime) -> tuple[QuerySet[Meeting], QuerySet[Meeting]]:
    """The meetings not over yet, soonest first, and the past ones, latest first."""
    return (
        qs.filter(ends_at__gte=now).order_by("starts_at", "pk"),
        qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk"),
    )


def attendees(meeting: Meeting) -> list[Attendee]:
    """Who is invited, the supplier's people first, then the customer's, then the guests."""
    order = Case(When(side="supplier", then=Value(0)), When(side="customer", then=Value(1)), default=Value(2))
    return list(meeting.attendees.select_related("user").order_by(order, "user__full_name", "name", "pk"))


def next_meetings(accesses: Sequence[RelationshipAccess], now: datetime) -> dict[int, Meeting]:
    """relationship id → its next scheduled meeting that the viewer sees (one query)."""
    if not accesses:
        return {}
    visible = Meeting.objects.visible_to(*accesses).upcoming(now)
    first = visible.filter(relationship_id=OuterRef("relationship_id")).order_by("starts_at", "pk")
    found = visible.filter(pk=Subquery(first.values("pk")[:1])).select_related("site")
    return {m.relationship_id: m for m in found}


_APPROACH = Case(
    *(When(kind=kind, then=Value(str(approach))) for kind, approach in APPROACH_OF.items()),
    default=Value(""),
    output_field=CharField(),
)
_HELD_FIELDS = (
    "pk",
    "relationship_id",
    "kind",
    "title",
    "starts_at",
    "status",
    "host_side",
    "site__party_id",
)


def _held(rows: Any, relationships: dict[int, Any]) -> list[cadence.Held]:
    return [
        cadence.Held(
            id=r["pk"],
            relationship_id=r["relationship_id"],
            kind=r["kind"],
            title=r["title"],
            starts_at=r["starts_at"],
            status=r["status"],
            location_side=cadence.location_side(
                site_party_id=r["site__party_id"],
                host_side=r["host_side"],
                relationship=relationships[r["relationship_id"]],
            ),
        )
        for r in rows
    ]


def cadence_rows(accesses: Sequence[RelationshipAccess], now: datetime) -> list[cadence.Held]:
    """What the rhythm needs, per relationship and approach: the last two meetings that took place and
    the next scheduled one (two queries, numbered per relationship and approach by a window)."""
    visible = (
        Meeting.objects.visible_to(*accesses)
        .exclude(status=Status.CANCELLED)
        .exclude(kind=Kind.OTHER)
        .annotate(approach_key=_APPROACH)
    )
    partition = [F("relationship_id"), F("approach_key")]
    past = (
        visible.filter(starts_at__lte=now)
        .annotate(
            n=Window(RowNumber(), partition_by=partition, order_by=[F("starts_at").desc(), F("pk").desc()])
        )
        .filter(n__lte=2)
    )
    upcoming = (
        visible.filter(starts_at__gt=now, status=Status.SCHEDULED)
        .annotate(
            n=Window(RowNumber(), partition_by=partition, order_by=[F("starts_at").asc(), F("pk").asc()])
        )
        .filter(n__lte=1)
    )
    relationships = {a.relationship.pk: a.relationship for a in accesses}
    return [
        *_held(past.values(*_HELD_FIELDS), relationships),
        *_held(upcoming.values(*_HELD_FIELDS), relationships),
    ]


def cadence_states(
    accesses: Sequence[RelationshipAccess], now: datetime
) -> dict[int, list[cadence.ApproachState]]:
    """relationship id → per approach the last and next meeting and the cadence's verdict, as each
    viewer sees them (a facilitator: approach A only). Three queries, however many relationships."""
    if not accesses:
        return {}
    ids = [a.relationship.pk for a in accesses]
    rows: dict[int, list[cadence.Held]] = {pk: [] for pk in ids}
    for held in cadence_rows(accesses, now):
        rows[held.relationship_id].append(held)
    saved = {c.relationship_id: c for c in Cadence.objects.filter(relationship_id__in=ids)}
    out: dict[int, list[cadence.ApproachState]] = {}
    for access in accesses:
        rel = access.relationship
        months = cadence.months_of(saved.get(rel.pk) or Cadence(relationship=rel))
        approaches = (Approach.A,) if access.is_guest else (Approach.A, Approach.B, Approach.D)
        out[rel.pk] = cadence.approach_states(
            rows[rel.pk], months=months, start=rel.created_at.date(), now=now, approaches=approaches
        )
    return out


def prefetch_attendees() -> Prefetch[Any]:
    return Prefetch("attendees", queryset=Attendee.objects.select_related("user"))
