"""A good row of every import kind (in the test world of tests/conftest.py), and how to spoil one.

``SAMPLES`` must name every registered kind (``importer_kinds()``): a kind added without a sample
fails ``test_every_import_kind_has_a_sample``, so the hostile files are tried on it the day it lands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accord.measurements.definitions import MEASURES

PRODUCT = "NW-OTX-100"  # Northwind's product in the test world
SITE = "Munich core"  # Telco A's site
CATEGORY = "3.2.1"
_MEASURES = sorted(MEASURES)


def _day(i: int) -> str:
    return f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"


def _month(i: int) -> str:
    index = 1950 * 12 + i // len(_MEASURES)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Sample:
    header: tuple[str, ...]
    good: Callable[[int], tuple[str, ...]]  # the i-th good row, every key unique
    bad: tuple[str, str]  # (column, value): one error in any row
    stored: tuple[str, str] | None  # (app_label.Model, field) where a text column's cell is kept
    date_column: str | None = None  # an operational date, checked against the sane range

    def row(self, i: int, **changed: str) -> list[str]:
        values = dict(zip(self.header, self.good(i), strict=True))
        values.update(changed)
        return [values[name] for name in self.header]


SAMPLES: dict[str, Sample] = {
    "action-items": Sample(
        ("title", "owner_side", "external_id"),
        lambda i: (f"Item {i}", "supplier", f"X-{i}"),
        bad=("owner_side", "sideways"),
        stored=("register.ActionItem", "title"),
    ),
    "products": Sample(
        ("product_code", "name", "tl9000_category"),
        lambda i: (f"P-{i}", f"Product {i}", CATEGORY),
        bad=("tl9000_category", "9.9.9"),
        stored=("parties.Product", "name"),
    ),
    "installed-base": Sample(
        ("site", "product_code", "quantity", "in_service_date", "serial"),
        lambda i: (SITE, PRODUCT, "2", _day(i), f"SN-{i}"),
        bad=("quantity", "many"),
        stored=("operations.InstalledBase", "serial"),
        date_column="in_service_date",
    ),
    "shipments": Sample(
        ("shipment_id", "product_code", "ship_date", "quantity", "serial"),
        lambda i: (f"S-{i}", PRODUCT, _day(i), "1", f"SN-{i}"),
        bad=("quantity", "-1"),
        stored=("operations.Shipment", "serial"),
        date_column="ship_date",
    ),
    "returns": Sample(
        ("return_id", "product_code", "received_date", "ship_date", "reason"),
        lambda i: (f"R-{i}", PRODUCT, "2026-03-01", "2025-01-01", "Fan failure"),
        bad=("product_code", "NW-NOPE"),
        stored=("operations.Return", "reason"),
        date_column="received_date",
    ),
    "repairs": Sample(
        ("repair_id", "product_code", "received_date", "finding"),
        lambda i: (f"RP-{i}", PRODUCT, _day(i), "Capacitor"),
        bad=("received_date", "yesterday"),
        stored=("operations.Repair", "finding"),
        date_column="received_date",
    ),
    "order-lines": Sample(
        ("order_id", "line", "product_code", "quantity", "requested_date"),
        lambda i: (f"PO-{i // 10}", str(i % 10 + 1), PRODUCT, "5", _day(i)),
        bad=("quantity", "0"),
        stored=("operations.OrderLine", "order_id"),
        date_column="requested_date",
    ),
    "problem-reports": Sample(
        ("report_id", "received_date", "severity", "product_code", "title"),
        lambda i: (f"PR-{i}", _day(i), "major", PRODUCT, f"Report {i}"),
        bad=("severity", "apocalyptic"),
        stored=("operations.ProblemReport", "title"),
        date_column="received_date",
    ),
    "support-tickets": Sample(
        ("ticket_id", "opened_at", "severity", "category"),
        lambda i: (f"T-{i}", _day(i) + "T10:00:00Z", "minor", "Login"),
        bad=("opened_at", "2026-01-01"),
        stored=("operations.SupportTicket", "category"),
        date_column="opened_at",
    ),
    "categories": Sample(
        ("table_release", "normalization_basis", "name", "code"),  # a cut row loses required cells
        lambda i: ("R6.5", "shipped_12m", f"Category {i}", f"9.{i}.1"),
        bad=("normalization_basis", "weekly"),
        stored=("parties.ProductCategory", "name"),
    ),
    "benchmarks": Sample(
        ("tl9000_category", "measure", "month", "best_in_class", "industry_average", "worst_in_class"),
        lambda i: (CATEGORY, _MEASURES[i % len(_MEASURES)], _month(i), "1", "2", "3"),
        bad=("best_in_class", "lots"),
        stored=None,  # numbers and names only: a formula is a bad cell there
        date_column="month",
    ),
}
