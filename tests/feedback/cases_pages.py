"""The access matrix's cases for the feedback pages (collected through ``access_cases``): the members of
both sides read surveys, results, responses and triage; a supplier lead (Ada, Sam) prepares, opens,
closes, flags and triages; a lead of either side (Carol too) invites; Carol, invited, answers signed in,
and anyone else signed in gets 403 there; Fay (a facilitator) and Mallory get the one 404; the invitation
link answers whoever holds it, signed in or not."""

from __future__ import annotations

from typing import Any

from accord.feedback.models import Answer, Proposal, Survey, SurveyStatus
from tests.access import TA, Case, everyone
from tests.feedback.helpers import answer, invitation, survey, token

BASE = f"/r/{TA}/feedback/"


def readers(status: int) -> dict[str, int]:
    return everyone(status, mallory=404, fay=404)


def supplier_leads(status: int) -> dict[str, int]:
    return everyone(403, ada=status, sam=status, mallory=404, fay=404)


def leads(status: int) -> dict[str, int]:
    return everyone(403, ada=status, sam=status, carol=status, mallory=404, fay=404)


def _open(w: Any) -> Survey:
    """Telco A's open survey: Grace (no account) answered (delivery 2 with a comment: a proposal); Carol
    is invited and has not answered."""
    found = Survey.objects.filter(relationship=w.nw_ta, status=SurveyStatus.OPEN).first()
    if found is None:
        found = survey(w)
        answer(found, {"delivery": (2, "Crates arrive late"), "training": (4, "Good course")})
    return found


def _draft(w: Any) -> Survey:
    return survey(w, open_it=False, title="Yearly relationship survey")


def _door_token(w: Any) -> str:
    """A Telco B survey's link for someone without an account: it answers whoever holds it, signed in or
    not, and shows that survey (Telco B's, so nothing of Telco A reaches anyone through it)."""
    from accord.feedback import services
    from accord.feedback.services import Invitee
    from tests.feedback.helpers import access

    found = Survey.objects.filter(relationship=w.nw_tb).first()
    if found is None:
        tb = access(w, w.sam, w.nw_tb)
        found = services.create_survey(access=tb, title="Lyon CO visit", closes_on=_open(w).closes_on)
        services.invite(
            access=tb, survey=found, invitees=[Invitee(function="operation", email="ops@telco-b.example")]
        )
        found = services.open_survey(access=tb, survey=found)
    return token(found, "ops@telco-b.example")


def _send_again_url(w: Any) -> str:
    s = _open(w)
    return f"{BASE}{s.number}/invitations/{invitation(s, 'carol@telco-a.example').pk}/send-again/"


def _proposal(w: Any) -> Proposal:
    return Proposal.objects.get(survey=_open(w), answer__area__key="delivery")


def _comment(w: Any) -> Answer:
    return Answer.objects.get(response__survey=_open(w), area__key="training")


def _decide_data(w: Any) -> dict[str, str]:
    p = _proposal(w)
    return {
        f"p{p.pk}-decision": "dismiss",
        f"p{p.pk}-reason": "Fixed by the new carrier",
        f"p{p.pk}-owner_side": "supplier",
        f"p{p.pk}-priority": "medium",
    }


def _survey_data(w: Any) -> dict[str, str]:
    s = _open(w)
    return {
        "title": "Munich core site visit",
        "closes_on": s.closes_on.isoformat(),
        "version": str(s.version),
    }


PAGES: dict[str, Case] = {
    "feedback:list": Case("GET", lambda w: BASE, readers(200)),
    "feedback:new": Case("GET", lambda w: BASE + "new/", supplier_leads(200)),
    "feedback:areas": Case("GET", lambda w: BASE + "areas/", readers(200)),
    "feedback:survey": Case("GET", lambda w: f"{BASE}{_open(w).number}/", readers(200)),
    "feedback:edit": Case("GET", lambda w: f"{BASE}{_open(w).number}/edit/", supplier_leads(200)),
    "feedback:open": Case("POST", lambda w: f"{BASE}{_draft(w).number}/open/", supplier_leads(302)),
    "feedback:close": Case("POST", lambda w: f"{BASE}{_open(w).number}/close/", supplier_leads(302)),
    "feedback:invite": Case("GET", lambda w: f"{BASE}{_open(w).number}/invite/", leads(200)),
    "feedback:send_again": Case("POST", _send_again_url, leads(302)),
    "feedback:results": Case("GET", lambda w: f"{BASE}{_open(w).number}/results/", readers(200)),
    "feedback:pdf": Case("GET", lambda w: f"{BASE}{_open(w).number}/visit.pdf", readers(200)),
    "feedback:xlsx": Case("GET", lambda w: f"{BASE}{_open(w).number}/results.xlsx", readers(200)),
    "feedback:response": Case("GET", lambda w: f"{BASE}{_open(w).number}/responses/1/", readers(200)),
    "feedback:flag": Case(
        "POST", lambda w: f"{BASE}{_open(w).number}/answers/{_comment(w).pk}/flag/", supplier_leads(302)
    ),
    "feedback:triage": Case("GET", lambda w: f"{BASE}{_open(w).number}/triage/", readers(200)),
    "feedback:decide": Case(
        "POST",
        lambda w: f"{BASE}{_open(w).number}/proposals/{_proposal(w).pk}/",
        supplier_leads(302),
        data=_decide_data,
    ),
    "feedback:answer": Case(
        "GET", lambda w: f"{BASE}{_open(w).number}/answer/", everyone(403, carol=200, mallory=404, fay=404)
    ),
    "feedback:door": Case("GET", lambda w: f"/f/{_door_token(w)}/", everyone(200, anonymous=200)),
}
