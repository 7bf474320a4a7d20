"""Honest defaults in a real browser: "N to verify" on the home page opens the items Carol may verify,
and the register's "All" switch shows every status."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from accord.parties.access import access_from
from accord.register import services
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_carol_follows_to_verify_from_home_to_exactly_her_items(browser_page: Any, world: Any) -> None:
    sam, carol = access_from(world.sam, world.nw_ta), access_from(world.carol, world.nw_ta)
    for title, side, owner in (
        ("Hers to verify", "supplier", world.sam),
        ("Sam's to verify", "customer", world.carol),
    ):
        item = services.create_item(access=carol, title=title, owner_side=side, owner=owner)
        doer = sam if side == "supplier" else carol
        services.transition(access=doer, item=item, version=item.version, action="done", note="done")
    page = browser_page
    sign_in(page, world.carol)
    page.goto("/")
    page.get_by_role("link", name="1 to verify").click()
    expect(page).to_have_url(re.compile(r"to_verify=on"))
    rows = page.get_by_test_id("register").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Hers to verify")
    expect(
        page.get_by_role("search", name="Filter action items").get_by_label("For me to verify")
    ).to_be_checked()

    # the whole register, one click away, keeps the other filters
    page.get_by_test_id("scope-toggle").get_by_role("link", name="All").click()
    expect(page).to_have_url(re.compile(r"status=cancelled"))
    expect(
        page.get_by_role("search", name="Filter action items").get_by_label("Verified", exact=True)
    ).to_be_checked()
    expect(rows).to_have_count(1)  # still only hers to verify
