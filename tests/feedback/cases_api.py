"""The access matrix's cases for the feedback API (collected through ``access_cases``).

Feedback is the relationship's members' business: both sides read the areas, surveys, invitations,
responses, results and proposals; Fay (a facilitator) and Mallory (Telco B) get the one 404. Supplier
leads (Ada, Sam) edit the areas, prepare, change, open and close surveys and triage; a lead of either
side (and Carol) invites and sends links again; only the person invited (Carol) answers, signed in, so
every other member gets 403 on her answer; viewers get 403 on every write."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accord.feedback.models import Survey
from tests.access import REL, Case, everyone
from tests.feedback.api_helpers import (
    answered,
    area_ids,
    at,
    comment_of,
    draft,
    opened,
    proposal_of,
)
from tests.feedback.helpers import GRACE, invitation

FB = REL + "/feedback"
SURVEY = FB + "/surveys/{survey_number}"
PROPOSAL = SURVEY + "/proposals/{proposal_id}"
READ = everyone(200, anonymous=401, mallory=404, fay=404)


def _only(status: int, *who: str) -> dict[str, int]:
    return everyone(403, anonymous=401, mallory=404, fay=404) | dict.fromkeys(who, status)


SUPPLIER_LEADS = ("ada", "sam")
LEADS = ("ada", "sam", "carol")


def _fb(suffix: str = "") -> Any:
    return lambda w: f"/api/v1/relationships/{w.nw_ta.pk}/feedback{suffix}"


def _in_a_week() -> str:
    return (timezone.localdate() + timedelta(days=7)).isoformat()


def _carol_answers(w: Any) -> dict[str, Any]:
    return {"answers": [{"area_id": area_ids(opened_once(w))["delivery"], "rating": 4, "comment": "Fine"}]}


def opened_once(w: Any) -> Survey:
    """The open survey of a case (made the first time the case asks for it: its address, then its data)."""
    return Survey.objects.filter(relationship=w.nw_ta, status="open").first() or opened(w)


def _surveys(w: Any) -> str:
    opened(w)
    return _fb("/surveys?status=open")(w)


def _of(state: Any, suffix: Any) -> Any:
    """The address of ``suffix(survey)`` under a survey made in ``state``."""
    return lambda w: (lambda s: at(s, suffix(s)))(state(w))


AREAS_V2 = {
    "version": 1,
    "note": "Spare parts asked about",
    "areas": [
        {"key": "delivery", "title": "Product delivery", "question": "How well do deliveries arrive?"},
        {"title": "Spare parts", "question": "How quickly do spares arrive?"},
    ],
}

API: dict[tuple[str, str], Case] = {
    ("GET", FB + "/areas"): Case("GET", _fb("/areas"), READ),
    ("POST", FB + "/areas"): Case(
        "POST", _fb("/areas"), _only(201, *SUPPLIER_LEADS), data=lambda w: AREAS_V2
    ),
    ("GET", FB + "/areas/{template_version}"): Case("GET", _fb("/areas/1"), READ),
    ("GET", FB + "/surveys"): Case("GET", _surveys, READ),
    ("POST", FB + "/surveys"): Case(
        "POST",
        _fb("/surveys"),
        _only(201, *SUPPLIER_LEADS),
        data=lambda w: {"title": "Yearly survey", "closes_on": _in_a_week(), "site_id": w.ta_site.pk},
    ),
    ("GET", SURVEY): Case("GET", lambda w: at(opened(w)), READ),
    ("PATCH", SURVEY): Case(
        "PATCH",
        lambda w: at(draft(w)),
        _only(200, *SUPPLIER_LEADS),
        data=lambda w: {"version": 1, "equipment": "OTX-100 shelves"},
    ),
    ("POST", SURVEY + "/open"): Case(
        "POST", lambda w: at(draft(w), "/open"), _only(200, *SUPPLIER_LEADS), data=lambda w: {"version": 1}
    ),
    ("POST", SURVEY + "/close"): Case(
        "POST", lambda w: at(opened(w), "/close"), _only(200, *SUPPLIER_LEADS), data=lambda w: {"version": 2}
    ),
    ("GET", SURVEY + "/invitations"): Case("GET", lambda w: at(opened(w), "/invitations"), READ),
    ("POST", SURVEY + "/invitations"): Case(
        "POST",
        lambda w: at(draft(w), "/invitations"),
        _only(201, *LEADS),
        data=lambda w: {
            "invitees": [{"function": "procurement", "name": "Pat", "email": "pat@telco-a.example"}]
        },
    ),
    ("POST", SURVEY + "/invitations/{invitation_id}/send-again"): Case(
        "POST",
        _of(opened, lambda s: f"/invitations/{invitation(s, GRACE).pk}/send-again"),
        _only(200, *LEADS),
    ),
    ("GET", SURVEY + "/responses"): Case("GET", lambda w: at(answered(w), "/responses"), READ),
    ("GET", SURVEY + "/responses/{response_number}"): Case(
        "GET", lambda w: at(answered(w), "/responses/1"), READ
    ),
    ("GET", SURVEY + "/my-response"): Case(
        "GET", lambda w: at(opened(w), "/my-response"), _only(200, "carol")
    ),
    ("PUT", SURVEY + "/my-response"): Case(
        "PUT", lambda w: at(opened_once(w), "/my-response"), _only(200, "carol"), data=_carol_answers
    ),
    ("POST", SURVEY + "/my-response/submit"): Case(
        "POST", lambda w: at(opened_once(w), "/my-response/submit"), _only(200, "carol"), data=_carol_answers
    ),
    ("GET", SURVEY + "/results"): Case("GET", lambda w: at(answered(w), "/results"), READ),
    ("GET", SURVEY + "/proposals"): Case("GET", lambda w: at(answered(w), "/proposals?status=open"), READ),
    ("POST", SURVEY + "/answers/{answer_id}/flag"): Case(
        "POST",
        _of(answered, lambda s: f"/answers/{comment_of(s).pk}/flag"),
        _only(200, *SUPPLIER_LEADS),
    ),
    ("POST", PROPOSAL + "/create-item"): Case(
        "POST",
        _of(answered, lambda s: f"/proposals/{proposal_of(s).pk}/create-item"),
        _only(200, *SUPPLIER_LEADS),
        data=lambda w: {"title": "Pack crates for road transport", "owner_id": w.sam.pk},
    ),
    ("POST", PROPOSAL + "/merge"): Case(
        "POST",
        _of(answered, lambda s: f"/proposals/{proposal_of(s).pk}/merge"),
        _only(200, *SUPPLIER_LEADS),
        data=lambda w: {"item": w.item.key},
    ),
    ("POST", PROPOSAL + "/dismiss"): Case(
        "POST",
        _of(answered, lambda s: f"/proposals/{proposal_of(s).pk}/dismiss"),
        _only(200, *SUPPLIER_LEADS),
        data=lambda w: {"reason": "The carrier changed in March"},
    ),
}
