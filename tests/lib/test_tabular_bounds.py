"""Reading a table is bounded by what the file holds, never by what it declares.

A sheet's ``<dimension>`` is a claim of the program that wrote it; openpyxl's read-only mode trusted
it and padded every row to the declared width, so a 1.6 kB file declaring ``A1:XFD1048576`` kept an
import at 100 % CPU for minutes. These tests build such files by hand (``zipfile``) and read them
under an alarm: a reader that trusts the declaration runs past it.
"""

from __future__ import annotations

import io
import signal
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from accord.lib.tabular import MAX_XLSX_ROWS, TabularError, max_xlsx_cells, read_rows
from tests.hostile.files import sheet_cells, xlsx_with_sheet

FAR = 1_048_576  # the last row a sheet may have


@contextmanager
def at_most(seconds: float) -> Iterator[None]:
    """Fail the test (rather than hang the suite) when the block runs longer than ``seconds``."""

    def expired(*_args: Any) -> None:
        raise TimeoutError(f"reading took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def rows_of(data: bytes, name: str = "bomb.xlsx") -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    header, rows = read_rows(io.BytesIO(data), filename=name)
    return header, list(rows)


def test_a_declared_dimension_bomb_is_read_by_its_real_cells_quickly() -> None:
    data = xlsx_with_sheet(
        sheet_cells([["title", "owner_side"], ["First", "supplier"]], far={FAR: "Last"}),
        dimension="A1:XFD1048576",
    )
    assert len(data) < 2000  # the size of the file the review used
    started = time.monotonic()
    with at_most(10):
        header, rows = rows_of(data)
    assert header == ["title", "owner_side"]
    assert rows == [
        (2, {"title": "First", "owner_side": "supplier"}),
        (FAR, {"title": "Last", "owner_side": ""}),  # padded to the header's columns, not to XFD
    ]
    assert time.monotonic() - started < 10


def test_a_row_past_the_last_row_a_sheet_may_have_is_refused() -> None:
    data = xlsx_with_sheet(sheet_cells([["title"], ["a"]], far={5_000_000: "beyond"}))
    with at_most(10), pytest.raises(TabularError, match="1,048,576 rows") as caught:
        rows_of(data)
    assert caught.value.row == MAX_XLSX_ROWS + 1


def test_cells_are_capped_by_a_setting_named_in_the_message(settings: Any) -> None:
    settings.ACCORD_IMPORT_MAX_XLSX_CELLS = 1000
    assert max_xlsx_cells() == 1000
    # each row has one cell in column XFD: openpyxl makes 16,384 of it
    data = xlsx_with_sheet(sheet_cells([["title"]], far=dict.fromkeys(range(2, 12), "x"), far_column="XFD"))
    with at_most(10), pytest.raises(TabularError, match="ACCORD_IMPORT_MAX_XLSX_CELLS") as caught:
        rows_of(data)
    assert "1,000 cells" in caught.value.message
    assert caught.value.row == 2


def test_the_cell_cap_defaults_to_twenty_million(settings: Any) -> None:
    del settings.ACCORD_IMPORT_MAX_XLSX_CELLS
    assert max_xlsx_cells() == 20_000_000


def test_a_sheet_within_the_cap_reads_its_far_cells_as_cells_outside_the_table(settings: Any) -> None:
    settings.ACCORD_IMPORT_MAX_XLSX_CELLS = 100_000
    data = xlsx_with_sheet(sheet_cells([["title"], ["a"]], far={3: "stray"}, far_column="XFD"))
    assert rows_of(data)[1] == [(2, {"title": "a"}), (3, {"title": "", "column 16384": "stray"})]


@pytest.mark.parametrize(
    "damage",
    ["truncated", "bad xml", "bad xml past its dimension", "bad crc", "no sheet xml"],
)
def test_a_damaged_xlsx_is_a_clear_error(damage: str) -> None:
    good = xlsx_with_sheet(sheet_cells([["title"], *[[f"row {i}"] for i in range(200)]]))
    if damage == "truncated":
        data = good[: len(good) // 2]
    elif damage.startswith("bad xml"):
        broken = sheet_cells([["title"], *[[f"row {i}"] for i in range(200)]]).replace("</sheetData>", "<row")
        # with a dimension openpyxl opens the sheet unread: the damage is met while reading the rows
        data = xlsx_with_sheet(broken, dimension="A1:A201" if "past" in damage else None)
    elif damage == "bad crc":
        data = _corrupt_sheet(good)
    else:
        data = xlsx_with_sheet(None)
    with pytest.raises(TabularError) as caught:
        rows_of(data)
    message = caught.value.message
    assert "XLSX" in message and ("damaged" in message or "not an XLSX" in message), message


def _corrupt_sheet(data: bytes) -> bytes:
    """The archive with one byte of the sheet's compressed data changed (the CRC no longer fits)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    raw = bytearray(data)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0xFF
    return bytes(raw)


# --- CSV -----------------------------------------------------------------------------------------


def test_a_csv_holding_a_nul_byte_is_refused_at_its_line() -> None:
    _header, rows = read_rows(io.BytesIO(b"title\nfine\nbad\x00cell\nlater\n"), filename="x.csv")
    assert next(rows) == (2, {"title": "fine"})
    with pytest.raises(TabularError, match="NUL") as caught:
        next(rows)
    assert caught.value.row == 3


def test_a_utf16_csv_is_read_with_its_bom_and_refused_without_one() -> None:
    text = "title,owner_side\r\nFirst,supplier\r\n"
    header, rows = read_rows(io.BytesIO(text.encode("utf-16")), filename="x.csv")
    assert (header, list(rows)) == (
        ["title", "owner_side"],
        [(2, {"title": "First", "owner_side": "supplier"})],
    )
    with pytest.raises(TabularError, match=r"NUL.*UTF-16 without a byte order mark"):
        _header, rows = read_rows(io.BytesIO(text.encode("utf-16-le")), filename="x.csv")
        list(rows)


def test_a_csv_with_cr_only_line_ends_is_read_by_row() -> None:
    data = b'title,n\rfirst,1\r"two\rlines",2\r\rfourth,4\r'
    header, rows = read_rows(io.BytesIO(data), filename="mac.csv")
    assert header == ["title", "n"]
    assert list(rows) == [
        (2, {"title": "first", "n": "1"}),
        (3, {"title": "two\rlines", "n": "2"}),
        (5, {"title": "fourth", "n": "4"}),
    ]


def test_latin1_text_is_read_as_windows_1252() -> None:
    data = "title\nok\nMüller\n".encode("latin-1")
    _header, rows = read_rows(io.BytesIO(data), filename="x.csv")
    assert list(rows) == [(2, {"title": "ok"}), (3, {"title": "Müller"})]
