"""The pre-read pack: the meeting's facts, who is invited and the agenda with its data sections, as a PDF
(WeasyPrint, ``accord.lib.pdf``). "Send the pre-read" freezes it: the PDF as sent is stored with
``default_storage`` (under ``MEDIA_ROOT``, the data directory, never served by URL) with its sha256 and
size in a ``Pack`` row, then e-mailed to everyone invited (``emails.pack_sent``, on commit). Later
changes to the agenda or the register never alter a pack that was sent; the live preview is never
stored. Downloads go through the meeting's door (``pack_for_user``)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.audit import services as audit
from accord.lib.pdf import html_to_pdf
from accord.meetings import agenda, emails, rules
from accord.meetings.access import meeting_for_user
from accord.meetings.models import Attendee, Meeting, Pack
from accord.parties.access import RelationshipAccess, first_or_404

PACK_TEMPLATE = "meetings/agenda/pack_pdf.html"
FOLDER = "meetings/packs"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def pack_html(meeting: Meeting, *, generated_at: datetime) -> str:
    """The pack as standalone HTML (what ``pack_pdf`` prints): times in the meeting's time zone."""
    zone = _zone(meeting.time_zone)
    prepared = agenda.prepare(meeting)
    attendees = list(Attendee.objects.filter(meeting=meeting).select_related("user"))
    rel = meeting.relationship
    sides = {"supplier": rel.supplier.name, "customer": rel.customer.name}
    invited = [
        {"name": a.display_name, "side": sides.get(a.side, _("Guest")), "response": a.get_response_display()}
        for a in attendees
    ]
    invited.sort(key=lambda a: (a["side"], a["name"]))
    if meeting.site_id is not None and meeting.site is not None:
        where = str(meeting.site)
    else:
        where = _("Remote") if meeting.remote_link else "–"
    context = {
        "meeting": meeting,
        "rel": rel,
        "agenda": prepared,
        "starts": timezone.localtime(meeting.starts_at, zone),
        "ends": timezone.localtime(meeting.ends_at, zone),
        "zone": str(zone),
        "where": where,
        "host": sides.get(meeting.host_side, meeting.host_side),
        "facilitator": str(getattr(meeting.facilitator, "full_name", "") or meeting.facilitator or ""),
        "invited": invited,
        "generated": f"{timezone.localtime(generated_at, zone):%Y-%m-%d %H:%M} ({zone})",
    }
    return render_to_string(PACK_TEMPLATE, context)


def pack_pdf(meeting: Meeting, *, generated_at: datetime | None = None) -> bytes:
    return html_to_pdf(pack_html(meeting, generated_at=generated_at or timezone.now()))


def _store(meeting: Meeting, pdf: bytes) -> str:
    name = f"{FOLDER}/{meeting.pk}/{secrets.token_hex(16)}.pdf"
    return default_storage.save(name, ContentFile(pdf))


@transaction.atomic
def send(*, access: RelationshipAccess, meeting: Meeting) -> Pack:
    """Freeze the pre-read as it is now and send it to everyone invited (on commit)."""
    if not agenda.may_send_pack(access, meeting):
        raise PermissionDenied(rules.REFUSALS["schedule"])
    now = timezone.now()
    pdf = pack_pdf(meeting, generated_at=now)
    stored = _store(meeting, pdf)
    pack = Pack.objects.create(
        meeting=meeting,
        created_at=now,
        created_by=access.user,
        file=stored,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
    )
    audit.record(
        actor=access.user,
        verb="meeting.pack.sent",
        obj=meeting,
        relationship=access.relationship,
        changes={"pack": [None, pack.sha256]},
    )
    transaction.on_commit(lambda: emails.pack_sent(pack.pk))
    return pack


def read(pack: Pack) -> bytes:
    """The stored bytes of a pack, as sent."""
    with default_storage.open(pack.file, "rb") as f:
        data: bytes = f.read()
    return data


def filename(pack: Pack) -> str:
    return f"pre-read-{pack.meeting_id}-{timezone.localtime(pack.created_at):%Y%m%d-%H%M}.pdf"


def pack_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, meeting_id: int, pack_id: int
) -> tuple[Pack, RelationshipAccess]:
    """A pack of a meeting the viewer may see (else the one 404)."""
    meeting, access = meeting_for_user(user, slug=slug, pk=pk, meeting_id=meeting_id)
    pack = first_or_404(Pack.objects.filter(meeting=meeting, pk=pack_id))
    pack.meeting = meeting
    return pack, access
