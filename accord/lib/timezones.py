"""The IANA time zones a person or a relationship may choose."""

from __future__ import annotations

import zoneinfo

TIME_ZONES = sorted(zoneinfo.available_timezones())
TIME_ZONE_CHOICES = [(tz, tz) for tz in TIME_ZONES]
# For checking a value: zoneinfo.available_timezones() walks the zone files on every call (tens of
# milliseconds), and every save of a site, relationship or meeting checks its zone.
KNOWN_TIME_ZONES = frozenset(TIME_ZONES)
