"""Who may do what with site-visit feedback: each rule once, read by the services, forms, pages, API and
templates. Reading is the doors' business (``feedback.access``).

The site visit is the supplier's way of hearing its customer: a supplier lead (admin or editor) edits
the areas, prepares, opens and closes a survey, flags comments and triages every proposal into the
register. A lead of either side invites people (the customer knows who among its functions works with
the equipment). Members of both sides read the results; the comparison with all customers is for the
supplier's own people only. An anonymous survey hides who said what from the supplier side.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.feedback.models import Survey, SurveyStatus
from accord.parties.access import RelationshipAccess
from accord.parties.models import Side

LEAD_ROLES = frozenset({"admin", "editor"})


def is_lead(access: RelationshipAccess) -> bool:
    return not access.is_guest and access.role in LEAD_ROLES


def is_supplier_lead(access: RelationshipAccess) -> bool:
    return is_lead(access) and access.side == Side.SUPPLIER


def may_manage(access: RelationshipAccess) -> bool:
    """Edit the areas; prepare, change, open and close surveys: a supplier lead."""
    return is_supplier_lead(access)


def may_change(access: RelationshipAccess, survey: Survey) -> bool:
    return may_manage(access) and survey.status != SurveyStatus.CLOSED


def may_open(access: RelationshipAccess, survey: Survey) -> bool:
    return may_manage(access) and survey.status == SurveyStatus.DRAFT


def may_close(access: RelationshipAccess, survey: Survey) -> bool:
    return may_manage(access) and survey.status == SurveyStatus.OPEN


def may_invite(access: RelationshipAccess, survey: Survey) -> bool:
    """Invite respondents while the survey is not closed: a lead of either side."""
    return is_lead(access) and survey.status != SurveyStatus.CLOSED


def may_triage(access: RelationshipAccess) -> bool:
    """Flag comments and decide proposals: a supplier lead (the register's items are the supplier's
    answer to the feedback)."""
    return is_supplier_lead(access)


def shows_names(access: RelationshipAccess, survey: Survey) -> bool:
    """Whether the viewer sees who gave each response: always, but on the supplier side of an anonymous
    survey (there only the function shows)."""
    return not survey.anonymous or access.side != Side.SUPPLIER


def may_compare_all(access: RelationshipAccess) -> bool:
    """The comparison with all of a supplier's customers is for the supplier's own people."""
    return not access.is_guest and access.side == Side.SUPPLIER


REFUSALS = {
    "manage": _("Only an editor or admin of the supplier may prepare, open or close surveys."),
    "invite": _(
        "Only an editor or admin of either side may invite people, and only before the survey closes."
    ),
    "triage": _("Only an editor or admin of the supplier may triage feedback."),
}
