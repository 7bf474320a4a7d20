"""What reports add outside their own pages: the Reports tab (members of both sides; a facilitator sees
no reports), the overview's section, the home page's facts, and the audit trail's rule (the events of a
draft issue are the supplier's, like the draft itself)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accord.lib import auditing, nav, overview, summary
from accord.reports import periods, rules
from accord.reports.models import IssueStatus, RenderState, ReportDefinition, ReportIssue

NEW_DAYS = 14  # the home page tells the customer's members of an issue published this recently

REPORT_PAGES = (
    "reports:new",
    "reports:definition",
    "reports:edit",
    "reports:issue",
    "reports:commentary",
    "reports:revise",
)
nav.tab(48, "reports:list", gettext_lazy("Reports"), *REPORT_PAGES)


def _hidden_issues(access: Any) -> QuerySet[Any]:
    """The ids (text, as audit events name them) of the relationship's issues the viewer may not read:
    drafts, for the customer's people."""
    visible = ReportIssue.objects.visible_to(access).values("pk")
    return (
        ReportIssue.objects.filter(relationship=access.relationship)
        .exclude(pk__in=visible)
        .annotate(text_id=Cast("pk", CharField()))
        .values("text_id")
    )


auditing.rule("reports.reportissue", hidden=_hidden_issues)


@overview.section(24, "reports/_overview.html")
def reports_overview(access: Any) -> dict[str, Any]:
    """The latest issue the viewer reads (a customer's: the latest published) and, for the supplier's
    leads, the drafts waiting to be published and the renders that failed."""
    issues = ReportIssue.objects.visible_to(access)
    latest = (
        issues.select_related("definition", "relationship")
        .order_by("-published_at", "-created_at")
        .filter(status=IssueStatus.PUBLISHED)
        .first()
    )
    drafts = failed = 0
    if rules.may_manage(access):
        counts = issues.filter(status=IssueStatus.DRAFT).aggregate(
            drafts=Count("pk"), failed=Count("pk", filter=Q(render_state=RenderState.FAILED))
        )
        drafts, failed = counts["drafts"], counts["failed"]
    return {
        "rel": access.relationship,
        "latest": latest,
        "latest_label": periods.label(latest.period) if latest is not None else "",
        "definitions": ReportDefinition.objects.visible_to(access).count(),
        "drafts": drafts,
        "failed": failed,
    }


@summary.provider(26)
def reports_facts(accesses: Sequence[Any]) -> dict[int, list[summary.Fact]]:
    """Per relationship: for the customer's members, a report published in the last ``NEW_DAYS`` days;
    for the supplier's leads, drafts waiting to be published and renders that failed. Two queries for
    the whole batch."""
    members = [a for a in accesses if not a.is_guest]
    out: dict[int, list[summary.Fact]] = {}
    readers = [a for a in members if not rules.is_supplier(a)]
    slugs = {a.relationship.pk: a.relationship.slug for a in members}
    if readers:
        since = timezone.now() - timedelta(days=NEW_DAYS)
        recent = (
            ReportIssue.objects.visible_to(*readers)
            .filter(status=IssueStatus.PUBLISHED, published_at__gte=since)
            .order_by("relationship_id", "-published_at")
            .values_list("relationship_id", "definition__number", "period")
        )
        for rel_id, number, period in recent:
            if rel_id in out:
                continue  # the newest one per relationship
            url = reverse("reports:issue", args=[slugs[rel_id], number, period])
            label = _("A new report was published: %(period)s") % {"period": periods.label(period)}
            out[rel_id] = [summary.Fact(label, 1, url, "primary")]
    leads = [a for a in members if rules.may_manage(a)]
    if leads:
        counts = (
            ReportIssue.objects.visible_to(*leads)
            .filter(status=IssueStatus.DRAFT)
            .values("relationship_id")
            .annotate(drafts=Count("pk"), failed=Count("pk", filter=Q(render_state=RenderState.FAILED)))
        )
        for row in counts:
            rel_id = row["relationship_id"]
            url = reverse("reports:list", args=[slugs[rel_id]])
            facts = out.setdefault(rel_id, [])
            if row["failed"]:
                n = row["failed"]
                facts.append(
                    summary.Fact(
                        ngettext(
                            "%(n)s report could not be rendered", "%(n)s reports could not be rendered", n
                        )
                        % {"n": n},
                        n,
                        url,
                        "danger",
                    )
                )
            ready = row["drafts"] - row["failed"]
            if ready:
                facts.append(
                    summary.Fact(
                        ngettext(
                            "%(n)s report draft waits to be published",
                            "%(n)s report drafts wait to be published",
                            ready,
                        )
                        % {"n": ready},
                        ready,
                        url,
                        "warning",
                    )
                )
    return out
