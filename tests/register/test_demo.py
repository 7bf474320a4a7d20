"""The demo registers: enough items, with the variety a first look at Accord should show."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.db.models import Count

from accord.lib.demo import DemoContext
from accord.parties.access import access_from
from accord.parties.models import Membership
from accord.register.models import (
    ActionItem,
    ActionUpdate,
    OwnerSide,
    SourceKind,
    Status,
    TaskForce,
    UpdateKind,
    Visibility,
)
from tests.conftest import DEMO_DAY, demo_built_for


@pytest.fixture(scope="module")
def demo_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoContext]:
    """The demo is built once for this module, for a fixed day, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), demo_built_for(DEMO_DAY) as ctx:
        assert_no_mail_waits_for_the_commit()
        yield ctx


def assert_no_mail_waits_for_the_commit() -> None:
    """The demo enqueues no e-mail about its invented history (it would go out on commit)."""
    pending = [entry[1] for entry in connection.run_on_commit]  # (savepoints, callback, robust)
    assert not any("on_commit_" in getattr(func, "__qualname__", "") for func in pending)


@pytest.fixture
def demo(demo_world: DemoContext, db: Any) -> DemoContext:
    return demo_world


def test_the_demo_fills_three_registers(demo: DemoContext) -> None:
    # the register's own demo items; the expectations' demo adds its gaps' action plans (their number
    # depends on which targets the day's data misses: tests/expectations/test_demo.py counts them), and
    # the feedback's demo the items its surveys raised, whose source is a response
    # (tests/feedback/test_demo.py)
    counts = dict(
        ActionItem.objects.exclude(source_kind=SourceKind.GAP)
        .exclude(source_kind=SourceKind.FEEDBACK, source_type__isnull=False)
        .values_list("relationship__slug")
        .annotate(n=Count("pk"))
        .values_list("relationship__slug", "n")
    )
    assert counts == {"northwind-telco-a": 70, "northwind-telco-b": 50, "photon-northwind": 30}
    assert mail.outbox == []


def test_the_demo_items_have_every_status_and_real_histories(demo: DemoContext) -> None:
    items = ActionItem.objects.all()
    by_status = dict(items.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    assert set(by_status) == set(Status.values)
    assert by_status[Status.VERIFIED] >= 50
    assert by_status[Status.DONE] >= 10 and by_status[Status.CANCELLED] >= 5
    assert by_status[Status.OPEN] + by_status[Status.IN_PROGRESS] >= 40

    today = demo.today
    assert items.overdue(today).count() >= 10
    assert items.open().filter(due_date__gte=today, due_date__lte=today + timedelta(days=14)).count() >= 5
    moved = items.filter(due_moves__gt=0)
    assert moved.count() >= 10 and moved.filter(due_moves__gte=2).exists()
    assert ActionUpdate.objects.filter(kind=UpdateKind.CHANGE, changes__has_key="due_date").count() == sum(
        moved.values_list("due_moves", flat=True)
    )
    # Found not effective after being done, and reopened after verification.
    assert ActionUpdate.objects.filter(from_status=Status.DONE, to_status=Status.OPEN).count() >= 5
    assert ActionUpdate.objects.filter(from_status=Status.VERIFIED, to_status=Status.OPEN).exists()
    assert items.filter(owner_side=OwnerSide.JOINT).count() >= 10
    assert {OwnerSide.SUPPLIER, OwnerSide.CUSTOMER} <= set(items.values_list("owner_side", flat=True))


def test_comments_come_from_both_sides(demo: DemoContext) -> None:
    rel = demo.relationships["northwind-telco-a"]
    authors = set(
        ActionUpdate.objects.filter(item__relationship=rel, kind=UpdateKind.COMMENT).values_list(
            "actor__memberships__party__slug", flat=True
        )
    )
    assert {"northwind", "telco-a"} <= authors


def test_the_history_spans_months_and_ends_before_today(demo: DemoContext) -> None:
    start_of_today = datetime.combine(demo.today, time.min, tzinfo=UTC)
    first = ActionItem.objects.order_by("created_at").first()
    assert first is not None and (demo.today - first.created_at.date()).days > 300
    # The relationships are east of UTC, so their office hours of yesterday end before today in UTC.
    assert not ActionUpdate.objects.filter(at__gte=start_of_today).exists()
    assert not ActionItem.objects.filter(updated_at__gte=start_of_today).exists()
    for item in ActionItem.objects.filter(status=Status.VERIFIED)[:20]:
        assert item.done_at is not None and item.closed_at is not None
        assert item.created_at <= item.done_at <= item.closed_at <= item.updated_at
        times = list(item.updates.values_list("at", flat=True))
        assert times == sorted(times) and times[0] == item.created_at


def test_each_side_has_private_items_the_other_side_cannot_see(demo: DemoContext) -> None:
    rel = demo.relationships["northwind-telco-a"]
    private = ActionItem.objects.filter(relationship=rel, visibility=Visibility.PRIVATE)
    assert {p.private_party_id for p in private} == {rel.supplier_id, rel.customer_id}
    for item in private:
        assert item.requested_by is not None and item.private_party is not None
        assert item.requested_by.memberships.filter(party=item.private_party).exists()
    telco_a_view = ActionItem.objects.visible_to(access_from(demo.people["carol"], rel))
    assert not telco_a_view.filter(private_party_id=rel.supplier_id).exists()


def test_telco_a_has_two_joint_task_forces_with_items(demo: DemoContext) -> None:
    rel = demo.relationships["northwind-telco-a"]
    forces = TaskForce.objects.filter(relationship=rel)
    assert set(forces.values_list("name", flat=True)) == {
        "Line card reliability task force",
        "Delivery performance task force",
    }
    for force in forces:
        sides = set(force.members.values_list("memberships__party__slug", flat=True))
        assert sides == {"northwind", "telco-a"}, force.name
        assert force.lead is not None and force.members.filter(pk=force.lead.pk).exists()
        assert force.items.count() >= 5


def test_mallory_has_no_way_into_telco_a(demo: DemoContext) -> None:
    mallory = demo.people["mallory"]
    rel = demo.relationships["northwind-telco-a"]
    assert set(Membership.objects.filter(user=mallory).values_list("party__slug", flat=True)) == {"telco-b"}
    assert access_from(mallory, rel, allow_guest=True) is None
    assert not ActionItem.objects.filter(relationship=rel, owner=mallory).exists()
    assert not ActionItem.objects.filter(relationship=rel, requested_by=mallory).exists()
    assert not ActionUpdate.objects.filter(item__relationship=rel, actor=mallory).exists()


def test_the_demo_numbers_each_series_without_gaps(demo: DemoContext) -> None:
    """Shared items read 0001, 0002, … with no hole where a private item sits; each side's private
    items count in their own series (TLA-S0001…, TLA-C0001…)."""
    for rel in demo.relationships.values():
        items = list(ActionItem.objects.filter(relationship=rel).select_related("relationship"))
        for series in ("", "S", "C"):
            numbers = sorted(i.number for i in items if i.series == series)
            assert numbers == list(range(1, len(numbers) + 1)), (rel.slug, series)
        for item in items:
            side = "S" if item.private_party_id == rel.supplier_id else "C"
            assert item.series == ("" if item.visibility == Visibility.SHARED else side)
            assert item.reference == f"{rel.item_prefix}-{item.series}{item.number:04d}"
        assert any(i.series for i in items) or not any(i.visibility == "private" for i in items)


def test_each_demo_persons_to_verify_link_lists_what_they_may_verify(demo: DemoContext) -> None:
    """The home page's "N to verify" of every demo person opens a register list of exactly N rows, all
    done and all theirs to verify; a viewer has none, and the register opens on the open work."""
    import re

    from django.test import Client

    from accord.register import workflow

    fact = re.compile(r'href="(/r/([^/]+)/items/\?[^"]*)">(\d+) to verify<')
    found = 0
    for name, user in demo.people.items():
        client = Client()
        client.force_login(user)
        for url, slug, count in fact.findall(client.get("/").content.decode()):
            found += 1
            body = client.get(url.replace("&amp;", "&")).content.decode()
            shown = re.search(r"–\d+ of (\d+)", body)
            assert shown and int(shown.group(1)) == int(count), (name, slug)
            access = access_from(user, demo.relationships[slug])
            assert access is not None and access.can_write, name
            mine = ActionItem.objects.visible_to(access).filter(
                workflow.may_q(access, workflow.ACTIONS["verify"])
            )
            assert all(i.status == Status.DONE for i in mine) and mine.count() == int(count), (name, slug)
        if all(not m.role or m.role == "viewer" for m in Membership.objects.filter(user=user)):
            assert not fact.findall(client.get("/").content.decode()), name
    assert found, "no demo person has anything to verify"
    slug, rel = next(iter(demo.relationships.items()))
    reader = next(u for u in demo.people.values() if access_from(u, rel) is not None)
    client = Client()
    client.force_login(reader)
    assert re.search(r'aria-current="true">Open work<', client.get(f"/r/{slug}/items/").content.decode())


def test_two_demo_people_read_accord_in_the_language_of_their_profile(demo: DemoContext) -> None:
    from django.test import Client

    for key, language in (("vic", "es"), ("ben", "ja"), ("carol", "en")):
        client = Client()
        client.force_login(demo.people[key])
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
        assert page["Content-Language"] == language, key
