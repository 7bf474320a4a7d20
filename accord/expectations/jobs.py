"""Daily: assess the month that has just completed (and any facts changed meanwhile) for every
relationship with agreed expectations; idempotent, so it may run again or from two machines."""

from __future__ import annotations

from datetime import datetime

from accord.expectations.assessing import assess_all
from accord.lib.periodic import periodic


@periodic("expectations.assess", every="day")
def assess_expectations(now: datetime) -> str:
    return str(assess_all(now))
