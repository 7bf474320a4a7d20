"""The access matrix's cases for the reports API (collected through ``access_cases``).

Both sides' members read Telco A's report definitions and the published issues with their customer
edition's files; a draft is the supplier's own, so Carol and Vic get the one 404 on it, as Fay (a
facilitator) and Mallory (Telco B) do everywhere. Supplier leads (Ada, Sam) define reports, generate,
write commentary, publish, correct, render again and take the data again; Val (a supplier viewer) gets
403 on every write, and so do Carol and Vic where they see the record (a definition, a published issue)."""

from __future__ import annotations

from typing import Any

from tests.access import REL, Case, everyone
from tests.reports.api_helpers import (
    GENERATED_PERIOD,
    api,
    at,
    definition,
    draft,
    file_at,
    published,
)

REPORTS = REL + "/reports"
DEFINITION = REPORTS + "/{definition_number}"
ISSUE = DEFINITION + "/issues/{period}"
READ = everyone(200, anonymous=401, mallory=404, fay=404)
SUPPLIER_LEADS = ("ada", "sam")


def _only(status: int, *who: str) -> dict[str, int]:
    return everyone(403, anonymous=401, mallory=404, fay=404) | dict.fromkeys(who, status)


def _on_a_draft(status: int) -> dict[str, int]:
    """A draft: the supplier's leads may, Val may not (403), the customer does not see it (404)."""
    return _only(status, *SUPPLIER_LEADS) | {"carol": 404, "vic": 404}


def _definition(suffix: str = "") -> Any:
    return lambda w: api(w, f"/{definition(w).number}{suffix}")


NEW_DEFINITION = {
    "title": "Monthly delivery report",
    "sections": ["delivery", "register"],
    "period": "monthly",
    "first_period": "2025-01",
}

API: dict[tuple[str, str], Case] = {
    ("GET", REPORTS): Case("GET", lambda w: (definition(w), api(w))[1], READ),
    ("POST", REPORTS): Case(
        "POST", lambda w: api(w), _only(201, *SUPPLIER_LEADS), data=lambda w: NEW_DEFINITION
    ),
    ("GET", DEFINITION): Case("GET", _definition(), READ),
    ("PATCH", DEFINITION): Case(
        "PATCH",
        _definition(),
        _only(200, *SUPPLIER_LEADS),
        data=lambda w: {"version": 1, "title": "Quarterly report for Telco A"},
    ),
    ("GET", DEFINITION + "/issues"): Case(
        "GET", lambda w: (published(w), draft(w), api(w, "/1/issues"))[2], READ
    ),
    ("POST", DEFINITION + "/issues"): Case(
        "POST",
        _definition("/issues"),
        _only(201, *SUPPLIER_LEADS),
        data=lambda w: {"period": GENERATED_PERIOD},
    ),
    ("GET", ISSUE): Case("GET", lambda w: at(published(w)), READ),
    ("PATCH", ISSUE + "/commentary"): Case(
        "PATCH",
        lambda w: at(draft(w), "/commentary"),
        _on_a_draft(200),
        data=lambda w: {"version": 1, "commentary": {"overall": "Returns fell", "returns": "Two fewer"}},
    ),
    ("POST", ISSUE + "/publish"): Case(
        "POST", lambda w: at(draft(w), "/publish"), _on_a_draft(200), data=lambda w: {"version": 1}
    ),
    ("POST", ISSUE + "/revise"): Case(
        "POST",
        lambda w: at(published(w), "/revise"),
        _only(201, *SUPPLIER_LEADS),
        data=lambda w: {"reason": "Returns of June were missing"},
    ),
    ("POST", ISSUE + "/retry"): Case("POST", lambda w: at(draft(w), "/retry"), _on_a_draft(200)),
    ("POST", ISSUE + "/refresh"): Case(
        "POST", lambda w: at(draft(w), "/refresh"), _on_a_draft(200), data=lambda w: {"version": 1}
    ),
    ("GET", ISSUE + "/revisions/{revision}/files/{edition}.{fmt}"): Case(
        "GET", lambda w: file_at(published(w)), READ
    ),
}
