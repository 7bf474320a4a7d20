"""Streaming readers for tables kept in CSV or XLSX files, and small parsers for their cells.

No ORM here: these are pure functions, shared by every import (the action item register, operational
data, …). ``read_rows`` yields one row at a time, numbered as a spreadsheet numbers it (the header is
row 1, the first record row 2), with every cell as a string, so that error messages point at the
cell a person sees.

A CSV file's separator (comma, semicolon, tab) and encoding (UTF-8 with or without BOM, UTF-16 with
its BOM, Windows-1252) are detected from its first ``SNIFF_BYTES`` (``sniff_csv``), never taken
from what the file declares; ``Table.describe`` says what was read.

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
import io
import os
import re
import zipfile
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

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
            _("The file is %(size)s MB; at most %(limit)s MB can be imported at once.")
            % {"size": f"{size / MB:.1f}", "limit": f"{limit / MB:.0f}"}
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
        raise TabularError(_("This is not an XLSX file (it could not be opened as one).")) from exc
    finally:
        _rewind(path_or_file)
    if len(entries) > max_entries:
        raise TabularError(
            ngettext(
                "The XLSX file holds %(count)s part; at most %(max)s are allowed. "
                "Save it again from a spreadsheet program, or export it as CSV.",
                "The XLSX file holds %(count)s parts; at most %(max)s are allowed. "
                "Save it again from a spreadsheet program, or export it as CSV.",
                len(entries),
            )
            % {"count": len(entries), "max": max_entries}
        )
    unzipped = sum(entry.file_size for entry in entries)
    zipped = sum(entry.compress_size for entry in entries)
    if unzipped > max_unzipped_bytes:
        raise TabularError(
            _(
                "The XLSX file unpacks to %(size)s MB; at most %(limit)s MB "
                "are allowed. Split it, or export it as CSV."
            )
            % {"size": f"{unzipped / MB:.0f}", "limit": f"{max_unzipped_bytes / MB:.0f}"}
        )
    if unzipped > RATIO_FLOOR_BYTES and unzipped > max_ratio * max(zipped, 1):
        raise TabularError(
            _(
                "The XLSX file is compressed %(ratio)s times; more than "
                "%(limit)s times is refused as a possible zip bomb."
            )
            % {"ratio": f"{unzipped / max(zipped, 1):.0f}", "limit": f"{max_ratio:.0f}"}
        )


def _rewind(path_or_file: PathOrFile) -> None:
    if not isinstance(path_or_file, str | os.PathLike):
        path_or_file.seek(0)


# --- readers -------------------------------------------------------------------------------------


@dataclass
class Table:
    """A file opened for reading: its header, its rows (lazy) and, for CSV, how it is written."""

    header: list[str]
    rows: Rows
    csv_format: CsvFormat | None = None  # None: an XLSX file

    def describe(self) -> str:
        """What was read: ``CSV separated by ';', encoded Windows-1252`` or ``XLSX, first sheet``."""
        return self.csv_format.describe() if self.csv_format else _("XLSX, first sheet")


def read_table(
    path_or_file: PathOrFile,
    *,
    filename: str,
    max_bytes: int | None = None,
    csv_format: CsvFormat | None = None,
) -> Table:
    """The header and a lazy iterator of ``(row number, {column: raw string})`` for CSV or XLSX.

    The format follows ``filename``'s extension (``.csv`` or ``.xlsx``); a CSV file's separator and
    encoding are detected (``sniff_csv``) unless ``csv_format`` is given. Header names are trimmed and
    lower-cased; trailing empty header cells are dropped; cells beyond the header that hold a value
    come under the key ``"column N"`` (N counted from 1) so the caller can report them. Rows whose
    cells are all empty are skipped (their numbers are not reused). A ``TabularError`` is raised at
    once for a file that cannot be read at all, or from the iterator (with ``row``) part-way through.
    """
    check_upload_size(file_size(path_or_file), max_bytes=max_bytes)
    suffix = Path(filename).suffix.lower()
    form: CsvFormat | None = None
    if suffix == ".csv":
        form = csv_format or sniff_csv(path_or_file)
        records = _csv_records(path_or_file, form)
    elif suffix == ".xlsx":
        records = _xlsx_records(path_or_file)
    else:
        raise TabularError(
            _("Import a .csv or .xlsx file, not %(name)s.") % {"name": repr(Path(filename).name)}
        )
    try:
        first = next(records, None)
    except TabularError:
        records.close()
        raise
    if first is None:
        return Table([], iter(()), form)
    header = [cell.strip().lower() for cell in first]
    while header and not header[-1]:
        header.pop()
    return Table(header, _as_dicts(header, records), form)


def read_rows(
    path_or_file: PathOrFile, *, filename: str, max_bytes: int | None = None
) -> tuple[list[str], Rows]:
    """``read_table``'s header and rows."""
    table = read_table(path_or_file, filename=filename, max_bytes=max_bytes)
    return table.header, table.rows


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


# --- CSV: what the bytes are -----------------------------------------------------------------------

SNIFF_BYTES = 64 * 1024  # the bounded sample the separator and the encoding are judged from
SNIFF_RECORDS = 50  # records of the sample that tell a separator that splits them alike
DELIMITERS = (",", ";", "\t")  # in this order when nothing else tells them apart
# the names are shown in sentences (``CsvFormat.describe``, the import's header check): "tab" is a word
DELIMITER_NAMES: dict[str, Any] = {",": "','", ";": "';'", "\t": gettext_lazy("tab")}
ENCODING_NAMES: dict[str, Any] = {
    "utf-8": "UTF-8",
    "utf-8-sig": gettext_lazy("UTF-8 with BOM"),
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "cp1252": "Windows-1252",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class CsvFormat:
    """How a CSV file is written: its separator and its encoding (a Python codec name)."""

    delimiter: str = ","
    encoding: str = "utf-8"

    @property
    def bom(self) -> bytes:
        """The byte order mark the file starts with ("" when none)."""
        return next((mark for mark, name in _BOMS if name == self.encoding), b"")

    def describe(self) -> str:
        """``CSV separated by ';', encoded Windows-1252``: what the Data page and the CLI say."""
        return _("CSV separated by %(separator)s, encoded %(encoding)s") % {
            "separator": DELIMITER_NAMES[self.delimiter],
            "encoding": ENCODING_NAMES.get(self.encoding, self.encoding),
        }


def sniff_csv(path_or_file: PathOrFile) -> CsvFormat:
    """The separator and encoding of a CSV file, judged from its first ``SNIFF_BYTES`` bytes only.

    Encoding: a byte order mark decides (UTF-8, UTF-16 LE or BE); without one, the sample is UTF-8
    when it decodes as UTF-8 (a character cut at the sample's end does not count), else Windows-1252
    (what Excel's "CSV" writes in Western European settings). Nothing the file declares is trusted.
    Separator: of comma, semicolon and tab, those that split the first record into two or more
    columns; among them the one that splits most of the next records of the sample into as many
    columns, then the one giving more columns, then the first of comma, semicolon, tab. A file
    whose first record splits on none of them is read as comma separated (one column).
    The same bytes always give the same answer.
    """
    sample = _sample(path_or_file)
    encoding = next((name for mark, name in _BOMS if sample.startswith(mark)), None)
    if encoding is None:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(sample, final=False)
    if len(sample) == SNIFF_BYTES:  # the last line may be cut: judge whole lines only
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut > 0 else text
    return CsvFormat(delimiter=_delimiter(text), encoding=encoding)


def _sample(path_or_file: PathOrFile) -> bytes:
    if isinstance(path_or_file, str | os.PathLike):
        with open(path_or_file, "rb") as handle:
            return handle.read(SNIFF_BYTES)
    _rewind(path_or_file)
    try:
        return path_or_file.read(SNIFF_BYTES)
    finally:
        _rewind(path_or_file)


def _delimiter(text: str) -> str:
    text = text.replace("\x00", "")  # a NUL is refused when the file is read, with its line
    best: tuple[int, int, int] | None = None
    chosen = ","
    for order, candidate in enumerate(DELIMITERS):
        records = _split(text, candidate)
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        alike = sum(1 for record in records[1:] if len(record) == width)
        score = (alike, width, -order)
        if best is None or score > best:
            best, chosen = score, candidate
    return chosen


def _split(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    records: list[list[str]] = []
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append(record)
            if len(records) > SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    while records and len(records[0]) > 1 and not records[0][-1].strip():
        records[0].pop()  # trailing empty header cells (Excel writes them for empty columns)
    return records


# --- CSV: reading ----------------------------------------------------------------------------------


def _csv_records(path_or_file: PathOrFile, form: CsvFormat) -> Generator[list[str], None, None]:
    """CSV records in ``form``'s separator and encoding, read line by line, never whole."""
    if isinstance(path_or_file, str | os.PathLike):
        with open(path_or_file, "rb") as handle:
            yield from _csv_from_binary(handle, form)
    else:
        _rewind(path_or_file)
        yield from _csv_from_binary(path_or_file, form)


def _lines(binary: Iterable[bytes]) -> Iterator[bytes]:
    """The file's lines, ended by LF, CRLF or a lone CR (as old Mac programs write them)."""
    for chunk in binary:  # a binary file iterates by LF
        cr = chunk.find(b"\r")
        if cr == -1 or (cr == len(chunk) - 2 and chunk.endswith(b"\r\n")):
            yield chunk
        else:
            yield from (piece for piece in _LONE_CR.split(chunk) if piece)


_TEXT_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")


def _utf16_lines(binary: IO[bytes], encoding: str) -> Iterator[str]:
    """A UTF-16 file's lines (its bytes cannot be split at LF bytes), the byte order mark skipped.

    An odd number of bytes or a lone surrogate is a ``TabularError`` naming the line it is on."""
    decoder = codecs.getincrementaldecoder(encoding)()
    binary.read(2)  # the byte order mark
    line_number = 1
    pending = ""
    while True:
        chunk = binary.read(64 * 1024)
        try:
            pending += decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            good = exc.object[: exc.start - exc.start % 2].decode(encoding, errors="replace")
            line_number += len(_TEXT_LINE.findall(pending + good))
            raise TabularError(
                _(
                    "Line %(line)s of the file is not %(encoding)s text (it breaks off "
                    "or holds a broken character); save the file again."
                )
                % {"line": line_number, "encoding": ENCODING_NAMES[encoding]}
            ) from exc
        # whole lines only; a CR at the end may be the first half of a CRLF
        end = len(pending) - 1 if chunk and pending.endswith("\r") else len(pending)
        done = 0
        for match in _TEXT_LINE.finditer(pending, 0, end):
            line = match.group()
            if "\x00" in line:
                raise TabularError(_nul_in_line(line_number))
            line_number += 1
            done = match.end()
            yield line
        pending = pending[done:]
        if not chunk:
            if pending:
                if "\x00" in pending:
                    raise TabularError(_nul_in_line(line_number))
                yield pending
            return


def _decoded_lines(binary: IO[bytes], form: CsvFormat) -> Iterator[str]:
    if form.encoding.startswith("utf-16"):
        yield from _utf16_lines(binary, form.encoding)
        return
    decoder = codecs.getincrementaldecoder(form.encoding)()
    for line_number, chunk in enumerate(_lines(binary), start=1):
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise TabularError(
                _(
                    "Line %(line)s of the file is not %(encoding)s text, though "
                    "the file's beginning is; save the file again as “CSV UTF-8”."
                )
                % {"line": line_number, "encoding": ENCODING_NAMES[form.encoding]}
            ) from exc
        if "\x00" in text:  # no text may hold one (PostgreSQL refuses it); UTF-16 is full of them
            raise TabularError(
                _(
                    "Line %(line)s of the file holds a NUL character, which no cell may hold: the file is "
                    "probably UTF-16 without a byte order mark, or not text at all; save it as “CSV UTF-8”."
                )
                % {"line": line_number}
            )
        yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def _csv_from_binary(binary: IO[bytes], form: CsvFormat) -> Iterator[list[str]]:
    reader = csv.reader(_decoded_lines(binary, form), delimiter=form.delimiter, quotechar='"', strict=False)
    try:
        yield from reader
    except csv.Error as exc:
        raise TabularError(_("The CSV file cannot be read: %(error)s.") % {"error": exc}) from exc


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
            raise TabularError(_("The XLSX file has no sheet that can be read; it may be damaged."))
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
                _(
                    "The sheet has more than %(max)s rows, the most a sheet can have; "
                    "the file is damaged or not a spreadsheet's."
                )
                % {"max": f"{MAX_XLSX_ROWS:,}"},
                row=number,
            )
        cells += len(values)
        if cells > max_cells:
            raise TabularError(
                _(
                    "The sheet has more than %(max)s cells (each row counted up to its last cell); "
                    "at most %(max)s are read (ACCORD_IMPORT_MAX_XLSX_CELLS). "
                    "Split the file, or export it as CSV."
                )
                % {"max": f"{max_cells:,}"},
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
    return _("The XLSX file is damaged and cannot be read (%(error)s).") % {
        "error": f"{type(exc).__name__}: {exc}"
    }


def _nul_in_line(line_number: int) -> str:
    return _("Line %(line)s of the file holds a NUL character, which no cell may hold.") % {
        "line": line_number
    }


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
    raise ValueError(_("%(value)s is not a date (YYYY-MM-DD)") % {"value": repr(value)})


def parse_bool(value: str) -> bool:
    """true/false, yes/no or 1/0 (any case)."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("%(value)s is not true or false (true/false, yes/no, 1/0)") % {"value": repr(value)})
