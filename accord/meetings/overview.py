"""What meetings add to the relationship pages and the home page: the Meetings tab (a facilitator sees
it: her team's meetings), the overview's section (per approach the last and next meeting, and a broken
cadence with a link to schedule the next one) and the home page's facts (the next meeting and any broken
cadence; a facilitator's lead to her team's meetings)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.lib import nav, overview, summary
from accord.meetings import (
    overview_topics,  # noqa: F401  (the topic log's tab and audit rule)
    rules,
    selectors,
)

MEETING_PAGES = ("meetings:create", "meetings:detail", "meetings:edit", "meetings:cadence")
nav.tab(25, "meetings:list", gettext_lazy("Meetings"), *MEETING_PAGES, for_guests=True)


@overview.section(15, "meetings/_overview.html", for_guests=True)
def meetings_overview(access: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "states": selectors.cadence_states([access], now).get(access.relationship.pk, []),
        "next_meeting": selectors.next_meetings([access], now).get(access.relationship.pk),
        "may_schedule": rules.may_schedule(access),
    }


@summary.provider(15)
def meeting_facts(accesses: Sequence[Any]) -> dict[int, list[summary.Fact]]:
    """Per relationship: the next meeting the viewer sees, and each approach whose cadence is broken
    (a facilitator: her team's meetings only, and always a way to them). Four queries in all."""
    if not accesses:
        return {}
    now = timezone.now()
    nexts = selectors.next_meetings(accesses, now)
    states = selectors.cadence_states(accesses, now)
    out: dict[int, list[summary.Fact]] = {}
    for access in accesses:
        rel = access.relationship
        listing = reverse("meetings:list", args=[rel.slug])
        facts: list[summary.Fact] = []
        if access.is_guest:
            facts.append(summary.Fact(_("Your team's meetings"), 0, listing, "primary"))
        found = nexts.get(rel.pk)
        if found is not None:
            when = formats.date_format(timezone.localtime(found.starts_at), "MONTH_DAY_FORMAT")
            facts.append(
                summary.Fact(
                    _("Next meeting %(when)s") % {"when": when},
                    1,
                    reverse("meetings:detail", args=[rel.slug, found.pk]),
                    "info",
                )
            )
        for state in states.get(rel.pk, []):
            if state.broken:
                facts.append(
                    summary.Fact(
                        _("%(approach)s: cadence broken") % {"approach": state.label}, 1, listing, "danger"
                    )
                )
        out[rel.pk] = facts
    return out
