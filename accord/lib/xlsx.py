"""One styled table in one XLSX sheet, written with openpyxl's write-only (streaming) mode.

The header row is bold white on a dark fill, frozen, and carries an autofilter over the data.
Dates and datetimes are written as real spreadsheet dates (so they sort and filter as dates);
aware datetimes are first moved into the viewer's time zone and made naive, since XLSX has no
notion of a time zone. Text cells are always written as text: a title such as ``=HYPERLINK(...)``
stays a string and never becomes a formula.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

Kind = Literal["text", "date", "datetime", "int"]

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill(fill_type="solid", start_color="1F4E79", end_color="1F4E79")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
MAX_CELL_TEXT = 32767  # Excel refuses longer cells
_BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 15
    kind: Kind = "text"


def sheet_name(title: str) -> str:
    """A title Excel accepts: no ``[]:*?/\\``, at most 31 characters, not empty."""
    return _BAD_TITLE_CHARS.sub("-", title).strip("'")[:31] or "Sheet1"


def as_naive(value: datetime, tz: tzinfo | None) -> datetime:
    """``value`` in ``tz`` without its time zone (aware values only; naive ones pass unchanged)."""
    if value.tzinfo is not None:
        value = value.astimezone(tz) if tz is not None else value
        value = value.replace(tzinfo=None)
    return value


def _text(value: Any) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text[:MAX_CELL_TEXT]


def _cell(ws: Any, value: Any, kind: Kind, tz: tzinfo | None) -> Any:
    if value is None or value == "":
        return None
    if kind == "datetime" and isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=as_naive(value, tz))
        cell.number_format = DATETIME_FORMAT
        return cell
    if kind in ("date", "datetime") and isinstance(value, date):
        if isinstance(value, datetime):  # a datetime in a date column: its local day
            value = as_naive(value, tz).date()
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if kind == "int" and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    cell = WriteOnlyCell(ws, value=_text(value))
    cell.data_type = "s"  # openpyxl would read a leading "=" as a formula
    return cell


def write_table(
    *,
    sheet_title: str,
    columns: list[Column],
    rows: Iterable[Sequence[Any]],
    tz: tzinfo | None = None,
) -> bytes:
    """An XLSX workbook with one sheet: a styled, frozen, filterable header row and ``rows``.

    ``tz`` is the viewer's time zone for aware datetimes; ``rows`` may be a generator (streamed).
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_name(sheet_title))
    # Column widths and panes must be set before the first row is written.
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=_text(column.header))
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        ws.append([_cell(ws, value, column.kind, tz) for value, column in zip(row, columns, strict=True)])
        count += 1
    last = get_column_letter(max(len(columns), 1))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
