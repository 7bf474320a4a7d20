"""The demo meetings tell their stories on any reference day: two years of each relationship's meetings
in the guidance's rhythm but one (Telco B's quality reviews lapsed), the next ones scheduled, minutes
approved by both sides, one awaiting the customer, one corrected, topics of every kind, the customers'
forecasts, and the register's items raised at meetings linked to their agenda item.

Built here for a few days; tests/test_demo_any_day.py runs these stories on many more."""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection

from accord.audit.models import AuditEvent
from accord.lib.demo import DemoContext
from accord.lib.months import add_months, month_of
from accord.meetings import rules
from accord.meetings.models import (
    APPROACH_OF,
    FEATURE_STATUSES,
    AgendaItem,
    Approach,
    Approval,
    Forecast,
    Kind,
    Meeting,
    MinutesRevision,
    MinutesStatus,
    Status,
    Topic,
    TopicKind,
    TopicStatus,
    Visibility,
    statuses_for,
)
from accord.parties.access import access_from
from accord.parties.models import Membership, Side
from accord.register.models import ActionItem, SourceKind
from accord.register.models import Visibility as ItemVisibility
from tests.conftest import DEMO_DAY, demo_built_for

TELCO_A, TELCO_B, PHOTON = "northwind-telco-a", "northwind-telco-b", "photon-northwind"
MONTHS = {Approach.A: 6, Approach.B: 6, Approach.D: 3}  # the Cadence defaults
DAYS = [DEMO_DAY, date(2028, 2, 29)]  # and the many days of tests/test_demo_any_day.py


@pytest.fixture(scope="module", params=DAYS, ids=str)
def demo_world(request: Any, django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoContext]:
    with django_db_blocker.unblock(), demo_built_for(request.param) as ctx:
        assert_no_meeting_mail_waits_for_the_commit()
        yield ctx


def assert_no_meeting_mail_waits_for_the_commit() -> None:
    """The demo's invented meetings send no invitation, change or minutes e-mail when it commits."""
    pending = [entry[1] for entry in connection.run_on_commit]  # (savepoints, callback, robust)
    assert not [f for f in pending if "meetings" in getattr(f, "__module__", "")]


@pytest.fixture
def demo(demo_world: DemoContext, db: Any) -> DemoContext:
    return demo_world


def plus_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def now_of(demo: DemoContext) -> datetime:
    return datetime.combine(demo.today, time(12), tzinfo=UTC)


def broken_cadences(demo: DemoContext) -> set[tuple[str, str]]:
    """(relationship, approach) whose last meeting that took place is older than the cadence allows,
    or whose history has a longer gap; approaches a relationship does not practise are not counted."""
    broken = set()
    now = now_of(demo)
    for slug, rel in demo.relationships.items():
        meetings = Meeting.objects.filter(relationship=rel).exclude(status=Status.CANCELLED)
        for approach, months in MONTHS.items():
            kinds = [k for k, a in APPROACH_OF.items() if a == approach]
            days = [
                m.starts_at.date()
                for m in meetings.filter(kind__in=kinds, starts_at__lte=now).order_by("starts_at")
            ]
            if not days:
                continue
            if any(plus_months(a, months) < b for a, b in itertools.pairwise(days)):
                broken.add((slug, approach))
            if plus_months(days[-1], months) < demo.today:
                broken.add((slug, approach))
    return broken


def test_every_rhythm_holds_but_telco_bs_quality_reviews(demo: DemoContext) -> None:
    assert broken_cadences(demo) == {(TELCO_B, Approach.B)}
    telco_b = demo.relationships[TELCO_B]
    cancelled = Meeting.objects.get(relationship=telco_b, status=Status.CANCELLED)
    assert cancelled.kind == Kind.SITE_VISIT and cancelled.sequence == 1  # the calendars were told
    assert (
        not Meeting.objects.filter(relationship=telco_b, kind__in=[Kind.QUALITY_REVIEW, Kind.SITE_VISIT])
        .filter(status=Status.SCHEDULED)
        .exists()
    )


def test_two_years_of_meetings_per_relationship(demo: DemoContext) -> None:
    two_years_ago = now_of(demo) - timedelta(days=700)
    for slug, rel in demo.relationships.items():
        held = Meeting.objects.filter(relationship=rel, status=Status.HELD)
        assert held.filter(starts_at__lte=two_years_ago + timedelta(days=60)).exists(), slug
        assert held.filter(kind=Kind.PROGRAM_REVIEW).count() >= 8, slug
        assert {Kind.QUALITY_REVIEW, Kind.SITE_VISIT} <= set(held.values_list("kind", flat=True)), slug


def test_quality_reviews_alternate_between_the_organization_and_a_customer_site(demo: DemoContext) -> None:
    for slug, rel in demo.relationships.items():
        reviews = Meeting.objects.filter(relationship=rel, kind__in=[Kind.QUALITY_REVIEW, Kind.SITE_VISIT])
        sequence = [m.kind for m in reviews.exclude(status=Status.CANCELLED).order_by("starts_at")]
        assert all(a != b for a, b in itertools.pairwise(sequence)), slug
        for visit in reviews.filter(kind=Kind.SITE_VISIT).select_related("site"):
            assert visit.site is not None and visit.site.party_id == rel.customer_id
            assert visit.host_side == Side.CUSTOMER


def test_telco_a_has_its_next_meetings_ahead(demo: DemoContext) -> None:
    rel, now = demo.relationships[TELCO_A], now_of(demo)
    upcoming = Meeting.objects.filter(relationship=rel).upcoming(now)
    review = upcoming.get(kind=Kind.PROGRAM_REVIEW)
    assert review.starts_at - now < timedelta(days=21)
    assert review.sequence == 1  # moved once after it was scheduled
    quality = upcoming.get(kind__in=[Kind.QUALITY_REVIEW, Kind.SITE_VISIT])
    assert quality.starts_at - now < timedelta(days=42)
    team = upcoming.get(kind=Kind.SET)
    last_team = Meeting.objects.filter(relationship=rel, kind=Kind.SET, status=Status.HELD).latest(
        "starts_at"
    )
    assert team.starts_at.date() <= plus_months(last_team.starts_at.date(), 6)
    for meeting in upcoming:
        assert meeting.status == Status.SCHEDULED and not meeting.outcomes.exists()
        assert meeting.agenda_items.exists() and meeting.attendees.exists()


def _leads(party_id: int) -> set[int]:
    return set(
        Membership.objects.filter(
            party_id=party_id, role__in=rules.APPROVER_ROLES, is_active=True
        ).values_list("user_id", flat=True)
    )


def test_past_minutes_are_approved_by_a_lead_of_each_side(demo: DemoContext) -> None:
    start_of_today = datetime.combine(demo.today, time.min, tzinfo=UTC)
    for meeting in Meeting.objects.filter(status=Status.HELD).exclude(
        minutes_status=MinutesStatus.CIRCULATED
    ):
        rel = meeting.relationship
        assert meeting.minutes_status == MinutesStatus.APPROVED and meeting.starts_at < start_of_today
        for revision in range(1, meeting.minutes_revision + 1):
            approvals = {a.side: a for a in Approval.objects.filter(meeting=meeting, revision=revision)}
            assert set(approvals) == {Side.SUPPLIER, Side.CUSTOMER}, meeting
            assert approvals[Side.SUPPLIER].user_id in _leads(rel.supplier_id)
            assert approvals[Side.CUSTOMER].user_id in _leads(rel.customer_id)
            frozen = MinutesRevision.objects.get(meeting=meeting, revision=revision)
            assert frozen.approved_at is not None and frozen.approved_at < start_of_today
            assert frozen.approved_at >= max(a.at for a in approvals.values()) > meeting.ends_at
            assert frozen.snapshot["revision"] == revision and frozen.snapshot["meeting"]["id"] == meeting.pk
            assert {a["side"] for a in frozen.snapshot["approvals"]} == {"Supplier", "Customer"}
        assert all(item.minutes for item in meeting.agenda_items.all()), meeting
        assert meeting.outcomes.exists(), meeting
        attended = meeting.attendees.filter(attended=True)
        assert {a.side for a in attended if a.side} == {Side.SUPPLIER, Side.CUSTOMER}, meeting
        assert not meeting.attendees.filter(attended=None).exists()


def test_the_team_meeting_minutes_await_telco_as_approval(demo: DemoContext) -> None:
    meeting = Meeting.objects.get(minutes_status=MinutesStatus.CIRCULATED)
    assert meeting.kind == Kind.SET and meeting.relationship.slug == TELCO_A
    assert timedelta(0) < now_of(demo) - meeting.starts_at < timedelta(days=30)
    approvals = Approval.objects.filter(meeting=meeting, revision=meeting.minutes_revision)
    assert list(approvals.values_list("side", flat=True)) == [Side.SUPPLIER]
    assert not MinutesRevision.objects.filter(meeting=meeting).exists()
    carol = access_from(demo.people["carol"], meeting.relationship)
    assert carol is not None and rules.may_approve(carol, meeting)
    circulated = AuditEvent.objects.get(verb="meeting.minutes_circulated", object_id=str(meeting.pk))
    assert circulated.actor == demo.people["fay"]  # she drafts and circulates the team's minutes


def test_one_meetings_minutes_were_corrected(demo: DemoContext) -> None:
    meeting = Meeting.objects.get(minutes_revision=2)
    first, second = MinutesRevision.objects.filter(meeting=meeting).order_by("revision")
    assert first.correction_reason and not second.correction_reason
    assert meeting.minutes_status == MinutesStatus.APPROVED
    decisions = [[d for item in r.snapshot["items"] for d in item["decisions"]] for r in (first, second)]
    assert decisions[0] != decisions[1]
    assert second.snapshot["corrections"] == [{"revision": 1, "reason": first.correction_reason}]


def test_every_relationship_logs_topics_of_every_kind(demo: DemoContext) -> None:
    for slug, rel in demo.relationships.items():
        topics = Topic.objects.filter(relationship=rel)
        assert set(topics.values_list("kind", flat=True)) == set(TopicKind.values), slug
        for topic in topics:
            assert topic.status in statuses_for(topic.kind), topic
            assert topic.is_settled == (topic.closed_on is not None), topic
            assert topic.raised_on < demo.today and topic.updated_at.date() < demo.today
            side = rel.side_of(Membership.objects.get(user=topic.raised_by).party_id)
            assert side == topic.raised_by_side, topic
        private = topics.filter(visibility=Visibility.PRIVATE)
        assert set(private.values_list("private_party_id", flat=True)) == {rel.supplier_id, rel.customer_id}
        notice = topics.filter(kind=TopicKind.CHANGE_NOTICE, status=TopicStatus.OPEN).first()
        assert notice is not None and notice.effective_date and notice.products.exists(), slug
        finding = topics.filter(kind=TopicKind.AUDIT_FINDING).first()
        assert finding is not None and finding.action_items.exists(), slug
    features = Topic.objects.filter(relationship=demo.relationships[TELCO_A], kind=TopicKind.FEATURE_REQUEST)
    assert set(features.values_list("status", flat=True)) == set(FEATURE_STATUSES)
    for status in (TopicStatus.PLANNED, TopicStatus.DELIVERED, TopicStatus.UNDER_REVIEW):
        assert all(t.target_release for t in features.filter(status=status)), status


def test_customers_forecast_the_next_twelve_months(demo: DemoContext) -> None:
    months = [add_months(month_of(demo.today), n) for n in range(12)]
    for slug, rel in demo.relationships.items():
        forecasts = Forecast.objects.filter(relationship=rel)
        products = set(forecasts.values_list("product_id", flat=True))
        assert len(products) >= 2, slug
        for product in products:
            assert list(forecasts.filter(product_id=product).values_list("month", flat=True)) == months
        for forecast in forecasts.select_related("product"):
            assert forecast.product.supplier_id == rel.supplier_id and forecast.quantity > 0
            assert Membership.objects.filter(user=forecast.entered_by, party_id=rel.customer_id).exists()


def test_register_items_raised_at_meetings_link_to_their_agenda_item(demo: DemoContext) -> None:
    agenda_type = ContentType.objects.get_for_model(AgendaItem)
    raised = ActionItem.objects.filter(source_kind=SourceKind.MEETING).select_related("relationship")
    assert raised.count() >= 30
    for item in raised:
        assert item.source_type_id == agenda_type.pk, item
        agenda = AgendaItem.objects.select_related("meeting").get(pk=item.source_id)
        meeting = agenda.meeting
        assert meeting.relationship_id == item.relationship_id, item
        assert meeting.status == Status.HELD and meeting.starts_at <= item.created_at, item
        assert (
            item.source_url == f"/r/{item.relationship.slug}/meetings/{meeting.pk}/#agenda-item-{agenda.pk}"
        )
        assert item.source_label.startswith(meeting.title)
    # the minutes name the shared ones they raised
    for item in raised.filter(visibility=ItemVisibility.SHARED)[:20]:
        assert item.reference in AgendaItem.objects.get(pk=item.source_id).minutes


def test_nothing_private_reaches_the_shared_agenda_and_minutes(demo: DemoContext) -> None:
    assert not AgendaItem.objects.filter(topic__visibility=Visibility.PRIVATE).exists()
    for topic in Topic.objects.filter(visibility=Visibility.SHARED):
        assert not topic.action_items.filter(visibility=ItemVisibility.PRIVATE).exists(), topic
    for topic in Topic.objects.filter(visibility=Visibility.PRIVATE):
        others = topic.action_items.filter(visibility=ItemVisibility.PRIVATE).exclude(
            private_party_id=topic.private_party_id
        )
        assert not others.exists(), topic
    secrets = [t.title for t in Topic.objects.filter(visibility=Visibility.PRIVATE)]
    secrets += [i.reference for i in ActionItem.objects.filter(visibility=ItemVisibility.PRIVATE)]
    secrets += [i.title for i in ActionItem.objects.filter(visibility=ItemVisibility.PRIVATE)]
    texts = [a.minutes for a in AgendaItem.objects.all()]
    texts += [str(r.snapshot) for r in MinutesRevision.objects.all()]
    for secret in secrets:
        assert not any(secret in text for text in texts), secret


def test_fay_facilitates_the_shared_expectations_team(demo: DemoContext) -> None:
    fay, rel = demo.people["fay"], demo.relationships[TELCO_A]
    access = access_from(fay, rel, allow_guest=True)
    assert access is not None
    seen = Meeting.objects.visible_to(access)
    assert seen.count() >= 5 and set(seen.values_list("kind", flat=True)) == {Kind.SET}
    assert seen.filter(status=Status.SCHEDULED).exists() and seen.filter(status=Status.HELD).exists()
    for meeting in seen:
        assert meeting.facilitator == fay and meeting.attendees.filter(user=fay).exists()
    assert not Approval.objects.filter(user=fay).exists()
    assert Meeting.objects.filter(relationship=rel).exclude(kind=Kind.SET).count() > seen.count()


def test_northwind_sits_in_the_customers_seat_with_photon(demo: DemoContext) -> None:
    rel = demo.relationships[PHOTON]
    assert rel.customer.slug == "northwind"
    reviews = Meeting.objects.filter(relationship=rel, kind=Kind.PROGRAM_REVIEW, status=Status.HELD)
    assert reviews.count() >= 8
    customer_approvers = set(
        Approval.objects.filter(meeting__in=reviews, side=Side.CUSTOMER).values_list("user_id", flat=True)
    )
    assert customer_approvers <= _leads(rel.customer_id)
    assert Meeting.objects.filter(relationship=rel, kind=Kind.PROGRAM_REVIEW).upcoming(now_of(demo)).exists()


def test_the_demo_sends_no_meeting_mail(demo: DemoContext) -> None:
    assert_no_meeting_mail_waits_for_the_commit()
    assert mail.outbox == []
