"""A product moved to another category on its edit page counts there from then on: the supplier's
relationships recount (parties announces it through ``accord.lib.written``; measurements listens)."""

from __future__ import annotations

from datetime import date
from typing import Any

from accord.measurements import services as measurements
from accord.measurements.models import MonthlyFact
from accord.operations.models import Shipment
from accord.parties import services
from accord.parties.models import ProductCategory


def test_moving_a_product_to_another_category_recounts_its_shipments(world: Any) -> None:
    Shipment.objects.create(
        relationship=world.nw_ta,
        shipment_id="S-1",
        product=world.product,
        ship_date=date(2026, 5, 4),
        quantity=7,
    )
    measurements.refresh_all(world.nw_ta)

    def categories() -> set[str]:
        facts = MonthlyFact.objects.filter(relationship=world.nw_ta, month="2026-05").exclude(category="ALL")
        return set(facts.values_list("category", flat=True))

    assert categories() == {world.category.code}
    radios = ProductCategory.objects.create(code="3.3.1", name="Radio", normalization_basis="installed")
    services.update_product(
        actor=world.ada, product=world.product, version=world.product.version, category=radios
    )
    assert categories() == {"3.3.1"}
