"""The meetings' e-mails. Each function below is called inside the service's transaction and only
queues the work for after the commit; the worker decides who gets what (``announce``) and sends one
e-mail per person (``deliver``), never inside a request.

- ``scheduled(meeting_id)``: invitations with an ``.ics`` (METHOD:REQUEST) to everyone invited.
- ``changed(meeting_id)``: the updated invitation (same UID, SEQUENCE bumped).
- ``cancelled(meeting_id)``: METHOD:CANCEL with the same UID.
- ``invited(meeting_id, attendee_ids)``: invitations to people added later.
- ``uninvited(attendee)``: METHOD:CANCEL (same UID) to a person taken off the list, composed while
  their row is still there and sent after the commit.
- ``pack_sent(pack_id)``: the frozen pre-read PDF to everyone invited (external guests included).
- ``minutes_circulated(meeting_id)``: the draft minutes are ready for review and approval.
- ``minutes_approved(meeting_id, revision)``: the approved minutes PDF to everyone invited.

Who gets them: the people invited (``Attendee``). A member gets each kind only while their
preferences allow it (the kinds below, on their profile page) and only while they may still see the
meeting (``Meeting.objects.visible_to`` over their access at sending time). An external guest (no
account) gets the invitation with its updates, the pre-read pack and the approved minutes, and
nothing else. Invitations carry the person's own accept/decline link (``meetings.rsvp``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from accord.accounts.locale import of_recipient
from accord.accounts.preferences import wants
from accord.lib import notify
from accord.lib.mail import Attachment, send_now
from accord.meetings import calendar, rsvp
from accord.meetings.models import Attendee, Meeting, MinutesRevision, Pack, Status

# The kinds of meeting e-mail each person may turn off (accord.lib.notify, the profile page).
INVITATIONS = "meeting_invitation"
PACKS = "meeting_pack"
MINUTES_REVIEW = "meeting_minutes_review"
MINUTES = "meeting_minutes"
KINDS = (
    (INVITATIONS, gettext_lazy("Meeting invitations, their changes and cancellations")),
    (PACKS, gettext_lazy("Pre-read packs of meetings I am invited to")),
    (MINUTES_REVIEW, gettext_lazy("Minutes of my meetings circulated for review")),
    (MINUTES, gettext_lazy("Approved minutes of my meetings")),
)
# What an external guest gets: the invitation (and its updates), the pre-read and the approved minutes.
GUEST_KINDS = frozenset({INVITATIONS, PACKS, MINUTES})

# What happened → the kind of e-mail it makes.
KIND_OF = {
    "scheduled": INVITATIONS,
    "invited": INVITATIONS,
    "changed": INVITATIONS,
    "cancelled": INVITATIONS,
    "pack": PACKS,
    "minutes_circulated": MINUTES_REVIEW,
    "minutes_approved": MINUTES,
}
INVITATION_EVENTS = ("scheduled", "invited", "changed")


def register_kinds() -> None:
    for order, (value, label) in enumerate(KINDS, start=50):
        notify.kind(order, value, label)


# --- what the services call (inside their transaction) ---------------------------------------------

_silenced: ContextVar[bool] = ContextVar("accord.meetings.emails.silenced", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """Queue no meeting e-mail meanwhile (the demo writes two years of invented meetings)."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def _later(**job: Any) -> None:
    if _silenced.get():
        return

    def on_commit_meeting_mail() -> None:
        announce.enqueue(**job)

    transaction.on_commit(on_commit_meeting_mail)


def scheduled(meeting_id: int) -> None:
    _later(event="scheduled", meeting_id=meeting_id)


def changed(meeting_id: int) -> None:
    _later(event="changed", meeting_id=meeting_id)


def cancelled(meeting_id: int) -> None:
    _later(event="cancelled", meeting_id=meeting_id)


def invited(meeting_id: int, attendee_ids: Sequence[int]) -> None:
    _later(event="invited", meeting_id=meeting_id, attendee_ids=[int(pk) for pk in attendee_ids])


def pack_sent(pack_id: int) -> None:
    _later(event="pack", pack_id=pack_id)


def minutes_circulated(meeting_id: int) -> None:
    _later(event="minutes_circulated", meeting_id=meeting_id)


def minutes_approved(meeting_id: int, revision: int) -> None:
    _later(event="minutes_approved", meeting_id=meeting_id, revision=revision)


# --- the worker: who, then one e-mail each ----------------------------------------------------------


@task()
def announce(
    *,
    event: str,
    meeting_id: int | None = None,
    attendee_ids: list[int] | None = None,
    pack_id: int | None = None,
    revision: int | None = None,
) -> list[int]:
    """Queue one e-mail about ``event`` for each person invited (or each of ``attendee_ids``);
    ``deliver`` decides whether that person gets it."""
    if pack_id is not None:
        meeting_id = Pack.objects.filter(pk=pack_id).values_list("meeting_id", flat=True).first()
    if meeting_id is None or event not in KIND_OF:
        return []
    attendees = Attendee.objects.filter(meeting_id=meeting_id)
    if attendee_ids is not None:
        attendees = attendees.filter(pk__in=attendee_ids)
    queued = list(attendees.order_by("pk").values_list("pk", flat=True))
    for attendee_id in queued:
        deliver.enqueue(event=event, attendee_id=attendee_id, pack_id=pack_id, revision=revision)
    return queued


def uninvited(attendee: Attendee) -> None:
    """The person ``attendee`` is taken off the invitation list: their calendar's copy is cancelled."""
    if _silenced.get():
        return
    attendee = Attendee.objects.select_related(*ATTENDEE_RELATED).get(pk=attendee.pk)
    if not may_receive(attendee, INVITATIONS):
        return
    with of_recipient(attendee.user):
        message = _invitation("uninvited", attendee)
    if message is None:
        return
    _method, ics = message.pop("calendar")
    job = {**message, "ics": ics.decode()}

    def on_commit_uninvited_mail() -> None:
        send_cancellation.enqueue(**job)

    transaction.on_commit(on_commit_uninvited_mail)


@task()
def send_cancellation(*, to: list[str], subject: str, body: str, ics: str) -> int:
    return send_now(to=to, subject=subject, body=body, calendar=(calendar.CANCEL, ics.encode()))


ATTENDEE_RELATED = ("user", "meeting__relationship", "meeting__site", "meeting__created_by")


@task()
def deliver(*, event: str, attendee_id: int, pack_id: int | None = None, revision: int | None = None) -> int:
    """Send one person the e-mail about ``event``, if they are to get it; how many were sent (0 or 1)."""
    attendee = Attendee.objects.select_related(*ATTENDEE_RELATED).filter(pk=attendee_id).first()
    if attendee is None or event not in KIND_OF or not may_receive(attendee, KIND_OF[event]):
        return 0
    with of_recipient(attendee.user):
        message = compose(event, attendee, pack_id=pack_id, revision=revision)
    return send_now(**message) if message is not None else 0


def may_receive(attendee: Attendee, kind: str) -> bool:
    """Whether the person invited gets e-mail of ``kind`` about their meeting now."""
    if attendee.user is None:
        return kind in GUEST_KINDS and bool(attendee.email)
    return wants(attendee.user, kind) and rsvp.still_sees(attendee.user, attendee.meeting)


def compose(
    event: str, attendee: Attendee, *, pack_id: int | None = None, revision: int | None = None
) -> dict[str, Any] | None:
    """The e-mail (``send_now``'s arguments) about ``event`` for ``attendee``, or None when there is
    nothing to send any more (an invitation to a meeting cancelled meanwhile, a pack that is gone)."""
    meeting = attendee.meeting
    if event in INVITATION_EVENTS or event == "cancelled":
        return _invitation(event, attendee)
    if event == "pack":
        pack = Pack.objects.filter(pk=pack_id or 0, meeting=meeting).first()
        content = _stored(pack.file) if pack is not None else None
        subject = _("Pre-read: %(title)s") % {"title": meeting.title}
        headline = _("The pre-read pack of this meeting is attached.")
        name = f"pre-read-{slugify(meeting.title)[:60] or meeting.pk}.pdf"
    elif event == "minutes_approved":
        found = MinutesRevision.objects.filter(meeting=meeting, revision=revision or 0).first()
        content = _stored(found.pdf) if found is not None and found.pdf else None
        subject = _("Approved minutes: %(title)s") % {"title": meeting.title}
        headline = _("The minutes of this meeting were approved by both sides; they are attached.")
        name = f"minutes-{slugify(meeting.title)[:60] or meeting.pk}-r{revision}.pdf"
    else:  # minutes circulated: members only (may_receive), read on the meeting's page
        content, name = None, ""
        subject = _("Minutes for review: %(title)s") % {"title": meeting.title}
        headline = _("The draft minutes of this meeting are ready for your review and approval.")
    if content is None and event != "minutes_circulated":
        return None
    attachments: list[Attachment] = [(name, content, "application/pdf")] if content is not None else []
    body = render_to_string(
        "email/meeting_document.txt", {**_context(attendee), "headline": headline, "attached": bool(content)}
    )
    return {"to": [_address(attendee)], "subject": subject, "body": body, "attachments": attachments}


def _invitation(event: str, attendee: Attendee) -> dict[str, Any] | None:
    meeting = attendee.meeting
    if event != "cancelled" and meeting.status == Status.CANCELLED:
        return None  # cancelled before this went out: the cancellation says it all
    if meeting.ends_at <= timezone.now():
        return None  # over (someone added afterwards, say, who attended): no calendar to update
    method = calendar.CANCEL if event in ("cancelled", "uninvited") else calendar.REQUEST
    # a person taken off the list: their own copy, cancelled (RFC 5546 3.2.5: just that attendee)
    everyone = [attendee] if event == "uninvited" else list(meeting.attendees.select_related("user"))
    ics = calendar.invitation(_with_agenda(meeting), everyone, method)
    context = _context(attendee)
    if event == "uninvited":
        subject = _("No longer invited: %(title)s, %(when)s") % {
            "title": meeting.title,
            "when": context["when"],
        }
        headline = _("You are no longer invited to this meeting; the attached cancellation removes it.")
    elif event == "cancelled":
        subject = _("Cancelled: %(title)s, %(when)s") % {"title": meeting.title, "when": context["when"]}
        headline = _("This meeting is cancelled.")
    elif event == "changed":
        subject = _("Updated invitation: %(title)s, %(when)s") % {
            "title": meeting.title,
            "when": context["when"],
        }
        headline = _("This meeting changed; the invitation attached replaces the earlier one.")
    else:
        subject = _("Invitation: %(title)s, %(when)s") % {"title": meeting.title, "when": context["when"]}
        headline = _("You are invited to this meeting.")
    if event not in ("cancelled", "uninvited"):
        context["answer_url"] = rsvp.answer_url(attendee)
    body = render_to_string("email/meeting_invitation.txt", {**context, "headline": headline})
    return {"to": [_address(attendee)], "subject": subject, "body": body, "calendar": (method, ics)}


def _with_agenda(meeting: Meeting) -> Meeting:
    """The meeting with its agenda's titles at hand (the invitation's description lists them)."""
    prefetch_related_objects([meeting], "agenda_items")
    return meeting


def _address(attendee: Attendee) -> str:
    return attendee.user.email if attendee.user is not None else attendee.email


def _stored(name: str) -> bytes | None:
    """A stored file's bytes (``default_storage``), or None when it is not there."""
    try:
        with default_storage.open(name, "rb") as handle:
            return bytes(handle.read())
    except (OSError, ValueError):
        return None


def _when(meeting: Meeting, zone: str) -> str:
    tz = ZoneInfo(zone)
    start, end = timezone.localtime(meeting.starts_at, tz), timezone.localtime(meeting.ends_at, tz)
    weekday_date = _("D j M Y")  # a date format (Django's ``date`` filter): each language writes its own
    day = formats.date_format(start, weekday_date)
    if start.date() == end.date():
        return f"{day} {start:%H:%M}–{end:%H:%M} ({zone})"
    return f"{day} {start:%H:%M} – {formats.date_format(end, weekday_date)} {end:%H:%M} ({zone})"


def _context(attendee: Attendee) -> dict[str, Any]:
    meeting = attendee.meeting
    when = _when(meeting, meeting.time_zone)
    mine = getattr(attendee.user, "time_zone", "") or meeting.time_zone
    try:
        ZoneInfo(mine)
    except (ValueError, KeyError):  # not a zone (ZoneInfoNotFoundError is a KeyError)
        mine = meeting.time_zone
    return {
        "meeting": meeting,
        "recipient": attendee.display_name,
        "when": when,
        "your_when": _when(meeting, mine) if mine != meeting.time_zone else "",
        "where": calendar.location(meeting),
        "answer": attendee.get_response_display(),
        "member": attendee.user is not None,
        "url": calendar.meeting_url(meeting) if attendee.user is not None else "",
    }
