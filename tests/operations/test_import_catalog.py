"""Products (the supplier's catalog), the installed base at the customer's sites, and benchmarks."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.audit.models import AuditEvent
from accord.measurements import selectors
from accord.measurements import services as measurements
from accord.measurements.models import MeasurementSettings, MonthlyFact
from accord.operations import exports
from accord.operations.models import Benchmark, InstalledBase, ProblemReport, Shipment
from accord.parties import services as parties
from accord.parties.models import Product, ProductCategory, Role, SupplierCategoryBasis
from tests.conftest import make_user
from tests.operations.helpers import csv_file, do_import, facts, where

PRODUCT = ["product_code", "name", "tl9000_category", "nu_basis", "description"]
INSTALLED = ["site", "product_code", "quantity", "in_service_date", "serial"]
BENCH = ["tl9000_category", "measure", "month", "best_in_class", "industry_average", "worst_in_class"]


def catalog(world: Any) -> list[tuple[Any, ...]]:
    rows = Product.objects.filter(supplier=world.northwind).order_by("code")
    return list(rows.values_list("code", "name", "category__code", "description", "version"))


def test_it_adds_and_updates_products_of_the_suppliers_catalog(
    world: Any, tmp_path: Any, router_category: Any
) -> None:
    rows = [
        ["NW-OTX-100", "OTX-100 transponder", "3.2.1", "", ""],
        ["NW-R900", "R900 router", "1.2.7", "installed", "Core router"],
    ]
    result = do_import(world, "products", csv_file(tmp_path, PRODUCT, rows))
    assert (result.created, result.updated, result.errors) == (1, 1, [])
    assert catalog(world) == [
        ("NW-OTX-100", "OTX-100 transponder", "3.2.1", "", 2),  # a change increments the version
        ("NW-R900", "R900 router", "1.2.7", "Core router", 1),
    ]
    assert Product.objects.get(code="NW-R900").is_active is True
    again = do_import(world, "products", csv_file(tmp_path, PRODUCT, rows, "again.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def other_supplier(world: Any) -> Any:
    """Photon Optics, a second supplier of Telco A, with a product in Northwind's category 3.2.1; each of
    the two relationships: 100 units shipped and 7 installed in June 2026, 1 critical report."""
    photon = parties.create_party(actor=None, name="Photon Optics", slug="photon", country="SE")
    ph_ta = parties.create_relationship(
        actor=None, supplier=photon, customer=world.telco_a, slug="photon-telco-a", item_prefix="PTA"
    )
    ph_product = parties.create_product(
        actor=None, supplier=photon, code="PH-OTX", name="Photon OTX", category=world.category
    )
    InstalledBase.objects.create(
        relationship=ph_ta,
        site=world.ta_site,
        product=ph_product,
        quantity=7,
        in_service_date=date(2026, 6, 1),
    )  # Northwind's 7 units are the world's
    for rel, product in ((world.nw_ta, world.product), (ph_ta, ph_product)):
        Shipment.objects.create(
            relationship=rel, shipment_id="S-1", product=product, ship_date=date(2026, 6, 5), quantity=100
        )
        ProblemReport.objects.create(
            relationship=rel, report_id="PR-1", received_date=date(2026, 6, 10), severity=1, product=product
        )
        measurements.refresh_all(rel, today=date(2026, 6, 30))
    return ph_ta


def npr_denominator(rel: Any) -> float | None:
    """NPR.1's S in category 3.2.1, June 2026."""
    values = selectors.metrics(rel, start="2026-06", end="2026-06", category="3.2.1", measures=["NPR.1"])
    (value,) = [v for v in values if v.category == "3.2.1"]
    return value.denominator


def basis(rel: Any) -> str:
    return selectors.engine_settings(measurements.settings_for(rel)).basis("3.2.1")


def test_nu_basis_sets_the_suppliers_own_basis_not_other_suppliers(world: Any, tmp_path: Any) -> None:
    ph_ta = other_supplier(world)
    assert (npr_denominator(world.nw_ta), npr_denominator(ph_ta)) == (100.0, 100.0)  # the default: shipped

    rows = [["NW-OTX-100", "OTX-100", "3.2.1", "installed", ""]]
    result = do_import(world, "products", csv_file(tmp_path, PRODUCT, rows))
    assert (result.updated, result.errors) == (0, [])

    assert (basis(world.nw_ta), basis(world.nw_tb), basis(ph_ta)) == ("installed", "installed", "shipped_12m")
    assert npr_denominator(world.nw_ta) == 7.0  # Northwind's: installed units
    assert npr_denominator(ph_ta) == 100.0  # Photon's: unchanged
    assert ProductCategory.objects.get(code="3.2.1").normalization_basis == "shipped_12m"  # the default
    assert list(
        SupplierCategoryBasis.objects.values_list("supplier", "category__code", "normalization_basis")
    ) == [(world.northwind.pk, "3.2.1", "installed")]
    (event,) = AuditEvent.objects.filter(verb="supplier_category_basis.updated")
    assert (event.actor, event.relationship, event.changes) == (
        world.ada,
        world.nw_ta,
        {"normalization_basis": ["shipped_12m", "installed"]},
    )
    assert event.object_label == "Northwind Networks · 3.2.1: installed"

    # the download says Northwind's basis and re-imports unchanged; Photon's says the default
    download = exports.as_csv("products", world.nw_ta).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(download)))[1] == ["NW-OTX-100", "OTX-100", "3.2.1", "installed", ""]
    assert list(csv.reader(io.StringIO(exports.as_csv("products", ph_ta).decode("utf-8-sig"))))[1][3] == (
        "shipped_12m"
    )
    path = tmp_path / "download.csv"
    path.write_text(download, encoding="utf-8")
    again = do_import(world, "products", path)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 1, [])
    assert AuditEvent.objects.filter(verb="supplier_category_basis.updated").count() == 1

    # and back: Northwind's own row changes, the default stays
    rows[0][3] = "shipped_12m"
    do_import(world, "products", csv_file(tmp_path, PRODUCT, rows, "back.csv"))
    assert (npr_denominator(world.nw_ta), npr_denominator(ph_ta)) == (100.0, 100.0)
    assert SupplierCategoryBasis.objects.get().normalization_basis == "shipped_12m"
    assert AuditEvent.objects.filter(verb="supplier_category_basis.updated").count() == 2


def test_a_dry_run_sets_no_basis(world: Any, tmp_path: Any) -> None:
    rows = [["NW-OTX-100", "OTX-100", "3.2.1", "installed", ""]]
    do_import(world, "products", csv_file(tmp_path, PRODUCT, rows), dry_run=True)
    assert SupplierCategoryBasis.objects.count() == 0
    assert basis(world.nw_ta) == "shipped_12m"


def test_a_supplier_without_its_own_basis_follows_the_categorys_default(world: Any) -> None:
    SupplierCategoryBasis.objects.create(
        supplier=world.northwind, category=world.category, normalization_basis="installed"
    )
    other = ProductCategory.objects.create(
        code="3.3.1", name="Microwave radio", normalization_basis="installed"
    )
    measurements.settings_for(world.nw_ta)
    settings = MeasurementSettings.objects.get(pk=world.nw_ta.pk)  # its relationship not loaded
    with CaptureQueriesContext(connection) as queries:
        nu = selectors.engine_settings(settings).nu_basis
    assert len(queries) == 1  # the drill-down reads it too: one query, however many categories
    assert nu == {"3.2.1": "installed", "3.3.1": "installed"}
    world.category.normalization_basis = "installed"
    world.category.save()
    other.normalization_basis = "shipped_12m"
    other.save()
    SupplierCategoryBasis.objects.update(normalization_basis="shipped_12m")
    assert selectors.engine_settings(settings).nu_basis == {"3.2.1": "shipped_12m", "3.3.1": "shipped_12m"}
    photon = parties.create_party(actor=None, name="Photon Optics", slug="photon", country="SE")
    ph_ta = parties.create_relationship(
        actor=None, supplier=photon, customer=world.telco_a, slug="photon-telco-a", item_prefix="PTA"
    )
    assert selectors.engine_settings(measurements.settings_for(ph_ta)).nu_basis == {
        "3.2.1": "installed",
        "3.3.1": "shipped_12m",
    }


def test_product_rules(world: Any, tmp_path: Any) -> None:
    rows = [
        ["NW-A", "A", "9.9.9", "", ""],  # unknown category: categories are not invented by an import
        ["NW-B", "", "3.2.1", "weekly", ""],  # no name; unknown basis
        ["NW-C", "C", "3.2.1", "installed", ""],
        ["NW-D", "D", "3.2.1", "shipped_12m", ""],  # contradicts row 4 for the same category
    ]
    result = do_import(world, "products", csv_file(tmp_path, PRODUCT, rows))
    assert where(result) == [(2, "tl9000_category"), (3, "name"), (3, "nu_basis"), (5, "nu_basis")]
    assert result.errors[0].reason.startswith("There is no TL 9000 product category '9.9.9': import it first")
    assert Product.objects.count() == 1


def test_moving_a_product_to_another_category_recounts_its_facts(
    world: Any, tmp_path: Any, router_category: Any
) -> None:
    path = csv_file(
        tmp_path,
        ["shipment_id", "product_code", "ship_date", "quantity"],
        [["S-1", "NW-OTX-100", "2026-01-05", "3"]],
    )
    do_import(world, "shipments", path)
    assert set(MonthlyFact.objects.filter(key="shipped").values_list("category", "value")) == {("3.2.1", 3.0)}
    rows = [["NW-OTX-100", "OTX-100", "1.2.7", "", ""]]
    do_import(world, "products", csv_file(tmp_path, PRODUCT, rows, "moved.csv"))
    assert set(MonthlyFact.objects.filter(key="shipped").values_list("category", "value")) == {("1.2.7", 3.0)}


def test_it_imports_the_installed_base_by_its_four_part_key(world: Any, tmp_path: Any) -> None:
    # the world has 7 units of NW-OTX-100 at Munich core since 2026-06-01, without a serial
    rows = [
        ["Munich core", "NW-OTX-100", "9", "2026-06-01", ""],  # the same key: updates the quantity
        ["munich CORE", "NW-OTX-100", "1", "2026-06-01", "SN-77"],  # another key (a serial); any case
    ]
    result = do_import(world, "installed-base", csv_file(tmp_path, INSTALLED, rows))
    assert (result.created, result.updated, result.errors) == (1, 1, [])
    fields = ("site__name", "product__code", "quantity", "in_service_date", "serial")
    assert list(InstalledBase.objects.order_by("serial").values_list(*fields)) == [
        ("Munich core", "NW-OTX-100", 9, date(2026, 6, 1), ""),
        ("Munich core", "NW-OTX-100", 1, date(2026, 6, 1), "SN-77"),
    ]
    assert facts(world, "installed")[("2026-06", "")] == 10.0
    again = do_import(world, "installed-base", csv_file(tmp_path, INSTALLED, rows, "again.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_installed_base_rules(world: Any, tmp_path: Any) -> None:
    rows = [
        ["Stuttgart HQ", "NW-OTX-100", "1", "2026-06-01", ""],  # the supplier's own site, not the customer's
        ["", "NW-OTX-100", "1", "2026-06-01", ""],
        ["Munich core", "NW-OTX-100", "2", "2026-06-02", "A"],
        ["Munich core", "NW-OTX-100", "3", "2026-06-02", "A"],  # the same key twice
    ]
    result = do_import(world, "installed-base", csv_file(tmp_path, INSTALLED, rows))
    assert where(result) == [(2, "site"), (3, "site"), (5, "site")]
    assert InstalledBase.objects.count() == 1


def test_a_supplier_admin_imports_its_benchmarks(world: Any, tmp_path: Any) -> None:
    rows = [
        ["3.2.1", "FR.ERI", "2026-01", "0.5", "2.1", "6.25"],
        ["3.2.1", "otd.oti", "2026-01", "99", "93.5", "80"],
    ]
    result = do_import(world, "benchmarks", csv_file(tmp_path, BENCH, rows))
    assert (result.created, result.errors) == (2, [])
    assert set(Benchmark.objects.values_list("supplier", flat=True)) == {world.northwind.pk}
    fields = ("category__code", "measure", "month", "best_in_class", "industry_average", "worst_in_class")
    assert list(Benchmark.objects.order_by("measure").values_list(*fields)) == [
        ("3.2.1", "FR.ERI", "2026-01", 0.5, 2.1, 6.25),
        ("3.2.1", "OTD.OTI", "2026-01", 99.0, 93.5, 80.0),
    ]
    rows[0][4] = "2.2"
    again = do_import(world, "benchmarks", csv_file(tmp_path, BENCH, rows, "again.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert MonthlyFact.objects.count() == 0


def test_only_an_admin_of_the_supplier_imports_benchmarks(world: Any, tmp_path: Any) -> None:
    rows = [["3.2.1", "FR.ERI", "2026-01", "0.5", "2.1", "6.25"]]
    customer_admin = make_user("admin@telco-a.example", "Tess Admin", world.telco_a, Role.ADMIN)
    for user in (world.sam, customer_admin):
        result = do_import(world, "benchmarks", csv_file(tmp_path, BENCH, rows), user=user)
        assert [str(e) for e in result.errors] == [
            "file: The TL 9000 benchmarks on these charts are the licensed data of Northwind Networks: "
            "only its admins may import them."
        ]
    assert Benchmark.objects.count() == 0


def test_the_charts_show_only_the_suppliers_own_benchmarks(world: Any, tmp_path: Any) -> None:
    rows = [["3.2.1", "FR.ERI", "2026-01", "0.5", "2.1", "6.25"]]
    assert do_import(world, "benchmarks", csv_file(tmp_path, BENCH, rows)).created == 1
    other = parties.create_party(actor=None, name="Photon Optics", slug="photon", country="SE")
    category = Benchmark.objects.get().category
    Benchmark.objects.create(
        supplier=other, category=category, measure="FR.YRR", month="2026-01",
        best_in_class=0, industry_average=1, worst_in_class=2,
    )  # fmt: skip
    shown = selectors.benchmarks(world.nw_ta, category="3.2.1", start="2026-01", end="2026-12")
    assert {measure: [b.industry_average for b in rows] for measure, rows in shown.items()} == {
        "FR.ERI": [2.1]
    }


def test_benchmark_rules(world: Any, tmp_path: Any) -> None:
    rows = [
        ["3.2.1", "FR.XYZ", "2026-13", "x", "1", "2"],
        ["3.2.1", "FR.ERI", "2026-01", "1", "9", "2"],  # the average outside best…worst
        ["3.2.1", "FR.ERI", "2026-01", "1", "1.5", "2"],  # the same key again
    ]
    result = do_import(world, "benchmarks", csv_file(tmp_path, BENCH, rows))
    assert where(result) == [
        (2, "measure"),
        (2, "month"),
        (2, "best_in_class"),
        (3, "industry_average"),
        (4, "tl9000_category"),
    ]
    assert Benchmark.objects.count() == 0
