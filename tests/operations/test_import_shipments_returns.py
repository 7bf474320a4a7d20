"""Shipments and returns: exact stored rows, idempotent re-import, ship dates by serial, and facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from accord.audit.models import AuditEvent
from accord.measurements.models import MonthlyFact
from accord.operations import importers_base, writing
from accord.operations.models import Return, Shipment
from tests.operations.helpers import csv_file, do_import, facts, where, xlsx_file

SHIP = ["shipment_id", "product_code", "ship_date", "quantity", "serial", "site", "order_id"]
RET = ["return_id", "product_code", "received_date", "ship_date", "serial", "quantity", "reason",
       "no_trouble_found", "excluded_reason"]  # fmt: skip
SHIPMENT_FIELDS = (
    "shipment_id",
    "product__code",
    "ship_date",
    "quantity",
    "serial",
    "site__name",
    "order_id",
)
RETURN_FIELDS = ("return_id", "product__code", "received_date", "ship_date", "serial", "quantity", "reason",
                 "no_trouble_found", "excluded_reason")  # fmt: skip


def shipments() -> list[tuple[Any, ...]]:
    return list(Shipment.objects.order_by("shipment_id").values_list(*SHIPMENT_FIELDS))


def returns() -> list[tuple[Any, ...]]:
    return list(Return.objects.order_by("return_id").values_list(*RETURN_FIELDS))


def ship(world: Any, tmp_path: Any, rows: list[list[Any]], name: str = "ship.csv") -> Any:
    result = do_import(world, "shipments", csv_file(tmp_path, SHIP, rows, name))
    assert result.ok, result.errors
    return result


def test_it_imports_shipments_from_csv(world: Any, tmp_path: Any) -> None:
    result = ship(
        world,
        tmp_path,
        [
            ["S-1", "NW-OTX-100", "2026-01-05", "3", "SN-1", "Munich core", "PO-9"],
            ["S-2", " NW-OTX-100 ", "2026-02-10", "2", "", "", ""],
        ],
    )
    assert (result.created, result.updated, result.unchanged, result.rows) == (2, 0, 0, 2)
    assert shipments() == [
        ("S-1", "NW-OTX-100", date(2026, 1, 5), 3, "SN-1", "Munich core", "PO-9"),
        ("S-2", "NW-OTX-100", date(2026, 2, 10), 2, "", None, ""),
    ]
    assert set(Shipment.objects.values_list("relationship_id", flat=True)) == {world.nw_ta.pk}
    assert facts(world, "shipped") == {("2026-01", ""): 3.0, ("2026-02", ""): 2.0}
    event = AuditEvent.objects.get(verb="operations.imported")
    assert event.relationship_id == world.nw_ta.pk
    assert event.changes["created"] == [None, 2]


def test_it_imports_shipments_from_xlsx(world: Any, tmp_path: Any) -> None:
    path = xlsx_file(
        tmp_path,
        SHIP,
        [
            ["S-1", "NW-OTX-100", date(2026, 1, 5), 3, "SN-1", "Munich core", None],
            ["S-2", "NW-OTX-100", "2026-02-10", 2.0],
        ],
    )
    result = do_import(world, "shipments", path)
    assert result.ok, result.errors
    assert shipments() == [
        ("S-1", "NW-OTX-100", date(2026, 1, 5), 3, "SN-1", "Munich core", ""),
        ("S-2", "NW-OTX-100", date(2026, 2, 10), 2, "", None, ""),
    ]


def test_reimporting_the_same_file_changes_nothing(world: Any, tmp_path: Any) -> None:
    rows = [["S-1", "NW-OTX-100", "2026-01-05", "3", "SN-1", "Munich core", "PO-9"]]
    ship(world, tmp_path, rows)
    before = list(MonthlyFact.objects.values_list("pk", "month", "key", "value"))
    events = AuditEvent.objects.count()
    again = ship(world, tmp_path, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert list(MonthlyFact.objects.values_list("pk", "month", "key", "value")) == before
    assert AuditEvent.objects.count() == events  # nothing written, nothing to record


def test_an_update_that_moves_a_date_refreshes_both_months(world: Any, tmp_path: Any) -> None:
    ship(world, tmp_path, [["S-1", "NW-OTX-100", "2026-01-05", "3", "", "", ""]])
    ship(world, tmp_path, [["S-2", "NW-OTX-100", "2026-01-20", "1", "", "", ""]], name="two.csv")
    assert facts(world, "shipped") == {("2026-01", ""): 4.0}
    result = ship(world, tmp_path, [["S-1", "NW-OTX-100", "2026-03-05", "3", "", "", ""]])
    assert (result.created, result.updated) == (0, 1)
    assert facts(world, "shipped") == {("2026-01", ""): 1.0, ("2026-03", ""): 3.0}


def test_a_column_left_out_leaves_existing_values_alone(world: Any, tmp_path: Any) -> None:
    ship(world, tmp_path, [["S-1", "NW-OTX-100", "2026-01-05", "3", "SN-1", "Munich core", "PO-9"]])
    path = csv_file(tmp_path, SHIP[:4], [["S-1", "NW-OTX-100", "2026-01-05", "4"]], "short.csv")
    result = do_import(world, "shipments", path)
    assert (result.updated, result.unchanged) == (1, 0)
    assert shipments() == [("S-1", "NW-OTX-100", date(2026, 1, 5), 4, "SN-1", "Munich core", "PO-9")]


def test_it_imports_returns_with_their_defaults(world: Any, tmp_path: Any) -> None:
    path = csv_file(tmp_path, RET[:4], [["R-1", "NW-OTX-100", "2026-03-02", "2025-12-01"]])
    result = do_import(world, "returns", path)
    assert (result.created, result.errors) == (1, [])
    assert returns() == [("R-1", "NW-OTX-100", date(2026, 3, 2), date(2025, 12, 1), "", 1, "", False, "")]


def test_it_imports_every_return_column(world: Any, tmp_path: Any) -> None:
    rows = [
        ["R-1", "NW-OTX-100", "2026-03-02", "2025-12-01", "SN-9", "2", "laser dead", "no", ""],
        ["R-2", "NW-OTX-100", "2026-03-09", "2026-01-15", "", "1", "", "yes", ""],
        ["R-3", "NW-OTX-100", "2026-03-20", "2026-01-15", "", "5", "", "0", "stock rotation"],
    ]
    result = do_import(world, "returns", csv_file(tmp_path, RET, rows))
    assert result.created == 3
    assert returns() == [
        ("R-1", "NW-OTX-100", date(2026, 3, 2), date(2025, 12, 1), "SN-9", 2, "laser dead", False, ""),
        ("R-2", "NW-OTX-100", date(2026, 3, 9), date(2026, 1, 15), "", 1, "", True, ""),
        ("R-3", "NW-OTX-100", date(2026, 3, 20), date(2026, 1, 15), "", 5, "", False, "stock rotation"),
    ]
    # received in March, binned by ship month; NTF counted; the excluded return not counted
    assert facts(world, "returns") == {("2026-03", "2025-12"): 2.0, ("2026-03", "2026-01"): 1.0}
    assert facts(world, "returns_ntf") == {("2026-03", ""): 1.0}


def test_a_return_takes_its_ship_date_from_the_shipment_with_its_serial(world: Any, tmp_path: Any) -> None:
    ship(
        world,
        tmp_path,
        [
            ["S-1", "NW-OTX-100", "2025-06-01", "1", "SN-1", "", ""],
            ["S-2", "NW-OTX-100", "2025-09-01", "1", "SN-1", "", ""],  # shipped again after a repair
            ["S-3", "NW-OTX-100", "2026-05-01", "1", "SN-1", "", ""],  # after the return: not this one
            ["S-4", "NW-OTX-100", "2025-07-07", "1", "SN-2", "", ""],
        ],
    )
    rows = [
        ["R-1", "NW-OTX-100", "2026-03-02", "", "SN-1"],
        ["R-2", "NW-OTX-100", "2026-03-02", "2025-01-01", "SN-2"],
    ]
    result = do_import(world, "returns", csv_file(tmp_path, RET[:5], rows, "ret.csv"))
    assert result.ok, result.errors
    assert [r[:5] for r in returns()] == [
        ("R-1", "NW-OTX-100", date(2026, 3, 2), date(2025, 9, 1), "SN-1"),
        ("R-2", "NW-OTX-100", date(2026, 3, 2), date(2025, 1, 1), "SN-2"),  # the row's own date wins
    ]


def test_a_return_with_no_ship_date_to_be_found_is_an_error(world: Any, tmp_path: Any) -> None:
    ship(world, tmp_path, [["S-1", "NW-OTX-100", "2026-05-01", "1", "SN-LATE", "", ""]])
    rows = [
        ["R-1", "NW-OTX-100", "2026-03-02", "", ""],  # neither a ship date nor a serial
        ["R-2", "NW-OTX-100", "2026-03-02", "", "SN-UNKNOWN"],  # no shipment has the serial
        ["R-3", "NW-OTX-100", "2026-03-02", "", "SN-LATE"],  # shipped after it came back
        ["R-4", "NW-OTX-100", "2026-03-02", "2026-03-03", ""],  # shipped after it came back
        ["R-5", "NW-OTX-100", "2026-03-02", "2026-01-01", ""],  # fine
    ]
    result = do_import(world, "returns", csv_file(tmp_path, RET[:5], rows, "ret.csv"))
    assert where(result) == [(2, "ship_date"), (3, "ship_date"), (4, "serial"), (5, "ship_date")]
    assert "SN-UNKNOWN" in result.errors[1].reason
    assert "2026-05-01" in result.errors[2].reason
    assert Return.objects.count() == 0
    assert facts(world, "returns") == {}


def test_moving_a_return_to_another_month_recounts_both(world: Any, tmp_path: Any) -> None:
    rows = [
        ["R-1", "NW-OTX-100", "2026-03-02", "2025-12-01"],
        ["R-2", "NW-OTX-100", "2026-03-05", "2025-12-01"],
    ]
    do_import(world, "returns", csv_file(tmp_path, RET[:4], rows))
    assert facts(world, "returns") == {("2026-03", "2025-12"): 2.0}
    moved = [["R-1", "NW-OTX-100", "2026-04-01", "2025-12-01"]]
    result = do_import(world, "returns", csv_file(tmp_path, RET[:4], moved, "moved.csv"))
    assert result.updated == 1
    assert facts(world, "returns") == {("2026-03", "2025-12"): 1.0, ("2026-04", "2025-12"): 1.0}


def test_a_dry_run_counts_and_writes_nothing(world: Any, tmp_path: Any) -> None:
    path = csv_file(tmp_path, SHIP, [["S-1", "NW-OTX-100", "2026-01-05", "3", "", "", ""]])
    result = do_import(world, "shipments", path, dry_run=True)
    assert (result.ok, result.created, result.dry_run) == (True, 1, True)
    assert Shipment.objects.count() == 0
    assert MonthlyFact.objects.count() == 0


def test_a_large_file_is_written_in_batches(world: Any, tmp_path: Any, monkeypatch: Any) -> None:
    rows = [[f"R-{i:05d}", "NW-OTX-100", "2026-03-02", "2025-12-01"] for i in range(4500)]
    monkeypatch.setattr(writing, "WRITE_ROWS", 2000)
    heard: list[tuple[str, int]] = []
    result = do_import(
        world, "returns", csv_file(tmp_path, RET[:4], rows), progress=lambda s, n: heard.append((s, n))
    )
    assert (result.created, result.rows) == (4500, 4500)
    assert Return.objects.count() == 4500
    assert heard == [("validated", 4500), ("written", 2000), ("written", 4000), ("written", 4500)]
    assert facts(world, "returns") == {("2026-03", "2025-12"): 4500.0}
    rows[17][2] = "2026-04-02"
    monkeypatch.setattr(importers_base, "KEYED_LOOKUP_MAX", 100)  # existing rows found by one scan
    again = do_import(world, "returns", csv_file(tmp_path, RET[:4], rows, "again.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 4499)
    assert facts(world, "returns") == {("2026-03", "2025-12"): 4499.0, ("2026-04", "2025-12"): 1.0}


def test_a_negative_quantity_is_told_the_smallest_number(world: Any, tmp_path: Any) -> None:
    rows = [["S-1", "NW-OTX-100", "2026-01-05", "-2"], ["S-2", "NW-OTX-100", "2026-01-05", "two"]]
    result = do_import(world, "shipments", csv_file(tmp_path, SHIP[:4], rows))
    assert [str(e) for e in result.errors] == [
        "row 2, column quantity: The number must be at least 1.",
        "row 3, column quantity: 'two' is not a whole number.",
    ]
