"""Running the periodic jobs (`accord tick`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from accord.lib.periodic import REGISTRY, slot_for
from accord.system.models import JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickResult:
    job: str
    slot: str
    ran: bool
    outcome: str


def run_due_jobs(*, now: datetime | None = None, only: str | None = None) -> list[TickResult]:
    """Run each registered job whose current slot has not run yet; idempotent."""
    autodiscover_modules("jobs")
    now = now or timezone.now()
    results: list[TickResult] = []
    for name in sorted(REGISTRY):
        if only and name != only:
            continue
        job = REGISTRY[name]
        slot = slot_for(job.every, now.astimezone(UTC))
        try:
            with transaction.atomic():
                run = JobRun.objects.create(job=name, slot=slot)
        except IntegrityError:
            results.append(TickResult(name, slot, False, "already ran"))
            continue
        try:
            outcome = job.func(now) or "ok"
        except Exception as exc:  # a failing job must not stop the others; it is logged and kept
            log.exception("periodic job %s failed", name)
            outcome = f"failed: {exc}"
        JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), outcome=outcome[:2000])
        results.append(TickResult(name, slot, True, outcome))
    return results
