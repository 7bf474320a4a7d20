"""The topic log's API: the same rules as the pages, in the one error shape."""

from __future__ import annotations

import json
from typing import Any

from tests.meetings.topic_helpers import concern, supplier_secret


def _call(client: Any, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json")


def _topics(w: Any, suffix: str = "") -> str:
    return f"/api/v1/relationships/{w.nw_ta.pk}/topics{suffix}"


def test_a_writer_raises_a_feature_request_and_plans_it(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    created = _call(
        client, "POST", _topics(world), {"kind": "feature_request", "title": "Per-port suppression"}
    )
    assert created.status_code == 201
    topic = created.json()
    assert (topic["status"], topic["raised_by_side"], topic["next_statuses"]) == (
        "new",
        "customer",
        ["under_review", "declined"],
    )
    url = _topics(world, f"/{topic['id']}/status")
    assert _call(client, "POST", url, {"version": 1, "status": "under_review"}).status_code == 200
    planned = _call(client, "POST", url, {"version": 2, "status": "planned", "target_release": "R7.3"})
    assert planned.status_code == 200
    assert (planned.json()["status"], planned.json()["target_release"]) == ("planned", "R7.3")


def test_a_status_the_kind_does_not_allow_is_a_400_with_the_field(world: Any, as_user: Any) -> None:
    topic = concern(world)
    response = _call(
        as_user(world.sam), "POST", _topics(world, f"/{topic.pk}/status"), {"version": 1, "status": "planned"}
    )
    assert response.status_code == 400
    assert "may become: closed" in response.json()["fields"]["status"][0]


def test_a_stale_version_is_a_409_with_the_current_topic(world: Any, as_user: Any) -> None:
    topic = concern(world)
    client = as_user(world.sam)
    assert (
        _call(client, "PATCH", _topics(world, f"/{topic.pk}"), {"version": 1, "title": "New"}).status_code
        == 200
    )
    stale = _call(client, "PATCH", _topics(world, f"/{topic.pk}"), {"version": 1, "title": "Old"})
    assert stale.status_code == 409
    assert (stale.json()["current"]["title"], stale.json()["current"]["version"]) == ("New", 2)
    assert stale.json()["current"]["action_items"] == []  # a 409 names no items: it does not know its viewer


def test_linking_a_private_item_to_a_shared_topic_is_refused(world: Any, as_user: Any) -> None:
    topic = concern(world)
    response = _call(
        as_user(world.ada), "POST", _topics(world, f"/{topic.pk}/action-items"), {"keys": ["S1"]}
    )
    assert response.status_code == 400
    assert "other side would see the link" in response.json()["fields"]["keys"][0]
    unlinked = _call(as_user(world.ada), "DELETE", _topics(world, f"/{topic.pk}/action-items/1"))
    assert unlinked.status_code == 200 and unlinked.json()["action_items"] == []


def test_the_list_filters_and_never_shows_the_other_sides_private_topics(world: Any, as_user: Any) -> None:
    concern(world)
    supplier_secret(world)
    mine = as_user(world.val).get(_topics(world, "?visibility=private")).json()
    assert [t["title"] for t in mine["topics"]] == ["Telco A pays late again"]
    theirs = as_user(world.vic).get(_topics(world)).json()
    assert [t["title"] for t in theirs["topics"]] == ["Alarm floods after upgrade"]
    assert theirs["count"] == 1
    assert as_user(world.vic).get(_topics(world, "?kind=organization_concern")).json()["count"] == 0
    assert as_user(world.vic).get(_topics(world, "?open=true&status=closed")).json()["count"] == 0


def test_hostile_input_is_a_400_never_a_500(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    for body in (
        {"kind": "nonsense", "title": "x"},
        {"kind": "technical_issue", "title": ""},
        {"kind": "technical_issue", "title": "x", "product_ids": [2**63]},
        {"kind": "change_notice", "title": "x", "product_ids": [999999]},
        {"kind": "technical_issue", "title": "x" * 301},
    ):
        response = _call(client, "POST", _topics(world), body)
        assert response.status_code == 400, body
        assert set(response.json()) >= {"error", "fields"}
    assert client.get(_topics(world, "?page_size=1000")).status_code == 400
    assert client.get(_topics(world, "/99999999999999999999")).status_code in (400, 404)
