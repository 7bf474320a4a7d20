"""The action item register in a real browser: a customer and a supplier editor run it together.

Carol (Telco A, customer editor) and Sam (Northwind, supplier editor) each work in their own browser
context against the same live server: Carol raises an item for Sam, Sam reassigns it inline, comments,
works it and marks it done, Carol verifies it, filters the register and exports it.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REGISTER = "/r/northwind-telco-a/items/"
TITLE = "Provide alarm logs for the Munich outage"
DUE = date(2030, 6, 30)


def row_of(page: Any, reference: str) -> Any:
    """The register row of the item ``reference``."""
    return (
        page.get_by_test_id("register")
        .get_by_role("row")
        .filter(has=page.get_by_role("link", name=reference, exact=True))
    )


def status_of_item(page: Any) -> Any:
    """The status badge next to the item page's heading."""
    return page.locator("main h2 + .badge")


def test_customer_and_supplier_run_an_item_from_request_to_verified_and_export_it(
    open_page: Any, world: Any, tmp_path: Path
) -> None:
    carol, sam = open_page(), open_page()

    # 1. Carol raises an item for the supplier's Sam.
    sign_in(carol, world.carol)
    carol.goto(REGISTER)
    expect(row_of(carol, "TLA-0001")).to_be_visible()
    carol.get_by_role("link", name="New action item").click()
    expect(carol.get_by_role("heading", name="New action item")).to_be_visible()
    carol.get_by_label("Title").fill(TITLE)
    expect(carol.get_by_label("Owner side")).to_have_value("customer")  # her own side by default
    carol.get_by_label("Owner side").select_option(label="Supplier")
    owner = carol.get_by_label("Owner", exact=True)
    # each possible owner with their party's name (not an e-mail domain)
    owner.select_option(label="Sam Patel (Northwind Networks)")
    carol.get_by_label("Due date").fill(DUE.isoformat())
    carol.get_by_label("Priority").select_option(label="High")
    carol.get_by_role("button", name="Save").click()

    expect(carol).to_have_url(re.compile(r"/r/northwind-telco-a/items/2/$"))
    expect(carol.get_by_role("alert")).to_contain_text("TLA-0002 created.")
    expect(carol.get_by_role("heading", level=2)).to_have_text(f"TLA-0002 {TITLE}")
    expect(status_of_item(carol)).to_have_text("Open")

    # 2. Sam finds it in the register and hands it to Ada in the row itself (htmx).
    sign_in(sam, world.sam)
    sam.goto(REGISTER)
    row = row_of(sam, "TLA-0002")
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("Open")
    row_owner = sam.get_by_label("Owner of TLA-0002")
    expect(row_owner).to_have_value(str(world.sam.pk))
    with sam.expect_response(lambda r: r.url.endswith("/items/2/quick/")) as quick:
        row_owner.select_option(label="Ada Quinn (Northwind Networks)")
    assert quick.value.ok
    # The row was re-rendered from the server: its controls now carry the item's next version.
    expect(row_owner).to_have_attribute("hx-vals", re.compile(r'"version": "2"'))
    expect(row_owner).to_have_value(str(world.ada.pk))
    expect(row.get_by_role("alert")).to_have_count(0)

    row.get_by_role("link", name="TLA-0002").click()
    expect(sam.get_by_role("heading", level=2)).to_have_text(f"TLA-0002 {TITLE}")
    expect(sam.locator("aside")).to_contain_text("Ada Quinn (Supplier)")

    sam.get_by_label("Comment").fill("Logs requested from NOC")
    sam.get_by_role("button", name="Comment").click()
    timeline = sam.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Logs requested from NOC")

    sam.get_by_role("button", name="Start work").click()
    expect(sam.get_by_role("alert")).to_contain_text("TLA-0002 is now in progress.")
    expect(status_of_item(sam)).to_have_text("In progress")

    sam.get_by_label("Resolution: what was done?").fill("Alarm logs of 2–4 March sent to Carol.")
    sam.get_by_role("button", name="Mark done").click()
    expect(sam.get_by_role("alert").first).to_contain_text("TLA-0002 is now done.")
    expect(status_of_item(sam)).to_have_text("Done")
    expect(sam.get_by_role("button", name="Verify: the action was effective")).to_have_count(0)

    # 3. Carol sees Sam's work and verifies it.
    carol.reload()
    timeline = carol.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Logs requested from NOC")
    expect(timeline.get_by_text("Done", exact=True)).to_be_visible()
    expect(carol.locator("main")).to_contain_text("Alarm logs of 2–4 March sent to Carol.")
    carol.get_by_role("button", name="Verify: the action was effective").click()
    expect(carol.get_by_role("alert").first).to_contain_text("TLA-0002 is now verified.")
    expect(status_of_item(carol)).to_have_text("Verified")

    # 4. Carol filters the register down to the verified items. It opens on the open work, which
    # no longer holds TLA-0002.
    carol.goto(REGISTER)
    filters = carol.get_by_role("search", name="Filter action items")
    for status in ("Open", "In progress", "Done"):
        expect(filters.get_by_label(status, exact=True)).to_be_checked()
        filters.get_by_label(status, exact=True).uncheck()
    expect(row_of(carol, "TLA-0002")).to_have_count(0)
    filters.get_by_label("Verified", exact=True).check()
    filters.get_by_role("button", name="Filter").click()
    expect(carol).to_have_url(re.compile(r"[?&]status=verified"))
    expect(filters.get_by_label("Verified", exact=True)).to_be_checked()
    expect(row_of(carol, "TLA-0002")).to_contain_text("Verified")
    expect(row_of(carol, "TLA-0001")).to_have_count(0)
    expect(carol.get_by_test_id("register").locator("tbody tr")).to_have_count(1)

    # 5. She exports what she sees: XLSX keeps the filter and writes due dates as dates.
    with carol.expect_download() as xlsx_download:
        carol.get_by_role("link", name="XLSX").click()
    xlsx = xlsx_download.value
    assert re.fullmatch(r"northwind-telco-a-action-items-\d{4}-\d{2}-\d{2}\.xlsx", xlsx.suggested_filename)
    xlsx.save_as(tmp_path / xlsx.suggested_filename)
    sheet = openpyxl.load_workbook(tmp_path / xlsx.suggested_filename).active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    by_reference = {r[header.index("Reference")]: dict(zip(header, r, strict=True)) for r in rows}
    assert list(by_reference) == ["TLA-0002"]
    exported = by_reference["TLA-0002"]
    assert exported["Status"] == "Verified"
    assert isinstance(exported["Due date"], date | datetime)
    due = exported["Due date"]
    assert (due.date() if isinstance(due, datetime) else due) == DUE

    # CSV of the whole register (one click to every status): her item is there, the supplier's
    # private item is not.
    carol.get_by_role("link", name="Clear", exact=True).click()
    expect(row_of(carol, "TLA-0002")).to_have_count(0)
    carol.get_by_test_id("scope-toggle").get_by_role("link", name="All").click()
    expect(row_of(carol, "TLA-0001")).to_be_visible()
    expect(row_of(carol, "TLA-0002")).to_be_visible()
    with carol.expect_download() as csv_download:
        carol.get_by_role("link", name="CSV").click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    references = [r["Reference"] for r in csv.DictReader(io.StringIO(text))]
    assert sorted(references) == ["TLA-0001", "TLA-0002"]  # not the private TLA-S0001
    assert "margin impact" not in text


def test_a_viewer_reads_the_register_but_cannot_change_it(browser_page: Any, world: Any) -> None:
    page = browser_page
    sign_in(page, world.vic)
    page.goto(REGISTER)
    register = page.get_by_test_id("register")
    expect(row_of(page, "TLA-0001")).to_contain_text("Root-cause the line card returns")
    expect(page.get_by_role("link", name="New action item")).to_have_count(0)
    expect(page.get_by_role("link", name="Import")).to_have_count(0)
    expect(register.get_by_role("combobox")).to_have_count(0)
    expect(register.locator("input, select, button")).to_have_count(0)
    expect(register).to_contain_text("Sam Patel")  # the owner as text, not a select


def test_the_customer_never_sees_the_suppliers_private_item(browser_page: Any, world: Any) -> None:
    page = browser_page
    sign_in(page, world.carol)
    page.goto(REGISTER)
    expect(row_of(page, "TLA-0001")).to_be_visible()
    expect(row_of(page, "TLA-S0001")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("margin impact")

    page.get_by_role("search", name="Filter action items").get_by_label("Search").fill("margin")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No action item matches these filters.")).to_be_visible()

    response = page.goto(f"{REGISTER}2/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("margin impact")


def test_starting_an_item_in_its_row_updates_the_status_counts_without_a_reload(
    browser_page: Any, world: Any
) -> None:
    page = browser_page
    sign_in(page, world.sam)
    page.goto(REGISTER)
    counts = page.get_by_test_id("status-counts")
    in_progress = counts.get_by_role("link", name=re.compile(r"^In progress \d+$"))
    opened = counts.get_by_role("link", name=re.compile(r"^Open \d+$"))
    before_in_progress = int(in_progress.inner_text().split()[-1])
    before_open = int(opened.inner_text().split()[-1])
    page.evaluate("window.notReloaded = true")

    row = row_of(page, "TLA-0001")
    expect(row).to_contain_text("Open")
    with page.expect_response(lambda r: r.url.endswith("/items/1/quick/")) as quick:
        row.get_by_role("button", name="Start").click()
    assert quick.value.ok
    expect(row).to_contain_text("In progress")

    expect(in_progress).to_have_text(f"In progress {before_in_progress + 1}")
    expect(opened).to_have_text(f"Open {before_open - 1}")
    expect(counts).to_have_count(1)  # swapped in place, not added next to the old badges
    expect(page.locator("main template")).to_have_count(0)  # htmx dropped the oob wrapper
    assert page.evaluate("window.notReloaded") is True
