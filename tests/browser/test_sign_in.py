"""Signing in and out in a real browser, and seeing only one's own relationships."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN_PATH = "/accounts/login/"
ON_LOGIN_PAGE = re.compile(r"/accounts/login/")


def sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    page.goto(LOGIN_PATH)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_ada_signs_in_sees_relationships_opens_one_and_signs_out(browser_page: Any, world: Any) -> None:
    page = browser_page
    sign_in(page, world.ada.email)

    expect(page).to_have_url(re.compile(r"/$"))
    cards = page.get_by_test_id("relationships")
    expect(cards).to_contain_text("Northwind Networks → Telco A")
    expect(cards).to_contain_text("Northwind Networks → Telco B")

    cards.get_by_role("link", name="Northwind Networks → Telco A").click()
    expect(page).to_have_url(re.compile(r"/r/northwind-telco-a/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Networks → Telco A")
    expect(page.locator("main")).to_contain_text("Ada Quinn")
    expect(page.locator("main")).to_contain_text("Carol Nguyen")
    expect(page.locator("main")).to_contain_text("Vic Romero")
    expect(page.locator("main")).not_to_contain_text("Mallory Stone")

    page.locator("nav").get_by_role("button", name="Ada Quinn").click()  # the user menu
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(ON_LOGIN_PAGE)
    expect(page.locator("input[name=username]")).to_be_visible()

    page.goto("/")
    expect(page).to_have_url(ON_LOGIN_PAGE)
    expect(page.locator("input[name=password]")).to_be_visible()


def test_carol_sees_only_her_relationship_and_a_foreign_one_is_not_found(
    browser_page: Any, world: Any
) -> None:
    page = browser_page
    sign_in(page, world.carol.email)

    cards = page.get_by_test_id("relationships")
    expect(cards).to_contain_text("Northwind Networks → Telco A")
    expect(cards).not_to_contain_text("Telco B")

    response = page.goto("/r/northwind-telco-b/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Mallory Stone")
    expect(page.locator("body")).not_to_contain_text("Lyon CO")


def test_wrong_password_shows_the_error_and_keeps_the_email(browser_page: Any, world: Any) -> None:
    page = browser_page
    sign_in(page, world.ada.email, password="not-the-password")

    expect(page).to_have_url(ON_LOGIN_PAGE)
    expect(page.get_by_role("alert")).to_contain_text(
        "That e-mail address and password do not match an account."
    )
    expect(page.locator("input[name=username]")).to_have_value(world.ada.email)
    expect(page.locator("input[name=password]")).to_have_value("")
