"""API operations of the meetings part: meetings of a relationship and across the caller's, one
meeting, scheduling (with invitees and external guests), changes (versioned: 409), cancellation,
inviting and uninviting, the cadence, and the scheduling proposals. The same doors, rules and
services as the pages (added to ``meetings.api``'s router)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field, field_validator

from accord.accounts.models import User
from accord.accounts.types import AuthedRequest
from accord.lib.api import MAX_IDS, MAX_TEXT, Count, Id, IdList, Version, responses, serializer
from accord.lib.timezones import TIME_ZONES
from accord.meetings import cadence, rules, selectors, services
from accord.meetings.access import meeting_for_user, relationship_meetings
from accord.meetings.models import Attendee, Kind, Meeting
from accord.parties.access import RelationshipAccess, first_or_404, relationship_for_user
from accord.parties.models import Site

router = Router(tags=["meetings"])
MEETINGS = "/relationships/{rel_id}/meetings"
ONE = MEETINGS + "/{meeting_id}"

KindName = Literal["set", "quality_review", "site_visit", "program_review", "other"]
StatusName = Literal["scheduled", "held", "cancelled"]
SideName = Literal["supplier", "customer"]


class MeetingPersonOut(Schema):
    id: int
    full_name: str
    email: str


class InviteeOut(Schema):
    id: int
    user: MeetingPersonOut | None
    name: str
    email: str = Field(description="An external guest's address; empty for a member")
    side: str = Field(description="supplier, customer, or empty (the facilitator or an external guest)")
    response: str
    responded_at: datetime | None
    attended: bool | None


class MeetingSiteOut(Schema):
    id: int
    name: str
    side: str


class MeetingOut(Schema):
    id: int
    relationship_id: int
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    host_side: str
    site: MeetingSiteOut | None
    remote_link: str
    location_note: str
    facilitator: MeetingPersonOut | None
    description: str
    status: str
    minutes_status: str
    uid: str
    sequence: int
    version: int
    answers: dict[str, int] = Field(description="How many invitees accepted, declined or have not answered")
    attendees: list[InviteeOut] = Field(default=[], description="Only in a single meeting's answer")


class MeetingPage(Schema):
    count: int
    page: int
    pages: int
    items: list[MeetingOut]


class Filters(Schema):
    kind: KindName | None = None
    when: Literal["upcoming", "past"] | None = None
    status: StatusName | None = None
    page: Count = Field(default=1, ge=1)
    page_size: int = Field(default=50, ge=1, le=200)


class GuestIn(Schema):
    name: str = Field(default="", max_length=150)
    email: str = Field(max_length=254)

    @field_validator("email")
    @classmethod
    def _address(cls, value: str) -> str:
        try:
            validate_email(value)
        except ValidationError:
            raise ValueError("an e-mail address") from None
        return value


def _zone(value: str | None) -> str | None:
    if value is not None and value not in TIME_ZONES:
        raise ValueError("an IANA time zone such as Europe/Berlin")
    return value


class MeetingIn(Schema):
    kind: KindName
    title: str = Field(default="", max_length=200, description="Empty: the kind and the month")
    starts_at: datetime = Field(description="With an offset (or UTC)")
    ends_at: datetime
    time_zone: str = Field(default="UTC", max_length=64, description="The meeting's IANA time zone")
    host_side: SideName
    site_id: Id | None = None
    remote_link: str = Field(default="", max_length=500)
    location_note: str = Field(default="", max_length=200)
    facilitator_id: Id | None = None
    description: str = Field(default="", max_length=MAX_TEXT)
    invitee_ids: IdList = []
    guests: list[GuestIn] = Field(default=[], max_length=MAX_IDS)

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _bounded(cls, value: datetime) -> datetime:
        return _bounded_time(value)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str | None:
        return _zone(value)


class MeetingPatch(Schema):
    version: Version
    kind: KindName | None = None
    title: str | None = Field(default=None, min_length=1, max_length=200)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    time_zone: str | None = Field(default=None, max_length=64)
    host_side: SideName | None = None
    site_id: Id | None = None
    remote_link: str | None = Field(default=None, max_length=500)
    location_note: str | None = Field(default=None, max_length=200)
    facilitator_id: Id | None = None
    description: str | None = Field(default=None, max_length=MAX_TEXT)

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _bounded(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _bounded_time(value)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return _zone(value)


class CancelIn(Schema):
    version: Version
    reason: str = Field(default="", max_length=MAX_TEXT)


class InviteIn(Schema):
    user_ids: IdList = []
    guests: list[GuestIn] = Field(default=[], max_length=MAX_IDS)


class ApproachOut(Schema):
    approach: str
    label: str
    months: int
    last_meeting_id: int | None
    last_starts_at: datetime | None
    next_meeting_id: int | None
    next_starts_at: datetime | None
    due_by: str
    broken: bool
    reasons: list[str]


class CadenceOut(Schema):
    set_months: int
    quality_review_months: int
    program_review_months: int
    version: int
    approaches: list[ApproachOut]


class CadencePatch(Schema):
    version: Version
    set_months: int | None = Field(default=None, ge=1, le=36)
    quality_review_months: int | None = Field(default=None, ge=1, le=36)
    program_review_months: int | None = Field(default=None, ge=1, le=36)


class SiteRankOut(Schema):
    site_id: int
    name: str
    age_days: int | None = Field(description="Quantity-weighted age of the units in service there")
    units: int
    qualifies: bool = Field(description="Under one year")
    preferred: bool = Field(description="Three to six months")


class ProposalOut(Schema):
    kind: str
    host_side: str
    suggested_kind: str = Field(description="Quality reviews: the kind the alternation asks for")
    site_id: int | None
    reasons: list[str]
    warning: str
    sites: list[SiteRankOut]


def _bounded_time(value: datetime) -> datetime:
    if value.year < 2000 or value.year > 2200:
        raise ValueError("a date between the years 2000 and 2200")
    if timezone.is_naive(value):
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value


def _person(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "full_name": user.full_name, "email": user.email}


def _attendee(a: Attendee) -> dict[str, Any]:
    return {
        "id": a.pk,
        "user": _person(a.user),
        "name": a.display_name,
        "email": a.email if a.is_external else "",
        "side": a.side,
        "response": a.response,
        "responded_at": a.responded_at,
        "attended": a.attended,
    }


def _meeting(m: Meeting, attendees: list[Attendee] | None = None) -> dict[str, Any]:
    rel = m.relationship
    site = None
    if m.site is not None:
        side = cadence.location_side(site_party_id=m.site.party_id, host_side="", relationship=rel)
        site = {"id": m.site.pk, "name": m.site.name, "side": side}
    if attendees is not None:
        answers = {
            r: sum(1 for a in attendees if a.response == r) for r in ("accepted", "declined", "pending")
        }
    else:
        answers = {r: getattr(m, r, 0) for r in ("accepted", "declined", "pending")}
    return {
        "id": m.pk,
        "relationship_id": m.relationship_id,
        "kind": m.kind,
        "title": m.title,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "time_zone": m.time_zone,
        "host_side": m.host_side,
        "site": site,
        "remote_link": m.remote_link,
        "location_note": m.location_note,
        "facilitator": _person(m.facilitator),
        "description": m.description,
        "status": m.status,
        "minutes_status": m.minutes_status,
        "uid": str(m.uid),
        "sequence": m.sequence,
        "version": m.version,
        "answers": answers,
        "attendees": [_attendee(a) for a in attendees or []],
    }


def _detail(m: Meeting) -> dict[str, Any]:
    return _meeting(m, selectors.attendees(m))


@serializer("meetings.meeting")
def _meeting_current(m: Meeting) -> dict[str, Any]:
    current = Meeting.objects.select_related("relationship", "site", "facilitator").get(pk=m.pk)
    return _detail(current)


def _page(qs: Any, f: Filters) -> dict[str, Any]:
    qs = qs.select_related("facilitator").order_by("starts_at", "pk")
    paginator = Paginator(qs, f.page_size)
    current = paginator.get_page(f.page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "items": [_meeting(m) for m in current.object_list],
    }


def _filters(f: Filters) -> selectors.Filters:
    return selectors.Filters(kind=f.kind or "", when=f.when or "", status=f.status or "")


def _resolve(access: RelationshipAccess, values: dict[str, Any]) -> dict[str, Any]:
    """Ids in the payload → records of this relationship; unknown ones are field errors."""
    rel = access.relationship
    out = dict(values)
    if "site_id" in out:
        site_id = out.pop("site_id")
        site = (
            Site.objects.filter(pk=site_id, party_id__in=[rel.supplier_id, rel.customer_id]).first()
            if site_id
            else None
        )
        if site_id and site is None:
            raise ValidationError({"site_id": [_("No such site of either party.")]})
        out["site"] = site
    if "facilitator_id" in out:
        fid = out.pop("facilitator_id")
        person = User.objects.filter(pk=fid).first() if fid and fid in services.facilitators_of(rel) else None
        if fid and person is None:
            raise ValidationError({"facilitator_id": [_("No such facilitator of this relationship.")]})
        out["facilitator"] = person
    return out


def _invitees(access: RelationshipAccess, ids: list[int]) -> list[Any]:
    allowed = set(services.members_of(access.relationship)) | services.facilitators_of(access.relationship)
    if set(ids) - allowed:
        raise ValidationError(
            {"invitee_ids": [_("Some of these people are not members of this relationship.")]}
        )
    return list(User.objects.filter(pk__in=ids))


def _guests(guests: list[GuestIn]) -> list[services.ExternalGuest]:
    return [services.ExternalGuest(name=g.name, email=str(g.email)) for g in guests]


@router.get(MEETINGS, response=responses({200: MeetingPage}), summary="A relationship's meetings")
def list_meetings(request: AuthedRequest, rel_id: Id, filters: Query[Filters]) -> dict[str, Any]:
    _meetings, access = relationship_meetings(request.user, pk=rel_id)
    return _page(selectors.meetings_of(access, _filters(filters), timezone.now()), filters)


@router.get(
    "/meetings", response=responses({200: MeetingPage}), summary="The meetings of all your relationships"
)
def my_meetings(request: AuthedRequest, filters: Query[Filters]) -> dict[str, Any]:
    return _page(selectors.my_meetings(request.user, _filters(filters), timezone.now()), filters)


@router.get(
    MEETINGS + "/proposals",
    response=responses({200: ProposalOut}, admin=True),
    summary="What scheduling a meeting of a kind proposes (host, site)",
)
def proposals(request: AuthedRequest, rel_id: Id, kind: KindName) -> dict[str, Any]:
    access = relationship_for_user(request.user, pk=rel_id, write=True)
    if not rules.may_schedule(access):
        raise PermissionDenied(rules.REFUSALS["schedule"])
    p = cadence.proposals(access, kind, timezone.now())
    return {
        "kind": p.kind,
        "host_side": p.host_side,
        "suggested_kind": p.suggested_kind,
        "site_id": p.site_id,
        "reasons": list(p.reasons),
        "warning": p.warning,
        "sites": [
            {
                "site_id": s.site_id,
                "name": s.name,
                "age_days": s.age_days,
                "units": s.units,
                "qualifies": s.qualifies,
                "preferred": s.preferred,
            }
            for s in p.sites
        ],
    }


def _cadence(access: RelationshipAccess) -> dict[str, Any]:
    current = cadence.cadence_for(access.relationship)
    states = selectors.cadence_states([access], timezone.now()).get(access.relationship.pk, [])
    return {
        **{name: getattr(current, name) for name in cadence.MONTH_FIELDS.values()},
        "version": current.version,
        "approaches": [
            {
                "approach": s.approach,
                "label": s.label,
                "months": s.months,
                "last_meeting_id": s.last.id if s.last else None,
                "last_starts_at": s.last.starts_at if s.last else None,
                "next_meeting_id": s.next.id if s.next else None,
                "next_starts_at": s.next.starts_at if s.next else None,
                "due_by": s.due_by.isoformat(),
                "broken": s.broken,
                "reasons": list(s.reasons),
            }
            for s in states
        ],
    }


@router.get(
    MEETINGS + "/cadence",
    response=responses({200: CadenceOut}),
    summary="The cadence: months between meetings, and per approach the last and next meeting",
)
def get_cadence(request: AuthedRequest, rel_id: Id) -> dict[str, Any]:
    _meetings, access = relationship_meetings(request.user, pk=rel_id)
    return _cadence(access)


@serializer("meetings.cadence")
def _cadence_current(c: Any) -> dict[str, Any]:
    return {"version": c.version, **{name: getattr(c, name) for name in cadence.MONTH_FIELDS.values()}}


@router.patch(
    MEETINGS + "/cadence",
    response=responses({200: CadenceOut}, write=True, conflict=True),
    summary="Change the months between meetings",
)
def patch_cadence(request: AuthedRequest, rel_id: Id, payload: CadencePatch) -> dict[str, Any]:
    access = relationship_for_user(request.user, pk=rel_id, write=True)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    cadence.update_cadence(access=access, version=version, **values)
    return _cadence(access)


@router.post(MEETINGS, response=responses({201: MeetingOut}, write=True), summary="Schedule a meeting")
def create_meeting(request: AuthedRequest, rel_id: Id, payload: MeetingIn) -> Any:
    access = relationship_for_user(request.user, pk=rel_id, write=True)
    values = _resolve(access, payload.dict(exclude={"invitee_ids", "guests"}))
    if not values.get("title", "").strip():
        start = values["starts_at"].astimezone(ZoneInfo(values["time_zone"]))
        values["title"] = f"{Kind(values['kind']).label}, {start:%B %Y}"
    _check_length(values["starts_at"], values["ends_at"])
    if values.get("site") is None and not values.get("remote_link", "").strip():
        raise ValidationError({"site_id": [_("Choose a site of either party or give a remote link.")]})
    meeting = services.schedule(
        access=access,
        invitees=_invitees(access, payload.invitee_ids),
        guests=_guests(payload.guests),
        **values,
    )
    found, _access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting.pk)
    return 201, _detail(found)


def _check_length(starts: datetime | None, ends: datetime | None) -> None:
    if starts and ends and ends - starts > timedelta(days=14):
        raise ValidationError({"ends_at": [_("A meeting lasts at most two weeks.")]})


@router.get(
    ONE, response=responses({200: MeetingOut}), summary="One meeting, with its invitees and their answers"
)
def get_meeting(request: AuthedRequest, rel_id: Id, meeting_id: Id) -> dict[str, Any]:
    meeting, _access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    return _detail(meeting)


@router.patch(
    ONE, response=responses({200: MeetingOut}, write=True, conflict=True), summary="Change a meeting"
)
def patch_meeting(
    request: AuthedRequest, rel_id: Id, meeting_id: Id, payload: MeetingPatch
) -> dict[str, Any]:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    for name in ("kind", "title", "starts_at", "ends_at", "time_zone", "host_side"):
        if name in values and values[name] is None:
            values.pop(name)
    for name in ("remote_link", "location_note", "description"):
        if name in values and values[name] is None:
            values[name] = ""
    values = _resolve(access, values)
    _check_length(values.get("starts_at", meeting.starts_at), values.get("ends_at", meeting.ends_at))
    meeting = services.update(access=access, meeting=meeting, version=version, **values)
    return _detail(meeting)


@router.post(
    ONE + "/cancel",
    response=responses({200: MeetingOut}, write=True, conflict=True),
    summary="Cancel a meeting (its invitation becomes a cancellation)",
)
def cancel_meeting(request: AuthedRequest, rel_id: Id, meeting_id: Id, payload: CancelIn) -> dict[str, Any]:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    meeting = services.cancel(access=access, meeting=meeting, version=payload.version, reason=payload.reason)
    return _detail(meeting)


@router.post(
    ONE + "/attendees",
    response=responses({201: list[InviteeOut]}, write=True),
    summary="Invite members of either side, the facilitator, or external guests",
)
def invite(request: AuthedRequest, rel_id: Id, meeting_id: Id, payload: InviteIn) -> Any:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    if not rules.may_edit(access, meeting):
        raise PermissionDenied(rules.REFUSALS["schedule"])
    users = _invitees(access, payload.user_ids)
    added = services.invite(access=access, meeting=meeting, users=users, guests=_guests(payload.guests))
    return 201, [_attendee(a) for a in added]


@router.delete(
    ONE + "/attendees/{attendee_id}",
    response=responses({204: None}, write=True),
    summary="Uninvite someone",
)
def uninvite(request: AuthedRequest, rel_id: Id, meeting_id: Id, attendee_id: Id) -> Any:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    attendee = first_or_404(meeting.attendees.filter(pk=attendee_id).select_related("user"))
    services.uninvite(access=access, meeting=meeting, attendee=attendee)
    return 204, None
