"""The machinery shared by the operational data importers (``importers.py``).

Each kind declares its columns (``Col``: file column → model attribute, a parser, required or not,
the value of an empty cell), its natural key and its scope (the relationship, the supplier's
catalog, or nothing for the global benchmarks). ``TableImporter`` then

* validates every row into a compact tuple ``(row number, value, value, …)`` in the order of
  ``cols``, collecting every error (row, column, value, reason), including keys repeated in the file;
* prepares the writing before ``run_import``'s transaction (``prepare``): the existing rows with the
  same natural keys are read once (by key for a small file, by one scan of the scope for a large
  one) and compared; unchanged rows are left alone, and on SQLite the new and the changed rows are
  staged in temporary tables (``staging``), which take no lock on the database;
* then writes only the changes inside the transaction (``apply``): on SQLite one INSERT … SELECT
  and one UPDATE … FROM the staged rows, elsewhere COPY (PostgreSQL) or multi-row INSERTs and
  ``bulk_update``; rows another writer changed since they were compared make it start again;
* announces every written row, old and new version, to the apps that keep something derived from
  it (``accord.lib.written``: the measurements recompute the monthly facts of the months they touch).

Cells: surrounding blanks are ignored; a text that a CSV export neutralized for spreadsheets
(``'=…``, ``'-…``, see ``accord.lib.csvsafe``) is read back without the added quote, so a downloaded
file re-imports unchanged. A column left out of the file leaves that field of existing rows as it is
(new rows get the empty-cell value); an empty cell clears an optional field.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import IntegrityError, connections, models, router
from django.db.models import F
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.audit import services as audit
from accord.lib import timelimit, written
from accord.lib.importing import ImportConflict, ImportContext, Importer, ImportResult, RowError, Rows
from accord.lib.tabular import PathOrFile
from accord.operations.cells import Col, clean_text
from accord.operations.writing import BulkInsert, Plan, Record, SqliteStage

if TYPE_CHECKING:
    import pyarrow as pa

    from accord.operations.columnar import Columns

BATCH_SIZE = 2000
LOOKUP_CHUNK = 500
# At most this many keys in a file: existing rows are looked up by key; more: one scan of the scope.
KEYED_LOOKUP_MAX = 5000
CHECK_EVERY = 4096  # rows compared or announced between two looks at the time limit


def record_positions(cols: Sequence[Col]) -> dict[str, int]:
    """Where each field's value is in a record: ``rec[at["ship_date"]]`` (the row number is first)."""
    return {col.field: i for i, col in enumerate(cols, start=1)}


# --- the importer ----------------------------------------------------------------------------------


class TableImporter(Importer):
    """An import of one model's rows by natural key; subclasses set the class attributes below."""

    model: ClassVar[type[models.Model]]
    key: ClassVar[tuple[str, ...]] = ()  # the natural key's fields (attributes named in ``cols``)
    # the whole sentence of a key found twice in the file, with %(key)s and %(row)s (the earlier row)
    duplicate_reason: ClassVar[str | Promise] = gettext_lazy(
        "This row (%(key)s) appears twice: row %(row)s has it already."
    )
    versioned: ClassVar[bool] = False  # the model has a ``version`` that a change increments

    # --- set up per run ---------------------------------------------------------------------------

    @abstractmethod
    def cols(self, context: ImportContext) -> list[Col]:
        """The file's columns, in the order of a record's values."""

    def scope(self, context: ImportContext) -> dict[str, Any]:
        """The filter (and the values of new rows) that place the rows: the relationship by default."""
        return {"relationship_id": context.relationship.pk}

    def check(
        self, values: list[Any], at: dict[str, int], bad: Callable[[str, str, str], None], row: dict[str, str]
    ) -> None:
        """Checks across the columns of one row (date order, …): a field's value is
        ``values[at["ship_date"]]``; values of bad cells are ``None``."""

    def denied(self, context: ImportContext) -> str | None:
        """Why the importing person may not import this kind, or None."""
        access = context.access
        if access.side != "supplier":
            return _(
                "Operational data is the supplier's: only editors and admins of %(supplier)s may import it."
            ) % {"supplier": context.relationship.supplier.name}
        return None

    # --- validation ------------------------------------------------------------------------------

    def validate(self, rows: Rows, context: ImportContext) -> tuple[list[Record], list[RowError]]:
        reason = self.denied(context)
        if reason:
            for _row in rows:  # drain the reader so it closes its file
                pass
            return [], [RowError(0, "", "", reason)]
        cols = self.cols(context)
        key_at = [i for i, col in enumerate(cols) if col.field in self.key]
        key_col = cols[key_at[0]].name
        records: list[Record] = []
        errors: list[RowError] = []
        first_row: dict[Any, int] = {}
        single = len(key_at) == 1
        at = {col.field: i for i, col in enumerate(cols)}  # where a field's value is in ``values``
        for number, row in rows:
            found: list[RowError] = []

            def bad(column: str, value: str, reason: str, number: int = number, found: list = found) -> None:
                found.append(RowError(number, column, value, reason))

            values: list[Any] = []
            for col in cols:
                raw = row.get(col.name, "")
                cell = clean_text(raw)
                if not cell:
                    if col.required:
                        bad(
                            col.name,
                            raw,
                            col.required_reason
                            or _("The column %(name)s needs a value.") % {"name": col.name},
                        )
                        values.append(None)
                    else:
                        values.append(col.default)
                    continue
                try:
                    values.append(col.parse(cell))
                except ValueError as exc:
                    bad(col.name, raw, str(exc))
                    values.append(None)
            self.check(values, at, bad, row)
            key = values[key_at[0]] if single else tuple(values[i] for i in key_at)
            if (single and key is not None) or (not single and None not in key):
                earlier = first_row.get(key)
                if earlier is not None:
                    bad(
                        key_col,
                        row.get(key_col, ""),
                        self.duplicate_reason % {"key": self._key_text(key), "row": earlier},
                    )
                else:
                    first_row[key] = number
            if found:
                errors.extend(found)
            else:
                records.append((number, *values))
        self.finish(records, errors, context, cols)
        return records, errors

    def finish(
        self, records: list[Record], errors: list[RowError], context: ImportContext, cols: list[Col]
    ) -> None:
        """Checks that need every row (returns look up ship dates); may replace records in place."""

    # --- reading a whole clean CSV file at once (``accord.operations.columnar``) -------------------

    def check_columns(self, values: dict[str, pa.Array]) -> pa.Array | None:
        """``check`` for a block of rows: True where the per-row ``check`` certainly finds nothing
        (None: nothing to check). A kind that defines ``check`` defines this too, or it reads by row."""
        return None

    def finish_columns(self, columns: Columns, context: ImportContext) -> Columns | None:
        """``finish`` for a whole clean file; None when ``finish`` would find an error."""
        return columns

    def validate_file(self, source: PathOrFile, header: list[str], context: ImportContext) -> Any:
        """Every row of a clean CSV file at once (``columnar.Columns``), or None to read it by row."""
        if self.denied(context) or not self._reads_columns():
            return None
        from accord.operations import columnar

        columns = columnar.read(
            source,
            header,
            self.cols(context),
            key=self.key,
            check=self.check_columns,
            progress=lambda rows: context.report("validated", rows),
            csv_format=context.csv_format,
        )
        return None if columns is None else self.finish_columns(columns, context)

    def _defines(self, name: str) -> bool:
        return getattr(type(self), name) is not getattr(TableImporter, name)

    def _reads_columns(self) -> bool:
        """Whether this kind's rules all have a columnar form (else its files are read by row)."""
        return (
            not self._defines("apply")
            and (not self._defines("check") or self._defines("check_columns"))
            and (not self._defines("finish") or self._defines("finish_columns"))
        )

    @staticmethod
    def _key_text(key: Any) -> str:
        parts = key if isinstance(key, tuple) else (key,)
        return ", ".join(str(p) if p not in ("", None) else "–" for p in parts)

    # --- prepare (before run_import's transaction), then apply (inside it) ------------------------

    def prepare(self, records: list[Record] | Columns, context: ImportContext) -> Plan:
        """Read the existing rows, compare, and (on SQLite) stage what changes, outside any
        transaction: the write transaction then only writes the changes (``apply``)."""
        fresh: Columns | None = None
        if not isinstance(records, list):  # a clean file read at once: only existing keys go by row
            fresh, records = self._split_existing(records, context)
        cols = self.cols_for_apply(context)
        fields = [col.field for col in cols]
        key_at = [i for i, name in enumerate(fields) if name in self.key]
        present = {col.field for col in cols if col.name in context.columns or col.required}
        present |= self.always_compared
        compare = [i for i, name in enumerate(fields) if name in present and i not in key_at]

        def key_of(values: Sequence[Any]) -> Any:
            return values[key_at[0]] if len(key_at) == 1 else tuple(values[i] for i in key_at)

        index = {key_of(rec[1:]): position for position, rec in enumerate(records)}
        seen = bytearray(len(records))
        watcher = written.watch(
            written.Written(self.kind, context.relationship, tuple(fields), dry_run=context.dry_run)
        )
        plan = Plan(fields=fields, scope=self.scope(context), compare=compare, watcher=watcher, fresh=fresh)
        for number, (pk, *old) in enumerate(self._existing(plan.scope, fields, key_at, index, key_of)):
            if number % CHECK_EVERY == 0:
                timelimit.check()
            position = index.get(key_of(old))
            if position is None:
                continue
            seen[position] = 1
            new = records[position][1:]
            if all(new[i] == old[i] for i in compare):
                plan.unchanged += 1
                continue
            merged = list(old)
            for i in compare:
                merged[i] = new[i]
            plan.changed.append((pk, old, merged))
            watcher.add(old)
            watcher.add(merged)
        del index
        plan.new = [rec for position, rec in enumerate(records) if not seen[position]]
        for number, rec in enumerate(plan.new):
            if number % CHECK_EVERY == 0:
                timelimit.check()
            watcher.add(rec[1:])
        if fresh is not None:
            watcher.add_columns(fresh.table)
        if connections[router.db_for_write(self.model)].vendor == "sqlite":
            plan.staged = SqliteStage(self.model, plan, context, versioned=self.versioned)
        return plan

    def apply(self, records: Plan, context: ImportContext) -> ImportResult:
        """Write what ``prepare`` found changed (inside run_import's transaction); raise
        ``ImportConflict`` when another writer changed those rows meanwhile."""
        plan = records
        self._check_unchanged(plan)
        try:
            if plan.staged is not None:
                plan.staged.write()
            else:
                self._write_directly(plan, context)
        except IntegrityError as exc:  # a key inserted meanwhile by another writer
            raise ImportConflict(str(exc)) from exc
        changed = [values for _pk, _old, values in plan.changed]
        created = plan.created
        self.after_write(context, created=created, changed=changed)
        plan.watcher.done()
        if created or changed:
            audit.record(
                actor=context.user,
                verb="operations.imported",
                obj=context.relationship,
                relationship=context.relationship,
                changes={
                    "kind": [None, self.kind],
                    "created": [None, created],
                    "updated": [None, len(changed)],
                },
                label=f"Imported {self.kind} from {context.filename}"[:300],
            )
        return ImportResult(created=created, updated=len(changed), unchanged=plan.unchanged)

    def _check_unchanged(self, plan: Plan) -> None:
        """The rows ``prepare`` saw still hold the values it saw (locked on PostgreSQL until the end)."""
        rows = self.model._default_manager.order_by()
        if connections[router.db_for_write(self.model)].vendor != "sqlite":
            rows = rows.select_for_update()
        for start in range(0, len(plan.changed), LOOKUP_CHUNK):
            chunk = plan.changed[start : start + LOOKUP_CHUNK]
            now = {
                pk: old
                for pk, *old in rows.filter(pk__in=[pk for pk, _o, _n in chunk]).values_list(
                    "pk", *plan.fields
                )
            }
            if any(now.get(pk) != old for pk, old, _new in chunk):
                raise ImportConflict(f"{self.kind}: rows changed while the file was compared")

    def _write_directly(self, plan: Plan, context: ImportContext) -> None:
        """The changes written in the transaction (PostgreSQL: COPY for new rows; others wait only
        for the rows this import changes)."""
        fields, scope = plan.fields, plan.scope
        bump = {"version": F("version") + 1} if self.versioned else {}
        update_fields = [fields[i] for i in plan.compare] + list(bump)
        rows_written = 0
        for start in range(0, len(plan.changed), BATCH_SIZE):
            objs = [
                self.model(pk=pk, **scope, **dict(zip(fields, values, strict=True)), **bump)
                for pk, _old, values in plan.changed[start : start + BATCH_SIZE]
            ]
            self.model._default_manager.bulk_update(objs, update_fields, batch_size=BATCH_SIZE // 4)
            rows_written += len(objs)
            context.report("written", rows_written)
        insert = BulkInsert(self.model, {**scope}, fields)
        with insert.connection.wrap_database_errors:
            for start in range(0, len(plan.new), BATCH_SIZE):
                chunk = plan.new[start : start + BATCH_SIZE]
                insert(chunk)
                rows_written += len(chunk)
                context.report("written", rows_written)
            if plan.fresh is not None:
                done = rows_written
                insert.columns(plan.fresh.table, lambda rows: context.report("written", done + rows))

    always_compared: ClassVar[frozenset[str]] = frozenset()

    def _split_existing(self, columns: Columns, context: ImportContext) -> tuple[Columns, list[Record]]:
        """The rows whose key is new (to insert at once), and the others as records (compared by row)."""
        import pyarrow as pa

        from accord.operations import columnar

        rows = self.model._default_manager.filter(**self.scope(context)).order_by()
        if not rows.exists():
            return columns, []
        found = list(zip(*rows.values_list(*self.key).iterator(chunk_size=BATCH_SIZE), strict=True))
        existing = pa.table({name: pa.array(found[i]) for i, name in enumerate(self.key)})
        at = columnar.matching(columns, self.key, existing)
        return columns.without(at), columns.records(at)

    def cols_for_apply(self, context: ImportContext) -> list[Col]:
        """The columns whose values the records hold, in their order (only their fields count here)."""
        return self.cols(context)

    def _existing(
        self,
        scope: dict[str, Any],
        fields: list[str],
        key_at: list[int],
        index: dict[Any, int],
        key_of: Callable[[Sequence[Any]], Any],
    ) -> Iterator[tuple[Any, ...]]:
        """``(pk, *values)`` of the existing rows that may share a key with the file (a superset)."""
        rows = self.model._default_manager.filter(**scope).order_by()
        if len(index) > KEYED_LOOKUP_MAX:
            yield from rows.values_list("pk", *fields).iterator(chunk_size=BATCH_SIZE)
            return
        first = fields[key_at[0]]
        wanted = sorted({key[0] if isinstance(key, tuple) else key for key in index}, key=str)
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start : start + LOOKUP_CHUNK]
            yield from rows.filter(**{f"{first}__in": chunk}).values_list("pk", *fields)

    def after_write(self, context: ImportContext, *, created: int, changed: list[list[Any]]) -> None:
        """What else a kind does once its rows are written (the catalog's category changes)."""
