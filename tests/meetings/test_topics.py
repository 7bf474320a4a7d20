"""The topic log's rules (``meetings.topics``): statuses by kind, the raising side, kind-specific
fields, visibility and linked action items, stale versions, and the audit trail of every write."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.audit.models import AuditEvent
from accord.lib.errors import Conflict
from accord.meetings import topics
from accord.meetings.models import Topic, TopicStatus
from accord.parties import services as parties
from tests.meetings.topic_helpers import access, concern, raise_topic, supplier_secret


def _errors(caught: Any) -> dict[str, list[str]]:
    return caught.value.message_dict


def test_a_feature_request_starts_new_and_other_topics_start_open(world: Any) -> None:
    assert raise_topic(world, kind="feature_request").status == TopicStatus.NEW
    assert raise_topic(world, kind="quality_issue").status == TopicStatus.OPEN


def test_a_topic_is_raised_by_its_writers_side_unless_they_say_otherwise(world: Any) -> None:
    assert raise_topic(world).raised_by_side == "customer"
    told = raise_topic(world, by=world.sam, raised_by_side="customer", title="Told at the review")
    assert (told.raised_by_side, told.raised_by) == ("customer", world.sam)
    assert raise_topic(world, by=world.sam, kind="organization_concern").raised_by_side == "supplier"


def test_a_feature_request_goes_from_new_through_review_and_plan_to_delivered(world: Any) -> None:
    sam = access(world, world.sam)
    topic = raise_topic(world, kind="feature_request", title="Per-port alarm suppression")
    topic = topics.change_status(access=sam, topic=topic, version=topic.version, status="under_review")
    with pytest.raises(ValidationError) as caught:
        topics.change_status(access=sam, topic=topic, version=topic.version, status="planned")
    assert "target release" in _errors(caught)["target_release"][0]
    topic = topics.change_status(
        access=sam, topic=topic, version=topic.version, status="planned", target_release="R7.3"
    )
    assert (topic.status, topic.target_release, topic.closed_on) == ("planned", "R7.3", None)
    topic = topics.change_status(access=sam, topic=topic, version=topic.version, status="delivered")
    assert topic.status == "delivered"
    assert topic.closed_on == timezone.localdate()
    assert topic.is_settled


def test_a_status_the_kind_does_not_allow_is_refused_with_the_allowed_ones(world: Any) -> None:
    sam = access(world, world.sam)
    request = raise_topic(world, kind="feature_request")
    with pytest.raises(ValidationError) as caught:
        topics.change_status(access=sam, topic=request, version=1, status="delivered")
    assert "under review, declined" in _errors(caught)["status"][0]
    other = raise_topic(world)
    for status in ("planned", "new", "open"):
        with pytest.raises(ValidationError):
            topics.change_status(access=sam, topic=other, version=1, status=status)


def test_closing_a_topic_sets_its_closing_day_and_reopening_clears_it(world: Any) -> None:
    carol = access(world, world.carol)
    topic = raise_topic(world)
    topic = topics.change_status(access=carol, topic=topic, version=1, status="closed")
    assert topic.closed_on == timezone.localdate()
    topic = topics.change_status(access=carol, topic=topic, version=topic.version, status="open")
    assert topic.closed_on is None
    verbs = list(
        AuditEvent.objects.filter(object_type="meetings.topic", object_id=str(topic.pk)).values_list(
            "verb", "changes__status"
        )
    )
    assert ("topic.status", ["open", "closed"]) in verbs and ("topic.status", ["closed", "open"]) in verbs


def test_a_change_notice_has_an_effective_date_and_affected_products_of_the_supplier(world: Any) -> None:
    day = timezone.localdate()
    notice = raise_topic(
        world,
        by=world.sam,
        kind="change_notice",
        effective_date=day,
        products=[world.product],
        title="PCN 12",
    )
    assert list(notice.products.all()) == [world.product]
    theirs = parties.create_product(
        actor=None, supplier=world.telco_a, code="TA-1", name="Telco A's own", category=world.category
    )
    with pytest.raises(ValidationError) as caught:
        raise_topic(world, by=world.sam, kind="change_notice", products=[theirs])
    assert "Northwind" in _errors(caught)["products"][0]


def test_fields_of_another_kind_are_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        raise_topic(world, effective_date=timezone.localdate(), target_release="R8", products=[world.product])
    assert set(_errors(caught)) == {"effective_date", "target_release", "products"}
    assert not Topic.objects.exists()


def test_a_topic_does_not_become_or_stop_being_a_feature_request(world: Any) -> None:
    carol = access(world, world.carol)
    topic = raise_topic(world)
    with pytest.raises(ValidationError) as caught:
        topics.update_topic(access=carol, topic=topic, version=1, kind="feature_request")
    assert "Raise a new topic" in _errors(caught)["kind"][0]
    moved = topics.update_topic(access=carol, topic=topic, version=1, kind="quality_issue")
    assert (moved.kind, moved.version) == ("quality_issue", 2)


def test_an_edit_from_a_stale_version_is_refused(world: Any) -> None:
    carol = access(world, world.carol)
    topic = raise_topic(world)
    topics.update_topic(access=carol, topic=topic, version=1, title="Alarm floods after 7.2")
    with pytest.raises(Conflict):
        topics.update_topic(access=carol, topic=topic, version=1, title="Mine")
    with pytest.raises(Conflict):
        topics.change_status(access=carol, topic=topic, version=1, status="closed")


def test_viewers_and_the_facilitator_change_no_topic(world: Any) -> None:
    topic = concern(world)
    for person in (world.vic, world.val):
        with pytest.raises(PermissionDenied):
            raise_topic(world, by=person)
        with pytest.raises(PermissionDenied):
            topics.change_status(access=access(world, person), topic=topic, version=1, status="closed")


def test_a_shared_topic_may_not_link_a_private_action_item(world: Any) -> None:
    ada = access(world, world.ada)
    shared = raise_topic(world, by=world.ada, kind="quality_issue")
    with pytest.raises(ValidationError) as caught:
        topics.link_items(access=ada, topic=shared, keys=["S1"])
    assert "TLA-S0001" in _errors(caught)["keys"][0]
    assert "other side would see" in _errors(caught)["keys"][0]
    assert not shared.action_items.exists()


def test_a_private_topic_links_its_sides_private_items_and_is_shared_only_without_them(world: Any) -> None:
    ada = access(world, world.ada)
    secret = supplier_secret(world)
    topics.link_items(access=ada, topic=secret, keys=["S1", "1"])
    assert {i.key for i in topics.linked_items(ada, secret)} == {"S1", "1"}
    with pytest.raises(ValidationError) as caught:
        topics.update_topic(access=ada, topic=secret, version=secret.version, visibility="shared")
    assert "TLA-S0001" in _errors(caught)["visibility"][0]
    topics.unlink_items(access=ada, topic=secret, keys=["TLA-S0001"])
    shared = topics.update_topic(access=ada, topic=secret, version=secret.version, visibility="shared")
    assert (shared.visibility, shared.private_party) == ("shared", None)


def test_a_shared_topic_stays_shared(world: Any) -> None:
    topic = concern(world)
    with pytest.raises(ValidationError) as caught:
        topics.update_topic(access=access(world, world.carol), topic=topic, version=1, visibility="private")
    assert "stays shared" in _errors(caught)["visibility"][0]


def test_a_private_topic_belongs_to_its_creators_party(world: Any) -> None:
    secret = supplier_secret(world)
    assert (secret.visibility, secret.private_party) == ("private", world.northwind)


def test_linking_names_only_items_the_viewer_may_see(world: Any) -> None:
    topic = concern(world)
    with pytest.raises(ValidationError) as caught:
        topics.link_items(access=access(world, world.carol), topic=topic, keys=["S1"])
    assert "No action item numbered S1" in _errors(caught)["keys"][0]
    with pytest.raises(ValidationError):
        topics.unlink_items(access=access(world, world.carol), topic=topic, keys=["S1"])


def test_an_internal_audit_findings_improvement_actions_are_its_linked_items(world: Any) -> None:
    ada = access(world, world.ada)
    finding = raise_topic(world, by=world.ada, kind="audit_finding", title="Calibration records missing")
    topics.link_items(access=ada, topic=finding, keys=["TLA-0001"])
    assert [i.key for i in topics.linked_items(ada, finding)] == ["1"]
    event = AuditEvent.objects.get(verb="topic.linked", object_id=str(finding.pk))
    assert event.changes == {"action_items": [[], ["TLA-0001"]]}


def test_every_write_of_a_topic_is_audited(world: Any) -> None:
    carol = access(world, world.carol)
    topic = concern(world)
    topics.update_topic(access=carol, topic=topic, version=1, description="Seen on 3 nodes")
    topics.change_status(access=carol, topic=topic, version=2, status="closed")
    topics.unlink_items(access=carol, topic=topic, keys=["1"])
    events = AuditEvent.objects.filter(object_type="meetings.topic", object_id=str(topic.pk))
    verbs = set(events.values_list("verb", flat=True))
    assert verbs == {"topic.created", "topic.linked", "topic.updated", "topic.status", "topic.unlinked"}
    assert set(events.values_list("relationship", flat=True)) == {world.nw_ta.pk}
