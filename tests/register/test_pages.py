"""Register pages: list with filters, item page, quick edits, forms, task forces, my items."""

import re
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from accord.parties.access import access_from
from accord.register import services
from accord.register.models import ActionItem


def make_items(world: Any, n: int, **kw: Any) -> list[ActionItem]:
    access = access_from(world.sam, world.nw_ta)
    return [
        services.create_item(access=access, title=f"Item {i}", owner_side="supplier", owner=world.sam, **kw)
        for i in range(n)
    ]


def test_the_register_lists_items_with_counts(world: Any, as_user: Any) -> None:
    body = as_user(world.carol).get("/r/northwind-telco-a/items/").content.decode()
    assert "TLA-0001" in body and "Root-cause the line card returns" in body
    assert 'data-testid="status-counts"' in body and "Open 1" in body


def test_filters_narrow_the_register(world: Any, as_user: Any) -> None:
    overdue = services.create_item(
        access=access_from(world.carol, world.nw_ta),
        title="Send alarm logs",
        owner_side="customer",
        owner=world.carol,
        due_date=timezone.localdate() - timedelta(days=3),
    )
    client = as_user(world.sam)
    body = client.get("/r/northwind-telco-a/items/?overdue=on").content.decode()
    assert overdue.reference in body and "TLA-0001" not in body and "3 days overdue" in body
    body = client.get("/r/northwind-telco-a/items/?owner_side=supplier").content.decode()
    assert "TLA-0001" in body and overdue.reference not in body
    body = client.get("/r/northwind-telco-a/items/?q=alarm").content.decode()
    assert overdue.reference in body and "TLA-0001" not in body
    body = client.get(f"/r/northwind-telco-a/items/?task_force={world.task_force.pk}").content.decode()
    assert "TLA-0001" in body and overdue.reference not in body
    body = client.get("/r/northwind-telco-a/items/?q=TLA-0001").content.decode()
    assert "Root-cause" in body
    assert (
        "No action item matches" in client.get("/r/northwind-telco-a/items/?status=verified").content.decode()
    )


def test_bad_filter_values_are_ignored_not_errors(world: Any, as_user: Any) -> None:
    response = as_user(world.sam).get(
        "/r/northwind-telco-a/items/?due_within=soon&owner=999&sort=evil&page=x"
    )
    assert response.status_code == 200 and "TLA-0001" in response.content.decode()


def test_the_register_paginates(world: Any, as_user: Any) -> None:
    make_items(world, 55)
    client = as_user(world.sam)
    first = client.get("/r/northwind-telco-a/items/").content.decode()
    assert "1–50 of 57" in first and "TLA-0056" in first and "TLA-0001" not in first
    second = client.get("/r/northwind-telco-a/items/?page=2").content.decode()
    assert "TLA-0001" in second


def test_the_register_page_costs_the_same_queries_whatever_the_page_size(
    world: Any, as_user: Any, django_assert_num_queries: Any
) -> None:
    client = as_user(world.sam)
    client.get("/r/northwind-telco-a/items/")  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/r/northwind-telco-a/items/")
    make_items(world, 48)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/r/northwind-telco-a/items/")
    assert response.content.decode().count('id="item-') == 50


def test_an_item_page_shows_its_timeline_and_actions(world: Any, as_user: Any) -> None:
    services.comment(access=access_from(world.carol, world.nw_ta), item=world.item, body="Logs attached.")
    body = as_user(world.sam).get("/r/northwind-telco-a/items/1/").content.decode()
    assert "Logs attached." in body and "created the item" in body and "Start work" in body
    assert "Line card reliability" in body


def test_creating_an_item_through_the_form(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).post(
        "/r/northwind-telco-a/items/new/",
        {
            "title": "Provide spare parts forecast",
            "owner_side": "customer",
            "owner": world.carol.pk,
            "due_date": "2030-05-01",
            "priority": "high",
            "visibility": "shared",
        },
    )
    item = ActionItem.objects.get(title="Provide spare parts forecast")
    assert response["Location"] == f"/r/northwind-telco-a/items/{item.key}/"
    assert (item.owner, item.priority, item.due_date) == (world.carol, "high", date(2030, 5, 1))


def test_the_form_rerenders_with_errors_next_to_fields(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).post(
        "/r/northwind-telco-a/items/new/",
        {
            "title": "",
            "owner_side": "supplier",
            "owner": world.carol.pk,
            "priority": "high",
            "visibility": "shared",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "This field is required" in body
    response = as_user(world.carol).post(
        "/r/northwind-telco-a/items/new/",
        {
            "title": "X",
            "owner_side": "supplier",
            "owner": world.carol.pk,
            "priority": "high",
            "visibility": "shared",
        },
    )
    assert "not an editor or admin of the owning side" in response.content.decode()
    assert not ActionItem.objects.filter(title="X").exists()


def test_editing_from_a_stale_version_keeps_the_other_change(world: Any, as_user: Any) -> None:
    data = {
        "title": "Edited by Sam",
        "owner_side": "supplier",
        "owner": world.sam.pk,
        "priority": "medium",
        "visibility": "shared",
        "version": 1,
        "due_date": world.item.due_date.isoformat(),
    }
    assert as_user(world.sam).post("/r/northwind-telco-a/items/1/edit/", data).status_code == 302
    stale = as_user(world.carol).post("/r/northwind-telco-a/items/1/edit/", data | {"title": "Carol's"})
    assert stale.status_code == 409 and "Someone else saved this record" in stale.content.decode()
    assert ActionItem.objects.get(pk=world.item.pk).title == "Edited by Sam"


def test_workflow_buttons_post_transitions_and_a_missing_note_goes_back_to_the_item(
    world: Any, as_user: Any
) -> None:
    client = as_user(world.sam)
    bad = client.post(
        "/r/northwind-telco-a/items/1/transition/", {"action": "done", "version": 1, "note": ""}
    )
    assert bad.status_code == 303 and bad["Location"] == "/r/northwind-telco-a/items/1/"
    assert "Give a resolution note" in client.get(bad["Location"]).content.decode()
    ok = client.post(
        "/r/northwind-telco-a/items/1/transition/", {"action": "done", "version": 1, "note": "Fixed"}
    )
    assert ok.status_code == 302
    assert ActionItem.objects.get(pk=world.item.pk).status == "done"
    verify = as_user(world.carol).post(
        "/r/northwind-telco-a/items/1/transition/", {"action": "verify", "version": 2}
    )
    assert verify.status_code == 302 and ActionItem.objects.get(pk=world.item.pk).status == "verified"


def test_quick_edits_change_one_field_and_report_conflicts_in_the_row(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)  # the owning side plans its item
    later = (world.item.due_date + timedelta(days=30)).isoformat()  # a move on any calendar day
    row = client.post(
        "/r/northwind-telco-a/items/1/quick/",
        {"version": 1, "due_date": later},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'id="item-1"' in row and f'value="{later}"' in row and "moved 1 time" in row
    stale = client.post(
        "/r/northwind-telco-a/items/1/quick/", {"version": 1, "owner": world.ada.pk}
    ).content.decode()
    assert "Someone changed this item meanwhile" in stale
    assert ActionItem.objects.get(pk=world.item.pk).owner == world.sam
    owner = client.post("/r/northwind-telco-a/items/1/quick/", {"version": 2, "owner": world.ada.pk})
    assert ActionItem.objects.get(pk=world.item.pk).owner == world.ada and owner.status_code == 200


def test_quick_done_takes_the_note_from_the_htmx_prompt(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    row = client.post(
        "/r/northwind-telco-a/items/1/quick/", {"version": 1, "action": "done"}, headers={"HX-Prompt": ""}
    ).content.decode()
    assert "Give a resolution note" in row
    client.post(
        "/r/northwind-telco-a/items/1/quick/",
        {"version": 1, "action": "done"},
        headers={"HX-Prompt": "Batch replaced"},
    )
    assert ActionItem.objects.get(pk=world.item.pk).resolution == "Batch replaced"


def oob_counts(body: str) -> dict[str, int]:
    """The status counts a quick-edit response swaps out of band, by badge label."""
    match = re.search(
        r'<template><div id="status-counts"[^>]*hx-swap-oob="true"[^>]*>(.*?)</div></template>', body, re.S
    )
    assert match, "no out-of-band status counts in the response"
    return {label: int(n) for label, n in re.findall(r">([^<>]+?) (\d+)</a>", match.group(1))}


def test_quick_edits_swap_the_status_counts_out_of_band(world: Any, as_user: Any) -> None:
    page = as_user(world.sam).get("/r/northwind-telco-a/items/").content.decode()
    badges = re.search(r'<div id="status-counts"[^>]*>', page)  # in place on the page itself
    assert badges and "hx-swap-oob" not in badges.group(0)
    # Sam (supplier) also sees his side's private TLA-0002, which is open.
    body = (
        as_user(world.sam)
        .post("/r/northwind-telco-a/items/1/quick/", {"version": 1, "action": "start"})
        .content.decode()
    )
    assert body.lstrip().startswith('<tr id="item-1"')  # the row first: it is the swap's target
    assert oob_counts(body) == {
        "Open": 1,
        "In progress": 1,
        "Overdue": 0,
        "Done, awaiting verification": 0,
        "Verified": 0,
        "Cancelled": 0,
    }
    # Carol (customer) starts an item of her side: her counts leave out the supplier's private item.
    mine = services.create_item(
        access=access_from(world.carol, world.nw_ta),
        title="Send alarm logs",
        owner_side="customer",
        owner=world.carol,
        due_date=timezone.localdate() - timedelta(days=1),
    )
    body = (
        as_user(world.carol)
        .post(f"/r/northwind-telco-a/items/{mine.number}/quick/", {"version": 1, "action": "start"})
        .content.decode()
    )
    assert oob_counts(body) == {
        "Open": 0,
        "In progress": 2,
        "Overdue": 1,
        "Done, awaiting verification": 0,
        "Verified": 0,
        "Cancelled": 0,
    }
    assert "margin impact" not in body
    # Sam, on the same register, still counts his private item.
    body = (
        as_user(world.sam)
        .post("/r/northwind-telco-a/items/1/quick/", {"version": 2, "due_date": "2030-06-30"})
        .content.decode()
    )
    assert oob_counts(body)["Open"] == 1 and oob_counts(body)["In progress"] == 2
    # A refused change still answers the row and the (unchanged) counts.
    stale = (
        as_user(world.carol)
        .post("/r/northwind-telco-a/items/1/quick/", {"version": 1, "due_date": "2030-07-31"})
        .content.decode()
    )
    assert "Someone changed this item meanwhile" in stale
    assert oob_counts(stale)["Open"] == 0 and oob_counts(stale)["In progress"] == 2


def test_my_items_spans_relationships(world: Any, as_user: Any) -> None:
    services.create_item(
        access=access_from(world.sam, world.nw_tb),
        title="Telco B thing",
        owner_side="supplier",
        owner=world.sam,
    )
    body = as_user(world.sam).get("/my/items/").content.decode()
    assert "TLA-0001" in body and "TLB-0001" in body and "margin impact" not in body


def test_task_force_pages(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    body = client.get(f"/r/northwind-telco-a/task-forces/{world.task_force.pk}/").content.decode()
    assert "Line card reliability" in body and "TLA-0001" in body and "Carol Nguyen" in body
    response = client.post(
        "/r/northwind-telco-a/task-forces/",
        {"name": "Delivery", "charter": "OTD", "lead": world.carol.pk, "members": [world.sam.pk]},
    )
    assert response.status_code == 302
    bad = client.post("/r/northwind-telco-a/task-forces/", {"name": "Delivery"})
    assert bad.status_code == 400 and "exists already" in bad.content.decode()


def test_the_overview_shows_register_health_with_a_chart(world: Any, as_user: Any) -> None:
    body = as_user(world.vic).get("/r/northwind-telco-a/").content.decode()
    assert "Register health" in body and "<svg" in body and 'data-testid="health"' in body


def test_the_home_page_counts_open_items_per_side(world: Any, as_user: Any) -> None:
    assert (
        "2 open items" in as_user(world.sam).get("/").content.decode()
    )  # the private one counts for Northwind
    assert "1 open items" in as_user(world.carol).get("/").content.decode()


def test_related_items_are_edited_on_the_item_form_and_listed(world: Any, as_user: Any) -> None:
    other = make_items(world, 1)[0]
    data = {
        "title": world.item.title,
        "owner_side": "supplier",
        "owner": world.sam.pk,
        "priority": "medium",
        "visibility": "shared",
        "version": 1,
        "due_date": world.item.due_date.isoformat(),
        "related_numbers": other.reference,
    }
    assert as_user(world.carol).post("/r/northwind-telco-a/items/1/edit/", data).status_code == 302
    body = as_user(world.carol).get("/r/northwind-telco-a/items/1/").content.decode()
    assert "Related items" in body and other.reference in body
    bad = as_user(world.carol).post("/r/northwind-telco-a/items/1/edit/", data | {"related_numbers": "99, x"})
    assert bad.status_code == 200 and "is not an item number" in bad.content.decode()
