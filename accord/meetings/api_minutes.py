"""API operations of the minutes (added to ``meetings.api``'s router): attendance, minutes per agenda
item, decisions, action items made at the meeting, the minutes' workflow (circulate, approve, correct)
and the approved revisions with their PDFs. The same doors, rules and services as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from accord.accounts.models import User
from accord.accounts.types import AuthedRequest
from accord.lib.api import MAX_IDS, MAX_TEXT, Count, Id, Version, responses
from accord.meetings import minutes, minutes_pdf, services
from accord.meetings.access import agenda_item_for_user, meeting_for_user
from accord.meetings.models import AgendaItem, Attendee, Meeting, MinutesRevision, Outcome
from accord.parties.access import RelationshipAccess, first_or_404
from accord.register import owners
from accord.register.models import ActionItem, OwnerSide, Visibility

router = Router(tags=["meetings"])
MEETING = "/relationships/{rel_id}/meetings/{meeting_id}"
PDF = {
    "description": "The minutes as PDF.",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


class AttendanceOut(Schema):
    id: int
    name: str
    side: str = Field(description="supplier, customer, or '' (the facilitator or an external guest)")
    external: bool
    response: str
    attended: bool | None = Field(description="null: not recorded yet")


class Mark(Schema):
    attendee_id: Id
    attended: bool | None


class AttendanceIn(Schema):
    marks: list[Mark] = Field(max_length=MAX_IDS)


class WalkInIn(Schema):
    user_id: Id | None = Field(default=None, description="A member of either side, or the facilitator")
    name: str = Field(default="", max_length=150, description="An external guest's name (with email)")
    email: str = Field(default="", max_length=254)


class DecisionOut(Schema):
    id: int
    text: str
    recorded_at: datetime


class ItemMinutesOut(Schema):
    id: int
    position: int
    title: str
    minutes: str
    version: int
    decisions: list[DecisionOut]


class ApprovalOut(Schema):
    side: str
    user: str
    at: datetime


class MinutesOut(Schema):
    status: str = Field(description="draft, circulated or approved")
    revision: int
    approvals: list[ApprovalOut] = Field(description="Of the current revision")
    items: list[ItemMinutesOut]
    allowed: list[str] = Field(
        description="What you may do now: minute, add_items, circulate, approve, correct"
    )


class MinutesIn(Schema):
    minutes: str = Field(max_length=MAX_TEXT)
    version: Version


class MinutesDecisionIn(Schema):
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class ActionItemIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=MAX_TEXT)
    owner_side: OwnerSide
    owner_id: Id | None = None
    due_date: date | None = None
    visibility: Visibility = Visibility.SHARED


class MinutesSourceOut(Schema):
    kind: str
    label: str
    url: str


class ActionItemOut(Schema):
    number: str
    reference: str
    title: str
    owner_side: str
    due_date: date | None
    visibility: str
    source: MinutesSourceOut


class ApproveIn(Schema):
    revision: Count = Field(description="The circulated revision you read; another one gives 409")


class CorrectIn(Schema):
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


class RevisionOut(Schema):
    revision: int
    approved_at: datetime | None
    correction_reason: str
    pdf_sha256: str


class RevisionDetail(RevisionOut):
    snapshot: dict[str, Any] = Field(
        description="The minutes as approved: meeting, attendance, items (minutes, decisions), new_items, "
        "updated_items, approvals, corrections"
    )


def _attendee(a: Attendee) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.display_name,
        "side": a.side,
        "external": a.is_external,
        "response": a.response,
        "attended": a.attended,
    }


def _minutes(meeting: Meeting, access: RelationshipAccess) -> dict[str, Any]:
    view = minutes.minutes_view(access, meeting)
    allowed = [
        name
        for name, ok in (
            ("minute", view.may_minute),
            ("add_items", view.may_add_items),
            ("circulate", view.may_circulate),
            ("approve", view.may_approve),
            ("correct", view.may_correct),
        )
        if ok
    ]
    items = meeting.agenda_items.prefetch_related("outcomes")
    return {
        "status": meeting.minutes_status,
        "revision": meeting.minutes_revision,
        "approvals": [
            {"side": a.side, "user": a.user.full_name or a.user.email, "at": a.at}
            for a in view.approvals.values()
        ],
        "items": [_item(a) for a in items],
        "allowed": allowed,
    }


def _item(a: AgendaItem) -> dict[str, Any]:
    return {
        "id": a.pk,
        "position": a.position,
        "title": a.title,
        "minutes": a.minutes,
        "version": a.version,
        "decisions": [{"id": o.pk, "text": o.text, "recorded_at": o.recorded_at} for o in a.outcomes.all()],
    }


def _fresh(meeting: Meeting) -> Meeting:
    found = Meeting.objects.select_related("relationship", "facilitator").get(pk=meeting.pk)
    return found


@router.get(
    MEETING + "/attendance",
    response=responses({200: list[AttendanceOut]}),
    summary="Who was invited and who came",
)
def list_attendance(request: AuthedRequest, rel_id: Id, meeting_id: Id) -> list[dict[str, Any]]:
    meeting, _access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    return [_attendee(a) for a in meeting.attendees.select_related("user")]


@router.put(
    MEETING + "/attendance",
    response=responses({200: list[AttendanceOut]}, write=True),
    summary="Mark who attended (true), who did not (false), not recorded (null)",
)
def set_attendance(
    request: AuthedRequest, rel_id: Id, meeting_id: Id, payload: AttendanceIn
) -> list[dict[str, Any]]:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    marks = {m.attendee_id: m.attended for m in payload.marks}
    minutes.set_attendance(access=access, meeting=meeting, marks=marks)
    return [_attendee(a) for a in meeting.attendees.select_related("user")]


@router.post(
    MEETING + "/attendance",
    response=responses({201: AttendanceOut}, write=True),
    summary="Add someone who came without an invitation (marked present)",
)
def add_walk_in(request: AuthedRequest, rel_id: Id, meeting_id: Id, payload: WalkInIn) -> Any:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    if payload.user_id is not None:
        user = User.objects.filter(pk=payload.user_id).first()
        if user is None:
            raise ValidationError({"user_id": [_("Not a member of this relationship.")]})
        attendee = minutes.add_walk_in(access=access, meeting=meeting, user=user)
    elif payload.email.strip():
        guest = services.ExternalGuest(name=payload.name, email=payload.email)
        attendee = minutes.add_walk_in(access=access, meeting=meeting, guest=guest)
    else:
        raise ValidationError({"user_id": [_("Name a member, or an external guest's name and e-mail.")]})
    return 201, _attendee(attendee)


@router.get(MEETING + "/minutes", response=responses({200: MinutesOut}), summary="The minutes as they stand")
def get_minutes(request: AuthedRequest, rel_id: Id, meeting_id: Id) -> dict[str, Any]:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    return _minutes(meeting, access)


@router.put(
    MEETING + "/agenda-items/{item_id}/minutes",
    response=responses({200: ItemMinutesOut}, write=True, conflict=True),
    summary="Write the minutes of an agenda item",
)
def put_item_minutes(
    request: AuthedRequest, rel_id: Id, meeting_id: Id, item_id: Id, payload: MinutesIn
) -> dict[str, Any]:
    item, access = agenda_item_for_user(request.user, pk=rel_id, meeting_id=meeting_id, item_id=item_id)
    item = minutes.write_minutes(access=access, item=item, version=payload.version, minutes=payload.minutes)
    return _item(item)


@router.post(
    MEETING + "/agenda-items/{item_id}/decisions",
    response=responses({201: DecisionOut}, write=True),
    summary="Record a decision under an agenda item",
)
def add_decision(
    request: AuthedRequest, rel_id: Id, meeting_id: Id, item_id: Id, payload: MinutesDecisionIn
) -> Any:
    item, access = agenda_item_for_user(request.user, pk=rel_id, meeting_id=meeting_id, item_id=item_id)
    outcome = minutes.add_decision(access=access, item=item, text=payload.text)
    return 201, {"id": outcome.pk, "text": outcome.text, "recorded_at": outcome.recorded_at}


@router.delete(
    MEETING + "/decisions/{decision_id}",
    response=responses({204: None}, write=True),
    summary="Remove a decision",
)
def remove_decision(request: AuthedRequest, rel_id: Id, meeting_id: Id, decision_id: Id) -> tuple[int, None]:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    outcome = first_or_404(Outcome.objects.filter(meeting=meeting, pk=decision_id))
    minutes.remove_decision(access=access, meeting=meeting, outcome=outcome)
    return 204, None


@router.post(
    MEETING + "/agenda-items/{item_id}/action-items",
    response=responses({201: ActionItemOut}, write=True),
    summary="Create an action item from an agenda item (its source); not by the facilitator",
)
def create_action_item(
    request: AuthedRequest, rel_id: Id, meeting_id: Id, item_id: Id, payload: ActionItemIn
) -> Any:
    item, access = agenda_item_for_user(request.user, pk=rel_id, meeting_id=meeting_id, item_id=item_id)
    owner = None
    if payload.owner_id is not None:
        probe = ActionItem(relationship=access.relationship, owner_side=payload.owner_side)
        owner = owners.possible_owners(probe, payload.owner_side).filter(pk=payload.owner_id).first()
        if owner is None:
            raise ValidationError({"owner_id": [_("Not someone who may own an item of that side.")]})
    made = minutes.create_action_item(
        access=access,
        item=item,
        title=payload.title,
        description=payload.description,
        owner_side=payload.owner_side,
        owner=owner,
        due_date=payload.due_date,
        visibility=payload.visibility,
    )
    return 201, {
        "number": made.key,
        "reference": made.reference,
        "title": made.title,
        "owner_side": made.owner_side,
        "due_date": made.due_date,
        "visibility": made.visibility,
        "source": {"kind": made.source_kind, "label": made.source_label, "url": made.source_url},
    }


@router.post(
    MEETING + "/minutes/circulate",
    response=responses({200: MinutesOut}, write=True),
    summary="Circulate draft minutes for approval",
)
def circulate(request: AuthedRequest, rel_id: Id, meeting_id: Id) -> dict[str, Any]:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    minutes.circulate(access=access, meeting=meeting)
    return _minutes(_fresh(meeting), access)


@router.post(
    MEETING + "/minutes/approve",
    response=responses({200: MinutesOut}, write=True, conflict=True),
    summary="Approve the circulated minutes for your side (a lead: editor or admin)",
)
def approve(request: AuthedRequest, rel_id: Id, meeting_id: Id, payload: ApproveIn) -> dict[str, Any]:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    minutes.approve(access=access, meeting=meeting, revision=payload.revision)
    return _minutes(_fresh(meeting), access)


@router.post(
    MEETING + "/minutes/correct",
    response=responses({200: MinutesOut}, write=True),
    summary="Open a new revision of approved minutes, with the reason",
)
def correct(request: AuthedRequest, rel_id: Id, meeting_id: Id, payload: CorrectIn) -> dict[str, Any]:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    minutes.correct(access=access, meeting=meeting, reason=payload.reason)
    return _minutes(_fresh(meeting), access)


def _revisions(meeting: Meeting) -> Any:
    return MinutesRevision.objects.filter(meeting=meeting).exclude(approved_at=None)


def _revision(r: MinutesRevision, *, snapshot: bool = False) -> dict[str, Any]:
    out = {
        "revision": r.revision,
        "approved_at": r.approved_at,
        "correction_reason": r.correction_reason,
        "pdf_sha256": r.pdf_sha256,
    }
    if snapshot:
        out["snapshot"] = r.snapshot
    return out


@router.get(
    MEETING + "/minutes/revisions",
    response=responses({200: list[RevisionOut]}),
    summary="The approved revisions of the minutes",
)
def list_revisions(request: AuthedRequest, rel_id: Id, meeting_id: Id) -> list[dict[str, Any]]:
    meeting, _access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    return [_revision(r) for r in _revisions(meeting)]


def _one(request: AuthedRequest, rel_id: int, meeting_id: int, revision: int) -> MinutesRevision:
    meeting, _access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    found = _revisions(meeting).filter(revision=revision).first()
    if found is None:
        raise Http404
    return found


@router.get(
    MEETING + "/minutes/revisions/{revision}",
    response=responses({200: RevisionDetail}),
    summary="One approved revision, as frozen",
)
def get_revision(request: AuthedRequest, rel_id: Id, meeting_id: Id, revision: Count) -> dict[str, Any]:
    return _revision(_one(request, rel_id, meeting_id, revision), snapshot=True)


@router.get(
    MEETING + "/minutes/revisions/{revision}/pdf",
    response=responses({200: None}),
    openapi_extra={"responses": {200: PDF}},
    summary="One approved revision's PDF, as stored",
)
def revision_pdf(request: AuthedRequest, rel_id: Id, meeting_id: Id, revision: Count) -> HttpResponse:
    found = _one(request, rel_id, meeting_id, revision)
    response = HttpResponse(minutes_pdf.revision_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting_id}-r{revision}.pdf"'
    return response
