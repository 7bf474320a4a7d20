"""Streaming readers for tables kept in CSV or XLSX files, and small parsers for their cells.

No ORM here: these are pure functions, shared by every import (the action item register, operational
data, …). ``read_rows`` yields one row at a time, numbered as a spreadsheet numbers it (the header is
row 1, the first record row 2), with every cell as a string, so that error messages point at the
cell a person sees.

Safety: an upload larger than ``ACCORD_IMPORT_MAX_MB`` is refused before it is read, and an XLSX
file (a zip archive) is checked before anything is unzipped: the number of entries, their total
declared uncompressed size and the compression ratio. Python's ``zipfile`` never inflates an entry
beyond its declared size, so the declared sizes bound what openpyxl can read.

A sheet is then read by the cells it holds, never by what it declares: its ``<dimension>`` (which
openpyxl's read-only mode would pad every row to, so a 1.6 kB file declaring ``A1:XFD1048576``
kept an import busy for minutes) is ignored, a row past 1,048,576 (the most a sheet can have) stops
the reading, and so does a sheet of more than ``ACCORD_IMPORT_MAX_XLSX_CELLS`` cells (each row
counted up to its last cell). A damaged sheet (bad zip data, bad XML) is a ``TabularError`` too.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import re
import zipfile
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings

MB = 1024 * 1024
DEFAULT_MAX_UPLOAD_MB = 50
MAX_XLSX_ENTRIES = 10_000
DEFAULT_MAX_XLSX_UNZIPPED_MB = 200
# Real spreadsheets inflate 5–30 times; a zip bomb a thousand times or more. The ratio is only
# judged once the archive declares more than RATIO_FLOOR_BYTES, so tiny files never trip it.
MAX_XLSX_RATIO = 200
RATIO_FLOOR_BYTES = 5 * MB
MAX_XLSX_ROWS = 1_048_576  # the most rows a sheet can have (Excel's limit, and the file format's)
DEFAULT_MAX_XLSX_CELLS = 20_000_000

PathOrFile = str | os.PathLike[str] | IO[bytes]
Rows = Iterator[tuple[int, dict[str, str]]]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")  # the place after a CR that no LF follows
TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})


class TabularError(Exception):
    """The file as a whole cannot be read (too large, not CSV/XLSX, not UTF-8, a zip bomb …).

    ``row`` is the spreadsheet row where reading stopped, when it stopped part-way through.
    """

    def __init__(self, message: str, *, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


# --- size limits ---------------------------------------------------------------------------------


def max_upload_bytes() -> int:
    """The largest file an import accepts: ``ACCORD_IMPORT_MAX_MB`` megabytes (50 by default)."""
    return int(getattr(settings, "ACCORD_IMPORT_MAX_MB", DEFAULT_MAX_UPLOAD_MB)) * MB


def check_upload_size(size: int | None, *, max_bytes: int | None = None) -> None:
    """Refuse a file of ``size`` bytes that is over the limit (``None``: size unknown, accepted)."""
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if size is not None and size > limit:
        raise TabularError(
            f"The file is {size / MB:.1f} MB; at most {limit / MB:.0f} MB can be imported at once."
        )


def file_size(path_or_file: PathOrFile) -> int | None:
    """The size in bytes of a path or of a (seekable) file object, without reading it."""
    if isinstance(path_or_file, str | os.PathLike):
        return os.path.getsize(path_or_file)
    size = getattr(path_or_file, "size", None)  # Django's UploadedFile
    if isinstance(size, int):
        return size
    try:
        here = path_or_file.tell()
        end = path_or_file.seek(0, os.SEEK_END)
        path_or_file.seek(here)
    except (AttributeError, OSError, ValueError):
        return None
    return end


def max_xlsx_cells() -> int:
    """The most cells an XLSX sheet may have: ``ACCORD_IMPORT_MAX_XLSX_CELLS`` (20,000,000 by default)."""
    return int(getattr(settings, "ACCORD_IMPORT_MAX_XLSX_CELLS", DEFAULT_MAX_XLSX_CELLS))


# --- XLSX safety ---------------------------------------------------------------------------------


def check_xlsx_archive(
    path_or_file: PathOrFile,
    *,
    max_entries: int = MAX_XLSX_ENTRIES,
    max_unzipped_bytes: int | None = None,
    max_ratio: float = MAX_XLSX_RATIO,
) -> None:
    """Check an XLSX file's zip directory before anything is inflated; raise ``TabularError``.

    ``max_unzipped_bytes`` defaults to ``ACCORD_IMPORT_MAX_UNZIPPED_MB`` (200 MB).
    """
    if max_unzipped_bytes is None:
        max_unzipped_bytes = (
            int(getattr(settings, "ACCORD_IMPORT_MAX_UNZIPPED_MB", DEFAULT_MAX_XLSX_UNZIPPED_MB)) * MB
        )
    try:
        with zipfile.ZipFile(path_or_file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise TabularError("This is not an XLSX file (it could not be opened as one).") from exc
    finally:
        _rewind(path_or_file)
    if len(entries) > max_entries:
        raise TabularError(
            f"The XLSX file holds {len(entries)} parts; at most {max_entries} are allowed. "
            "Save it again from a spreadsheet program, or export it as CSV."
        )
    unzipped = sum(entry.file_size for entry in entries)
    zipped = sum(entry.compress_size for entry in entries)
    if unzipped > max_unzipped_bytes:
        raise TabularError(
            f"The XLSX file unpacks to {unzipped / MB:.0f} MB; at most {max_unzipped_bytes / MB:.0f} MB "
            "are allowed. Split it, or export it as CSV."
        )
    if unzipped > RATIO_FLOOR_BYTES and unzipped > max_ratio * max(zipped, 1):
        raise TabularError(
            f"The XLSX file is compressed {unzipped / max(zipped, 1):.0f} times; more than "
            f"{max_ratio:.0f} times is refused as a possible zip bomb."
        )


def _rewind(path_or_file: PathOrFile) -> None:
    if not isinstance(path_or_file, str | os.PathLike):
        path_or_file.seek(0)


# --- readers -------------------------------------------------------------------------------------


def read_rows(
    path_or_file: PathOrFile, *, filename: str, max_bytes: int | None = None
) -> tuple[list[str], Rows]:
    """The header and a lazy iterator of ``(row number, {column: raw string})`` for CSV or XLSX.

    The format follows ``filename``'s extension (``.csv`` or ``.xlsx``). Header names are trimmed and
    lower-cased; trailing empty header cells are dropped; cells beyond the header that hold a value
    come under the key ``"column N"`` (N counted from 1) so the caller can report them. Rows whose
    cells are all empty are skipped (their numbers are not reused). A ``TabularError`` is raised at
    once for a file that cannot be read at all, or from the iterator (with ``row``) part-way through.
    """
    check_upload_size(file_size(path_or_file), max_bytes=max_bytes)
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        records = _csv_records(path_or_file)
    elif suffix == ".xlsx":
        records = _xlsx_records(path_or_file)
    else:
        raise TabularError(f"Import a .csv or .xlsx file, not {Path(filename).name!r}.")
    try:
        first = next(records, None)
    except TabularError:
        records.close()
        raise
    if first is None:
        return [], iter(())
    header = [cell.strip().lower() for cell in first]
    while header and not header[-1]:
        header.pop()
    return header, _as_dicts(header, records)


def _as_dicts(header: list[str], records: Generator[list[str], None, None]) -> Rows:
    width = len(header)
    number = 1
    try:
        for cells in records:
            number += 1
            if not any(cell.strip() for cell in cells):
                continue
            row = dict(zip(header, cells, strict=False))
            for name in header[len(cells) :]:
                row.setdefault(name, "")
            for index in range(width, len(cells)):
                if cells[index].strip():
                    row[f"column {index + 1}"] = cells[index]
            yield number, row
    except TabularError as exc:
        if exc.row is None:
            exc.row = number + 1
        raise
    finally:
        records.close()


def _csv_records(path_or_file: PathOrFile) -> Generator[list[str], None, None]:
    """CSV records (UTF-8, optional BOM, comma separated), read line by line, never whole."""
    if isinstance(path_or_file, str | os.PathLike):
        with open(path_or_file, "rb") as handle:
            yield from _csv_from_binary(handle)
    else:
        _rewind(path_or_file)
        yield from _csv_from_binary(path_or_file)


def _lines(binary: Iterable[bytes]) -> Iterator[bytes]:
    """The file's lines, ended by LF, CRLF or a lone CR (as old Mac programs write them)."""
    for chunk in binary:  # a binary file iterates by LF
        cr = chunk.find(b"\r")
        if cr == -1 or (cr == len(chunk) - 2 and chunk.endswith(b"\r\n")):
            yield chunk
        else:
            yield from (piece for piece in _LONE_CR.split(chunk) if piece)


def _decoded_lines(binary: Iterable[bytes]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    for line_number, chunk in enumerate(_lines(binary), start=1):
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise TabularError(
                f"Line {line_number} of the file is not UTF-8 text; save the file as “CSV UTF-8”."
            ) from exc
        if "\x00" in text:  # no text may hold one (PostgreSQL refuses it); UTF-16 is full of them
            raise TabularError(
                f"Line {line_number} of the file holds a NUL character, which no cell may hold: the file "
                "is probably UTF-16 or not text at all; save it as “CSV UTF-8”."
            )
        yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def _csv_from_binary(binary: IO[bytes]) -> Iterator[list[str]]:
    reader = csv.reader(_decoded_lines(binary), delimiter=",", quotechar='"', strict=False)
    try:
        yield from reader
    except csv.Error as exc:
        raise TabularError(f"The CSV file cannot be read: {exc}.") from exc


def _xlsx_records(path_or_file: PathOrFile) -> Generator[list[str], None, None]:
    """The first sheet's rows, read in openpyxl's read-only mode after the archive is checked.

    Only the cells present are read: the sheet's declared dimension is dropped (``reset_dimensions``),
    so a row is as long as its last cell and a missing row is empty. Rows and cells are capped.
    """
    from openpyxl import load_workbook

    check_xlsx_archive(path_or_file)
    source: Any = os.fspath(path_or_file) if isinstance(path_or_file, str | os.PathLike) else path_or_file
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise TabularError(_damaged(exc)) from exc
    try:
        if not workbook.worksheets:
            raise TabularError("The XLSX file has no sheet that can be read; it may be damaged.")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # what the sheet declares is not what it holds
        yield from _bounded(sheet.iter_rows(values_only=True), max_xlsx_cells())
    finally:
        workbook.close()


def _bounded(rows: Iterator[tuple[Any, ...]], max_cells: int) -> Iterator[list[str]]:
    """The rows as texts, stopping (``TabularError`` with its row) past the row and cell caps, or at
    damage found part-way (a bad CRC, bad XML): openpyxl parses the sheet as it is read."""
    number = cells = 0
    while True:
        try:
            values = next(rows, None)
        except Exception as exc:  # zipfile, zlib, XML parser … errors of a damaged sheet
            raise TabularError(_damaged(exc), row=number + 1) from exc
        if values is None:
            return
        number += 1
        if number > MAX_XLSX_ROWS:
            raise TabularError(
                f"The sheet has more than {MAX_XLSX_ROWS:,} rows, the most a sheet can have; "
                "the file is damaged or not a spreadsheet's.",
                row=number,
            )
        cells += len(values)
        if cells > max_cells:
            raise TabularError(
                f"The sheet has more than {max_cells:,} cells (each row counted up to its last cell); "
                f"at most {max_cells:,} are read (ACCORD_IMPORT_MAX_XLSX_CELLS). "
                "Split the file, or export it as CSV.",
                row=number,
            )
        end = len(values)
        while end and values[end - 1] is None:
            end -= 1
        texts = [cell_text(value) for value in values[:end]]
        while texts and texts[-1] == "":
            texts.pop()
        yield texts


def _damaged(exc: Exception) -> str:
    return f"The XLSX file is damaged and cannot be read ({type(exc).__name__}: {exc})."


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person reads: ISO dates, ``3`` rather than ``3.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


# --- cell parsers --------------------------------------------------------------------------------


def parse_date(value: str) -> dt.date:
    """A ``YYYY-MM-DD`` date; ``ValueError`` with a reason a person understands otherwise."""
    text = value.strip()
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")


def parse_bool(value: str) -> bool:
    """true/false, yes/no or 1/0 (any case)."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{value!r} is not true or false (true/false, yes/no, 1/0)")
