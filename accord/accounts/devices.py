"""Known devices: a browser where someone signed in before keeps a signed cookie naming (hashed) the
accounts that did, so that the per-account sign-in throttle cannot lock the real person out.

This is OWASP's "device cookie" defence against online guessing: an attacker who fails on purpose to
lock an account out slows down only attempts from unknown browsers; the person's own browser is
throttled on its own failures only (``services.sign_in_wait``).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "accord_device"
SALT = "accord.accounts.device"
MAX_AGE = timedelta(days=365)
MAX_ACCOUNTS = 10  # accounts remembered per browser (a shared computer); the oldest go first


def _account(email: str) -> str:
    """The account as the cookie names it: a hash, so the cookie does not carry the e-mail address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:20]


def _read(request: HttpRequest | None) -> tuple[str, list[str]]:
    """(device id, accounts) from a valid cookie, else ("", [])."""
    if request is None:
        return "", []
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE)
    device, _, accounts = (value or "").partition(":")
    return (device, accounts.split(",")) if device and accounts else ("", [])


def known_device(request: HttpRequest | None, email: str) -> str:
    """The id of this browser when ``email``'s account signed in on it before, else ""."""
    device, accounts = _read(request)
    return device if _account(email) in accounts else ""


def remember(request: HttpRequest, response: HttpResponse, email: str) -> None:
    """After a successful sign-in: this browser is a known device for ``email``'s account."""
    device, accounts = _read(request)
    account = _account(email)
    others = [a for a in accounts if a != account][-(MAX_ACCOUNTS - 1) :]
    response.set_signed_cookie(
        COOKIE,
        f"{device or secrets.token_urlsafe(16)}:{','.join([*others, account])}",
        salt=SALT,
        max_age=int(MAX_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
