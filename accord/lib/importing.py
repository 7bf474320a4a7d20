"""The import framework: every CSV/XLSX import (the register, operational data, …) runs through here.

An app registers an ``Importer`` for a *kind* (``action-items``, ``returns``, …) in its module
``importers.py``; those modules are found by autodiscovery. ``run_import`` then does what every
import must (architecture.md, "Data rules"):

1. read the file with ``accord.lib.tabular`` (size limits, XLSX checked before unzipping);
2. check the header: a missing required column, a column named twice, or — unless ``ignore_extra`` —
   a column the kind does not know is an error at row 1;
3. validate EVERY row and collect every error (row, column, value, reason), never stopping at the
   first;
4. only when there is no error, ``prepare`` the writing outside any transaction (read the existing
   rows, compare, stage what changes), then ``apply`` it inside one short ``transaction.atomic()``.

With any error nothing is written. A dry run applies inside a transaction that is then rolled back,
so its counts are exactly what a real run would do, and nothing stays written.

The write transaction is kept short because on SQLite it holds the database's only write lock: every
other writer (another relationship's action item, the worker's queue) waits for it. So reading and
comparing happen before it, and ``apply`` only writes what changed. Should another writer change the
same rows between the two, ``apply`` raises ``ImportConflict`` and the import prepares again.
``on_written`` lets the caller record the outcome in the same transaction as the rows (an import
batch's state then always says what is in the database). Under ``accord.lib.timelimit.time_limit``
the import stops between rows or blocks once past its limit, before it writes anything.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from accord.lib import timelimit
from accord.lib.csvsafe import write_csv
from accord.lib.tabular import DELIMITER_NAMES, CsvFormat, PathOrFile, TabularError, read_table

if TYPE_CHECKING:
    from accord.parties.access import RelationshipAccess

Rows = Iterable[tuple[int, dict[str, str]]]
# ``progress(stage, rows)``: ``stage`` is "validated" (rows read and checked so far) or "written".
Progress = Callable[[str, int], None]
PROGRESS_EVERY = 10_000


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file: where (spreadsheet row, column), the value, and why.

    ``row`` 1 is the header; ``row`` 0 means the file as a whole (too large, not readable, …).
    ``str(error)`` gives the line the command prints: ``row 3, column due_date: <reason>``.
    """

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        if self.row == 0:
            return f"file: {self.reason}"
        if not self.column:
            return f"row {self.row}: {self.reason}"
        return f"row {self.row}, column {self.column}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


ERROR_CSV_COLUMNS = ("row", "column", "value", "reason")


def errors_as_csv(errors: Iterable[RowError]) -> bytes:
    """The errors as a CSV file to download (UTF-8 with BOM, formula-like cells neutralized).

    The values come from an uploaded file, so a cell such as ``=HYPERLINK(...)`` must not run
    when the error file is opened in a spreadsheet (see ``accord.lib.csvsafe``).
    """
    return write_csv(list(ERROR_CSV_COLUMNS), ((e.row, e.column, e.value, e.reason) for e in errors))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    rows: int = 0  # record rows read (the header and empty rows not counted)
    write_seconds: float = 0.0  # how long the write transaction lasted
    read_as: str = ""  # what the file was read as: "CSV separated by ';', encoded Windows-1252", …

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _("created %(created)s, updated %(updated)s, unchanged %(unchanged)s") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class ImportContext:
    """What an importer knows about the run besides the rows."""

    access: RelationshipAccess
    filename: str
    columns: frozenset[str]  # the kind's columns present in this file
    dry_run: bool = False
    progress: Progress | None = None
    csv_format: CsvFormat | None = None  # a CSV file's detected separator and encoding

    def report(self, stage: str, rows: int) -> None:
        """Tell the caller how far the import got (a no-op without a ``progress`` callback)."""
        if self.progress is not None:
            self.progress(stage, rows)

    @property
    def relationship(self) -> Any:
        return self.access.relationship

    @property
    def user(self) -> Any:
        return self.access.user


class ImportRejected(Exception):
    """Raised by ``Importer.apply`` for errors only visible under the transaction's locks.

    ``run_import`` rolls the transaction back and returns these errors like validation errors.
    """

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


class ImportConflict(Exception):
    """Raised by ``Importer.apply`` when the rows it prepared to write changed meanwhile (another
    writer): ``run_import`` rolls back and prepares again, a few times."""


CONFLICT_RETRIES = 3


class Importer(ABC):
    """One kind of import. Subclass, set the class attributes, and register it in ``importers.py``.

    ``validate`` receives every row (row number, {column: raw string}) holding only the kind's
    columns, and returns the clean records plus every error; it must not write. ``prepare``
    receives the clean records (only when no row had an error) outside any transaction and returns
    what ``apply`` needs (by default the records themselves): the place to read and compare. It may
    be called again after an ``ImportConflict``, so it must leave the records as they are; what it
    returns may have a ``close()``, called once the import is done with it. ``apply`` runs inside
    ``run_import``'s transaction, writes with bulk inserts, one audit event, and returns the counts.
    """

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    required: ClassVar[tuple[str, ...]] = ()
    optional: ClassVar[tuple[str, ...]] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)

    @abstractmethod
    def validate(self, rows: Rows, context: ImportContext) -> tuple[list[Any], list[RowError]]:
        """Check every row; the clean records and every error."""

    def prepare(self, records: Any, context: ImportContext) -> Any:
        """What ``apply`` writes, worked out outside the write transaction (by default the records)."""
        return records

    @abstractmethod
    def apply(self, records: Any, context: ImportContext) -> ImportResult:
        """Write what ``prepare`` returned (inside run_import's transaction)."""

    def validate_file(self, source: PathOrFile, header: list[str], context: ImportContext) -> Any:
        """Optionally, a faster reading of a whole CSV file: its records (anything ``apply`` takes,
        with a ``len``) when every row is certainly valid, or None to read it by row with
        ``validate``, which reports the errors. Never reports an error itself."""
        return None


IMPORTERS: dict[str, Importer] = {}


class UnknownImportKind(LookupError):
    def __init__(self, kind: str) -> None:
        known = ", ".join(sorted(IMPORTERS)) or "none"
        super().__init__(f"Nothing imports {kind!r}; the kinds are: {known}.")
        self.kind = kind


def register_importer(importer: Importer | type[Importer]) -> Any:
    """Register an importer (an instance, or a class: usable as a class decorator)."""
    instance: Importer = importer() if isinstance(importer, type) else importer
    if not instance.kind:
        raise ValueError(f"{instance!r} has no kind")
    IMPORTERS[instance.kind] = instance
    return importer


def discover() -> None:
    """Import every installed app's ``importers`` module (once; Python caches the imports)."""
    autodiscover_modules("importers")


def get_importer(kind: str) -> Importer:
    discover()
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise UnknownImportKind(kind) from None


def importer_kinds() -> list[str]:
    discover()
    return sorted(IMPORTERS)


def check_header(
    importer: Importer, header: list[str], *, ignore_extra: bool = False
) -> tuple[list[RowError], bool]:
    """Errors of the header row, and whether they are fatal (rows cannot be read against it)."""
    errors: list[RowError] = []
    if not header:
        reason = _("The file is empty: its first row must name the columns (%(columns)s).") % {
            "columns": ", ".join(importer.columns)
        }
        return [RowError(1, "", "", reason)], True
    separator = _one_cell_separator(header)
    if separator:
        reason = _(
            "The first row has a single column, %(header)s: this file seems to be separated by "
            "%(separator)s, not in columns. Save it again as CSV (any of comma, semicolon "
            "or tab is read), or split the column in the spreadsheet (Data › Text to Columns)."
        ) % {"header": repr(header[0]), "separator": DELIMITER_NAMES[separator]}
        return [RowError(1, "", header[0], reason)], True
    fatal = False
    seen: set[str] = set()
    known = set(importer.columns)
    for index, name in enumerate(header):
        column = name or f"column {index + 1}"
        if name and name in seen:
            errors.append(
                RowError(1, column, name, _("The column %(name)s appears more than once.") % {"name": name})
            )
            fatal = True
        seen.add(name)
        if name not in known and not ignore_extra:
            reason = (
                _("Column %(number)s has no name.") % {"number": index + 1}
                if not name
                else _("Unknown column %(name)s; the columns are: %(columns)s.")
                % {"name": repr(name), "columns": ", ".join(importer.columns)}
            )
            errors.append(RowError(1, column, name, reason))
    for name in importer.required:
        if name not in seen:
            errors.append(
                RowError(1, name, "", _("The required column %(name)s is missing.") % {"name": name})
            )
            fatal = True
    return errors, fatal


def _one_cell_separator(header: list[str]) -> str:
    """The separator a header of one cell seems to be split by (the most frequent of ``;``, tab
    and ``,``), or "" when the header has several columns or none of them."""
    if len(header) != 1:
        return ""
    counts = {mark: header[0].count(mark) for mark in (";", "\t", ",")}
    mark = max(counts, key=lambda m: counts[m])
    return mark if counts[mark] else ""


def _known_cells(
    rows: Iterator[tuple[int, dict[str, str]]],
    known: frozenset[str],
    *,
    ignore_extra: bool,
    errors: list[RowError],
    counter: list[int] | None = None,
    progress: Progress | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows with only the kind's columns; stray cells and read failures become errors.

    ``counter[0]`` counts the rows yielded; ``progress("validated", n)`` hears of every
    ``PROGRESS_EVERY`` rows and of the last one.
    """
    count = 0
    try:
        for number, row in rows:
            count += 1
            if counter is not None:
                counter[0] = count
            if count % 256 == 0:
                timelimit.check()
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress("validated", count)
            clean = {}
            for column, value in row.items():
                if column in known:
                    clean[column] = value
                elif column.startswith("column ") and not ignore_extra and value.strip():
                    errors.append(
                        RowError(
                            number,
                            column,
                            value,
                            _("This cell is outside the table: its column has no name."),
                        )
                    )
            yield number, clean
    except TabularError as exc:
        errors.append(
            RowError(exc.row or 0, "", "", _("Reading stopped here: %(reason)s") % {"reason": exc.message})
        )
    if progress is not None:
        progress("validated", count)


def run_import(
    *,
    kind: str,
    path_or_file: PathOrFile,
    filename: str,
    relationship_access: RelationshipAccess,
    dry_run: bool = False,
    ignore_extra: bool = False,
    progress: Progress | None = None,
    on_written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import ``path_or_file`` (CSV or XLSX, by ``filename``) as ``kind``; all or nothing.

    ``progress(stage, rows)``, when given, is called as rows are validated ("validated", every
    ``PROGRESS_EVERY`` rows) and, by importers that report it, as they are written ("written").
    ``on_written(result)``, when given, is called inside the write transaction once the rows are
    written (not in a dry run), so what it records commits with them or not at all.

    Raises ``UnknownImportKind`` for a kind nobody registered and ``PermissionDenied`` when the
    viewer may not write in the relationship. Every problem of the file itself comes back in
    ``ImportResult.errors``; when there is any, nothing was written.
    """
    importer = get_importer(kind)
    access = relationship_access
    if not access.can_write or access.is_guest:
        raise PermissionDenied(_("Your role may read but not import into this relationship."))

    result = ImportResult(dry_run=dry_run)
    try:
        table = read_table(path_or_file, filename=filename)
    except TabularError as exc:
        result.errors.append(RowError(exc.row or 0, "", "", exc.message))
        return result
    header, rows, result.read_as = table.header, table.rows, table.describe()
    header_errors, fatal = check_header(importer, header, ignore_extra=ignore_extra)
    if fatal:
        result.errors = header_errors
        _close(rows)
        return result
    known = frozenset(importer.columns)
    context = ImportContext(
        access=access,
        filename=filename,
        columns=known & set(header),
        dry_run=dry_run,
        progress=progress,
        csv_format=table.csv_format,
    )
    read_errors: list[RowError] = []
    row_errors: list[RowError] = []
    records = None
    if filename.lower().endswith(".csv") and not header_errors:
        _close(rows)
        records = importer.validate_file(path_or_file, header, context)
        if records is None:  # read it again, row by row
            again = read_table(path_or_file, filename=filename, csv_format=table.csv_format)
            header, rows = again.header, again.rows
        else:
            result.rows = len(records)
    if records is None:
        counter = [0]
        records, row_errors = importer.validate(
            _known_cells(
                rows, known, ignore_extra=ignore_extra, errors=read_errors, counter=counter, progress=progress
            ),
            context,
        )
        result.rows = counter[0]
    errors = header_errors + read_errors + row_errors
    if errors:
        result.errors = _in_sheet_order(errors, header)
        return result
    for attempt in range(CONFLICT_RETRIES + 1):
        plan = importer.prepare(records, context)
        try:
            timelimit.check()  # the last stop: past it, the import writes everything or nothing
            return _write(importer, plan, context, result, header, on_written)
        except ImportConflict:
            if attempt == CONFLICT_RETRIES:
                raise
        finally:
            _close(plan)
    raise AssertionError("unreachable")  # pragma: no cover


def _write(
    importer: Importer,
    plan: Any,
    context: ImportContext,
    result: ImportResult,
    header: list[str],
    on_written: Callable[[ImportResult], None] | None,
) -> ImportResult:
    """Apply the plan in one transaction (rolled back for a dry run or rejected rows)."""
    started = time.monotonic()
    with transaction.atomic():
        try:
            applied = importer.apply(plan, context)
        except ImportRejected as exc:
            transaction.set_rollback(True)
            result.errors = _in_sheet_order(exc.errors, header)
            return result
        result.created, result.updated, result.unchanged = applied.created, applied.updated, applied.unchanged
        if context.dry_run:
            transaction.set_rollback(True)
        elif on_written is not None:
            result.write_seconds = time.monotonic() - started
            on_written(result)
    result.write_seconds = time.monotonic() - started
    return result


def _close(rows: Iterable[Any]) -> None:
    close = getattr(rows, "close", None)
    if close is not None:
        close()


def _in_sheet_order(errors: list[RowError], header: list[str]) -> list[RowError]:
    position = {name: index for index, name in enumerate(header)}

    def key(error: RowError) -> tuple[int, int]:
        if error.column in position:
            return error.row, position[error.column]
        if error.column.startswith("column ") and error.column[7:].isdigit():
            return error.row, int(error.column[7:]) - 1
        return error.row, len(header)

    return sorted(errors, key=key)
