"""Import batches: one upload of one file of operational data, from upload to outcome.

``start_batch`` keeps the file (``MEDIA_ROOT/imports/<batch id>/``, with its SHA-256, for a retry)
and runs a small file at once; a larger one is queued for the worker. ``accord import`` records the
same batch (``create_batch``) and runs it in its own process (``execute_batch``), so imports from the
page, the API and the command all appear in the relationship's import history. ``run_batch`` runs the import
(``accord.lib.importing.run_import``: every row validated, then all rows written in one transaction,
or nothing) and records its outcome: ``succeeded``, ``rejected`` (bad rows: the first errors and
their count are kept) or ``failed`` (the import itself broke). While it runs it reports progress
(rows validated, rows written) and a heartbeat; ``fail_stalled_batches`` (a periodic job) marks a
running batch failed when its process (on this host) is gone, or (elsewhere) its heartbeat stopped:
its worker was killed, and since the import is one transaction nothing of it stayed.
``retry_batch`` runs a failed batch again from the kept file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accord.lib.importing import ImportResult, RowError, get_importer, run_import
from accord.lib.tabular import MB, TabularError, check_upload_size
from accord.operations.models import BatchStatus, ImportBatch
from accord.parties.access import RelationshipAccess, relationship_for_user
from accord.parties.models import Side

log = logging.getLogger(__name__)

DEFAULT_INLINE_MB = 5
STALE_AFTER = timedelta(minutes=10)
MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 10_000
READ_CHUNK = 1024 * 1024
HOST = socket.gethostname()


class BatchNotRetryable(Exception):
    """Only a failed batch can be retried."""


def inline_max_bytes() -> int:
    """Files up to ``ACCORD_IMPORT_INLINE_MB`` (5 MB) are imported at once; larger ones by the worker."""
    return int(float(getattr(settings, "ACCORD_IMPORT_INLINE_MB", DEFAULT_INLINE_MB)) * MB)


def may_import(access: RelationshipAccess) -> bool:
    """Operational data is the supplier's: its editors and admins import it."""
    return access.side == Side.SUPPLIER and access.can_write and not access.is_guest


def check_may_import(access: RelationshipAccess) -> None:
    if not may_import(access):
        raise PermissionDenied(_("Only editors and admins of the supplier may import operational data."))


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
        _finish(batch, BatchStatus.REJECTED, errors=[RowError(0, "", "", exc.message)])
        return batch, size
    batch.sha256, batch.stored_file = _store(batch.pk, upload_path, file_name)
    batch.rows_total = _estimate_rows(upload_path, file_name)
    batch.save(update_fields=["sha256", "stored_file", "rows_total"])
    return batch, size


def _launch(batch: ImportBatch, size: int) -> ImportBatch:
    if size <= inline_max_bytes():
        return run_batch(batch.pk)
    from accord.operations.tasks import run_import_batch

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


# --- run ------------------------------------------------------------------------------------------


class _Progress:
    """``progress(stage, rows)`` for ``run_import``: quick UPDATEs of the batch's counters.

    Validation runs outside the import's transaction: its progress is an ordinary UPDATE. Writing
    runs inside it, where an UPDATE on the same connection would be invisible until the end; on a
    database with concurrent writers (PostgreSQL) a second connection records it at once. SQLite has
    one writer, the import itself, so there the counts are recorded when the batch finishes.
    """

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.last_written = 0
        self.side: Any = None

    def __call__(self, stage: str, rows: int) -> None:
        now = timezone.now()
        if stage == "validated":
            self._update(rows_validated=rows, heartbeat_at=now)
            return
        if rows - self.last_written < PROGRESS_EVERY:
            return
        self.last_written = rows
        if not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            self._update(rows_written=rows, heartbeat_at=now)
        elif connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
            self._side_update(rows, now)

    def _update(self, **values: Any) -> None:
        try:
            ImportBatch.objects.filter(pk=self.batch_id).update(**values)
        except DatabaseError:  # e.g. SQLite busy with another writer: progress is a courtesy
            log.warning("could not record the progress of import batch %s", self.batch_id, exc_info=True)

    def _side_update(self, rows: int, now: datetime) -> None:
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            quote = self.side.ops.quote_name
            sql = (  # the model's own table and column names, quoted; the values are parameters
                f"UPDATE {quote(ImportBatch._meta.db_table)} SET {quote('rows_written')} = %s, "  # noqa: S608
                f"{quote('heartbeat_at')} = %s WHERE {quote('id')} = %s"
            )
            with self.side.cursor() as cursor:
                cursor.execute(sql, [rows, now, self.batch_id])
        except Exception:  # progress is a courtesy: never let it break the import
            log.warning("could not record the progress of import batch %s", self.batch_id, exc_info=True)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def run_batch(batch_id: int) -> ImportBatch:
    """Run a queued batch (once: a batch not queued is returned as it is) and record the outcome."""
    return execute_batch(batch_id)[0]


def execute_batch(batch_id: int) -> tuple[ImportBatch, ImportResult | None]:
    """``run_batch``, also giving the import's result (every error, where the batch keeps the first
    ``MAX_STORED_ERRORS``); None when the batch was not queued or the import broke."""
    now = timezone.now()
    claimed = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        runner=f"{HOST}:{os.getpid()}",
    )
    batch = ImportBatch.objects.select_related("relationship", "uploaded_by").get(pk=batch_id)
    if not claimed:
        return batch, None
    progress = _Progress(batch.pk)
    try:
        access = _access_of(batch)
        with _opened(batch.stored_file) as source:
            result = run_import(
                kind=batch.kind,
                path_or_file=source,
                filename=batch.file_name,
                relationship_access=access,
                dry_run=batch.dry_run,
                ignore_extra=batch.ignore_extra,
                progress=progress,
            )
    except Exception as exc:
        log.exception("import batch %s failed", batch.pk)
        batch.refresh_from_db(fields=["rows_validated"])
        batch.rows_written = 0  # the import's transaction was rolled back
        _finish(batch, BatchStatus.FAILED, message=_failure_text(exc))
        return batch, None
    finally:
        progress.close()
    batch.rows_total = batch.rows_validated = result.rows
    batch.created, batch.updated, batch.unchanged = result.created, result.updated, result.unchanged
    if result.errors:
        _finish(batch, BatchStatus.REJECTED, errors=result.errors)
    else:
        batch.rows_written = 0 if result.dry_run else result.created + result.updated
        _finish(batch, BatchStatus.SUCCEEDED)
    return batch, result


def _access_of(batch: ImportBatch) -> RelationshipAccess:
    if batch.uploaded_by is None or batch.relationship_id is None:
        raise PermissionDenied(_("The person who uploaded this file is no longer known."))
    try:
        access = relationship_for_user(batch.uploaded_by, pk=batch.relationship_id, write=True)
    except Http404:
        raise PermissionDenied(_("The person who uploaded this file is no longer a member.")) from None
    check_may_import(access)
    return access


class _opened:
    """The stored file as a local path when the storage has one, else as an open file."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.handle: Any = None

    def __enter__(self) -> Any:
        if not self.name or not default_storage.exists(self.name):
            raise FileNotFoundError(_("The uploaded file is no longer kept; upload it again."))
        try:
            return default_storage.path(self.name)
        except NotImplementedError:
            self.handle = default_storage.open(self.name, "rb")
            return self.handle

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()


def _failure_text(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied | FileNotFoundError):
        return str(exc)
    return _("The import failed and wrote nothing (%(error)s). Retry it, or tell your administrator.") % {
        "error": type(exc).__name__
    }


def _finish(
    batch: ImportBatch, status: str, *, errors: list[RowError] | None = None, message: str = ""
) -> None:
    batch.status = status
    batch.finished_at = batch.heartbeat_at = timezone.now()
    batch.started_at = batch.started_at or batch.finished_at
    batch.message = message
    if errors is not None:
        batch.error_count = len(errors)
        batch.errors = [[e.row, e.column, e.value, e.reason] for e in errors[:MAX_STORED_ERRORS]]
    batch.save()


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
        _finish(batch, BatchStatus.FAILED, message=_("The uploaded file is no longer kept; upload it again."))
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
            "The import stopped without finishing (its worker was stopped). Nothing of it was written; "
            "retry it."
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
