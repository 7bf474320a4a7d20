"""`accord backup FILE` and `accord restore FILE`: the database, the stored files and a manifest in one
tar.gz, readable by its owner only.

The archive holds ``manifest.json`` (Accord's version, the database vendor, when, and every table's
row count and SHA-256 taken in the dump's own snapshot), ``database.sqlite3`` or ``database.pgdump``
(``pg_dump`` custom format), and ``files/`` (the stored files under ``MEDIA_ROOT``). A restore reads
and checks all of it before it changes anything, refuses to overwrite a database in use unless
forced, and after loading compares every table with the manifest, failing loudly on a difference.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from django.conf import settings

from accord.system.backup_db import (
    BACKUP,
    DUMP_FILE,
    RESTORE,
    BackupError,
    Digests,
    check_dump,
    data_tables,
    vendor,
)

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"

__all__ = ["BackupError", "Outcome", "backup", "read_manifest", "restore"]


@dataclass
class Outcome:
    path: Path
    manifest: dict[str, Any]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())


def accord_version() -> str:
    try:
        return package_version("accord")
    except PackageNotFoundError:  # pragma: no cover (running from a checkout that was never installed)
        return "unknown"


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


@contextmanager
def _scratch(near: Path) -> Iterator[Path]:
    """A private directory on the same file system as ``near`` (mode 0700), removed afterwards."""
    near.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=".accord-backup-", dir=near))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Members owned by nobody in particular and readable by their owner only, once extracted."""
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


def backup(path: Path) -> Outcome:
    """Write a backup of the database and the stored files to ``path`` (mode 0600, replaced atomically)."""
    started = time.monotonic()
    path = path.resolve()
    db_vendor = vendor()
    if db_vendor not in BACKUP:
        raise BackupError(f"Backups of a {db_vendor} database are not supported.")
    if path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise BackupError(f"Write the backup outside the stored files ({settings.MEDIA_ROOT}).")
    with _scratch(path.parent) as scratch:
        dump = scratch / DUMP_FILE[db_vendor]
        tables = BACKUP[db_vendor](dump)
        files = _stored_files()
        manifest = {
            "format": FORMAT,
            "accord_version": accord_version(),
            "database_vendor": db_vendor,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {"file": dump.name, "bytes": dump.stat().st_size, "sha256": _sha256(dump)},
            "files": {"count": len(files), "bytes": sum(f.stat().st_size for f in files)},
            "tables": tables,
        }
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)  # 0600
        try:
            with os.fdopen(fd, "wb") as out:
                with tarfile.open(fileobj=out, mode="w:gz", compresslevel=6) as tar:
                    tar.add(scratch / MANIFEST, arcname=MANIFEST, filter=_private)
                    tar.add(dump, arcname=dump.name, filter=_private)
                    root = Path(settings.MEDIA_ROOT)
                    for f in files:
                        tar.add(f, arcname=f"{FILES}/{f.relative_to(root).as_posix()}", filter=_private)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return Outcome(path=path, manifest=manifest, seconds=time.monotonic() - started)


def _open(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    try:
        return tarfile.open(path, mode="r:gz")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} is not an Accord backup (not a readable tar.gz: {exc}).") from exc


def _member_names(tar: tarfile.TarFile, path: Path) -> list[tarfile.TarInfo]:
    try:
        members = tar.getmembers()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} is damaged or cut short ({exc}); it cannot be restored.") from exc
    for m in members:
        name = m.name
        allowed = name in (MANIFEST, *DUMP_FILE.values()) or name.startswith(f"{FILES}/")
        if not allowed or not m.isfile() or ".." in Path(name).parts or name.startswith("/"):
            raise BackupError(f"{path} is not an Accord backup: it holds {name!r}.")
    return members


def read_manifest(path: Path) -> dict[str, Any]:
    with _open(path) as tar:
        _member_names(tar, path)
        return _manifest(tar, path)


def _manifest(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    try:
        raw = tar.extractfile(MANIFEST)
        manifest = json.loads(raw.read()) if raw else None
    except KeyError:
        raise BackupError(f"{path} is not an Accord backup: it has no {MANIFEST}.") from None
    except (ValueError, tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} has a damaged {MANIFEST}: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or "tables" not in manifest:
        raise BackupError(f"{path} is not a backup this version of Accord can read (format {FORMAT}).")
    return manifest


def _differences(expected: Digests, found: Digests) -> list[str]:
    lines = []
    for table in sorted(set(expected) | set(found)):
        want, got = expected.get(table), found.get(table)
        if want is None or got is None:
            lines.append(f"{table}: {'not in the backup' if want is None else 'missing after restore'}")
        elif want["rows"] != got["rows"]:
            lines.append(f"{table}: {want['rows']} rows in the backup, {got['rows']} after restore")
        elif want["sha256"] != got["sha256"]:
            lines.append(f"{table}: same {got['rows']} rows in number, but their content differs")
    return lines


def in_use() -> list[str]:
    """What a restore would overwrite: tables with data, and stored files."""
    found = data_tables()
    if _stored_files():
        found.append(f"stored files in {settings.MEDIA_ROOT}")
    return found


def restore(path: Path, *, force: bool = False) -> Outcome:
    """Replace the database and the stored files with the backup at ``path``, checked against its manifest."""
    started = time.monotonic()
    path = path.resolve()
    with _open(path) as tar:
        members = _member_names(tar, path)
        manifest = _manifest(tar, path)
        db_vendor = vendor()
        if manifest.get("database_vendor") != db_vendor:
            raise BackupError(
                f"{path} is a backup of a {manifest.get('database_vendor')} database; this Accord uses "
                f"{db_vendor}. Restore it where DATABASE_URL names the same kind of database."
            )
        if not force and (used := in_use()):
            raise BackupError(
                "The database is not empty (" + ", ".join(used[:5]) + (", …" if len(used) > 5 else "") + "). "
                "A restore replaces all of it: stop the web server and the worker, then run "
                "`accord restore FILE --force`."
            )
        data_dir = Path(settings.MEDIA_ROOT).parent
        with _scratch(data_dir) as scratch:
            try:
                tar.extractall(scratch, members=members, filter="data")
            except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
                raise BackupError(f"{path} is damaged or cut short ({exc}); nothing was changed.") from exc
            dump = scratch / DUMP_FILE[db_vendor]
            if not dump.is_file() or _sha256(dump) != manifest["database"]["sha256"]:
                raise BackupError(
                    f"{path}: the database in it does not match its manifest; nothing was changed."
                )
            restored_files = scratch / FILES
            count = sum(1 for f in restored_files.rglob("*") if f.is_file()) if restored_files.exists() else 0
            if count != manifest["files"]["count"]:
                raise BackupError(
                    f"{path} holds {count} stored files, its manifest {manifest['files']['count']}; "
                    "nothing was changed."
                )
            staged = check_dump(db_vendor, dump)
            if staged is not None and (diff := _differences(manifest["tables"], staged)):
                raise BackupError(
                    f"{path}: the database in it does not match its manifest; nothing was changed.\n"
                    + "\n".join(diff)
                )
            found = RESTORE[db_vendor](dump)
            if diff := _differences(manifest["tables"], found):
                raise BackupError(
                    "RESTORE FAILED VERIFICATION: the database now differs from the backup's manifest:\n"
                    + "\n".join(diff)
                )
            _replace_files(restored_files)
    return Outcome(path=path, manifest=manifest, seconds=time.monotonic() - started)


def _replace_files(restored: Path) -> None:
    """Swap the stored-files directory for the restored one (renames on one file system)."""
    root = Path(settings.MEDIA_ROOT)
    if not restored.exists():
        restored.mkdir()
    old = root.with_name(f".{root.name}.before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if root.exists():
        root.rename(old)
    restored.rename(root)
    shutil.rmtree(old, ignore_errors=True)
