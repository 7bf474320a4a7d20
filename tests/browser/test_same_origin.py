"""No page of the main journeys loads anything from another host.

The browser blocks every request that leaves the live server's origin (Playwright's ``page.route``
aborts it) and records it. Each person walks every page of the main journeys (tests/browser/journeys.py)
signed in: each page must still work (what it is for is visible, no console error, no script error,
no request failed), and no request may have tried to leave the origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.journeys import PEOPLE, open_as, pages_of, seed_operations, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Schemes that never reach the network (Bootstrap's icons are data: URLs).
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Guard:
    """What a page tried and what went wrong, recorded while it runs."""

    home: str
    left: list[str] = field(default_factory=list)  # requests that tried to leave the origin
    errors: list[str] = field(default_factory=list)  # console errors, page errors, failed requests

    def route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in LOCAL_SCHEMES or origin(url) == self.home:
            route.continue_()
        else:
            self.left.append(url)
            route.abort("blockedbyclient")

    def watch(self, page: Any) -> None:
        page.route("**/*", self.route)
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"script: {exc}"))
        page.on("requestfailed", self.failed)

    def failed(self, request: Any) -> None:
        # a load the next navigation cancels (the favicon, say) is no failure; blocked ones are in ``left``
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"failed: {request.url} {request.failure}")


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> Path:
    """Imported files are kept in the storage: here, not in the checkout's ``var``."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seeded(world: Any, tmp_path: Path) -> Any:
    seed_operations(world, tmp_path)
    return world


@pytest.mark.parametrize("person", PEOPLE)
def test_the_main_journeys_work_with_every_request_to_another_host_blocked(
    open_page: Any, live_server: Any, seeded: Any, person: str
) -> None:
    page = open_page()
    guard = Guard(home=origin(live_server.url))
    guard.watch(page)
    open_as(page, seeded, person)
    visited = []
    for journey_page in pages_of(person):
        visit(page, seeded, journey_page)  # what the page is for is visible
        page.wait_for_load_state("load")
        visited.append(journey_page.name)
    assert visited, f"no page of the main journeys is {person}'s"
    assert guard.left == [], f"requests that tried to leave {guard.home}: {guard.left}"
    assert guard.errors == [], guard.errors


def test_the_guard_blocks_and_records_a_request_to_another_host(open_page: Any, live_server: Any) -> None:
    page = open_page()
    guard = Guard(home=origin(live_server.url))
    guard.watch(page)
    page.goto("/accounts/login/")
    with pytest.raises(PlaywrightError):
        page.goto("https://cdn.example.invalid/bootstrap.min.css")
    assert guard.left == ["https://cdn.example.invalid/bootstrap.min.css"]
