"""The import of the TL 9000 benchmarks a supplier licensed (``accord import benchmarks``): the best in
class, industry average and worst in class of each measure, per product category and month, shown
on the supplier's charts. Its rows are operational data (``accord.operations.models.Benchmark``);
it is imported here because its measure codes are the measurements' (``definitions.MEASURES``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.lib.importing import ImportContext, register_importer
from accord.lib.months import parse_month
from accord.measurements.definitions import MEASURES
from accord.operations.cells import FIRST_YEAR, LAST_YEAR, Col, lookup, number
from accord.operations.importers_base import TableImporter
from accord.operations.importers_catalog import unknown_category
from accord.operations.models import Benchmark
from accord.parties.models import Membership, ProductCategory, Role


def _month(value: str) -> str:
    try:
        year, _mon = parse_month(value)
    except ValueError:
        raise ValueError(_("%(value)s is not a month (YYYY-MM).") % {"value": repr(value)}) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:  # the operational dates' range (cells.FIRST_YEAR)
        raise ValueError(
            _("%(value)s is out of range: a month must lie between %(first)s and %(last)s.")
            % {"value": repr(value), "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value


@register_importer
class BenchmarkImporter(TableImporter):
    kind = "benchmarks"
    label = "TL 9000 benchmarks"
    required = ("tl9000_category", "measure", "month", "best_in_class", "industry_average", "worst_in_class")
    model = Benchmark
    key = ("category_id", "measure", "month")
    duplicate_reason = gettext_lazy("This benchmark (%(key)s) appears twice: row %(row)s has it already.")

    def cols(self, context: ImportContext) -> list[Col]:
        categories = dict(ProductCategory.objects.values_list("code", "pk"))
        return [
            Col(
                "tl9000_category",
                "category_id",
                lookup(categories, unknown_category(context)),
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
        return _(
            "The TL 9000 benchmarks on these charts are the licensed data of %(supplier)s: "
            "only its admins may import them."
        ) % {"supplier": supplier.name}

    def check(self, values: list[Any], at: dict[str, int], bad: Any, row: dict[str, str]) -> None:
        best, worst = values[at["best_in_class"]], values[at["worst_in_class"]]
        average = values[at["industry_average"]]
        if None not in (best, average, worst) and not min(best, worst) <= average <= max(best, worst):
            bad(
                "industry_average",
                row.get("industry_average", ""),
                _("The industry average must lie between the best and the worst in class."),
            )


def _measure(codes: tuple[str, ...]) -> Any:
    known = set(codes)

    def parse(value: str) -> str:
        code = value.upper()
        if code not in known:
            raise ValueError(
                _("%(value)s is not a measure code (e.g. FR.ERI, OTD.OTI, NPR.2).") % {"value": repr(value)}
            )

        return code

    return parse
