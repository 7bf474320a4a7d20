from __future__ import annotations

from datetime import datetime, timedelta

from accord.accounts.models import LoginFailure
from accord.lib.periodic import periodic


@periodic("accounts.forget_login_failures", every="hour")
def forget_login_failures(now: datetime) -> str:
    """Failed sign-ins matter only for throttling; after a day they are forgotten."""
    deleted, _ = LoginFailure.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return f"forgot {deleted} failed sign-ins"
