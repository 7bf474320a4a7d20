"""Site-visit feedback in Chromium, the issue's journey: Ada prepares a survey, invites Grace (operation,
no account) and opens it; Grace answers on a phone through the link of her e-mail (the form autosaves as
she goes) and submits; the link then stops working; Ada triages the low rating into an action item that
appears in the register with the response as its source, and downloads the visit record. A second link
stops working after it expires, and Mallory cannot open Telco A's results. Screenshots go to
``$ACCORD_SCREENSHOTS`` when set, else to the test's temporary directory."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from accord.feedback.models import Proposal, Survey
from accord.register.models import SourceKind
from tests.browser.conftest import browser, open_page  # noqa: F401  (the browser tests' fixtures)
from tests.browser.helpers import sign_in
from tests.feedback.helpers import invitation, survey, token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TA = "/r/northwind-telco-a"
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ACCORD_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _area(page: Any, title: str) -> Any:
    return page.locator("fieldset.answer-area").filter(has_text=title)


def test_a_survey_answered_by_link_is_triaged_into_the_register(
    open_page: Any,  # noqa: F811
    world: Any,
    shots: Path,
    tmp_path: Path,
    live_server: Any,
) -> None:
    ada = open_page()
    sign_in(ada, world.ada)
    ada.goto(f"{TA}/feedback/")
    ada.get_by_role("link", name="Prepare a survey").click()
    ada.get_by_label("Title").fill("Munich core site visit")
    ada.get_by_label("Site", exact=True).select_option(label="Munich core")
    ada.get_by_label("Equipment", exact=True).fill("OTX-100, 7 shelves")
    ada.get_by_role("button", name="Prepare").click()
    # nobody is invited yet, so the invitation form is open
    ada.get_by_label("Or someone without an account: name").fill("Grace Hopper")
    ada.get_by_label("E-mail address").fill("grace@telco-a.example")
    ada.get_by_label("Function", exact=True).select_option("operation")
    ada.get_by_role("button", name="Invite", exact=True).click()
    mail.outbox.clear()
    ada.get_by_role("button", name="Open and send the links").click()
    expect(ada.get_by_test_id("survey-status")).to_have_text("Open for answers")
    sent = next(m for m in mail.outbox if m.to == ["grace@telco-a.example"])
    link = re.search(r"https?://\S+/f/\S+/", sent.body)
    assert link is not None
    path = "/f/" + link.group(0).split("/f/", 1)[1]

    grace = open_page()  # a phone, signed in to nothing
    grace.set_viewport_size({"width": 390, "height": 844})
    grace.goto(path)
    expect(grace.get_by_role("heading", name="Munich core site visit")).to_be_visible()
    delivery = _area(grace, "Product delivery")
    delivery.locator("label", has_text=re.compile(r"^2$")).click()
    expect(grace.locator("#autosave")).to_contain_text("Draft saved at")  # htmx autosaved the draft
    delivery.get_by_label("Comment (optional)").fill("Two deliveries came a week late")
    _area(grace, "Technical support").locator("label", has_text=re.compile(r"^5$")).click()
    _area(grace, "Invoices").locator("label", has_text="N/A").click()
    grace.screenshot(path=str(shots / "feedback-answer-390.png"), full_page=True)
    assert grace.evaluate(SIDEWAYS) <= 0
    grace.get_by_role("button", name="Submit my feedback").click()
    expect(grace.get_by_test_id("thanks")).to_be_visible()
    grace.goto(path)
    expect(grace.get_by_test_id("link-invalid")).to_be_visible()  # used: the link opens nothing

    s = Survey.objects.get(relationship=world.nw_ta)
    ada.goto(f"{TA}/feedback/{s.number}/")
    expect(ada.get_by_test_id("progress")).to_contain_text("1 of 1 invited have answered.")
    expect(ada.get_by_test_id("open-proposals")).to_contain_text("1 proposal")
    ada.get_by_role("link", name="Triage").click()
    form = ada.get_by_test_id("decide-form")
    form.get_by_label("Action to take").fill("Book a second carrier for Munich")
    form.get_by_label("Owner", exact=True).select_option(label="Sam Patel (Northwind Networks)")
    form.get_by_role("button", name="Decide").click()
    expect(ada.get_by_test_id("open-count")).to_have_text("Everything raised is triaged.")
    item = Proposal.objects.get(survey=s).item
    assert item is not None and item.source_kind == SourceKind.FEEDBACK
    ada.goto(f"{TA}/items/")
    ada.get_by_role("link", name="Book a second carrier for Munich").click()
    expect(
        ada.get_by_text("Site-visit feedback: FB-1 · Grace Hopper (Operation) · Product delivery: 2/5")
    ).to_be_visible()
    ada.get_by_role("link", name="FB-1 · Grace Hopper (Operation) · Product delivery: 2/5").click()
    expect(ada.get_by_test_id("answers")).to_contain_text("Two deliveries came a week late")
    ada.screenshot(path=str(shots / "feedback-response-1280.png"), full_page=True)

    with ada.expect_download() as got:
        ada.goto(f"{TA}/feedback/{s.number}/")
        ada.get_by_role("link", name="Visit record (PDF)").click()
    pdf = tmp_path / "visit.pdf"
    got.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "Munich core site visit",
        "Munich core",
        "OTX-100, 7 shelves",
        "Product delivery",
        "Two deliveries came a week late",
        item.reference,
        "Book a second carrier for Munich",
    ):
        assert expected in text, expected

    mallory = open_page()
    sign_in(mallory, world.mallory)
    mallory.goto(f"{TA}/feedback/{s.number}/results/")
    expect(mallory.get_by_text("Munich core site visit")).to_have_count(0)
    expect(mallory.locator("h1")).to_contain_text("not found", ignore_case=True)


def test_a_link_stops_working_after_it_expires(open_page: Any, world: Any) -> None:  # noqa: F811
    s = survey(world, days=2)
    page = open_page()
    page.goto(f"/f/{token(s)}/")
    expect(page.get_by_role("heading", name=s.title)).to_be_visible()
    with time_machine.travel(invitation(s).expires_at + timedelta(minutes=1)):
        page.goto(f"/f/{token(s)}/")
        expect(page.get_by_test_id("link-invalid")).to_be_visible()
