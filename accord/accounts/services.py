"""Writes about people's accounts: API tokens, sign-in throttling, passwords."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts import locale
from accord.accounts.models import ApiToken, LoginFailure, User, hash_token, new_token_value
from accord.audit import services as audit


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the raw value is returned once and only its hash is stored."""
    raw = new_token_value()
    token = ApiToken.objects.create(
        user=user, name=name.strip() or "API token", key_hash=hash_token(raw), hint=raw[:8]
    )
    audit.record(actor=user, verb="token.created", obj=token)
    return token, raw


@transaction.atomic
def revoke_api_token(*, user: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=user, verb="token.revoked", obj=token)
    return token


def user_for_token(raw: str) -> User | None:
    """The active user behind a raw bearer token, or None. Records when it was last used."""
    if not raw:
        return None
    token = ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# Sign-in throttling: each failure makes the next attempt wait twice as long (1 s, 2 s, 4 s, … up to
# ACCORD_LOGIN_MAX_DELAY_SECONDS), counted per account and per client address. A refused attempt is not
# checked (no password hashing, no sleeping worker) and does not count. A known device (``devices``)
# is throttled on its own failures for that account only, so no one can lock someone else out.
ACCOUNT_WINDOW = timedelta(days=1)  # failures older than this are forgotten (and deleted by a job)
ADDRESS_WINDOW = timedelta(hours=1)
ADDRESS_FREE_FAILURES = 20  # an office behind one address makes typos too


def _delay(failures: int, *, free: int = 0) -> int:
    """Seconds the next attempt waits after the last of ``failures`` failures."""
    over = failures - free
    return 0 if over <= 0 else min(2 ** min(over - 1, 30), settings.ACCORD_LOGIN_MAX_DELAY_SECONDS)


def _wait(failures: QuerySet[LoginFailure], now: datetime, *, free: int = 0) -> int:
    found = failures.aggregate(n=Count("id"), last=Max("at"))
    if not found["n"]:
        return 0
    remaining = found["last"] + timedelta(seconds=_delay(found["n"], free=free)) - now
    return max(0, math.ceil(remaining.total_seconds()))


def sign_in_wait(*, email: str, ip: str | None, device: str = "") -> int:
    """Seconds before ``email`` may try to sign in again from this client (0: now). ``device`` is the
    known-device id of the browser for this account (``devices.known_device``), or ""."""
    now = timezone.now()
    email = email.strip().lower()
    account = LoginFailure.objects.filter(email=email, at__gte=now - ACCOUNT_WINDOW)
    if device:
        return _wait(account.filter(device=device), now)
    address = LoginFailure.objects.filter(ip=ip, at__gte=now - ADDRESS_WINDOW) if ip else None
    return max(_wait(account, now), _wait(address, now, free=ADDRESS_FREE_FAILURES) if address else 0)


def record_login_failure(*, email: str, ip: str | None, device: str = "") -> None:
    LoginFailure.objects.create(email=email.strip().lower()[:254], ip=ip or None, device=device[:32])


def clear_login_failures(*, email: str) -> None:
    """After a successful sign-in: the account's failures no longer slow anyone down."""
    LoginFailure.objects.filter(email=email.strip().lower()).delete()


PROFILE_FIELDS = ["full_name", "job_title", "time_zone", "language"]


@transaction.atomic
def update_profile(*, user: User, full_name: str, job_title: str, time_zone: str, language: str = "") -> User:
    if language and not locale.supported(language):
        raise ValidationError({"language": _("Accord is not available in '%(code)s'.") % {"code": language}})
    before = audit.snapshot(user, PROFILE_FIELDS)
    user.full_name, user.job_title, user.time_zone, user.language = full_name, job_title, time_zone, language
    user.save(update_fields=PROFILE_FIELDS)
    changes = audit.changes_between(before, audit.snapshot(user, before))
    if changes:
        audit.record(actor=user, verb="profile.updated", obj=user, changes=changes)
    return user
