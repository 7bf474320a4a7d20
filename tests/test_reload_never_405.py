"""A failed form post never leaves the browser on a URL that answers 405 when reloaded: every URL of the
site answers a signed-in member's GET with a page or a redirect (a POST-only URL sends them, 303, to
the page its form lives on: accord.lib.http.post_only), never with 405."""

from __future__ import annotations

from typing import Any

import pytest

from tests.access import collect, url_routes

PAGES, _API = collect()
ROUTES = sorted(name for name, _pattern in url_routes() if not name.startswith(("admin:", "api:")))


@pytest.mark.parametrize("person", ["ada", "carol"])
@pytest.mark.parametrize("name", ROUTES)
def test_a_get_never_answers_405(name: str, person: str, world: Any, as_user: Any) -> None:
    assert name in PAGES, f"{name} is not in the access matrix"
    client = as_user(getattr(world, person))
    url = PAGES[name].url(world)
    response = client.get(url)
    assert response.status_code != 405, (name, url)
    hops = 0
    while response.status_code == 303:  # a POST-only URL: the page the form lives on answers the GET
        hops += 1  # (a record's files send on to the record's own page: two hops at most)
        assert hops <= 2, (name, url, response["Location"])
        response = client.get(response["Location"])
    assert response.status_code != 405, (name, url)


def test_a_post_only_url_sends_a_get_to_its_form_s_page_and_still_refuses_other_methods(
    world: Any, as_user: Any
) -> None:
    client = as_user(world.sam)
    response = client.get("/r/northwind-telco-a/items/1/comment/")
    assert response.status_code == 303 and response["Location"] == "/r/northwind-telco-a/items/1/"
    assert client.head("/r/northwind-telco-a/items/1/transition/").status_code == 303
    assert client.put("/r/northwind-telco-a/items/1/comment/").status_code == 405
    revoke = client.get("/parties/northwind/invitations/1/revoke/")  # keeps only the party's slug
    assert revoke.status_code == 303 and revoke["Location"] == "/parties/northwind/"


def test_a_stranger_sent_from_a_post_only_url_gets_the_page_s_own_404(world: Any, as_user: Any) -> None:
    response = as_user(world.mallory).get("/r/northwind-telco-a/items/1/comment/", follow=True)
    assert response.status_code == 404
    anonymous = as_user(None).get("/r/northwind-telco-a/items/1/comment/", follow=True)
    assert anonymous.redirect_chain[-1][0].startswith("/accounts/login/")
