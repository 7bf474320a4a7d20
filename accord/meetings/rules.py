"""Who may do what with meetings, topics and forecasts: each rule once, read by the services, the
forms, the pages, the API and the templates. Reading is the doors' business (``meetings.access``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.meetings.models import GUEST_KINDS, Meeting, MinutesStatus, Status
from accord.parties.access import RelationshipAccess
from accord.parties.models import Side

# A lead of a side approves minutes for it: an admin or editor of that side's party.
APPROVER_ROLES = frozenset({"admin", "editor"})


def may_schedule(access: RelationshipAccess) -> bool:
    """Either side's writers schedule, change and cancel meetings; a facilitator does not."""
    return not access.is_guest and access.can_write


def may_edit(access: RelationshipAccess, meeting: Meeting) -> bool:
    return may_schedule(access) and meeting.status != Status.CANCELLED


def may_minute(access: RelationshipAccess, meeting: Meeting) -> bool:
    """Record attendance, minutes and decisions, and circulate them: a writer of either side, or the
    facilitator of a shared expectations team meeting; never once the minutes are approved."""
    if meeting.status == Status.CANCELLED or meeting.minutes_status == MinutesStatus.APPROVED:
        return False
    if access.is_guest:
        return access.role == "facilitator" and meeting.kind in GUEST_KINDS
    return access.can_write


def may_approve(access: RelationshipAccess, meeting: Meeting) -> bool:
    """One lead of each side approves circulated minutes; a facilitator never does."""
    return (
        not access.is_guest
        and access.role in APPROVER_ROLES
        and meeting.minutes_status == MinutesStatus.CIRCULATED
    )


def may_correct(access: RelationshipAccess, meeting: Meeting) -> bool:
    """Open a new revision of approved minutes (with a reason): a lead of either side."""
    return not access.is_guest and access.role in APPROVER_ROLES and meeting.minutes_locked


def may_write_topics(access: RelationshipAccess) -> bool:
    return not access.is_guest and access.can_write


def may_enter_forecasts(access: RelationshipAccess) -> bool:
    """Forecasts of future requirements are the customer's to enter."""
    return not access.is_guest and access.can_write and access.side == Side.CUSTOMER


REFUSALS = {
    "schedule": _("Only an editor or admin of either side may schedule or change meetings."),
    "minute": _("You may not record minutes of this meeting."),
    "approve": _("Only a lead (editor or admin) of each side approves circulated minutes."),
    "forecast": _("Forecasts are entered by the customer's editors and admins."),
    "topics": _("Only an editor or admin of either side may change topics."),
}
