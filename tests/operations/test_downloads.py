"""Downloads of each kind as CSV, in the import's columns: downloading and re-importing changes nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from accord.measurements.models import MonthlyFact
from accord.operations import exports
from tests.operations.helpers import csv_file, do_import

DATA = "/r/northwind-telco-a/data/"

FILES: dict[str, tuple[list[str], list[list[str]]]] = {
    "categories": (
        [
            "code",
            "name",
            "parent",
            "normalization_unit",
            "normalization_basis",
            "table_release",
            "effective_from",
        ],
        [
            ["3", "=Transport", "", "", "", "R6.5", "2024-07"],
            ["3.2.1", "Optical transport", "3", "terminations", "shipped_12m", "R6.5", ""],
        ],
    ),
    "products": (
        ["product_code", "name", "tl9000_category", "nu_basis", "description"],
        [["NW-OTX-100", '=OTX-100, "the" box', "3.2.1", "shipped_12m", "two\nlines"]],
    ),
    "installed-base": (
        ["site", "product_code", "quantity", "in_service_date", "serial"],
        [["Munich core", "NW-OTX-100", "4", "2026-02-01", "-SN-1"]],
    ),
    "shipments": (
        ["shipment_id", "product_code", "ship_date", "quantity", "serial", "site", "order_id"],
        [
            ["S-1", "NW-OTX-100", "2026-01-05", "3", "SN-1", "Munich core", "@PO"],
            ["S-2", "NW-OTX-100", "2026-01-09", "1"],
        ],
    ),
    "returns": (
        ["return_id", "product_code", "received_date", "serial", "no_trouble_found", "excluded_reason"],
        [["R-1", "NW-OTX-100", "2026-03-01", "SN-1", "yes", "+retrofit"]],
    ),
    "repairs": (
        ["repair_id", "product_code", "received_date", "shipped_date", "return_id", "finding"],
        [
            ["REP-1", "NW-OTX-100", "2026-03-02", "2026-03-12", "R-1", "Müller's fix"],
            ["REP-2", "NW-OTX-100", "2026-03-03"],
        ],
    ),
    "order-lines": (
        [
            "order_id",
            "line",
            "product_code",
            "quantity",
            "requested_date",
            "delivered_date",
            "delivered_quantity",
            "early_accepted",
        ],
        [["PO-1", "1", "NW-OTX-100", "3", "2026-01-05", "2026-01-04", "3", "true"]],
    ),
    "problem-reports": (
        [
            "report_id",
            "received_date",
            "severity",
            "product_code",
            "fix_delivered_date",
            "customer_originated",
        ],
        [["PR-1", "2026-01-05", "minor", "NW-OTX-100", "2026-02-01", "no"]],
    ),
    "support-tickets": (
        ["ticket_id", "opened_at", "severity", "product_code", "first_response_at", "resolved_at"],
        [["T-1", "2026-01-31T23:30:15.250000+01:00", "2", "NW-OTX-100", "2026-02-01T00:00:00Z", ""]],
    ),
    "benchmarks": (
        ["tl9000_category", "measure", "month", "best_in_class", "industry_average", "worst_in_class"],
        [["3.2.1", "FR.ERI", "2026-01", "-0.1", "0.30000000000000004", "1e3"]],
    ),
}


@pytest.fixture
def loaded(world: Any, tmp_path: Path) -> Any:
    for kind, (header, rows) in FILES.items():
        result = do_import(world, kind, csv_file(tmp_path, header, rows, f"{kind}.csv"))
        assert result.ok, (kind, result.errors)
    return world


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("kind", list(FILES))
def test_a_download_reimports_unchanged(loaded: Any, as_user: Any, tmp_path: Path, kind: str) -> None:
    response = as_user(loaded.val).get(f"{DATA}{kind}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="northwind-telco-a-{kind}-')
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == exports.header(kind)
    facts = list(MonthlyFact.objects.values_list("pk", "month", "key", "dim", "value"))
    path = tmp_path / f"again-{kind}.csv"
    path.write_bytes(content)
    again = do_import(loaded, kind, path)
    assert again.ok, again.errors
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == again.rows > 0
    assert list(MonthlyFact.objects.values_list("pk", "month", "key", "dim", "value")) == facts


def test_a_download_neutralizes_formulas(loaded: Any) -> None:
    text = exports.as_csv("shipments", loaded.nw_ta).decode("utf-8-sig")
    assert text.splitlines()[1] == "S-1,NW-OTX-100,2026-01-05,3,SN-1,Munich core,'@PO"
    tickets = exports.as_csv("support-tickets", loaded.nw_ta).decode("utf-8-sig")
    assert "T-1,2026-01-31T22:30:15.250000+00:00,2,NW-OTX-100,2026-02-01T00:00:00+00:00,," in tickets


def test_a_large_table_streams_in_chunks(world: Any, tmp_path: Path) -> None:
    header = ["shipment_id", "product_code", "ship_date", "quantity"]
    rows = [[f"S-{i:05d}", "NW-OTX-100", "2026-01-05", "1"] for i in range(4100)]
    do_import(world, "shipments", csv_file(tmp_path, header, rows))
    chunks = list(exports.csv_chunks(exports.header("shipments"), exports.rows("shipments", world.nw_ta)))
    assert len(chunks) == 4  # the header, then 2000, 2000 and 100 rows
    assert b"".join(chunks).decode("utf-8-sig").count("\r\n") == 4101


def test_downloads_show_only_this_relationships_rows(world: Any, as_user: Any, tmp_path: Path) -> None:
    from accord.operations.models import Shipment

    Shipment.objects.create(
        relationship=world.nw_tb,
        shipment_id="TB-SECRET",
        product=world.product,
        ship_date="2026-01-01",
        quantity=1,
    )
    content = body(as_user(world.carol).get(f"{DATA}shipments.csv"))
    assert b"TB-SECRET" not in content


def test_customers_download_their_data_but_not_the_suppliers_licensed_benchmarks(
    loaded: Any, as_user: Any
) -> None:
    customer = as_user(loaded.vic)
    assert customer.get(f"{DATA}benchmarks.csv").status_code == 404
    assert customer.get(f"{DATA}returns.csv").status_code == 200
    page = customer.get("/r/northwind-telco-a/data/").content.decode()
    assert f"{DATA}returns.csv" in page and f"{DATA}benchmarks.csv" not in page
    supplier_page = as_user(loaded.val).get("/r/northwind-telco-a/data/").content.decode()
    assert f"{DATA}benchmarks.csv" in supplier_page


def test_an_unknown_kind_is_not_found(world: Any, as_user: Any) -> None:
    assert as_user(world.ada).get(f"{DATA}secrets.csv").status_code == 404
