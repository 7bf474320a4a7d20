"""Writing small import files and running imports as the test people."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl

from accord.lib.importing import ImportResult, run_import
from accord.measurements.models import MonthlyFact
from accord.parties.access import relationship_for_user

SLUG = "northwind-telco-a"


def csv_file(tmp_path: Path, header: list[str], rows: list[list[Any]], name: str = "data.csv") -> Path:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def xlsx_file(tmp_path: Path, header: list[str], rows: list[list[Any]], name: str = "data.xlsx") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def do_import(world: Any, kind: str, path: Path, *, user: Any = None, **options: Any) -> ImportResult:
    access = relationship_for_user(user or world.ada, slug=SLUG, write=True)
    return run_import(kind=kind, path_or_file=path, filename=path.name, relationship_access=access, **options)


def where(result: ImportResult) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


def facts(world: Any, key: str, **filters: Any) -> dict[tuple[str, str], float]:
    """(month, dim) → value of the relationship's stored facts with ``key``."""
    rows = MonthlyFact.objects.filter(relationship=world.nw_ta, key=key, **filters)
    return {(f.month, f.dim): f.value for f in rows}
