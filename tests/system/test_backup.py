"""`accord backup` and `accord restore`, run as an operator runs them: on a populated database (the
demo) while another connection keeps writing, on the vendor the suite runs on."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accord.system.backup import read_manifest
from accord.system.backup_db import pg_digests, sqlite_digests

ON_POSTGRESQL = connection.vendor == "postgresql"


def accord(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "accord.cli", *args], env=env, capture_output=True, text=True, timeout=600
    )
    if check:
        assert result.returncode == 0, f"accord {' '.join(args)}: {result.stdout}{result.stderr}"
    return result


class Target:
    """One Accord installation of the round trip: its environment, and how to reach its database."""

    def __init__(self, data_dir: Path, database_url: str) -> None:
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "ACCORD_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
            "DEBUG": "true",
            "ACCORD_DEMO_PASSWORD": "demo-password-for-tests",
        }
        self.url = database_url

    @contextmanager
    def connect(self) -> Iterator[Any]:
        """A connection of its own (not Django's), autocommit off."""
        if not self.url:
            conn: Any = sqlite3.connect(self.data_dir / "accord.sqlite3", timeout=30, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 30000")
        else:
            import psycopg

            conn = psycopg.connect(self.url.replace("postgres://", "postgresql://", 1))
        try:
            yield conn
        finally:
            conn.close()

    def digests(self) -> dict[str, Any]:
        with self.connect() as conn:
            return sqlite_digests(conn) if not self.url else pg_digests(conn)

    def counts(self, tables: list[str]) -> dict[str, int]:
        """Every table's rows, counted plainly (not by the code under test)."""
        with self.connect() as conn:
            cur = conn.cursor()
            out = {}
            for t in tables:
                cur.execute(f'SELECT count(*) FROM "{t}"')
                out[t] = cur.fetchone()[0]
            if self.url:
                conn.rollback()
            return out


@pytest.fixture
def targets(tmp_path: Path) -> Iterator[tuple[Target, Target]]:
    """A source and an empty destination on the suite's vendor (SQLite files, or two fresh PostgreSQL
    databases on the suite's server)."""
    if not ON_POSTGRESQL:
        yield Target(tmp_path / "source", ""), Target(tmp_path / "restored", "")
        return
    import psycopg

    server = dj_database_url.parse(os.environ["DATABASE_URL"])
    names = [f"accord_backup_{which}_{os.getpid()}" for which in ("source", "restored")]
    admin = psycopg.connect(
        dbname="postgres",
        user=server["USER"],
        password=server["PASSWORD"] or None,
        host=server["HOST"],
        port=server["PORT"] or None,
        autocommit=True,
    )
    for name in names:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = server["USER"] + (f":{server['PASSWORD']}" if server["PASSWORD"] else "")
    urls = [f"postgres://{auth}@{server['HOST']}:{server['PORT'] or 5432}/{name}" for name in names]
    try:
        yield Target(tmp_path / "source", urls[0]), Target(tmp_path / "restored", urls[1])
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


class Writer(threading.Thread):
    """Signs people in, as the web server would, until stopped: each transaction adds a session and
    stamps a user's last sign-in, two tables changed together."""

    def __init__(self, target: Target) -> None:
        super().__init__(daemon=True)
        self.target = target
        self.stop = threading.Event()
        self.commits = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        sqlite = not self.target.url
        mark = "?" if sqlite else "%s"
        try:
            with self.target.connect() as conn:
                while not self.stop.is_set():
                    if sqlite:
                        conn.execute("BEGIN IMMEDIATE")
                    cur = conn.cursor()
                    cur.execute(
                        "INSERT INTO django_session (session_key, session_data, expire_date) "
                        f"VALUES ({mark}, {mark}, {mark})",
                        [f"writer-{self.commits:08d}", "x" * 100, "2030-01-01 00:00:00+00:00"],
                    )
                    cur.execute(
                        f"UPDATE accounts_user SET last_login = {mark} "
                        "WHERE id = (SELECT min(id) FROM accounts_user)",
                        [f"2030-01-01 00:00:{self.commits % 60:02d}+00:00"],
                    )
                    conn.execute("COMMIT") if sqlite else conn.commit()
                    self.commits += 1
                    time.sleep(0.002)
        except BaseException as exc:  # the test reports it
            self.error = exc


def stored_files(data_dir: Path) -> dict[str, bytes]:
    root = data_dir / "files"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_backup_taken_while_writes_continue_restores_every_table_as_counted(
    targets: tuple[Target, Target], tmp_path: Path
) -> None:
    source, restored = targets
    accord("migrate", "--verbosity", "0", env=source.env)
    accord("load_demo", env=source.env)
    archive = tmp_path / "backups" / "accord.tar.gz"
    archive.parent.mkdir()

    writer = Writer(source)
    writer.start()
    try:
        wait_for(lambda: writer.commits >= 20 or writer.error is not None)
        before = source.counts(["django_session"])["django_session"]
        accord("backup", str(archive), env=source.env)
        after = source.counts(["django_session"])["django_session"]
        wait_for(lambda: source.counts(["django_session"])["django_session"] > after + 5)
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None, writer.error
    assert after > before, "the writer kept writing while the backup ran"

    assert archive.stat().st_mode & 0o777 == 0o600
    manifest = read_manifest(archive)
    assert manifest["database_vendor"] == connection.vendor and manifest["accord_version"]
    assert before <= manifest["tables"]["django_session"]["rows"] <= after
    assert manifest["tables"]["register_actionitem"]["rows"] > 0
    assert manifest["files"]["count"] == len(stored_files(source.data_dir)) > 0

    done = accord("restore", str(archive), env=restored.env)
    assert "Restored" in done.stdout

    tables = sorted(manifest["tables"])
    assert restored.counts(tables) == {t: manifest["tables"][t]["rows"] for t in tables}
    assert restored.digests() == manifest["tables"]
    assert stored_files(restored.data_dir) == stored_files(source.data_dir)
    # The demo's attachments (accord.attachments stores them under MEDIA_ROOT) come back byte for byte.
    restored_attachments = [n for n in stored_files(restored.data_dir) if n.startswith("attachments/")]
    assert len(restored_attachments) == manifest["tables"]["attachments_attachment"]["rows"] == 2
    # The source went on changing: the backup is the snapshot, not the source at the end.
    assert source.counts(["django_session"])["django_session"] > manifest["tables"]["django_session"]["rows"]

    # A database in use is not overwritten without --force; with it, it is, all of it.
    refused = accord("restore", str(archive), env=restored.env, check=False)
    assert refused.returncode != 0 and "not empty" in refused.stderr and "--force" in refused.stderr
    accord("party", "create", "Stray Co", "--slug", "stray", env=restored.env)
    accord("restore", str(archive), "--force", env=restored.env)
    assert restored.digests() == manifest["tables"]
    assert "stray" not in accord("party", "list", env=restored.env).stdout

    # A manifest that does not match the database in the archive fails loudly, naming the table.
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as tar_in, tarfile.open(tampered, "w:gz") as tar_out:
        for member in tar_in.getmembers():
            data = tar_in.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                changed = json.loads(data)
                changed["tables"]["register_actionitem"]["sha256"] = "0" * 64
                data = json.dumps(changed).encode()
                member.size = len(data)
            tar_out.addfile(member, io.BytesIO(data))
    failed = accord("restore", str(tampered), "--force", env=restored.env, check=False)
    assert failed.returncode != 0 and "register_actionitem" in failed.stderr


def _archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _manifest(**changes: Any) -> bytes:
    manifest = {
        "format": 1,
        "accord_version": "0.1.0",
        "database_vendor": connection.vendor,
        "created_at": "2026-12-04T12:00:00+00:00",
        "database": {"file": "database.sqlite3", "bytes": 1, "sha256": "0" * 64},
        "files": {"count": 0, "bytes": 0},
        "tables": {},
    }
    return json.dumps({**manifest, **changes}).encode()


def _junk(path: Path) -> Path:
    path.write_bytes(b"not a backup at all\n")
    return path


def _truncated(path: Path) -> Path:
    whole = _archive(path, {"manifest.json": _manifest(), "database.sqlite3": os.urandom(300_000)})
    path.write_bytes(whole.read_bytes()[:200_000])
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_junk, "not an Accord backup"),
        (lambda p: _archive(p, {"database.sqlite3": b"x"}), "has no manifest.json"),
        (lambda p: _archive(p, {"manifest.json": _manifest(), "../../etc/cron.d/x": b"x"}), "holds"),
        (lambda p: _archive(p, {"manifest.json": b"{not json"}), "damaged manifest.json"),
        (lambda p: _archive(p, {"manifest.json": _manifest(format=99)}), "can read"),
        (
            lambda p: _archive(p, {"manifest.json": _manifest(database_vendor="oracle")}),
            "backup of a oracle database",
        ),
        (_truncated, "damaged or cut short"),
    ],
    ids=["junk", "no-manifest", "path-outside", "bad-json", "other-format", "other-vendor", "truncated"],
)
def test_a_damaged_or_foreign_file_is_refused_before_anything_changes(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path / "backup.tar.gz")
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), "--force")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nowhere.tar.gz"))
