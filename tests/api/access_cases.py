"""The access matrix's cases for api's routes (collected by ``tests/test_access_matrix.py``).

The API's own documents: open to everyone.
"""

from __future__ import annotations

from tests.access import Case, everyone

PAGES: dict[str, Case] = {}

API: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/openapi.json"): Case(
        "GET", lambda w: "/api/v1/openapi.json", everyone(200, anonymous=200)
    ),
    ("GET", "/api/v1/docs"): Case("GET", lambda w: "/api/v1/docs", everyone(200, anonymous=200)),
}
