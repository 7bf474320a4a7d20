"""Every URL pattern and API operation, as every test person: the route must be classified here, and
each person gets exactly the expected answer. Mallory (Telco B) must never see Telco A."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accord.api.main import api

PEOPLE = ["anonymous", "ada", "sam", "val", "carol", "vic", "mallory", "fay"]
MEMBERS = {"ada", "sam", "val", "carol", "vic", "mallory", "fay"}


def everyone(status: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(MEMBERS, status) | {"anonymous": anonymous}
    return table | overrides


@dataclass
class Case:
    method: str
    url: Callable[[Any], str]
    expect: dict[str, int]
    data: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})
    multipart: bool = False  # an upload: form data instead of JSON


def writers(status: int, anonymous: int = 302) -> dict[str, int]:
    """Telco A's relationship: writers of both sides get ``status``, viewers 403, strangers 404."""
    return everyone(403, anonymous=anonymous, ada=status, sam=status, carol=status, mallory=404, fay=404)


WRITERS = writers(200)


def readers(status: int, anonymous: int = 302) -> dict[str, int]:
    return everyone(status, anonymous=anonymous, mallory=404, fay=404)


# --- pages -----------------------------------------------------------------------------------------
# Telco A's relationship: both sides read; the facilitator reads its overview; Mallory gets 404.
TA = "northwind-telco-a"
PAGES: dict[str, Case] = {
    "healthz": Case("GET", lambda w: "/healthz", everyone(200, anonymous=200)),
    "parties:home": Case("GET", lambda w: "/", everyone(200)),
    "parties:relationship": Case("GET", lambda w: f"/r/{TA}/", everyone(200, mallory=404)),
    "parties:relationship_settings": Case(
        "GET", lambda w: f"/r/{TA}/settings/", everyone(403, ada=200, mallory=404, fay=404)
    ),
    "parties:relationship_invite_guest": Case(
        "POST",
        lambda w: f"/r/{TA}/facilitators/invite/",
        everyone(403, ada=302, mallory=404, fay=404),
        data=lambda w: {"email": "new.facilitator@example.org"},
    ),
    "parties:relationship_audit": Case(
        "GET", lambda w: f"/r/{TA}/audit/", everyone(403, ada=200, mallory=404, fay=404)
    ),
    # Telco A's party pages: Northwind (its supplier) reads them; Telco A has no admin among the test people.
    "parties:party": Case("GET", lambda w: "/parties/telco-a/", everyone(200, mallory=404, fay=404)),
    "parties:party_invite": Case(
        "GET", lambda w: "/parties/telco-a/invite/", everyone(403, mallory=404, fay=404)
    ),
    "parties:invitation_revoke": Case(
        "POST", lambda w: "/parties/telco-a/invitations/999/revoke/", everyone(403, mallory=404, fay=404)
    ),
    "parties:counterpart_create": Case(
        "GET", lambda w: "/parties/telco-a/counterparts/new/", everyone(403, mallory=404, fay=404)
    ),
    "parties:party_audit": Case(
        "GET", lambda w: "/parties/telco-a/audit/", everyone(403, mallory=404, fay=404)
    ),
    "parties:site_create": Case(
        "GET", lambda w: "/parties/telco-a/sites/new/", everyone(403, carol=200, mallory=404, fay=404)
    ),
    "parties:product_create": Case(
        "GET", lambda w: "/parties/northwind/products/new/", everyone(403, ada=200, sam=200, fay=404)
    ),
    "parties:membership_edit": Case(
        "GET", lambda w: f"/memberships/{w.carol.memberships.get().pk}/", everyone(403, mallory=404, fay=404)
    ),
    "parties:site_edit": Case(
        "GET", lambda w: f"/sites/{w.ta_site.pk}/", everyone(403, carol=200, mallory=404, fay=404)
    ),
    "parties:product_edit": Case(
        "GET", lambda w: f"/products/{w.product.pk}/", everyone(403, ada=200, sam=200, fay=404)
    ),
    "accounts:login": Case("GET", lambda w: "/accounts/login/", everyone(302, anonymous=200)),
    "accounts:logout": Case("POST", lambda w: "/accounts/logout/", everyone(302)),
    "accounts:password_change": Case("GET", lambda w: "/accounts/password/change/", everyone(200)),
    "accounts:password_reset": Case(
        "GET", lambda w: "/accounts/password/reset/", everyone(200, anonymous=200)
    ),
    "accounts:password_reset_done": Case(
        "GET", lambda w: "/accounts/password/reset/sent/", everyone(200, anonymous=200)
    ),
    "accounts:password_reset_confirm": Case(
        "GET", lambda w: "/accounts/password/reset/MQ/bogus-token/", everyone(200, anonymous=200)
    ),
    "accounts:password_reset_complete": Case(
        "GET", lambda w: "/accounts/password/reset/done/", everyone(200, anonymous=200)
    ),
    "accounts:invitation": Case(
        "GET", lambda w: "/accounts/invitation/forged-token/", everyone(404, anonymous=404)
    ),
    "accounts:profile": Case("GET", lambda w: "/accounts/profile/", everyone(200)),
    "accounts:notifications": Case(
        "POST",
        lambda w: "/accounts/profile/notifications/",
        everyone(302),
        data=lambda w: {"assigned": "on"},
    ),
    "accounts:token_create": Case(
        "POST", lambda w: "/accounts/profile/tokens/", everyone(302), data=lambda w: {"name": "script"}
    ),
    # The register of Telco A's relationship: both sides read, writers write; no facilitator, no Mallory.
    "register:my_items": Case("GET", lambda w: "/my/items/", everyone(200)),
    "register:list": Case("GET", lambda w: f"/r/{TA}/items/", everyone(200, mallory=404, fay=404)),
    "register:create": Case("GET", lambda w: f"/r/{TA}/items/new/", WRITERS),
    "register:export": Case(
        "GET", lambda w: f"/r/{TA}/items/export.csv", everyone(200, mallory=404, fay=404)
    ),
    "register:import": Case("GET", lambda w: f"/r/{TA}/items/import/", WRITERS),
    "register:import_errors": Case("GET", lambda w: f"/r/{TA}/items/import/errors.csv", WRITERS),
    "register:item": Case("GET", lambda w: f"/r/{TA}/items/1/", everyone(200, mallory=404, fay=404)),
    "register:edit": Case("GET", lambda w: f"/r/{TA}/items/1/edit/", WRITERS),
    # Starting work is the owning side's (Northwind's): Carol may comment but not start it.
    "register:transition": Case(
        "POST",
        lambda w: f"/r/{TA}/items/1/transition/",
        everyone(403, ada=302, sam=302, mallory=404, fay=404),
        data=lambda w: {"action": "start", "version": 1},
    ),
    "register:comment": Case(
        "POST", lambda w: f"/r/{TA}/items/1/comment/", writers(302), data=lambda w: {"body": "Logs attached."}
    ),
    "register:quick": Case(
        "POST",
        lambda w: f"/r/{TA}/items/1/quick/",
        WRITERS,
        data=lambda w: {"version": 1, "due_date": "2030-02-28"},
    ),
    "register:task_forces": Case(
        "GET", lambda w: f"/r/{TA}/task-forces/", everyone(200, mallory=404, fay=404)
    ),
    "register:task_force": Case(
        "GET", lambda w: f"/r/{TA}/task-forces/{w.task_force.pk}/", everyone(200, mallory=404, fay=404)
    ),
    "register:task_force_edit": Case(
        "GET", lambda w: f"/r/{TA}/task-forces/{w.task_force.pk}/edit/", WRITERS
    ),
    # Measurements: both sides read them; only admins change the agreed settings.
    "measurements:page": Case("GET", lambda w: f"/r/{TA}/measurements/", readers(200)),
    "measurements:records": Case(
        "GET",
        lambda w: f"/r/{TA}/measurements/records/?measure=FR.ERI&month=2026-05&category=ALL&part=numerator",
        readers(200),
    ),
    "measurements:settings": Case("GET", lambda w: f"/r/{TA}/measurements/settings/", readers(200)),
    "accounts:token_revoke": Case("POST", lambda w: "/accounts/profile/tokens/999/revoke/", everyone(404)),
    # Operational data: both sides read; only the supplier's editors and admins upload and retry.
    "operations:data": Case("GET", lambda w: f"/r/{TA}/data/", readers(200)),
    "operations:upload": Case(  # an empty form: the writers get it back with its errors
        "POST", lambda w: f"/r/{TA}/data/upload/", everyone(403, ada=400, sam=400, mallory=404, fay=404)
    ),
    "operations:batch": Case(
        "GET",
        lambda w: f"/r/{TA}/data/batches/{w.nw_ta.import_batches.create(kind='returns').pk}/",
        readers(200),
    ),
    "operations:batch_errors": Case(
        "GET",
        lambda w: f"/r/{TA}/data/batches/{w.nw_ta.import_batches.create(kind='returns').pk}/errors.csv",
        readers(200),
    ),
    "operations:batch_retry": Case(  # a queued batch is not retried: the writers are sent back to it
        "POST",
        lambda w: f"/r/{TA}/data/batches/{w.nw_ta.import_batches.create(kind='returns').pk}/retry/",
        everyone(403, ada=302, sam=302, mallory=404, fay=404),
    ),
    "operations:download": Case("GET", lambda w: f"/r/{TA}/data/shipments.csv", readers(200)),
}
# The Django admin is for superusers only: everyone else is sent to its sign-in page.
ADMIN_CASE = Case("GET", lambda w: "/admin/", everyone(302))

# --- API operations, by (method, path template) --------------------------------------------------
REL = "/api/v1/relationships/{rel_id}"


def _shipments_csv() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = b"shipment_id,product_code,ship_date,quantity\r\nS1,NW-OTX-100,2026-05-04,10\r\n"
    return SimpleUploadedFile("shipments.csv", body, content_type="text/csv")


def _batch(w: Any) -> Any:
    from accord.operations.models import ImportBatch

    return ImportBatch.objects.create(
        relationship=w.nw_ta, kind="shipments", file_name="s.csv", sha256="0" * 64
    )


def rel_of(w: Any) -> str:
    return f"/api/v1/relationships/{w.nw_ta.pk}"


def rel_url(suffix: str = "") -> Callable[[Any], str]:
    return lambda w: f"/api/v1/relationships/{w.nw_ta.pk}{suffix}"


API: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/openapi.json"): Case(
        "GET", lambda w: "/api/v1/openapi.json", everyone(200, anonymous=200)
    ),
    ("GET", "/api/v1/docs"): Case("GET", lambda w: "/api/v1/docs", everyone(200, anonymous=200)),
    ("GET", "/api/v1/me"): Case("GET", lambda w: "/api/v1/me", everyone(200, anonymous=401)),
    ("GET", "/api/v1/relationships"): Case(
        "GET", lambda w: "/api/v1/relationships", everyone(200, anonymous=401)
    ),
    ("GET", REL): Case("GET", rel_url(), everyone(200, anonymous=401, mallory=404)),
    ("PATCH", REL): Case(
        "PATCH",
        rel_url(),
        everyone(403, anonymous=401, ada=200, mallory=404, fay=404),
        data=lambda w: {"version": 1, "description": "Our shared workspace"},
    ),
    ("GET", REL + "/people"): Case("GET", rel_url("/people"), everyone(200, anonymous=401, mallory=404)),
    ("GET", REL + "/sites"): Case(
        "GET", rel_url("/sites"), everyone(200, anonymous=401, mallory=404, fay=404)
    ),
    ("POST", REL + "/sites"): Case(
        "POST",
        rel_url("/sites"),
        everyone(201, anonymous=401, val=403, vic=403, mallory=404, fay=404),
        data=lambda w: {"name": "New site", "country": "DE"},
    ),
    ("PATCH", REL + "/sites/{site_id}"): Case(
        "PATCH",
        lambda w: f"/api/v1/relationships/{w.nw_ta.pk}/sites/{w.ta_site.pk}",
        everyone(403, anonymous=401, carol=200, mallory=404, fay=404),
        data=lambda w: {"version": 1, "name": "HQ"},
    ),
    ("GET", REL + "/products"): Case(
        "GET", rel_url("/products"), everyone(200, anonymous=401, mallory=404, fay=404)
    ),
    ("POST", REL + "/products"): Case(
        "POST",
        rel_url("/products"),
        everyone(403, anonymous=401, ada=201, sam=201, mallory=404, fay=404),
        data=lambda w: {"code": "NW-NEW", "name": "New", "category": "3.2.1"},
    ),
    ("PATCH", REL + "/products/{product_id}"): Case(
        "PATCH",
        lambda w: f"/api/v1/relationships/{w.nw_ta.pk}/products/{w.product.pk}",
        everyone(403, anonymous=401, ada=200, sam=200, mallory=404, fay=404),
        data=lambda w: {"version": 1, "name": "Renamed"},
    ),
    ("GET", REL + "/action-items"): Case("GET", rel_url("/action-items"), readers(200, 401)),
    ("POST", REL + "/action-items"): Case(
        "POST",
        rel_url("/action-items"),
        writers(201, 401),
        data=lambda w: {"title": "New item", "owner_side": "joint"},
    ),
    ("GET", REL + "/action-items/{number}"): Case("GET", rel_url("/action-items/1"), readers(200, 401)),
    ("PATCH", REL + "/action-items/{number}"): Case(
        "PATCH",
        rel_url("/action-items/1"),
        writers(200, 401),
        data=lambda w: {"version": 1, "priority": "high"},
    ),
    ("POST", REL + "/action-items/{number}/transitions"): Case(
        "POST",
        rel_url("/action-items/1/transitions"),
        everyone(403, anonymous=401, ada=200, sam=200, mallory=404, fay=404),
        data=lambda w: {"action": "start", "version": 1},
    ),
    ("GET", REL + "/action-items/{number}/comments"): Case(
        "GET", rel_url("/action-items/1/comments"), readers(200, 401)
    ),
    ("POST", REL + "/action-items/{number}/comments"): Case(
        "POST", rel_url("/action-items/1/comments"), writers(201, 401), data=lambda w: {"body": "Noted."}
    ),
    ("GET", REL + "/task-forces"): Case("GET", rel_url("/task-forces"), readers(200, 401)),
    ("POST", REL + "/task-forces"): Case(
        "POST", rel_url("/task-forces"), writers(201, 401), data=lambda w: {"name": "Delivery task force"}
    ),
    ("GET", REL + "/task-forces/{tf_id}"): Case(
        "GET", lambda w: f"{rel_of(w)}/task-forces/{w.task_force.pk}", readers(200, 401)
    ),
    ("PATCH", REL + "/task-forces/{tf_id}"): Case(
        "PATCH",
        lambda w: f"{rel_of(w)}/task-forces/{w.task_force.pk}",
        writers(200, 401),
        data=lambda w: {"version": 1, "charter": "x"},
    ),
    ("GET", REL + "/metrics"): Case("GET", rel_url("/metrics?from=2026-01&to=2026-06"), readers(200, 401)),
    ("GET", REL + "/measurement-settings"): Case("GET", rel_url("/measurement-settings"), readers(200, 401)),
    ("PATCH", REL + "/measurement-settings"): Case(
        "PATCH",
        rel_url("/measurement-settings"),
        everyone(403, anonymous=401, ada=200, mallory=404, fay=404),
        data=lambda w: {"version": 1, "repair_sla_days": 10},
    ),
    ("POST", REL + "/imports"): Case(
        "POST",
        rel_url("/imports"),
        everyone(403, anonymous=401, ada=201, sam=201, mallory=404, fay=404),
        data=lambda w: {"kind": "shipments", "file": _shipments_csv()},
        multipart=True,
    ),
    ("GET", REL + "/imports"): Case("GET", rel_url("/imports"), readers(200, 401)),
    ("GET", REL + "/imports/{batch_id}"): Case(
        "GET", lambda w: f"{rel_of(w)}/imports/{_batch(w).pk}", readers(200, 401)
    ),
    ("GET", REL + "/installed-base"): Case(
        "GET", rel_url("/installed-base"), everyone(200, anonymous=401, mallory=404, fay=404)
    ),
}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            found.append((namespace + (p.name or ""), prefix + str(p.pattern)))
    return found


def _api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    ops = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    return ops | {("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/docs")}


def test_every_route_is_classified() -> None:
    unclassified = []
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith("admin:") or name.startswith("api:"):
            continue
        if name not in PAGES:
            unclassified.append(f"{name} ({pattern})")
    assert not unclassified, "Classify these routes in tests/test_access_matrix.py: " + ", ".join(
        unclassified
    )


def test_every_api_operation_is_classified() -> None:
    missing = sorted(_api_operations() - set(API))
    assert not missing, f"Classify these API operations in tests/test_access_matrix.py: {missing}"
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
    "/r/northwind-telco-a/items/2/",
    "/r/northwind-telco-a/items/2/edit/",
    "/api/v1/relationships/{rel}/action-items/2",
    "/api/v1/relationships/{rel}/action-items/2/comments",
]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("route", PRIVATE_ROUTES)
def test_a_private_item_is_hidden_from_the_other_side(
    route: str, person: str, world: Any, as_user: Any
) -> None:
    response = as_user(world.people()[person]).get(route.format(rel=world.nw_ta.pk))
    if route.endswith("edit/"):  # the write check comes first: viewers get 403 for any item number
        expected = {"ada": 200, "sam": 200, "val": 403, "vic": 403}.get(person, 404)
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
