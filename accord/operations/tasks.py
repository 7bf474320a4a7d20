"""Background tasks of the operational data: large imports run in the worker (`accord worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import_batch(*, batch_id: int) -> str:
    """Run a queued import batch; returns its final status."""
    from accord.operations.services import run_batch

    return str(run_batch(batch_id).status)
