from __future__ import annotations

from typing import Any

import pytest

from accord.parties import services
from accord.parties.models import ProductCategory


@pytest.fixture
def router_category(world: Any) -> ProductCategory:
    return ProductCategory.objects.create(code="1.2.7", name="Routers", normalization_basis="installed")


@pytest.fixture
def router(world: Any, router_category: ProductCategory) -> Any:
    """A second product of Northwind's, in another category."""
    return services.create_product(
        actor=None, supplier=world.northwind, code="NW-R900", name="R900 router", category=router_category
    )
