"""Input the API cannot take is a 400 (or 413) in the one error shape, never a 500 from the database:
numbers out of range, text with NUL characters, a multipart body without a boundary, a body over the
limit, a range of months past ten years; and writes without a valid person are 401, not a CSRF 403."""

import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accord.accounts.services import create_api_token
from accord.lib.api import MAX_IDS


def bearer(user: Any) -> Client:
    _token, raw = create_api_token(user=user, name="test")
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})


def send(client: Client, method: str, url: str, data: Any) -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def assert_400(response: Any, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error", "fields"} and body["error"]
    if field is not None:
        assert field in body["fields"], body
    return body


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("owner_id=-110312312312312312312312", "owner_id"),
        ("owner_id=9223372036854775808", "owner_id"),  # one past a 64-bit key
        ("task_force_id=0", "task_force_id"),
        ("page=99999999999999999999", "page"),
        ("due_within=36500", "due_within"),
    ],
)
def test_out_of_range_numbers_in_a_query_string_are_400(world: Any, query: str, field: str) -> None:
    assert_400(bearer(world.carol).get(f"/api/v1/relationships/{world.nw_ta.pk}/action-items?{query}"), field)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/relationships/99999999999999999999", "rel_id"),
        ("/relationships/0/sites", "rel_id"),
        ("/relationships/{rel}/action-items/99999999999", "number"),
        ("/relationships/{rel}/task-forces/-5", "tf_id"),
    ],
)
def test_out_of_range_numbers_in_a_path_are_400(world: Any, path: str, field: str) -> None:
    url = "/api/v1" + path.format(rel=world.nw_ta.pk)
    assert_400(bearer(world.carol).get(url), field)


def test_out_of_range_numbers_in_a_body_are_400(world: Any) -> None:
    ada, rel = bearer(world.ada), world.nw_ta.pk
    settings_url = f"/api/v1/relationships/{rel}/measurement-settings"
    for field, value in [
        ("frt_minor_days", 45067373600),
        ("otd_days_late", 3651),
        ("repair_sla_days", 0),
        ("support_response_major_h", 1e308),
        ("version", 2**31),
    ]:
        assert_400(send(ada, "patch", settings_url, {"version": 1, field: value}), field)
    items = f"/api/v1/relationships/{rel}/action-items"
    assert_400(send(ada, "post", items, {"title": "x", "owner_id": 2**64}), "owner_id")
    assert_400(send(ada, "post", items, {"title": "x", "related": [2**40]}), "related.0")
    assert_400(send(ada, "post", items, {"title": "x", "related": list(range(1, MAX_IDS + 2))}), "related")
    many = list(range(1, MAX_IDS + 2))
    tf = f"/api/v1/relationships/{rel}/task-forces"
    assert_400(send(ada, "post", tf, {"name": "x", "member_ids": many}), "member_ids")
    # the settings are unchanged
    assert ada.get(settings_url).json()["frt_minor_days"] == 180


def test_text_with_nul_characters_is_400(world: Any) -> None:
    carol, rel = bearer(world.carol), world.nw_ta.pk
    items = f"/api/v1/relationships/{rel}/action-items"
    body = assert_400(send(carol, "post", items, {"title": "a\u0000b"}))
    assert "NUL" in body["error"]
    assert "NUL" in assert_400(carol.get(items + "?q=a%00b"))["error"]
    nested = send(carol, "post", items, {"title": "ok", "related": [], "description": ["\u0000"]})
    assert "NUL" in assert_400(nested)["error"]


def test_a_multipart_body_without_a_boundary_is_400(world: Any) -> None:
    response = bearer(world.sam).post(
        f"/api/v1/relationships/{world.nw_ta.pk}/imports", b"--x\r\n", content_type="multipart/form-data"
    )
    assert "multipart" in assert_400(response)["error"]


def test_a_json_body_over_the_limit_is_413(world: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    items = f"/api/v1/relationships/{world.nw_ta.pk}/action-items"
    response = send(bearer(world.carol), "post", items, {"title": "x", "description": "a" * 1024 * 1024})
    assert response.status_code == 413
    assert response.json() == {"error": "The request body is 1 MB; at most 1 MB is accepted.", "fields": {}}
    small = send(bearer(world.carol), "post", items, {"title": "x", "description": "a" * 1000})
    assert small.status_code == 201


def test_a_too_wide_range_of_months_is_400_that_says_so(world: Any) -> None:
    url = f"/api/v1/relationships/{world.nw_ta.pk}/metrics"
    body = assert_400(bearer(world.vic).get(url + "?from=0001-01&to=9999-12"), "from")
    assert "at most 120 months" in body["fields"]["from"][0]
    assert_400(bearer(world.vic).get(url + "?from=2016-01&to=2026-01"), "from")  # 121 months
    assert bearer(world.vic).get(url + "?from=2016-02&to=2026-01").status_code == 200  # 120
    assert "after" in assert_400(bearer(world.vic).get(url + "?from=2026-02&to=2026-01"))["fields"]["from"][0]


def test_the_measurements_page_says_the_range_is_too_wide_and_shows_the_last_year(
    world: Any, as_user: Any
) -> None:
    response = as_user(world.vic).get(f"/r/{world.nw_ta.slug}/measurements/?start=0001-01&end=9999-12")
    assert response.status_code == 200
    page = response.content.decode()
    assert "at most 120 months" in page
    assert 'value="0001-01"' not in page and 'value="9999-12"' not in page


def test_the_metrics_command_refuses_a_too_wide_range(world: Any) -> None:
    with pytest.raises(CommandError, match="at most 120 months"):
        call_command("metrics", relationship=world.nw_ta.slug, start="0001-01", end="9999-12")


def test_the_settings_page_re_renders_huge_numbers_with_a_message(world: Any, as_user: Any) -> None:
    client = as_user(world.ada)
    url = f"/r/{world.nw_ta.slug}/measurements/settings/"
    form = {"version": 1, "frt_major_days": 10**30, "frt_minor_days": 180, "otd_days_early": 0}
    response = client.post(url, {**form, "otd_days_late": 0, "support_response_major_h": "1e300"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Ensure this value is less than or equal to") == 2
    assert client.post(url, {**form, "version": 2**40}).status_code == 200  # no 500 either


@pytest.mark.parametrize("token", [None, "acc_not-a-token"])
def test_writes_without_a_valid_person_are_401_not_a_csrf_403(world: Any, token: str | None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = Client(enforce_csrf_checks=True, headers=headers)
    response = send(client, "post", f"/api/v1/relationships/{world.nw_ta.pk}/action-items", {"title": "x"})
    assert response.status_code == 401 and response.json()["error"] == "Authentication required."
    assert response["WWW-Authenticate"] == 'Bearer realm="accord"'


def test_a_signed_in_browsers_write_without_its_csrf_token_is_still_403(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.carol)
    response = send(client, "post", f"/api/v1/relationships/{world.nw_ta.pk}/action-items", {"title": "x"})
    assert response.status_code == 403


def test_multipart_fields_over_the_limit_are_413(world: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = bearer(world.sam).post(
        f"/api/v1/relationships/{world.nw_ta.pk}/imports", {"kind": "x" * 2000, "dry_run": "true"}
    )
    assert response.status_code == 413 and response.json()["error"] == "The request's fields are too large."
