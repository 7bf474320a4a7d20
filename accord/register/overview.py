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
from accord.register import numbering, selectors
from accord.register.models import OPEN_STATUSES, ActionItem, ItemAlias, NotificationKind

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


def _redact(access: Any, events: Sequence[Any]) -> None:
    """What an item's events may name for this viewer (the events are of items the viewer sees now).

    - The record's label: the item's key when the event was written. A key the viewer's side never
      read (the item was the other side's private item then, TLA-S0004) becomes the item's current
      reference, so re-shared items do not tell how many private items the other side keeps.
    - Related-item changes name items by key (numbers before keys had series): keep the keys the
      viewer may see now.
    """
    ids = {int(e.object_id) for e in events if str(e.object_id).isdigit()}
    current = {
        item.pk: item
        for item in ActionItem.objects.visible_to(access).filter(pk__in=ids).select_related("relationship")
    }
    known: dict[int, set[tuple[str, int]]] = {pk: {(i.series, i.number)} for pk, i in current.items()}
    for item_id, series, number in (
        ItemAlias.objects.open_to(access).filter(item_id__in=ids).values_list("item_id", "series", "number")
    ):
        known.setdefault(item_id, set()).add((series, number))
    for event in events:
        item = current.get(int(event.object_id)) if str(event.object_id).isdigit() else None
        head, _sep, rest = event.object_label.partition(" ")
        parsed = numbering.parse_key(head)
        if item is not None and parsed is not None and parsed not in known[item.pk]:
            event.object_label = f"{item.reference} {rest}".strip()
    linked = [e for e in events if e.changes.get("related")]
    if not linked:
        return
    visible = {i.key for i in ActionItem.objects.visible_to(access).only("series", "number")}
    for event in linked:
        before, after = event.changes["related"]
        kept = [[n for n in keys if str(n) in visible] for keys in (before, after)]
        event.changes = {**event.changes, "related": kept}


auditing.rule("register.actionitem", hidden=_hidden_items, redact=_redact)


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
