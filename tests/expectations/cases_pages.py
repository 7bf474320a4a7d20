"""The access matrix's cases for the expectations' pages and the scorecard (collected through
``access_cases``): both sides and Fay, the team's facilitator, read everything; the leads (editors and
admins) of either side write; viewers and Fay get 403 on a write, except that Fay drafts a rating;
Mallory gets the one 404 everywhere."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from accord.expectations.models import Expectation, Gap
from tests.access import TA, Case, everyone
from tests.expectations.helpers import DOCS_4, OTI_95, agreed, propose

BASE = f"/r/{TA}/expectations/"


def readers(status: int) -> dict[str, int]:
    """Both sides and the facilitator read; Mallory 404."""
    return everyone(status, mallory=404)


def leads(status: int, *, fay: int = 403) -> dict[str, int]:
    """A lead of either side gets ``status``; viewers (and, unless told, Fay) 403; Mallory 404."""
    return everyone(403, ada=status, sam=status, carol=status, mallory=404, fay=fay)


def _agreed(w: Any) -> Expectation:
    """Telco A's OTI ≥ 95 expectation, agreed by both sides, with an open gap (the action plan's)."""
    found = Expectation.objects.filter(relationship=w.nw_ta, status="agreed").first()
    if found is None:
        found = agreed(w, OTI_95)
        Gap.objects.create(
            expectation=found,
            since="2026-02",
            opened_month="2026-02",
            last_month="2026-02",
            value=80.0,
            target=95.0,
            size=15.0,
            opened_at=timezone.now(),
        )
    return found


def _proposed(w: Any) -> Expectation:
    """Carol's proposal, not agreed by Northwind yet."""
    found = Expectation.objects.filter(relationship=w.nw_ta, status="proposed").first()
    return found or propose(w, OTI_95)


def _qualitative(w: Any) -> Expectation:
    found = Expectation.objects.filter(
        relationship=w.nw_ta, revisions__rating_target=4, status="agreed"
    ).first()
    return found or agreed(w, DOCS_4)


def _url(get: Any, suffix: str = "") -> Any:
    return lambda w: f"{BASE}{get(w).number}/{suffix}"


def _version(get: Any, **extra: Any) -> Any:
    return lambda w: {"version": get(w).version, **extra}


def _new(w: Any) -> dict[str, Any]:
    return {
        "holder": "customer",
        "area": "OTD",
        "statement": "Ship complete orders on time",
        "kind": "measurable",
        "measure": "OTD.OTI",
        "category": "ALL",
        "comparator": "",
        "target": "96",
        "basis": "1",
        "open_after": "1",
        "close_after": "3",
    }


def _change(w: Any) -> dict[str, Any]:
    return _new(w) | {"version": _agreed(w).version, "reason": "Tighter"}


MONTH = datetime(2026, 2, 1, tzinfo=UTC).strftime("%Y-%m")

PAGES: dict[str, Case] = {
    "expectations:list": Case("GET", lambda w: BASE, readers(200)),
    "expectations:propose": Case("GET", lambda w: BASE + "new/", leads(200)),
    "expectations:detail": Case("GET", _url(_agreed), readers(200)),
    "expectations:change": Case("POST", _url(_agreed, "change/"), leads(302), data=_change),
    # Ada agrees for Northwind; Carol's side agreed by proposing (403); viewers, Fay 403
    "expectations:agree": Case(
        "POST", _url(_proposed, "agree/"), leads(403) | {"ada": 302, "sam": 302}, data=_version(_proposed)
    ),
    "expectations:withdraw": Case("POST", _url(_proposed, "withdraw/"), leads(302), data=_version(_proposed)),
    # only the holding side (Telco A: Carol) retires
    "expectations:retire": Case(
        "POST", _url(_agreed, "retire/"), leads(403) | {"carol": 302}, data=_version(_agreed, reason="Done")
    ),
    # Fay drafts a rating at the team's meeting
    "expectations:rate": Case(
        "POST", _url(_qualitative, "rate/"), leads(302, fay=302), data=lambda w: {"month": MONTH, "rating": 3}
    ),
    # no draft to confirm: Carol (the holding side's lead) gets the page back with the reason
    "expectations:confirm": Case(
        "POST", _url(_qualitative, f"ratings/{MONTH}/confirm/"), leads(403) | {"carol": 302}
    ),
    "expectations:plan": Case(
        "POST",
        _url(_agreed, "gap/plan/"),
        leads(302),
        data=lambda w: {"title": "Second carrier", "owner_side": "supplier", "priority": "high"},
    ),
    "expectations:track": Case(
        "POST", _url(_agreed, "gap/track/"), leads(302), data=lambda w: {"measure": "OTD.OTIP"}
    ),
    "expectations:scorecard": Case("GET", lambda w: f"/r/{TA}/scorecard/", readers(200)),
    "expectations:scorecard_pdf": Case("GET", lambda w: f"/r/{TA}/scorecard.pdf", readers(200)),
    "expectations:scorecard_xlsx": Case("GET", lambda w: f"/r/{TA}/scorecard.xlsx", readers(200)),
}

API: dict[tuple[str, str], Case] = {}  # the API's cases are cases_api's
