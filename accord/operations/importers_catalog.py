"""The import kind that belongs to the supplier rather than to one relationship: its product catalog
(with the NPR normalization basis it counts each category by). The per-relationship kinds are in
``importers``, which imports this module; the TL 9000 benchmarks the supplier licensed are imported
by the measurements app (their measure codes are its measures')."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accord.audit import services as audit
from accord.lib import written
from accord.lib.importing import ImportContext, ImportResult, RowError, register_importer
from accord.operations.cells import Col, choice, id_col, lookup, max_length, text
from accord.operations.importers_base import Record, TableImporter, record_positions
from accord.operations.writing import Plan
from accord.parties.models import (
    NormalizationBasis,
    Product,
    ProductCategory,
    Relationship,
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
        at = record_positions(cols)
        basis_of: dict[int, tuple[str, int]] = {}
        for rec in records:
            number, category_id, basis = rec[0], rec[at["category_id"]], rec[at["nu_basis"]]
            if basis is None:
                continue
            earlier = basis_of.setdefault(category_id, (basis, number))
            if earlier[0] != basis:
                reason = f"Row {earlier[1]} gives this category the basis {earlier[0]!r}; a category has one."
                errors.append(RowError(number, "nu_basis", basis, reason))

    def prepare(self, records: list[Record] | Columns, context: ImportContext) -> Plan:
        assert isinstance(records, list)  # a kind with its own apply is read row by row

        at = record_positions(self.cols(context))
        code, category, basis = at["code"], at["category_id"], at["nu_basis"]
        before = dict(
            Product.objects.filter(supplier_id=context.relationship.supplier_id).values_list(
                "code", "category_id"
            )
        )
        plan = super().prepare([rec[:basis] for rec in records], context)  # nu_basis is the last
        plan.extra["bases"] = {rec[category]: rec[basis] for rec in records if rec[basis] is not None}
        plan.extra["moved"] = any(
            rec[code] in before and before[rec[code]] != rec[category] for rec in records
        )
        return plan

    def apply(self, records: Plan, context: ImportContext) -> ImportResult:
        supplier_id = context.relationship.supplier_id
        bases = records.extra["bases"]
        result = super().apply(records, context)
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
        if records.extra["moved"]:  # the facts of every relationship of the supplier count by category
            for rel in Relationship.objects.filter(supplier_id=supplier_id).order_by("pk"):
                written.replaced(rel, dry_run=context.dry_run)
        return result
