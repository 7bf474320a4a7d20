"""Every URL pattern and API operation, as every test person: each app classifies its routes in
``tests/<app>/access_cases.py``, and each person gets exactly the expected answer. Mallory (Telco B)
must never see Telco A."""

from __future__ import annotations

import json
from typing import Any

import pytest

from accord.api.main import api
from tests.access import PEOPLE, Case, collect, everyone, url_routes

PAGES, API = collect()
# The Django admin is for superusers only: everyone else is sent to its sign-in page.
ADMIN_CASE = Case("GET", lambda w: "/admin/", everyone(302))


def _api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    ops = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    return ops | {("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/docs")}


def test_every_route_is_classified() -> None:
    unclassified = []
    for name, pattern in url_routes():
        if name.startswith("admin:") or name.startswith("api:"):
            continue
        if name not in PAGES:
            unclassified.append(f"{name} ({pattern})")
    assert not unclassified, "Classify these routes in their app's tests/<app>/access_cases.py: " + ", ".join(
        unclassified
    )


def test_every_api_operation_is_classified() -> None:
    missing = sorted(_api_operations() - set(API))
    assert not missing, f"Classify these API operations in their app's tests/<app>/access_cases.py: {missing}"
    stale = sorted(set(API) - _api_operations())
    assert not stale, f"These classified API operations no longer exist: {stale}"


def _request(client: Any, case: Case, world: Any) -> Any:
    url, data = case.url(world), case.data(world)
    if case.method == "GET":
        return client.get(url)
    if url.startswith("/api/") and not case.multipart:
        return client.generic(case.method, url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access(name: str, person: str, world: Any, as_user: Any) -> None:
    case = PAGES[name]
    response = _request(as_user(world.people()[person]), case, world)
    assert response.status_code == case.expect[person], (name, person, response.status_code)
    if person == "anonymous" and case.expect[person] == 302 and name != "accounts:logout":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("person", PEOPLE)
def test_admin_is_for_superusers_only(person: str, world: Any, as_user: Any) -> None:
    response = _request(as_user(world.people()[person]), ADMIN_CASE, world)
    assert response.status_code == ADMIN_CASE.expect[person]
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(
    "op", sorted(API), ids=lambda op: f"{op[0]} {op[1]}" if isinstance(op, tuple) else op
)
def test_api_access(op: tuple[str, str], person: str, world: Any, as_user: Any) -> None:
    case = API[op]
    response = _request(as_user(world.people()[person]), case, world)
    assert response.status_code == case.expect[person], (
        op,
        person,
        response.status_code,
        response.content[:300],
    )
    if response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"error", "fields"}


def test_mallory_sees_nothing_of_telco_a_anywhere(world: Any, as_user: Any) -> None:
    """Beyond status codes: no page or operation that Mallory may open mentions Telco A."""
    client = as_user(world.mallory)
    for case in [*PAGES.values(), *API.values()]:
        if case.method != "GET" or case.expect["mallory"] != 200:
            continue
        body = client.get(case.url(world)).content.decode()
        for secret in ("Telco A", "telco-a", "Carol", "Munich core"):
            assert secret not in body, (case.url(world), secret)


# Django's reset-confirm view answers an invalid link with its "link no longer works" page whatever the
# method (it changes nothing); every other page refuses methods it does not serve.
@pytest.mark.parametrize("name", sorted(set(PAGES) - {"accounts:password_reset_confirm"}))
def test_every_page_refuses_a_method_it_does_not_serve(name: str, world: Any, as_user: Any) -> None:
    person = None if name == "accounts:login" else world.ada  # the sign-in page sends signed-in people home
    response = as_user(person).put(PAGES[name].url(world))
    assert response.status_code == 405, name


PRIVATE_ROUTES = [
    "/r/northwind-telco-a/items/S1/",
    "/r/northwind-telco-a/items/S1/edit/",
    "/api/v1/relationships/{rel}/action-items/S1",
    "/api/v1/relationships/{rel}/action-items/S1/comments",
    "/r/northwind-telco-a/items/TLA-S0001/",  # the reference reads as a key too
    "/api/v1/relationships/{rel}/action-items/TLA-S0001",
]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("route", PRIVATE_ROUTES)
def test_a_private_item_is_hidden_from_the_other_side(
    route: str, person: str, world: Any, as_user: Any
) -> None:
    response = as_user(world.people()[person]).get(route.format(rel=world.nw_ta.pk))
    if route.endswith("edit/"):  # the write check comes first: viewers get 403 for any item number
        expected = {"ada": 200, "sam": 200, "val": 403, "vic": 403}.get(person, 404)
    elif "/items/TLA-" in route:  # a page by reference redirects its own side to the item's key
        expected = {"ada": 302, "sam": 302, "val": 302}.get(person, 404)
    else:
        expected = {"ada": 200, "sam": 200, "val": 200}.get(person, 404)
    if person == "anonymous":
        expected = 401 if route.startswith("/api/") else 302
    assert response.status_code == expected, (route, person)


def test_the_other_side_never_sees_a_private_item_in_lists_or_exports(world: Any, as_user: Any) -> None:
    secret = b"margin impact"
    urls = [
        "/r/northwind-telco-a/items/",
        "/r/northwind-telco-a/items/export.csv",
        "/r/northwind-telco-a/items/export.xlsx",
        f"/api/v1/relationships/{world.nw_ta.pk}/action-items",
        "/my/items/",
        "/",
    ]
    for person in ("carol", "vic"):
        client = as_user(world.people()[person])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (person, url)
            assert secret not in response.content, (person, url)
    assert secret in as_user(world.val).get("/r/northwind-telco-a/items/").content
