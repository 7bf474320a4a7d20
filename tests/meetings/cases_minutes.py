"""The access matrix's cases for the minutes part (collected through ``access_cases``).

Most run on Telco A's shared expectations team meeting, which Fay facilitates: she writes its minutes,
attendance and decisions and circulates them like a writer of either side, but creates no action items
and never approves or corrects. Viewers read; Mallory gets the one 404."""

from __future__ import annotations

from typing import Any

from tests.access import TA, Case, readers, writers
from tests.meetings.helpers import team_meeting
from tests.meetings.helpers_minutes import (
    approved_team_meeting,
    circulated_team_meeting,
    first_item,
    team_decision,
)

READ = readers(200) | {"fay": 200}
READ_API = readers(200, 401) | {"fay": 200}
LEADS = writers(303)  # Ada, Sam, Carol; Fay is refused (403), not hidden
MINUTERS = writers(303) | {"fay": 303}
MINUTERS_FORBIDDEN = {"fay": 403}


def _page(suffix: str, meeting: Any = team_meeting) -> Any:
    return lambda w: f"/r/{TA}/meetings/{meeting(w).pk}/{suffix}"


def _item(suffix: str) -> Any:
    return lambda w: (
        f"/r/{TA}/meetings/{team_meeting(w).pk}/run/items/{first_item(team_meeting(w)).pk}/{suffix}"
    )


def _api(suffix: str, meeting: Any = team_meeting) -> Any:
    return lambda w: f"/api/v1/relationships/{w.nw_ta.pk}/meetings/{meeting(w).pk}{suffix}"


def _api_item(suffix: str) -> Any:
    return lambda w: _api(f"/agenda-items/{first_item(team_meeting(w)).pk}{suffix}")(w)


def _guest(w: Any) -> dict[str, Any]:
    return {"name": "Olga Auditor", "email": "olga@example.org"}


def _new_item(w: Any) -> dict[str, Any]:
    return {"title": "Send the alarm logs", "owner_side": "joint", "visibility": "shared"}


PAGES: dict[str, Case] = {
    "meetings:minutes_run": Case("GET", _page("run/"), READ),
    "meetings:minutes_attendance": Case("POST", _page("run/attendance/"), MINUTERS),
    "meetings:minutes_walk_in": Case("POST", _page("run/walk-in/"), MINUTERS, data=_guest),
    "meetings:minutes_item": Case(
        "POST", _item("minutes/"), MINUTERS, data=lambda w: {"minutes": "Agreed", "version": 1}
    ),
    "meetings:minutes_decision_add": Case(
        "POST", _item("decisions/"), MINUTERS, data=lambda w: {"text": "Meet twice a year"}
    ),
    "meetings:minutes_decision_remove": Case(
        "POST",
        lambda w: f"/r/{TA}/meetings/{team_meeting(w).pk}/run/decisions/{team_decision(w).pk}/remove/",
        MINUTERS,
    ),
    "meetings:minutes_action_item": Case(
        "POST", _item("action-item/"), LEADS | MINUTERS_FORBIDDEN, data=_new_item
    ),
    "meetings:minutes_circulate": Case("POST", _page("minutes/circulate/"), MINUTERS),
    "meetings:minutes_approve": Case(
        "POST",
        _page("minutes/approve/", circulated_team_meeting),
        LEADS | MINUTERS_FORBIDDEN,
        data=lambda w: {"revision": 1},
    ),
    "meetings:minutes_correct": Case(
        "POST",
        _page("minutes/correct/", approved_team_meeting),
        LEADS | MINUTERS_FORBIDDEN,
        data=lambda w: {"reason": "Wrong date"},
    ),
    "meetings:minutes_pdf": Case("GET", _page("minutes.pdf"), READ),
    "meetings:minutes_revision": Case("GET", _page("minutes/1/", approved_team_meeting), READ),
    "meetings:minutes_revision_pdf": Case("GET", _page("minutes/1.pdf", approved_team_meeting), READ),
}

M = "/api/v1/relationships/{rel_id}/meetings/{meeting_id}"
WRITE_API = writers(200, 401) | {"fay": 200}
CREATE_API = writers(201, 401) | {"fay": 201}
LEADS_API = writers(200, 401) | {"fay": 403}

API: dict[tuple[str, str], Case] = {
    ("GET", M + "/attendance"): Case("GET", _api("/attendance"), READ_API),
    ("PUT", M + "/attendance"): Case("PUT", _api("/attendance"), WRITE_API, data=lambda w: {"marks": []}),
    ("POST", M + "/attendance"): Case("POST", _api("/attendance"), CREATE_API, data=_guest),
    ("GET", M + "/minutes"): Case("GET", _api("/minutes"), READ_API),
    ("PUT", M + "/agenda-items/{item_id}/minutes"): Case(
        "PUT", _api_item("/minutes"), WRITE_API, data=lambda w: {"minutes": "Agreed", "version": 1}
    ),
    ("POST", M + "/agenda-items/{item_id}/decisions"): Case(
        "POST", _api_item("/decisions"), CREATE_API, data=lambda w: {"text": "Meet twice a year"}
    ),
    ("DELETE", M + "/decisions/{decision_id}"): Case(
        "DELETE",
        lambda w: _api(f"/decisions/{team_decision(w).pk}")(w),
        writers(204, 401) | {"fay": 204},
    ),
    ("POST", M + "/agenda-items/{item_id}/action-items"): Case(
        "POST", _api_item("/action-items"), writers(201, 401) | {"fay": 403}, data=_new_item
    ),
    ("POST", M + "/minutes/circulate"): Case("POST", _api("/minutes/circulate"), WRITE_API),
    ("POST", M + "/minutes/approve"): Case(
        "POST", _api("/minutes/approve", circulated_team_meeting), LEADS_API, data=lambda w: {"revision": 1}
    ),
    ("POST", M + "/minutes/correct"): Case(
        "POST", _api("/minutes/correct", approved_team_meeting), LEADS_API, data=lambda w: {"reason": "Typo"}
    ),
    ("GET", M + "/minutes/revisions"): Case(
        "GET", _api("/minutes/revisions", approved_team_meeting), READ_API
    ),
    ("GET", M + "/minutes/revisions/{revision}"): Case(
        "GET", _api("/minutes/revisions/1", approved_team_meeting), READ_API
    ),
    ("GET", M + "/minutes/revisions/{revision}/pdf"): Case(
        "GET", _api("/minutes/revisions/1/pdf", approved_team_meeting), READ_API
    ),
}
