"""The next step a card offers (from the workflow table) and the "Filters (n active)" count."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from accord.parties.access import access_from
from accord.parties.templatetags.accord_tags import active_filters
from accord.register import services
from accord.register.forms import FilterForm, with_default_status
from accord.register.rows import next_action, own_rows


def test_the_next_step_is_the_first_forward_action_the_viewer_may_take(world: Any) -> None:
    sam, carol, vic = (access_from(p, world.nw_ta) for p in (world.sam, world.carol, world.vic))
    item = world.item  # open, owned by Sam (supplier), requested by Carol
    assert next_action(sam, item).name == "start"
    assert next_action(carol, item) is None  # the other side verifies, later
    assert next_action(vic, item) is None  # a viewer takes no action
    item = services.transition(access=sam, item=item, version=item.version, action="done", note="Fixed.")
    assert next_action(sam, item) is None  # cancel is no step forward
    assert next_action(carol, item).name == "verify"
    item = services.transition(access=carol, item=item, version=item.version, action="verify")
    assert next_action(sam, item) is None and next_action(carol, item) is None  # only "reopen" is left
    assert next_action(None, item) is None


def test_my_items_rows_carry_each_items_next_step_across_relationships(world: Any) -> None:
    other = services.create_item(
        access=access_from(world.sam, world.nw_tb),
        title="Telco B thing",
        owner_side="supplier",
        owner=world.sam,
    )
    items = [world.item, other]
    rows = own_rows(world.sam, items)
    assert [(r.item, r.next_action and r.next_action.name) for r in rows] == [
        (world.item, "start"),
        (other, "start"),
    ]


def test_active_filters_counts_the_fields_that_narrow_the_list(world: Any) -> None:
    assert active_filters(FilterForm(None, relationship=world.nw_ta)) == 0
    query = QueryDict("status=open&status=done&overdue=on&q=&sort=due&page=2")
    assert active_filters(FilterForm(query, relationship=world.nw_ta)) == 2  # status and overdue
    assert active_filters(object()) == 0
    # the open work the register opens on is not a filter the person set; one status less is
    opens = with_default_status(QueryDict("q=")).urlencode()
    assert active_filters(FilterForm(QueryDict(opens), relationship=world.nw_ta)) == 0
    fewer = QueryDict("status=open&status=in_progress")
    assert active_filters(FilterForm(fewer, relationship=world.nw_ta)) == 1
