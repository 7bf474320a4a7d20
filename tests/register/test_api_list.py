"""The list API writes its page straight to JSON (register/api_list.py): every item must read exactly as
the schema-validated detail operation gives it, for every viewer, sort and page, on the demo's registers
(private items of both sides, related items, task forces, items from meetings)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import Http404
from django.test import Client
from ninja.responses import NinjaJSONEncoder

from accord.lib.demo import DemoContext
from accord.parties.access import relationship_for_user
from accord.register import api, selectors
from accord.register.api import ItemPage
from accord.register.models import ActionItem
from tests.conftest import DEMO_DAY, demo_built_for

SORTS = ["-number", "number", "due", "-due", "priority", "updated", "status", "owner"]


@pytest.fixture(scope="module")
def demo_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoContext]:
    with django_db_blocker.unblock(), demo_built_for(DEMO_DAY) as ctx:
        yield ctx


@pytest.fixture
def demo(demo_world: DemoContext, db: Any) -> DemoContext:
    return demo_world


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _schema_page(user: Any, rel: Any, sort: str, page: int, page_size: int) -> bytes:
    """The page as django-ninja renders ``ItemPage`` from model instances (how the operation answered
    before it wrote the JSON itself)."""
    access = relationship_for_user(user, pk=rel.pk)
    items = list(selectors.register_items(access, selectors.Filters(sort=sort), DEMO_DAY))
    count = len(items)
    pages = max(1, -(-count // page_size))
    page = min(page, pages)  # a page past the last gives the last, as Paginator.get_page does
    chunk = items[(page - 1) * page_size : page * page_size]
    data = {"count": count, "page": page, "pages": pages, "items": [api._item(i, access) for i in chunk]}
    return json.dumps(ItemPage.model_validate(data).model_dump(), cls=NinjaJSONEncoder).encode()


@pytest.mark.parametrize("who", ["carol", "vic", "ada", "sam", "mallory"])
def test_each_page_is_byte_for_byte_what_the_schema_gives(demo: DemoContext, who: str) -> None:
    user = demo.people[who]
    client = _client(user)
    compared = 0
    for slug, rel in demo.relationships.items():
        try:
            relationship_for_user(user, pk=rel.pk)
        except Http404:  # not one of theirs: the operation's 404 is tested elsewhere
            continue
        url = f"/api/v1/relationships/{rel.pk}/action-items"
        for sort in SORTS:
            for page in (1, 2):
                response = client.get(url, {"sort": sort, "page": page, "page_size": 40})
                assert response.status_code == 200, (slug, sort, response.content)
                assert response["Content-Type"] == "application/json; charset=utf-8"
                assert response.content == _schema_page(user, rel, sort, page, 40), (slug, sort, page)
                compared += len(response.json()["items"])
    assert compared > 0


def test_a_listed_item_reads_as_its_detail_operation_answers_it(demo: DemoContext) -> None:
    """Related items (only those the viewer may see), private items, task forces, sources, actions."""
    rel = demo.relationships["northwind-telco-a"]
    shared = list(ActionItem.objects.filter(relationship=rel, visibility="shared")[:3])
    private = ActionItem.objects.filter(relationship=rel, visibility="private").first()
    shared[0].related.add(shared[1], shared[2], private)
    for who in ("carol", "sam"):
        client = _client(demo.people[who])
        listed = client.get(f"/api/v1/relationships/{rel.pk}/action-items", {"page_size": 200}).json()
        assert listed["count"] == len(listed["items"])
        for item in listed["items"]:
            detail = client.get(f"/api/v1/relationships/{rel.pk}/action-items/{item['number']}").json()
            assert item == detail
        kinds = {
            "related": any(i["related"] for i in listed["items"]),
            "task force": any(i["task_force"] for i in listed["items"]),
            "actions": any(i["allowed_actions"] for i in listed["items"]),
            "private": any(i["visibility"] == "private" for i in listed["items"]),
        }
        assert all(kinds.values()), kinds


def test_a_related_private_item_of_the_other_side_is_not_listed(demo: DemoContext) -> None:
    rel = demo.relationships["northwind-telco-a"]
    private = ActionItem.objects.filter(
        relationship=rel, visibility="private", private_party__slug="northwind"
    )
    shared = ActionItem.objects.filter(relationship=rel, visibility="shared").first()
    assert shared is not None and private.exists()
    shared.related.add(*private)
    numbers = {i.key for i in private}
    carol = _client(demo.people["carol"])
    listed = carol.get(f"/api/v1/relationships/{rel.pk}/action-items", {"page_size": 200}).json()
    mine = next(i for i in listed["items"] if i["number"] == shared.key)
    assert not numbers & set(mine["related"])
    assert not numbers & {i["number"] for i in listed["items"]}
    sam = _client(demo.people["sam"])
    listed = sam.get(f"/api/v1/relationships/{rel.pk}/action-items", {"page_size": 200}).json()
    assert numbers <= set(next(i for i in listed["items"] if i["number"] == shared.key)["related"])
