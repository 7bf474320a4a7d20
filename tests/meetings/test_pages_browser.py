"""The meetings pages in Chromium, on a phone (390 px) and a laptop (1280 px): nothing scrolls
sideways, lists are cards on a phone with their filters folded, and a site visit is scheduled from the
proposal. ``ACCORD_SCREENSHOTS=DIR`` keeps a screenshot of each page at both widths."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accord.meetings.models import Kind, Meeting
from accord.operations.models import InstalledBase
from tests.browser import conftest as browser_fixtures
from tests.browser.helpers import sign_in
from tests.meetings.helpers import review, schedule, team_meeting

pytestmark = pytest.mark.browser  # ``-m "not browser"`` leaves them out, as it does the others

TA = "/r/northwind-telco-a/meetings/"
browser, open_page = browser_fixtures.browser, browser_fixtures.open_page  # the browser tests' fixtures
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


def _seed(world: Any) -> Meeting:
    InstalledBase.objects.filter(pk=world.ta_installed.pk).update(
        in_service_date=timezone.localdate() - timedelta(days=130)
    )
    meeting = review(world)
    team_meeting(world)
    schedule(
        world, title="Program review, spring", kind=Kind.PROGRAM_REVIEW, days=-60, invitees=[world.carol]
    )
    schedule(world, title="Site visit, Munich", kind=Kind.SITE_VISIT, days=-150)
    return meeting


def _shoot(page: Any, name: str) -> None:
    folder = os.environ.get("ACCORD_SCREENSHOTS")
    if folder:
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(folder) / f"meetings-{name}-{width}.png"), full_page=True)


def test_no_meetings_page_scrolls_sideways_on_a_phone_or_a_laptop(open_page: Any, world: Any) -> None:
    meeting = _seed(world)
    pages = {
        "list": TA,
        "mine": "/my/meetings/",
        "detail": f"{TA}{meeting.pk}/",
        "edit": f"{TA}{meeting.pk}/edit/",
        "schedule": f"{TA}new/?kind=site_visit",
        "cadence": f"{TA}cadence/",
        "overview": "/r/northwind-telco-a/",
    }
    for width, height in ((390, 844), (1280, 800)):
        page = open_page(width=width, height=height)
        sign_in(page, world.sam)
        for name, url in pages.items():
            page.goto(url)
            assert page.evaluate(SIDEWAYS) <= 0, (name, width)
            _shoot(page, name)


def test_on_a_phone_the_list_shows_cards_and_folds_its_filters(open_page: Any, world: Any) -> None:
    _seed(world)
    page = open_page(width=390, height=844)
    sign_in(page, world.carol)
    page.goto(TA)
    expect(page.locator("#meeting-filters")).to_be_hidden()
    page.get_by_test_id("filters-toggle").click()
    expect(page.locator("#meeting-filters")).to_be_visible()
    assert page.get_by_test_id("upcoming").locator("thead").bounding_box()["width"] <= 1


def test_sam_schedules_a_site_visit_at_the_proposed_site(open_page: Any, world: Any) -> None:
    _seed(world)
    page = open_page()
    sign_in(page, world.sam)
    page.goto(f"{TA}new/?kind=site_visit")
    expect(page.get_by_test_id("site-ranking")).to_contain_text("Munich core")
    expect(page.locator("select[name=site]")).to_have_value(str(world.ta_site.pk))
    page.get_by_label("Carol").check()
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_test_id("invitees")).to_contain_text("Carol")
    meeting = Meeting.objects.get(kind=Kind.SITE_VISIT, starts_at__gt=timezone.now())
    assert meeting.site == world.ta_site and meeting.host_side == "customer"


def test_fay_reads_her_teams_meetings_on_a_phone(open_page: Any, world: Any) -> None:
    _seed(world)
    page = open_page(width=390, height=844)
    sign_in(page, world.fay)
    page.goto(TA)
    expect(page.get_by_test_id("upcoming")).to_contain_text("Shared expectations team")
    expect(page.get_by_test_id("upcoming")).not_to_contain_text("Quality review")
    assert page.evaluate(SIDEWAYS) <= 0
    _shoot(page, "fay-list")
