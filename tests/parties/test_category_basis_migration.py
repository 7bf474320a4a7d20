"""parties 0002: each supplier's own normalization basis, from the audited imports that changed the
global one before."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import Any

from django.apps import apps

from accord.audit.models import AuditEvent
from accord.parties import services
from accord.parties.models import ProductCategory, SupplierCategoryBasis

migration = importlib.import_module("accord.parties.migrations.0002_supplier_category_basis")


def imported(rel: Any, category: ProductCategory, old: str, new: str, day: int) -> None:
    """What a products import recorded before 0002 (and the global value it left behind)."""
    AuditEvent.objects.create(
        at=datetime(2026, 5, day, tzinfo=UTC),
        relationship=rel,
        verb="product_category.updated",
        object_type="parties.productcategory",
        object_id=str(category.pk),
        object_label=str(category),
        changes={"normalization_basis": [old, new]},
    )
    category.normalization_basis = new
    category.save()


def test_imported_bases_become_the_importing_suppliers_own(world: Any) -> None:
    photon = services.create_party(actor=None, name="Photon Optics", slug="photon")
    ph_ta = services.create_relationship(
        actor=None, supplier=photon, customer=world.telco_a, slug="photon-telco-a", item_prefix="PTA"
    )
    optical = world.category  # Northwind set installed, then Photon too, then Northwind went back
    imported(world.nw_ta, optical, "shipped_12m", "installed", 1)
    imported(world.nw_tb, optical, "installed", "shipped_12m", 3)
    imported(ph_ta, optical, "shipped_12m", "installed", 5)
    radio = ProductCategory.objects.create(code="3.3.1", name="Radio", normalization_basis="installed")
    imported(world.nw_ta, radio, "installed", "shipped_12m", 2)
    radio.normalization_basis = "installed"  # set since in the admin: it stays
    radio.save()
    untouched = ProductCategory.objects.create(code="1.2.7", name="Routers", normalization_basis="installed")

    migration.split_imported_bases(apps, None)

    own = SupplierCategoryBasis.objects.values_list("supplier__slug", "category__code", "normalization_basis")
    assert sorted(own) == [
        ("northwind", "3.2.1", "shipped_12m"),
        ("northwind", "3.3.1", "shipped_12m"),
        ("photon", "3.2.1", "installed"),
    ]
    defaults = dict(ProductCategory.objects.values_list("code", "normalization_basis"))
    assert defaults == {"3.2.1": "shipped_12m", "3.3.1": "installed", untouched.code: "installed"}
