"""A clean CSV file read a whole column at a time (pyarrow), for the large operational imports.

The per-row path of ``importers_base.TableImporter`` is the rule: it reads every cell and explains
every error with its row, column, value and reason. It costs some 30 µs a row in Python, so a large
CSV file is first read here, a block of columns at a time, by pyarrow's CSV reader and compute
kernels (architecture.md allows a columnar reader where the benchmark shows it pays; ``make bench``
does). Each column's rule (``cells.Parser.rule``) has a vectorized form here that accepts a
cell only when the per-row rule certainly accepts it *with the same value*. Anything else is
**doubt**: a bad cell, and also a cell with surrounding blanks, a quote, a line break or a leading
apostrophe, a name in other letter case, a key twice in the file, a row a check across columns
doubts, a file the two readers might split differently. On doubt ``read`` returns ``None`` and the
whole file goes through the per-row path, which reports exactly. So this path never reports an
error: it returns every row, or nothing.

Rows are numbered as the per-row reader numbers them (the header is row 1, the n-th record row
n + 1): a row the stdlib reader would skip (all cells empty) or join (a quoted line break) is doubt.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from accord.lib import timelimit
from accord.lib.tabular import FALSE_WORDS, TRUE_WORDS, CsvFormat, PathOrFile

if TYPE_CHECKING:
    from accord.operations.cells import Col

BLOCK_BYTES = 4 << 20
INT_MAX = 2_147_483_647
# A cell the per-row path could read differently: blanks or control characters at either end
# (``str.strip`` removes them), a leading apostrophe (``clean_text``), quotes and line breaks, and a
# NUL anywhere (the stdlib reader refuses a line holding one).
NOT_PLAIN = r"^[\p{Z}\p{Cc}']|[\p{Z}\p{Cc}]$|[\"\r\n\x00]"
DATE = r"^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$"  # the years of cells.FIRST_YEAR to cells.LAST_YEAR
WHOLE = r"^[0-9]{1,10}$"
DECIMAL = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$"

PYARROW_ENCODINGS = {"utf-8": "utf8", "utf-8-sig": "utf8", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}

Form = Callable[[pa.Array], tuple[pa.Array, pa.Array]]  # cells → (values, accepted)


# --- each rule's vectorized form -------------------------------------------------------------------


def _text(max_length: int) -> Form:
    return lambda cells: (cells, pc.less_equal(pc.utf8_length(cells), max_length))


def _shaped(pattern: str, placeholder: str, kind: pa.DataType) -> Form:
    """Cells of ``pattern``'s shape cast to ``kind``; a well-shaped cell the cast refuses (a day
    that does not exist, 2026-02-30) raises ArrowInvalid: doubt about the whole block."""

    def form(cells: pa.Array) -> tuple[pa.Array, pa.Array]:
        shaped = pc.match_substring_regex(cells, pattern)
        return pc.cast(pc.if_else(shaped, cells, placeholder), kind), shaped

    return form


def _date(_arg: Any) -> Form:
    return _shaped(DATE, "2000-01-01", pa.date32())


def _whole(minimum: int) -> Form:
    shaped = _shaped(WHOLE, "0", pa.int64())

    def form(cells: pa.Array) -> tuple[pa.Array, pa.Array]:
        numbers, digits = shaped(cells)
        inside = pc.and_(pc.greater_equal(numbers, minimum), pc.less_equal(numbers, INT_MAX))
        return numbers, pc.and_(digits, inside)

    return form


def _number(_arg: Any) -> Form:
    return _shaped(DECIMAL, "0", pa.float64())


def _boolean(_arg: Any) -> Form:
    def form(cells: pa.Array) -> tuple[pa.Array, pa.Array]:
        words = pc.utf8_lower(cells)
        true = pc.is_in(words, pa.array(sorted(TRUE_WORDS)))
        false = pc.is_in(words, pa.array(sorted(FALSE_WORDS)))
        return true, pc.and_(pc.string_is_ascii(cells), pc.or_(true, false))

    return form


def _mapped(mapping: dict[str, Any], *, lower: bool) -> Form:
    """Exact names (and, with ``lower``, lower-cased ASCII ones); anything else is doubt."""
    names = pa.array(list(mapping), pa.string())
    values = pa.array(list(mapping.values()))

    def form(cells: pa.Array) -> tuple[pa.Array, pa.Array]:
        at = pc.index_in(cells, value_set=names)
        if lower:
            folded = pc.index_in(pc.utf8_lower(cells), value_set=names)
            at = pc.coalesce(at, pc.if_else(pc.string_is_ascii(cells), folded, None))
        return pc.take(values, at), pc.is_valid(at)

    return form


FORMS: dict[str, Callable[[Any], Form]] = {
    "text": _text,
    "date": _date,
    "whole": _whole,
    "number": _number,
    "boolean": _boolean,
    "choice": lambda mapping: _mapped(mapping, lower=True),
    "lookup": lambda mapping: _mapped(mapping, lower=False),
}


def form_of(col: Col) -> Form | None:
    """The vectorized form of ``col``'s rule, or None when it has none (that kind reads by row)."""
    rule = getattr(col.parse, "rule", None)
    make = FORMS.get(rule) if rule else None
    return make(col.parse.arg) if make else None  # type: ignore[attr-defined]


# --- reading ---------------------------------------------------------------------------------------


@dataclass
class Columns:
    """Every row of a clean file: ``table`` has one column per ``Col.field``, in ``cols`` order."""

    table: pa.Table

    def __len__(self) -> int:
        return self.table.num_rows

    def records(self, rows: pa.Array | None = None) -> list[tuple[Any, ...]]:
        """The per-row path's records ``(row number, value, …)`` of the rows at ``rows`` (or all)."""
        table = self.table if rows is None else self.table.take(rows)
        numbers = (
            pc.add(rows, 2) if rows is not None else pa.array(range(2, table.num_rows + 2))
        ).to_pylist()
        return list(zip(numbers, *(column.to_pylist() for column in table.columns), strict=True))

    def without(self, rows: pa.Array) -> Columns:
        """The other rows (``rows``: sorted positions)."""
        if len(rows) == 0:
            return self
        keep = pc.invert(pc.is_in(pa.array(range(len(self)), pa.int64()), value_set=rows))
        return Columns(self.table.filter(keep))


def _batches(source: PathOrFile, header: list[str], form: CsvFormat) -> Iterator[pa.RecordBatch] | None:
    """The file's record batches, every cell a string; None when pyarrow sees another header.

    pyarrow reads UTF-8 itself (skipping a BOM); another encoding it decodes through Python's codec
    (``utf-16`` takes either byte order from the BOM, and drops it)."""
    if not isinstance(source, str) and hasattr(source, "seek"):
        source.seek(0)
    encoding = PYARROW_ENCODINGS.get(form.encoding, form.encoding)
    reader = pa_csv.open_csv(
        source,
        read_options=pa_csv.ReadOptions(block_size=BLOCK_BYTES, use_threads=True, encoding=encoding),
        parse_options=pa_csv.ParseOptions(
            delimiter=form.delimiter, newlines_in_values=True, ignore_empty_lines=False
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    schema = reader.schema
    if schema.names != header or any(field.type != pa.string() for field in schema):
        reader.close()
        return None
    return iter(reader)


def read(
    source: PathOrFile,
    header: list[str],
    cols: Sequence[Col],
    *,
    key: Sequence[str],
    check: Callable[[dict[str, pa.Array]], pa.Array | None],
    progress: Callable[[int], None],
    csv_format: CsvFormat | None = None,
) -> Columns | None:
    """Every row of a CSV file ``source`` (in ``csv_format``, by default comma-separated UTF-8) as
    values of ``cols``; None on any doubt (see above)."""
    forms = [form_of(col) for col in cols]
    if None in forms or not set(header) <= {col.name for col in cols}:
        return None
    try:
        batches = _batches(source, header, csv_format or CsvFormat())
        if batches is None:
            return None
        parts: list[pa.RecordBatch] = []
        done = 0
        for batch in batches:
            timelimit.check()
            part = _validated(batch, cols, forms, check)  # type: ignore[arg-type]
            if part is None:
                return None
            parts.append(part)
            done += batch.num_rows
            progress(done)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, UnicodeError):
        return None  # the stdlib reader says what is wrong with the file, row by row
    if not parts:
        return None
    table = pa.Table.from_batches(parts)
    if len(key) == 1:
        distinct = pc.count_distinct(table[key[0]]).as_py()
    else:
        distinct = table.group_by(list(key)).aggregate([([], "count_all")]).num_rows
    if distinct != table.num_rows:
        return None  # a key twice in the file
    return Columns(table)


def _validated(
    batch: pa.RecordBatch,
    cols: Sequence[Col],
    forms: Sequence[Form],
    check: Callable[[dict[str, pa.Array]], pa.Array | None],
) -> pa.RecordBatch | None:
    size = batch.num_rows
    accepted = pa.array([True] * size)
    values: dict[str, pa.Array] = {}
    names = batch.schema.names
    for col, form in zip(cols, forms, strict=True):
        cells = batch.column(names.index(col.name)) if col.name in names else pa.array([""] * size)
        empty = pc.equal(cells, "")
        parsed, good = form(cells)
        good = pc.fill_null(good, False)
        if col.required:
            fine = pc.and_(pc.invert(empty), good)
        else:
            fine = pc.or_(empty, good)
            parsed = pc.if_else(empty, pa.scalar(col.default, type=parsed.type), parsed)
        plain = pc.invert(pc.match_substring_regex(cells, NOT_PLAIN))
        accepted = pc.and_(accepted, pc.and_(plain, fine))
        values[col.field] = parsed
    checked = check(values)
    if checked is not None:
        accepted = pc.and_(accepted, pc.fill_null(checked, False))
    if not pc.all(accepted).as_py():
        return None
    return pa.RecordBatch.from_arrays(list(values.values()), names=list(values))


# --- writing ---------------------------------------------------------------------------------------


def matching(columns: Columns, key: Sequence[str], existing: pa.Table) -> pa.Array:
    """The positions of the rows whose key is in ``existing`` (a table of the key's columns)."""
    if existing.num_rows == 0:
        return pa.array([], pa.int64())
    numbered = columns.table.select(list(key)).append_column("_at", pa.array(range(len(columns))))
    keys = existing.cast(numbered.select(list(key)).schema)
    found = numbered.join(keys, keys=list(key), join_type="left semi")
    return found["_at"].combine_chunks().sort()


def csv_bytes(table: pa.Table) -> bytes:
    """``table`` as PostgreSQL ``COPY … (FORMAT csv)`` reads it: NULL unquoted-empty, '' quoted."""
    sink = io.BytesIO()
    pa_csv.write_csv(table, sink, pa_csv.WriteOptions(include_header=False, quoting_style="needed"))
    return sink.getvalue()
