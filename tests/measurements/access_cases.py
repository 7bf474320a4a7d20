"""The access matrix's cases for measurements's routes (collected by ``tests/test_access_matrix.py``).

Measurements: both sides read them; only admins change the agreed settings.
"""

from __future__ import annotations

from tests.access import REL, TA, Case, everyone, readers, rel_url

PAGES: dict[str, Case] = {
    # Measurements: both sides read them; only admins change the agreed settings.
    "measurements:page": Case("GET", lambda w: f"/r/{TA}/measurements/", readers(200)),
    "measurements:records": Case(
        "GET",
        lambda w: f"/r/{TA}/measurements/records/?measure=FR.ERI&month=2026-05&category=ALL&part=numerator",
        readers(200),
    ),
    "measurements:settings": Case("GET", lambda w: f"/r/{TA}/measurements/settings/", readers(200)),
}

API: dict[tuple[str, str], Case] = {
    ("GET", REL + "/metrics"): Case("GET", rel_url("/metrics?from=2026-01&to=2026-06"), readers(200, 401)),
    ("GET", REL + "/measurement-settings"): Case("GET", rel_url("/measurement-settings"), readers(200, 401)),
    ("PATCH", REL + "/measurement-settings"): Case(
        "PATCH",
        rel_url("/measurement-settings"),
        everyone(403, anonymous=401, ada=200, mallory=404, fay=404),
        data=lambda w: {"version": 1, "repair_sla_days": 10},
    ),
}
