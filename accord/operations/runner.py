"""Running one import batch (``run_batch``): the import itself, its progress, its outcome.

``accord.lib.importing.run_import`` validates every row, then writes all rows in one transaction,
or nothing; ``execute_batch`` records the outcome: ``succeeded``, ``rejected`` (bad rows: the first
errors and their count are kept) or ``failed`` (the import itself broke, or ran past its time limit,
``ACCORD_IMPORT_TIME_LIMIT``). While it runs it reports progress (rows validated, rows written) and a
heartbeat. ``services`` starts batches and runs small ones through here at once; the worker's task
(``tasks.run_import_batch``) runs the larger ones.

A batch's success is saved in the same transaction as its rows (``run_import``'s ``on_written``):
the rows and "succeeded" commit together or not at all, so a batch found still running after its
process died (``services.fail_stalled_batches``) certainly wrote nothing, and one killed right
after its commit already says "succeeded".
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.lib.importing import ImportResult, RowError, run_import
from accord.lib.timelimit import TimeLimitExceeded, time_limit
from accord.operations.models import BatchStatus, ImportBatch
from accord.parties.access import RelationshipAccess, relationship_for_user
from accord.parties.models import Side

log = logging.getLogger(__name__)

MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 10_000
HOST = socket.gethostname()


def may_import(access: RelationshipAccess) -> bool:
    """Operational data is the supplier's: its editors and admins import it."""
    return access.side == Side.SUPPLIER and access.can_write and not access.is_guest


def check_may_import(access: RelationshipAccess) -> None:
    if not may_import(access):
        raise PermissionDenied(_("Only editors and admins of the supplier may import operational data."))


class _Progress:
    """``progress(stage, rows)`` for ``run_import``: quick UPDATEs of the batch's counters.

    Validation runs outside the import's transaction: its progress is an ordinary UPDATE; so does the
    staging of new and changed rows on SQLite, reported as rows written. Writing on PostgreSQL runs
    inside the transaction, where an UPDATE on the same connection would be invisible until the end:
    a second connection records it at once.
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
        with _opened(batch.stored_file) as source, time_limit(settings.ACCORD_IMPORT_TIME_LIMIT):
            result = run_import(
                kind=batch.kind,
                path_or_file=source,
                filename=batch.file_name,
                relationship_access=access,
                dry_run=batch.dry_run,
                ignore_extra=batch.ignore_extra,
                progress=progress,
                on_written=lambda written: _record(batch, written),  # in the rows' transaction
            )
    except Exception as exc:
        try:
            batch.refresh_from_db()
        except DatabaseError:
            log.warning("could not read import batch %s again", batch.pk, exc_info=True)
        if batch.status == BatchStatus.SUCCEEDED:  # it broke after its rows and state committed
            log.exception("import batch %s succeeded, then broke", batch.pk)
            return batch, None
        log.exception("import batch %s failed", batch.pk)
        batch.rows_written = 0  # the import's transaction was rolled back
        finish_batch(batch, BatchStatus.FAILED, message=_failure_text(exc))
        return batch, None
    finally:
        progress.close()
    if batch.status != BatchStatus.SUCCEEDED:  # rejected, or a dry run: nothing was committed
        _record(batch, result)
    return batch, result


def _record(batch: ImportBatch, result: ImportResult) -> None:
    """Save the outcome of ``result`` in ``batch`` (succeeded or rejected)."""
    batch.rows_total = batch.rows_validated = result.rows
    batch.read_as = result.read_as
    batch.created, batch.updated, batch.unchanged = result.created, result.updated, result.unchanged
    if result.errors:
        finish_batch(batch, BatchStatus.REJECTED, errors=result.errors)
    else:
        batch.rows_written = 0 if result.dry_run else result.created + result.updated
        finish_batch(batch, BatchStatus.SUCCEEDED)


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
    if isinstance(exc, TimeLimitExceeded):
        return _(
            "The import was stopped after its time limit of %(seconds)s seconds and wrote nothing. "
            "Split the file into smaller ones, or ask your administrator to raise "
            "ACCORD_IMPORT_TIME_LIMIT."
        ) % {"seconds": f"{exc.seconds:g}"}
    return _("The import failed and wrote nothing (%(error)s). Retry it, or tell your administrator.") % {
        "error": type(exc).__name__
    }


def finish_batch(
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
