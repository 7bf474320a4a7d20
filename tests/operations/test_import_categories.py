"""The TL 9000 product categories import (``accord import categories``): global, admins of the supplier."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accord.audit.models import AuditEvent
from accord.parties.models import Product, ProductCategory
from tests.operations.helpers import csv_file, do_import, where, xlsx_file

HEADER = [
    "code",
    "name",
    "parent",
    "normalization_unit",
    "normalization_basis",
    "table_release",
    "effective_from",
]
PRODUCT = ["product_code", "name", "tl9000_category"]


def tree() -> list[tuple[Any, ...]]:
    rows = ProductCategory.objects.order_by("code")
    return list(
        rows.values_list(
            "code",
            "name",
            "parent__code",
            "normalization_unit",
            "normalization_basis",
            "table_release",
            "effective_from",
        )
    )


ROWS = [
    ["3.2.1.1", "DWDM terminals", "3.2.1", "terminations", "installed", "R6.5", "2024-07"],
    ["3", "Transport", "", "", "", "R6.5", "2024-07"],
    ["3.2", "Optical transport systems", "3", "", "", "R6.5", ""],
    ["3.2.1", "Optical transport", "3.2", "", "shipped_12m", "R6.5", "2024-07"],
]


def test_it_imports_categories_with_parents_later_in_the_same_file(world: Any, tmp_path: Path) -> None:
    # the world has 3.2.1 "Optical transport" already, without a parent
    result = do_import(world, "categories", csv_file(tmp_path, HEADER, ROWS))
    assert (result.errors, result.created, result.updated, result.unchanged) == ([], 3, 1, 0)
    july = date(2024, 7, 1)
    assert tree() == [
        ("3", "Transport", None, "units", "shipped_12m", "R6.5", july),
        ("3.2", "Optical transport systems", "3", "units", "shipped_12m", "R6.5", None),
        ("3.2.1", "Optical transport", "3.2", "units", "shipped_12m", "R6.5", july),
        ("3.2.1.1", "DWDM terminals", "3.2.1", "terminations", "installed", "R6.5", july),
    ]
    assert ProductCategory.objects.get(code="3.2.1").pk == world.category.pk  # updated by its code
    event = AuditEvent.objects.get(verb="operations.imported")
    assert event.changes["kind"] == [None, "categories"]
    assert event.changes["codes"] == [None, ["3", "3.2", "3.2.1", "3.2.1.1"]]
    assert event.actor == world.ada and event.relationship == world.nw_ta


def test_reimporting_the_same_file_changes_nothing(world: Any, tmp_path: Path) -> None:
    do_import(world, "categories", csv_file(tmp_path, HEADER, ROWS))
    before = tree()
    again = do_import(world, "categories", xlsx_file(tmp_path, HEADER, ROWS))
    assert (again.errors, again.created, again.updated, again.unchanged) == ([], 0, 0, 4)
    assert tree() == before
    assert AuditEvent.objects.filter(verb="operations.imported").count() == 1


def test_a_column_left_out_keeps_the_stored_values_and_an_empty_cell_clears_them(
    world: Any, tmp_path: Path
) -> None:
    do_import(world, "categories", csv_file(tmp_path, HEADER, ROWS))
    renamed = do_import(
        world, "categories", csv_file(tmp_path, ["code", "name"], [["3.2", "Optical"]], "b.csv")
    )
    assert (renamed.created, renamed.updated) == (0, 1)
    assert ProductCategory.objects.get(code="3.2").parent.code == "3"  # parent kept
    cleared = do_import(
        world, "categories", csv_file(tmp_path, ["code", "name", "parent"], [["3.2", "Optical", ""]], "c.csv")
    )
    assert cleared.updated == 1
    assert ProductCategory.objects.get(code="3.2").parent is None


def test_a_dry_run_writes_nothing(world: Any, tmp_path: Path) -> None:
    result = do_import(world, "categories", csv_file(tmp_path, HEADER, ROWS), dry_run=True)
    assert (result.errors, result.created, result.updated) == ([], 3, 1)
    assert [row[0] for row in tree()] == ["3.2.1"]


def test_every_bad_row_is_reported_and_nothing_is_written(world: Any, tmp_path: Path) -> None:
    rows = [
        ["", "No code", "", "", "", "", ""],  # 2: no code
        ["4.1", "", "", "", "", "", ""],  # 3: no name
        ["ALL", "Everything", "", "", "", "", ""],  # 4: reserved
        ["4 1", "Spaced", "", "", "", "", ""],  # 5: not a code
        ["4.2", "Unknown parent", "9.9", "", "", "", ""],  # 6: parent nowhere
        ["4.3", "Bad basis", "", "", "weekly", "", ""],  # 7
        ["4.4", "Bad month", "", "", "", "", "2024-13"],  # 8
        ["4.5", "Day, not month", "", "", "", "", "2024-07-01"],  # 9
        ["4.6", "Long release", "", "", "", "R" * 21, ""],  # 10
        ["4.7", "Loop A", "4.8", "", "", "", ""],  # 11: 4.7 → 4.8 → 4.7
        ["4.8", "Loop B", "4.7", "", "", "", ""],  # 12
        ["4.9", "Own parent", "4.9", "", "", "", ""],  # 13
        ["4.7", "Twice", "", "", "", "", ""],  # 14: duplicate code
        ["4.10", "Child of a bad row", "4.3", "", "", "", ""],  # 15: fine itself (4.3 has its error)
        ["3.2.1", "x" * 201, "", "", "", "", ""],  # 16: name too long
    ]
    result = do_import(world, "categories", csv_file(tmp_path, HEADER, rows))
    assert where(result) == [
        (2, "code"),
        (3, "name"),
        (4, "code"),
        (5, "code"),
        (6, "parent"),
        (7, "normalization_basis"),
        (8, "effective_from"),
        (9, "effective_from"),
        (10, "table_release"),
        (11, "parent"),
        (12, "parent"),
        (13, "parent"),
        (14, "code"),
        (16, "name"),
    ]
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert reasons[(4, "code")] == "'ALL' is reserved: the measurements pool every category under ALL."
    assert reasons[(6, "parent")].startswith(
        "There is no TL 9000 product category '9.9' in this file or stored"
    )
    assert reasons[(11, "parent")] == (
        "This parent makes a loop (4.7 → 4.8 → 4.7): a category cannot be its own ancestor."
    )
    assert reasons[(13, "parent")] == (
        "This parent makes a loop (4.9 → 4.9): a category cannot be its own ancestor."
    )
    assert reasons[(8, "effective_from")] == "'2024-13' is not a month (YYYY-MM, e.g. 2024-07)."
    assert reasons[(14, "code")] == "This category (4.7) appears twice: row 11 has it already."
    assert [e.value for e in result.errors if e.row == 7] == ["weekly"]
    assert [row[0] for row in tree()] == ["3.2.1"]
    assert not AuditEvent.objects.filter(verb="operations.imported").exists()


def test_a_parent_stored_before_makes_no_loop_with_a_changed_stored_category(
    world: Any, tmp_path: Path
) -> None:
    do_import(world, "categories", csv_file(tmp_path, HEADER, ROWS))  # 3 ← 3.2 ← 3.2.1 ← 3.2.1.1
    result = do_import(
        world, "categories", csv_file(tmp_path, ["code", "name", "parent"], [["3", "T", "3.2.1.1"]])
    )
    assert where(result) == [(2, "parent")]
    assert "3 → 3.2.1.1 → 3.2.1 → 3.2 → 3" in result.errors[0].reason
    assert ProductCategory.objects.get(code="3").parent is None


@pytest.mark.parametrize("who", ["sam", "carol"])
def test_only_an_admin_of_the_supplier_imports_categories(world: Any, tmp_path: Path, who: str) -> None:
    result = do_import(world, "categories", csv_file(tmp_path, HEADER, ROWS), user=getattr(world, who))
    assert [(e.row, e.reason) for e in result.errors] == [
        (
            0,
            "TL 9000 product categories are the handbook's classification, shared by every relationship in "
            "Accord: only admins of Northwind Networks may import them.",
        )
    ]
    assert [row[0] for row in tree()] == ["3.2.1"]


def test_the_products_import_says_how_to_add_a_missing_category(world: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, PRODUCT, [["NW-X", "X", "1.2.7"]])
    result = do_import(world, "products", path)
    assert [str(e) for e in result.errors] == [
        "row 2, column tl9000_category: There is no TL 9000 product category '1.2.7': import it first "
        "with the categories import (accord import categories FILE --relationship northwind-telco-a) "
        "or on the Data page."
    ]
    do_import(world, "categories", csv_file(tmp_path, ["code", "name"], [["1.2.7", "Routers"]], "c.csv"))
    assert do_import(world, "products", path).created == 1
    assert Product.objects.get(code="NW-X").category.code == "1.2.7"


def test_accord_import_categories_exits_2_with_every_error_and_0_when_imported(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    bad = csv_file(tmp_path, ["code", "name", "parent"], [["4.1", "A", "9.9"]], "bad.csv")
    with pytest.raises(SystemExit) as exited:
        call_command("import", "categories", str(bad), relationship="northwind-telco-a")
    assert exited.value.code == 2
    assert "row 2, column parent: There is no TL 9000 product category '9.9'" in capsys.readouterr().out
    good = csv_file(tmp_path, HEADER, ROWS, "good.csv")
    with pytest.raises(SystemExit) as exited:  # as an editor: refused, nothing written
        call_command(
            "import",
            "categories",
            str(good),
            relationship="northwind-telco-a",
            as_email="sam@northwind.example",
        )
    assert exited.value.code == 2
    assert "only admins of Northwind Networks may import them" in capsys.readouterr().out
    call_command("import", "categories", str(good), relationship="northwind-telco-a")
    assert capsys.readouterr().out.strip() == "created 3, updated 1, unchanged 0"


def test_the_data_page_and_the_api_offer_the_categories_import(
    world: Any, as_user: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    page = as_user(world.ada).get("/r/northwind-telco-a/data/").content.decode()
    assert '<option value="categories">TL 9000 product categories</option>' in page
    assert "/r/northwind-telco-a/data/categories.csv" in page
    body = b"code,name,parent\r\n3,Transport,\r\n3.2,Optical transport systems,3\r\n"
    url = f"/api/v1/relationships/{world.nw_ta.pk}/imports"
    refused = as_user(world.sam).post(url, {"kind": "categories", "file": _upload(body)}).json()
    assert refused["status"] == "rejected"
    assert "only admins of Northwind Networks" in refused["errors"][0]["reason"]
    batch = as_user(world.ada).post(url, {"kind": "categories", "file": _upload(body)}).json()
    assert (batch["status"], batch["created"]) == ("succeeded", 2)
    assert ProductCategory.objects.get(code="3.2").parent.code == "3"


def _upload(body: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("categories.csv", body, content_type="text/csv")
