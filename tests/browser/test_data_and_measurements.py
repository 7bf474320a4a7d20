"""The Data page and the Measurements page in a real browser.

Sam (Northwind, supplier editor) imports operational data through the Data page's form, good files and
bad ones; Telco A's people read the import history but upload nothing. With data imported through the
real import, Carol reads the measurements, filters them by period and category, drills down from a
numerator to the records behind it and reads the agreed settings, which only an admin (Ada) changes;
the viewers read the same page and Mallory (Telco B) gets 404.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from accord.operations import services as operations
from accord.operations.models import BatchStatus, ImportBatch, Return, Shipment
from accord.parties.access import relationship_for_user
from accord.parties.models import ProductCategory
from tests.browser.helpers import sign_in
from tests.operations.helpers import csv_file, do_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RELATIONSHIP = "/r/northwind-telco-a/"
DATA = f"{RELATIONSHIP}data/"
MEASUREMENTS = f"{RELATIONSHIP}measurements/"
BATCH_PAGE = re.compile(r"/r/northwind-telco-a/data/batches/(\d+)/$")

SHIPMENTS_CSV = (
    "shipment_id,product_code,ship_date,quantity,serial\n"
    "S-101,NW-OTX-100,2026-03-02,4,SN-1\n"
    "S-102,NW-OTX-100,2026-03-16,2,\n"
    "S-103,NW-OTX-100,2026-04-01,1,SN-3\n"
)
# Row 2 is good; rows 3–5 each have one problem, so nothing may be written at all.
BAD_RETURNS_CSV = (
    "return_id,product_code,received_date,ship_date,quantity\n"
    "R-1,NW-OTX-100,2026-05-03,2026-04-05,1\n"
    "R-2,NW-NOPE,2026-05-04,2026-04-05,1\n"
    "R-3,NW-OTX-100,2026-13-40,2026-04-05,1\n"
    "R-4,NW-OTX-100,2026-05-06,2026-04-05,2.5\n"
)


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> Path:
    """Uploaded files are kept in the storage: here, not in the checkout's ``var``."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def open_tab(page: Any, name: str) -> None:
    """Open the relationship's overview, then one of its tabs by name."""
    page.goto(RELATIONSHIP)
    page.get_by_role("link", name=name, exact=True).click()


def upload(page: Any, kind: str, name: str, content: str) -> None:
    """Fill in and send the Data page's upload form."""
    page.get_by_label("What the file holds").select_option(label=kind)
    page.get_by_label("File (CSV or XLSX)").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Import", exact=True).click()


def batch_of(page: Any) -> ImportBatch:
    """The import batch whose page the browser shows (after an upload, once its message is there)."""
    expect(page).to_have_url(BATCH_PAGE)
    match = BATCH_PAGE.search(page.url)
    assert match is not None
    return ImportBatch.objects.get(pk=int(match[1]))


def batch_row(page: Any, file_name: str) -> Any:
    return page.get_by_test_id("batches").get_by_test_id("batch-row").filter(has_text=file_name)


def read_csv(download: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))


# --- the Data page ---------------------------------------------------------------------------------


def test_sam_uploads_shipments_and_sees_them_in_the_history(open_page: Any, world: Any) -> None:
    page = open_page()
    sign_in(page, world.sam)
    open_tab(page, "Data")
    expect(page).to_have_url(re.compile(r"/r/northwind-telco-a/data/$"))
    expect(
        page.get_by_text("No operational data has been imported into this relationship yet.")
    ).to_be_visible()

    upload(page, "Shipments", "march-shipments.csv", SHIPMENTS_CSV)

    expect(page.get_by_role("alert")).to_contain_text("Imported: 3 created, 0 updated, 0 unchanged.")
    batch = batch_of(page)
    expect(page.get_by_role("heading", name="Shipments: march-shipments.csv")).to_be_visible()
    row = batch_row(page, "march-shipments.csv")
    expect(row).to_contain_text("Imported")
    expect(row).to_contain_text("3 new · 0 changed · 0 unchanged")
    expect(row.get_by_role("progressbar")).to_have_count(0)  # finished: no progress bar, no polling

    page.get_by_role("link", name="← All imports").click()
    expect(page).to_have_url(re.compile(r"/r/northwind-telco-a/data/$"))
    row = batch_row(page, "march-shipments.csv")
    expect(row).to_have_count(1)
    cells = row.get_by_role("cell")
    expect(cells.nth(1)).to_have_text("Sam Patel")
    expect(cells.nth(3)).to_have_text("Shipments")
    expect(cells.nth(4)).to_have_text(re.compile(r"^\s*3\s*$"))
    expect(cells.nth(5)).to_have_text(re.compile(r"^\s*Imported\s+3 new · 0 changed · 0 unchanged\s*$"))

    assert batch.status == BatchStatus.SUCCEEDED
    assert (batch.rows_total, batch.created, batch.uploaded_by) == (3, 3, world.sam)
    assert sorted(Shipment.objects.values_list("shipment_id", "quantity")) == [
        ("S-101", 4),
        ("S-102", 2),
        ("S-103", 1),
    ]

    # The same file again changes nothing and says so.
    upload(page, "Shipments", "march-shipments.csv", SHIPMENTS_CSV)
    expect(page.get_by_role("alert")).to_contain_text("Imported: 0 created, 0 updated, 3 unchanged.")
    assert Shipment.objects.count() == 3

    # What was imported downloads in the import's own columns.
    page.get_by_role("link", name="← All imports").click()
    expect(page.get_by_test_id("batch-row")).to_have_count(2)
    with page.expect_download() as download:
        page.get_by_test_id("downloads").get_by_role("link", name="Shipments", exact=True).click()
    assert re.fullmatch(
        r"northwind-telco-a-shipments-\d{4}-\d{2}-\d{2}\.csv", download.value.suggested_filename
    )
    header, *rows = read_csv(download.value)
    assert header[:4] == ["shipment_id", "product_code", "ship_date", "quantity"]
    assert sorted(r[:4] for r in rows) == [
        ["S-101", "NW-OTX-100", "2026-03-02", "4"],
        ["S-102", "NW-OTX-100", "2026-03-16", "2"],
        ["S-103", "NW-OTX-100", "2026-04-01", "1"],
    ]


def test_sam_uploads_returns_with_bad_rows_sees_every_problem_and_nothing_is_written(
    open_page: Any, world: Any
) -> None:
    page = open_page()
    sign_in(page, world.sam)
    page.goto(DATA)
    upload(page, "Returns", "may-returns.csv", BAD_RETURNS_CSV)

    expect(page.get_by_role("alert").first).to_contain_text("The file has problems; nothing was imported.")
    batch = batch_of(page)
    expect(page.get_by_text("3 problems found; nothing was imported.")).to_be_visible()
    errors = page.get_by_test_id("import-errors")
    expect(errors.get_by_role("columnheader")).to_have_text(["Row", "Column", "Value", "Problem"])
    shown = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in errors.locator("tbody tr").all()
    ]
    assert [r[:3] for r in shown] == [
        ["3", "product_code", "NW-NOPE"],
        ["4", "received_date", "2026-13-40"],
        ["5", "quantity", "2.5"],
    ]
    reasons = [r[3] for r in shown]
    assert "There is no product 'NW-NOPE'" in reasons[0]
    assert "is not a date (YYYY-MM-DD)" in reasons[1]
    assert "is not a whole number" in reasons[2]

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the problems as CSV").click()
    assert download.value.suggested_filename == f"northwind-telco-a-import-{batch.pk}-errors.csv"
    header, *rows = read_csv(download.value)
    assert header == ["row", "column", "value", "reason"]
    assert rows == shown

    page.get_by_role("link", name="← All imports").click()
    row = batch_row(page, "may-returns.csv")
    expect(row).to_contain_text("Rejected (bad rows)")
    expect(row).to_contain_text("3 problems")

    batch.refresh_from_db()
    assert (batch.status, batch.error_count, batch.created) == (BatchStatus.REJECTED, 3, 0)
    assert Return.objects.count() == 0  # not even the good row R-1


def test_telco_a_reads_the_import_history_but_only_the_supplier_uploads(
    open_page: Any, world: Any, tmp_path: Path
) -> None:
    path = tmp_path / "shipments.csv"
    path.write_text(SHIPMENTS_CSV, encoding="utf-8")
    batch = operations.start_batch(
        access=relationship_for_user(world.sam, slug="northwind-telco-a", write=True),
        kind="shipments",
        upload_path=path,
        file_name="march-shipments.csv",
    )
    assert batch.status == BatchStatus.SUCCEEDED

    # Operational data is the supplier's (accord/operations/views.py): both sides read the history, the
    # batches and the downloads; only the supplier's editors and admins get the form and may upload.
    for person in (world.carol, world.vic):
        page = open_page()
        sign_in(page, person)
        open_tab(page, "Data")
        expect(page.get_by_role("heading", name="Imports")).to_be_visible()
        row = batch_row(page, "march-shipments.csv")
        expect(row).to_contain_text("Sam Patel")
        expect(row).to_contain_text("3 new · 0 changed · 0 unchanged")
        expect(page.get_by_role("heading", name="Import a file")).to_have_count(0)
        expect(page.locator("input[type=file]")).to_have_count(0)
        expect(page.get_by_role("button", name="Import", exact=True)).to_have_count(0)
        # They read the batch and download the data; the server refuses an upload even so.
        with page.expect_download() as download:
            page.get_by_test_id("downloads").get_by_role("link", name="Shipments", exact=True).click()
        assert len(read_csv(download.value)) == 4
        row.get_by_role("link").click()
        expect(page.get_by_role("heading", name="Shipments: march-shipments.csv")).to_be_visible()
        token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
        response = page.request.post(
            f"{DATA}upload/",
            headers={"X-CSRFToken": token, "Referer": page.url},
            multipart={
                "kind": "shipments",
                "file": {"name": "s.csv", "mimeType": "text/csv", "buffer": SHIPMENTS_CSV.encode()},
            },
        )
        assert response.status == 403, person.email
    assert ImportBatch.objects.count() == 1


# --- the Measurements page -----------------------------------------------------------------------

PRODUCTS = ["product_code", "name", "tl9000_category"]
SHIPMENTS = ["shipment_id", "product_code", "ship_date", "quantity"]
RETURNS = ["return_id", "product_code", "received_date", "ship_date", "quantity", "no_trouble_found",
           "excluded_reason"]  # fmt: skip
REPAIRS = ["repair_id", "product_code", "received_date", "shipped_date"]


@pytest.fixture
def imported(world: Any, tmp_path: Path) -> Any:
    """Through the real import, as Ada: Jan–May 2026, 1,000 OTX-100 (3.2.1) and 200 R900 routers (1.2.7)
    shipped each month; in May 3 returned OTX-100 units of April (one NTF) and a returned R900 of March,
    plus an excluded return; two OTX-100 repairs shipped back in May after 10 and 30 days.

    May's ERI: 3.2.1 is 3 / 4,000 units (0.90), 1.2.7 is 1 / 800 (1.50), all pooled 4 / 4,800 (1.00).
    """
    ProductCategory.objects.create(code="1.2.7", name="Routers")
    files: list[tuple[str, list[str], list[list[Any]]]] = [
        ("products", PRODUCTS, [["NW-R900", "R900 router", "1.2.7"]]),
        (
            "shipments",
            SHIPMENTS,
            [[f"S{m}", "NW-OTX-100", f"2026-0{m}-05", 1000] for m in range(1, 6)]
            + [[f"T{m}", "NW-R900", f"2026-0{m}-05", 200] for m in range(1, 6)],
        ),
        (
            "returns",
            RETURNS,
            [
                ["R1", "NW-OTX-100", "2026-05-03", "2026-04-05", 2, "no", ""],
                ["R2", "NW-OTX-100", "2026-05-20", "2026-04-05", 1, "yes", ""],
                ["R3", "NW-OTX-100", "2026-05-21", "2026-04-05", 5, "no", "stock rotation"],
                ["RR1", "NW-R900", "2026-05-10", "2026-03-05", 1, "no", ""],
            ],
        ),
        (
            "repairs",
            REPAIRS,
            [
                ["P1", "NW-OTX-100", "2026-05-01", "2026-05-11"],
                ["P2", "NW-OTX-100", "2026-04-25", "2026-05-25"],
            ],
        ),
    ]
    for kind, header, rows in files:
        result = do_import(world, kind, csv_file(tmp_path, header, rows, f"{kind}.csv"))
        assert result.ok, result.errors
    return world


def measure_row(page: Any, code: str) -> Any:
    """The measurements table's row of ``code`` (without a severity)."""
    return (
        page.get_by_test_id("measurements")
        .locator("tbody tr")
        .filter(has=page.get_by_text(code, exact=True))
        .filter(has_not=page.locator(".badge"))
    )


def filters_of(page: Any) -> Any:
    return page.get_by_role("search", name="Period and category")


def show(page: Any, *, start: str | None = None, end: str | None = None, category: str | None = None) -> None:
    filters = filters_of(page)
    if start:
        filters.get_by_label("From").fill(start)
    if end:
        filters.get_by_label("To").fill(end)
    if category:
        filters.get_by_label("Product category").select_option(category)
    filters.get_by_role("button", name="Show").click()


def test_carol_filters_the_measurements_and_drills_down_to_the_returns(open_page: Any, imported: Any) -> None:
    page = open_page()
    sign_in(page, imported.carol)
    open_tab(page, "Measurements")
    expect(page).to_have_url(re.compile(r"/r/northwind-telco-a/measurements/$"))

    show(page, start="2026-01", end="2026-05")
    expect(page).to_have_url(re.compile(r"[?&]start=2026-01&end=2026-05"))
    table = page.get_by_test_id("measurements")
    expect(table.locator("thead")).to_contain_text("2026-05")
    eri = measure_row(page, "FR.ERI")
    expect(eri).to_contain_text("Early return index")
    cells = eri.get_by_role("cell")
    expect(cells.nth(1)).to_have_text("1.00 ↑")  # up from April's 0: worse, as lower is better
    expect(cells.nth(1).locator(".text-danger")).to_have_text("↑")
    expect(cells.nth(2)).to_have_text("4 / 4800")
    categories = filters_of(page).get_by_label("Product category").locator("option")
    expect(categories).to_have_text(["All categories (pooled)", "1.2.7 Routers", "3.2.1 Optical transport"])

    # The charts are inline SVG, one per family and unit.
    charts = page.locator(".chart svg")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 2
    expect(page.locator(".chart").filter(has_text="FR · % per year").locator("svg")).to_have_count(1)

    show(page, category="3.2.1")
    expect(page).to_have_url(re.compile(r"[?&]category=3\.2\.1"))
    filters = filters_of(page)
    expect(filters.get_by_label("Product category")).to_have_value("3.2.1")
    expect(filters.get_by_label("From")).to_have_value("2026-01")
    expect(filters.get_by_label("To")).to_have_value("2026-05")
    cells = measure_row(page, "FR.ERI").get_by_role("cell")
    expect(cells.nth(1)).to_have_text("0.90 ↑")
    expect(cells.nth(2)).to_have_text("3 / 4000")

    # April: nothing was returned yet, the ERI is zero.
    show(page, end="2026-04")
    expect(page.get_by_test_id("measurements").locator("thead")).to_contain_text("2026-04")
    expect(measure_row(page, "FR.ERI").get_by_role("cell").nth(1)).to_have_text("0.00")
    show(page, end="2026-05")

    # The numerator opens the records behind it: the counted returns, not the excluded one.
    measure_row(page, "FR.ERI").get_by_role("link", name="3", exact=True).click()
    expect(page).to_have_url(re.compile(r"/measurements/records/\?measure=FR\.ERI&month=2026-05"))
    expect(page.get_by_role("heading", level=2)).to_contain_text("(numerator)")
    records = page.get_by_test_id("records")
    expect(records.locator("tbody tr")).to_have_count(2)
    expect(records).to_contain_text("R1")
    expect(records).to_contain_text("R2")
    expect(records).not_to_contain_text("R3")
    expect(records).not_to_contain_text("RR1")  # a router: another category
    expect(page.get_by_text("2 records")).to_be_visible()

    # Back to the table: the breadcrumb keeps the category, the period and the rolling window.
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Measurements").click()
    filters = filters_of(page)
    expect(filters.get_by_label("Product category")).to_have_value("3.2.1")
    expect(filters.get_by_label("From")).to_have_value("2026-01")
    expect(filters.get_by_label("To")).to_have_value("2026-05")
    expect(filters.get_by_label("Rolling window")).to_have_value("12")
    expect(measure_row(page, "FR.ERI").get_by_role("cell").nth(1)).to_have_text("0.90 ↑")

    # The denominator: the units shipped in November–April.
    page.goto(f"{MEASUREMENTS}?start=2026-01&end=2026-05&category=3.2.1")
    measure_row(page, "FR.ERI").get_by_role("link", name="4000", exact=True).click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("(denominator)")
    records = page.get_by_test_id("records")
    expect(records.locator("tbody tr")).to_have_count(4)
    for shipment in ("S1", "S2", "S3", "S4"):
        expect(records).to_contain_text(shipment)
    expect(records).not_to_contain_text("S5")

    # The agreed settings: Carol reads them; only admins change them.
    page.goto(MEASUREMENTS)
    page.get_by_role("link", name="Agreed thresholds and targets").click()
    expect(page.get_by_role("heading", name="What both sides agreed")).to_be_visible()
    expect(page.get_by_text("Admins of either side change these.")).to_be_visible()
    expect(page.get_by_role("button", name="Save and recompute")).to_have_count(0)
    expect(page.get_by_label("Repair turnaround agreed (days)")).to_be_disabled()
    page.get_by_role("link", name="Back to the measurements").click()
    expect(page).to_have_url(re.compile(r"/r/northwind-telco-a/measurements/$"))


def test_ada_agrees_a_repair_time_and_the_measurements_are_recomputed(open_page: Any, imported: Any) -> None:
    page = open_page()
    sign_in(page, imported.ada)
    page.goto(f"{MEASUREMENTS}?start=2026-01&end=2026-05&category=3.2.1")
    expect(measure_row(page, "REPAIR.TAT_MEDIAN")).to_be_visible()
    expect(measure_row(page, "REPAIR.WITHIN_SLA")).to_have_count(0)  # nothing agreed yet

    page.get_by_role("link", name="Agreed thresholds and targets").click()
    page.get_by_label("Repair turnaround agreed (days)").fill("14")
    page.get_by_role("button", name="Save and recompute").click()
    expect(page.get_by_role("alert")).to_contain_text("Settings saved; the measurements were recomputed.")
    # back on the page she came from, with its category and period
    expect(page).to_have_url(
        re.compile(r"/measurements/\?category=3\.2\.1&start=2026-01&end=2026-05&window=12$")
    )

    page.goto(f"{MEASUREMENTS}?start=2026-01&end=2026-05&category=3.2.1")
    cells = measure_row(page, "REPAIR.WITHIN_SLA").get_by_role("cell")
    expect(cells.nth(1)).to_have_text("50.0")
    expect(cells.nth(2)).to_have_text("1 / 2")


def test_the_viewers_read_the_measurements_and_mallory_gets_404(open_page: Any, imported: Any) -> None:
    for viewer in (imported.val, imported.vic):
        page = open_page()
        sign_in(page, viewer)
        page.goto(f"{MEASUREMENTS}?start=2026-01&end=2026-05")
        expect(measure_row(page, "FR.ERI").get_by_role("cell").nth(1)).to_have_text("1.00 ↑")
        expect(page.locator(".chart svg").first).to_be_visible()
        measure_row(page, "FR.ERI").get_by_role("link", name="4", exact=True).click()
        expect(page.get_by_test_id("records").locator("tbody tr")).to_have_count(3)

    mallory = open_page()
    sign_in(mallory, imported.mallory)
    expect(mallory.get_by_test_id("relationships")).not_to_contain_text("Telco A")
    for url in (
        f"{MEASUREMENTS}?start=2026-01&end=2026-05",
        f"{MEASUREMENTS}records/?measure=FR.ERI&month=2026-05&category=ALL&part=numerator",
        f"{MEASUREMENTS}settings/",
        DATA,
    ):
        response = mallory.goto(url)
        assert response is not None
        assert response.status == 404, url
        expect(mallory.locator("body")).not_to_contain_text("FR.ERI")
        expect(mallory.locator("body")).not_to_contain_text("Telco A")
