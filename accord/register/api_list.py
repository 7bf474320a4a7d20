"""The list API's page of action items, written straight to JSON.

A page holds up to 200 items. Building each as a model instance (with its relationship, owner,
requester and task force) and then validating it against ``ItemOut`` took most of the operation's
time; this reads the columns the answer shows as plain values (one query), the numbers of the related
items the viewer may see (one query), and writes the page with django-ninja's own JSON encoder, so the
bytes are those the schema would give (tests/register/test_api_list.py compares the two).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder

from accord.parties.access import RelationshipAccess
from accord.register import numbering, workflow
from accord.register.models import ActionItem

COLUMNS = (
    "pk",
    "series",
    "number",
    "title",
    "description",
    "status",
    "owner_side",
    "owner_id",
    "owner__full_name",
    "owner__email",
    "requested_by_id",
    "requested_by__full_name",
    "requested_by__email",
    "task_force_id",
    "task_force__name",
    "due_date",
    "priority",
    "visibility",
    "resolution",
    "source_kind",
    "source_label",
    "source_url",
    "external_id",
    "due_moves",
    "created_at",
    "updated_at",
    "version",
)


def _person(row: dict[str, Any], field: str) -> dict[str, Any] | None:
    pk = row[f"{field}_id"]
    if pk is None:
        return None
    return {"id": pk, "full_name": row[f"{field}__full_name"], "email": row[f"{field}__email"]}


def _related(access: RelationshipAccess, pks: list[int]) -> dict[int, list[str]]:
    """The keys of each item's related items that the viewer may see, in key order."""
    through = ActionItem.related.through
    pairs = through.objects.filter(
        from_actionitem_id__in=pks, to_actionitem__in=ActionItem.objects.visible_to(access)
    ).values_list("from_actionitem_id", "to_actionitem__series", "to_actionitem__number")
    out: dict[int, list[str]] = defaultdict(list)
    for pk, series, number in pairs:
        out[pk].append(f"{series}{number}")
    return {pk: numbering.sorted_keys(keys) for pk, keys in out.items()}


def _item(row: dict[str, Any], access: RelationshipAccess, related: list[str]) -> dict[str, Any]:
    """One item, key for key as ``api._item`` and ``ItemOut`` give it."""
    # what the workflow reads of an item, for the actions this viewer may take now
    stub = ActionItem(
        relationship=access.relationship,
        status=row["status"],
        owner_side=row["owner_side"],
        owner_id=row["owner_id"],
        requested_by_id=row["requested_by_id"],
    )
    tf = row["task_force_id"]
    return {
        "number": f"{row['series']}{row['number']}",
        "reference": f"{access.relationship.item_prefix}-{row['series']}{row['number']:04d}",
        "title": row["title"],
        "description": row["description"],
        "status": row["status"],
        "owner_side": row["owner_side"],
        "owner": _person(row, "owner"),
        "requested_by": _person(row, "requested_by"),
        "task_force": {"id": tf, "name": row["task_force__name"]} if tf is not None else None,
        "due_date": row["due_date"],
        "priority": row["priority"],
        "visibility": row["visibility"],
        "resolution": row["resolution"],
        "source": {"kind": row["source_kind"], "label": row["source_label"], "url": row["source_url"]},
        "external_id": row["external_id"],
        "due_moves": row["due_moves"],
        "related": related,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "version": row["version"],
        "allowed_actions": [a.name for a in workflow.allowed(access, stub)],
    }


def page_response(
    access: RelationshipAccess, items: QuerySet[ActionItem], *, page: int, page_size: int
) -> HttpResponse:
    """``ItemPage`` of ``items`` (filtered and ordered, all of the viewer's relationship) as JSON."""
    paginator = Paginator(items.values(*COLUMNS), page_size)
    current = paginator.get_page(page)
    rows = list(current.object_list)
    related = _related(access, [row["pk"] for row in rows]) if rows else {}
    body = {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "items": [_item(row, access, related.get(row["pk"], [])) for row in rows],
    }
    return HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder), content_type="application/json; charset=utf-8"
    )
