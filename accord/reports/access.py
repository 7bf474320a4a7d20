"""The reports' doors, built on the tenancy core ``parties.access.relationship_for_user``.

Definitions are read by both sides' members; issues as ``ReportIssue.visible_to`` says (the customer
reads published ones only); a file only in an edition the viewer may read (``rules.editions_for``). A
facilitator or anyone else gets the same 404 as for a missing record. ``readers`` are both sides' views
of a relationship without a person: what an issue may contain is what both sides' members may read
(shared items, never one side's private ones), decided by the same ``visible_to`` methods.
"""

from __future__ import annotations

from typing import Any

from accord.parties.access import RelationshipAccess, first_or_404, relationship_for_user
from accord.parties.models import Relationship, Role, Side
from accord.reports import rules
from accord.reports.models import (
    DefinitionQuerySet,
    ReportDefinition,
    ReportFile,
    ReportIssue,
    ReportIssueQuerySet,
)


def relationship_definitions(
    user: Any, *, slug: str | None = None, pk: int | None = None
) -> tuple[DefinitionQuerySet, RelationshipAccess]:
    access = relationship_for_user(user, slug=slug, pk=pk)
    return ReportDefinition.objects.visible_to(access), access


def definition_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, number: int
) -> tuple[ReportDefinition, RelationshipAccess]:
    definitions, access = relationship_definitions(user, slug=slug, pk=pk)
    found = first_or_404(definitions.filter(number=number).select_related("relationship"))
    return found, access


def relationship_issues(
    user: Any, *, slug: str | None = None, pk: int | None = None
) -> tuple[ReportIssueQuerySet, RelationshipAccess]:
    access = relationship_for_user(user, slug=slug, pk=pk)
    return ReportIssue.objects.visible_to(access), access


def issue_for_user(
    user: Any,
    *,
    slug: str | None = None,
    pk: int | None = None,
    number: int,
    period: str,
    revision: int | None = None,
) -> tuple[ReportIssue, RelationshipAccess]:
    """An issue of definition ``number`` for ``period`` the viewer may read: the given revision, or the
    latest the viewer may read (a customer's: the latest published)."""
    issues, access = relationship_issues(user, slug=slug, pk=pk)
    found = issues.filter(definition__number=number, period=period).select_related(
        "definition", "relationship__supplier", "relationship__customer"
    )
    if revision is not None:
        found = found.filter(revision=revision)
    return first_or_404(found.order_by("-revision")), access


def file_for_user(
    user: Any,
    *,
    slug: str | None = None,
    pk: int | None = None,
    number: int,
    period: str,
    revision: int | None = None,
    fmt: str,
    edition: str = "customer",
) -> tuple[ReportFile, RelationshipAccess]:
    issue, access = issue_for_user(user, slug=slug, pk=pk, number=number, period=period, revision=revision)
    if edition not in rules.editions_for(access):
        first_or_404(ReportFile.objects.none())
    return first_or_404(issue.files.filter(format=fmt, edition=edition).select_related("issue")), access


def readers(relationship: Relationship) -> tuple[RelationshipAccess, RelationshipAccess]:
    """Each side's view of ``relationship`` without a person (supplier's, customer's). A report both
    sides read holds only what each of them may read: a record in both views (``snapshot``)."""
    return (
        RelationshipAccess(relationship, None, relationship.supplier, Side.SUPPLIER, Role.VIEWER),
        RelationshipAccess(relationship, None, relationship.customer, Side.CUSTOMER, Role.VIEWER),
    )
