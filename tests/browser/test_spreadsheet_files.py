"""Files from real spreadsheets on the Data page, in a real browser: a returns file as a German Excel
saves it ("CSV (Trennzeichen-getrennt)": semicolons, Windows-1252, umlauts and ß) imports cleanly and the
page says what it read; a file whose header is a whole row in one cell names its separator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from accord.operations.models import BatchStatus, Return
from tests.browser.helpers import sign_in
from tests.browser.test_data_and_measurements import DATA, batch_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What German Excel writes for Accord's returns columns (dates kept as YYYY-MM-DD text, as a file
# downloaded from Accord opens; the format has no decimals), CRLF line ends, no BOM.
GERMAN_RETURNS = (
    "return_id;product_code;received_date;ship_date;serial;quantity;reason;no_trouble_found\r\n"
    "R-1;NW-OTX-100;2026-11-03;2026-06-01;SN-1;1;Lüfter defekt, Geräusch;false\r\n"
    "R-2;NW-OTX-100;2026-11-05;2026-05-12;SN-2;2;Überhitzung;false\r\n"
    "R-3;NW-OTX-100;2026-11-20;2026-02-02;SN-3;1;Stoß beim Transport;true\r\n"
).encode("cp1252")


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload_bytes(page: Any, kind: str, name: str, content: bytes) -> None:
    page.get_by_label("What the file holds").select_option(label=kind)
    page.get_by_label("File (CSV or XLSX)").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Import", exact=True).click()


def test_sam_imports_a_returns_file_from_a_german_excel(open_page: Any, world: Any) -> None:
    assert b"\xfc" in GERMAN_RETURNS and b"\xdf" in GERMAN_RETURNS  # ü and ß as Windows-1252 bytes
    page = open_page()
    sign_in(page, world.sam)
    page.goto(DATA)
    upload_bytes(page, "Returns", "Rücksendungen November.csv", GERMAN_RETURNS)

    expect(page.get_by_role("alert").first).to_contain_text("Imported: 3 created, 0 updated, 0 unchanged.")
    expect(page.get_by_test_id("read-as")).to_have_text("Read as CSV separated by ';', encoded Windows-1252.")
    batch = batch_of(page)
    assert (batch.status, batch.created) == (BatchStatus.SUCCEEDED, 3)
    assert batch.read_as == "CSV separated by ';', encoded Windows-1252"
    assert sorted(Return.objects.values_list("reason", flat=True)) == [
        "Lüfter defekt, Geräusch",
        "Stoß beim Transport",
        "Überhitzung",
    ]


def test_a_header_in_one_cell_says_which_separator_the_file_seems_to_have(open_page: Any, world: Any) -> None:
    page = open_page()
    sign_in(page, world.sam)
    page.goto(DATA)
    one_cell = (
        b'"return_id;product_code;received_date;ship_date"\r\n"R-1;NW-OTX-100;2026-11-03;2026-06-01"\r\n'
    )
    upload_bytes(page, "Returns", "returns.csv", one_cell)

    expect(page.get_by_role("alert").first).to_contain_text("The file has problems; nothing was imported.")
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("this file seems to be separated by ';'")
    expect(errors).not_to_contain_text("Unknown column")
    assert not Return.objects.exists()
