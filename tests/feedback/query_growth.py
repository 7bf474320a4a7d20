"""How the feedback API's lists grow, for tests/api/test_query_counts.py: each entry is (who calls, the
URL, how its rows grow, how to count the rows of an answer). Kept here so the feedback's part of that
test lives in the feedback's folder.

Rows that no service adds to an existing record (more areas in a version that exists, more answers in a
submitted response) are added to the database directly: what is measured is the reading."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from accord.feedback import answering, services, triage
from accord.feedback.answering import AreaAnswer
from accord.feedback.models import Answer, Proposal, Response, Survey, TemplateArea
from accord.feedback.services import AreaInput, Invitee
from accord.parties.access import access_from
from accord.parties.models import Role
from tests.conftest import make_user
from tests.feedback.api_helpers import api, at
from tests.feedback.helpers import access, answer, survey

SERIAL = itertools.count(1)
BIG = 40  # areas of the template the long responses answer


def _first(w: Any) -> Survey:
    """Telco A's FB-1 (open; Carol and Grace invited), made by the first URL asked for it."""
    return Survey.objects.filter(relationship=w.nw_ta, number=1).first() or survey(w)


def _big(w: Any) -> Survey:
    """FB-1 on a template of ``BIG`` areas, so a response can grow by many answers."""
    found = Survey.objects.filter(relationship=w.nw_ta, number=1).first()
    if found is None:
        areas = [AreaInput(title=f"Area {i}", question=f"Question {i}?") for i in range(BIG)]
        services.save_template(access=access(w), areas=areas, version=1)
        found = survey(w)
    return found


def _someone(w: Any, s: Survey) -> str:
    """A new person invited to ``s``: every other one a new member of Telco A (by account)."""
    k = next(SERIAL)
    if k % 2:
        user = make_user(f"person{k}@telco-a.example", f"Person {k}", w.telco_a, Role.VIEWER)
        invitee = Invitee(function="installation", user_id=user.pk)
        email = user.email
    else:
        email = f"guest{k}@telco-a.example"
        invitee = Invitee(function="operation", name=f"Guest {k}", email=email)
    services.invite(access=access(w), survey=s, invitees=[invitee])
    return email


def grow_template(w: Any, n: int) -> None:
    """A new version with ``n`` more areas."""
    latest = services.current_template(w.nw_ta)
    kept = [AreaInput(key=a.key, title=a.title, question=a.question) for a in latest.areas.all()]
    more = [AreaInput(title=f"Extra {next(SERIAL)}", question="And this?") for _ in range(n)]
    services.save_template(access=access(w), areas=kept + more, version=latest.version)


def grow_version_1(w: Any, n: int) -> None:
    template = services.current_template(w.nw_ta)
    last = template.areas.count()
    TemplateArea.objects.bulk_create(
        TemplateArea(
            template=template, position=last + i, key=f"x{next(SERIAL)}", title=f"X{i}", question="?"
        )
        for i in range(1, n + 1)
    )


def grow_surveys(w: Any, n: int) -> None:
    """Drafts, open ones and answered ones with a proposal, some tied to no site."""
    for i in range(n):
        made = survey(w, open_it=i % 3 != 0, site=None if i % 2 else w.ta_site)
        if i % 3 == 2:
            answer(made, {"delivery": (1, "Late"), "quality": 4})


def grow_invitations(w: Any, n: int) -> None:
    s = _first(w)
    for i in range(n):
        email = _someone(w, s)
        if i % 2:
            answer(s, {"delivery": 3}, email=email)


def grow_responses(w: Any, n: int) -> None:
    s = _first(w)
    for i in range(n):
        answer(s, {"delivery": (1 + i % 5, "Comment"), "training": "na"}, email=_someone(w, s))


def _answered_one(w: Any) -> Response:
    s = _big(w)
    found = Response.objects.filter(survey=s, number=1).first()
    if found is None:
        area = s.template.areas.first()
        assert area is not None
        found = answer(s, {area.key: (2, "Weak")})
    return found


def grow_answers(w: Any, n: int) -> None:
    """More answers in the submitted R1 of FB-1, every other one with a proposal."""
    response = _answered_one(w)
    taken = set(response.answers.values_list("area_id", flat=True))
    free = [a for a in response.survey.template.areas.all() if a.pk not in taken][:n]
    for i, area in enumerate(free):
        made = Answer.objects.create(response=response, area=area, rating=1 + i % 5, comment=f"Said {i}")
        if i % 2:
            Proposal.objects.create(survey=response.survey, answer=made, reason="flagged")


def grow_my_answers(w: Any, n: int) -> None:
    """More answers in Carol's draft of FB-1."""
    s = _big(w)
    invitation = s.invitations.get(user=w.carol)
    response = answering.response_for(invitation)
    taken = set(response.answers.values_list("area_id", flat=True)) if response else set()
    free = [a for a in s.template.areas.all() if a.pk not in taken][:n]
    answering.save_as_member(
        access=access(w, w.carol),
        invitation=invitation,
        answers=[AreaAnswer(area_id=a.pk, rating=1 + i % 5, comment=f"Mine {i}") for i, a in enumerate(free)],
    )


def grow_results(w: Any, n: int) -> None:
    """Responses with a comment each (of both functions; every other one a weak rating)."""
    s = _first(w)
    for i in range(n):
        answer(s, {"delivery": (2 if i % 2 else 4, f"Comment {i}"), "quality": 5}, email=_someone(w, s))


def grow_proposals(w: Any, n: int) -> None:
    """Weak ratings, each a proposal; some triaged into a new item, into the shared item or away."""
    s = _first(w)
    ada = access_from(w.ada, w.nw_ta)
    for i in range(n):
        answer(s, {"delivery": (1, f"Broken {i}")}, email=_someone(w, s))
        proposal = Proposal.objects.filter(survey=s).order_by("-pk").first()
        assert proposal is not None
        if i % 4 == 1:
            triage.create_item(access=ada, proposal=proposal, title=f"Fix {i}", owner=w.sam)
        elif i % 4 == 2:
            triage.merge(access=ada, proposal=proposal, item=w.item)
        elif i % 4 == 3:
            triage.dismiss(access=ada, proposal=proposal, reason="Known")


Growth = tuple[str, Callable[[Any], str], Callable[[Any, int], None], Callable[[Any], int]]
SURVEY = "/relationships/{rel_id}/feedback/surveys/{survey_number}"

LISTS: dict[str, Growth] = {
    "/relationships/{rel_id}/feedback/areas": (
        "vic",
        lambda w: api(w, "/areas"),
        grow_template,
        lambda b: len(b["areas"]),
    ),
    "/relationships/{rel_id}/feedback/areas/{template_version}": (
        "carol",
        lambda w: api(w, "/areas/1"),
        grow_version_1,
        lambda b: len(b["areas"]),
    ),
    "/relationships/{rel_id}/feedback/surveys": ("val", lambda w: api(w, "/surveys"), grow_surveys, len),
    SURVEY + "/invitations": ("ada", lambda w: at(_first(w), "/invitations"), grow_invitations, len),
    SURVEY + "/responses": ("vic", lambda w: at(_first(w), "/responses"), grow_responses, len),
    SURVEY + "/responses/{response_number}": (
        "sam",
        lambda w: at(_answered_one(w).survey, "/responses/1"),
        grow_answers,
        lambda b: len(b["answers"]),
    ),
    SURVEY + "/my-response": (
        "carol",
        lambda w: at(_big(w), "/my-response"),
        grow_my_answers,
        lambda b: len(b["answers"]),
    ),
    SURVEY + "/results": (
        "ada",
        lambda w: at(_first(w), "/results"),
        grow_results,
        lambda b: sum(len(a["comments"]) for a in b["areas"]),
    ),
    SURVEY + "/proposals": ("carol", lambda w: at(_first(w), "/proposals"), grow_proposals, len),
}
