"""The IANA time zones a person or a relationship may choose."""

from __future__ import annotations

import zoneinfo

TIME_ZONES = sorted(zoneinfo.available_timezones())
TIME_ZONE_CHOICES = [(tz, tz) for tz in TIME_ZONES]
