"""Topics and forecasts for the tests, made through the services (``meetings.topics``)."""

from __future__ import annotations

from typing import Any

from accord.meetings import topics
from accord.meetings.models import Forecast, Topic
from accord.parties.access import access_from


def access(w: Any, person: Any) -> Any:
    found = access_from(person, w.nw_ta)
    assert found is not None
    return found


def raise_topic(w: Any, *, by: Any = None, kind: str = "customer_concern", **more: Any) -> Topic:
    """A topic of Telco A's relationship raised by Carol unless ``by``."""
    values: dict[str, Any] = {"kind": kind, "title": more.pop("title", "Alarm floods after upgrade")}
    values.update(more)
    return topics.create_topic(access=access(w, by or w.carol), **values)


def concern(w: Any) -> Topic:
    """Carol's shared customer concern, linked to TLA-0001 (made on first use; the access matrix's
    cases share it)."""
    found = getattr(w, "_concern", None)
    if found is None:
        found = raise_topic(w)
        topics.link_items(access=access(w, w.carol), topic=found, keys=["1"])
        w._concern = found
    return found


def supplier_secret(w: Any) -> Topic:
    """Northwind's private organization concern (made on first use)."""
    found = getattr(w, "_supplier_secret", None)
    if found is None:
        found = raise_topic(
            w, by=w.sam, kind="organization_concern", title="Telco A pays late again", visibility="private"
        )
        w._supplier_secret = found
    return found


def forecast(w: Any) -> Forecast:
    """Carol's forecast of OTX-100 for 2027-01 (made on first use)."""
    found = getattr(w, "_forecast", None)
    if found is None:
        found = topics.create_forecast(
            access=access(w, w.carol), product=w.product, month="2027-01", quantity=40
        )
        w._forecast = found
    return found
