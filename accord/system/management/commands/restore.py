from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accord.system.backup import BackupError, accord_version, restore


class Command(BaseCommand):
    help = (
        "Restore the database and the stored files from a backup made by `accord backup`, and check "
        "every table against the backup's manifest. Stop the web server and the worker first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="a backup written by `accord backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that is not empty (all of it)"
        )

    def handle(self, *args: Any, file: Path, force: bool, **options: Any) -> None:
        try:
            done = restore(file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        m = done.manifest
        self.stdout.write(
            f"Restored {len(m['tables'])} tables ({done.rows:,} rows, every table's count and checksum "
            f"as in the backup) and {m['files']['count']} stored files from {done.path}, made "
            f"{m['created_at']} by Accord {m['accord_version']}, in {done.seconds:.1f} s."
        )
        if m["accord_version"] != accord_version():
            self.stdout.write(
                f"This is Accord {accord_version()}: run `accord migrate` before starting it again."
            )
