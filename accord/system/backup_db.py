"""The database side of `accord backup` and `accord restore`, one function per vendor.

A backup copies the database and counts and checksums every table **in the same snapshot**, while
the web and the worker go on writing: SQLite's online backup API copies the whole file in one step
(a read transaction; WAL lets writers go on) and the copy is checksummed; on PostgreSQL a REPEATABLE
READ transaction exports its snapshot, ``pg_dump --snapshot`` dumps exactly that, and the same
transaction checksums the tables.

A table's checksum is the SHA-256 of its rows in primary-key order, each row as the database itself
prints it (SQLite's ``quote()``, PostgreSQL's row text in UTC and ISO dates), so the same rows give
the same checksum whatever the driver makes of them.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection

# Tables that `accord migrate` fills by itself: rows there do not make a database "in use".
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
# PostgreSQL settings that change how a row prints; fixed so that a checksum means the rows only.
PG_PRINT_SETTINGS = (
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'postgres'",
    "SET LOCAL extra_float_digits = 1",
    "SET LOCAL bytea_output = 'hex'",
)
# OPTIONS keys of Django's PostgreSQL backend that are not libpq connection parameters.
DJANGO_ONLY_OPTIONS = frozenset(
    {"pool", "server_side_binding", "isolation_level", "assume_role", "cursor_factory", "context"}
)
FETCH = 2000

Digests = dict[str, dict[str, Any]]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def vendor() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def _digest(rows: Iterable[tuple[Any, ...]]) -> tuple[int, str]:
    sha = hashlib.sha256()
    count = 0
    for row in rows:
        sha.update(json.dumps(row, ensure_ascii=False).encode())
        sha.update(b"\n")
        count += 1
    return count, sha.hexdigest()


def _fetch_all(cursor: Any) -> Iterator[tuple[Any, ...]]:
    while batch := cursor.fetchmany(FETCH):
        yield from batch


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- SQLite ------------------------------------------------------------------------------------------


def sqlite_digests(conn: sqlite3.Connection) -> Digests:
    """Rows and checksum of every table, read in one transaction of ``conn``."""
    out: Digests = {}
    cur = conn.cursor()
    cur.execute("BEGIN")  # one read snapshot for all tables (Python's sqlite3 opens none for SELECT)
    try:
        tables = [
            r[0]
            for r in cur.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            ).fetchall()
        ]
        for table in tables:
            columns = cur.execute(f"PRAGMA table_info({_q(table)})").fetchall()
            keys = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]] or [c[1] for c in columns]
            select = ", ".join(f"quote({_q(c[1])})" for c in columns)
            order = ", ".join(_q(k) for k in keys)
            cur.execute(f"SELECT {select} FROM {_q(table)} ORDER BY {order}")  # noqa: S608 (names quoted)
            rows, sha = _digest(_fetch_all(cur))
            out[table] = {"rows": rows, "sha256": sha}
    finally:
        cur.execute("ROLLBACK")
    return out


def _live_sqlite() -> sqlite3.Connection:
    connection.ensure_connection()
    return connection.connection


def sqlite_backup(dest: Path) -> Digests:
    """Copy the live database to ``dest`` in one step (one consistent snapshot) and checksum the copy."""
    target = sqlite3.connect(dest)
    try:
        _live_sqlite().backup(target)  # pages=-1: all pages under one read lock
    finally:
        target.close()
    copy = sqlite3.connect(dest)
    try:
        return sqlite_digests(copy)
    finally:
        copy.close()


def sqlite_check(path: Path) -> Digests:
    """The checksums of a SQLite file about to be restored, after SQLite's own integrity check."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(f"The backup's database is damaged: {verdict}")
            return sqlite_digests(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"The backup's database cannot be read: {exc}") from exc


def sqlite_restore(source: Path) -> Digests:
    """Replace the live database's content with ``source`` and return the checksums it then has.

    SQLite's backup API writes every page under the database's write lock, in one transaction: a
    process that has the file open sees the old database or the new one, never half of each, and the
    WAL and its index stay consistent (swapping the file under an open connection would not)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    live = _live_sqlite()
    try:
        src.backup(live)
    finally:
        src.close()
    return sqlite_digests(live)


# --- PostgreSQL -------------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The newest ``pg_dump``/``pg_restore``/``psql`` (Debian's /usr/lib/postgresql/N/bin, then PATH)."""
    found = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.parent.name.split(".")],
    )
    path = found[-1] if found else shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client programs "
            f"(Debian: apt install postgresql-client), as new as the server."
        )
    return path


def _pg_params() -> dict[str, str]:
    s = connection.settings_dict
    params = {
        "dbname": s["NAME"],
        "user": s.get("USER") or "",
        "host": s.get("HOST") or "",
        "port": str(s.get("PORT") or ""),
    }
    for key, value in (s.get("OPTIONS") or {}).items():
        if key not in DJANGO_ONLY_OPTIONS and isinstance(value, str | int):
            params[key] = str(value)
    return {k: v for k, v in params.items() if v}


def _pg_conninfo() -> str:
    from psycopg.conninfo import make_conninfo

    return make_conninfo(**_pg_params())


def _pg_env() -> dict[str, str]:
    """The environment of the PostgreSQL tools: the password there, never on a command line."""
    env = dict(os.environ)
    if password := connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = password
    return env


@contextmanager
def _pg_connect(*, snapshot: bool) -> Iterator[Any]:
    import psycopg

    conn = psycopg.connect(_pg_conninfo(), password=connection.settings_dict.get("PASSWORD") or None)
    try:
        if snapshot:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
        yield conn
    finally:
        conn.rollback()
        conn.close()


def _pg_tables(cur: Any) -> list[str]:
    cur.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    return [r[0] for r in cur.fetchall()]


def pg_digests(conn: Any) -> Digests:
    """Rows and checksum of every table of the current schema, in ``conn``'s current transaction."""
    cur = conn.cursor()
    for statement in PG_PRINT_SETTINGS:
        cur.execute(statement)
    out: Digests = {}
    for table in _pg_tables(cur):
        cur.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey::int2[], a.attnum)",
            [_q(table)],
        )
        order = ", ".join(_q(r[0]) for r in cur.fetchall()) or "1"
        with conn.cursor(name=f"accord_digest_{len(out)}") as rows:
            rows.itersize = FETCH
            rows.execute(f"SELECT _accord_row::text FROM {_q(table)} AS _accord_row ORDER BY {order}")  # noqa: S608
            count, sha = _digest(rows)
        out[table] = {"rows": count, "sha256": sha}
    return out


def _run(argv: list[str], what: str, **kwargs: Any) -> None:
    result = subprocess.run(argv, env=_pg_env(), capture_output=True, text=True, check=False, **kwargs)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or f'exit code {result.returncode}'}")


def pg_backup(dest: Path) -> Digests:
    """``pg_dump`` (custom format) of an exported snapshot into ``dest``; the same snapshot checksummed."""
    pg_dump = pg_tool("pg_dump")
    with _pg_connect(snapshot=True) as conn:
        cur = conn.cursor()
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
        argv = [pg_dump, "--format=custom", "--compress=0", f"--snapshot={snapshot}", f"--file={dest}"]
        dump = subprocess.Popen(  # noqa: S603 (no shell; our own arguments)
            [*argv, f"--dbname={_pg_conninfo()}"], env=_pg_env(), stderr=subprocess.PIPE, text=True
        )
        try:
            digests = pg_digests(conn)  # meanwhile, in the snapshot pg_dump dumps
        finally:
            _, err = dump.communicate()
        if dump.returncode != 0:
            raise BackupError(f"pg_dump failed: {err.strip() or f'exit code {dump.returncode}'}")
    return digests


def pg_check(path: Path) -> None:
    """A custom-format dump that pg_restore can read (its table of contents)."""
    _run([pg_tool("pg_restore"), "--list", str(path)], "Reading the backup's database dump")


def pg_restore(source: Path) -> Digests:
    """Drop every table of the current schema and load the dump, all in one transaction."""
    connection.close()  # our own connection must not hold locks on what is dropped
    with _pg_connect(snapshot=False) as conn:
        cur = conn.cursor()
        cur.execute(
            "SELECT c.relkind, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
            "ORDER BY c.relname"
        )
        objects = cur.fetchall()
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    drops = "".join(
        f"DROP {kinds[kind]} IF EXISTS {_q(name)} CASCADE;" for kind, name in objects if kind != "S"
    ) + "".join(f"DROP SEQUENCE IF EXISTS {_q(name)} CASCADE;" for kind, name in objects if kind == "S")
    script = subprocess.Popen(  # noqa: S603
        [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(source)],
        env=_pg_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    psql = [pg_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"]
    psql += [*(["-c", drops] if drops else []), "-f", "-", f"--dbname={_pg_conninfo()}"]
    try:
        _run(psql, "Loading the database dump (nothing was changed)", stdin=script.stdout)
    finally:
        assert script.stdout is not None
        script.stdout.close()
        _, err = script.communicate()
    if script.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was changed): {err.decode().strip()}")
    with _pg_connect(snapshot=True) as conn:
        return pg_digests(conn)


# --- Either ------------------------------------------------------------------------------------------

DUMP_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
BACKUP: dict[str, Callable[[Path], Digests]] = {"sqlite": sqlite_backup, "postgresql": pg_backup}
RESTORE: dict[str, Callable[[Path], Digests]] = {"sqlite": sqlite_restore, "postgresql": pg_restore}


def check_dump(db_vendor: str, path: Path) -> Digests | None:
    """Read a dump before restoring it: a SQLite file's checksums; a PostgreSQL dump's contents."""
    if db_vendor == "sqlite":
        return sqlite_check(path)
    pg_check(path)
    return None


def current_digests() -> Digests:
    """Rows and checksum of every table of the database Accord uses now."""
    if vendor() == "sqlite":
        return sqlite_digests(_live_sqlite())
    with _pg_connect(snapshot=True) as conn:
        return pg_digests(conn)


def data_tables() -> list[str]:
    """Tables holding rows that `accord migrate` did not put there (empty list: a fresh database)."""
    used = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names(cur):
            if table not in BOOKKEEPING_TABLES:
                cur.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cur.fetchone():
                    used.append(table)
    return used
