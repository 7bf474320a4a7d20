"""The access matrix's cases for the topics part (collected through ``access_cases``).

Carol's shared customer concern (linked to TLA-0001) and her forecast: both sides read them, either
side's writers change topics, only the customer's writers (Carol) change forecasts; Fay (topics are not
the shared expectations team's work) and Mallory get the one 404."""

from __future__ import annotations

from typing import Any

from tests.access import REL, TA, Case, everyone, readers, writers
from tests.meetings.topic_helpers import concern, forecast

CUSTOMER_WRITERS_PAGE = everyone(403, carol=302, mallory=404, fay=404)


def _topic(w: Any) -> str:
    return f"/r/{TA}/topics/{concern(w).pk}"


def _forecast(w: Any) -> str:
    return f"/r/{TA}/forecasts/{forecast(w).pk}"


def _api(w: Any, suffix: str = "") -> str:
    return f"/api/v1/relationships/{w.nw_ta.pk}{suffix}"


PAGES: dict[str, Case] = {
    "meetings:topics": Case("GET", lambda w: f"/r/{TA}/topics/", readers(200)),
    "meetings:topic_create": Case("GET", lambda w: f"/r/{TA}/topics/new/", writers(200)),
    "meetings:topics_export": Case("GET", lambda w: f"/r/{TA}/topics/export.csv", readers(200)),
    "meetings:topic": Case("GET", lambda w: _topic(w) + "/", readers(200)),
    "meetings:topic_edit": Case("GET", lambda w: _topic(w) + "/edit/", writers(200)),
    "meetings:topic_status": Case(
        "POST",
        lambda w: _topic(w) + "/status/",
        writers(302),
        data=lambda w: {"status": "closed", "version": 1},
    ),
    "meetings:topic_link": Case(
        "POST", lambda w: _topic(w) + "/link/", writers(302), data=lambda w: {"keys": "1"}
    ),
    "meetings:topic_unlink": Case(
        "POST", lambda w: _topic(w) + "/unlink/", writers(302), data=lambda w: {"key": "1"}
    ),
    "meetings:forecasts": Case("GET", lambda w: f"/r/{TA}/forecasts/", readers(200)),
    "meetings:forecast_edit": Case(
        "GET", lambda w: _forecast(w) + "/edit/", everyone(403, carol=200, mallory=404, fay=404)
    ),
    "meetings:forecast_delete": Case(
        "POST", lambda w: _forecast(w) + "/delete/", CUSTOMER_WRITERS_PAGE, data=lambda w: {"version": 1}
    ),
}

TOPIC = REL + "/topics/{topic_id}"
FORECAST = REL + "/forecasts/{forecast_id}"
CUSTOMER_WRITERS = everyone(403, anonymous=401, mallory=404, fay=404)

API: dict[tuple[str, str], Case] = {
    ("GET", REL + "/topics"): Case("GET", lambda w: _api(w, "/topics"), readers(200, 401)),
    ("POST", REL + "/topics"): Case(
        "POST",
        lambda w: _api(w, "/topics"),
        writers(201, 401),
        data=lambda w: {"kind": "technical_issue", "title": "Clock drift on OTX-100"},
    ),
    ("GET", TOPIC): Case("GET", lambda w: _api(w, f"/topics/{concern(w).pk}"), readers(200, 401)),
    ("PATCH", TOPIC): Case(
        "PATCH",
        lambda w: _api(w, f"/topics/{concern(w).pk}"),
        writers(200, 401),
        data=lambda w: {"version": 1, "title": "Alarm floods after the 7.2 upgrade"},
    ),
    ("POST", TOPIC + "/status"): Case(
        "POST",
        lambda w: _api(w, f"/topics/{concern(w).pk}/status"),
        writers(200, 401),
        data=lambda w: {"version": 1, "status": "closed"},
    ),
    ("POST", TOPIC + "/action-items"): Case(
        "POST",
        lambda w: _api(w, f"/topics/{concern(w).pk}/action-items"),
        writers(200, 401),
        data=lambda w: {"keys": ["1"]},
    ),
    ("DELETE", TOPIC + "/action-items/{number}"): Case(
        "DELETE", lambda w: _api(w, f"/topics/{concern(w).pk}/action-items/1"), writers(200, 401)
    ),
    ("GET", REL + "/forecasts"): Case("GET", lambda w: _api(w, "/forecasts"), readers(200, 401)),
    ("POST", REL + "/forecasts"): Case(
        "POST",
        lambda w: _api(w, "/forecasts"),
        CUSTOMER_WRITERS | {"carol": 201},
        data=lambda w: {"product_id": w.product.pk, "month": "2027-03", "quantity": 12},
    ),
    ("GET", FORECAST): Case("GET", lambda w: _api(w, f"/forecasts/{forecast(w).pk}"), readers(200, 401)),
    ("PATCH", FORECAST): Case(
        "PATCH",
        lambda w: _api(w, f"/forecasts/{forecast(w).pk}"),
        CUSTOMER_WRITERS | {"carol": 200},
        data=lambda w: {"version": 1, "quantity": 45},
    ),
    ("DELETE", FORECAST): Case(
        "DELETE", lambda w: _api(w, f"/forecasts/{forecast(w).pk}"), CUSTOMER_WRITERS | {"carol": 204}
    ),
}
