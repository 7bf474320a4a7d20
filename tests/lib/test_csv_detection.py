"""A CSV file's separator and encoding are read from its bytes: comma, semicolon or tab; UTF-8 (with
or without a BOM), UTF-16 with its BOM, or Windows-1252."""

import io
import itertools

import pytest

from accord.lib import tabular
from accord.lib.tabular import CsvFormat, TabularError, read_table, sniff_csv

DELIMITERS = {",": "','", ";": "';'", "\t": "tab"}
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16 LE",  # Python's "utf-16" writes a BOM, little-endian here
    "utf-16-be-bom": "UTF-16 BE",
    "cp1252": "Windows-1252",
}
ROWS = [["serial", "reason", "note"], ["SN-1", "Überhitzung", "Größe 1,5 mm"], ["SN-2", "Lüfter", "ß €"]]


def encoded(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding)


def as_csv(rows: list[list[str]], delimiter: str) -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if delimiter in value else value

    return "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in rows)


@pytest.mark.parametrize(("delimiter", "encoding"), list(itertools.product(DELIMITERS, ENCODINGS)))
def test_every_separator_in_every_encoding_is_detected_and_read(delimiter: str, encoding: str) -> None:
    data = encoded(as_csv(ROWS, delimiter), encoding)
    table = read_table(io.BytesIO(data), filename="returns.csv")
    assert table.header == ROWS[0]
    assert [row for _n, row in table.rows] == [dict(zip(ROWS[0], row, strict=True)) for row in ROWS[1:]]
    assert table.describe() == f"CSV separated by {DELIMITERS[delimiter]}, encoded {ENCODINGS[encoding]}"


def test_a_german_excel_file_is_semicolons_in_windows_1252_with_decimal_commas() -> None:
    data = "Rücksendung;Menge;Gewicht\r\nR-1;3;1,5\r\nR-2;1;0,25\r\n".encode("cp1252")
    assert sniff_csv(io.BytesIO(data)) == CsvFormat(delimiter=";", encoding="cp1252")
    table = read_table(io.BytesIO(data), filename="x.csv")
    assert table.header == ["rücksendung", "menge", "gewicht"]
    assert [row["gewicht"] for _n, row in table.rows] == ["1,5", "0,25"]


def test_commas_inside_cells_do_not_outvote_the_separator_of_the_header() -> None:
    data = b"a;b;c\n1,5;2,5;3,5\n4,1;5,1;6,1\n"
    assert sniff_csv(io.BytesIO(data)).delimiter == ";"


def test_mixed_separators_pick_the_one_that_splits_the_rows_alike() -> None:
    # the header splits on both; only the semicolon splits the records into as many cells
    data = b"a;b,c;d\n1;2;3\n4;5;6\n"
    assert sniff_csv(io.BytesIO(data)).delimiter == ";"
    # a tie is broken by the fixed order: comma, semicolon, tab
    assert sniff_csv(io.BytesIO(b"a;b,c\n")).delimiter == ","


def test_a_one_column_file_is_read_as_comma_separated() -> None:
    assert sniff_csv(io.BytesIO(b"title\nFirst\n")) == CsvFormat()
    assert sniff_csv(io.BytesIO(b"")) == CsvFormat()


def test_detection_is_deterministic_and_reads_a_bounded_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "SNIFF_BYTES", 64)
    # Windows-1252 bytes after the sample: the file is judged UTF-8 and the bad line reported
    data = b"title;n\n" + b"plain;1\n" * 20 + "Müller;2\n".encode("cp1252")
    assert {sniff_csv(io.BytesIO(data)) for _ in range(3)} == {CsvFormat(";", "utf-8")}
    table = read_table(io.BytesIO(data), filename="x.csv")
    with pytest.raises(TabularError, match="Line 22 of the file is not UTF-8 text") as caught:
        list(table.rows)
    assert caught.value.row == 22


def test_a_utf8_character_cut_at_the_sample_s_end_is_still_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "SNIFF_BYTES", 14)
    data = "title;n\nabcdeä;1\n".encode()  # the sample ends inside "ä"
    assert data[:14].endswith(b"\xc3")
    assert sniff_csv(io.BytesIO(data)).encoding == "utf-8"


def test_a_declaration_in_the_file_is_not_trusted() -> None:
    data = "# encoding: utf-8\ntitle;x\nGröße;1\n".encode("cp1252")
    assert sniff_csv(io.BytesIO(data)).encoding == "cp1252"


def test_utf16_with_an_odd_number_of_bytes_is_refused_at_its_line() -> None:
    data = "title\tn\r\nfirst\t1\r\n".encode("utf-16") + b"\x41"
    table = read_table(io.BytesIO(data), filename="x.csv")
    assert table.header == ["title", "n"]
    with pytest.raises(TabularError, match="not UTF-16 LE text"):
        list(table.rows)


def test_utf16_with_a_lone_surrogate_is_refused() -> None:
    data = codecs_bom_le() + "title\r\n".encode("utf-16-le") + b"\x00\xd8" + "x\r\n".encode("utf-16-le")
    with pytest.raises(TabularError, match="Line 2 of the file is not UTF-16 LE text"):
        list(read_table(io.BytesIO(data), filename="x.csv").rows)


def test_utf16_lines_are_split_across_read_chunks_with_crlf_and_quoted_breaks() -> None:
    body = "".join(f'row{i};"two\r\nlines {i}"\r\n' for i in range(5000))
    data = ("title;note\r\n" + body).encode("utf-16")
    rows = list(read_table(io.BytesIO(data), filename="x.csv").rows)
    assert len(rows) == 5000
    assert rows[4321] == (4323, {"title": "row4321", "note": "two\r\nlines 4321"})


def test_bytes_windows_1252_leaves_undefined_are_refused_at_their_line() -> None:
    data = "title;n\nGröße;1\n".encode("cp1252") + b"bad\x81;2\n"
    table = read_table(io.BytesIO(data), filename="x.csv")
    assert sniff_csv(io.BytesIO(data)).encoding == "cp1252"
    rows = table.rows
    assert next(rows) == (2, {"title": "Größe", "n": "1"})
    with pytest.raises(TabularError, match="not Windows-1252 text") as caught:
        list(rows)
    assert caught.value.row == 3


def codecs_bom_le() -> bytes:
    return b"\xff\xfe"
