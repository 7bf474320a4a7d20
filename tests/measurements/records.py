"""Operational records for the measurement tests, written as short rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Model

from accord.operations.models import Shipment


def add(model: type[Model], rel: Any, product: Any, *rows: dict[str, Any]) -> None:
    """``model`` records of ``rel`` about ``product`` (unless a row names its own), one per row."""
    model._default_manager.bulk_create(model(relationship=rel, **{"product": product, **row}) for row in rows)


def ship_monthly(rel: Any, product: Any, months: range, *, year: int = 2026, quantity: int = 1000) -> None:
    """``quantity`` units shipped on the 5th of each of ``months``, shipment "S<month>"."""
    rows = ({"shipment_id": f"S{m}", "ship_date": date(year, m, 5), "quantity": quantity} for m in months)
    add(Shipment, rel, product, *rows)


def repair(repair_id: str, received: date, shipped: date | None, **more: Any) -> dict[str, Any]:
    return {"repair_id": repair_id, "received_date": received, "shipped_date": shipped, **more}


def returned(return_id: str, received: date, shipped: date, quantity: int, **more: Any) -> dict[str, Any]:
    row = {"return_id": return_id, "received_date": received, "ship_date": shipped, "quantity": quantity}
    return row | more
