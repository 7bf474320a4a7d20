"""The minutes as a document: what a revision says (attendance, per agenda item the minutes and
decisions, the new and the updated action items, the approvals and the corrections), as plain data that
is frozen into ``MinutesRevision.snapshot`` on approval, shown by the revision page and printed as PDF.

The minutes are read by both sides and by external guests: only shared action items appear in them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from accord.lib.pdf import html_to_pdf
from accord.meetings.models import AgendaItem, Approval, Meeting, MinutesRevision
from accord.register.models import ActionItem, Visibility

TEMPLATE = "meetings/minutes/minutes_pdf.html"


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    return "" if value is None else timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M")


def _zone(meeting: Meeting) -> ZoneInfo:
    try:
        return ZoneInfo(meeting.time_zone)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _location(meeting: Meeting) -> str:
    parts = []
    if meeting.site_id is not None and meeting.site is not None:
        parts.append(str(meeting.site))
    if meeting.location_note:
        parts.append(meeting.location_note)
    if meeting.remote_link:
        parts.append(meeting.remote_link)
    return ", ".join(parts)


def new_items(meeting: Meeting) -> list[ActionItem]:
    """The shared action items created from this meeting's agenda items (their source)."""
    agenda = ContentType.objects.get_for_model(AgendaItem)
    ids = [str(pk) for pk in meeting.agenda_items.values_list("pk", flat=True)]
    return list(
        ActionItem.objects.filter(
            relationship_id=meeting.relationship_id,
            visibility=Visibility.SHARED,
            source_type=agenda,
            source_id__in=ids,
        )
        .select_related("relationship", "owner")
        .order_by("series", "number")
    )


def updated_items(meeting: Meeting, exclude: set[int]) -> list[ActionItem]:
    """The shared action items whose source is this meeting, or that are linked from its agenda items'
    topics, and that changed since the meeting started (the new ones excluded)."""
    topics = [t for t in meeting.agenda_items.values_list("topic_id", flat=True) if t is not None]
    source = Q(source_type=ContentType.objects.get_for_model(Meeting), source_id=str(meeting.pk))
    return list(
        ActionItem.objects.filter(
            source | Q(topics__in=topics),
            relationship_id=meeting.relationship_id,
            visibility=Visibility.SHARED,
            updated_at__gte=meeting.starts_at,
        )
        .exclude(pk__in=exclude)
        .select_related("relationship", "owner")
        .distinct()
        .order_by("series", "number")
    )


def _item_row(item: ActionItem, agenda_titles: dict[str, str]) -> dict[str, Any]:
    return {
        "key": item.key,
        "reference": item.reference,
        "title": item.title,
        "owner": item.owner.full_name if item.owner else "",
        "owner_side": item.get_owner_side_display(),
        "due_date": item.due_date.isoformat() if item.due_date else "",
        "status": item.get_status_display(),
        "agenda_item": agenda_titles.get(item.source_id, ""),
    }


def document(meeting: Meeting, *, revision: int | None = None) -> dict[str, Any]:
    """The minutes of ``meeting`` as they stand now (``revision``: the current one), as JSON data."""
    zone = _zone(meeting)
    revision = revision or meeting.minutes_revision
    agenda = list(meeting.agenda_items.prefetch_related("outcomes").order_by("position", "id"))
    titles = {str(a.pk): a.title for a in agenda}
    attendees = list(meeting.attendees.select_related("user"))
    new = new_items(meeting)
    updated = updated_items(meeting, {i.pk for i in new})
    approvals = Approval.objects.filter(meeting=meeting, revision=revision).select_related("user")
    corrections = MinutesRevision.objects.filter(meeting=meeting, revision__lt=revision).exclude(
        correction_reason=""
    )
    return {
        "revision": revision,
        "status": meeting.minutes_status,
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "kind": meeting.get_kind_display(),
            "relationship": str(meeting.relationship),
            "starts": _when(meeting.starts_at, zone),
            "ends": _when(meeting.ends_at, zone),
            "time_zone": meeting.time_zone,
            "location": _location(meeting),
            "host_side": meeting.get_host_side_display(),
            "facilitator": meeting.facilitator.full_name if meeting.facilitator else "",
        },
        "attendance": [
            {
                "id": a.pk,
                "name": a.display_name,
                "side": a.get_side_display() if a.side else "",
                "side_value": a.side,
                "external": a.is_external,
                "attended": a.attended,
            }
            for a in attendees
        ],
        "items": [
            {
                "id": a.pk,
                "position": a.position,
                "title": a.title,
                "minutes": a.minutes,
                "decisions": [o.text for o in a.outcomes.all()],
            }
            for a in agenda
        ],
        "new_items": [_item_row(i, titles) for i in new],
        "updated_items": [_item_row(i, titles) for i in updated],
        "approvals": [
            {"side": a.get_side_display(), "name": a.user.full_name or a.user.email, "at": _when(a.at, zone)}
            for a in approvals
        ],
        "corrections": [{"revision": r.revision, "reason": r.correction_reason} for r in corrections],
        "approved_at": "",
    }


SIDE_ORDER = {"supplier": 0, "customer": 1}


def _attendance_order(person: dict[str, Any]) -> tuple[int, str]:
    """The supplier's people, the customer's, the facilitator, then external guests."""
    if person["external"]:
        return 3, person["name"]
    return SIDE_ORDER.get(person.get("side_value", ""), 2), person["name"]


def render_pdf(doc: dict[str, Any], *, draft: bool) -> bytes:
    """The PDF of a minutes document (``draft``: not approved, marked so on every page)."""
    people = sorted(doc["attendance"], key=_attendance_order)
    html = render_to_string(TEMPLATE, {"doc": doc, "draft": draft, "people": people})
    return html_to_pdf(html)


def store_pdf(meeting: Meeting, revision: int, pdf: bytes) -> tuple[str, str]:
    """Store a revision's PDF (``default_storage``): its file name and sha256."""
    name = default_storage.save(f"meetings/minutes/{meeting.pk}/r{revision}.pdf", ContentFile(pdf))
    return name, hashlib.sha256(pdf).hexdigest()


def revision_pdf(revision: MinutesRevision) -> bytes:
    """An approved revision's PDF as stored (printed again from its snapshot if the file is gone)."""
    if revision.pdf and default_storage.exists(revision.pdf):
        with default_storage.open(revision.pdf, "rb") as handle:
            data: bytes = handle.read()
        return data
    return render_pdf(revision.snapshot, draft=False)
