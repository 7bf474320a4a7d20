"""Answering an invitation: accept or decline, by the personal link of the invitation e-mail (no
sign-in: the link's token is the credential) or on the meeting's page (signed in).

Each invitation's link token is derived, not stored: an HMAC of the attendee row under the site's
secret key (as Django's password-reset links are), and only its SHA-256 is kept in
``Attendee.token_hash`` for the lookup. So every e-mail about the meeting (the invitation, each
update) carries the same link and an earlier e-mail's link keeps working, while the database alone
gives no one a working link. Removing the person from the meeting ends their link.
"""

from __future__ import annotations

import hashlib
import hmac
from base64 import urlsafe_b64encode
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accord.audit import services as audit
from accord.lib.mail import absolute_url
from accord.meetings.access import meeting_accesses
from accord.meetings.models import Attendee, Meeting, Response, Status
from accord.parties.access import RelationshipAccess

SALT = "accord.meetings.rsvp"
ANSWERS = (Response.ACCEPTED, Response.DECLINED)
TOKEN_MAX = 100  # a longer token in an address is not one of ours


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _derive(attendee: Attendee) -> str:
    digest = salted_hmac(SALT, f"{attendee.pk}:{attendee.meeting_id}", algorithm="sha256").digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_for(attendee: Attendee) -> str:
    """The attendee's answer token (kept, hashed, on the row the first time it is asked for)."""
    raw = _derive(attendee)
    hashed = hash_token(raw)
    if not hmac.compare_digest(attendee.token_hash, hashed):
        Attendee.objects.filter(pk=attendee.pk).update(token_hash=hashed)
        attendee.token_hash = hashed
    return raw


def answer_url(attendee: Attendee) -> str:
    return absolute_url(reverse("meetings:answer", args=[token_for(attendee)]))


def still_sees(user: Any, meeting: Meeting) -> bool:
    """Whether ``user`` may still see ``meeting`` (a member removed since, or an inactive person,
    may not): ``Meeting.objects.visible_to`` over their access now."""
    if user is None or not user.is_active:
        return False
    accesses = meeting_accesses(user, [meeting.relationship])
    return Meeting.objects.visible_to(*accesses).filter(pk=meeting.pk).exists()


def is_open(meeting: Meeting) -> bool:
    """An invitation is answered until the meeting is over or cancelled."""
    return meeting.status == Status.SCHEDULED and meeting.ends_at > timezone.now()


def attendee_for_token(raw: str) -> Attendee | None:
    """The invitation behind an answer link, or None: an unknown token, a meeting that is over or
    cancelled, or a member who may no longer see the meeting all look the same."""
    if not raw or len(raw) > TOKEN_MAX:
        return None
    attendee = (
        Attendee.objects.select_related("meeting__relationship", "meeting__site", "user")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if attendee is None or not hmac.compare_digest(_derive(attendee), raw):
        return None  # a row from before a change of the secret key
    if not is_open(attendee.meeting):
        return None
    if attendee.user_id is not None and not still_sees(attendee.user, attendee.meeting):
        return None
    return attendee


def my_invitation(access: RelationshipAccess, meeting: Meeting) -> Attendee | None:
    """The signed-in viewer's own invitation to ``meeting``, if they are invited."""
    return meeting.attendees.filter(user=access.user).first()


@transaction.atomic
def answer(*, attendee: Attendee, response: str, actor: Any = None) -> Attendee:
    """Record an invitee's answer (accepted or declined; they may change their mind while the meeting
    is ahead). ``actor`` is the signed-in person, None for an answer by link."""
    if response not in ANSWERS:
        raise ValidationError({"response": _("Answer accept or decline.")})
    meeting = attendee.meeting
    if not is_open(meeting):
        raise ValidationError(_("This meeting is over or cancelled: it takes no more answers."))
    locked = Attendee.objects.select_for_update().filter(pk=attendee.pk).first()
    if locked is None:
        raise ValidationError(_("You are no longer invited to this meeting."))
    before = locked.response
    if before != response:
        locked.response = response
        locked.responded_at = timezone.now()
        locked.save(update_fields=["response", "responded_at"])
        audit.record(
            actor=actor if actor is not None else attendee.user,
            verb="meeting.answered",
            obj=meeting,
            relationship=meeting.relationship,
            changes={"answer": [before, response]},
            label=f"{meeting.title}: {attendee.display_name}",
        )
    attendee.response, attendee.responded_at = locked.response, locked.responded_at
    return attendee


def answer_as_member(*, access: RelationshipAccess, meeting: Meeting, response: str) -> Attendee:
    """A signed-in invitee answers on the meeting's page; someone not invited is refused (403)."""
    attendee = my_invitation(access, meeting)
    if attendee is None:
        raise PermissionDenied(_("Only the people invited answer the invitation."))
    attendee.meeting = meeting
    return answer(attendee=attendee, response=response, actor=access.user)
