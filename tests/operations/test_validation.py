"""Every validation rule names the row, column, value and reason, and with any error nothing is written."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accord.lib.importing import importer_kinds
from accord.operations import runner
from accord.operations.models import BatchStatus, ImportBatch, Return, Shipment
from tests.operations.helpers import SLUG, csv_file, do_import, where

SHIP = ["shipment_id", "product_code", "ship_date", "quantity", "serial", "site", "order_id"]


def test_every_kind_is_registered() -> None:
    assert set(importer_kinds()) >= {
        "products",
        "installed-base",
        "shipments",
        "returns",
        "repairs",
        "order-lines",
        "problem-reports",
        "support-tickets",
        "benchmarks",
    }


def test_it_reports_every_bad_cell_and_writes_nothing(world: Any, tmp_path: Any) -> None:
    rows = [
        ["S-1", "NW-OTX-100", "2026-01-05", "3", "", "", ""],  # good
        ["", "NW-OTX-100", "2026-01-05", "3", "", "", ""],  # no id
        ["S-3", "NW-NOPE", "05.01.2026", "0", "", "", ""],  # unknown product, bad date, zero quantity
        ["S-4", "NW-OTX-100", "2026-02-30", "three", "", "Lyon CO", ""],  # no such day; words; Telco B's site
        ["S-5", "", "", "", "", "", ""],  # required values missing
        ["S-1", "NW-OTX-100", "2026-01-05", "-2", "", "", ""],  # repeated id, negative quantity
        ["S-7", "NW-OTX-100", "2026-01-05", "99999999999", "x" * 101, "", ""],  # too large, too long
    ]
    result = do_import(world, "shipments", csv_file(tmp_path, SHIP, rows))
    assert where(result) == [
        (3, "shipment_id"),
        (4, "product_code"),
        (4, "ship_date"),
        (4, "quantity"),
        (5, "ship_date"),
        (5, "quantity"),
        (5, "site"),
        (6, "product_code"),
        (6, "ship_date"),
        (6, "quantity"),
        (7, "shipment_id"),
        (7, "quantity"),
        (8, "quantity"),
        (8, "serial"),
    ]
    errors = {(e.row, e.column): e for e in result.errors}
    assert errors[4, "product_code"].value == "NW-NOPE"
    assert "no product 'NW-NOPE'" in errors[4, "product_code"].reason
    assert errors[4, "ship_date"].reason == "'05.01.2026' is not a date (YYYY-MM-DD)."
    assert errors[4, "quantity"].reason == "The number must be at least 1."
    assert errors[5, "site"].reason == "Telco A has no site named 'Lyon CO'."
    assert errors[7, "shipment_id"].reason == "This shipment (S-1) appears twice: row 2 has it already."
    assert errors[8, "serial"].reason == "The text has 101 characters; at most 100 are allowed."
    assert str(errors[4, "quantity"]) == "row 4, column quantity: The number must be at least 1."
    assert Shipment.objects.count() == 0


def test_an_unknown_column_is_an_error_unless_ignored(world: Any, tmp_path: Any) -> None:
    path = csv_file(
        tmp_path, [*SHIP, "colour"], [["S-1", "NW-OTX-100", "2026-01-05", "3", "", "", "", "red"]]
    )
    result = do_import(world, "shipments", path)
    assert where(result) == [(1, "colour")]
    assert Shipment.objects.count() == 0
    assert do_import(world, "shipments", path, ignore_extra=True).created == 1


def test_a_missing_required_column_is_an_error(world: Any, tmp_path: Any) -> None:
    path = csv_file(tmp_path, ["shipment_id", "product_code", "quantity"], [["S-1", "NW-OTX-100", "3"]])
    result = do_import(world, "shipments", path)
    assert where(result) == [(1, "ship_date")]


def test_a_text_neutralized_by_an_export_reads_back_as_it_was(world: Any, tmp_path: Any) -> None:
    rows = [
        ["S-1", "NW-OTX-100", "2026-01-05", "3", "'-SN-1", "", "'=PO"],
        ["S-2", "NW-OTX-100", "2026-01-05", "3", "'A", "", ""],
    ]
    do_import(world, "shipments", csv_file(tmp_path, SHIP, rows))
    assert list(Shipment.objects.order_by("shipment_id").values_list("serial", "order_id")) == [
        ("-SN-1", "=PO"),
        ("'A", ""),
    ]


@pytest.mark.parametrize("person", ["carol"])
def test_the_customer_may_not_import_operational_data(world: Any, tmp_path: Any, person: str) -> None:
    path = csv_file(tmp_path, SHIP, [["S-1", "NW-OTX-100", "2026-01-05", "3", "", "", ""]])
    result = do_import(world, "shipments", path, user=world.people()[person])
    assert where(result) == [(0, "")]
    assert "only editors and admins of Northwind Networks" in result.errors[0].reason
    assert Shipment.objects.count() == 0


def test_the_command_prints_one_line_per_error_and_exits_2(world: Any, tmp_path: Any) -> None:
    path = csv_file(
        tmp_path,
        ["return_id", "product_code", "received_date", "ship_date"],
        [["R-1", "NW-OTX-100", "2026-03-02", "2026-01-01"], ["R-2", "NW-OTX-100", "2026-3-2", "2026-01-01"]],
    )
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "returns", str(path), relationship=SLUG, stdout=out, stderr=io.StringIO())
    assert exit_info.value.code == 2
    assert out.getvalue().splitlines() == [
        "row 3, column received_date: '2026-3-2' is not a date (YYYY-MM-DD)."
    ]
    assert Return.objects.count() == 0


def test_the_command_imports_a_good_file(world: Any, tmp_path: Any) -> None:
    path = csv_file(tmp_path, SHIP, [["S-1", "NW-OTX-100", "2026-01-05", "3", "", "", ""]])
    out = io.StringIO()
    call_command("import", "shipments", str(path), relationship=SLUG, stdout=out)
    assert out.getvalue().strip() == "created 1, updated 0, unchanged 0"


def test_the_command_records_its_import_in_the_history(world: Any, tmp_path: Any) -> None:
    """`accord import` keeps the file and its batch like an upload on the Data page."""
    path = csv_file(tmp_path, SHIP, [["S-1", "NW-OTX-100", "2026-01-05", "3", "", "", ""]], "march.csv")
    call_command("import", "shipments", str(path), relationship=SLUG, stdout=io.StringIO())
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.file_name, batch.status, batch.created) == (
        "shipments",
        "march.csv",
        BatchStatus.SUCCEEDED,
        1,
    )
    assert batch.uploaded_by == world.ada and batch.relationship == world.nw_ta
    assert batch.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_command_prints_every_error_though_the_batch_keeps_the_first(
    world: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(runner, "MAX_STORED_ERRORS", 2)
    rows = [[f"S-{n}", "NW-NOPE", "2026-01-05", "3", "", "", ""] for n in range(1, 4)]
    path = csv_file(tmp_path, SHIP, rows)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "shipments", str(path), relationship=SLUG, stdout=out, stderr=io.StringIO())
    assert exit_info.value.code == 2
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == [
        "row 2, column product_code",
        "row 3, column product_code",
        "row 4, column product_code",
    ]
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.error_count, len(batch.errors)) == (BatchStatus.REJECTED, 3, 2)
    assert Shipment.objects.count() == 0


def test_the_command_refuses_a_customer_as_the_importer(world: Any, tmp_path: Any) -> None:
    path = csv_file(tmp_path, SHIP, [["S-1", "NW-OTX-100", "2026-01-05", "3", "", "", ""]])
    with pytest.raises(CommandError, match="may not import"):
        call_command("import", "shipments", str(path), relationship=SLUG, as_email=world.carol.email)
    assert not ImportBatch.objects.exists() and not Shipment.objects.exists()


def test_the_command_reports_a_file_over_the_size_limit(world: Any, tmp_path: Any, settings: Any) -> None:
    settings.ACCORD_IMPORT_MAX_MB = 0.0001  # about 100 bytes
    rows = [[f"S-{n}", "NW-OTX-100", "2026-01-05", "3", "", "", ""] for n in range(1, 20)]
    path = csv_file(tmp_path, SHIP, rows)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "shipments", str(path), relationship=SLUG, stdout=out, stderr=io.StringIO())
    assert exit_info.value.code == 2
    assert out.getvalue().startswith("file: ")
    assert ImportBatch.objects.get().status == BatchStatus.REJECTED
    assert not Shipment.objects.exists()
