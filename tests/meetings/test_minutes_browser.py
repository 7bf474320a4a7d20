"""The "run the meeting" view in Chromium: minutes with an action item, circulated and approved by Sam and
Carol; on a phone (390 px) no part of it scrolls sideways. Screenshots go to ``$ACCORD_SCREENSHOTS``
when set (to look at them), else to the test's temporary directory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from accord.meetings.models import Meeting, MinutesStatus
from accord.register.models import ActionItem
from tests.browser.conftest import browser, open_page  # noqa: F401  (the browser tests' fixtures)
from tests.browser.helpers import sign_in
from tests.meetings.helpers import review, team_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TA = "/r/northwind-telco-a"
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ACCORD_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # the approved minutes' PDFs


def test_minutes_with_an_action_item_are_approved_by_sam_and_carol(
    open_page: Any,  # noqa: F811
    world: Any,
    shots: Path,
) -> None:
    meeting = review(world)
    run = f"{TA}/meetings/{meeting.pk}/run/"
    sam = open_page()
    sign_in(sam, world.sam)
    sam.goto(run)
    first = sam.locator("section[id^=agenda-item-]").first
    first.get_by_label("Minutes").fill("Both nonconformances are closed.")
    first.get_by_role("button", name="Save minutes").click()
    expect(sam.get_by_text("saved.")).to_be_visible()
    first = sam.locator("section[id^=agenda-item-]").first
    first.get_by_label("New decision").fill("Quarterly reviews from now on")
    first.get_by_role("button", name="Record the decision").click()
    first = sam.locator("section[id^=agenda-item-]").first
    first.locator("summary", has_text="New action item").click()
    first.get_by_label("New action item").fill("Send the alarm logs")
    first.get_by_label("Owner side").select_option("supplier")
    first.get_by_role("button", name="Add to the register").click()
    expect(sam.get_by_text("added to the register")).to_be_visible()
    sam.screenshot(path=str(shots / "run-desktop.png"), full_page=True)
    action = ActionItem.objects.get(title="Send the alarm logs")
    sam.get_by_role("link", name=action.reference).click()
    expect(sam.get_by_role("link", name=f"{meeting.title} · ", exact=False)).to_be_visible()

    sam.goto(run)
    sam.get_by_role("button", name="Circulate for approval").click()
    sam.goto(run)
    sam.get_by_role("button", name="Approve for my side").click()
    carol = open_page()
    sign_in(carol, world.carol)
    carol.goto(run)
    expect(carol.get_by_text("Any edit sends them back to draft").first).to_be_visible()
    carol.get_by_role("button", name="Approve for my side").click()
    carol.goto(run)
    expect(carol.get_by_text("approved and locked")).to_be_visible()
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == MinutesStatus.APPROVED
    carol.get_by_role("link", name="Revision 1").first.click()
    expect(carol.get_by_text("Send the alarm logs")).to_be_visible()


@pytest.mark.parametrize("person", ["sam", "fay"])
def test_the_run_view_fits_a_phone(open_page: Any, world: Any, shots: Path, person: str) -> None:  # noqa: F811
    meeting = team_meeting(world)
    page = open_page(width=390, height=844)
    sign_in(page, getattr(world, person))
    for suffix in ("", "?all=1"):
        page.goto(f"{TA}/meetings/{meeting.pk}/run/{suffix}")
        expect(page.get_by_test_id("run")).to_be_visible()
        page.screenshot(path=str(shots / f"run-phone-{person}{suffix and '-all'}.png"), full_page=True)
        assert page.evaluate(SIDEWAYS) <= 0, suffix
