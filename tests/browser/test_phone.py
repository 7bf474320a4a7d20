"""Accord on a phone (390×844): no page of the main journeys scrolls sideways, the register and "My action
items" show each item as a card with the next step, their filters fold behind one button, the
measurements table scrolls in its own box beside a first column that stays, the item page shows its
facts first and the header's links fold into a menu button. At 1280 px the same templates show tables.

Screenshots of the register, an item, the overview and the measurements at 390 and 1280 px go to
``$ACCORD_SCREENSHOTS`` when set (to look at them), else to the test's temporary directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import (
    MEASUREMENTS,
    PEOPLE,
    RELATIONSHIP,
    open_as,
    pages_of,
    seed_operations,
    visit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
REGISTER = f"{RELATIONSHIP}items/"

SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"
# the label a card's cell shows before its value (drawn by CSS from data-label)
LABEL = "cell => getComputedStyle(cell, '::before').content"
OPENED = re.compile(r"(^|\s)show(\s|$)")  # a Bootstrap fold that has finished opening


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> Path:
    """Imported files are kept in the storage: here, not in the checkout's ``var``."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seeded(world: Any, tmp_path: Path) -> Any:
    seed_operations(world, tmp_path)
    return world


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ACCORD_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("person", PEOPLE)
def test_no_page_of_the_main_journeys_scrolls_sideways_on_a_phone(
    open_page: Any, seeded: Any, person: str
) -> None:
    page = open_page(**PHONE)
    open_as(page, seeded, person)
    wide = {}
    for journey_page in pages_of(person):
        visit(page, seeded, journey_page)
        overflow = page.evaluate(SIDEWAYS)
        if overflow > 0:
            wide[journey_page.name] = overflow
    assert wide == {}, f"pages wider than the phone (pixels too wide): {wide}"


def test_on_a_phone_the_register_shows_cards_and_folds_its_filters_behind_one_button(
    open_page: Any, seeded: Any
) -> None:
    page = open_page(**PHONE)
    open_as(page, seeded, "sam")
    page.goto(REGISTER)
    register = page.get_by_test_id("register")
    card = register.locator(f"#item-{seeded.item.number}")
    expect(card).to_be_visible()
    # the table's header is hidden: each cell says what it is
    assert register.locator("thead").bounding_box()["width"] <= 1
    for label in ("Status", "Owner", "Due", "Priority", "Age"):
        cell = card.locator(f'td[data-label="{label}"]')
        expect(cell).to_be_visible()
        assert cell.evaluate(LABEL) == f'"{label}"'
    expect(card.get_by_role("link", name=seeded.item.reference)).to_be_visible()
    expect(card.get_by_role("link", name=seeded.item.title)).to_be_visible()
    # Sam owns the open item: the workflow's next steps are its buttons
    expect(card.get_by_role("button", name="Start", exact=True)).to_be_visible()
    expect(card.get_by_role("button", name="Done", exact=True)).to_be_visible()
    card_box, page_width = card.bounding_box(), page.evaluate("window.innerWidth")
    assert card_box["x"] >= 0 and card_box["x"] + card_box["width"] <= page_width

    # the filters: folded behind one button that opens them
    filters = page.locator("#filters")
    expect(filters).to_be_hidden()
    toggle = page.get_by_test_id("filters-toggle")
    expect(toggle).to_have_text("Filters")
    toggle.click()
    # open and done moving: Bootstrap swaps "collapsing" for "show" when the fold's animation ends (a
    # click during the animation can land where the box was a moment before)
    expect(filters).to_have_class(OPENED)
    expect(page.get_by_role("button", name="Filter", exact=True)).to_be_visible()
    filters.get_by_label("Overdue only").check()
    filters.get_by_label("High").check()
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(page.get_by_test_id("filters-toggle")).to_have_text("Filters (2 active)")
    expect(page.locator("#filters")).to_be_hidden()
    assert page.evaluate(SIDEWAYS) <= 0


def test_on_a_wide_screen_the_register_is_a_table_with_its_filters_open(open_page: Any, seeded: Any) -> None:
    page = open_page(**DESKTOP)
    open_as(page, seeded, "carol")
    page.goto(REGISTER)
    register = page.get_by_test_id("register")
    expect(register.locator("thead")).to_be_visible()
    expect(register.get_by_role("columnheader", name="Status")).to_be_visible()
    assert register.locator("td[data-label=Status]").first.evaluate(LABEL) in ("none", "normal")
    expect(page.locator("#filters")).to_be_visible()
    expect(page.get_by_test_id("filters-toggle")).to_be_hidden()
    # the header's links are in view, no menu button
    expect(page.get_by_role("link", name="My action items")).to_be_visible()
    expect(page.get_by_role("button", name="Toggle navigation")).to_be_hidden()


def test_on_a_phone_my_action_items_are_cards_with_the_next_step(open_page: Any, seeded: Any) -> None:
    page = open_page(**PHONE)
    open_as(page, seeded, "sam")
    page.goto("/my/items/")
    items = page.get_by_test_id("my-items")
    row = items.locator("tbody tr").filter(has_text=seeded.item.reference)
    expect(row.locator('td[data-label="Status"]')).to_be_visible()
    assert row.locator('td[data-label="Due"]').evaluate(LABEL) == '"Due"'
    step = row.get_by_role("link", name="Start", exact=True)
    expect(step).to_be_visible()
    expect(page.locator("#my-filters")).to_be_hidden()
    page.get_by_test_id("filters-toggle").click()
    expect(page.locator("#my-filters")).to_have_class(OPENED)
    step.click()
    expect(page.get_by_role("button", name="Start work")).to_be_visible()


def test_on_a_phone_the_measurements_table_scrolls_in_its_own_box_with_the_charts_below(
    open_page: Any, seeded: Any
) -> None:
    page = open_page(**PHONE)
    open_as(page, seeded, "carol")
    page.goto(MEASUREMENTS)
    table = page.get_by_test_id("measurements")
    expect(table).to_be_visible()
    box = table.locator("xpath=..")  # its .table-responsive
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the table fits anyway: nothing to check"
    assert page.evaluate(SIDEWAYS) <= 0
    first = table.locator("tbody tr").first.locator("td").first
    left = first.bounding_box()["x"]
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    page.wait_for_function("b => b.scrollLeft > 0", arg=box.element_handle())
    assert abs(first.bounding_box()["x"] - left) < 1, "the first column scrolled away"
    assert table.locator("tbody tr").first.locator("td").nth(1).bounding_box()["x"] < left  # the rest moved

    charts = page.locator(".chart svg")
    assert charts.count() > 0
    width = page.evaluate("window.innerWidth")
    table_bottom = table.bounding_box()["y"] + table.bounding_box()["height"]
    for chart in charts.all():
        chart_box = chart.bounding_box()
        assert chart_box["y"] >= table_bottom  # below the table
        assert chart_box["x"] >= 0 and chart_box["x"] + chart_box["width"] <= width
        parent_width = chart.evaluate(
            "svg => { const p = svg.parentElement, s = getComputedStyle(p);"
            " return p.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }"
        )
        assert abs(chart_box["width"] - parent_width) < 2  # scaled to its column's width


def test_on_a_phone_the_item_page_shows_its_facts_then_its_actions_then_its_timeline(
    open_page: Any, seeded: Any
) -> None:
    page = open_page(**PHONE)
    open_as(page, seeded, "sam")
    page.goto(f"{REGISTER}{seeded.item.number}/")
    facts = page.locator("main aside dl")
    actions = page.get_by_role("heading", name="Move it on")
    timeline = page.get_by_test_id("timeline")
    for part in (facts, actions, timeline):
        expect(part).to_be_visible()
    assert facts.bounding_box()["y"] < actions.bounding_box()["y"] < timeline.bounding_box()["y"]
    expect(facts).to_contain_text("Sam Patel")
    width = page.evaluate("window.innerWidth")
    comment = page.get_by_label("Comment")
    assert comment.bounding_box()["width"] > width * 0.85  # forms take the whole width


def test_on_a_phone_the_header_links_fold_into_a_menu_button(open_page: Any, seeded: Any) -> None:
    page = open_page(**PHONE)
    open_as(page, seeded, "carol")
    my_items = page.get_by_role("link", name="My action items")
    expect(my_items).to_be_hidden()
    page.get_by_role("button", name="Toggle navigation").click()
    expect(page.locator("#nav")).to_have_class(OPENED)
    expect(my_items).to_be_visible()
    my_items.click()
    expect(page.get_by_role("heading", name="Everything I own")).to_be_visible()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_screenshots_of_the_register_an_item_the_overview_and_the_measurements(
    open_page: Any, seeded: Any, shots: Path, size: dict[str, int]
) -> None:
    page = open_page(**size)
    open_as(page, seeded, "sam")
    for name, path in (
        ("register", REGISTER),
        ("item", f"{REGISTER}{seeded.item.number}/"),
        ("overview", RELATIONSHIP),
        ("measurements", MEASUREMENTS),
    ):
        page.goto(path)
        assert page.evaluate(SIDEWAYS) <= 0, name
        target = shots / f"{name}-{size['width']}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 0
