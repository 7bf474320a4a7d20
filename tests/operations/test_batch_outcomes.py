"""An import batch's state says what is in the database, whenever its process dies (defect 4 of
issue 9), and a batch past its time limit stops and writes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from accord.lib import timelimit
from accord.measurements import facts
from accord.operations import runner, services
from accord.operations.importers_base import TableImporter
from accord.operations.models import BatchStatus, ImportBatch, Shipment
from accord.parties.access import relationship_for_user
from tests.operations.helpers import SLUG, csv_file

SHIP = ["shipment_id", "product_code", "ship_date", "quantity"]
GOOD = [["S-1", "NW-OTX-100", "2026-01-05", "3"], ["S-2", "NW-OTX-100", "2026-02-05", "2"]]


class Killed(BaseException):
    """What kill -9 does to a process, as far as the code after it is concerned: nothing runs."""


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ACCORD_IMPORT_INLINE_MB = 0  # every batch waits for the "worker" (the test)
    return settings.MEDIA_ROOT


def queued_batch(world: Any, path: Path) -> ImportBatch:
    access = relationship_for_user(world.sam, slug=SLUG, write=True)
    batch = services.start_batch(access=access, kind="shipments", upload_path=path, file_name=path.name)
    assert batch.status == BatchStatus.QUEUED
    return batch


def its_process_is_gone(batch: ImportBatch) -> None:
    """The batch's runner (this test's process) replaced by one that has exited."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    ImportBatch.objects.filter(pk=batch.pk).update(runner=f"{services.HOST}:{gone.pid}")


def test_a_batch_killed_right_after_its_commit_says_it_succeeded(
    world: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    batch = queued_batch(world, csv_file(tmp_path, SHIP, GOOD))
    real_import = runner.run_import

    def import_then_die(**options: Any) -> Any:
        real_import(**options)  # every row committed
        raise Killed  # the process dies before it closes the batch

    monkeypatch.setattr(runner, "run_import", import_then_die)
    with pytest.raises(Killed):
        services.run_batch(batch.pk)
    its_process_is_gone(batch)
    assert services.fail_stalled_batches() == 0  # the stale-batch recovery finds nothing to fail
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUCCEEDED
    assert (batch.created, batch.rows_validated, batch.rows_written, batch.message) == (2, 2, 2, "")
    assert Shipment.objects.filter(relationship=world.nw_ta).count() == 2


def test_a_batch_killed_before_its_commit_is_failed_and_says_nothing_was_written(
    world: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    batch = queued_batch(world, csv_file(tmp_path, SHIP, GOOD))

    def die(self: Any) -> None:  # the last step inside the import's transaction
        raise Killed

    monkeypatch.setattr(facts.FactCollector, "done", die)
    with pytest.raises(Killed):
        services.run_batch(batch.pk)
    its_process_is_gone(batch)
    assert services.fail_stalled_batches() == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert "nothing of it was written" in batch.message
    assert Shipment.objects.count() == 0  # and indeed nothing was


class Clock:
    """``time.monotonic`` that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 1.0
        return self.now


def test_a_batch_past_its_time_limit_fails_with_a_clear_message_and_writes_nothing(
    world: Any, tmp_path: Path, monkeypatch: Any, settings: Any
) -> None:
    rows = [[f"S-{i:05d}", "NW-OTX-100", "2026-01-05", "1"] for i in range(3000)]
    rows[2999][3] = " 1"  # a cell the columnar reader doubts: the file is read row by row
    batch = queued_batch(world, csv_file(tmp_path, SHIP, rows))
    monkeypatch.setattr(timelimit, "time", Clock())  # each look at the clock: one second later
    settings.ACCORD_IMPORT_TIME_LIMIT = 5
    done = services.run_batch(batch.pk)
    assert done.status == BatchStatus.FAILED
    assert "stopped after its time limit of 5 seconds and wrote nothing" in done.message
    assert "ACCORD_IMPORT_TIME_LIMIT" in done.message
    assert done.rows_written == 0
    assert Shipment.objects.count() == 0


def test_the_time_limit_is_checked_once_more_before_writing(
    world: Any, tmp_path: Path, monkeypatch: Any, settings: Any
) -> None:
    """A file whose reading ends just inside the limit is still not written past it."""
    batch = queued_batch(world, csv_file(tmp_path, SHIP, GOOD))
    clock = Clock()
    monkeypatch.setattr(timelimit, "time", clock)
    table_prepare = TableImporter.prepare

    def slow_prepare(self: Any, records: Any, context: Any) -> Any:
        plan = table_prepare(self, records, context)
        clock.now += 100  # comparing took long
        return plan

    monkeypatch.setattr(TableImporter, "prepare", slow_prepare)
    settings.ACCORD_IMPORT_TIME_LIMIT = 50
    done = services.run_batch(batch.pk)
    assert done.status == BatchStatus.FAILED and "time limit of 50 seconds" in done.message
    assert Shipment.objects.count() == 0


def test_no_time_limit_with_0(world: Any, tmp_path: Path, monkeypatch: Any, settings: Any) -> None:
    batch = queued_batch(world, csv_file(tmp_path, SHIP, GOOD))
    monkeypatch.setattr(timelimit, "time", Clock())
    settings.ACCORD_IMPORT_TIME_LIMIT = 0
    assert services.run_batch(batch.pk).status == BatchStatus.SUCCEEDED
    assert Shipment.objects.count() == 2
