"""Accord's own pages for 400, 403, 404 and 500: the product's layout, a way back home, no debug
detail, the CSP still on; under /api/ the API's error shape. (The same under `accord demo`:
tests/system/test_demo_error_pages.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path

from accord import urls as accord_urls

SLUG = "northwind-telco-a"


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


# This module is also the URLconf of its tests: Accord's routes, its handlers, and two failing views.
urlpatterns = [path("boom/", boom), path("api/v1/boom/", boom), *accord_urls.urlpatterns]
handler400 = accord_urls.handler400
handler403 = accord_urls.handler403
handler404 = accord_urls.handler404
handler500 = accord_urls.handler500

DEBUG_WORDS = ("URLconf", "Traceback", "urlpatterns", "technical", "DEBUG = True", "RuntimeError")


def assert_product_page(response: Any, status: int, heading: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert 'data-testid="error-page"' in page and heading in page
    assert 'class="navbar-brand fw-semibold" href="/">Accord</a>' in page
    assert 'href="/">Back to your relationships</a>' in page
    assert "bootstrap.min.css" in page
    for word in DEBUG_WORDS:
        assert word not in page, word
    assert "default-src 'self'" in response["Content-Security-Policy"]
    return page


@pytest.fixture
def signed_in(world: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.sam)
    return client


pytestmark = pytest.mark.urls(__name__)


def test_a_bad_request_gets_the_product_page(signed_in: Client) -> None:
    response = signed_in.get("/", HTTP_HOST="evil.example")  # a host Accord does not serve
    assert_product_page(response, 400, "Bad request")


def test_a_forbidden_change_gets_the_product_page(world: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.val)  # a viewer may read the Data page but not upload
    response = client.post(f"/r/{SLUG}/data/upload/", {"kind": "returns"})
    page = assert_product_page(response, 403, "Not allowed")
    assert "Northwind" in page  # base.html's top bar: the viewer's party


def test_a_missing_page_gets_the_product_page(signed_in: Client) -> None:
    assert_product_page(signed_in.get("/no-such-page/"), 404, "Not found")
    assert_product_page(signed_in.get(f"/r/{SLUG}/items/999999/"), 404, "Not found")


def test_a_missing_page_for_someone_signed_out_gets_the_product_page(world: Any) -> None:
    assert_product_page(Client().get("/no-such-page/"), 404, "Not found")


def test_a_server_error_gets_the_product_page_without_touching_the_database(signed_in: Client) -> None:
    signed_in.get("/no-such-page/")  # the session is loaded once, before the failing request
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get("/boom/")
    assert_product_page(response, 500, "Something went wrong")
    # the session and the user are read for the request itself; the page adds no query of its own
    assert all("accord_parties" not in q["sql"] for q in queries.captured_queries)


def test_the_500_and_400_pages_render_without_a_database() -> None:
    # not marked django_db: pytest-django refuses any query, as a broken database would
    from accord.lib import error_pages

    request = HttpRequest()
    request.path = "/r/anything/"
    for handler, status in ((error_pages.server_error, 500), (error_pages.bad_request, 400)):
        response = handler(request)
        assert response.status_code == status and b'data-testid="error-page"' in response.content


def test_a_failed_csrf_check_gets_the_product_page(world: Any) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(world.sam)
    response = client.post(f"/r/{SLUG}/data/upload/", {"kind": "returns"})
    assert_product_page(response, 403, "This form has expired")


@pytest.mark.parametrize(("url", "status"), [("/api/v1/boom/", 500), ("/api/v1/no-such-thing", 404)])
def test_the_api_keeps_its_error_shape(signed_in: Client, url: str, status: int) -> None:
    response = signed_in.get(url)
    assert response.status_code == status
    assert response.json() == {"error": response.json()["error"], "fields": {}}
    assert "Traceback" not in response.content.decode()


def test_the_api_s_bad_host_answer_has_its_error_shape(signed_in: Client) -> None:
    response = signed_in.get("/api/v1/relationships", HTTP_HOST="evil.example")
    assert (response.status_code, response.json()) == (400, {"error": "Bad Request", "fields": {}})
