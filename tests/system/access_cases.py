"""The access matrix's cases for system's routes (collected by ``tests/test_access_matrix.py``).

The health check: open to everyone.
"""

from __future__ import annotations

from tests.access import Case, everyone

PAGES: dict[str, Case] = {
    "healthz": Case("GET", lambda w: "/healthz", everyone(200, anonymous=200)),
}

API: dict[tuple[str, str], Case] = {}
