"""Reads of the topic log and the forecasts, scoped to the viewer: every list, page, API answer and
export of topics starts from ``Topic.objects.visible_to(access)`` here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.lib.csvsafe import write_csv
from accord.lib.months import add_months, month_of
from accord.lib.xlsx import Column, write_table
from accord.meetings.models import (
    SETTLED_STATUSES,
    Forecast,
    Meeting,
    Topic,
    TopicQuerySet,
    TopicStatus,
)
from accord.parties.access import RelationshipAccess
from accord.parties.models import Product, Side
from accord.register.models import ActionItem

# What the log opens on: the topics still being worked (every status that is not settled).
OPEN_WORK = tuple(s for s in TopicStatus if s not in SETTLED_STATUSES)
SORTS = {
    "-raised": ("-raised_on", "-id"),
    "raised": ("raised_on", "id"),
    "-updated": ("-updated_at", "-id"),
    "kind": ("kind", "-raised_on", "-id"),
    "status": ("status", "-raised_on", "-id"),
}


@dataclass(frozen=True)
class Filters:
    kinds: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)  # empty: every status
    raised_by_side: str = ""
    visibility: str = ""
    q: str = ""
    sort: str = "-raised"


def topics(access: RelationshipAccess) -> TopicQuerySet:
    """The relationship's topics the viewer may see."""
    return Topic.objects.visible_to(access)


def topic_log(access: RelationshipAccess, filters: Filters) -> QuerySet[Topic]:
    qs = topics(access).select_related("raised_by", "private_party")
    if filters.kinds:
        qs = qs.filter(kind__in=filters.kinds)
    if filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    if filters.raised_by_side:
        qs = qs.filter(raised_by_side=filters.raised_by_side)
    if filters.visibility:
        qs = qs.filter(visibility=filters.visibility)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    return qs.order_by(*SORTS.get(filters.sort, SORTS["-raised"]))


def counts(access: RelationshipAccess) -> dict[str, int]:
    """How many topics the viewer sees: all, and still open."""
    row = topics(access).aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_WORK)))
    return {"total": row["total"] or 0, "open": row["open"] or 0}


def meetings_of(access: RelationshipAccess, topic: Topic) -> QuerySet[Meeting]:
    """The meetings (that the viewer may see) whose agenda items point at ``topic``."""
    return (
        Meeting.objects.visible_to(access).filter(agenda_items__topic=topic).distinct().order_by("-starts_at")
    )


# --- exports ------------------------------------------------------------------------------------------


def _columns() -> list[Column]:
    return [
        Column(_("ID"), 8, "int"),
        Column(_("Kind"), 24),
        Column(_("Title"), 48),
        Column(_("Status"), 14),
        Column(_("Raised by"), 12),
        Column(_("Raised on"), 12, "date"),
        Column(_("Visibility"), 14),
        Column(_("Effective date"), 12, "date"),
        Column(_("Affected products"), 24),
        Column(_("Target release"), 16),
        Column(_("Action items"), 24),
        Column(_("Closed on"), 12, "date"),
        Column(_("Description"), 60),
    ]


def export_rows(access: RelationshipAccess, found: Iterable[Topic]) -> list[list[Any]]:
    """One row per topic; its action items are those the viewer may see."""
    found = list(found)

    items: dict[int, list[str]] = {}
    through = Topic.action_items.through.objects.filter(
        topic_id__in=[t.pk for t in found], actionitem__in=ActionItem.objects.visible_to(access)
    ).select_related("actionitem__relationship")
    for link in through:
        items.setdefault(link.topic_id, []).append(link.actionitem.reference)
    products: dict[int, list[str]] = {}
    product_links = Topic.products.through.objects.filter(topic_id__in=[t.pk for t in found])
    for topic_id, code in product_links.values_list("topic_id", "product__code"):
        products.setdefault(topic_id, []).append(code)
    return [
        [
            t.pk,
            t.get_kind_display(),
            t.title,
            t.get_status_display(),
            Side(t.raised_by_side).label if t.raised_by_side in Side.values else t.raised_by_side,
            t.raised_on,
            t.get_visibility_display(),
            t.effective_date,
            ", ".join(sorted(products.get(t.pk, []))),
            t.target_release,
            ", ".join(sorted(items.get(t.pk, []))),
            t.closed_on,
            t.description,
        ]
        for t in found
    ]


def topics_csv(access: RelationshipAccess, found: Iterable[Topic], tz: tzinfo | None = None) -> bytes:
    return write_csv([c.header for c in _columns()], export_rows(access, found), tz=tz)


def topics_xlsx(access: RelationshipAccess, found: Iterable[Topic], tz: tzinfo | None = None) -> bytes:
    return write_table(sheet_title=_("Topics"), columns=_columns(), rows=export_rows(access, found), tz=tz)


# --- forecasts ----------------------------------------------------------------------------------------

GRID_AHEAD = 12  # the grid shows the months with forecasts and the next twelve


@dataclass(frozen=True)
class Grid:
    months: list[str]
    rows: list[tuple[Product, list[Forecast | None]]]


def forecasts(access: RelationshipAccess) -> QuerySet[Forecast]:
    return Forecast.objects.filter(relationship=access.relationship).select_related("product", "entered_by")


def supplier_products(access: RelationshipAccess) -> QuerySet[Product]:
    return Product.objects.filter(supplier_id=access.relationship.supplier_id).order_by("code")


def grid(access: RelationshipAccess) -> Grid:
    """Products × months: the months with forecasts and the next twelve, each product with a forecast
    or still offered."""
    found = list(forecasts(access))
    this_month = month_of(timezone.localdate())
    months = sorted({f.month for f in found} | {add_months(this_month, i) for i in range(GRID_AHEAD)})
    cells = {(f.product_id, f.month): f for f in found}
    used = {f.product_id for f in found}
    products = [p for p in supplier_products(access) if p.pk in used or p.is_active]
    return Grid(months, [(p, [cells.get((p.pk, m)) for m in months]) for p in products])
