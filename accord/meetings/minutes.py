"""Attendance, minutes, decisions, action items made at the meeting, and the minutes' approval.

Every write asks ``meetings.rules`` (``may_minute``, ``may_approve``, ``may_correct``) and writes one
audit event. The minutes go draft → circulated → approved (by one lead of each side, ``Approval``
rows); any edit of circulated minutes sends them back to draft and clears that revision's approvals.
Approval freezes the revision (``MinutesRevision``: its snapshot and PDF, ``meetings.minutes_pdf``) and
locks the minutes; a correction opens the next revision with a reason.

A facilitator drafts and circulates her team's minutes but creates no action items: she has no write
access to the register (``may_add_items``).

``minutes_context(access, meeting)`` is what the meeting page shows, with
``meetings/minutes/_minutes.html``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.audit import services as audit
from accord.audit.versioned import versioned_update
from accord.lib.errors import Conflict
from accord.meetings import emails, minutes_pdf, rules, services
from accord.meetings.models import (
    AgendaItem,
    Approval,
    Attendee,
    Meeting,
    MinutesRevision,
    MinutesStatus,
    Outcome,
    Status,
)
from accord.parties.access import RelationshipAccess
from accord.parties.models import Side
from accord.register import services as register
from accord.register.models import ActionItem, SourceKind, Visibility

NO_ITEMS = gettext_lazy(
    "Action items are created by editors and admins of either side, not by the facilitator."
)
LABEL_MAX = ActionItem._meta.get_field("source_label").max_length or 300


def _require(allowed: bool, refusal: str) -> None:
    if not allowed:
        raise PermissionDenied(rules.REFUSALS[refusal])


def may_add_items(access: RelationshipAccess, meeting: Meeting) -> bool:
    """Create action items from the meeting's agenda items: whoever minutes it and writes the register
    (a facilitator drafts minutes only)."""
    return rules.may_minute(access, meeting) and not access.is_guest and access.can_write


def may_circulate(access: RelationshipAccess, meeting: Meeting) -> bool:
    return rules.may_minute(access, meeting) and meeting.minutes_status == MinutesStatus.DRAFT


def approved_by_my_side(access: RelationshipAccess, meeting: Meeting) -> bool:
    return Approval.objects.filter(
        meeting=meeting, revision=meeting.minutes_revision, side=access.side
    ).exists()


def meeting_url(meeting: Meeting, slug: str = "") -> str:
    """The meeting's page (``slug``: its relationship's, when the caller has it at hand)."""
    return reverse("meetings:detail", args=[slug or meeting.relationship.slug, meeting.pk])


def item_anchor(item: AgendaItem) -> str:
    return f"agenda-item-{item.pk}"


def _locked_meeting(meeting: Meeting) -> Meeting:
    """The meeting read again under a row lock: every change of its minutes is serialized on it."""
    locked = (
        Meeting.objects.select_for_update(of=("self",))  # PostgreSQL locks no outer-joined row (site)
        .select_related("relationship", "relationship__supplier", "relationship__customer", "site")
        .get(pk=meeting.pk)
    )
    locked.facilitator = meeting.facilitator
    return locked


def _edited(access: RelationshipAccess, meeting: Meeting) -> Meeting:
    """Before any change of the minutes: lock the meeting, check the rule; circulated minutes go back
    to draft and that revision's approvals are cleared."""
    locked = _locked_meeting(meeting)
    _require(rules.may_minute(access, locked), "minute")
    if locked.minutes_status == MinutesStatus.CIRCULATED:
        cleared = Approval.objects.filter(meeting=locked, revision=locked.minutes_revision)
        names = [str(a.user) for a in cleared.select_related("user")]
        cleared.delete()
        locked.minutes_status = MinutesStatus.DRAFT
        locked.save(update_fields=["minutes_status"])
        audit.record(
            actor=access.user,
            verb="meeting.minutes_reopened",
            obj=locked,
            relationship=access.relationship,
            changes={
                "minutes_status": [MinutesStatus.CIRCULATED, MinutesStatus.DRAFT],
                "approvals": [names, []],
            },
        )
    meeting.minutes_status = locked.minutes_status
    return locked


# --- attendance ------------------------------------------------------------------------------------


@transaction.atomic
def set_attendance(
    *, access: RelationshipAccess, meeting: Meeting, marks: dict[int, bool | None]
) -> list[Attendee]:
    """Mark who attended (True), who did not (False), and who is not known yet (None), by attendee id."""
    locked = _edited(access, meeting)
    attendees = {a.pk: a for a in locked.attendees.select_related("user")}
    unknown = set(marks) - set(attendees)
    if unknown:
        raise ValidationError({"attendance": _("Some of these people are not invited to this meeting.")})
    changed: dict[str, list[Any]] = {}
    for pk, attended in marks.items():
        attendee = attendees[pk]
        if attendee.attended != attended:
            changed[attendee.display_name] = [attendee.attended, attended]
            attendee.attended = attended
            attendee.save(update_fields=["attended"])
    if changed:
        audit.record(
            actor=access.user,
            verb="meeting.attendance",
            obj=locked,
            relationship=access.relationship,
            changes=changed,
        )
    return list(attendees.values())


@transaction.atomic
def add_walk_in(
    *,
    access: RelationshipAccess,
    meeting: Meeting,
    user: Any = None,
    guest: services.ExternalGuest | None = None,
) -> Attendee:
    """Someone who came without an invitation: a member of either side, the facilitator or an external
    guest, added as invited (the same rules as ``services.invite``) and marked present."""
    locked = _edited(access, meeting)
    if (user is None) == (guest is None):
        raise ValidationError({"person": _("Name one member, or an external guest's name and e-mail.")})
    added = services._invite(locked, [user] if user is not None else [], [guest] if guest else [])
    if not added:
        raise ValidationError({"person": _("That person is already invited.")})
    attendee = added[0]
    attendee.attended = True
    attendee.save(update_fields=["attended"])
    audit.record(
        actor=access.user,
        verb="meeting.walk_in",
        obj=locked,
        relationship=access.relationship,
        changes={"attended": [None, attendee.display_name]},
    )
    return attendee


# --- minutes and decisions -------------------------------------------------------------------------


@transaction.atomic
def write_minutes(*, access: RelationshipAccess, item: AgendaItem, version: int, minutes: str) -> AgendaItem:
    """The minutes of one agenda item (409 ``Conflict`` when someone saved them first)."""
    _edited(access, item.meeting)
    updated = versioned_update(
        item,
        version=version,
        fields=("minutes",),
        values={"minutes": minutes.strip()},
        actor=access.user,
        verb="meeting.minutes_written",
        relationship=access.relationship,
        label=f"{item.meeting.title}: {item.title}",
    )
    updated.obj.meeting = item.meeting
    return updated.obj


@transaction.atomic
def add_decision(*, access: RelationshipAccess, item: AgendaItem, text: str) -> Outcome:
    locked = _edited(access, item.meeting)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the decision.")})
    outcome = Outcome.objects.create(meeting=locked, agenda_item=item, text=text, recorded_by=access.user)
    audit.record(
        actor=access.user,
        verb="meeting.decision_added",
        obj=locked,
        relationship=access.relationship,
        changes={"decision": [None, text]},
    )
    return outcome


@transaction.atomic
def remove_decision(*, access: RelationshipAccess, meeting: Meeting, outcome: Outcome) -> None:
    locked = _edited(access, meeting)
    if outcome.meeting_id != locked.pk:
        raise ValidationError(_("That decision belongs to another meeting."))
    text = outcome.text
    outcome.delete()
    audit.record(
        actor=access.user,
        verb="meeting.decision_removed",
        obj=locked,
        relationship=access.relationship,
        changes={"decision": [text, None]},
    )


@transaction.atomic
def create_action_item(
    *,
    access: RelationshipAccess,
    item: AgendaItem,
    title: str,
    owner_side: str,
    owner: Any = None,
    due_date: date | None = None,
    visibility: str = Visibility.SHARED,
    description: str = "",
) -> ActionItem:
    """An action item created at the meeting: the register's own service (its rules validate owner,
    side and visibility) with this agenda item as its source."""
    meeting = item.meeting
    _require(rules.may_minute(access, meeting), "minute")
    if not may_add_items(access, meeting):
        raise PermissionDenied(NO_ITEMS)
    _edited(access, meeting)
    label = f"{meeting.title} · {item.title}"  # shown after its kind ("Meeting agenda item: …")
    return register.create_item(
        access=access,
        title=title,
        description=description,
        owner_side=owner_side,
        owner=owner,
        due_date=due_date,
        visibility=visibility,
        source_kind=SourceKind.MEETING,
        source=item,
        source_label=label[:LABEL_MAX],
        source_url=f"{meeting_url(meeting)}#{item_anchor(item)}",
    )


# --- the workflow: circulate, approve, correct -----------------------------------------------------


@transaction.atomic
def circulate(*, access: RelationshipAccess, meeting: Meeting) -> Meeting:
    """Draft minutes go out for approval (an e-mail to those invited, on commit)."""
    locked = _locked_meeting(meeting)
    _require(rules.may_minute(access, locked), "minute")
    if locked.minutes_status != MinutesStatus.DRAFT:
        raise ValidationError(_("These minutes are already circulated."))
    locked.minutes_status = MinutesStatus.CIRCULATED
    locked.save(update_fields=["minutes_status"])
    audit.record(
        actor=access.user,
        verb="meeting.minutes_circulated",
        obj=locked,
        relationship=access.relationship,
        changes={
            "minutes_status": [MinutesStatus.DRAFT, MinutesStatus.CIRCULATED],
            "revision": [None, locked.minutes_revision],
        },
    )
    transaction.on_commit(lambda: emails.minutes_circulated(locked.pk))
    return locked


@transaction.atomic
def approve(*, access: RelationshipAccess, meeting: Meeting, revision: int) -> Meeting:
    """A lead approves the circulated ``revision`` for their side; with both sides' approval the
    revision is frozen (snapshot and PDF), the minutes are locked and the meeting is held."""
    locked = _locked_meeting(meeting)
    _require(rules.may_approve(access, locked), "approve")
    if revision != locked.minutes_revision:
        raise Conflict(locked, _("These minutes are now at revision %(n)d.") % {"n": locked.minutes_revision})
    side = access.side
    if side not in (Side.SUPPLIER, Side.CUSTOMER):
        raise PermissionDenied(rules.REFUSALS["approve"])
    if Approval.objects.filter(meeting=locked, revision=revision, side=side).exists():
        raise ValidationError(_("Your side has already approved these minutes."))
    Approval.objects.create(meeting=locked, revision=revision, side=side, user=access.user)
    audit.record(
        actor=access.user,
        verb="meeting.minutes_approved_by",
        obj=locked,
        relationship=access.relationship,
        changes={"approved": [None, f"r{revision} {side}"]},
    )
    sides = set(Approval.objects.filter(meeting=locked, revision=revision).values_list("side", flat=True))
    if sides >= {Side.SUPPLIER, Side.CUSTOMER}:
        _freeze(access, locked)
    meeting.minutes_status = locked.minutes_status
    meeting.status = locked.status
    return locked


def _freeze(access: RelationshipAccess, meeting: Meeting) -> None:
    revision = meeting.minutes_revision
    now = timezone.now()
    before = meeting.status
    meeting.minutes_status = MinutesStatus.APPROVED
    if meeting.status == Status.SCHEDULED:
        meeting.status = Status.HELD
    meeting.save(update_fields=["minutes_status", "status"])
    doc = minutes_pdf.document(meeting, revision=revision)
    doc["status"] = MinutesStatus.APPROVED
    doc["approved_at"] = timezone.localtime(now, minutes_pdf._zone(meeting)).strftime("%Y-%m-%d %H:%M")
    name, sha = minutes_pdf.store_pdf(meeting, revision, minutes_pdf.render_pdf(doc, draft=False))
    MinutesRevision.objects.update_or_create(
        meeting=meeting,
        revision=revision,
        defaults={"snapshot": doc, "approved_at": now, "pdf": name, "pdf_sha256": sha},
    )
    audit.record(
        actor=access.user,
        verb="meeting.minutes_approved",
        obj=meeting,
        relationship=access.relationship,
        changes={
            "minutes_status": [MinutesStatus.CIRCULATED, MinutesStatus.APPROVED],
            "status": [before, meeting.status],
            "revision": [None, revision],
        },
    )
    transaction.on_commit(lambda: emails.minutes_approved(meeting.pk, revision))


@transaction.atomic
def correct(*, access: RelationshipAccess, meeting: Meeting, reason: str) -> Meeting:
    """Open the next revision of approved minutes, back to draft; the approved one stays readable
    with ``reason`` (why it was corrected)."""
    locked = _locked_meeting(meeting)
    _require(rules.may_correct(access, locked), "approve")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the approved minutes need a correction.")})
    old = locked.minutes_revision
    MinutesRevision.objects.filter(meeting=locked, revision=old).update(correction_reason=reason)
    locked.minutes_revision = old + 1
    locked.minutes_status = MinutesStatus.DRAFT
    locked.save(update_fields=["minutes_revision", "minutes_status"])
    audit.record(
        actor=access.user,
        verb="meeting.minutes_corrected",
        obj=locked,
        relationship=access.relationship,
        changes={"revision": [old, old + 1], "reason": [None, reason]},
    )
    meeting.minutes_status, meeting.minutes_revision = locked.minutes_status, locked.minutes_revision
    return locked


# --- what the pages show ---------------------------------------------------------------------------


@dataclass
class MinutesView:
    """The minutes' state for the meeting page and the run view: status, approvals, what the viewer
    may do, and the revisions."""

    meeting: Meeting
    status: str
    status_label: str
    revision: int
    approvals: dict[str, Approval]  # side → the approval of the current revision
    revisions: list[MinutesRevision]
    may_minute: bool
    may_circulate: bool
    may_approve: bool
    may_correct: bool
    may_add_items: bool
    my_side_approved: bool
    sides: list[tuple[str, str]] = field(default_factory=list)  # (side, label) still to approve

    @property
    def slug(self) -> str:
        return self.meeting.relationship.slug


def minutes_view(access: RelationshipAccess, meeting: Meeting) -> MinutesView:
    approvals = {
        a.side: a
        for a in Approval.objects.filter(meeting=meeting, revision=meeting.minutes_revision).select_related(
            "user"
        )
    }
    mine = access.side in approvals
    return MinutesView(
        meeting=meeting,
        status=meeting.minutes_status,
        status_label=meeting.get_minutes_status_display(),
        revision=meeting.minutes_revision,
        approvals=approvals,
        revisions=list(MinutesRevision.objects.filter(meeting=meeting).exclude(approved_at=None)),
        may_minute=rules.may_minute(access, meeting),
        may_circulate=may_circulate(access, meeting),
        may_approve=rules.may_approve(access, meeting) and not mine,
        may_correct=rules.may_correct(access, meeting),
        may_add_items=may_add_items(access, meeting),
        my_side_approved=mine,
        sides=[(s.value, str(s.label)) for s in (Side.SUPPLIER, Side.CUSTOMER) if s.value not in approvals],
    )


def minutes_context(access: RelationshipAccess, meeting: Meeting) -> dict[str, Any]:
    return {"minutes_status": meeting.get_minutes_status_display(), "minutes": minutes_view(access, meeting)}
