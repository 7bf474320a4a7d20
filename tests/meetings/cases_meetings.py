"""The access matrix's cases for the meetings part (collected through ``access_cases``).

Telco A's quality review (``helpers.review``, Sam's, Carol invited): both sides read it, writers change
it; Fay (the facilitator) sees the meetings list (her team's only) but not this review; Mallory gets
the one 404 everywhere."""

from __future__ import annotations

from typing import Any

from tests.access import REL, TA, Case, everyone, readers, writers
from tests.meetings.helpers import at, review

ONE = REL + "/meetings/{meeting_id}"


def _meeting(w: Any) -> str:
    return f"/r/{TA}/meetings/{review(w).pk}/"


def _api_meeting(w: Any) -> str:
    return f"/api/v1/relationships/{w.nw_ta.pk}/meetings/{review(w).pk}"


def _carols_attendance(w: Any) -> int:
    return review(w).attendees.get(user=w.carol).pk


def _new_meeting(w: Any) -> dict[str, Any]:
    return {
        "kind": "program_review",
        "starts_at": at(40).isoformat(),
        "ends_at": at(40, 12).isoformat(),
        "time_zone": "Europe/Berlin",
        "host_side": "customer",
        "site_id": w.ta_site.pk,
        "invitee_ids": [w.carol.pk],
        "guests": [{"name": "Jane Roe", "email": "jane@example.com"}],
    }


PAGES: dict[str, Case] = {
    "meetings:mine": Case("GET", lambda w: "/my/meetings/", everyone(200)),
    "meetings:list": Case("GET", lambda w: f"/r/{TA}/meetings/", everyone(200, mallory=404)),
    "meetings:create": Case("GET", lambda w: f"/r/{TA}/meetings/new/?kind=site_visit", writers(200)),
    "meetings:cadence": Case("GET", lambda w: f"/r/{TA}/meetings/cadence/", writers(200)),
    "meetings:detail": Case("GET", _meeting, readers(200)),
    "meetings:edit": Case("GET", lambda w: _meeting(w) + "edit/", writers(200)),
    "meetings:cancel": Case(
        "POST",
        lambda w: _meeting(w) + "cancel/",
        writers(302),
        data=lambda w: {"version": review(w).version, "reason": "Strike"},
    ),
    "meetings:invite": Case(
        "POST",
        lambda w: _meeting(w) + "invite/",
        writers(302),
        data=lambda w: {"guests": "Jane <jane@example.com>"},
    ),
    "meetings:uninvite": Case(
        "POST", lambda w: _meeting(w) + f"attendees/{_carols_attendance(w)}/remove/", writers(302)
    ),
}

API: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/meetings"): Case("GET", lambda w: "/api/v1/meetings", everyone(200, anonymous=401)),
    ("GET", REL + "/meetings"): Case(
        "GET",
        lambda w: f"/api/v1/relationships/{w.nw_ta.pk}/meetings",
        everyone(200, anonymous=401, mallory=404),
    ),
    ("POST", REL + "/meetings"): Case(
        "POST", lambda w: f"/api/v1/relationships/{w.nw_ta.pk}/meetings", writers(201, 401), data=_new_meeting
    ),
    ("GET", REL + "/meetings/proposals"): Case(
        "GET",
        lambda w: f"/api/v1/relationships/{w.nw_ta.pk}/meetings/proposals?kind=site_visit",
        writers(200, 401),
    ),
    ("GET", REL + "/meetings/cadence"): Case(
        "GET",
        lambda w: f"/api/v1/relationships/{w.nw_ta.pk}/meetings/cadence",
        everyone(200, anonymous=401, mallory=404),
    ),
    ("PATCH", REL + "/meetings/cadence"): Case(
        "PATCH",
        lambda w: f"/api/v1/relationships/{w.nw_ta.pk}/meetings/cadence",
        writers(200, 401),
        data=lambda w: {"version": 1, "program_review_months": 4},
    ),
    ("GET", ONE): Case("GET", _api_meeting, readers(200, 401)),
    ("PATCH", ONE): Case(
        "PATCH",
        _api_meeting,
        writers(200, 401),
        data=lambda w: {"version": review(w).version, "title": "Moved"},
    ),
    ("POST", ONE + "/cancel"): Case(
        "POST",
        lambda w: _api_meeting(w) + "/cancel",
        writers(200, 401),
        data=lambda w: {"version": review(w).version},
    ),
    ("POST", ONE + "/attendees"): Case(
        "POST",
        lambda w: _api_meeting(w) + "/attendees",
        writers(201, 401),
        data=lambda w: {"guests": [{"name": "Jane", "email": "jane@example.com"}]},
    ),
    ("DELETE", ONE + "/attendees/{attendee_id}"): Case(
        "DELETE", lambda w: _api_meeting(w) + f"/attendees/{_carols_attendance(w)}", writers(204, 401)
    ),
}
