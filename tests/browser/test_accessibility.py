"""The main pages meet WCAG 2.1 AA as axe-core measures it: no serious or critical violation.

axe-core (tests/vendor/axe-core, from the npm registry) runs in Chromium on each page a supplier admin
(Ada), a customer editor (Carol) and someone signed out open in the main journeys, at a laptop's and a
phone's width. Playwright's init scripts are not subject to the page's Content-Security-Policy, so axe
runs on the pages exactly as they are served.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"  # 4.10.3
REL = "/r/northwind-telco-a"
RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def axe_source() -> str:
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, "tests/vendor/axe-core/axe.min.js changed"
    return source.decode()


def serious(page: Any, url: str) -> list[str]:
    """axe's serious and critical violations on ``url``, one line each with where and why."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    found = page.evaluate(RUN)
    return [
        f"{url}: {v['impact']} {v['id']} ({v['help']}): {' | '.join(v['nodes'])}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def with_axe(page: Any) -> Any:
    """``page``, with axe loaded into every document it opens (init scripts are not subject to the
    page's Content-Security-Policy, as an inline script would be)."""
    page.context.add_init_script(script=axe_source())
    return page


def pages_of(world: Any) -> list[str]:
    item = world.item
    return [
        "/",
        f"{REL}/",
        f"{REL}/items/",
        f"{REL}/items/{item.number}/",
        f"{REL}/items/new/",
        f"{REL}/task-forces/",
        f"{REL}/measurements/",
        f"{REL}/data/",
        f"{REL}/meetings/",
        f"{REL}/expectations/",
        f"{REL}/feedback/",
        f"{REL}/reports/",
        "/my/items/",
        "/accounts/profile/",
    ]


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("en", 390), ("ja", 1280)])
def test_the_main_pages_have_no_serious_or_critical_violation(
    world: Any, open_page: Any, live_server: Any, language: str, width: int
) -> None:
    """In English at a laptop's and a phone's width, and in Japanese (signed out: the language cookie;
    signed in: the language each person chose on their profile)."""
    problems: list[str] = []
    signed_out = with_axe(open_page(width=width))
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
    signed_out.context.add_cookies([cookie])
    for url in ("/accounts/login/", "/accounts/password/reset/"):
        problems += serious(signed_out, url)
    assert signed_out.locator("html").get_attribute("lang") == language
    for person in (world.ada, world.carol):
        person.language = language
        person.save(update_fields=["language"])
        page = with_axe(open_page(width=width))
        sign_in(page, person)
        for url in pages_of(world):
            problems += serious(page, url)
        assert page.locator("html").get_attribute("lang") == language
    assert problems == [], "\n".join(problems)


def test_axe_finds_a_violation_when_there_is_one(world: Any, open_page: Any) -> None:
    """The check can fail: a form field without a label and unreadable text are reported."""
    page = with_axe(open_page())
    sign_in(page, world.ada)
    page.evaluate(
        """() => {
          const input = document.createElement("input");
          input.type = "text";
          document.querySelector("main").append(input);
          const faint = document.createElement("p");
          faint.textContent = "Barely readable";
          faint.style.color = "#eeeeee";
          faint.style.background = "#ffffff";
          document.querySelector("main").append(faint);
        }"""
    )
    ids = {v["id"] for v in page.evaluate(RUN) if v["impact"] in ("serious", "critical")}
    assert {"label", "color-contrast"} <= ids
