"""Publishing a rendered draft: the one step both a supplier lead (``services``) and the worker's
automatic publishing (``rendering``) take. Here so that the worker's rendering needs no service that
queues it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accord.audit import services as audit
from accord.lib.errors import check_version
from accord.parties.access import RelationshipAccess
from accord.reports import emails, rules
from accord.reports.models import IssueStatus, RenderState, ReportIssue


def require(allowed: bool, refusal: str) -> None:
    if not allowed:
        raise PermissionDenied(rules.REFUSALS[refusal])


def locked_draft(issue: ReportIssue, version: int | None, refusal: str) -> ReportIssue:
    """The issue, locked for the change; a stale version is a Conflict, a published one refused."""
    locked = (
        ReportIssue.objects.select_for_update().select_related("definition", "relationship").get(pk=issue.pk)
    )
    if version is not None:
        check_version(locked, version)
    require(locked.status == IssueStatus.DRAFT, refusal)
    return locked


@transaction.atomic
def publish(
    *, access: RelationshipAccess | None, issue: ReportIssue, version: int | None = None
) -> ReportIssue:
    """Make a rendered draft the customer's to read and tell its recipients; its files are fixed from now
    (``access`` None: the schedule's automatic publishing)."""
    if access is not None:
        require(rules.may_manage(access), "manage")
    locked = locked_draft(issue, version, "publish")
    require(locked.render_state == RenderState.READY, "publish")
    locked.status = IssueStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = access.user if access is not None else None
    locked.version += 1
    locked.save()
    audit.record(
        actor=access.user if access is not None else None,
        verb="report_issue.published",
        obj=locked,
        relationship=locked.relationship,
        changes={"status": [IssueStatus.DRAFT, IssueStatus.PUBLISHED]},
    )
    transaction.on_commit(lambda: emails.published(locked))
    return locked
