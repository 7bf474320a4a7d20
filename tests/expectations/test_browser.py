"""Expectations in Chromium: Carol proposes an expectation of Northwind, Ada agrees it for Northwind and
it is in force; the list, an expectation's page and the scorecard with a scored relationship, on a
desktop and a phone (nothing scrolls sideways but the scorecard's grid). Screenshots go to
``$ACCORD_SCREENSHOTS`` when set (to look at them), else to the test's temporary directory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from accord.expectations.models import Expectation
from tests.browser.conftest import browser, open_page  # noqa: F401  (the browser tests' fixtures)
from tests.browser.helpers import sign_in
from tests.expectations.scenario import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TA = "/r/northwind-telco-a"
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ACCORD_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_carol_proposes_and_ada_agrees_for_northwind(open_page: Any, world: Any, shots: Path) -> None:  # noqa: F811
    carol = open_page()
    sign_in(carol, world.carol)
    carol.goto(f"{TA}/expectations/")
    carol.get_by_role("link", name="Propose an expectation").click()
    carol.get_by_label("What Telco A expects of Northwind Networks").check()
    carol.get_by_label("Area").select_option("OTD")
    carol.get_by_label("Statement").fill("Deliver order lines on the requested date")
    carol.get_by_label("Measure", exact=True).select_option("OTD.OTI")
    carol.get_by_label("Target", exact=True).fill("95")
    carol.screenshot(path=str(shots / "expectation-propose.png"), full_page=True)
    carol.get_by_role("button", name="Propose", exact=True).click()
    expect(carol.get_by_test_id("agreements")).to_contain_text("Northwind Networks: not agreed yet")
    expectation = Expectation.objects.get(relationship=world.nw_ta)
    assert expectation.revisions.get().comparator == "at_least"  # the measure's direction

    ada = open_page()
    sign_in(ada, world.ada)
    ada.goto(f"{TA}/expectations/")
    expect(ada.get_by_test_id("awaiting")).to_have_count(1)  # Carol's proposal awaits Northwind
    row = ada.get_by_role("row", name="E-1")
    expect(row).to_contain_text("Proposed")
    row.get_by_role("link", name="E-1").click()
    ada.get_by_role("button", name="Agree for my side").click()
    expect(ada.get_by_test_id("expectation-status")).to_have_text("Agreed")
    expect(ada.get_by_text("Terms in force")).to_be_visible()
    expectation.refresh_from_db()
    assert expectation.status == "agreed"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_pages_with_a_scored_relationship(open_page: Any, world: Any, shots: Path, width: int) -> None:  # noqa: F811
    scene = build(world)
    page = open_page()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, world.carol)
    for name, url in (
        ("list", f"{TA}/expectations/"),
        ("detail", f"{TA}/expectations/{scene.oti.number}/"),
        ("qualitative", f"{TA}/expectations/{scene.docs.number}/"),
        ("scorecard", f"{TA}/scorecard/"),
    ):
        page.goto(url)
        page.screenshot(path=str(shots / f"expectations-{name}-{width}.png"), full_page=True)
        assert page.evaluate(SIDEWAYS) <= 0, name  # the tables scroll inside their own box
    expect(page.get_by_test_id("scorecard-headline")).to_contain_text("1 of 1 expectations met")
    expect(page.get_by_test_id("scorecard-gaps")).to_contain_text("Add a second carrier for Berlin")
    page.goto(f"{TA}/expectations/")
    expect(page.get_by_test_id("awaiting")).to_have_count(1)  # Northwind's proposal, for Carol
