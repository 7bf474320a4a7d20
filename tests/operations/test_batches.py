"""The import batch pipeline: inline or queued, outcome and progress, stalled batches, retry."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accord.operations import columnar, runner, services
from accord.operations.jobs import fail_stalled_imports
from accord.operations.models import BatchStatus, ImportBatch, Shipment
from accord.parties.access import relationship_for_user
from accord.system.services import run_due_jobs
from tests.operations.helpers import SLUG, csv_file

SHIP = ["shipment_id", "product_code", "ship_date", "quantity"]
GOOD = [["S-1", "NW-OTX-100", "2026-01-05", "3"], ["S-2", "NW-OTX-100", "2026-02-05", "2"]]


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def start(
    world: Any, path: Path, *, user: Any = None, kind: str = "shipments", **options: Any
) -> ImportBatch:
    access = relationship_for_user(user or world.sam, slug=SLUG, write=True)
    return services.start_batch(access=access, kind=kind, upload_path=path, file_name=path.name, **options)


@pytest.fixture
def queued(settings: Any) -> None:
    """Every file counts as large: batches wait for the worker (which tests run by hand)."""
    settings.ACCORD_IMPORT_INLINE_MB = 0


def test_a_small_file_is_imported_at_once(world: Any, tmp_path: Path, media: Path) -> None:
    path = csv_file(tmp_path, SHIP, GOOD, "ship.csv")
    batch = start(world, path)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUCCEEDED
    assert (batch.created, batch.updated, batch.unchanged, batch.error_count) == (2, 0, 0, 0)
    assert (batch.rows_total, batch.rows_validated, batch.rows_written) == (2, 2, 2)
    assert batch.uploaded_by == world.sam and batch.relationship == world.nw_ta
    assert batch.duration is not None and batch.duration >= 0
    assert batch.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert batch.stored_file == f"imports/{batch.pk}/ship.csv"
    assert (media / batch.stored_file).read_bytes() == path.read_bytes()
    assert Shipment.objects.count() == 2


def test_a_file_with_bad_rows_is_rejected_with_its_first_errors(world: Any, tmp_path: Path) -> None:
    rows = [[f"S-{i}", "NW-NOPE", "2026-01-05", "1"] for i in range(1200)]
    batch = start(world, csv_file(tmp_path, SHIP, rows))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REJECTED
    assert batch.error_count == 1200
    assert len(batch.errors) == runner.MAX_STORED_ERRORS
    assert batch.errors[0][:3] == [2, "product_code", "NW-NOPE"]
    assert Shipment.objects.count() == 0


def test_a_dry_run_batch_writes_nothing(world: Any, tmp_path: Path) -> None:
    batch = start(world, csv_file(tmp_path, SHIP, GOOD), dry_run=True)
    assert (batch.status, batch.created, batch.rows_written) == (BatchStatus.SUCCEEDED, 2, 0)
    assert Shipment.objects.count() == 0


def test_ignore_extra_is_kept_with_the_batch(world: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [*SHIP, "note"], [[*GOOD[0], "x"]])
    assert start(world, path).status == BatchStatus.REJECTED
    assert start(world, path, ignore_extra=True).status == BatchStatus.SUCCEEDED


def test_a_file_over_the_size_limit_is_rejected_and_not_kept(
    world: Any, tmp_path: Path, settings: Any
) -> None:
    settings.ACCORD_IMPORT_MAX_MB = 0
    batch = start(world, csv_file(tmp_path, SHIP, GOOD))
    assert batch.status == BatchStatus.REJECTED
    assert batch.errors[0][0] == 0 and "at most" in batch.errors[0][3]
    assert batch.stored_file == ""


def test_only_the_suppliers_writers_start_batches(world: Any, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        start(world, csv_file(tmp_path, SHIP, GOOD), user=world.carol)
    assert ImportBatch.objects.count() == 0


def test_a_large_file_is_queued_for_the_worker(
    world: Any, tmp_path: Path, queued: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = start(world, csv_file(tmp_path, SHIP, GOOD))
    assert (batch.status, batch.rows_total) == (BatchStatus.QUEUED, 2)  # estimated from the line ends
    assert len(callbacks) == 1  # the task is enqueued once the batch is committed
    assert Shipment.objects.count() == 0
    done = services.run_batch(batch.pk)  # what the worker does
    assert done.status == BatchStatus.SUCCEEDED
    assert Shipment.objects.count() == 2
    assert services.run_batch(batch.pk).status == BatchStatus.SUCCEEDED  # a batch runs once


def test_the_worker_task_runs_the_batch(
    world: Any, tmp_path: Path, queued: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # the immediate backend runs the task now
        batch = start(world, csv_file(tmp_path, SHIP, GOOD))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUCCEEDED
    assert Shipment.objects.count() == 2


def test_progress_is_recorded_while_a_batch_runs(
    world: Any, tmp_path: Path, queued: None, monkeypatch: Any
) -> None:
    rows = [[f"S-{i:05d}", "NW-OTX-100", "2026-01-05", "1"] for i in range(25_000)]
    batch = start(world, csv_file(tmp_path, SHIP, rows))
    seen: list[tuple[int, int]] = []
    update = runner._Progress.__call__

    def spy(self: Any, stage: str, count: int) -> None:
        update(self, stage, count)
        row = ImportBatch.objects.get(pk=self.batch_id)
        seen.append((row.rows_validated, row.rows_written))

    monkeypatch.setattr(runner._Progress, "__call__", spy)
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 200_000)  # a clean file is read a block at a time
    done = services.run_batch(batch.pk)
    # validation, block by block, outside the transaction: recorded before anything is written
    validating = [validated for validated, _written in seen[: seen.index((25_000, 0)) + 1]]
    assert len(validating) >= 3 and validating == sorted(set(validating))
    assert (done.rows_validated, done.rows_written, done.created) == (25_000, 25_000, 25_000)
    assert done.heartbeat_at is not None


def test_a_batch_whose_worker_was_killed_is_marked_failed_and_can_be_retried(
    world: Any, tmp_path: Path, queued: None
) -> None:
    batch = start(world, csv_file(tmp_path, SHIP, GOOD))
    now = timezone.now()
    # the worker claimed the batch, then was killed: its transaction never committed
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING,
        started_at=now - timedelta(minutes=30),
        heartbeat_at=now - timedelta(minutes=11),
    )
    fresh = start(world, csv_file(tmp_path, SHIP, GOOD, "fresh.csv"))
    ImportBatch.objects.filter(pk=fresh.pk).update(
        status=BatchStatus.RUNNING, heartbeat_at=now - timedelta(minutes=2)
    )
    assert fail_stalled_imports(now) == "marked 1 stalled imports failed"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert "retry" in batch.message
    assert ImportBatch.objects.get(pk=fresh.pk).status == BatchStatus.RUNNING
    assert Shipment.objects.count() == 0  # nothing partial
    retried = services.retry_batch(batch.pk)  # queued again for the worker
    assert retried.status == BatchStatus.QUEUED
    assert services.run_batch(batch.pk).status == BatchStatus.SUCCEEDED
    assert Shipment.objects.count() == 2


def test_a_batch_run_on_this_host_is_alive_while_its_process_is(
    world: Any, tmp_path: Path, queued: None
) -> None:
    """SQLite records no heartbeat while an import writes: a live runner here is never failed; a dead one
    is failed at once, without waiting for its heartbeat to grow stale."""
    now = timezone.now()
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    busy = start(world, csv_file(tmp_path, SHIP, GOOD, "busy.csv"))
    killed = start(world, csv_file(tmp_path, SHIP, GOOD, "killed.csv"))
    elsewhere = start(world, csv_file(tmp_path, SHIP, GOOD, "elsewhere.csv"))
    running = ImportBatch.objects.filter(pk__in=[busy.pk, killed.pk, elsewhere.pk])
    running.update(status=BatchStatus.RUNNING, started_at=now - timedelta(minutes=30))
    ImportBatch.objects.filter(pk=busy.pk).update(
        runner=f"{services.HOST}:{os.getpid()}", heartbeat_at=now - timedelta(minutes=20)
    )
    ImportBatch.objects.filter(pk=killed.pk).update(
        runner=f"{services.HOST}:{finished.pid}", heartbeat_at=now - timedelta(seconds=5)
    )
    ImportBatch.objects.filter(pk=elsewhere.pk).update(
        runner="another-host:1", heartbeat_at=now - timedelta(minutes=2)
    )
    assert services.fail_stalled_batches(now=now) == 1
    statuses = dict(running.values_list("pk", "status"))
    assert statuses == {
        busy.pk: BatchStatus.RUNNING,
        killed.pk: BatchStatus.FAILED,
        elsewhere.pk: BatchStatus.RUNNING,  # its heartbeat is recent
    }
    assert services.fail_stalled_batches(now=now + timedelta(minutes=9)) == 1  # elsewhere: stale now
    assert ImportBatch.objects.get(pk=busy.pk).status == BatchStatus.RUNNING


def test_a_run_records_its_process(world: Any, tmp_path: Path) -> None:
    batch = start(world, csv_file(tmp_path, SHIP, GOOD))
    assert batch.status == BatchStatus.SUCCEEDED
    assert batch.runner == f"{services.HOST}:{os.getpid()}"


def test_the_stalled_import_job_runs_every_minute(world: Any) -> None:
    results = run_due_jobs(only="operations.fail_stalled_imports")
    assert [r.outcome for r in results] == ["marked 0 stalled imports failed"]


def test_an_import_that_breaks_fails_and_leaves_nothing(world: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from accord.measurements import facts

    def broken(self: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(facts.FactCollector, "done", broken)
    batch = start(world, csv_file(tmp_path, SHIP, GOOD))
    assert batch.status == BatchStatus.FAILED
    assert "RuntimeError" in batch.message
    assert (batch.rows_validated, batch.rows_written) == (2, 0)
    assert Shipment.objects.count() == 0
    monkeypatch.undo()
    retried = services.retry_batch(batch.pk)  # small: runs at once
    assert (retried.status, retried.created) == (BatchStatus.SUCCEEDED, 2)
    assert Shipment.objects.count() == 2


def test_only_a_failed_batch_is_retried(world: Any, tmp_path: Path) -> None:
    batch = start(world, csv_file(tmp_path, SHIP, GOOD))
    with pytest.raises(services.BatchNotRetryable):
        services.retry_batch(batch.pk)


def test_a_batch_whose_file_is_gone_fails_on_retry(world: Any, tmp_path: Path, media: Path) -> None:
    batch = start(world, csv_file(tmp_path, SHIP, [["S-1", "NW-OTX-100", "2026-01-05", "x"]]))
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED)
    (media / batch.stored_file).unlink()
    retried = services.retry_batch(batch.pk)
    assert retried.status == BatchStatus.FAILED
    assert "no longer kept" in retried.message
