"""The register's rules, through its services: numbering, fields, the workflow and who may move it."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.audit.models import AuditEvent
from accord.lib.errors import Conflict
from accord.parties.access import access_from
from accord.register import services, workflow
from accord.register.models import ActionItem, ActionUpdate, Status, TaskForce


def acc(world: Any, who: str) -> Any:
    return access_from(getattr(world, who), world.nw_ta)


def test_numbers_follow_the_prefix_and_are_never_reused(world: Any) -> None:
    item = services.create_item(
        access=acc(world, "carol"), title="Third", owner_side="customer", owner=world.carol
    )
    assert (item.number, item.reference) == (2, "TLA-0002")  # Northwind's private item is TLA-S0001
    item.delete()
    again = services.create_item(access=acc(world, "carol"), title="Fourth", owner_side="customer")
    assert again.reference == "TLA-0003"
    other = services.create_item(
        access=access_from(world.mallory, world.nw_tb), title="B", owner_side="customer"
    )
    assert other.reference == "TLB-0001"


def test_creation_is_in_the_timeline_and_the_audit_trail(world: Any) -> None:
    item = world.item
    assert [u.kind for u in item.updates.all()] == ["created"]
    assert item.requested_by == world.carol
    assert AuditEvent.objects.filter(
        verb="action_item.created", object_id=str(item.pk), relationship=world.nw_ta
    )


def test_the_owner_must_belong_to_the_owning_side(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_item(access=acc(world, "sam"), title="X", owner_side="customer", owner=world.sam)
    assert "owner" in exc.value.message_dict
    joint = services.create_item(access=acc(world, "sam"), title="J", owner_side="joint", owner=world.carol)
    assert joint.owner == world.carol


def test_a_title_is_required_and_an_outside_owner_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_item(access=acc(world, "sam"), title="  ", owner_side="supplier", owner=world.mallory)
    assert {"title", "owner"} <= set(exc.value.message_dict)


def test_a_private_item_belongs_to_the_creators_side(world: Any) -> None:
    assert world.private_item.private_party == world.northwind
    with pytest.raises(ValidationError) as exc:
        services.create_item(access=acc(world, "sam"), title="P", owner_side="customer", visibility="private")
    assert "visibility" in exc.value.message_dict


def test_viewers_and_facilitators_cannot_write(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.create_item(access=acc(world, "vic"), title="No", owner_side="customer")


def test_a_task_force_of_another_relationship_is_refused(world: Any) -> None:
    other = services.create_task_force(access=access_from(world.mallory, world.nw_tb), name="B team")
    with pytest.raises(ValidationError) as exc:
        services.create_item(access=acc(world, "sam"), title="X", owner_side="supplier", task_force=other)
    assert "task_force" in exc.value.message_dict


def test_every_change_is_recorded_and_due_date_moves_are_counted(world: Any) -> None:
    item = services.update_item(
        access=acc(world, "sam"), item=world.item, version=1, due_date=date(2030, 2, 28)
    )
    item = services.update_item(
        access=acc(world, "sam"), item=item, version=2, due_date=date(2030, 3, 31), priority="high"
    )
    assert (item.due_moves, item.version, item.priority) == (2, 3, "high")
    changes = [u.changes for u in item.updates.filter(kind="change")]
    assert changes[-1] == {"due_date": ["2030-02-28", "2030-03-31"], "priority": ["medium", "high"]}


def test_setting_a_first_due_date_is_not_a_move(world: Any) -> None:
    item = services.update_item(
        access=acc(world, "ada"), item=world.private_item, version=1, due_date=date(2030, 1, 1)
    )
    assert item.due_moves == 0


def test_a_stale_version_is_refused(world: Any) -> None:
    services.update_item(access=acc(world, "sam"), item=world.item, version=1, title="New title")
    with pytest.raises(Conflict) as exc:
        services.update_item(access=acc(world, "carol"), item=world.item, version=1, title="Lost update")
    assert exc.value.current.title == "New title"


def move(world: Any, who: str, action: str, note: str = "") -> ActionItem:
    item = ActionItem.objects.get(pk=world.item.pk)
    return services.transition(
        access=acc(world, who), item=item, version=item.version, action=action, note=note
    )


def test_the_whole_workflow_across_both_sides(world: Any) -> None:
    assert move(world, "sam", "start").status == Status.IN_PROGRESS
    done = move(world, "sam", "done", "Replaced the capacitor batch; retested 200 cards.")
    assert (done.status, done.resolution) == (
        Status.DONE,
        "Replaced the capacitor batch; retested 200 cards.",
    )
    assert done.done_at is not None
    verified = move(world, "carol", "verify")
    assert verified.status == Status.VERIFIED and verified.closed_at is not None
    reopened = move(world, "carol", "reopen", "Returns are back up in November.")
    assert (reopened.status, reopened.resolution, reopened.closed_at) == (Status.OPEN, "", None)
    statuses = [
        (u.from_status, u.to_status) for u in ActionUpdate.objects.filter(item=world.item, kind="status")
    ]
    assert statuses == [
        ("open", "in_progress"),
        ("in_progress", "done"),
        ("done", "verified"),
        ("verified", "open"),
    ]


def test_not_effective_reopens_with_the_reason(world: Any) -> None:
    move(world, "sam", "done", "Firmware 2.1 deployed.")
    item = move(world, "carol", "reject", "Alarms still appear after the upgrade.")
    assert item.status == Status.OPEN
    assert item.updates.last().body == "Alarms still appear after the upgrade."


def test_the_owning_side_does_not_verify_its_own_work(world: Any) -> None:
    move(world, "sam", "done", "Fixed.")
    with pytest.raises(PermissionDenied, match="other side or the requester"):
        move(world, "ada", "verify")


def test_the_requester_verifies_even_on_the_same_side(world: Any) -> None:
    item = services.create_item(
        access=acc(world, "ada"), title="Internal", owner_side="supplier", owner=world.sam
    )
    item = services.transition(access=acc(world, "sam"), item=item, version=1, action="done", note="ok")
    item = services.transition(access=acc(world, "ada"), item=item, version=item.version, action="verify")
    assert item.status == Status.VERIFIED


def test_the_other_side_does_not_work_the_item(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        move(world, "carol", "start")


@pytest.mark.parametrize("action", ["done", "cancel"])
def test_notes_are_required_where_the_workflow_asks(world: Any, action: str) -> None:
    with pytest.raises(ValidationError) as exc:
        move(world, "sam", action, "  ")
    assert "note" in exc.value.message_dict
    assert ActionItem.objects.get(pk=world.item.pk).status == Status.OPEN


def test_an_invalid_transition_says_why(world: Any) -> None:
    with pytest.raises(ValidationError, match="cannot be verified"):
        move(world, "carol", "verify")
    with pytest.raises(ValidationError, match="Unknown action"):
        move(world, "sam", "teleport")


def allowed_actions(access: Any, item: Any) -> list[str]:
    return [action.name for action in workflow.allowed(access, item)]


def test_allowed_actions_follow_the_rules(world: Any) -> None:
    item = world.item
    assert allowed_actions(acc(world, "sam"), item) == ["start", "done", "cancel"]
    assert allowed_actions(acc(world, "carol"), item) == ["cancel"]  # Carol requested it
    assert allowed_actions(acc(world, "vic"), item) == []
    done = move(world, "sam", "done", "ok")
    assert allowed_actions(acc(world, "carol"), done) == ["verify", "reject", "cancel"]


def test_comments_need_text_and_land_in_the_timeline(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.comment(access=acc(world, "carol"), item=world.item, body=" ")
    services.comment(access=acc(world, "carol"), item=world.item, body="Alarm logs attached.")
    assert world.item.updates.filter(kind="comment").get().body == "Alarm logs attached."


def test_related_items_are_linked_both_ways_and_unknown_numbers_refused(world: Any) -> None:
    other = services.create_item(access=acc(world, "sam"), title="Other", owner_side="supplier")
    services.set_related(access=acc(world, "sam"), item=world.item, numbers=iter([other.number]))
    assert list(other.related.all()) == [world.item]
    with pytest.raises(ValidationError):
        services.set_related(access=acc(world, "sam"), item=world.item, numbers=[999])
    with pytest.raises(ValidationError):  # Carol may not link Northwind's private item
        services.set_related(access=acc(world, "carol"), item=world.item, numbers=[world.private_item.key])


def test_a_service_refuses_an_item_of_another_relationship(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.update_item(
            access=access_from(world.mallory, world.nw_tb), item=world.item, version=1, title="x"
        )


def test_task_force_members_come_from_both_sides_only(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.create_task_force(access=acc(world, "sam"), name="Bad", members=[world.mallory])
    tf = services.update_task_force(
        access=acc(world, "carol"),
        task_force=world.task_force,
        version=1,
        members=[world.carol, world.ada],
        status="closed",
    )
    assert set(tf.members.all()) == {world.carol, world.ada, world.sam}  # the lead stays a member
    assert tf.status == "closed" and tf.version == 2


def test_task_force_members_and_leads_are_editors_or_admins(world: Any) -> None:
    """As the form offers: viewers of either side do not take part in a task force."""
    with pytest.raises(ValidationError) as refused:
        services.create_task_force(
            access=acc(world, "sam"), name="Viewers", members=[world.val, world.vic, world.carol]
        )
    assert refused.value.message_dict == {
        "members": [
            "Only editors and admins of either side take part in a task force, not Val Ortiz, Vic Romero."
        ]
    }
    with pytest.raises(ValidationError) as refused:
        services.create_task_force(access=acc(world, "sam"), name="Viewer lead", lead=world.vic)
    assert set(refused.value.message_dict) == {"lead"}
    with pytest.raises(ValidationError):
        services.update_task_force(
            access=acc(world, "carol"), task_force=world.task_force, version=1, members=[world.vic]
        )
    with pytest.raises(ValidationError):
        services.update_task_force(
            access=acc(world, "carol"), task_force=world.task_force, version=1, lead=world.val
        )
    world.task_force.refresh_from_db()
    assert world.task_force.version == 1 and world.task_force.lead == world.sam
    assert set(world.task_force.members.all()) == {world.sam, world.carol}
    assert not TaskForce.objects.filter(name__in=["Viewers", "Viewer lead"]).exists()


def test_relating_from_the_other_side_keeps_links_it_cannot_see(world: Any) -> None:
    third = services.create_item(access=acc(world, "carol"), title="Third", owner_side="customer")
    services.set_related(access=acc(world, "ada"), item=world.item, numbers=[world.private_item.key])
    services.set_related(access=acc(world, "carol"), item=world.item, numbers=[third.key])
    assert set(world.item.related.all()) == {world.private_item, third}


def test_a_viewer_cannot_own_an_item(world: Any) -> None:
    with pytest.raises(ValidationError, match="not an editor or admin"):
        services.create_item(access=acc(world, "carol"), title="X", owner_side="customer", owner=world.vic)


def test_forms_api_and_pages_offer_the_workflow_table(world: Any, as_user: Any) -> None:
    from accord.api.main import api
    from accord.register import workflow
    from accord.register.forms import TransitionForm

    names = list(workflow.ACTION_NAMES)
    assert names == ["start", "done", "verify", "reject", "cancel", "reopen"]
    assert [value for value, _label in TransitionForm().fields["action"].choices] == names
    schema = api.get_openapi_schema()["components"]["schemas"]["TransitionIn"]["properties"]["action"]
    assert schema["enum"] == names
    # Sam may start, finish or cancel TLA-0001: the page offers exactly those, with the table's words
    body = as_user(world.sam).get("/r/northwind-telco-a/items/1/").content.decode()
    for action in workflow.WORKFLOW:
        offered = f'name="action" value="{action.name}"' in body
        assert offered == (action.name in ("start", "done", "cancel")), action.name
    assert "Start work" in body and "Resolution: what was done?" in body and "Why cancel it?" in body
