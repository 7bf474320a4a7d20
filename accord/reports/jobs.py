"""Hourly: generate the reports that are due (the day after their period ends, or as the definition
says), and queue again the renders that failed or were lost. Idempotent: never two issues for one
period and definition."""

from __future__ import annotations

from datetime import datetime

from accord.lib.periodic import periodic
from accord.reports import services


@periodic("reports.schedule", every="hour")
def generate_due(now: datetime) -> str:
    generated, requeued = services.schedule(now)
    return f"generated {generated}, re-queued {requeued} renders"
