"""The demo's site-visit feedback tells its story on any reference day: three surveys for each customer
of Northwind, answered by several of the customer's functions (some with no account), one weak area per
customer that was rated poorly at the first visit, became action items (created, merged, dismissed with
a reason) and improved at the later ones; every issue raised triaged but one, in Telco A's survey still
open ahead of the Berlin visit, where an external installer has not answered yet. Built here for the
reference day; tests/test_demo_any_day.py runs these stories on many more."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Avg

from accord.feedback import exports
from accord.feedback.exports import months_between, visit_day
from accord.feedback.models import (
    Answer,
    Invitation,
    Proposal,
    ProposalStatus,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
)
from accord.lib.demo import DemoContext
from accord.meetings.models import Kind
from accord.meetings.models import Status as MeetingStatus
from accord.parties.access import access_from
from accord.register.models import ActionItem, SourceKind
from tests.conftest import DEMO_DAY, demo_built_for
from tests.feedback.test_exports import pdf_text

TELCO_A, TELCO_B = "northwind-telco-a", "northwind-telco-b"
WEAK = {TELCO_A: "documentation", TELCO_B: "training"}


@pytest.fixture(scope="module")
def demo_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoContext]:
    with django_db_blocker.unblock(), demo_built_for(DEMO_DAY) as ctx:
        yield ctx


@pytest.fixture
def demo(demo_world: DemoContext, db: Any) -> DemoContext:
    return demo_world


def surveys(demo: DemoContext, slug: str) -> list[Survey]:
    return list(
        Survey.objects.filter(relationship=demo.relationships[slug])
        .select_related("meeting__site", "site", "relationship")
        .order_by("number")
    )


def start_of(demo: DemoContext) -> datetime:
    return datetime.combine(demo.today, time.min, tzinfo=UTC)


def test_each_customer_has_three_site_visit_surveys(demo: DemoContext) -> None:
    for slug in (TELCO_A, TELCO_B):
        found = surveys(demo, slug)
        assert [s.number for s in found] == [1, 2, 3], slug
        assert [s.created_at for s in found] == sorted(s.created_at for s in found), slug
        for survey in found:
            # a customer site, where the equipment had run less than a year at the visit
            assert survey.site is not None and survey.site.party_id == survey.relationship.customer_id
            assert survey.equipment and survey.equipment_since is not None
            assert 0 <= months_between(survey.equipment_since, visit_day(survey)) < 12, survey
            if survey.meeting is not None:
                assert survey.meeting.kind == Kind.SITE_VISIT and survey.meeting.site == survey.site
    telco_a = surveys(demo, TELCO_A)
    assert all(s.meeting is not None for s in telco_a)  # the meetings demo's site visits
    assert [s.meeting.status for s in telco_a if s.meeting] == ["held", "held", "scheduled"]
    telco_b = surveys(demo, TELCO_B)
    assert telco_b[0].meeting is not None and telco_b[0].meeting.status == MeetingStatus.HELD
    assert telco_b[1].anonymous  # and its site visits lapsed: the others ask without a visit
    assert not Survey.objects.filter(relationship=demo.relationships["photon-northwind"]).exists()


def test_responses_come_from_several_functions_with_and_without_an_account(demo: DemoContext) -> None:
    for survey in Survey.objects.all():
        answered = Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
        assert answered.count() >= 4, survey
        assert len(set(answered.values_list("function", flat=True))) >= 4, survey
        assert answered.filter(invitation__user__isnull=True).exists(), survey  # by their personal link
        numbers = list(answered.order_by("submitted_at").values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1)), survey
    assert Response.objects.filter(invitation__user__isnull=False, status=ResponseStatus.SUBMITTED).exists()


def weak_means(demo: DemoContext, slug: str) -> list[float]:
    return [
        float(
            Answer.objects.filter(
                response__survey=survey,
                response__status=ResponseStatus.SUBMITTED,
                area__key=WEAK[slug],
                rating__isnull=False,
            ).aggregate(m=Avg("rating"))["m"]
        )
        for survey in surveys(demo, slug)
    ]


def test_one_weak_area_per_customer_led_to_action_items_and_improved(demo: DemoContext) -> None:
    for slug in (TELCO_A, TELCO_B):
        first, second, third = weak_means(demo, slug)
        assert first < 2.5 < second < third and third >= 4, (slug, first, second, third)
        raised = Proposal.objects.filter(survey=surveys(demo, slug)[0], answer__area__key=WEAK[slug])
        assert raised.filter(status=ProposalStatus.CREATED).exists(), slug
        assert raised.filter(status=ProposalStatus.MERGED).exists(), slug
        # the items it led to were done and verified before the next visit
        items = ActionItem.objects.filter(pk__in=raised.values("item_id"))
        assert items and all(i.status == "verified" for i in items), slug
        assert max(i.closed_at for i in items if i.closed_at) < surveys(demo, slug)[1].opened_at


def test_every_issue_raised_was_triaged_but_one_in_the_open_survey(demo: DemoContext) -> None:
    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert statuses == {"open", "created", "merged", "dismissed"}
    still_open = Proposal.objects.get(status=ProposalStatus.OPEN)
    survey = still_open.survey
    assert survey.relationship.slug == TELCO_A and survey.status == SurveyStatus.OPEN
    assert survey == surveys(demo, TELCO_A)[-1]
    assert Survey.objects.filter(status=SurveyStatus.OPEN).count() == 1
    for proposal in Proposal.objects.exclude(status=ProposalStatus.OPEN):
        assert proposal.decided_by is not None and proposal.decided_at is not None
        assert proposal.created_at <= proposal.decided_at < start_of(demo)
        if proposal.status == ProposalStatus.DISMISSED:
            assert proposal.dismiss_reason and proposal.item is None
        else:
            assert proposal.item is not None
            assert proposal.item.relationship_id == proposal.survey.relationship_id
    assert Proposal.objects.filter(reason="flagged").exists()  # a comment a reviewer flagged


def test_the_open_survey_waits_for_an_external_installer_ahead_of_the_visit(demo: DemoContext) -> None:
    survey = surveys(demo, TELCO_A)[-1]
    assert survey.meeting is not None and survey.meeting.starts_at.date() > demo.today
    assert survey.closes_on >= demo.today and survey.opened_at is not None
    pending = Invitation.objects.filter(survey=survey, submitted_at__isnull=True)
    assert pending.filter(user__isnull=True, response__isnull=True).count() == 1  # no account, no answer
    assert Response.objects.filter(survey=survey, status=ResponseStatus.DRAFT).count() == 1  # a draft saved
    assert all(i.expires_at > start_of(demo) for i in pending)


def test_items_created_from_feedback_have_the_response_as_their_source(demo: DemoContext) -> None:
    response_type = ContentType.objects.get_for_model(Response)
    created = Proposal.objects.filter(status="created").values_list("item_id", flat=True)
    items = ActionItem.objects.filter(pk__in=created).select_related("relationship")
    assert items.count() >= 8
    # (the register's demo has older items from site-visit feedback too: plain text, no source record)
    assert set(items) == set(ActionItem.objects.filter(source_type=response_type))
    for item in items:
        assert item.source_kind == SourceKind.FEEDBACK and item.visibility == "shared", item
        assert item.source_type_id == response_type.pk
        response = Response.objects.select_related("survey").get(pk=item.source_id)
        survey = response.survey
        assert survey.relationship_id == item.relationship_id
        assert (
            item.source_url
            == f"/r/{item.relationship.slug}/feedback/{survey.number}/responses/{response.number}/"
        )
        assert survey.ref in item.source_label
        assert response.submitted_at is not None and response.submitted_at <= item.created_at < start_of(demo)


def test_the_times_tell_the_story(demo: DemoContext) -> None:
    today = start_of(demo)
    for survey in Survey.objects.all():
        assert survey.opened_at is not None and survey.created_at < survey.opened_at < today, survey
        assert survey.template.created_at <= survey.created_at
        answered = Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
        for response in answered:
            assert response.submitted_at is not None and survey.opened_at < response.submitted_at < today
        if survey.status == SurveyStatus.CLOSED:
            assert survey.closed_at is not None and survey.closed_at < today
            assert survey.closes_on < survey.closed_at.date()
            assert all(r.submitted_at and r.submitted_at.date() <= survey.closes_on for r in answered)
        for invitation in survey.invitations.all():
            assert invitation.created_at < survey.opened_at and invitation.sent_at == survey.opened_at


def test_the_demo_sends_no_feedback_mail(demo: DemoContext) -> None:
    from django.core import mail

    pending = [entry[1] for entry in connection.run_on_commit]
    assert not [f for f in pending if "feedback" in f"{getattr(f, '__module__', '')}{f!r}"]
    assert mail.outbox == []


def test_the_visit_record_of_the_open_survey_shows_what_is_still_open(demo: DemoContext) -> None:
    survey = surveys(demo, TELCO_A)[-1]
    carol = access_from(demo.people["carol"], survey.relationship)
    assert carol is not None
    text = pdf_text(exports.visit_pdf(carol, survey))
    assert "Berlin network lab" in text and "Scheduled · hosted by Telco A" in text
    assert "1 proposal is still open: it waits for the supplier's triage." in text
    assert "Installation 2 1 Jonas Weber† (not yet)" in text
    assert "Sofia Richter† (draft, not submitted)" in text
    assert "in service 3 months" in text or "in service 4 months" in text
