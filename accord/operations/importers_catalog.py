"""The import kinds that belong to no one relationship: the TL 9000 product categories (global, the
handbook's classification) and the supplier's product catalog (with the NPR normalization basis it
counts each category by). The per-relationship kinds are in ``importers``, which imports this module;
the TL 9000 benchmarks the supplier licensed are imported by the measurements app (their measure codes
are its measures')."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accord.audit import services as audit
from accord.lib import written
from accord.lib.importing import (
    ImportConflict,
    ImportContext,
    ImportResult,
    RowError,
    Rows,
    register_importer,
)
from accord.lib.months import parse_month
from accord.operations.cells import (
    FIRST_YEAR,
    LAST_YEAR,
    Col,
    choice,
    clean_text,
    id_col,
    lookup,
    max_length,
    text,
)
from accord.operations.importers_base import Record, TableImporter, record_positions
from accord.operations.writing import Plan
from accord.parties.models import (
    Membership,
    NormalizationBasis,
    Product,
    ProductCategory,
    Relationship,
    Role,
    SupplierCategoryBasis,
    category_basis,
)

if TYPE_CHECKING:
    from accord.operations.columnar import Columns


def unknown_category(context: ImportContext) -> Callable[[str], str]:
    """The reason given for a category code that is not stored (a ``lookup`` reason): how to add it."""
    slug = context.relationship.slug

    def reason(value: str) -> str:
        return _(
            "There is no TL 9000 product category %(code)s: import it first with the categories import "
            "(accord import categories FILE --relationship %(slug)s) or on the Data page."
        ) % {"code": repr(value), "slug": slug}

    return reason


# --- the TL 9000 product categories -----------------------------------------------------------------

CODE = re.compile(r"^[0-9A-Za-z]+(?:[.-][0-9A-Za-z]+)*$")
RESERVED_CODES = frozenset({"all"})  # ``ALL`` pools every category in the measurements


def _category_code(value: str) -> str:
    if len(value) > max_length(ProductCategory, "code"):
        limit = max_length(ProductCategory, "code")
        raise ValueError(
            ngettext(
                "The code has %(length)s character; at most %(limit)s are allowed.",
                "The code has %(length)s characters; at most %(limit)s are allowed.",
                len(value),
            )
            % {"length": len(value), "limit": limit}
        )
    if not CODE.match(value):
        raise ValueError(
            _("%(value)s is not a category code: letters and digits separated by dots, e.g. 3.2.1.")
            % {"value": repr(value)}
        )
    if value.casefold() in RESERVED_CODES:
        raise ValueError(
            _("%(value)s is reserved: the measurements pool every category under ALL.")
            % {"value": repr(value)}
        )
    return value


def _effective_month(value: str) -> date:
    """``YYYY-MM``: the category applies to data from that month on (stored as its first day)."""
    try:
        year, month = parse_month(value)
    except ValueError:
        raise ValueError(
            _("%(value)s is not a month (YYYY-MM, e.g. 2024-07).") % {"value": repr(value)}
        ) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            _("%(value)s is out of range: a month must lie between %(first)s and %(last)s.")
            % {"value": repr(value), "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return date(year, month, 1)


# The fields a category row writes, in the order of a record's values (after the row number).
CATEGORY_FIELDS = (
    "code",
    "name",
    "parent",
    "normalization_unit",
    "normalization_basis",
    "table_release",
    "effective_from",
)


@dataclass
class CategoryPlan:
    """What a categories import writes: new rows and changed rows (pk, old values, new values), their
    values in ``CATEGORY_FIELDS`` order with the parent as a code (set once every row exists)."""

    new: list[tuple[Any, ...]] = field(default_factory=list)
    changed: list[tuple[int, tuple[Any, ...], tuple[Any, ...]]] = field(default_factory=list)
    unchanged: int = 0


@register_importer
class CategoryImporter(TableImporter):
    """The TL 9000 product categories (``accord import categories``). Global: every supplier's products
    and benchmarks refer to them by code, so only an admin of the relationship's supplier imports them.

    A parent is a code, of a row in the same file or of a stored category; no category may be its own
    ancestor. A column left out of the file leaves that field of stored categories as it is.
    """

    kind = "categories"
    label = "TL 9000 product categories"
    required = ("code", "name")
    optional = ("parent", "normalization_unit", "normalization_basis", "table_release", "effective_from")
    model = ProductCategory
    key = ("code",)
    duplicate_reason = gettext_lazy("This category (%(key)s) appears twice: row %(row)s has it already.")

    def cols(self, context: ImportContext) -> list[Col]:
        bases = {b: b for b in NormalizationBasis.values}
        return [
            Col("code", "code", _category_code, required=True),
            Col("name", "name", text(max_length(ProductCategory, "name")), required=True),
            Col("parent", "parent", _category_code),
            Col(
                "normalization_unit",
                "normalization_unit",
                text(max_length(ProductCategory, "normalization_unit")),
                default="units",
            ),
            Col(
                "normalization_basis",
                "normalization_basis",
                choice(bases, _("%(value)s is not a normalization basis (%(choices)s).")),
                default=NormalizationBasis.SHIPPED_12M.value,
            ),
            Col(
                "table_release",
                "table_release",
                text(max_length(ProductCategory, "table_release")),
                default="",
            ),
            Col("effective_from", "effective_from", _effective_month),
        ]

    def scope(self, context: ImportContext) -> dict[str, Any]:
        return {}  # global

    def denied(self, context: ImportContext) -> str | None:
        supplier = context.relationship.supplier
        admin = Membership.objects.filter(
            user=context.user, party=supplier, role=Role.ADMIN, is_active=True
        ).exists()
        if admin:
            return None
        return _(
            "TL 9000 product categories are the handbook's classification, shared by every relationship "
            "in Accord: only admins of %(supplier)s may import them."
        ) % {"supplier": supplier.name}

    def validate(self, rows: Rows, context: ImportContext) -> tuple[list[Record], list[RowError]]:
        in_file: set[str] = set()  # every code of the file, of good rows and bad

        def noting(rows: Rows) -> Iterator[tuple[int, dict[str, str]]]:
            for number, row in rows:
                code = clean_text(row.get("code", ""))
                if code:
                    in_file.add(code)
                yield number, row

        records, errors = super().validate(noting(rows), context)
        if records:
            errors.extend(self._tree_errors(records, in_file, context))
        return records, errors

    def _tree_errors(
        self, records: list[Record], in_file: set[str], context: ImportContext
    ) -> list[RowError]:
        """A parent must exist (in the file or stored), and no category may be its own ancestor."""
        at = record_positions(self.cols(context))
        code, parent = at["code"], at["parent"]
        stored = dict(ProductCategory.objects.values_list("code", "parent__code"))
        tree: dict[str, str | None] = dict(stored)
        if "parent" in context.columns:  # else the file's categories keep their stored parents
            tree.update({rec[code]: rec[parent] for rec in records})
        else:
            tree.update({rec[code]: stored.get(rec[code]) for rec in records})
        errors: list[RowError] = []
        for rec in records:
            number, up = rec[0], rec[parent]
            if up is None:
                continue
            if up not in tree:
                if up not in in_file:  # a bad row of the file has its own error
                    reason = _(
                        "There is no TL 9000 product category %(code)s in this file or stored: "
                        "a parent must be imported too (in this file, or before it)."
                    ) % {"code": repr(up)}
                    errors.append(RowError(number, "parent", up, reason))
                continue
            chain = [rec[code]]
            seen = {rec[code]}
            node: str | None = up
            while node is not None and node not in seen:
                chain.append(node)
                seen.add(node)
                node = tree.get(node)
            if node is not None and node == rec[code]:
                loop = " → ".join([*chain, node])
                reason = _("This parent makes a loop (%(loop)s): a category cannot be its own ancestor.") % {
                    "loop": loop
                }
                errors.append(RowError(number, "parent", up, reason))
        return errors

    def prepare(self, records: Any, context: ImportContext) -> Any:
        assert isinstance(records, list)  # a kind with its own apply is read row by row
        present = {col.field for col in self.cols(context) if col.name in context.columns or col.required}
        existing = {
            values[1]: (values[0], values[1:])
            for values in ProductCategory.objects.order_by().values_list(
                "pk", *[f if f != "parent" else "parent__code" for f in CATEGORY_FIELDS]
            )
        }
        plan = CategoryPlan()
        for rec in records:
            values = tuple(rec[1:])
            found = existing.get(values[0])
            if found is None:
                plan.new.append(values)
                continue
            pk, old = found
            merged = tuple(
                new if name in present else was
                for name, new, was in zip(CATEGORY_FIELDS, values, old, strict=True)
            )
            if merged == old:
                plan.unchanged += 1
            else:
                plan.changed.append((pk, old, merged))
        return plan

    def apply(self, records: Any, context: ImportContext) -> ImportResult:
        plan: CategoryPlan = records
        now = {
            values[1]: (values[0], values[1:])
            for values in ProductCategory.objects.order_by().values_list(
                "pk", *[f if f != "parent" else "parent__code" for f in CATEGORY_FIELDS]
            )
        }
        if any(values[0] in now for values in plan.new) or any(
            now.get(old[0]) != (pk, old) for pk, old, _new in plan.changed
        ):
            raise ImportConflict("categories: rows changed while the file was compared")
        fields = [f for f in CATEGORY_FIELDS if f != "parent"]
        at = {name: i for i, name in enumerate(CATEGORY_FIELDS)}
        try:
            ProductCategory.objects.bulk_create(
                [ProductCategory(**{f: values[at[f]] for f in fields}) for values in plan.new], batch_size=500
            )
        except IntegrityError as exc:  # a code added meanwhile by another writer
            raise ImportConflict(str(exc)) from exc
        pk_of = dict(ProductCategory.objects.values_list("code", "pk"))
        changed = [
            ProductCategory(
                pk=pk,
                **{f: values[at[f]] for f in fields},
                parent_id=pk_of[values[at["parent"]]] if values[at["parent"]] else None,
            )
            for pk, _old, values in plan.changed
        ]
        ProductCategory.objects.bulk_update(changed, [*fields, "parent"], batch_size=500)
        parented = [
            ProductCategory(pk=pk_of[values[0]], parent_id=pk_of[values[at["parent"]]])
            for values in plan.new
            if values[at["parent"]]
        ]
        ProductCategory.objects.bulk_update(parented, ["parent"], batch_size=500)
        context.report("written", len(plan.new) + len(changed))
        if plan.new or changed:
            audit.record(
                actor=context.user,
                verb="operations.imported",
                obj=context.relationship,
                relationship=context.relationship,
                changes={
                    "kind": [None, self.kind],
                    "created": [None, len(plan.new)],
                    "updated": [None, len(changed)],
                    "codes": [None, sorted([v[0] for v in plan.new] + [v[0] for _p, _o, v in plan.changed])],
                },
                label=f"Imported {self.kind} from {context.filename}"[:300],
            )
        return ImportResult(created=len(plan.new), updated=len(changed), unchanged=plan.unchanged)


# --- the supplier's catalog ---------------------------------------------------------------------------


@register_importer
class ProductImporter(TableImporter):
    kind = "products"
    label = "Products (the supplier's catalog)"
    required = ("product_code", "name", "tl9000_category")
    optional = ("nu_basis", "description")
    model = Product
    key = ("code",)
    duplicate_reason = gettext_lazy("This product (%(key)s) appears twice: row %(row)s has it already.")
    versioned = True  # edited in forms too: an import's change makes a stale form's save a conflict

    def cols(self, context: ImportContext) -> list[Col]:
        categories = dict(ProductCategory.objects.values_list("code", "pk"))
        return [
            id_col("product_code", Product, "code"),
            Col("name", "name", text(max_length(Product, "name")), required=True),
            Col(
                "tl9000_category",
                "category_id",
                lookup(categories, unknown_category(context)),
                required=True,
            ),
            Col("description", "description", str, default=""),
            Col(
                "nu_basis",
                "nu_basis",
                choice(
                    {b: b for b in NormalizationBasis.values}, _("%(value)s is not a basis (%(choices)s).")
                ),
            ),
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
                reason = _("Row %(row)s gives this category the basis %(basis)s; a category has one.") % {
                    "row": earlier[1],
                    "basis": repr(earlier[0]),
                }

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
