"""House-keeping jobs of the foundation."""

from __future__ import annotations

from datetime import datetime, timedelta

from django_tasks_db.models import DBTaskResult

from accord.lib.periodic import periodic
from accord.system.models import JobRun


@periodic("system.prune_finished_tasks", every="day")
def prune_finished_tasks(now: datetime) -> str:
    """Finished background task results are kept 30 days for troubleshooting, then removed."""
    cutoff = now - timedelta(days=30)
    deleted, _ = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    old_runs, _ = JobRun.objects.filter(started_at__lt=now - timedelta(days=90)).delete()
    return f"removed {deleted} task results, {old_runs} job runs"
