"""The "run the meeting" view in Chromium: minutes with an action item, circulated and approved by Sam and
Carol; on a phone (390 px) no part of it scrolls sideways. Screenshots go to ``$ACCORD_SCREENSHOTS``
when set (to look at them), else to the test's temporary directory."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accord.meetings.models import Kind, Meeting, MinutesStatus
from accord.operations.models import InstalledBase
from accord.register.models import ActionItem, SourceKind
from tests.browser.conftest import browser, open_page  # noqa: F401  (the browser tests' fixtures)
from tests.browser.helpers import sign_in
from tests.meetings.helpers import team_meeting

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


def test_a_site_visit_from_the_proposal_gets_its_agenda_minutes_an_action_item_and_both_approvals(
    open_page: Any,  # noqa: F811
    world: Any,
    shots: Path,
) -> None:
    """The issue's journey: Sam schedules a quality review at the customer's site the proposal chose,
    builds its agenda, minutes it with an action item that lands in the register with its source, and
    Sam and Carol approve the minutes."""
    InstalledBase.objects.filter(pk=world.ta_installed.pk).update(
        in_service_date=timezone.localdate() - timedelta(days=130)  # the preferred age: 3–6 months
    )
    sam = open_page()
    sign_in(sam, world.sam)
    sam.goto(f"{TA}/meetings/new/?kind=site_visit")
    expect(sam.get_by_test_id("site-ranking")).to_contain_text(world.ta_site.name)
    expect(sam.locator("select[name=site]")).to_have_value(str(world.ta_site.pk))
    sam.get_by_label("Carol").check()
    sam.get_by_role("button", name="Schedule").click()
    expect(sam.get_by_test_id("invitees")).to_contain_text("Carol")
    meeting = Meeting.objects.get(kind=Kind.SITE_VISIT)
    assert (meeting.site, meeting.host_side) == (world.ta_site, "customer")

    sam.goto(f"{TA}/meetings/{meeting.pk}/agenda/")
    adding = sam.locator("#add-item")
    adding.get_by_label("Title").fill("Alarm floods at Munich")
    adding.get_by_role("button", name="Add").click()
    expect(sam.locator("#agenda")).to_contain_text("Alarm floods at Munich")

    item = meeting.agenda_items.get(title="Alarm floods at Munich")
    run = f"{TA}/meetings/{meeting.pk}/run/"
    sam.goto(f"{run}?item={item.pk}")  # the run view shows one item at a time

    def added() -> Any:
        return sam.locator("section[id^=agenda-item-]", has_text="Alarm floods at Munich")

    added().get_by_label("Minutes").fill("The floods come from one line card.")
    added().get_by_role("button", name="Save minutes").click()
    expect(sam.get_by_text("saved.")).to_be_visible()
    added().get_by_label("New decision").fill("Swap the line card")
    added().get_by_role("button", name="Record the decision").click()
    added().locator("summary", has_text="New action item").click()
    added().get_by_label("New action item").fill("Send the alarm logs")
    added().get_by_label("Owner side").select_option("supplier")
    added().get_by_role("button", name="Add to the register").click()
    expect(sam.get_by_text("added to the register")).to_be_visible()
    sam.screenshot(path=str(shots / "run-desktop.png"), full_page=True)
    action = ActionItem.objects.get(title="Send the alarm logs")
    assert (action.source_kind, action.source) == (SourceKind.MEETING, item)
    sam.goto(f"{TA}/items/")
    sam.get_by_role("link", name=action.reference).first.click()
    source = sam.get_by_role("link", name=f"{meeting.title} · Alarm floods at Munich")
    expect(source).to_be_visible()
    source.click()
    expect(sam.locator(f"#agenda-item-{item.pk}")).to_contain_text("Alarm floods at Munich")

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
