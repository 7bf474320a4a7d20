import json
from typing import Any

from accord.api.main import api
from accord.parties.models import SupplierCategoryBasis


def patch(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_relationships_show_id_slug_and_my_side(world: Any, as_user: Any) -> None:
    rows = as_user(world.carol).get("/api/v1/relationships").json()
    assert [(r["id"], r["slug"], r["my_side"], r["my_role"]) for r in rows] == [
        (world.nw_ta.pk, "northwind-telco-a", "customer", "editor")
    ]
    fay = as_user(world.fay).get(f"/api/v1/relationships/{world.nw_ta.pk}").json()
    assert (fay["my_side"], fay["my_role"]) == (None, "facilitator")


def test_people_lists_both_sides_and_facilitators(world: Any, as_user: Any) -> None:
    body = as_user(world.vic).get(f"/api/v1/relationships/{world.nw_ta.pk}/people").json()
    assert {p["email"] for p in body["supplier"]} == {
        "ada@northwind.example",
        "sam@northwind.example",
        "val@northwind.example",
    }
    assert {p["email"] for p in body["customer"]} == {"carol@telco-a.example", "vic@telco-a.example"}
    assert [p["email"] for p in body["facilitators"]] == ["fay@facilitators.example"]


def test_sites_products_and_installed_base(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    sites = client.get(f"/api/v1/relationships/{world.nw_ta.pk}/sites").json()
    assert {s["name"] for s in sites} == {"Stuttgart HQ", "Munich core"}
    products = client.get(f"/api/v1/relationships/{world.nw_ta.pk}/products").json()
    assert products[0]["code"] == "NW-OTX-100" and products[0]["category"]["code"] == "3.2.1"
    assert products[0]["category"]["normalization_basis"] == "shipped_12m"  # the category's default
    # Northwind counts this category by installed units: its products say so, the default stays
    SupplierCategoryBasis.objects.create(
        supplier=world.northwind, category=world.product.category, normalization_basis="installed"
    )
    products = client.get(f"/api/v1/relationships/{world.nw_ta.pk}/products").json()
    assert products[0]["category"]["normalization_basis"] == "installed"
    changed = patch(
        as_user(world.ada),
        f"/api/v1/relationships/{world.nw_ta.pk}/products/{world.product.pk}",
        {"name": "OTX-100 transponder", "version": world.product.version},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["category"]["normalization_basis"] == "installed"
    installed = client.get(f"/api/v1/relationships/{world.nw_ta.pk}/installed-base").json()
    assert installed == [
        {
            "id": world.ta_installed.pk,
            "site_id": world.ta_site.pk,
            "site": "Munich core",
            "product_code": "NW-OTX-100",
            "quantity": 7,
            "in_service_date": "2026-06-01",
            "serial": "",
        }
    ]


def test_a_stale_version_gives_409_with_the_current_state(world: Any, as_user: Any) -> None:
    client = as_user(world.ada)
    url = f"/api/v1/relationships/{world.nw_ta.pk}"
    assert patch(client, url, {"version": 1, "description": "one"}).json()["version"] == 2
    response = patch(client, url, {"version": 1, "description": "two"})
    assert response.status_code == 409
    body = response.json()
    assert body["current"]["description"] == "one" and body["current"]["version"] == 2
    assert set(body) >= {"error", "fields"}


def test_bad_input_gives_400_with_field_messages(world: Any, as_user: Any) -> None:
    client = as_user(world.ada)
    response = patch(
        client, f"/api/v1/relationships/{world.nw_ta.pk}", {"version": 1, "time_zone": "Mars/Base"}
    )
    assert response.status_code == 400
    assert "time_zone" in response.json()["fields"]
    response = patch(client, f"/api/v1/relationships/{world.nw_ta.pk}", {"description": "no version"})
    assert response.status_code == 400 and "version" in response.json()["fields"]
    response = client.post(
        f"/api/v1/relationships/{world.nw_ta.pk}/products", "{not json", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["error"]


def test_an_unknown_category_is_a_field_error(world: Any, as_user: Any) -> None:
    response = as_user(world.sam).post(
        f"/api/v1/relationships/{world.nw_ta.pk}/products",
        {"code": "X", "name": "X", "category": "9.9.9"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "category" in response.json()["fields"]


def test_a_customer_editor_adds_a_site_of_their_own_party(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).post(
        f"/api/v1/relationships/{world.nw_ta.pk}/sites",
        {"name": "Berlin lab", "country": "DE", "kind": "customer"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["party"]["slug"] == "telco-a"


def test_wrong_method_and_unknown_path_use_the_error_shape(world: Any, as_user: Any) -> None:
    client = as_user(world.ada)
    response = client.delete(f"/api/v1/relationships/{world.nw_ta.pk}")
    assert response.status_code == 405 and response.json() == {"error": "Method Not Allowed", "fields": {}}
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json()["error"] == "Not Found"


def test_session_writes_need_the_csrf_token(world: Any) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.ada)
    response = patch(client, f"/api/v1/relationships/{world.nw_ta.pk}", {"version": 1, "description": "x"})
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_openapi_documents_every_error_response(db: Any, client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            assert {"401", "404"} <= codes, (method, path)
            if op.get("parameters") or op.get("requestBody"):  # any input may be invalid
                assert "400" in codes, (method, path)
            if method != "get":
                assert {"400", "403", "413"} <= codes, (method, path)
            for code, response in op["responses"].items():
                if code.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.rsplit("/", 1)[1] in {"Error", "ConflictError"}
    assert api.get_openapi_schema()["components"]["schemas"]["Error"]["required"] == ["error"]
