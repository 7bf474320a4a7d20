"""Browser tests: Playwright (Python, sync API) driving Debian's Chromium against a live server.

The browser is never downloaded: it is ``$CHROMIUM_PATH`` when set (authoritative, no fallback),
else ``chromium`` on ``PATH``, else ``/usr/bin/chromium``. Without it the tests are skipped on a
developer machine and fail when ``CI`` or ``ACCORD_REQUIRE_BROWSER`` is set.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; without this Django refuses
# ORM calls made by fixtures (e.g. ``world``) while the loop is running.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000


def chromium_path() -> str:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit
    return shutil.which("chromium") or "/usr/bin/chromium"


def browser_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("ACCORD_REQUIRE_BROWSER"))


def _unavailable(reason: str) -> None:
    if browser_required():
        pytest.fail(f"{reason} (CI or ACCORD_REQUIRE_BROWSER is set, so the browser tests must run)")
    pytest.skip(f"{reason}; install it with `apt-get install chromium` or set CHROMIUM_PATH")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        _unavailable(f"Chromium not found at {path!r}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def browser_page(browser: Any, live_server: Any, transactional_db: Any) -> Iterator[Any]:
    """A page in a fresh browser context (own cookies) whose relative URLs hit the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def open_page(browser: Any, live_server: Any, transactional_db: Any) -> Iterator[Callable[..., Any]]:
    """``open_page()`` → a page in another fresh browser context (own cookies) on the live server.

    For tests where several people work side by side, each in their own browser session;
    ``open_page(width=390, height=844)`` gives the page that window size (a phone's; default 1280×720).
    """
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 720) -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            accept_downloads=True,
            viewport={"width": width, "height": height},
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
