"""The invitation link: the one page of Accord open without an account.

Its token is an HMAC-SHA256 of (invitation id, a random nonce) under the site's secret key (256 bits,
urlsafe base64), as Django's password-reset links are; only the token's SHA-256 is stored, so the
database alone opens no survey, and the same link can be sent again in a reminder. Sending a new link
draws a new nonce, which ends the old one. A link opens exactly its own invitation's survey, while the
survey is open, until the invitation expires and until its response is submitted; an unknown, ended or
mistyped link all look the same.

The door is throttled by client address: misses (a token that opens nothing) and all requests are
counted over a window (``DoorHit``), so no one can guess tokens or flood the autosave.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from base64 import urlsafe_b64encode
from datetime import timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accord.feedback.models import DoorHit, Invitation, SurveyStatus

SALT = "accord.feedback.invitation"
TOKEN_MAX = 100  # a longer token in an address is not one of ours
WINDOW = timedelta(minutes=10)
MISSES_MAX = 20  # unknown tokens from one address in the window
HITS_MAX = 300  # requests from one address in the window (a phone's autosave is one per change)
KEEP = timedelta(days=1)


def new_nonce() -> str:
    return secrets.token_hex(16)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def derive(invitation_id: int, nonce: str) -> str:
    digest = salted_hmac(SALT, f"{invitation_id}:{nonce}", algorithm="sha256").digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_for(invitation: Invitation) -> str:
    return derive(invitation.pk, invitation.nonce)


def is_usable(invitation: Invitation, now: object = None) -> bool:
    now = now or timezone.now()
    return (
        invitation.submitted_at is None
        and invitation.expires_at > now  # type: ignore[operator]
        and invitation.survey.status == SurveyStatus.OPEN
    )


def invitation_for_token(raw: str) -> Invitation | None:
    """The invitation behind a link, or None: unknown, expired, submitted, of a survey not open, or of a
    member (members answer signed in, so a member who has left answers no more)."""
    if not raw or len(raw) > TOKEN_MAX:
        return None
    invitation = (
        Invitation.objects.select_related("survey__relationship__supplier", "survey__relationship__customer")
        .select_related("survey__template", "survey__site", "survey__meeting", "user")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if invitation is None or not hmac.compare_digest(token_for(invitation), raw):
        return None  # a row from before a change of the secret key
    if not is_usable(invitation):
        return None
    if invitation.user_id is not None:
        return None  # a member answers signed in, from their dashboard
    return invitation


def wait(ip: str | None) -> int:
    """Seconds before this address may use the door again (0: now)."""
    now = timezone.now()
    found = DoorHit.objects.filter(ip=ip, at__gte=now - WINDOW).aggregate(
        hits=Count("id"), misses=Count("id", filter=Q(miss=True)), last=Max("at")
    )
    if found["misses"] < MISSES_MAX and found["hits"] < HITS_MAX:
        return 0
    first = (
        DoorHit.objects.filter(ip=ip, at__gte=now - WINDOW)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    left = (first + WINDOW - now).total_seconds() if first else WINDOW.total_seconds()
    return max(1, math.ceil(left))


def hit(ip: str | None, *, miss: bool) -> None:
    DoorHit.objects.create(ip=ip, miss=miss)


def forget_old() -> int:
    return DoorHit.objects.filter(at__lt=timezone.now() - KEEP).delete()[0]
