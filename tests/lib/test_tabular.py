import datetime as dt
import io
import struct
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from accord.lib import tabular
from accord.lib.tabular import (
    TabularError,
    cell_text,
    check_upload_size,
    check_xlsx_archive,
    parse_bool,
    parse_date,
    read_rows,
)


def rows_of(path_or_file: Any, filename: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    header, rows = read_rows(path_or_file, filename=filename)
    return header, list(rows)


def test_it_reads_a_csv_with_a_bom_numbering_rows_as_a_spreadsheet_does(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(
        "\ufeff Title ,Owner_Side\r\n"
        'First,supplier\r\n"Two\nlines, and a comma",customer\r\n,\r\nFourth,joint\r\n'.encode()
    )
    header, rows = rows_of(path, "register.csv")
    assert header == ["title", "owner_side"]
    assert rows == [
        (2, {"title": "First", "owner_side": "supplier"}),
        (3, {"title": "Two\nlines, and a comma", "owner_side": "customer"}),
        # row 4 is empty: skipped, and its number is not reused
        (5, {"title": "Fourth", "owner_side": "joint"}),
    ]


def test_it_reads_a_csv_from_a_file_object_and_fills_short_rows() -> None:
    data = io.BytesIO(b"a,b,c\n1\n2,3,4,5\n")
    header, rows = rows_of(data, "upload.CSV")
    assert header == ["a", "b", "c"]
    assert rows == [(2, {"a": "1", "b": "", "c": ""}), (3, {"a": "2", "b": "3", "c": "4", "column 4": "5"})]


def test_it_reads_lazily_and_reports_bad_text_at_its_row() -> None:
    # the encoding is judged from the first SNIFF_BYTES: a bad byte after them is reported at its row
    fine = tabular.SNIFF_BYTES // 5 + 10
    data = io.BytesIO(b"title\n" + b"fine\n" * fine + b"\xff\xfe broken\n")
    header, rows = read_rows(data, filename="x.csv")  # the bad line is not read yet
    assert header == ["title"]
    assert next(rows) == (2, {"title": "fine"})
    assert next(rows) == (3, {"title": "fine"})
    with pytest.raises(TabularError, match="not UTF-8 text, though the file's beginning is") as caught:
        list(rows)
    assert caught.value.row == fine + 2


def test_an_empty_file_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert rows_of(path, "empty.csv") == ([], [])


def test_it_refuses_other_formats() -> None:
    with pytest.raises(TabularError, match=r"\.csv or \.xlsx"):
        read_rows(io.BytesIO(b"x"), filename="register.xls")


def xlsx_bytes(rows: list[list[Any]], *, extra_first: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if extra_first:
        other = workbook.create_sheet("notes")
        other.append(["not", "this"])
        workbook.active = 1  # the active sheet is not the first one
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_it_reads_the_first_sheet_of_an_xlsx_with_iso_dates_and_whole_numbers(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                ["Title", "Due_Date", "External_ID", "Score", "Done", "At", None],
                ["A", dt.date(2026, 3, 31), 101, 2.5, True, dt.datetime(2026, 1, 2, 3, 4, 5)],
                [None, None, None, None, None, None],
                ["B", None, 7.0, None, False, None, "stray"],
            ],
            extra_first=True,
        )
    )
    header, rows = rows_of(path, "register.xlsx")
    assert header == ["title", "due_date", "external_id", "score", "done", "at"]
    assert rows == [
        (
            2,
            {
                "title": "A",
                "due_date": "2026-03-31",
                "external_id": "101",
                "score": "2.5",
                "done": "true",
                "at": "2026-01-02T03:04:05",
            },
        ),
        (
            4,
            {
                "title": "B",
                "due_date": "",
                "external_id": "7",
                "score": "",
                "done": "false",
                "at": "",
                "column 7": "stray",
            },
        ),
    ]


def test_it_reads_an_xlsx_from_a_file_object() -> None:
    header, rows = rows_of(io.BytesIO(xlsx_bytes([["a"], ["x"]])), "up.xlsx")
    assert (header, rows) == (["a"], [(2, {"a": "x"})])


def test_a_file_named_xlsx_that_is_not_a_zip_is_refused() -> None:
    with pytest.raises(TabularError, match="not an XLSX file"):
        read_rows(io.BytesIO(b"title\nnot a zip\n"), filename="register.xlsx")


@pytest.fixture
def openpyxl_must_not_open(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("openpyxl opened a file that should have been refused first")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_an_xlsx_with_too_many_entries_is_refused_before_opening(openpyxl_must_not_open: None) -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for index in range(tabular.MAX_XLSX_ENTRIES + 1):
            archive.writestr(f"xl/part{index}.xml", b"")
    with pytest.raises(TabularError, match="at most 10000 are allowed"):
        read_rows(data, filename="bomb.xlsx")


def test_an_xlsx_declaring_a_huge_size_is_refused_before_opening(
    tmp_path: Path, openpyxl_must_not_open: None
) -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<x/>")
    raw = bytearray(data.getvalue())
    central = raw.index(b"PK\x01\x02")
    raw[central + 24 : central + 28] = struct.pack("<I", 0xFFFF0000)  # declared uncompressed size ≈ 4 GB
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bytes(raw))
    with pytest.raises(TabularError, match=r"unpacks to \d+ MB; at most 200 MB"):
        read_rows(path, filename="bomb.xlsx")


def test_an_xlsx_compressed_like_a_zip_bomb_is_refused(openpyxl_must_not_open: None) -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * tabular.MB))
    with pytest.raises(TabularError, match="zip bomb"):
        read_rows(data, filename="bomb.xlsx")


def test_the_unzipped_limit_is_a_setting(settings: Any) -> None:
    settings.ACCORD_IMPORT_MAX_UNZIPPED_MB = 1
    data = io.BytesIO(xlsx_bytes([["a"], *[["x" * 100 + str(i)] for i in range(12_000)]]))
    with pytest.raises(TabularError, match="at most 1 MB"):
        check_xlsx_archive(data)
    check_xlsx_archive(data, max_unzipped_bytes=100 * tabular.MB)


def test_uploads_over_the_size_limit_are_refused(settings: Any, tmp_path: Path) -> None:
    settings.ACCORD_IMPORT_MAX_MB = 1
    path = tmp_path / "big.csv"
    path.write_bytes(b"title\n" + b"x" * (2 * tabular.MB))
    with pytest.raises(TabularError, match=r"2\.0 MB; at most 1 MB"):
        read_rows(path, filename="big.csv")
    check_upload_size(tabular.MB)
    with pytest.raises(TabularError):
        check_upload_size(tabular.MB + 1)


def test_the_default_upload_limit_is_50_mb(settings: Any) -> None:
    if hasattr(settings, "ACCORD_IMPORT_MAX_MB"):
        del settings.ACCORD_IMPORT_MAX_MB
    assert tabular.max_upload_bytes() == 50 * tabular.MB


def test_cells_read_as_people_see_them() -> None:
    assert cell_text(None) == ""
    assert cell_text(3.0) == "3"
    assert cell_text(0.1) == "0.1"
    assert cell_text(dt.datetime(2026, 5, 1)) == "2026-05-01"
    assert cell_text(dt.time(8, 30)) == "08:30:00"


def test_it_parses_dates_strictly() -> None:
    assert parse_date(" 2026-02-28 ") == dt.date(2026, 2, 28)
    for bad in ("2024-13-01", "2026-02-30", "20260228", "28.02.2026", "2026-2-28", ""):
        with pytest.raises(ValueError, match=r"is not a date \(YYYY-MM-DD\)"):
            parse_date(bad)
    with pytest.raises(ValueError) as caught:
        parse_date("2024-13-01")
    assert str(caught.value) == "'2024-13-01' is not a date (YYYY-MM-DD)"


def test_it_parses_booleans() -> None:
    for word in ("true", "YES", " 1 "):
        assert parse_bool(word) is True
    for word in ("False", "no", "0"):
        assert parse_bool(word) is False
    with pytest.raises(ValueError, match="'maybe' is not true or false"):
        parse_bool("maybe")
