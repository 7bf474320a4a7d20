from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accord.lib.periodic import periodic
from accord.register.emails import send_digests


@periodic("register.daily_digest", every="hour")
def daily_digest(now: datetime) -> str:
    """Hourly, so a digest missed by a stopped worker still goes out that day; each person gets one a day."""
    return f"sent {send_digests(timezone.localdate(now))} digests"
