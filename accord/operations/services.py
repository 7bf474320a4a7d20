"""Import batches: one upload of one file of operational data, from upload to outcome.

``start_batch`` keeps the file (``MEDIA_ROOT/imports/<batch id>/``, with its SHA-256, for a retry)
and runs a small file at once; a larger one is queued for the worker. ``accord import`` records the
same batch (``create_batch``) and runs it in its own process (``execute_batch``), so imports from the
page, the API and the command all appear in the relationship's import history. ``run_batch`` (in
``runner``, which the worker's task calls too) runs the import (``accord.lib.importing.run_import``:
every row validated, then all rows written in one transaction, or nothing) and records its outcome.
``fail_stalled_batches`` (a periodic job) marks a running batch failed when its process (on this
host) is gone, or (elsewhere) its heartbeat stopped: its worker was killed. A batch's success
commits in the same transaction as its rows, so a batch still running then certainly wrote nothing.
``retry_batch`` runs a failed batch again from the kept file.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accord.lib.importing import RowError, get_importer
from accord.lib.tabular import MB, TabularError, check_upload_size
from accord.operations.models import BatchStatus, ImportBatch
from accord.operations.runner import (
    HOST,
    check_may_import,
    execute_batch,
    finish_batch,
    may_import,
    run_batch,
)
from accord.operations.tasks import run_import_batch
from accord.parties.access import RelationshipAccess

# what callers import from here, though ``runner`` runs a batch
__all__ = [
    "BatchNotRetryable",
    "check_may_import",
    "create_batch",
    "execute_batch",
    "fail_stalled_batches",
    "may_import",
    "retry_batch",
    "run_batch",
    "start_batch",
]

DEFAULT_INLINE_MB = 5
STALE_AFTER = timedelta(minutes=10)
READ_CHUNK = 1024 * 1024


class BatchNotRetryable(Exception):
    """Only a failed batch can be retried."""


def inline_max_bytes() -> int:
    """Files up to ``ACCORD_IMPORT_INLINE_MB`` (5 MB) are imported at once; larger ones by the worker."""
    return int(float(getattr(settings, "ACCORD_IMPORT_INLINE_MB", DEFAULT_INLINE_MB)) * MB)


# --- start ----------------------------------------------------------------------------------------


def start_batch(
    *,
    access: RelationshipAccess,
    kind: str,
    upload_path: str | os.PathLike[str],
    file_name: str,
    dry_run: bool = False,
    ignore_extra: bool = False,
) -> ImportBatch:
    """Record and keep an uploaded file, then import it now (small) or queue it for the worker.

    Raises ``PermissionDenied`` unless the person may import, ``UnknownImportKind`` for an unknown
    kind. A file over the size limit gives a rejected batch (nothing kept).
    """
    batch, size = create_batch(
        access=access,
        kind=kind,
        upload_path=upload_path,
        file_name=file_name,
        dry_run=dry_run,
        ignore_extra=ignore_extra,
    )
    if batch.status != BatchStatus.QUEUED:
        return batch
    return _launch(batch, size)


def create_batch(
    *,
    access: RelationshipAccess,
    kind: str,
    upload_path: str | os.PathLike[str],
    file_name: str,
    dry_run: bool = False,
    ignore_extra: bool = False,
) -> tuple[ImportBatch, int]:
    """The queued batch of a kept file, and the file's size; a rejected batch when it is too large.

    ``start_batch`` then runs it or queues it; ``accord import`` runs it in its own process
    (``execute_batch``), whatever its size.
    """
    check_may_import(access)
    get_importer(kind)
    size = os.path.getsize(upload_path)
    batch = ImportBatch.objects.create(
        relationship=access.relationship,
        kind=kind,
        file_name=Path(file_name).name[:255],
        uploaded_by=access.user,
        dry_run=dry_run,
        ignore_extra=ignore_extra,
        status=BatchStatus.QUEUED,
    )
    try:
        check_upload_size(size)
    except TabularError as exc:
        finish_batch(batch, BatchStatus.REJECTED, errors=[RowError(0, "", "", exc.message)])
        return batch, size
    batch.sha256, batch.stored_file = _store(batch.pk, upload_path, file_name)
    batch.rows_total = _estimate_rows(upload_path, file_name)
    batch.save(update_fields=["sha256", "stored_file", "rows_total"])
    return batch, size


def _launch(batch: ImportBatch, size: int) -> ImportBatch:
    if size <= inline_max_bytes():
        return run_batch(batch.pk)
    batch_id = batch.pk
    transaction.on_commit(lambda: run_import_batch.enqueue(batch_id=batch_id))
    return batch


def _store(batch_id: int, upload_path: str | os.PathLike[str], file_name: str) -> tuple[str, str]:
    """Keep the file in the storage under imports/<batch id>/; its SHA-256 and stored name."""
    digest = hashlib.sha256()
    with open(upload_path, "rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            digest.update(chunk)
        handle.seek(0)
        safe = get_valid_filename(Path(file_name).name) or "upload"
        name = default_storage.save(f"imports/{batch_id}/{safe}", File(handle))
    return digest.hexdigest(), name


def _estimate_rows(path: str | os.PathLike[str], file_name: str) -> int:
    """The number of record rows of a CSV file by its line ends (for the progress bar); 0 unknown."""
    if Path(file_name).suffix.lower() != ".csv":
        return 0
    lines = 0
    last = b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


# --- retry and the stalled ------------------------------------------------------------------------


def retry_batch(batch_id: int) -> ImportBatch:
    """Run a failed batch again from its kept file (now when small, else in the worker)."""
    reset = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.FAILED).update(
        status=BatchStatus.QUEUED,
        started_at=None,
        finished_at=None,
        heartbeat_at=None,
        rows_validated=0,
        rows_written=0,
        created=0,
        updated=0,
        unchanged=0,
        error_count=0,
        errors=[],
        message="",
    )
    if not reset:
        raise BatchNotRetryable(_("Only a failed import can be retried."))
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        size = default_storage.size(batch.stored_file) if batch.stored_file else None
    except (OSError, NotImplementedError):
        size = None
    if size is None:
        finish_batch(
            batch, BatchStatus.FAILED, message=_("The uploaded file is no longer kept; upload it again.")
        )
        return batch
    return _launch(batch, size)


def fail_stalled_batches(*, now: datetime | None = None) -> int:
    """Mark running batches that stopped failed; how many.

    A batch run by a process on this host is alive while that process is (SQLite records no
    heartbeat while the import writes, which may take minutes), and dead as soon as it is gone. A
    batch run elsewhere is dead when its heartbeat is older than ``STALE_AFTER``.
    """
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    running = ImportBatch.objects.filter(status=BatchStatus.RUNNING)
    dead = []
    for pk, runner, heartbeat, started in running.values_list("pk", "runner", "heartbeat_at", "started_at"):
        here = _process_here(runner)
        if here is None:
            if (heartbeat or started or now) < cutoff:
                dead.append(pk)
        elif not here:
            dead.append(pk)
    return ImportBatch.objects.filter(pk__in=dead, status=BatchStatus.RUNNING).update(
        status=BatchStatus.FAILED,
        finished_at=now,
        message=_(
            "The import stopped before its rows were committed (its worker was stopped), so nothing "
            "of it was written; retry it."
        ),
    )


def _process_here(runner: str) -> bool | None:
    """Whether the process ``runner`` (host:pid) is alive, when it is on this host; None elsewhere."""
    host, _sep, pid = runner.rpartition(":")
    if host != HOST or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True
