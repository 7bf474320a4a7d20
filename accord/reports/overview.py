"""What reports add outside their own pages: the Reports tab (members of both sides; a facilitator sees
no reports), the overview's section, the home page's facts, and the audit trail's rule (the events of a
draft issue are the supplier's, like the draft itself)."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy

from accord.lib import auditing, nav
from accord.reports.models import ReportIssue

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
