"""What the browser tests share."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def sign_in(page: Any, user: Any) -> None:
    """Sign ``user`` in on ``page`` and wait for the home page's relationships."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("relationships")).to_be_visible()
