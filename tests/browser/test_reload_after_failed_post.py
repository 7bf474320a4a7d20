"""A failed form post never leaves the browser on a URL that answers 405 when reloaded.

In Chromium: a status change that lost a race, an empty comment, and a relationship settings edit that
lost a race each fail; reloading then shows the form's own page (the item page, the settings page),
never "405 Method Not Allowed", and what the person typed is still there. The item page's forms go
back to the item page (303) with what was typed; the settings form re-renders (409) at its own URL,
which Chromium posts again on a reload, and which answers a GET.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from accord.parties.models import Relationship
from accord.parties.services import update_relationship
from accord.register.access import action_item_for_user
from accord.register.services import update_item
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = "/r/northwind-telco-a/items/1/"
NOTE = "Replaced the line card; alarms cleared for 72 hours."


def shows_no_405(page: Any) -> None:
    expect(page.get_by_text("Method Not Allowed")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("405")


def test_a_status_change_that_lost_a_race_keeps_the_note_through_a_reload(
    browser_page: Any, world: Any
) -> None:
    page = browser_page
    sign_in(page, world.sam)
    page.goto(ITEM)
    # Carol changes the item while Sam writes his resolution note
    item, access = action_item_for_user(world.carol, slug="northwind-telco-a", number=1, write=True)
    update_item(access=access, item=item, version=item.version, title="Changed by Carol meanwhile")
    page.get_by_label("Resolution: what was done?").fill(NOTE)
    page.get_by_role("button", name="Mark done").click()

    expect(page).to_have_url(f"{page.url.split('/r/')[0]}{ITEM}")
    expect(page.get_by_text("Someone else changed this record")).to_be_visible()
    expect(page.get_by_label("Resolution: what was done?")).to_have_value(NOTE)

    response = page.reload()
    assert response is not None and response.status == 200
    shows_no_405(page)
    expect(page.get_by_role("heading", name="Changed by Carol meanwhile")).to_be_visible()
    expect(page.get_by_label("Resolution: what was done?")).to_have_value(NOTE)  # still there

    page.get_by_role("button", name="Mark done").click()  # now on the current version: it works
    expect(page.get_by_text("is now done")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Resolution: what was done?")).to_have_count(0)  # done: no such button


def test_an_empty_comment_and_a_typed_address_of_the_post_url_show_the_item_page(
    browser_page: Any, world: Any
) -> None:
    page = browser_page
    sign_in(page, world.carol)
    page.goto(ITEM)
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    response = page.reload()
    assert response is not None and response.status == 200
    shows_no_405(page)
    expect(page.get_by_role("heading", name=world.item.title)).to_be_visible()

    # the POST-only address itself, opened as a page (a bookmark, a copied URL): the item page
    response = page.goto(ITEM + "comment/")
    assert response is not None and response.status == 200
    expect(page).to_have_url(f"{page.url.split('/r/')[0]}{ITEM}")
    shows_no_405(page)


def test_a_settings_edit_that_lost_a_race_keeps_the_typed_text_and_reloads_without_405(
    browser_page: Any, world: Any
) -> None:
    page = browser_page
    sign_in(page, world.ada)
    page.goto("/r/northwind-telco-a/settings/")
    rel = Relationship.objects.get(pk=world.nw_ta.pk)
    update_relationship(  # Ada in another tab
        actor=world.ada,
        relationship=rel,
        version=rel.version,
        description="Agreed at the quarterly review",
    )
    page.get_by_label("Description").fill("Ada's own words")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save").click()
    assert posted.value.status == 409
    expect(page.get_by_text("Someone else saved this record while you were editing it")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value("Ada's own words")
    expect(page.get_by_text("Now saved: Agreed at the quarterly review")).to_be_visible()

    # Chromium sends the same post again on a reload: the same stale version, so the same answer
    response = page.reload()
    assert response is not None and response.status == 409
    shows_no_405(page)
    expect(page.get_by_role("heading", name="Relationship settings")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value("Ada's own words")
    rel.refresh_from_db()
    assert rel.description == "Agreed at the quarterly review"  # nothing overwritten by the reload

    page.get_by_role("button", name="Save").click()  # the form now carries the current version
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    rel.refresh_from_db()
    assert rel.description == "Ada's own words"
