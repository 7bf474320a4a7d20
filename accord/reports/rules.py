"""Who may do what with reports: each rule once, read by the services, forms, pages, API and templates.
Reading is the doors' business (``reports.access``).

The reports are the supplier's to its customer (approach C): a supplier lead (admin or editor) defines
them, generates an issue, writes its commentary, publishes it and corrects it by a new revision. Both
sides' members read the definitions and the published issues; drafts and the internal edition (with the
licensed benchmark values) are the supplier's own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.parties.access import RelationshipAccess
from accord.parties.models import Side
from accord.reports.models import Edition, IssueStatus, RenderState, ReportIssue

LEAD_ROLES = frozenset({"admin", "editor"})


def is_supplier(access: RelationshipAccess) -> bool:
    return not access.is_guest and access.side == Side.SUPPLIER


def may_manage(access: RelationshipAccess) -> bool:
    """Define reports, generate and correct issues, write commentary and publish: a supplier lead."""
    return is_supplier(access) and access.role in LEAD_ROLES


def may_comment(access: RelationshipAccess, issue: ReportIssue) -> bool:
    return may_manage(access) and issue.status == IssueStatus.DRAFT


def may_publish(access: RelationshipAccess, issue: ReportIssue) -> bool:
    return may_comment(access, issue) and issue.render_state == RenderState.READY


def may_revise(access: RelationshipAccess, issue: ReportIssue) -> bool:
    """A correction starts from a published issue (a draft is simply changed)."""
    return may_manage(access) and issue.status == IssueStatus.PUBLISHED


def editions_for(access: RelationshipAccess) -> tuple[str, ...]:
    """The editions the viewer may read: the supplier's people both, the customer's the customer's."""
    if is_supplier(access):
        return (Edition.CUSTOMER, Edition.INTERNAL)
    return (Edition.CUSTOMER,)


REFUSALS = {
    "manage": _("Only an editor or admin of the supplier may define, generate or correct reports."),
    "comment": _("Commentary is written while the issue is a draft; a published issue never changes."),
    "publish": _("Only a draft whose files are rendered may be published."),
    "revise": _("Only a published issue is corrected by a new revision."),
    "retry": _("Only a draft's files are rendered again; a published issue never changes."),
}
