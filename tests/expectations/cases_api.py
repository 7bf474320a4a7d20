"""The access matrix's cases for the expectations' API (collected through ``access_cases``).

Both sides and Fay (the team's facilitator) read everything; leads (admins and editors) of either side
propose, change, withdraw and plan actions; agreeing is for the side that has not agreed yet (Carol
proposed, so Northwind's leads); retiring and confirming a rating for the holding side's leads (Telco
A: Carol); Fay drafts ratings but changes nothing else (403); viewers 403; Mallory the one 404."""

from __future__ import annotations

from tests.access import REL, Case, everyone
from tests.expectations.api_helpers import agreed_docs, agreed_oti, api, drafted, gap, proposed, this_month

READ = everyone(200, anonymous=401, mallory=404)


def _only(status: int, *who: str) -> dict[str, int]:
    return everyone(403, anonymous=401, mallory=404) | dict.fromkeys(who, status)


LEADS = ("ada", "sam", "carol")
ONE = REL + "/expectations/{expectation_id}"
GAP = REL + "/gaps/{gap_id}"
OTI = {"holder": "customer", "area": "OTD", "statement": "On time", "measure": "OTD.OTI", "target": 95}

API: dict[tuple[str, str], Case] = {
    ("GET", REL + "/expectations"): Case("GET", lambda w: api(w, "/expectations"), READ),
    ("POST", REL + "/expectations"): Case(
        "POST", lambda w: api(w, "/expectations"), _only(201, *LEADS), data=lambda w: OTI
    ),
    ("GET", ONE): Case("GET", lambda w: api(w, f"/expectations/{proposed(w).pk}"), READ),
    ("POST", ONE + "/changes"): Case(
        "POST",
        lambda w: api(w, f"/expectations/{proposed(w).pk}/changes"),
        _only(201, *LEADS),
        data=lambda w: {"version": 1, "target": 96},
    ),
    ("POST", ONE + "/agree"): Case(
        "POST",
        lambda w: api(w, f"/expectations/{proposed(w).pk}/agree"),
        _only(200, "ada", "sam"),
        data=lambda w: {"version": 1},
    ),
    ("POST", ONE + "/withdraw"): Case(
        "POST",
        lambda w: api(w, f"/expectations/{proposed(w).pk}/withdraw"),
        _only(200, *LEADS),
        data=lambda w: {"version": 1},
    ),
    ("POST", ONE + "/retire"): Case(
        "POST",
        lambda w: api(w, f"/expectations/{agreed_oti(w).pk}/retire"),
        _only(200, "carol"),
        data=lambda w: {"version": 2, "reason": "Replaced by a rolling target"},
    ),
    ("GET", ONE + "/assessments"): Case(
        "GET", lambda w: api(w, f"/expectations/{agreed_oti(w).pk}/assessments"), READ
    ),
    ("POST", ONE + "/ratings"): Case(
        "POST",
        lambda w: api(w, f"/expectations/{agreed_docs(w).pk}/ratings"),
        _only(200, *LEADS, "fay"),
        data=lambda w: {"rating": 4, "note": "Better manuals"},
    ),
    ("POST", ONE + "/ratings/confirm"): Case(
        "POST",
        lambda w: api(w, f"/expectations/{drafted(w).pk}/ratings/confirm"),
        _only(200, "carol"),
        data=lambda w: {"month": this_month()},
    ),
    ("GET", REL + "/gaps"): Case("GET", lambda w: api(w, "/gaps"), READ),
    ("GET", GAP): Case("GET", lambda w: api(w, f"/gaps/{gap(w).pk}"), READ),
    ("POST", GAP + "/action-items"): Case(
        "POST",
        lambda w: api(w, f"/gaps/{gap(w).pk}/action-items"),
        _only(201, *LEADS),
        data=lambda w: {"title": "Review the release notes before shipping"},
    ),
    ("POST", GAP + "/tracking"): Case(
        "POST",
        lambda w: api(w, f"/gaps/{gap(w).pk}/tracking"),
        _only(200, *LEADS),
        data=lambda w: {"measure": "OTD.OTIP"},
    ),
    ("GET", REL + "/scorecard"): Case("GET", lambda w: api(w, "/scorecard"), READ),
}
PAGES: dict[str, Case] = {}
