"""Hostile files built by hand: XLSX archives written part by part with ``zipfile`` (so they can
declare what they like), and CSV bytes in other encodings, with NUL bytes, with CR-only line ends."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


class Formula(str):
    """A cell holding a formula (``<f>``) with an optional cached result, instead of a text."""

    cached: str | None = None

    def __new__(cls, formula: str, cached: str | None = None) -> Formula:
        made = super().__new__(cls, formula)
        made.cached = cached
        return made


def _cell(ref: str, value: str) -> str:
    if isinstance(value, Formula):
        cached = "" if value.cached is None else f"<v>{escape(value.cached)}</v>"
        return f'<c r="{ref}" t="str"><f>{escape(value)}</f>{cached}</c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def sheet_cells(
    rows: Sequence[Sequence[str]], *, far: Mapping[int, str] | None = None, far_column: str = "A"
) -> str:
    """``<sheetData>`` with ``rows`` from row 1, then one cell in ``far_column`` of each row in ``far``."""
    out = []
    for number, values in enumerate(rows, start=1):
        cells = "".join(
            _cell(f"{get_column_letter(i)}{number}", v) for i, v in enumerate(values, start=1) if v != ""
        )
        out.append(f'<row r="{number}">{cells}</row>')
    for number, value in sorted((far or {}).items()):
        out.append(f'<row r="{number}">{_cell(f"{far_column}{number}", value)}</row>')
    return "<sheetData>" + "".join(out) + "</sheetData>"


def xlsx_with_sheet(sheet_data: str | None, *, dimension: str | None = None) -> bytes:
    """A minimal XLSX archive whose only sheet holds ``sheet_data`` (None: the sheet's part is missing)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{PKG}/content-types">'
            f'<Default Extension="rels" ContentType="{RELS_TYPE}"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
    }
    if sheet_data is not None:
        parts["xl/worksheets/sheet1.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}{sheet_data}</worksheet>'
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def dimension_bomb(rows: Sequence[Sequence[str]]) -> bytes:
    """The review's file: ``rows``, a last cell in row 1,048,576, and ``A1:XFD1048576`` declared."""
    return xlsx_with_sheet(sheet_cells(rows, far={1_048_576: "x"}), dimension="A1:XFD1048576")


def ratio_bomb() -> bytes:
    """A sheet of 20 MB of blanks: a compression ratio no spreadsheet has (the zip bomb check)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (20 << 20))
    return out.getvalue()
