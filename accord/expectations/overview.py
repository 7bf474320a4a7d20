"""What expectations add to the relationship pages and the home page: the Expectations tab (the
facilitator sees it: it is her team's work), the overview's section with the scorecard's headline, the
home page's facts, and the agreed targets the measurements page draws (``accord.lib.targets``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accord.expectations import charts, selectors
from accord.expectations.models import Assessment, AssessmentStatus, Expectation, Result, Status
from accord.lib import nav, overview, summary, targets

EXPECTATION_PAGES = (
    "expectations:propose",
    "expectations:detail",
    "expectations:change",
    "expectations:retire",
    "expectations:scorecard",
)
nav.tab(35, "expectations:list", gettext_lazy("Expectations"), *EXPECTATION_PAGES, for_guests=True)


@overview.section(18, "expectations/_overview.html", for_guests=True)
def expectations_overview(access: Any) -> dict[str, Any]:
    headline = selectors.headlines([access])[access.relationship.pk]
    return {"headline": headline, "rel": access.relationship}


@summary.provider(18)
def expectation_facts(accesses: Sequence[Any]) -> dict[int, list[summary.Fact]]:
    """Per relationship: how many agreed expectations last month met, and the open gaps (three queries
    for the whole batch: ``selectors.headlines``)."""
    out: dict[int, list[summary.Fact]] = {}
    for rel_id, h in selectors.headlines(accesses).items():
        if not h.agreed:
            continue
        slug = next(a.relationship.slug for a in accesses if a.relationship.pk == rel_id)
        card = reverse("expectations:scorecard", args=[slug])
        facts = [
            summary.Fact(
                _("%(met)s of %(assessed)s expectations met in %(month)s")
                % {"met": h.met, "assessed": h.assessed, "month": h.month},
                h.met,
                card,
                "success" if h.assessed and h.met == h.assessed else "secondary",
            )
        ]
        if h.open_gaps:
            label = ngettext("%(n)s open gap", "%(n)s open gaps", h.open_gaps) % {"n": h.open_gaps}
            facts.append(summary.Fact(label, h.open_gaps, card + "#gaps", "danger"))
        out[rel_id] = facts
    return out


@targets.provider
def agreed_targets(access: Any, measures: Sequence[str]) -> list[targets.Target]:
    """The relationship's agreed measurable terms on ``measures``, with the months assessed not met
    (two queries)."""
    if not measures:
        return []
    found = selectors.with_terms(
        Expectation.objects.visible_to(access).filter(status=Status.AGREED, revisions__measure__in=measures)
    ).distinct()
    expectations = [
        (e, r) for e in found if (r := selectors.in_force(e)) is not None and r.measure in measures
    ]
    if not expectations:
        return []
    missed: dict[int, list[str]] = defaultdict(list)
    for exp_id, month in Assessment.objects.filter(
        revision__in=[r.pk for _e, r in expectations],  # missed under the terms drawn
        result=Result.NOT_MET,
        status=AssessmentStatus.CONFIRMED,
    ).values_list("expectation_id", "month"):
        missed[exp_id].append(month)
    return [charts.target_of(e, r, missed.get(e.pk, [])) for e, r in expectations]
