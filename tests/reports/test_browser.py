"""Reports in Chromium, the issue's journey on a fixed day (20 January 2027, the 2026 data's months):
Ada defines a quarterly report, generates it for Q3 2026, writes its commentary and publishes it; Carol
reads it in her portal (the commentary and a number of the report on the page) and downloads the PDF
(its text has the commentary and the number) and the XLSX (it opens); Vic sees only the published
issue, not the next quarter's draft; Mallory gets 404. No page breaks its Content-Security-Policy, and
the issue page never scrolls sideways on a phone. Screenshots go to ``$ACCORD_SCREENSHOTS`` when set,
else to the test's temporary directory."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import expect

from accord.reports import render
from accord.reports.models import IssueStatus, ReportIssue
from tests.browser.conftest import browser, open_page  # noqa: F401  (the browser tests' fixtures)
from tests.browser.helpers import sign_in
from tests.reports.helpers import TODAY, operational_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORTS = "/r/northwind-telco-a/reports/"
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"
RENDERING_MS = 90_000  # generating, commenting and publishing render the files inside the request here
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ACCORD_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _person(open_page: Any, user: Any, **size: int) -> Any:  # noqa: F811
    page = open_page(**size)
    page.add_init_script(LISTEN)
    sign_in(page, user)
    return page


def _clean(page: Any) -> None:
    assert page.evaluate("window.__violations") == [], page.url


def test_a_report_is_defined_generated_commented_published_and_read_by_the_customer(
    open_page: Any,  # noqa: F811
    world: Any,
    shots: Path,
    tmp_path: Path,
) -> None:
    operational_year(world)
    with time_machine.travel(datetime.combine(TODAY, time(9), tzinfo=UTC), tick=True):
        ada = _person(open_page, world.ada)
        ada.goto(REPORTS)
        expect(ada.get_by_test_id("no-reports")).to_be_visible()
        ada.get_by_role("link", name="Define the first report").click()
        ada.get_by_label("Title").fill("Quarterly quality report")
        for section in (
            "Reported problems and fix responsiveness",
            "Technical support activity",
            "Repair turnaround",
        ):
            ada.get_by_label(section).uncheck()
        ada.get_by_label("First period").fill("2026-Q3")
        ada.get_by_label("Carol Nguyen").check()
        ada.get_by_label("Vic Romero").check()
        ada.screenshot(path=str(shots / "reports-form-1280.png"), full_page=True)
        ada.get_by_role("button", name="Define the report").click()
        expect(ada.get_by_test_id("settings")).to_contain_text("Hardware return rates")
        _clean(ada)

        ada.set_default_timeout(RENDERING_MS)
        ada.get_by_label("Period", exact=True).fill("2026-Q3")
        ada.get_by_role("button", name="Generate").click()
        expect(ada.get_by_test_id("issue-status")).to_have_text("Draft")
        expect(ada.get_by_role("link", name="RD-1-2026-Q3-r1.pdf")).to_be_visible()  # rendered
        form = ada.get_by_test_id("commentary-form")
        form.get_by_label("Summary (on the cover)").fill("Returns settled after the July fix.")
        form.get_by_label("Hardware return rates").fill("Two line cards came back in August.")
        form.get_by_role("button", name="Save the commentary").click()
        expect(ada.get_by_test_id("document")).to_contain_text("Two line cards came back in August.")
        ada.get_by_text("Publish…").click()
        expect(ada.get_by_test_id("publish")).to_contain_text("e-mails its 2 recipients")
        ada.get_by_role("button", name="Publish now").click()
        expect(ada.get_by_test_id("issue-status")).to_have_text("Published")
        ada.screenshot(path=str(shots / "reports-issue-1280.png"), full_page=True)
        _clean(ada)
        issue = ReportIssue.objects.get(period="2026-Q3")
        assert issue.status == IssueStatus.PUBLISHED
        row = issue.data["sections"]["returns"]["categories"][0]["period"]["FR.ERI"]
        eri = render.number(row[5], "FR.ERI")  # the early return index of Q3 2026, as printed
        units = render.count(row[4])  # its denominator: the units shipped in the quarter, annualized
        assert float(eri) > 0 and units

        # the next quarter's draft: the supplier's own until it is published
        ada.goto(f"{REPORTS}1/")
        ada.get_by_label("Period", exact=True).fill("2026-Q4")
        ada.get_by_role("button", name="Generate").click()
        expect(ada.get_by_test_id("issue-status")).to_have_text("Draft")

        carol = _person(open_page, world.carol, width=390, height=844)
        carol.goto(REPORTS)
        carol.get_by_role("link", name="2026-Q3", exact=True).click()
        document = carol.get_by_test_id("document")
        expect(document).to_contain_text("Returns settled after the July fix.")
        expect(document).to_contain_text("Two line cards came back in August.")
        expect(document.locator("table.summary").first).to_contain_text(f"{eri}")
        expect(document.locator("table.summary").first).to_contain_text(f"{render.count(row[3])} / {units}")
        expect(carol.get_by_test_id("commentary-form")).to_have_count(0)
        assert carol.evaluate(SIDEWAYS) <= 0
        carol.screenshot(path=str(shots / "reports-issue-390.png"), full_page=True)
        _clean(carol)
        with carol.expect_download() as got:
            carol.get_by_role("link", name="RD-1-2026-Q3-r1.pdf").click()
        pdf = tmp_path / got.value.suggested_filename
        got.value.save_as(pdf)
        assert pdf.name == "RD-1-2026-Q3-r1.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        text = " ".join(text.split())
        assert "Returns settled after the July fix." in text and "Two line cards came back in August." in text
        assert eri in text and units in text and "Quarterly quality report" in text
        with carol.expect_download() as got:
            carol.get_by_role("link", name="RD-1-2026-Q3-r1.xlsx").click()
        xlsx = tmp_path / "report.xlsx"
        got.value.save_as(xlsx)
        workbook = load_workbook(xlsx, read_only=True)
        assert "Hardware return rates" in workbook.sheetnames
        cover = [tuple(r) for r in workbook["Report"].iter_rows(values_only=True)]
        assert ("Commentary: Overall", "Returns settled after the July fix.") in cover
        workbook.close()

        vic = _person(open_page, world.vic)
        vic.goto(REPORTS)
        issues = vic.get_by_test_id("issues")
        expect(issues).to_contain_text("2026-Q3")
        expect(issues).not_to_contain_text("2026-Q4")
        expect(issues.get_by_test_id("issue-status")).to_have_text(["Published"])
        response = vic.goto(f"{REPORTS}1/2026-Q4/")
        assert response is not None and response.status == 404

        mallory = _person(open_page, world.mallory)
        response = mallory.goto(f"{REPORTS}1/2026-Q3/")
        assert response is not None and response.status == 404
        expect(mallory.get_by_text("Quarterly quality report")).to_have_count(0)
        expect(mallory.locator("h1")).to_contain_text("not found", ignore_case=True)
