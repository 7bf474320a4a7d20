"""What feedback adds to the relationship pages and the home page: the Feedback tab (members only: a
facilitator sees no feedback), the overview's section (the latest survey, what waits for triage), and
the home page's facts: a survey waiting for the viewer's answer, and proposals waiting for triage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from accord.feedback import rules, selectors
from accord.feedback.models import Invitation, Proposal, ProposalStatus, Survey, SurveyStatus
from accord.lib import nav, overview, summary

FEEDBACK_PAGES = (
    "feedback:new",
    "feedback:areas",
    "feedback:survey",
    "feedback:edit",
    "feedback:invite",
    "feedback:results",
    "feedback:response",
    "feedback:triage",
    "feedback:answer",
)
nav.tab(45, "feedback:list", gettext_lazy("Feedback"), *FEEDBACK_PAGES)


@overview.section(22, "feedback/_overview.html")
def feedback_overview(access: Any) -> dict[str, Any]:
    latest = (
        Survey.objects.visible_to(access)
        .exclude(status=SurveyStatus.DRAFT)
        .select_related("site")
        .order_by("-created_at")
        .first()
    )
    results = selectors.results(access, latest) if latest is not None else []
    weakest = sorted((r for r in results if r.mean is not None), key=lambda r: r.mean or 0)[:2]
    return {
        "rel": access.relationship,
        "latest": latest,
        "progress": selectors.progress(latest) if latest is not None else None,
        "weakest": weakest,
        "open_proposals": Proposal.objects.filter(
            survey__in=Survey.objects.visible_to(access), status=ProposalStatus.OPEN
        ).count(),
    }


@summary.provider(24)
def feedback_facts(accesses: Sequence[Any]) -> dict[int, list[summary.Fact]]:
    """Per relationship: surveys waiting for the viewer's own answer, and (for supplier leads) proposals
    waiting for triage; two queries for the whole batch."""
    members = [a for a in accesses if not a.is_guest]
    if not members:
        return {}
    user = members[0].user
    slugs = {a.relationship.pk: a.relationship.slug for a in members}
    out: dict[int, list[summary.Fact]] = {}
    visible = Survey.objects.visible_to(*members)
    mine = (
        Invitation.objects.filter(
            user=user, submitted_at__isnull=True, survey__in=visible.filter(status=SurveyStatus.OPEN)
        )
        .values("survey__relationship_id", "survey__number")
        .order_by("survey__closes_on")
    )
    for row in mine:
        rel_id = row["survey__relationship_id"]
        facts = out.setdefault(rel_id, [])
        if not any(f.url.endswith("/answer/") for f in facts):
            url = reverse("feedback:answer", args=[slugs[rel_id], row["survey__number"]])
            facts.append(
                summary.Fact(str(gettext_lazy("A feedback survey waits for your answer")), 1, url, "warning")
            )
    triagers = [a for a in members if rules.may_triage(a)]
    if triagers:
        counts = (
            Proposal.objects.filter(
                survey__in=Survey.objects.visible_to(*triagers), status=ProposalStatus.OPEN
            )
            .values("survey__relationship_id")
            .annotate(n=Count("id", filter=Q(status=ProposalStatus.OPEN)))
        )
        for count in counts:
            rel_id, n = count["survey__relationship_id"], count["n"]
            label = ngettext("%(n)s feedback proposal to triage", "%(n)s feedback proposals to triage", n) % {
                "n": n
            }
            out.setdefault(rel_id, []).append(
                summary.Fact(label, n, reverse("feedback:list", args=[slugs[rel_id]]), "warning")
            )
    return out
