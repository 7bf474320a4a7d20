"""Background tasks of the operational data: large imports run in the worker (`accord worker`)."""

from __future__ import annotations

from django_tasks import task

from accord.operations.runner import run_batch


@task()
def run_import_batch(*, batch_id: int) -> str:
    """Run a queued import batch; returns its final status."""
    return str(run_batch(batch_id).status)
