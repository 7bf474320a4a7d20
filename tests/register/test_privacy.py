"""Private items stay with their side: every page, API answer, export, count, e-mail and digest reads
items through ``ActionItem.objects.visible_to``. The world has TLA-0002, private to Northwind."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accord.parties.access import access_from
from accord.parties.models import Membership, Role
from accord.register import selectors, services
from accord.register.access import items_visible_to_user, user_may_see
from accord.register.models import ActionItem, ActionUpdate


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def acc(world: Any, who: str) -> Any:
    return access_from(getattr(world, who), world.nw_ta)


def move_to_telco_a(user: Any, world: Any) -> None:
    """``user`` leaves Northwind and joins Telco A as an editor."""
    Membership.objects.filter(user=user, party=world.northwind).update(is_active=False)
    Membership.objects.create(user=user, party=world.telco_a, role=Role.EDITOR)


def test_each_side_sees_the_shared_items_and_its_own_private_ones(world: Any) -> None:
    carols = services.create_item(
        access=acc(world, "carol"), title="Ours", owner_side="customer", visibility="private"
    )
    # by key: the shared TLA-0001 and each side's private TLA-S0001 / TLA-C0001 all have number 1
    keys = lambda access: {i.key for i in ActionItem.objects.visible_to(access)}  # noqa: E731
    assert {world.item.key, world.private_item.key, carols.key} == {"1", "S1", "C1"}
    assert keys(acc(world, "vic")) == {world.item.key, carols.key}
    assert keys(acc(world, "val")) == {world.item.key, world.private_item.key}
    assert keys(access_from(world.fay, world.nw_ta, allow_guest=True)) == {world.item.key}
    assert keys(access_from(world.mallory, world.nw_tb)) == set()  # another relationship's items
    assert not ActionItem.objects.visible_to().exists()
    both = ActionItem.objects.visible_to(acc(world, "sam"), access_from(world.mallory, world.nw_tb))
    assert {i.key for i in both} == {world.item.key, world.private_item.key}
    # the timeline follows its item
    services.comment(access=acc(world, "ada"), item=world.private_item, body="Margin is thin")
    assert not ActionUpdate.objects.visible_to(acc(world, "carol")).filter(item=world.private_item).exists()
    assert ActionUpdate.objects.visible_to(acc(world, "sam")).filter(body="Margin is thin").exists()


def test_a_person_sees_what_their_side_sees_wherever_they_belong(world: Any) -> None:
    assert user_may_see(world.sam, world.private_item) and not user_may_see(world.carol, world.private_item)
    assert not user_may_see(world.mallory, world.item) and not user_may_see(world.fay, world.item)
    move_to_telco_a(world.sam, world)
    assert not user_may_see(world.sam, world.private_item) and user_may_see(world.sam, world.item)
    assert set(items_visible_to_user(world.sam)) == {world.item}


def test_counts_leave_out_the_other_sides_private_items(world: Any, as_user: Any) -> None:
    services.update_item(
        access=acc(world, "ada"), item=world.private_item, version=1, task_force=world.task_force
    )
    today = timezone.localdate()
    carol, sam = acc(world, "carol"), acc(world, "sam")
    assert selectors.status_counts(carol, today)["open"] == 1
    assert selectors.status_counts(sam, today)["open"] == 2
    assert (selectors.health(carol, today).open, selectors.health(sam, today).open) == (1, 2)
    carols = selectors.task_forces(carol).get()
    assert (carols.total, carols.open_items) == (1, 1)
    sams = selectors.task_forces(sam).get()
    assert (sams.total, sams.open_items) == (2, 2)
    page = as_user(world.carol).get(f"/r/northwind-telco-a/task-forces/{world.task_force.pk}/")
    assert "margin impact" not in page.content.decode() and "1 open" in page.content.decode()
    assert (
        "1 open of 1 items" in as_user(world.carol).get("/r/northwind-telco-a/task-forces/").content.decode()
    )


def test_my_items_leave_out_a_private_item_of_the_side_someone_left(world: Any, as_user: Any) -> None:
    services.update_item(access=acc(world, "ada"), item=world.private_item, version=1, owner=world.sam)
    assert "margin impact" in as_user(world.sam).get("/my/items/").content.decode()
    move_to_telco_a(world.sam, world)
    body = as_user(world.sam).get("/my/items/").content.decode()
    assert "margin impact" not in body and world.item.reference in body


def test_the_edit_form_does_not_name_the_other_sides_private_related_items(world: Any, as_user: Any) -> None:
    services.set_related(access=acc(world, "ada"), item=world.item, numbers=[world.private_item.key])
    sams = as_user(world.sam).get("/r/northwind-telco-a/items/1/edit/").content.decode()
    assert 'name="related_numbers" value="TLA-S0001"' in sams
    carols = as_user(world.carol).get("/r/northwind-telco-a/items/1/edit/").content.decode()
    assert 'name="related_numbers"' in carols and "S0001" not in carols


def test_a_409_answer_shows_only_related_items_both_sides_see(world: Any, as_user: Any) -> None:
    services.set_related(access=acc(world, "ada"), item=world.item, numbers=[world.private_item.key])
    client = as_user(world.sam)
    url = f"/api/v1/relationships/{world.nw_ta.pk}/action-items/1"
    assert client.get(url).json()["related"] == ["S1"]
    stale = client.patch(url, json.dumps({"version": 0, "title": "x"}), content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["current"]["related"] == [] and stale.json()["current"]["allowed_actions"] == []


def test_no_e_mail_about_a_private_item_reaches_someone_who_moved_sides(world: Any, commit: Any) -> None:
    with commit():
        item = services.create_item(
            access=acc(world, "ada"), title="Internal pricing", owner=world.sam, visibility="private"
        )
    assert [m.to for m in mail.outbox] == [[world.sam.email]]
    mail.outbox.clear()
    move_to_telco_a(world.sam, world)
    with commit():
        services.transition(access=acc(world, "ada"), item=item, version=item.version, action="start")
    assert mail.outbox == []


def test_a_digest_never_mentions_the_other_sides_private_item(world: Any, commit: Any) -> None:
    day = date(2026, 3, 10)
    due = day + timedelta(days=2)
    with commit():
        private = services.create_item(
            access=acc(world, "ada"), title="Internal pricing", owner=world.sam, visibility="private",
            due_date=due,
        )  # fmt: skip
        shared = services.create_item(
            access=acc(world, "sam"), title="Shared work", owner=world.sam, due_date=due
        )
    move_to_telco_a(world.sam, world)
    mail.outbox.clear()
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 10, 6, 5, tzinfo=UTC)):
        call_command("tick", stdout=mock.MagicMock())
    digest = next(m for m in mail.outbox if m.to == [world.sam.email])
    assert shared.reference in digest.body and private.reference not in digest.body
    assert "Internal pricing" not in digest.body
    assert digest.subject == "Your action items: 0 overdue, 1 due within 7 days"
