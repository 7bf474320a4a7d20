from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accord.system.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database and the stored files to FILE (a tar.gz readable by its owner only), "
        "while Accord keeps running."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="the backup to write (replaced if it exists)")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            done = backup(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        m = done.manifest
        self.stdout.write(
            f"Backed up {len(m['tables'])} tables ({done.rows:,} rows) of the {m['database_vendor']} "
            f"database and {m['files']['count']} stored files to {done.path} "
            f"({done.path.stat().st_size:,} bytes) in {done.seconds:.1f} s."
        )
