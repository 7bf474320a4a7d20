"""The pages satisfy their Content-Security-Policy: no inline script or style, nothing from elsewhere.

Ada (Northwind admin) opens the main pages of the demo, from the sign-in page to the measurements with
their charts, an import batch, the audit trail, the API docs (Swagger UI) and the Django admin, in
Chromium. The browser
reports each refused script, style or image as a ``securitypolicyviolation`` event and a console error;
there must be none, and no script error either.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from accord.lib.demo import generate
from accord.lib.headers import CONTENT_SECURITY_POLICY
from accord.operations.models import ImportBatch
from accord.register.models import ActionItem, TaskForce
from tests.browser.helpers import sign_in
from tests.conftest import DEMO_DAY, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REL = "northwind-telco-a"
# Runs in every page before its own scripts (Playwright's scripts are not subject to the page's CSP).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""


def main_pages(rel: Any) -> list[str]:
    item = ActionItem.objects.filter(relationship=rel, series="").order_by("number").first()
    task_force = TaskForce.objects.filter(relationship=rel).first()
    batch = ImportBatch.objects.filter(relationship=rel).order_by("-pk").first()
    assert item and task_force and batch, "the demo has an item, a task force and an import batch"
    r = f"/r/{REL}"
    return [
        "/",
        f"{r}/",
        f"{r}/items/",
        f"{r}/items/{item.key}/",
        f"{r}/items/{item.key}/edit/",
        f"{r}/items/new/",
        f"{r}/items/import/",
        f"{r}/task-forces/",
        f"{r}/task-forces/{task_force.pk}/",
        f"{r}/measurements/",
        f"{r}/measurements/settings/",
        f"{r}/data/",
        f"{r}/data/batches/{batch.pk}/",
        f"{r}/audit/",
        f"{r}/settings/",
        "/parties/northwind/",
        "/my/items/",
        "/accounts/profile/",
        "/accounts/password/change/",
    ]


def test_the_main_pages_break_no_rule_of_the_content_security_policy(browser_page: Any) -> None:
    with time_machine.travel(datetime.combine(DEMO_DAY, time(12), tzinfo=UTC)):
        demo = generate(password=PASSWORD, today=DEMO_DAY)
    page = browser_page
    console_errors: list[str] = []

    def on_console(message: Any) -> None:
        # the Django admin's pages name no icon: the browser asks for /favicon.ico (a 404, no CSP matter)
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            console_errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: console_errors.append(f"{page.url}: {e}"))
    page.add_init_script(LISTEN)
    violations: dict[str, list[str]] = {}

    def visit(path: str) -> None:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        page.wait_for_load_state("load")
        found = page.evaluate("window.__violations")
        if found:
            violations[path] = found

    ada = demo.people["ada"]
    ada.is_staff = ada.is_superuser = True  # for the Django admin's pages too
    ada.save()
    visit("/accounts/login/")
    sign_in(page, ada)
    pages = main_pages(demo.relationships[REL])
    pages += ["/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{ada.pk}/change/"]
    for path in pages:
        visit(path)
        if path.endswith("/measurements/"):
            expect(page.locator(".chart svg").first).to_be_visible()  # Vega-Lite charts, inline SVG

    visit("/api/v1/docs")
    # Swagger UI fetches and parses the whole OpenAPI document (about 100 operations) after "load": on a
    # loaded CI machine that took longer than Playwright's default 5 s, so wait for it as a user would.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Accord API", timeout=30_000)
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)  # Swagger UI read the document
    found = page.evaluate("window.__violations")
    if found:
        violations["/api/v1/docs"] = found

    assert violations == {}
    assert console_errors == []
