"""The register through the API: list with filters, create, update with version, transitions, comments,
task forces."""

import json
from typing import Any

from accord.register.models import ActionItem


def call(client: Any, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.generic(method, url, json.dumps(data or {}), content_type="application/json")


def items_url(world: Any, suffix: str = "") -> str:
    return f"/api/v1/relationships/{world.nw_ta.pk}/action-items{suffix}"


def test_list_filters_and_paginates(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    for i in range(3):
        call(
            client,
            "POST",
            items_url(world),
            {
                "title": f"Customer item {i}",
                "owner_side": "customer",
                "owner_id": world.carol.pk,
                "priority": "high",
            },
        )
    page = client.get(items_url(world), {"page_size": 2, "priority": "high"}).json()
    assert (page["count"], page["pages"], len(page["items"])) == (3, 2, 2)
    assert page["items"][0]["reference"] == "TLA-0004"  # no gap: the private item is TLA-S0001
    only = client.get(items_url(world), {"owner_side": "supplier"}).json()
    assert [i["reference"] for i in only["items"]] == ["TLA-0001"]  # not Northwind's private TLA-S0001
    assert only["items"][0]["allowed_actions"] == ["cancel"]
    by_text = client.get(items_url(world), {"q": "Customer item 1"}).json()
    assert [i["title"] for i in by_text["items"]] == ["Customer item 1"]


def test_bad_filters_are_400_with_fields(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).get(items_url(world), {"status": "lost", "page_size": 1000})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"status.0", "page_size"}


def test_create_validates_and_answers_the_item(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    bad = call(
        client, "POST", items_url(world), {"title": "X", "owner_side": "customer", "owner_id": world.sam.pk}
    )
    assert bad.status_code == 400 and "owner_id" in bad.json()["fields"]
    bad = call(client, "POST", items_url(world), {"title": "X", "task_force_id": 999})
    assert bad.status_code == 400 and "task_force_id" in bad.json()["fields"]
    ok = call(
        client,
        "POST",
        items_url(world),
        {
            "title": "Ship the retrofit kits",
            "owner_side": "supplier",
            "owner_id": world.ada.pk,
            "due_date": "2030-03-01",
            "task_force_id": world.task_force.pk,
        },
    )
    assert ok.status_code == 201
    body = ok.json()
    assert (body["reference"], body["owner"]["email"], body["task_force"]["name"], body["version"]) == (
        "TLA-0002",
        "ada@northwind.example",
        "Line card reliability",
        1,
    )


def test_update_with_a_stale_version_is_409_with_the_current_item(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    assert (
        call(client, "PATCH", items_url(world, "/1"), {"version": 1, "due_date": "2030-04-30"}).json()[
            "due_moves"
        ]
        == 1
    )
    stale = call(client, "PATCH", items_url(world, "/1"), {"version": 1, "title": "Lost"})
    assert stale.status_code == 409
    assert stale.json()["current"]["due_date"] == "2030-04-30" and stale.json()["current"]["version"] == 2
    assert ActionItem.objects.get(pk=world.item.pk).title == "Root-cause the line card returns"


def test_transitions_follow_the_workflow(world: Any, as_user: Any) -> None:
    sam, carol = as_user(world.sam), as_user(world.carol)
    assert (
        call(sam, "POST", items_url(world, "/1/transitions"), {"action": "done", "version": 1}).status_code
        == 400
    )
    done = call(
        sam, "POST", items_url(world, "/1/transitions"), {"action": "done", "version": 1, "note": "Fixed"}
    )
    assert done.json()["status"] == "done" and done.json()["resolution"] == "Fixed"
    refused = call(sam, "POST", items_url(world, "/1/transitions"), {"action": "verify", "version": 2})
    assert refused.status_code == 403 and "other side" in refused.json()["error"]
    verified = call(carol, "POST", items_url(world, "/1/transitions"), {"action": "verify", "version": 2})
    assert verified.json()["status"] == "verified"
    invalid = call(carol, "POST", items_url(world, "/1/transitions"), {"action": "fly", "version": 3})
    assert invalid.status_code == 400


def test_comments_and_timeline(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    assert call(client, "POST", items_url(world, "/1/comments"), {"body": ""}).status_code == 400
    assert call(client, "POST", items_url(world, "/1/comments"), {"body": "Logs attached"}).status_code == 201
    timeline = client.get(items_url(world, "/1/comments")).json()
    assert [u["kind"] for u in timeline] == ["created", "comment"]
    assert timeline[1]["actor"]["email"] == "carol@telco-a.example"


def test_task_forces_through_the_api(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    url = f"/api/v1/relationships/{world.nw_ta.pk}/task-forces"
    created = call(
        client, "POST", url, {"name": "Delivery", "lead_id": world.carol.pk, "member_ids": [world.sam.pk]}
    )
    assert created.status_code == 201
    body = created.json()
    assert {m["email"] for m in body["members"]} == {"carol@telco-a.example", "sam@northwind.example"}
    outsider = call(client, "POST", url, {"name": "Bad", "member_ids": [world.mallory.pk]})
    assert outsider.status_code == 400
    patched = call(client, "PATCH", f"{url}/{body['id']}", {"version": 1, "status": "closed"})
    assert patched.json()["status"] == "closed"
    assert call(client, "PATCH", f"{url}/{body['id']}", {"version": 1, "charter": "x"}).status_code == 409


def test_related_items_through_the_api_hide_the_other_sides_private_ones(world: Any, as_user: Any) -> None:
    sam, carol = as_user(world.sam), as_user(world.carol)
    created = call(sam, "POST", items_url(world), {"title": "Linked", "related": [1, "S1"]}).json()
    assert created["related"] == ["1", "S1"]
    assert carol.get(items_url(world, f"/{created['number']}")).json()["related"] == ["1"]
    assert (
        call(
            carol, "PATCH", items_url(world, f"/{created['number']}"), {"version": 1, "related": ["S1"]}
        ).status_code
        == 400
    )


def test_an_editor_cannot_put_viewers_in_a_task_force(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    url = f"/api/v1/relationships/{world.nw_ta.pk}/task-forces"
    viewers = call(client, "POST", url, {"name": "Watchers", "member_ids": [world.vic.pk, world.val.pk]})
    assert viewers.status_code == 400
    assert viewers.json() == {
        "error": viewers.json()["error"],
        "fields": {
            "members": [
                "Only editors and admins of either side take part in a task force, not Val Ortiz, Vic Romero."
            ]
        },
    }
    led = call(client, "POST", url, {"name": "Watchers", "lead_id": world.vic.pk})
    assert led.status_code == 400 and set(led.json()["fields"]) == {"lead"}
    tf_url = f"{url}/{world.task_force.pk}"
    assert call(client, "PATCH", tf_url, {"version": 1, "member_ids": [world.vic.pk]}).status_code == 400
    assert call(client, "PATCH", tf_url, {"version": 1, "lead_id": world.val.pk}).status_code == 400
    body = client.get(tf_url).json()
    assert (body["version"], body["lead"]["email"]) == (1, world.sam.email)
    assert {m["email"] for m in body["members"]} == {world.sam.email, world.carol.email}
    assert [tf["name"] for tf in client.get(url).json()] == ["Line card reliability"]
