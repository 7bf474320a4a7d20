"""Writing an import's rows: what changes (``Plan``), how new rows go in (``BulkInsert``), and, on
SQLite, the staging that keeps the write lock short (``SqliteStage``).

SQLite has one writer at a time: while an import's transaction is open, every other write in the
database (another relationship's action item, the worker's queue, a sign-in) waits for it. So an
import compares before its transaction (``TableImporter.prepare``), and on SQLite stages the new and
changed rows in temporary tables, which live in the connection's own temp schema and lock nothing
in the main database. The transaction then moves them with one ``INSERT … SELECT`` and one
``UPDATE … FROM``: statements run inside SQLite, without a round trip to Python per row. An
unchanged file stages nothing and its transaction writes nothing but the audit of nothing: it is
over in milliseconds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connections, models, router

from accord.lib import timelimit
from accord.lib.importing import ImportConflict

if TYPE_CHECKING:
    import pyarrow as pa

    from accord.lib.importing import ImportContext
    from accord.lib.written import Watcher
    from accord.operations.columnar import Columns

Record = tuple[Any, ...]  # (row number, value of cols[0], value of cols[1], …)
WRITE_ROWS = 50_000  # rows per COPY (or executemany) of a file read at once
STAGE_ROWS = 50_000  # rows per staging transaction (between two looks at the clock)
IMPORT_CACHE_KIB = 65_536  # SQLite page cache of an importing connection (KiB): index upkeep in memory


@dataclass
class Plan:
    """What an import writes, worked out before its transaction (``TableImporter.prepare``)."""

    fields: list[str]  # the model attributes of a record's values, in order
    scope: dict[str, Any]
    compare: list[int]  # positions (in ``fields``) compared, and written for a changed row
    watcher: Watcher
    fresh: Columns | None = None  # new rows of a file read at once
    new: list[Record] = field(default_factory=list)  # new rows, as records
    changed: list[tuple[Any, list[Any], list[Any]]] = field(default_factory=list)  # (pk, old, new)
    unchanged: int = 0
    staged: SqliteStage | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # what a kind adds for its own ``apply``

    @property
    def created(self) -> int:
        return len(self.new) + (len(self.fresh) if self.fresh is not None else 0)

    def close(self) -> None:
        if self.staged is not None:
            self.staged.close()
            self.staged = None


@contextmanager
def _temp_transaction(connection: Any, cursor: Any) -> Iterator[None]:
    """A plain (deferred) transaction around writes to temporary tables, so they are not committed
    row by row; a deferred transaction that writes only the temp schema locks nothing in the main
    database. Inside a caller's transaction (tests, an outer ``atomic``) the writes simply join it."""
    if connection.in_atomic_block:
        yield
        return
    cursor.execute("BEGIN")
    try:
        yield
    except BaseException:
        cursor.execute("ROLLBACK")
        raise
    cursor.execute("COMMIT")


_STAGES = itertools.count(1)


class SqliteStage:
    """The new and the changed rows of a plan in temporary tables, moved by ``write`` in the
    transaction; ``close`` drops them."""

    def __init__(
        self, model: type[models.Model], plan: Plan, context: ImportContext, *, versioned: bool
    ) -> None:
        n = next(_STAGES)  # names of its own: an import may run inside another's preparation (tests)
        self.NEW, self.CHANGED = f"accord_import_new_{n}", f"accord_import_changed_{n}"
        self.connection = connections[router.db_for_write(model)]
        self.quote = quote = self.connection.ops.quote_name
        meta: Any = model._meta
        self.table = quote(meta.db_table)
        self.pk = quote(meta.pk.column)
        with self.connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            self.cache_size = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        self._drop()
        self.new_columns = ""
        self.updates: list[str] = []
        self.versioned = versioned
        self.changed = len(plan.changed)
        staged = 0

        def report(rows: int) -> None:
            timelimit.check()
            context.report("written", rows)

        if plan.new or plan.fresh is not None:
            insert = BulkInsert(model, plan.scope, plan.fields, into=f"temp.{self.NEW}")
            self.new_columns = ", ".join(quote(c) for c in insert.column_names)
            self._execute(f"CREATE TEMP TABLE {self.NEW} ({self.new_columns})")
            for start in range(0, len(plan.new), STAGE_ROWS):
                chunk = plan.new[start : start + STAGE_ROWS]
                insert(chunk)
                staged += len(chunk)
                report(staged)
            if plan.fresh is not None:
                done = staged
                insert.columns(plan.fresh.table, lambda rows: report(done + rows))
        if plan.changed:
            self._stage_changed(meta, plan, report)

    def _stage_changed(self, meta: Any, plan: Plan, report: Callable[[int], None]) -> None:
        quote = self.quote
        written = [(plan.fields[i], meta.get_field(plan.fields[i])) for i in plan.compare]
        self.updates = [quote(f.column) for _name, f in written]
        columns = ", ".join([self.pk, *self.updates])
        self._execute(f"CREATE TEMP TABLE {self.CHANGED} ({columns})")
        sql = f"INSERT INTO temp.{self.CHANGED} ({columns}) VALUES ({', '.join(['%s'] * (len(written) + 1))})"  # noqa: S608
        prepare = [(i, f) for i, (_name, f) in zip(plan.compare, written, strict=True)]
        with self.connection.cursor() as cursor:
            for start in range(0, len(plan.changed), STAGE_ROWS):
                rows = [
                    (pk, *(f.get_db_prep_save(values[i], connection=self.connection) for i, f in prepare))
                    for pk, _old, values in plan.changed[start : start + STAGE_ROWS]
                ]
                with _temp_transaction(self.connection, cursor):
                    cursor.executemany(sql, rows)
                report(start + len(rows))

    def write(self) -> None:
        """Move the staged rows into the model's table (inside the import's transaction)."""
        with self.connection.cursor() as cursor:
            if self.updates:
                sets = [f"{column} = staged.{column}" for column in self.updates]
                if self.versioned:
                    sets.append(f"{self.quote('version')} = {self.table}.{self.quote('version')} + 1")
                cursor.execute(
                    f"UPDATE main.{self.table} SET {', '.join(sets)} "  # noqa: S608
                    f"FROM temp.{self.CHANGED} AS staged WHERE {self.table}.{self.pk} = staged.{self.pk}"
                )
                if cursor.rowcount != self.changed:
                    raise ImportConflict("changed rows vanished while the file was compared")
            if self.new_columns:
                cursor.execute(
                    f"INSERT INTO main.{self.table} ({self.new_columns}) "  # noqa: S608
                    f"SELECT {self.new_columns} FROM temp.{self.NEW}"
                )

    def _execute(self, sql: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)

    def _drop(self) -> None:
        self._execute(f"DROP TABLE IF EXISTS temp.{self.NEW}")
        self._execute(f"DROP TABLE IF EXISTS temp.{self.CHANGED}")

    def close(self) -> None:
        try:
            self._drop()
            self._execute(f"PRAGMA cache_size = {self.cache_size}")
        except DatabaseError:  # the connection is gone: so are its temporary tables
            pass


class BulkInsert:
    """Inserts records with one prepared multi-row INSERT per chunk (``executemany``), or with COPY
    on PostgreSQL.

    What ``bulk_create`` does, without building a model instance per row, which dominates the time
    of a large import. Values go through the fields' own database preparation (dates and times
    once per distinct value); fields the import does not set get their model defaults.
    """

    def __init__(
        self, model: type[models.Model], scope: dict[str, Any], fields: list[str], *, into: str = ""
    ) -> None:
        self.connection = connections[router.db_for_write(model)]
        self.into = into  # a staging table (SQLite's temp schema) instead of the model's table
        meta: Any = model._meta
        given = [*fields, *scope]  # the order of a row: the record's values, then the fixed ones
        others = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in given]
        self.column_names = [meta.get_field(name).column for name in given] + [f.column for f in others]
        quote = self.connection.ops.quote_name
        table = into or quote(meta.db_table)
        columns = ", ".join(quote(c) for c in self.column_names)
        # the model's own table and column names (or our staging table), quoted; the values are parameters
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(self.column_names))})"  # noqa: S608
        # PostgreSQL takes new rows fastest through COPY; other databases through executemany.
        self.copy_sql = (
            f"COPY {table} ({columns}) FROM STDIN"
            if self.connection.vendor == "postgresql" and not into
            else ""
        )
        self.fixed = tuple(
            [self._prepare(meta.get_field(name), value) for name, value in scope.items()]
            + [self._prepare(f, f.get_default()) for f in others]
        )
        self.converters: list[Callable[[Any], Any] | None] = [
            self._converter(meta.get_field(name)) for name in fields
        ]

    def _prepare(self, field: Any, value: Any) -> Any:
        return field.get_db_prep_save(value, connection=self.connection)

    def _converter(self, field: Any) -> Callable[[Any], Any] | None:
        if not isinstance(field, models.DateField | models.DateTimeField):
            return None  # strings, numbers, booleans and ids go to the driver as they are
        memo: dict[Any, Any] = {}

        def convert(value: Any) -> Any:
            if value is None:
                return None
            found = memo.get(value)
            if found is None:
                found = memo[value] = self._prepare(field, value)
            return found

        return convert

    def __call__(self, chunk: list[Record]) -> None:
        converters = [(i + 1, c) for i, c in enumerate(self.converters) if c is not None]
        rows = []
        for rec in chunk:
            if converters:
                values = list(rec)
                for i, convert in converters:
                    values[i] = convert(values[i])
                rows.append((*values[1:], *self.fixed))
            else:
                rows.append((*rec[1:], *self.fixed))
        with self.connection.cursor() as cursor:
            if self.copy_sql:
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                self._executemany(cursor, rows)

    def _executemany(self, cursor: Any, rows: list[tuple[Any, ...]]) -> None:
        """``executemany``; into a staging table in one transaction of its own (of the temp schema
        only: SQLite's main database stays unlocked)."""
        if not self.into:
            cursor.executemany(self.sql, rows)
            return
        with _temp_transaction(self.connection, cursor):
            cursor.executemany(self.sql, rows)

    def columns(self, table: pa.Table, progress: Callable[[int], None]) -> None:
        """Insert every row of ``table`` (one column per record field, in order): COPY … (FORMAT csv)
        from pyarrow's CSV writer on PostgreSQL, ``executemany`` elsewhere."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from accord.operations.columnar import csv_bytes

        step = WRITE_ROWS
        with self.connection.cursor() as cursor:
            for start in range(0, table.num_rows, step):
                part = table.slice(start, step)
                size = part.num_rows
                if self.copy_sql:
                    for i, value in enumerate(self.fixed):
                        cell = None if value is None else str(value)
                        part = part.append_column(f"_fixed{i}", pa.array([cell] * size, pa.string()))
                    # a COPY per part: progress is told between them, as no other query may run
                    # on the connection during a COPY (one COPY for all was barely faster)
                    with cursor.cursor.copy(self.copy_sql + " WITH (FORMAT csv)") as copy:
                        copy.write(csv_bytes(part))
                else:
                    texts = [
                        pc.cast(column, pa.string()) if pa.types.is_date(column.type) else column
                        for column in part.columns
                    ]
                    values = zip(*(column.to_pylist() for column in texts), strict=True)
                    self._executemany(cursor, [(*row, *self.fixed) for row in values])
                progress(start + size)
