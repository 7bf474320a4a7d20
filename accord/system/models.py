"""Book-keeping of periodic jobs run by `accord tick`."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class JobRun(models.Model):
    """One run of a periodic job for one time slot; the unique slot makes `tick` idempotent."""

    job = models.CharField(max_length=100)
    slot = models.CharField(max_length=40)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="jobrun_unique_slot")]

    def __str__(self) -> str:
        return f"{self.job}@{self.slot}"
