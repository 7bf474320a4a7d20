"""The access matrix's cases for parties's routes (collected by ``tests/test_access_matrix.py``).

Relationships, parties, people, sites and products; who am I.
"""

from __future__ import annotations

from tests.access import REL, TA, Case, everyone, rel_url

PAGES: dict[str, Case] = {
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
}

API: dict[tuple[str, str], Case] = {
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
}
