"""Every answer carries the Content-Security-Policy; pages, exports and the API are never stored by a
browser or a proxy (``Cache-Control: private, no-store``); static files stay cacheable."""

from typing import Any

import pytest
from django.test import Client

from accord.lib.headers import CONTENT_SECURITY_POLICY

REL = "/r/northwind-telco-a"


def assert_not_stored_and_under_the_policy(response: Any) -> None:
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["Cache-Control"] == "private, no-store"


def test_the_policy_allows_no_inline_script_or_style_and_nothing_from_elsewhere() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == directives["style-src"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"{REL}/",
        f"{REL}/items/",
        f"{REL}/items/export.csv",
        f"{REL}/items/export.xlsx",
        f"{REL}/measurements/",
        f"{REL}/data/",
        "/accounts/profile/",
    ],
)
def test_tenant_pages_and_exports_are_not_stored(world: Any, as_user: Any, path: str) -> None:
    response = as_user(world.carol).get(path)
    assert response.status_code == 200
    assert_not_stored_and_under_the_policy(response)


def test_api_answers_are_not_stored(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    response = client.get(f"/api/v1/relationships/{world.nw_ta.pk}/action-items")
    assert response.status_code == 200
    assert_not_stored_and_under_the_policy(response)
    assert_not_stored_and_under_the_policy(client.get("/api/v1/relationships/999999/action-items"))  # 404
    assert_not_stored_and_under_the_policy(
        Client().get(f"/api/v1/relationships/{world.nw_ta.pk}/action-items")
    )


def test_the_sign_in_page_and_redirects_are_not_stored_either(db: Any, client: Client) -> None:
    assert_not_stored_and_under_the_policy(client.get("/accounts/login/"))
    assert_not_stored_and_under_the_policy(client.get("/"))  # to the sign-in page


def test_static_files_stay_cacheable_under_the_policy(db: Any, settings: Any) -> None:
    settings.WHITENOISE_USE_FINDERS = True  # no collectstatic in tests; a new client's WhiteNoise finds them
    response = Client().get("/static/accord/accord.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
