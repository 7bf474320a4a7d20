"""Who may do what with expectations, assessments and gaps: each rule once, read by the services, the
forms, the pages, the API and the templates. Reading is the doors' business (``expectations.access``).

A lead of a side is an admin or editor of that side's party. The facilitator moderates: she reads all
of the team's expectations and drafts ratings at a meeting, but agrees nothing on either side's behalf.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.expectations.models import Expectation, Revision, RevisionState, Status
from accord.parties.access import RelationshipAccess

LEAD_ROLES = frozenset({"admin", "editor"})


def is_lead(access: RelationshipAccess) -> bool:
    return not access.is_guest and access.role in LEAD_ROLES


def may_propose(access: RelationshipAccess) -> bool:
    """A lead of either side proposes an expectation (of either side's)."""
    return is_lead(access)


def may_change(access: RelationshipAccess, expectation: Expectation) -> bool:
    """Propose new terms for an expectation that is not retired (agreed terms stay in force until the
    change is agreed)."""
    return is_lead(access) and expectation.status != Status.RETIRED


def may_agree(access: RelationshipAccess, revision: Revision | None, agreed_sides: set[str]) -> bool:
    """Agree the proposed terms for one's own side, once."""
    return (
        is_lead(access)
        and revision is not None
        and revision.state == RevisionState.PROPOSED
        and access.side not in agreed_sides
    )


def may_withdraw(access: RelationshipAccess, revision: Revision | None) -> bool:
    """Withdraw proposed terms (the agreed ones, if any, stay in force)."""
    return is_lead(access) and revision is not None and revision.state == RevisionState.PROPOSED


def may_retire(access: RelationshipAccess, expectation: Expectation) -> bool:
    """The holding side stops expecting it: a lead of that side, with a reason."""
    return is_lead(access) and expectation.status != Status.RETIRED and access.side == expectation.holder


def may_draft_rating(access: RelationshipAccess, expectation: Expectation) -> bool:
    """Draft a qualitative rating at a meeting: a lead of either side, or the facilitator."""
    if expectation.status != Status.AGREED:
        return False
    return is_lead(access) or (access.is_guest and access.role == "facilitator")


def may_confirm_rating(access: RelationshipAccess, expectation: Expectation) -> bool:
    """A rating counts once a lead of the holding side confirms it: they hold the expectation."""
    return is_lead(access) and expectation.status == Status.AGREED and access.side == expectation.holder


def may_plan(access: RelationshipAccess) -> bool:
    """Add action items to a gap's action plan, or choose the measure that tracks it: a lead of either
    side (the register's writers)."""
    return is_lead(access)


REFUSALS = {
    "propose": _("Only an editor or admin of either side may propose expectations."),
    "change": _("You may not change this expectation."),
    "agree": _("Only a lead of a side that has not agreed yet may agree these terms."),
    "withdraw": _("There are no proposed terms you may withdraw."),
    "retire": _("Only a lead of the side that holds this expectation may retire it."),
    "draft": _("You may not rate this expectation."),
    "confirm": _("Only a lead of the side that holds this expectation may confirm its rating."),
    "plan": _("Only an editor or admin of either side may plan actions for a gap."),
}
