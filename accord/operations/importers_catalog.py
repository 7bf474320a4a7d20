"""Import kinds that belong to the supplier rather than to one relationship: its product catalog
(with the NPR normalization basis it counts each category by) and the TL 9000 benchmarks it licensed.
The per-relationship kinds are in ``importers``, which imports this module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accord.lib.importing import ImportContext, ImportResult, RowError, register_importer
from accord.lib.months import parse_month
from accord.operations.cells import Col, choice, id_col, lookup, max_length, number, text
from accord.operations.importers_base import Record, TableImporter
from accord.operations.models import Benchmark
from accord.parties.models import (
    Membership,
    NormalizationBasis,
    Product,
    ProductCategory,
    Role,
    SupplierCategoryBasis,
    category_basis,
)

if TYPE_CHECKING:
    from accord.operations.columnar import Columns


# --- the supplier's catalog ---------------------------------------------------------------------------


@register_importer
class ProductImporter(TableImporter):
    kind = "products"
    label = "Products (the supplier's catalog)"
    required = ("product_code", "name", "tl9000_category")
    optional = ("nu_basis", "description")
    model = Product
    key = ("code",)
    noun = "product"
    versioned = True  # edited in forms too: an import's change makes a stale form's save a conflict

    def cols(self, context: ImportContext) -> list[Col]:
        categories = dict(ProductCategory.objects.values_list("code", "pk"))
        return [
            id_col("product_code", Product, "code"),
            Col("name", "name", text(max_length(Product, "name")), required=True),
            Col(
                "tl9000_category",
                "category_id",
                lookup(categories, "There is no TL 9000 product category {value!r}."),
                required=True,
            ),
            Col("description", "description", str, default=""),
            Col("nu_basis", "nu_basis", choice({b: b for b in NormalizationBasis.values}, "a basis")),
        ]

    def cols_for_apply(self, context: ImportContext) -> list[Col]:
        return self.cols(context)[:-1]  # nu_basis is the supplier's for the category, not the product's

    def scope(self, context: ImportContext) -> dict[str, Any]:
        return {"supplier_id": context.relationship.supplier_id}

    def finish(
        self, records: list[Record], errors: list[RowError], context: ImportContext, cols: list[Col]
    ) -> None:
        basis_of: dict[int, tuple[str, int]] = {}
        for rec in records:
            number, category_id, basis = rec[0], rec[3], rec[5]
            if basis is None:
                continue
            earlier = basis_of.setdefault(category_id, (basis, number))
            if earlier[0] != basis:
                reason = f"Row {earlier[1]} gives this category the basis {earlier[0]!r}; a category has one."
                errors.append(RowError(number, "nu_basis", basis, reason))

    def apply(self, records: list[Record] | Columns, context: ImportContext) -> ImportResult:
        from accord.audit import services as audit

        assert isinstance(records, list)  # a kind with its own apply is read row by row

        supplier_id = context.relationship.supplier_id
        before = dict(Product.objects.filter(supplier_id=supplier_id).values_list("code", "category_id"))
        bases = {rec[3]: rec[5] for rec in records if rec[5] is not None}
        result = super().apply([rec[:5] for rec in records], context)
        # The supplier's own basis (SupplierCategoryBasis), never the global default: other suppliers'
        # relationships in the category keep theirs. The engine applies the basis when it reads the
        # facts (both S counts are stored), so a change needs no recount.
        in_force = ProductCategory.objects.filter(pk__in=bases).annotate(
            basis=category_basis(supplier_id=supplier_id)
        )
        for category_id, old in sorted(in_force.values_list("pk", "basis")):
            new = bases[category_id]
            if old == new:
                continue
            row, _created = SupplierCategoryBasis.objects.update_or_create(
                supplier_id=supplier_id, category_id=category_id, defaults={"normalization_basis": new}
            )
            audit.record(
                actor=context.user,
                verb="supplier_category_basis.updated",
                obj=row,
                relationship=context.relationship,
                changes={"normalization_basis": [old, new]},
            )
        moved = any(rec[1] in before and before[rec[1]] != rec[3] for rec in records)
        if moved and not context.dry_run:
            from accord.measurements import services as measurements
            from accord.parties.models import Relationship

            for rel in Relationship.objects.filter(supplier_id=supplier_id).order_by("pk"):
                measurements.refresh_all(rel)
        return result


# --- the supplier's licensed benchmarks ---------------------------------------------------------------


def _month(value: str) -> str:
    try:
        parse_month(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a month (YYYY-MM).") from None
    return value


@register_importer
class BenchmarkImporter(TableImporter):
    kind = "benchmarks"
    label = "TL 9000 benchmarks"
    required = ("tl9000_category", "measure", "month", "best_in_class", "industry_average", "worst_in_class")
    model = Benchmark
    key = ("category_id", "measure", "month")
    noun = "benchmark"
    BEST, AVERAGE, WORST = 3, 4, 5

    def cols(self, context: ImportContext) -> list[Col]:
        from accord.measurements.definitions import MEASURES

        categories = dict(ProductCategory.objects.values_list("code", "pk"))
        return [
            Col(
                "tl9000_category",
                "category_id",
                lookup(categories, "There is no TL 9000 product category {value!r}."),
                required=True,
            ),
            Col("measure", "measure", _measure(tuple(MEASURES)), required=True),
            Col("month", "month", _month, required=True),
            Col("best_in_class", "best_in_class", number, required=True),
            Col("industry_average", "industry_average", number, required=True),
            Col("worst_in_class", "worst_in_class", number, required=True),
        ]

    def scope(self, context: ImportContext) -> dict[str, Any]:
        return {"supplier_id": context.relationship.supplier_id}

    def denied(self, context: ImportContext) -> str | None:
        supplier = context.relationship.supplier
        admin = Membership.objects.filter(
            user=context.user, party=supplier, role=Role.ADMIN, is_active=True
        ).exists()
        if admin:
            return None
        return (
            f"The TL 9000 benchmarks on these charts are the licensed data of {supplier.name}: "
            "only its admins may import them."
        )

    def check(self, values: list[Any], bad: Any, row: dict[str, str]) -> None:
        best, average, worst = values[self.BEST], values[self.AVERAGE], values[self.WORST]
        if None not in (best, average, worst) and not min(best, worst) <= average <= max(best, worst):
            bad(
                "industry_average",
                row.get("industry_average", ""),
                "The industry average must lie between the best and the worst in class.",
            )


def _measure(codes: tuple[str, ...]) -> Any:
    known = set(codes)

    def parse(value: str) -> str:
        code = value.upper()
        if code not in known:
            raise ValueError(f"{value!r} is not a measure code (e.g. FR.ERI, OTD.OTI, NPR.2).")
        return code

    return parse
