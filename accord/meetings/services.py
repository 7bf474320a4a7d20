"""Every write of a meeting itself: its agenda template, scheduling, changes, cancellation and who is
invited. Agendas (``meetings.agenda``), minutes (``meetings.minutes``), topics and forecasts
(``meetings.topics``) have their own service modules; all of them ask ``meetings.rules``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accord.audit import services as audit
from accord.audit.versioned import versioned_update
from accord.meetings import agendas, emails, rules
from accord.meetings.models import (
    AgendaItem,
    AgendaTemplate,
    Attendee,
    Kind,
    Meeting,
    Status,
    TemplateItem,
)
from accord.parties.access import RelationshipAccess
from accord.parties.models import Guest, Membership, Relationship, Side, Site

# The fields whose change the attendees' calendars must follow (the invitation's SEQUENCE goes up).
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "time_zone", "site", "remote_link", "location_note")
EDITABLE = (*CALENDAR_FIELDS, "kind", "host_side", "facilitator", "description")


@dataclass(frozen=True)
class ExternalGuest:
    """An external guest: a name and an e-mail address, no account."""

    name: str
    email: str


def _require(allowed: bool, refusal: str) -> None:
    if not allowed:
        raise PermissionDenied(rules.REFUSALS[refusal])


# --- agenda templates ------------------------------------------------------------------------------


def template_for(relationship: Relationship, kind: str) -> AgendaTemplate:
    """The relationship's agenda template of ``kind``, made from the guidance's default the first
    time it is needed (``meetings.agendas``), in the relationship's language."""
    template, created = AgendaTemplate.objects.get_or_create(relationship=relationship, kind=kind)
    if created:
        with translation.override(relationship.language):
            _fill_template(template, kind)
    return template


def _fill_template(template: AgendaTemplate, kind: str) -> None:
    TemplateItem.objects.bulk_create(
        TemplateItem(template=template, position=i, title=str(d.title), binding=d.binding, minutes=d.minutes)
        for i, d in enumerate(agendas.DEFAULTS[Kind(kind)], start=1)
    )


# --- who may be invited ----------------------------------------------------------------------------


def members_of(relationship: Relationship) -> dict[int, str]:
    """user id → side, for the active members of both parties (a person of both sides: the supplier)."""
    found: dict[int, str] = {}
    for user_id, party_id in Membership.objects.filter(
        party_id__in=[relationship.customer_id, relationship.supplier_id], is_active=True
    ).values_list("user_id", "party_id"):
        side = relationship.side_of(party_id)
        if side is not None and found.get(user_id) != Side.SUPPLIER:
            found[user_id] = side
    return found


def facilitators_of(relationship: Relationship) -> set[int]:
    return set(
        Guest.objects.filter(relationship=relationship, is_active=True, role="facilitator").values_list(
            "user_id", flat=True
        )
    )


def _validate(meeting: Meeting) -> None:
    relationship = meeting.relationship
    errors: dict[str, str] = {}
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    parties = (relationship.supplier_id, relationship.customer_id)
    if meeting.site_id is not None and (meeting.site is None or meeting.site.party_id not in parties):
        errors["site"] = _("Choose a site of either party of this relationship.")
    if meeting.facilitator_id is not None and meeting.facilitator_id not in facilitators_of(relationship):
        errors["facilitator"] = _("The facilitator must be a facilitator (guest) of this relationship.")
    site = meeting.site if meeting.site_id is not None else None
    if meeting.kind == Kind.SITE_VISIT and site is not None and site.party_id != relationship.customer_id:
        errors["site"] = _("A customer site visit takes place at one of the customer's sites.")
    if errors:
        raise ValidationError(errors)


def _invite(meeting: Meeting, users: Iterable[Any], guests: Iterable[ExternalGuest]) -> list[Attendee]:
    """Attendee rows for people not invited yet: members of either side or the relationship's
    facilitator (anyone else is refused), and external guests by e-mail."""
    relationship = meeting.relationship
    sides = members_of(relationship)
    facilitators = facilitators_of(relationship)
    present = set(meeting.attendees.filter(user__isnull=False).values_list("user_id", flat=True))
    present_emails = {
        e.lower() for e in meeting.attendees.filter(user__isnull=True).values_list("email", flat=True)
    }
    new: list[Attendee] = []
    for user in users:
        if user.pk in present:
            continue
        if user.pk not in sides and user.pk not in facilitators:
            raise ValidationError(
                {"invitees": _("%(name)s is not a member of this relationship.") % {"name": user}}
            )
        new.append(Attendee(meeting=meeting, user=user, side=sides.get(user.pk, "")))
        present.add(user.pk)
    for guest in guests:
        email = guest.email.strip().lower()
        if not email or email in present_emails:
            continue
        new.append(Attendee(meeting=meeting, name=guest.name.strip()[:150], email=email))
        present_emails.add(email)
    for attendee in new:
        attendee.full_clean(exclude=["meeting", "user"])
    return Attendee.objects.bulk_create(new)


@transaction.atomic
def schedule(
    *,
    access: RelationshipAccess,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    host_side: str,
    site: Site | None = None,
    remote_link: str = "",
    location_note: str = "",
    facilitator: Any = None,
    description: str = "",
    invitees: Sequence[Any] = (),
    guests: Sequence[ExternalGuest] = (),
) -> Meeting:
    """A new meeting with the agenda of its kind's template; the scheduler and the facilitator are
    invited with ``invitees`` and ``guests``."""
    _require(rules.may_schedule(access), "schedule")
    meeting = Meeting(
        relationship=access.relationship,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        host_side=host_side,
        site=site,
        remote_link=remote_link.strip(),
        location_note=location_note.strip(),
        facilitator=facilitator,
        description=description,
        created_by=access.user,
    )
    _validate(meeting)
    meeting.full_clean()
    meeting.save()
    template = template_for(access.relationship, kind)
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting, position=t.position, title=t.title, binding=t.binding, minutes_allotted=t.minutes
        )
        for t in template.items.all()
    )
    people = [access.user, *invitees]
    if facilitator is not None:
        people.append(facilitator)
    _invite(meeting, people, guests)
    audit.record(actor=access.user, verb="meeting.scheduled", obj=meeting, relationship=access.relationship)
    emails.scheduled(meeting.pk)  # after the commit: the invitations (METHOD:REQUEST)
    return meeting


@transaction.atomic
def update(*, access: RelationshipAccess, meeting: Meeting, version: int, **values: Any) -> Meeting:
    """Change a scheduled meeting; a change that calendars must follow bumps its SEQUENCE."""
    _require(rules.may_edit(access, meeting), "schedule")
    for name in ("title", "remote_link", "location_note"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()

    sequence = meeting.sequence

    def before_save(obj: Meeting, changes: dict[str, list[Any]]) -> None:
        if set(changes) & set(CALENDAR_FIELDS):
            obj.sequence += 1
        obj.updated_at = timezone.now()

    updated = versioned_update(
        meeting,
        version=version,
        fields=EDITABLE,
        values=values,
        actor=access.user,
        verb="meeting.changed",
        relationship=access.relationship,
        validate=_validate,
        before_save=before_save,
    )
    if updated.obj.sequence > sequence:
        emails.changed(updated.obj.pk)  # after the commit: the updated invitations (SEQUENCE bumped)
    return updated.obj


@transaction.atomic
def cancel(*, access: RelationshipAccess, meeting: Meeting, version: int, reason: str = "") -> Meeting:
    """Cancel a scheduled meeting (its invitation becomes METHOD:CANCEL with the same UID)."""
    _require(rules.may_edit(access, meeting), "schedule")
    if meeting.status != Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be cancelled."))

    def before_save(obj: Meeting, changes: dict[str, list[Any]]) -> None:
        obj.sequence += 1
        obj.updated_at = timezone.now()

    updated = versioned_update(
        meeting,
        version=version,
        fields=("status",),
        values={"status": Status.CANCELLED},
        actor=access.user,
        verb="meeting.cancelled",
        relationship=access.relationship,
        before_save=before_save,
    )
    if reason.strip():
        audit.record(
            actor=access.user,
            verb="meeting.cancelled.reason",
            obj=updated.obj,
            relationship=access.relationship,
            changes={"reason": [None, reason.strip()]},
        )
    emails.cancelled(updated.obj.pk)  # after the commit: METHOD:CANCEL, the same UID
    return updated.obj


@transaction.atomic
def invite(
    *,
    access: RelationshipAccess,
    meeting: Meeting,
    users: Sequence[Any] = (),
    guests: Sequence[ExternalGuest] = (),
) -> list[Attendee]:
    """Invite more people to a scheduled meeting."""
    _require(rules.may_edit(access, meeting), "schedule")
    added = _invite(meeting, users, guests)
    if added:
        audit.record(
            actor=access.user,
            verb="meeting.invited",
            obj=meeting,
            relationship=access.relationship,
            changes={"invited": [None, [a.display_name for a in added]]},
        )
        emails.invited(meeting.pk, [a.pk for a in added])  # after the commit: their invitations
    return added


@transaction.atomic
def uninvite(*, access: RelationshipAccess, meeting: Meeting, attendee: Attendee) -> None:
    _require(rules.may_edit(access, meeting), "schedule")
    if attendee.meeting_id != meeting.pk:
        raise ValidationError(_("That person is not invited to this meeting."))
    name = attendee.display_name
    emails.uninvited(attendee)  # their calendar's copy is cancelled (composed before the row goes)
    attendee.delete()
    audit.record(
        actor=access.user,
        verb="meeting.uninvited",
        obj=meeting,
        relationship=access.relationship,
        changes={"invited": [name, None]},
    )
