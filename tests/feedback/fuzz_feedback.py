"""Feedback for the API fuzzer (tests/fuzz/harness.py): of each relationship, a draft survey, an open
one tied to a site visit with submitted responses (a weak rating, so an open proposal, and a flagged
comment) and an invited member who has not answered (Carol, Mallory), an anonymous open one, and a
closed one whose proposal became an item; Telco A's areas in a second version.

Ids by path parameter name (``proposal_id`` joins the register's proposals' ids), and body values the
services accept: whole lists where the fields are nested (answers, invitees, areas), so generated
requests reach the services and not only their validation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accord.feedback import answering, services, triage
from accord.feedback.answering import AreaAnswer
from accord.feedback.models import Answer, Invitation, Proposal, Survey, SurveyTemplate, TemplateArea
from accord.feedback.services import AreaInput, Invitee
from accord.meetings.models import Kind, Meeting
from accord.parties.access import access_from

LOW_AND_SAID = [("delivery", 1, "Crates arrive damaged"), ("quality", 4, "Stable"), ("invoices", None, "")]


def _answer(invitation: Invitation) -> None:
    ids = dict(invitation.survey.template.areas.values_list("key", "pk"))
    answering.save(
        invitation=invitation,
        answers=[
            AreaAnswer(area_id=ids[k], rating=r, not_applicable=r is None, comment=c)
            for k, r, c in LOW_AND_SAID
        ],
        submit=True,
    )


def _site_visit(world: Any, rel: Any, supplier: Any, site: Any) -> Any:
    from accord.meetings import services as meetings
    from tests.meetings.helpers import at

    return meetings.schedule(
        access=access_from(supplier, rel),
        kind=Kind.SITE_VISIT,
        title="Site visit",
        starts_at=at(10),
        ends_at=at(10, 13),
        time_zone="Europe/Berlin",
        host_side="customer",
        site=site,
    )


def _surveys(world: Any, rel: Any, supplier: Any, member: Any, site: Any) -> list[Survey]:
    lead = access_from(supplier, rel)
    closes = timezone.localdate() + timedelta(days=21)
    visit = _site_visit(world, rel, supplier, site)
    made = []
    for title, anonymous, meeting in (
        ("Draft", False, None),
        ("Visit", False, visit),
        ("Anonymous", True, None),
        ("Closed", False, None),
    ):
        s = services.create_survey(
            access=lead, title=title, closes_on=closes, meeting=meeting, anonymous=anonymous
        )
        services.invite(
            access=lead,
            survey=s,
            invitees=[
                Invitee(function="engineering", user_id=member.pk),
                Invitee(function="operation", name="Grace", email=f"grace-{rel.pk}@example.com"),
                Invitee(function="installation", name="Ivan", email=f"ivan-{rel.pk}@example.com"),
            ],
        )
        made.append(s)
    for s in made[1:]:
        s = services.open_survey(access=lead, survey=s)
        for email in (f"grace-{rel.pk}@example.com", f"ivan-{rel.pk}@example.com"):
            _answer(Invitation.objects.select_related("survey__relationship").get(survey=s, email=email))
    said = Answer.objects.filter(response__survey=made[1], area__key="quality").first()
    assert said is not None
    triage.flag(access=lead, answer=said)
    closed = Survey.objects.get(pk=made[3].pk)
    first = Proposal.objects.filter(survey=closed).first()
    assert first is not None
    triage.create_item(access=lead, proposal=first, title="Pack crates for road transport")
    services.close_survey(access=lead, survey=closed, version=closed.version)
    return made


def seed_feedback(world: Any) -> dict[str, list[Any]]:
    """Telco A's (Ada's) and Telco B's (Sam's) surveys; Carol and Mallory each invited, not answered."""
    services.save_template(
        access=access_from(world.ada, world.nw_ta),
        areas=[
            AreaInput(key=a.key, title=a.title, question=a.question)
            for a in services.current_template(world.nw_ta).areas.all()
        ]
        + [AreaInput(title="Spare parts", question="How quickly do spares arrive?")],
        note="Spare parts",
        version=1,
    )
    surveys = _surveys(world, world.nw_ta, world.ada, world.carol, world.ta_site)
    surveys += _surveys(world, world.nw_tb, world.sam, world.mallory, world.tb_site)
    ids = [s.pk for s in surveys]
    return {
        "survey_number": sorted({s.number for s in surveys}),
        "template_version": [1, 2, 3],
        "invitation_id": list(Invitation.objects.filter(survey_id__in=ids).values_list("pk", flat=True)),
        "response_number": [1, 2, 3],
        "answer_id": list(Answer.objects.filter(response__survey_id__in=ids).values_list("pk", flat=True)),
        "proposal_id": list(Proposal.objects.filter(survey_id__in=ids).values_list("pk", flat=True)),
    }


def known_values(world: Any) -> dict[str, list[Any]]:
    """Whole answers, invitees and areas lists of both relationships (an area of one relationship in
    the other's survey is a forged one), the people, items and days the services take."""
    areas = list(
        TemplateArea.objects.filter(
            template__in=SurveyTemplate.objects.filter(relationship__in=[world.nw_ta, world.nw_tb])
        ).values_list("pk", flat=True)
    )
    today = timezone.localdate()
    return {
        "answers": [[{"area_id": a, "rating": 1 + a % 5, "comment": "Fine"}] for a in areas[::7]]
        + [[{"area_id": areas[0], "not_applicable": True}], []],
        "invitees": [
            [{"function": "procurement", "name": "Pat", "email": "pat@example.com"}],
            [{"function": "engineering", "user_id": world.carol.pk}],
            [{"function": "other", "user_id": world.mallory.pk}],
        ],
        "areas": [
            [{"key": "delivery", "title": "Delivery", "question": "On time?"}],
            [{"title": "Spare parts", "question": "How quickly?"}],
            [  # one area twice (a 500 once: the key is unique per version)
                {"key": "delivery", "title": "Delivery", "question": "On time?"},
                {"key": "delivery", "title": "Deliveries", "question": "Complete?"},
            ],
        ],
        "item": [world.item.key, world.private_item.key, "C1", "1"],
        "status": ["draft", "open", "closed", "created", "merged", "dismissed"],
        "closes_on": [(today + timedelta(days=d)).isoformat() for d in (0, 14, 400)],
        "equipment_since": ["2019-06-01"],
        "due_date": [(today + timedelta(days=30)).isoformat()],
        "user_id": [world.carol.pk, world.vic.pk, world.mallory.pk],
        "site_id": [world.ta_site.pk, world.tb_site.pk],
        "meeting_id": list(Meeting.objects.filter(kind=Kind.SITE_VISIT).values_list("pk", flat=True)),
    }
