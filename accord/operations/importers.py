"""Imports of the supplier's operational data, one kind each (``accord import KIND FILE``); the
supplier's catalog (products) is in ``importers_catalog``, and its licensed benchmarks are imported
by the measurements app (their measure codes are its measures'), with the columns below.

Files are CSV (UTF-8, comma, header row) or XLSX (first sheet), with exactly these column names
(``*`` marks the natural key: a row whose key exists updates that row, so re-importing a file
changes nothing):

=================  =====================================================  ===================================
kind               required columns                                       optional columns
=================  =====================================================  ===================================
categories         code*, name                                            parent, normalization_unit (units),
                                                                          normalization_basis (shipped_12m),
                                                                          table_release, effective_from
products           product_code*, name, tl9000_category                   nu_basis, description
installed-base     site*, product_code*, quantity, in_service_date*       serial*
shipments          shipment_id*, product_code, ship_date, quantity        serial, site, order_id
returns            return_id*, product_code, received_date                ship_date, serial, quantity (1),
                                                                          reason, no_trouble_found,
                                                                          excluded_reason
repairs            repair_id*, product_code, received_date                shipped_date, return_id, finding
order-lines        order_id*, line*, product_code, quantity,              promised_date, delivered_date,
                   requested_date                                         delivered_quantity, early_accepted
problem-reports    report_id*, received_date, severity, product_code      fix_delivered_date, closed_date,
                                                                          customer_originated (true),
                                                                          duplicate_of, title
support-tickets    ticket_id*, opened_at, severity                        product_code, first_response_at,
                                                                          resolved_at, category
benchmarks         tl9000_category*, measure*, month*, best_in_class,
                   industry_average, worst_in_class
=================  =====================================================  ===================================

Dates ``YYYY-MM-DD``; date-times ISO 8601 with an offset (without one: UTC); booleans
true/false, yes/no, 1/0; severity 1–3 or critical/major/minor; months ``YYYY-MM`` (a category's
``effective_from`` too: the first month whose data it applies to).

Decisions ([Accord]): TL 9000 product categories are global (the handbook's classification, shared by
every relationship): only an admin of the relationship's supplier imports them; a ``parent`` is a code
in the same file or already stored, and no category may be its own ancestor; ``ALL`` is not a code (the
measurements pool every category under it). Products belong to the relationship's supplier's catalog; an
unknown ``tl9000_category`` is an error (categories are the handbook's, not invented by an import), and
``nu_basis`` sets the supplier's own normalization basis of the category, on all its relationships
(other suppliers keep theirs; a category the supplier never set uses the category's default). ``site``
names a site of the customer. A return's ship date comes from its row, or else from the latest shipment
with the same serial shipped on or before the day it was received; neither is an error. Benchmarks are
the supplier's licensed data (shown on all its relationships) and need an admin of the supplier.
Operational data is the supplier's: only its editors and admins import it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.lib.importing import ImportContext, RowError, register_importer
from accord.operations.cells import (
    Col,
    boolean,
    choice,
    date_col,
    id_col,
    not_before,
    parse_datetime,
    positive_int,
    product_col,
    site_col,
    text_col,
)
from accord.operations.importers_base import LOOKUP_CHUNK, Record, TableImporter, record_positions
from accord.operations.models import (
    InstalledBase,
    OrderLine,
    ProblemReport,
    Repair,
    Return,
    Shipment,
    SupportTicket,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from accord.operations.columnar import Columns

SEVERITIES = {"1": 1, "2": 2, "3": 3, "critical": 1, "major": 2, "minor": 3}
_SEVERITY_REASON = gettext_lazy("%(value)s is not a severity (%(choices)s).")


# --- the customers' installed base -------------------------------------------------------------------


@register_importer
class InstalledBaseImporter(TableImporter):
    kind = "installed-base"
    label = "Installed base"
    required = ("site", "product_code", "quantity", "in_service_date")
    optional = ("serial",)
    model = InstalledBase
    key = ("site_id", "product_id", "in_service_date", "serial")
    duplicate_reason = gettext_lazy("This installation (%(key)s) appears twice: row %(row)s has it already.")

    def cols(self, context: ImportContext) -> list[Col]:
        return [
            site_col(context, required=True),
            product_col(context),
            Col("quantity", "quantity", positive_int(), required=True),
            date_col("in_service_date", required=True),
            text_col("serial", InstalledBase),
        ]


# --- shipments, returns, repairs ---------------------------------------------------------------------


@register_importer
class ShipmentImporter(TableImporter):
    kind = "shipments"
    label = "Shipments"
    required = ("shipment_id", "product_code", "ship_date", "quantity")
    optional = ("serial", "site", "order_id")
    model = Shipment
    key = ("shipment_id",)
    duplicate_reason = gettext_lazy("This shipment (%(key)s) appears twice: row %(row)s has it already.")

    def cols(self, context: ImportContext) -> list[Col]:
        return [
            id_col("shipment_id", Shipment),
            product_col(context),
            date_col("ship_date", required=True),
            Col("quantity", "quantity", positive_int(), required=True),
            text_col("serial", Shipment),
            site_col(context, required=False),
            text_col("order_id", Shipment),
        ]


@register_importer
class ReturnImporter(TableImporter):
    kind = "returns"
    label = "Returns"
    required = ("return_id", "product_code", "received_date")
    optional = ("ship_date", "serial", "quantity", "reason", "no_trouble_found", "excluded_reason")
    model = Return
    key = ("return_id",)
    duplicate_reason = gettext_lazy("This return (%(key)s) appears twice: row %(row)s has it already.")
    always_compared = frozenset({"ship_date"})  # from the row or from the shipment: always known

    def cols(self, context: ImportContext) -> list[Col]:
        return [
            id_col("return_id", Return),
            product_col(context),
            date_col("received_date", required=True),
            date_col("ship_date"),
            text_col("serial", Return),
            Col("quantity", "quantity", positive_int(), default=1),
            text_col("reason", Return),
            Col("no_trouble_found", "no_trouble_found", boolean, default=False),
            text_col("excluded_reason", Return),
        ]

    def check(self, values: list[Any], at: dict[str, int], bad: Any, row: dict[str, str]) -> None:
        received, ship, serial = values[at["received_date"]], values[at["ship_date"]], values[at["serial"]]
        if received is not None and ship is not None and ship > received:
            bad(
                "ship_date",
                row.get("ship_date", ""),
                _("The unit was shipped after this return was received (%(date)s).") % {"date": received},
            )
        if ship is None and not serial and not row.get("ship_date", "").strip():
            bad("ship_date", "", _("A return needs its ship date, or the serial number of a shipped unit."))

    def check_columns(self, values: dict[str, pa.Array]) -> pa.Array:
        import pyarrow.compute as pc

        received, ship = values["received_date"], values["ship_date"]
        shipped_after = pc.fill_null(pc.greater(ship, received), False)
        nothing = pc.and_(pc.is_null(ship), pc.equal(values["serial"], ""))
        return pc.invert(pc.or_(shipped_after, nothing))

    def finish(
        self, records: list[Record], errors: list[RowError], context: ImportContext, cols: list[Col]
    ) -> None:
        """Fill in the ship dates the rows lack from the shipments with the same serial."""
        at = record_positions(cols)
        received, ship_at, serial = at["received_date"], at["ship_date"], at["serial"]
        pending = [i for i, rec in enumerate(records) if rec[ship_at] is None]
        found = _ship_dates(context, ((records[i][serial], records[i][received]) for i in pending))
        for i, (ship, column, reason) in zip(pending, found, strict=True):
            rec = records[i]
            if ship is None:
                errors.append(RowError(rec[0], column, rec[serial] if column == "serial" else "", reason))
            else:
                records[i] = (*rec[:ship_at], ship, *rec[ship_at + 1 :])

    def finish_columns(self, columns: Columns, context: ImportContext) -> Columns | None:
        import pyarrow as pa
        import pyarrow.compute as pc

        from accord.operations.columnar import Columns

        table = columns.table
        ship = table["ship_date"].combine_chunks()
        lacking = pc.is_null(ship)
        if not pc.any(lacking).as_py():
            return columns
        pending = table.filter(lacking)
        asked = zip(pending["serial"].to_pylist(), pending["received_date"].to_pylist(), strict=True)
        ships = [ship for ship, _column, _reason in _ship_dates(context, asked)]
        if None in ships:
            return None  # the row-by-row reading reports it
        at = table.schema.get_field_index("ship_date")
        filled = pc.replace_with_mask(ship, lacking, pa.array(ships, pa.date32()))
        return Columns(table.set_column(at, "ship_date", filled))


def _ship_dates(
    context: ImportContext, asked: Iterable[tuple[str, date]]
) -> list[tuple[date | None, str, str]]:
    """For each (serial, received date): the latest shipment of that serial on or before the day it
    was received, as (date, "", ""), or (None, column, reason) when there is none."""
    asked = list(asked)
    serials = sorted({serial for serial, _received in asked})
    shipped: dict[str, list[date]] = {}
    rows = Shipment.objects.filter(relationship_id=context.relationship.pk).order_by()
    for start in range(0, len(serials), LOOKUP_CHUNK):
        chunk = serials[start : start + LOOKUP_CHUNK]
        for serial, ship_date in rows.filter(serial__in=chunk).values_list("serial", "ship_date"):
            shipped.setdefault(serial, []).append(ship_date)
    found: list[tuple[date | None, str, str]] = []
    for serial, received in asked:
        dates = shipped.get(serial)
        before = [d for d in dates or () if d <= received]
        if not dates:
            reason = _("The row has no ship date, and no shipment has the serial number %(serial)s.") % {
                "serial": repr(serial)
            }
            found.append((None, "ship_date", reason))
        elif not before:
            reason = _(
                "The unit with this serial number was shipped on %(date)s, after this return was received."
            ) % {"date": min(dates)}
            found.append((None, "serial", reason))
        else:
            found.append((max(before), "", ""))
    return found


@register_importer
class RepairImporter(TableImporter):
    kind = "repairs"
    label = "Repairs"
    required = ("repair_id", "product_code", "received_date")
    optional = ("shipped_date", "return_id", "finding")
    model = Repair
    key = ("repair_id",)
    duplicate_reason = gettext_lazy("This repair (%(key)s) appears twice: row %(row)s has it already.")

    def cols(self, context: ImportContext) -> list[Col]:
        return [
            id_col("repair_id", Repair),
            product_col(context),
            date_col("received_date", required=True),
            date_col("shipped_date"),
            text_col("return_id", Repair),
            text_col("finding", Repair),
        ]

    def check(self, values: list[Any], at: dict[str, int], bad: Any, row: dict[str, str]) -> None:
        reason = _("The repaired unit was shipped back before it was received (%(date)s).")
        not_before(values, at, "shipped_date", "received_date", bad, row, reason)


# --- order lines, problem reports, support tickets ---------------------------------------------------


@register_importer
class OrderLineImporter(TableImporter):
    kind = "order-lines"
    label = "Purchase order lines"
    required = ("order_id", "line", "product_code", "quantity", "requested_date")
    optional = ("promised_date", "delivered_date", "delivered_quantity", "early_accepted")
    model = OrderLine
    key = ("order_id", "line")
    duplicate_reason = gettext_lazy("This order line (%(key)s) appears twice: row %(row)s has it already.")

    def cols(self, context: ImportContext) -> list[Col]:
        return [
            id_col("order_id", OrderLine),
            id_col("line", OrderLine),
            product_col(context),
            Col("quantity", "quantity", positive_int(), required=True),
            date_col("requested_date", required=True),
            date_col("promised_date"),
            date_col("delivered_date"),
            Col("delivered_quantity", "delivered_quantity", positive_int(0)),
            Col("early_accepted", "early_accepted", boolean, default=False),
        ]

    def check(self, values: list[Any], at: dict[str, int], bad: Any, row: dict[str, str]) -> None:
        lacking_date = values[at["delivered_date"]] is None and not row.get("delivered_date", "").strip()
        if values[at["delivered_quantity"]] is not None and lacking_date:
            bad(
                "delivered_quantity",
                row.get("delivered_quantity", ""),
                _("A delivered quantity needs a delivered_date."),
            )


@register_importer
class ProblemReportImporter(TableImporter):
    kind = "problem-reports"
    label = "Problem reports"
    required = ("report_id", "received_date", "severity", "product_code")
    optional = ("fix_delivered_date", "closed_date", "customer_originated", "duplicate_of", "title")
    model = ProblemReport
    key = ("report_id",)
    duplicate_reason = gettext_lazy(
        "This problem report (%(key)s) appears twice: row %(row)s has it already."
    )

    def cols(self, context: ImportContext) -> list[Col]:
        return [
            id_col("report_id", ProblemReport),
            date_col("received_date", required=True),
            Col("severity", "severity", choice(SEVERITIES, _SEVERITY_REASON), required=True),
            product_col(context),
            date_col("fix_delivered_date"),
            date_col("closed_date"),
            Col("customer_originated", "customer_originated", boolean, default=True),
            text_col("duplicate_of", ProblemReport),
            text_col("title", ProblemReport),
        ]

    def check(self, values: list[Any], at: dict[str, int], bad: Any, row: dict[str, str]) -> None:
        reason = _("The fix was delivered before the report was received (%(date)s).")
        not_before(values, at, "fix_delivered_date", "received_date", bad, row, reason)
        reason = _("The report was closed before it was received (%(date)s).")
        not_before(values, at, "closed_date", "received_date", bad, row, reason)
        duplicate_of = values[at["duplicate_of"]]
        if duplicate_of and duplicate_of == values[at["report_id"]]:
            bad("duplicate_of", row.get("duplicate_of", ""), _("A report cannot be a duplicate of itself."))


@register_importer
class SupportTicketImporter(TableImporter):
    kind = "support-tickets"
    label = "Support tickets"
    required = ("ticket_id", "opened_at", "severity")
    optional = ("product_code", "first_response_at", "resolved_at", "category")
    model = SupportTicket
    key = ("ticket_id",)
    duplicate_reason = gettext_lazy("This ticket (%(key)s) appears twice: row %(row)s has it already.")

    def cols(self, context: ImportContext) -> list[Col]:
        return [
            id_col("ticket_id", SupportTicket),
            Col("opened_at", "opened_at", parse_datetime, required=True),
            Col("severity", "severity", choice(SEVERITIES, _SEVERITY_REASON), required=True),
            product_col(context, required=False),
            Col("first_response_at", "first_response_at", parse_datetime),
            Col("resolved_at", "resolved_at", parse_datetime),
            text_col("category", SupportTicket),
        ]

    def check(self, values: list[Any], at: dict[str, int], bad: Any, row: dict[str, str]) -> None:
        reason = _("The first response came before the ticket was opened (%(date)s).")
        not_before(values, at, "first_response_at", "opened_at", bad, row, reason)
        reason = _("The ticket was resolved before it was opened (%(date)s).")
        not_before(values, at, "resolved_at", "opened_at", bad, row, reason)


# The supplier-wide kinds (its catalog, its licensed benchmarks) live in their own module; importing it
# registers them.
from accord.operations import importers_catalog  # noqa: E402, F401
