"""The register as files: XLSX and CSV (one row per item with its last update) and a PDF snapshot.

Pure functions returning bytes: the caller (a view, the API, a task) picks the items with the
register's selectors, so what the viewer may not see never reaches a file. ``items`` must come with
``relationship``, ``owner``, ``task_force`` and ``requested_by`` selected (``selectors.for_listing``);
the last update of every item is read in one query by ``last_update_texts``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import FieldDoesNotExist
from django.db.models import OuterRef, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.lib.csvsafe import write_csv
from accord.lib.pdf import html_to_pdf
from accord.lib.xlsx import Column, write_table
from accord.register.models import ActionItem, ActionUpdate, OwnerSide, Status, UpdateKind

STATUS_ORDER = [Status.OPEN, Status.IN_PROGRESS, Status.DONE, Status.VERIFIED, Status.CANCELLED]
SIDE_ORDER: dict[str, int] = {OwnerSide.SUPPLIER: 0, OwnerSide.CUSTOMER: 1, OwnerSide.JOINT: 2}
SNAPSHOT_TEMPLATE = "register/snapshot_pdf.html"


def _zone(tz: tzinfo | str | None) -> tzinfo:
    if tz is None:
        return timezone.get_current_timezone()
    return ZoneInfo(tz) if isinstance(tz, str) else tz


# --- the last update of each item ----------------------------------------------------------------


def _status_label(value: str) -> str:
    return str(Status(value).label).lower() if value in Status.values else value


def _field_label(name: str) -> str:
    try:
        model_field = ActionItem._meta.get_field(name)
    except FieldDoesNotExist:  # a field that no longer exists, recorded in an old update
        return name
    return str(getattr(model_field, "verbose_name", name))


def update_text(update: ActionUpdate) -> str:
    """One line for a timeline entry: ``comment: …``, ``status: open → done: note``, ``change: …``."""
    kind = update.kind
    if kind == UpdateKind.STATUS:
        text = f"{kind}: {_status_label(update.from_status)} → {_status_label(update.to_status)}"
        return f"{text}: {update.body}" if update.body else text
    if kind == UpdateKind.CHANGE and update.changes:
        parts = [
            f"{_field_label(name)} {pair[0] or '–'} → {pair[1] or '–'}"
            for name, pair in update.changes.items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ]
        return f"{kind}: " + "; ".join(parts)
    return f"{kind}: {update.body}" if update.body else str(kind)


def last_update_texts(item_ids: Iterable[int] | QuerySet[Any]) -> dict[int, str]:
    """item id → the text of its most recent update, in one query.

    Pass a list of ids, or (for large exports) a ``values("pk")`` queryset of the items, which
    becomes a subquery instead of thousands of bound parameters.
    """
    ids = item_ids if isinstance(item_ids, QuerySet) else list(item_ids)
    latest = ActionUpdate.objects.filter(item_id=OuterRef("item_id")).order_by("-at", "-id").values("pk")[:1]
    updates = ActionUpdate.objects.filter(item_id__in=ids, pk=Subquery(latest)).only(
        "item_id", "kind", "from_status", "to_status", "body", "changes"
    )
    return {u.item_id: update_text(u) for u in updates}


# --- XLSX and CSV ------------------------------------------------------------------------------


def columns() -> list[Column]:
    return [
        Column(_("Reference"), 12),
        Column(_("Title"), 45),
        Column(_("Status"), 12),
        Column(_("Owner side"), 11),
        Column(_("Owner"), 20),
        Column(_("Task force"), 18),
        Column(_("Priority"), 10),
        Column(_("Due date"), 12, "date"),
        Column(_("Created"), 17, "datetime"),
        Column(_("Last update"), 17, "datetime"),
        Column(_("Due date moves"), 10, "int"),
        Column(_("Source"), 28),
        Column(_("Requested by"), 20),
        Column(_("Visibility"), 14),
        Column(_("Resolution"), 40),
        Column(_("Last update note"), 50),
    ]


def _person(user: Any) -> str:
    return "" if user is None else str(user)


def _source(item: ActionItem) -> str:
    kind = str(item.get_source_kind_display())
    return f"{kind}: {item.source_label}" if item.source_label else kind


def item_row(item: ActionItem, last_update: str) -> list[Any]:
    return [
        item.reference,
        item.title,
        item.get_status_display(),
        item.get_owner_side_display(),
        _person(item.owner),
        item.task_force.name if item.task_force else "",
        item.get_priority_display(),
        item.due_date,
        item.created_at,
        item.updated_at,
        item.due_moves,
        _source(item),
        _person(item.requested_by),
        item.get_visibility_display(),
        item.resolution,
        last_update,
    ]


def _rows(items: Iterable[ActionItem], last_updates: Mapping[int, str] | None) -> list[list[Any]]:
    items = list(items)
    if last_updates is None:
        last_updates = last_update_texts([item.pk for item in items])
    return [item_row(item, last_updates.get(item.pk, "")) for item in items]


def items_xlsx(
    items: Iterable[ActionItem],
    *,
    tz: tzinfo | str,
    last_updates: Mapping[int, str] | None = None,
    files: Mapping[int, list[str]] | None = None,
) -> bytes:
    """The items as an XLSX sheet, times in ``tz`` (the viewer's time zone); with ``files`` (item id →
    the names of its attachments the viewer may see), a last column lists them."""
    items = list(items)
    rows = _rows(items, last_updates)
    cols = columns()
    if files is not None:
        cols.append(Column(_("Files"), 40))
        rows = [[*row, "\n".join(files.get(item.pk, []))] for row, item in zip(rows, items, strict=True)]
    return write_table(sheet_title=_("Action items"), columns=cols, rows=rows, tz=_zone(tz))


def items_csv(
    items: Iterable[ActionItem], *, tz: tzinfo | str, last_updates: Mapping[int, str] | None = None
) -> bytes:
    """The items as CSV (UTF-8 with BOM, CRLF, formula cells neutralized), times in ``tz``."""
    header = [c.header for c in columns()]
    return write_csv(header, _rows(items, last_updates), tz=_zone(tz))


# --- the PDF snapshot ---------------------------------------------------------------------------


@dataclass
class OwnerGroup:
    label: str
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class StatusGroup:
    status: str
    label: str
    count: int
    owners: list[OwnerGroup] = field(default_factory=list)


def _side_label(item: ActionItem, rel: Any) -> str:
    if item.owner_side == OwnerSide.SUPPLIER:
        return f"{item.get_owner_side_display()} ({rel.supplier.name})"
    if item.owner_side == OwnerSide.CUSTOMER:
        return f"{item.get_owner_side_display()} ({rel.customer.name})"
    return str(item.get_owner_side_display())


def _owner_key(item: ActionItem) -> tuple[int, int, str]:
    name = str(item.owner) if item.owner else ""
    return (SIDE_ORDER.get(item.owner_side, 9), 0 if name else 1, name.lower())


def _group(
    rel: Any,
    items: list[ActionItem],
    last_updates: Mapping[int, str],
    tz: tzinfo,
    today: date,
    files: Mapping[int, list[str]],
) -> list[StatusGroup]:
    """Items by status (workflow order), then by owner (side, person), then by due date."""
    groups = []
    for status in STATUS_ORDER:
        in_status = [i for i in items if i.status == status]
        in_status.sort(key=lambda i: (*_owner_key(i), i.due_date or date.max, i.number))
        group = StatusGroup(status=str(status), label=str(status.label), count=len(in_status))
        for item in in_status:
            label = f"{_side_label(item, rel)} · {item.owner or _('no owner')}"
            if not group.owners or group.owners[-1].label != label:
                group.owners.append(OwnerGroup(label))
            group.owners[-1].rows.append(
                {
                    "reference": item.reference,
                    "title": item.title,
                    "owner": _person(item.owner),
                    "due": item.due_date.isoformat() if item.due_date else "",
                    "overdue": item.is_overdue(today),
                    "priority": item.get_priority_display(),
                    "priority_value": item.priority,
                    "updated": timezone.localtime(item.updated_at, tz).date().isoformat(),
                    "last_update": last_updates.get(item.pk, ""),
                    "due_moves": item.due_moves,
                    "files": files.get(item.pk, []),
                }
            )
        groups.append(group)
    return groups


def register_snapshot_html(
    *,
    relationship: Any,
    items: Iterable[ActionItem],
    generated_at: datetime,
    viewer_name: str,
    counts: Mapping[str, int],
    tz: tzinfo | str | None = None,
    last_updates: Mapping[int, str] | None = None,
    files: Mapping[int, list[str]] | None = None,
    filters: Sequence[str] = (),
) -> str:
    """The snapshot as standalone HTML (what ``register_pdf`` prints); times in ``tz``.

    Its summary counts the items it lists (``items``), whatever the register holds besides;
    ``counts`` gives the register's own total (all the viewer may see), told when the list is shorter,
    and ``filters`` what narrowed it (``FilterForm.describe``)."""
    zone = _zone(tz)
    items = list(items)
    if last_updates is None:
        last_updates = last_update_texts([item.pk for item in items])
    local = timezone.localtime(generated_at, zone) if timezone.is_aware(generated_at) else generated_at
    today = local.date()
    context = {
        "relationship": relationship,
        "generated": f"{local:%Y-%m-%d %H:%M} ({zone})",
        "viewer_name": viewer_name,
        "counts": [(str(s.label), sum(1 for i in items if i.status == s)) for s in STATUS_ORDER],
        "overdue": sum(1 for i in items if i.is_overdue(today)),
        "total": counts.get("total", len(items)),
        "shown": len(items),
        "filters": list(filters),
        "groups": _group(relationship, items, last_updates, zone, today, files or {}),
        "today": today.isoformat(),
    }
    return render_to_string(SNAPSHOT_TEMPLATE, context)


def register_pdf(
    *,
    relationship: Any,
    items: Iterable[ActionItem],
    generated_at: datetime,
    viewer_name: str,
    counts: Mapping[str, int],
    tz: tzinfo | str | None = None,
    last_updates: Mapping[int, str] | None = None,
    files: Mapping[int, list[str]] | None = None,
    filters: Sequence[str] = (),
) -> bytes:
    """The register snapshot handed out at a review, as PDF (A4 landscape)."""
    return html_to_pdf(
        register_snapshot_html(
            relationship=relationship,
            items=items,
            generated_at=generated_at,
            viewer_name=viewer_name,
            counts=counts,
            tz=tz,
            last_updates=last_updates,
            files=files,
            filters=filters,
        )
    )
