"""Languages in Chromium, the issue's journey (on 20 January 2027, the reports' reference day): Telco A
works with Northwind in Japanese. Carol, who reads Accord in Japanese, finds the site-visit survey on her
home page, answers it and submits; she reads the published Q3 2026 report in her portal and downloads its
PDF, whose extracted text is Japanese, set in a font that has every glyph. Lucía, a Spanish-speaking
engineer without an account, is invited in Spanish: the e-mail reaches her in Spanish and her link opens
the answer page in Spanish. (axe-core on the main pages in English and Japanese: test_accessibility.py.)
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect
from pypdf import PdfReader

from accord.feedback import services as feedback
from accord.feedback.models import Response
from accord.feedback.services import Invitee
from tests.browser.conftest import browser, open_page  # noqa: F401  (the browser tests' fixtures)
from tests.browser.helpers import sign_in
from tests.feedback.helpers import access
from tests.reports.data import TODAY, definition, issue, operational_year
from tests.test_pdf_languages import cjk_font_installed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LUCIA = "lucia@telco-a.example"


def said(language: str, text: str, **values: Any) -> str:
    with translation.override(language):
        found = translation.gettext(text)
    return found % values if values else found


def pdf_fonts(path: Path) -> list[str]:
    """The fonts ``pdffonts`` lists (name, type, embedded) for each font the PDF uses."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return lines.splitlines()[2:]


def test_a_japanese_customer_answers_and_reads_in_japanese_and_a_spanish_respondent_is_invited_in_spanish(
    open_page: Any,  # noqa: F811
    world: Any,
    tmp_path: Path,
) -> None:
    if not cjk_font_installed():
        pytest.fail("Debian's fonts-noto-cjk is missing: the Japanese PDF needs it (.ci/run installs it)")
    rel = world.nw_ta
    rel.language = "ja"
    rel.save(update_fields=["language"])
    world.carol.language = "ja"
    world.carol.save(update_fields=["language"])
    operational_year(world)
    with time_machine.travel(datetime.combine(TODAY, time(9), tzinfo=UTC), tick=True):
        with translation.override("en"):  # Ada works in English; what she makes is in Telco A's language
            made = issue(world, definition(world, sections=["returns", "register"]), publish=True)
            survey = feedback.create_survey(
                access=access(world), title="東京コアサイト訪問", closes_on=TODAY.replace(day=31)
            )
            feedback.invite(
                access=access(world),
                survey=survey,
                invitees=[
                    Invitee(function="engineering", user_id=world.carol.pk),
                    Invitee(function="operation", name="Lucía Romero", email=LUCIA, language="es"),
                ],
            )
            mail.outbox.clear()
            survey = feedback.open_survey(access=access(world), survey=survey)
        assert made.data["language"] == "ja"

        # Lucía's invitation is in Spanish, and so is the page her link opens
        sent = next(m for m in mail.outbox if m.to == [LUCIA])
        assert sent.subject.endswith(
            said("es", "%(supplier)s asks for your feedback", supplier="Northwind Networks")
        )
        link = re.search(r"https?://\S+/f/\S+/", sent.body)
        assert link is not None
        lucia = open_page(width=390, height=844)
        lucia.goto("/f/" + link.group(0).split("/f/", 1)[1])
        expect(lucia.locator("html")).to_have_attribute("lang", "es")
        expect(lucia.get_by_role("button", name=said("es", "Submit my feedback"))).to_be_visible()

        # Carol: her home page, in Japanese, says a survey waits for her answer
        carol = open_page()
        sign_in(carol, world.carol)
        expect(carol.locator("html")).to_have_attribute("lang", "ja")
        carol.get_by_role("link", name=said("ja", "A feedback survey waits for your answer")).click()
        expect(carol.get_by_role("heading", name="東京コアサイト訪問")).to_be_visible()
        delivery = carol.locator("fieldset.answer-area").filter(has_text=said("ja", "Product delivery"))
        delivery.locator("label", has_text=re.compile(r"^4$")).click()
        delivery.get_by_label(said("ja", "Comment (optional)")).fill("納期は概ね守られています")
        carol.get_by_role("button", name=said("ja", "Submit my feedback")).click()
        expect(carol.get_by_role("alert")).to_contain_text(
            said("ja", "Thank you: your answers are submitted.")
        )
        answered = Response.objects.get(invitation__email=world.carol.email)
        assert answered.submitted_at is not None
        assert answered.answers.get(area__title=said("ja", "Product delivery")).rating == 4

        # the published report, in her portal, in Japanese; its PDF too
        carol.goto(f"/r/{rel.slug}/reports/")
        carol.get_by_role("link", name="2026-Q3", exact=True).click()
        document = carol.get_by_test_id("document")
        expect(document).to_contain_text(said("ja", "One-year return rate"))
        expect(document).to_contain_text(said("ja", "Hardware return rates"))
        with carol.expect_download() as got:
            carol.get_by_role("link", name="RD-1-2026-Q3-r1.pdf").click()
        pdf = tmp_path / "report.pdf"
        got.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"\s+", "", text)
    for japanese in (
        said("ja", "One-year return rate"),
        said("ja", "Hardware return rates"),
        made.data["period_label"],
        said("ja", "Page %(page)s of %(pages)s", page=1, pages=len(PdfReader(pdf).pages)),
    ):
        assert re.sub(r"\s+", "", japanese) in text, japanese
    assert "\ufffd" not in text  # nothing extracted as "unknown character"
    fonts = pdf_fonts(pdf)
    assert any(re.search(r"Noto.?Sans.?CJK", line) for line in fonts), fonts
    assert all(" yes " in line for line in fonts), fonts  # every font embedded: no glyph left to the reader
