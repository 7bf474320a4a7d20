"""The visit record (PDF) prints everything the guidance asks of a site visit's documentation: the
relationship, the survey, the site-visit meeting and its attendees, the site and the equipment's age,
who was asked and how many answered, the feedback by area with its chart, every comment, and what
became of each issue raised, with the proposals still open. The anonymous record names no respondent
to the supplier; Northwind's private item never reaches Telco A's copy. The workbook holds the same
results per area and every answer."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook

from accord.feedback import exports
from accord.feedback.models import Survey
from tests.feedback.helpers import access
from tests.feedback.visit import DAY, Visit, build


def pdf_text(body: bytes) -> str:
    """The PDF's words line by line as laid out (poppler's pdftotext: a table row reads as a line), with
    every run of blanks made one space."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=body, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


@pytest.fixture
def visit(world: Any) -> Any:
    with time_machine.travel(DAY, tick=False):
        yield build(world)


def printed(world: Any, who: Any, survey: Survey) -> str:
    with time_machine.travel(DAY, tick=False):
        return pdf_text(exports.visit_pdf(access(world, who), survey))


def test_the_visit_record_prints_the_visit_and_its_people(world: Any, visit: Visit) -> None:
    text = printed(world, world.ada, visit.survey)
    assert "Northwind Networks → Telco A" in text
    assert "FB-1" in text and "Munich core site visit" in text
    # the site-visit meeting: its title, day and hours in its time zone, held, hosted by the customer
    assert "Site visit, Munich core, July 2026" in text
    assert "2026-07-12 09:00–13:00 (Europe/Berlin)" in text and "Held" in text and "hosted by Telco A" in text
    # the site and the equipment's age at the visit
    assert "Munich core" in text and "OTX-100 metro WDM shelves" in text
    assert "in service since 2026-02-01" in text and "in service 5 months" in text
    assert "within the 3 to 6 months the guidance prefers" in text
    # the meeting's attendees, both sides, and the external guest who declined
    for name in ("Sam Patel", "Ada Quinn", "Carol Nguyen", "Jonas Weber"):
        assert name in text
    assert "Declined" in text and "Accepted" in text and "(external)" in text
    # who was asked and how many answered: by function, and each person (†: by their personal link)
    assert "2 of 3 people invited answered." in text
    assert "Engineering 1 1 Carol Nguyen ✓" in text and "Operation 1 1 Grace Hopper† ✓" in text
    assert "Procurement 1 0 Henry Ford† (not yet)" in text


def test_the_visit_record_prints_the_feedback_by_area(world: Any, visit: Visit) -> None:
    text = printed(world, world.ada, visit.survey)
    assert "Feedback by area" in text and "Share of the ratings" in text  # the chart, drawn as text
    assert "Documentation 1.5 1 1 0 0 0 0" in text  # mean, ratings 1..5, not applicable
    assert "Invoices – 0 0 0 0 0 1" in text  # one "not applicable", no rating
    assert "Quality and reliability of hardware and software" in text
    assert "Engineering 5.0 (1)" in text and "Operation 4.0 (1)" in text  # quality by function
    # every comment, labelled with its respondent
    assert "The manual lacks the fibre-routing drawings." in text
    assert "The commissioning guide describes release 3.1, not 3.2." in text
    assert "Two of the shelves came a week late." in text
    assert '=HYPERLINK("http://evil.example","click")' in text  # printed as text
    assert "Grace Hopper (Operation) · rating 1/5" in text


def test_the_visit_record_says_what_became_of_every_issue(world: Any, visit: Visit) -> None:
    text = printed(world, world.ada, visit.survey)
    assert visit.created.reference in text and "Add the fibre-routing drawings" in text  # (its cell wraps)
    assert "Action item created" in text and "Merged into an action item" in text and "Dismissed" in text
    # the dismissal's reason (its table cell wraps: a line of the text has the row's other cells too)
    assert "Dismissed The shelves waited for Telco A's" in text and "readiness date, as agreed." in text
    assert (
        "1 created an item, 1 merged into an existing item, 1 dismissed with a reason, 1 still open" in text
    )
    assert "1 proposal is still open: it waits for the supplier's triage." in text
    # Northwind sees its own private item on its copy
    assert visit.private.reference in text and visit.private.title in text


def test_a_private_item_never_reaches_the_customers_copy(world: Any, visit: Visit) -> None:
    text = printed(world, world.carol, visit.survey)
    assert visit.private.reference not in text and visit.private.title not in text
    assert "Merged into an action item" in text  # what became of Carol's feedback, without the item
    assert visit.created.reference in text  # the shared one shows


def test_the_anonymous_record_names_no_respondent_to_the_supplier(world: Any) -> None:
    with time_machine.travel(DAY, tick=False):
        visit = build(world, anonymous=True, with_meeting=False)
    text = printed(world, world.ada, visit.survey)
    for name in ("Grace", "Hopper", "Henry", "Carol", "Nguyen", "@telco-a.example"):
        assert name not in text, name
    assert "Respondent 1 (Operation) · rating 1/5" in text and "Respondent 2 (Engineering)" in text
    assert "Operation 1 1" in text and "Procurement 1 0" in text  # invited and answered by function
    assert "counts the people asked by function and names no one" in text
    assert "Not tied to a site-visit meeting (a standalone survey)." in text
    # the customer's own copy names its people
    customer = printed(world, world.carol, visit.survey)
    assert "Grace Hopper (Operation)" in customer and "Henry Ford" in customer


def test_the_record_shows_an_open_survey_still_waiting_for_answers(world: Any, visit: Visit) -> None:
    text = printed(world, world.ada, visit.survey)
    assert "Open for answers" in text and "closes on 2026-07-29" in text


def rows(body: bytes, sheet: str) -> list[list[Any]]:
    """The sheet's rows, each as long as the header (a row's empty cells at its end are not stored)."""
    book = load_workbook(io.BytesIO(body), read_only=True)
    found = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    width = len(found[0])
    return [r + [None] * (width - len(r)) for r in found]


def test_the_workbook_holds_the_results_by_area(world: Any, visit: Visit) -> None:
    with time_machine.travel(DAY, tick=False):
        body = exports.results_xlsx(access(world), visit.survey)
    book = load_workbook(io.BytesIO(body), read_only=True)
    assert book.sheetnames == ["Results by area", "Answers", "Issues raised"]
    areas = rows(body, "Results by area")
    assert areas[0][:11] == [
        "Area",
        "Question",
        "Mean",
        "Ratings",
        "1",
        "2",
        "3",
        "4",
        "5",
        "Not applicable",
        "Comments",
    ]
    assert areas[0][11:] == [
        "Mean: Engineering",
        "Mean: Procurement",
        "Mean: Installation",
        "Mean: Activation",
        "Mean: Operation",
        "Mean: Other",
    ]
    documentation = next(r for r in areas if r[0] == "Documentation")
    assert documentation[2:11] == [1.5, 2, 1, 1, 0, 0, 0, 0, 2]
    assert documentation[11:] == [2, None, None, None, 1, None]
    invoices = next(r for r in areas if r[0] == "Invoices")
    assert invoices[2:11] == [None, 0, 0, 0, 0, 0, 0, 1, 0]


def test_the_workbook_holds_every_answer_labelled_as_the_viewer_may_see(world: Any) -> None:
    with time_machine.travel(DAY, tick=False):
        visit = build(world, anonymous=True)
        supplier = rows(exports.results_xlsx(access(world), visit.survey), "Answers")
        customer = rows(exports.results_xlsx(access(world, world.carol), visit.survey), "Answers")
    assert supplier[0] == [
        "Response",
        "Respondent",
        "Function",
        "Area",
        "Rating",
        "Not applicable",
        "Comment",
        "Submitted",
    ]
    assert len(supplier) == 1 + 5 + 4  # Grace's five answers, Carol's four
    first = supplier[1]
    quality = "Quality and reliability of hardware and software"
    assert first[:6] == [1, "Respondent 1 (Operation)", "Operation", quality, 4, None]
    assert str(first[7]).startswith("2026-07-15")
    assert [supplier[4][1], *supplier[4][3:6]] == ["Respondent 1 (Operation)", "Invoices", None, "yes"]
    assert not any("Grace" in str(cell) or "Carol" in str(cell) for row in supplier for cell in row)
    assert customer[1][1] == "Grace Hopper (Operation)"


def test_the_workbook_keeps_a_formula_like_comment_as_text(world: Any, visit: Visit) -> None:
    with time_machine.travel(DAY, tick=False):
        body = exports.results_xlsx(access(world), visit.survey)
    book = load_workbook(io.BytesIO(body))  # not read-only: the cells' types
    sheet = book["Answers"]
    cell = next(c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"


def test_the_workbook_lists_the_issues_without_the_other_sides_private_item(world: Any, visit: Visit) -> None:
    with time_machine.travel(DAY, tick=False):
        supplier = rows(exports.results_xlsx(access(world), visit.survey), "Issues raised")
        customer = rows(exports.results_xlsx(access(world, world.carol), visit.survey), "Issues raised")
    decisions = {(r[0], r[4]): r for r in supplier[1:]}
    assert decisions["Documentation", "Action item created"][5:7] == [
        visit.created.reference,
        "Add the fibre-routing drawings to the installation manual",
    ]
    assert decisions["Documentation", "Merged into an action item"][5] == visit.private.reference
    assert decisions["Product delivery", "Dismissed"][8].startswith("The shelves waited")
    assert decisions["Training", "Waiting for triage"][3] == "Comment flagged by a reviewer"
    seen = {cell for row in customer for cell in row}
    assert visit.private.reference not in seen and visit.private.title not in seen
    assert visit.created.reference in seen


def test_equipment_age_reads_in_days_months_and_years() -> None:
    from datetime import date

    on = date(2026, 7, 15)
    assert exports.equipment_age(date(2026, 7, 3), on) == "in service 12 days"
    assert exports.equipment_age(date(2026, 6, 15), on) == "in service 1 month"
    assert exports.equipment_age(date(2026, 2, 16), on) == "in service 4 months"
    assert exports.equipment_age(date(2025, 5, 1), on) == "in service 1 year and 2 months"
    assert exports.equipment_age(date(2024, 7, 15), on) == "in service 2 years"
    assert exports.equipment_age(date(2026, 8, 1), on) == "" and exports.equipment_age(None, on) == ""
    assert exports.age_remark(date(2025, 5, 1), on).startswith("over a year")
    assert exports.age_remark(date(2026, 5, 1), on) == "under the year the guidance asks for"


def test_the_survey_page_links_download_the_record_and_the_workbook(
    world: Any, visit: Visit, as_user: Any
) -> None:
    client = as_user(world.vic)  # a viewer of the customer reads both
    with time_machine.travel(DAY, tick=False):
        pdf = client.get(f"/r/northwind-telco-a/feedback/{visit.survey.number}/visit.pdf")
        xlsx = client.get(f"/r/northwind-telco-a/feedback/{visit.survey.number}/results.xlsx")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="northwind-telco-a-fb-1-visit.pdf"'
    assert "Munich core site visit" in pdf_text(pdf.content)
    assert xlsx.status_code == 200 and xlsx["Content-Type"].endswith("spreadsheetml.sheet")
    assert xlsx["Content-Disposition"] == 'attachment; filename="northwind-telco-a-fb-1-results.xlsx"'
    assert rows(xlsx.content, "Answers")[1][1] == "Grace Hopper (Operation)"
