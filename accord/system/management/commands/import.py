"""`accord import KIND FILE --relationship SLUG [--dry-run] [--ignore-extra] [--as EMAIL]`.

Exit codes: 0 imported (or a clean dry run); 2 the file is invalid — one line per error
(``row N, column C: reason``) on standard output, nothing written; 1 the command itself cannot run
(unknown kind, relationship, person or file, or a person who may not import). A CSV file's separator
and encoding are detected (``accord.lib.tabular.sniff_csv``); what it was read as goes to standard error.

Operational data goes through the import batches of ``accord.operations.services`` like an upload
on the Data page (kept file, SHA-256, the import history), run here whatever the file's size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from accord.accounts.models import User
from accord.lib.importing import (
    ImportResult,
    RowError,
    UnknownImportKind,
    get_importer,
    importer_kinds,
    run_import,
)
from accord.operations import services as batches
from accord.operations.exports import KINDS as BATCH_KINDS
from accord.operations.models import BatchStatus
from accord.parties.access import relationship_for_user
from accord.parties.models import Membership, Relationship, Role

INVALID_INPUT = 2


class Command(BaseCommand):
    help = (
        "Import a CSV or XLSX file into a relationship, all or nothing. On invalid input print one line "
        "per error (row N, column C: reason; the header is row 1), write nothing and exit with code 2."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", help="what the file holds: " + ", ".join(importer_kinds()))
        parser.add_argument(
            "file",
            help="the .csv (comma, semicolon or tab separated; UTF-8, UTF-16 or Windows-1252, detected) "
            "or .xlsx file",
        )
        parser.add_argument(
            "--relationship", required=True, metavar="SLUG", help="the relationship's short name"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, but write nothing")
        parser.add_argument(
            "--ignore-extra",
            action="store_true",
            help="ignore columns the kind does not know (else an error)",
        )
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="the importing person: an editor or admin of the supplier for operational data, "
            "of either side for action items (default: the first admin of the relationship's supplier)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind: str = options["kind"]
        try:
            get_importer(kind)
        except UnknownImportKind as exc:
            raise CommandError(str(exc)) from exc
        relationship = Relationship.objects.filter(slug=options["relationship"]).first()
        if relationship is None:
            raise CommandError(
                f"No relationship with the short name {options['relationship']!r} "
                "(see `accord relationship list`)."
            )
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {str(path)!r}.")
        user = self._importer(relationship, options.get("as_email"))
        try:
            access = relationship_for_user(user, pk=relationship.pk, write=True)
        except Http404 as exc:
            raise CommandError(
                f"{user.email} is not a member of either side of {relationship.slug}."
            ) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{user.email} may not import: {exc}") from exc

        if kind in BATCH_KINDS:
            result = self._batch(access, kind, path, options)
        else:
            result = run_import(
                kind=kind,
                path_or_file=path,
                filename=path.name,
                relationship_access=access,
                dry_run=options["dry_run"],
                ignore_extra=options["ignore_extra"],
            )
        if result.read_as:  # on standard error: standard output holds only the outcome
            self.stderr.write(f"Read as {result.read_as}.")
        if result.errors:
            for error in result.errors:
                self.stdout.write(str(error))
            count = len(result.errors)
            self.stderr.write(f"{count} error{'s' if count != 1 else ''}; nothing was imported.")
            raise SystemExit(INVALID_INPUT)
        prefix = "dry run, nothing written: " if result.dry_run else ""
        self.stdout.write(prefix + result.summary())

    @staticmethod
    def _batch(access: Any, kind: str, path: Path, options: dict[str, Any]) -> ImportResult:
        """Import operational data as an import batch, in this process."""
        try:
            batch, _size = batches.create_batch(
                access=access,
                kind=kind,
                upload_path=path,
                file_name=path.name,
                dry_run=options["dry_run"],
                ignore_extra=options["ignore_extra"],
            )
        except PermissionDenied as exc:
            raise CommandError(f"{access.user.email} may not import: {exc}") from exc
        result = None
        if batch.status == BatchStatus.QUEUED:
            batch, result = batches.execute_batch(batch.pk)
        if batch.status == BatchStatus.FAILED or (result is None and batch.status != BatchStatus.REJECTED):
            raise CommandError(f"The import failed: {batch.message or batch.get_status_display()}")
        if result is None:  # rejected before reading: the file as a whole (too large)
            errors = [RowError(row, column, value, reason) for row, column, value, reason in batch.errors]
            return ImportResult(errors=errors, dry_run=batch.dry_run)
        return result

    @staticmethod
    def _importer(relationship: Relationship, email: str | None) -> User:
        if email:
            user = User.objects.filter(email__iexact=email.strip()).first()
            if user is None:
                raise CommandError(f"No person with the e-mail address {email!r}.")
            return user
        membership = (
            Membership.objects.filter(
                party_id=relationship.supplier_id, role=Role.ADMIN, is_active=True, user__is_active=True
            )
            .select_related("user")
            .order_by("created_at", "pk")
            .first()
        )
        if membership is None:
            raise CommandError("The supplier has no active admin; name the importing person with --as EMAIL.")
        return membership.user
