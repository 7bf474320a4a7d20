"""Files from real spreadsheets: a returns file as a German Excel saves it ("CSV (Trennzeichen-getrennt)":
semicolons, Windows-1252) imports like the same file in comma-separated UTF-8, by row and at once; a
header that is a whole row in one cell names its separator; the command and the Data page say what
was detected."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command

from accord.operations.importers_base import TableImporter
from accord.operations.models import ImportBatch, Return
from tests.operations.helpers import SLUG, do_import
from tests.operations.test_columnar import return_rows
from tests.operations.test_import_shipments_returns import RET, returns

# The returns format has no decimals (quantities are whole) and takes dates as YYYY-MM-DD: a German
# Excel writes them so when the date columns are formatted JJJJ-MM-TT (or kept as text, as a file
# downloaded from Accord opens). Reasons carry umlauts and ß; one holds a comma, one a semicolon.
GERMAN_ROWS = [
    ["R-1", "NW-OTX-100", "2026-11-03", "2026-06-01", "SN-1", "1", "Lüfter defekt, Geräusch", "false", ""],
    ["R-2", "NW-OTX-100", "2026-11-05", "2026-05-12", "SN-2", "2", "Überhitzung; Gehäuse", "true", ""],
    [
        "R-3",
        "NW-OTX-100",
        "2026-11-20",
        "2026-02-02",
        "SN-3",
        "1",
        "Stoß beim Transport",
        "",
        "Lagerumschlag",
    ],
]


def written(
    path: Path, rows: list[list[Any]], *, delimiter: str, encoding: str, header: list[str] = RET
) -> Path:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def test_a_german_excel_returns_file_imports_as_its_utf8_twin(world: Any, tmp_path: Path) -> None:
    german = written(tmp_path / "Rücksendungen.csv", GERMAN_ROWS, delimiter=";", encoding="cp1252")
    assert "Lüfter".encode("cp1252") in german.read_bytes()
    result = do_import(world, "returns", german)
    assert (result.errors, result.created) == ([], 3)
    assert result.read_as == "CSV separated by ';', encoded Windows-1252"
    stored = returns()
    Return.objects.all().delete()
    twin = written(tmp_path / "twin.csv", GERMAN_ROWS, delimiter=",", encoding="utf-8")
    assert do_import(world, "returns", twin).created == 3
    assert returns() == stored
    assert Return.objects.get(return_id="R-2").reason == "Überhitzung; Gehäuse"


@pytest.mark.parametrize(
    ("delimiter", "encoding"), [(";", "cp1252"), ("\t", "utf-16"), (";", "utf-8-sig"), ("\t", "utf-8")]
)
def test_a_large_file_in_any_format_is_read_at_once_as_by_row(
    world: Any, router: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, delimiter: str, encoding: str
) -> None:
    rows = [[cell.replace("Fan failure", "Lüfter, Größe") for cell in row] for row in return_rows(300)]
    path = written(tmp_path / "r.csv", rows, delimiter=delimiter, encoding=encoding)
    with monkeypatch.context() as patch:
        patch.setattr(TableImporter, "validate", lambda *a: pytest.fail("read row by row"))
        assert do_import(world, "returns", path).created == 300
    at_once = returns()
    Return.objects.all().delete()
    monkeypatch.setattr(TableImporter, "validate_file", lambda self, *args: None)
    assert do_import(world, "returns", path).created == 300
    assert returns() == at_once


def test_bad_rows_of_a_semicolon_file_are_reported_with_row_and_column(world: Any, tmp_path: Path) -> None:
    rows = [list(GERMAN_ROWS[0]), list(GERMAN_ROWS[1])]
    rows[1][2] = "05.11.2026"
    rows[0][5] = "1,5"
    result = do_import(world, "returns", written(tmp_path / "r.csv", rows, delimiter=";", encoding="cp1252"))
    assert [str(e) for e in result.errors] == [
        "row 2, column quantity: '1,5' is not a whole number.",
        "row 3, column received_date: '05.11.2026' is not a date (YYYY-MM-DD).",
    ]
    assert not Return.objects.exists()


def test_a_header_in_one_cell_says_the_file_seems_separated_by_its_separator(
    world: Any, tmp_path: Path
) -> None:
    # a semicolon file opened in a spreadsheet that split nothing, then saved as XLSX
    book = openpyxl.Workbook()
    book.active.append([";".join(RET)])
    book.active.append([";".join(GERMAN_ROWS[0])])
    book.save(tmp_path / "one.xlsx")
    result = do_import(world, "returns", tmp_path / "one.xlsx")
    assert len(result.errors) == 1
    assert "this file seems to be separated by ';'" in str(result.errors[0])
    assert str(result.errors[0]).startswith("row 1: ")
    assert "Unknown column" not in str(result.errors[0])
    # a CSV whose rows were quoted whole, with tabs inside
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('"' + "\t".join(RET) + '"\n"' + "\t".join(GERMAN_ROWS[0]) + '"\n', encoding="utf-8")
    assert "this file seems to be separated by tab" in str(do_import(world, "returns", quoted).errors[0])
    assert not Return.objects.exists()


def test_the_command_says_what_it_read_and_imports_a_german_file(world: Any, tmp_path: Path) -> None:
    path = written(tmp_path / "r.csv", GERMAN_ROWS, delimiter=";", encoding="cp1252")
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "returns", str(path), relationship=SLUG, stdout=out, stderr=err)
    assert out.getvalue().strip() == "created 3, updated 0, unchanged 0"
    assert "Read as CSV separated by ';', encoded Windows-1252." in err.getvalue()
    assert ImportBatch.objects.get().read_as == "CSV separated by ';', encoded Windows-1252"


def test_the_command_names_the_separator_of_a_one_cell_header(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('"' + ";".join(RET) + '"\n', encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "returns", str(path), relationship=SLUG, stdout=out, stderr=io.StringIO())
    assert exit_info.value.code == 2
    assert "this file seems to be separated by ';'" in out.getvalue()
    assert not Return.objects.exists()


def test_the_batch_page_says_what_was_detected(world: Any, client: Any, tmp_path: Path) -> None:
    path = written(tmp_path / "r.csv", GERMAN_ROWS, delimiter=";", encoding="cp1252")
    client.force_login(world.ada)
    with path.open("rb") as handle:
        response = client.post(f"/r/{SLUG}/data/upload/", {"kind": "returns", "file": handle}, follow=True)
    assert response.status_code == 200
    assert "Read as CSV separated by &#x27;;&#x27;, encoded Windows-1252." in response.content.decode()
    assert Return.objects.count() == 3


def test_the_api_says_what_it_read(world: Any, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = io.StringIO(newline="")
    csv.writer(text, delimiter="\t").writerows([RET, GERMAN_ROWS[0]])
    client.force_login(world.sam)
    response = client.post(
        f"/api/v1/relationships/{world.nw_ta.pk}/imports",
        {"kind": "returns", "file": SimpleUploadedFile("r.csv", text.getvalue().encode("utf-16"))},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["created"]) == ("succeeded", 1)
    assert body["read_as"] == "CSV separated by tab, encoded UTF-16 LE"
