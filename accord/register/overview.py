"""What the register adds to the home page and to a relationship's overview."""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.lib import auditing, charts, nav, notify, overview, summary
from accord.register import selectors
from accord.register.models import OPEN_STATUSES, ActionItem, NotificationKind

ITEM_PAGES = ("register:create", "register:item", "register:edit", "register:import")
nav.tab(20, "register:list", gettext_lazy("Action items"), *ITEM_PAGES)
nav.tab(
    30, "register:task_forces", gettext_lazy("Task forces"), "register:task_force", "register:task_force_edit"
)

for order, kind in enumerate(NotificationKind, start=10):
    notify.kind(order, kind.value, kind.label)
del order, kind


def _hidden_items(access: Any) -> QuerySet[Any]:
    """The ids (text, as audit events name them) of the relationship's items the viewer may not see."""
    visible = ActionItem.objects.visible_to(access).values("pk")
    return (
        ActionItem.objects.filter(relationship=access.relationship)
        .exclude(pk__in=visible)
        .annotate(text_id=Cast("pk", CharField()))
        .values("text_id")
    )


def _strike_related(access: Any, events: Sequence[Any]) -> None:
    """Related-item changes name items by number: keep the numbers the viewer may see."""
    linked = [e for e in events if e.changes.get("related")]
    if not linked:
        return
    visible = set(ActionItem.objects.visible_to(access).values_list("number", flat=True))
    for event in linked:
        before, after = event.changes["related"]
        kept = [[n for n in numbers if n in visible] for numbers in (before, after)]
        event.changes = {**event.changes, "related": kept}


auditing.rule("register.actionitem", hidden=_hidden_items, redact=_strike_related)


@summary.provider(10)
def register_facts(accesses: Sequence[Any]) -> dict[int, list[summary.Fact]]:
    """Open and overdue items per relationship, each side counting what it may see (one query)."""
    today = timezone.localdate()
    members = [a for a in accesses if not a.is_guest]
    if not members:
        return {}
    # what each viewer may verify, in its own relationship: the query the register's list uses
    to_verify = reduce(
        or_, (Q(relationship_id=a.relationship.pk) & selectors.to_verify_q(a) for a in members)
    )
    rows = (
        ActionItem.objects.visible_to(*members)
        .values("relationship_id")
        .annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
            to_verify=Count("pk", filter=to_verify),
        )
    )
    out: dict[int, list[summary.Fact]] = {}
    slugs = {a.relationship.pk: a.relationship.slug for a in members}
    for row in rows:
        url = reverse("register:list", args=[slugs[row["relationship_id"]]])
        facts = [summary.Fact(_("%(n)d open items") % {"n": row["open"]}, row["open"], url, "primary")]
        if row["overdue"]:
            facts.append(
                summary.Fact(
                    _("%(n)d overdue") % {"n": row["overdue"]}, row["overdue"], url + "?overdue=on", "danger"
                )
            )
        if row["to_verify"]:
            facts.append(
                summary.Fact(
                    _("%(n)d to verify") % {"n": row["to_verify"]},
                    row["to_verify"],
                    url + "?status=done&to_verify=on",
                    "warning",
                )
            )
        out[row["relationship_id"]] = facts
    return out


@overview.section(20, "register/_health.html")
def register_health(access: Any) -> dict[str, Any]:
    health = selectors.health(access, timezone.localdate())
    spec = charts.sparkline(
        [(d.isoformat(), n) for d, n in health.trend], title=_("Open items, last 12 weeks"), y_title=_("open")
    )
    return {"health": health, "trend_svg": charts.svg(spec)}
