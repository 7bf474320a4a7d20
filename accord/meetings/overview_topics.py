"""What the topic log adds to a relationship's pages: its tab, and the audit trail's rule (a side's
private topics, and their events, never reach the other side). Imported by ``meetings.overview``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy

from accord.lib import auditing, nav
from accord.meetings.models import Topic
from accord.register import numbering
from accord.register.models import ActionItem

TOPIC_PAGES = (
    "meetings:topic",
    "meetings:topic_create",
    "meetings:topic_edit",
    "meetings:forecasts",
    "meetings:forecast_edit",
)
nav.tab(45, "meetings:topics", gettext_lazy("Topics"), *TOPIC_PAGES)


def _hidden_topics(access: Any) -> QuerySet[Any]:
    """The ids (text, as audit events name them) of the relationship's topics the viewer may not see."""
    visible = Topic.objects.visible_to(access).values("pk")
    return (
        Topic.objects.filter(relationship=access.relationship)
        .exclude(pk__in=visible)
        .annotate(text_id=Cast("pk", CharField()))
        .values("text_id")
    )


def _redact(access: Any, events: Sequence[Any]) -> None:
    """A topic's link events name action items by reference: keep those the viewer may see now (a topic
    kept private while it linked its side's private items, then shared, tells nothing of them)."""
    linked = [e for e in events if e.changes.get("action_items")]
    if not linked:
        return
    named = {k for e in linked for keys in e.changes["action_items"] for k in keys}
    numbers = {parsed[1] for parsed in map(numbering.parse_key, named) if parsed}
    seen = ActionItem.objects.visible_to(access).filter(number__in=numbers).select_related("relationship")
    visible = {i.reference for i in seen}
    for event in linked:
        before, after = event.changes["action_items"]
        kept = [numbering.sorted_keys(k for k in keys if k in visible) for keys in (before, after)]
        event.changes = {**event.changes, "action_items": kept}


auditing.rule("meetings.topic", hidden=_hidden_topics, redact=_redact)
