"""Writes about people's accounts: API tokens, sign-in throttling, passwords."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

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


def _window_start() -> Any:
    return timezone.now() - timedelta(minutes=settings.ACCORD_LOGIN_LOCKOUT_MINUTES)


def is_locked_out(*, email: str, ip: str | None) -> bool:
    """Too many recent failures for this address, or (five times as many) from this client."""
    limit = settings.ACCORD_LOGIN_FAILURE_LIMIT
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    if recent.filter(email=email.strip().lower()).count() >= limit:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= limit * 5


def record_login_failure(*, email: str, ip: str | None) -> None:
    LoginFailure.objects.create(email=email.strip().lower()[:254], ip=ip or None)


def clear_login_failures(*, email: str) -> None:
    LoginFailure.objects.filter(email=email.strip().lower()).delete()


@transaction.atomic
def update_profile(*, user: User, full_name: str, job_title: str, time_zone: str) -> User:
    before = audit.snapshot(user, ["full_name", "job_title", "time_zone"])
    user.full_name, user.job_title, user.time_zone = full_name, job_title, time_zone
    user.save(update_fields=["full_name", "job_title", "time_zone"])
    changes = audit.changes_between(before, audit.snapshot(user, before))
    if changes:
        audit.record(actor=user, verb="profile.updated", obj=user, changes=changes)
    return user
