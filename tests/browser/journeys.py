"""The pages of the main journeys, in one place: the phone test (no page scrolls sideways at 390 px) and
the same-origin test (no page loads anything from another host) walk them all.

A later app adds its pages here (its list and "run" views above all), each with who opens it in the
test world (tests/conftest.py) and what on it shows that it works.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from tests.meetings.helpers import review
from tests.operations.helpers import csv_file, do_import

RELATIONSHIP = "/r/northwind-telco-a/"
# The measurements of the months seed_operations imports (the page's default period ends last month).
MEASUREMENTS = f"{RELATIONSHIP}measurements/?start=2026-01&end=2026-05"


@dataclass(frozen=True)
class JourneyPage:
    name: str
    path: str  # "{item}": the number of the world's shared item (TLA-0001); "{meeting}": its quality review
    people: tuple[str, ...]  # who opens it, by World attribute; "anonymous" for a page before signing in
    main: str  # a selector of what the page is for: it must be visible

    def url(self, world: Any) -> str:
        meeting = review(world)  # made on first use: the meetings pages list it too
        return self.path.format(item=world.item.number, meeting=meeting.pk)


SAM_AND_CAROL = ("sam", "carol")

JOURNEY: tuple[JourneyPage, ...] = (
    JourneyPage("sign-in", "/accounts/login/", ("anonymous",), "input[name=username]"),
    JourneyPage("home", "/", SAM_AND_CAROL, "[data-testid=relationships]"),
    JourneyPage("relationship overview", RELATIONSHIP, SAM_AND_CAROL, "[data-testid=health]"),
    JourneyPage("register", f"{RELATIONSHIP}items/", SAM_AND_CAROL, "[data-testid=register]"),
    JourneyPage("item page", f"{RELATIONSHIP}items/{{item}}/", SAM_AND_CAROL, "[data-testid=timeline]"),
    JourneyPage("task forces", f"{RELATIONSHIP}task-forces/", SAM_AND_CAROL, "#main h1"),
    JourneyPage("my action items", "/my/items/", SAM_AND_CAROL, "#main h1"),
    JourneyPage("measurements", MEASUREMENTS, SAM_AND_CAROL, "[data-testid=measurements]"),
    JourneyPage("meetings", f"{RELATIONSHIP}meetings/", SAM_AND_CAROL, "[data-testid=upcoming]"),
    JourneyPage("my meetings", "/my/meetings/", SAM_AND_CAROL, "[data-testid=upcoming]"),
    JourneyPage("meeting page", f"{RELATIONSHIP}meetings/{{meeting}}/", SAM_AND_CAROL, "#agenda"),
    JourneyPage("agenda", f"{RELATIONSHIP}meetings/{{meeting}}/agenda/", SAM_AND_CAROL, "#agenda"),
    JourneyPage(
        "run the meeting", f"{RELATIONSHIP}meetings/{{meeting}}/run/", SAM_AND_CAROL, "[data-testid=run]"
    ),
    JourneyPage("topic log", f"{RELATIONSHIP}topics/", SAM_AND_CAROL, "[data-testid=scope-toggle]"),
    JourneyPage("forecasts", f"{RELATIONSHIP}forecasts/", SAM_AND_CAROL, "[data-testid=forecast-grid]"),
    JourneyPage("data page", f"{RELATIONSHIP}data/", SAM_AND_CAROL, "[data-testid=downloads]"),
    JourneyPage("expectations", f"{RELATIONSHIP}expectations/", SAM_AND_CAROL, "#holder-customer"),
    JourneyPage("scorecard", f"{RELATIONSHIP}scorecard/", SAM_AND_CAROL, "[data-testid=scorecard-grid]"),
    # the audit trail is an admin's page: Ada's (Sam and Carol get 403)
    JourneyPage("audit trail", f"{RELATIONSHIP}audit/", ("ada",), "[data-testid=audit]"),
    JourneyPage("profile", "/accounts/profile/", SAM_AND_CAROL, "input[name=full_name]"),
)

PEOPLE: tuple[str, ...] = tuple(dict.fromkeys(p for page in JOURNEY for p in page.people))


def pages_of(person: str) -> list[JourneyPage]:
    return [page for page in JOURNEY if person in page.people]


def seed_operations(world: Any, tmp_path: Path) -> None:
    """Operational data through the real import, so the measurements page has its table and charts:
    Jan–May 2026 shipments, returns and repairs of OTX-100."""
    files: list[tuple[str, list[str], list[list[Any]]]] = [
        (
            "shipments",
            ["shipment_id", "product_code", "ship_date", "quantity"],
            [[f"S{m}", "NW-OTX-100", f"2026-0{m}-05", 1000] for m in range(1, 6)],
        ),
        (
            "returns",
            ["return_id", "product_code", "received_date", "ship_date", "quantity", "no_trouble_found"],
            [
                ["R1", "NW-OTX-100", "2026-04-03", "2026-03-05", 2, "no"],
                ["R2", "NW-OTX-100", "2026-05-20", "2026-04-05", 1, "yes"],
            ],
        ),
        (
            "repairs",
            ["repair_id", "product_code", "received_date", "shipped_date"],
            [
                ["P1", "NW-OTX-100", "2026-05-01", "2026-05-11"],
                ["P2", "NW-OTX-100", "2026-04-25", "2026-05-25"],
            ],
        ),
    ]
    for kind, header, rows in files:
        result = do_import(world, kind, csv_file(tmp_path, header, rows, f"{kind}.csv"))
        assert result.ok, result.errors


def open_as(page: Any, world: Any, person: str) -> None:
    """Sign ``person`` in on ``page`` (nothing for "anonymous")."""
    if person != "anonymous":
        sign_in(page, getattr(world, person))


def visit(page: Any, world: Any, journey_page: JourneyPage) -> None:
    """Open the page, check it answered and shows what it is for."""
    response = page.goto(journey_page.url(world))
    assert response is not None and response.ok, f"{journey_page.name}: {response and response.status}"
    expect(page.locator(journey_page.main).first).to_be_visible()
