"""The columns of the records lists that the drill-downs show (``accord.measurements.drilldown``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Column(NamedTuple):
    header: StrOrPromise
    attribute: str  # the record's attribute (dotted: of a related record) shown in the column


PRODUCT = Column(_("Product"), "product.code")
QUANTITY = Column(_("Quantity"), "quantity")
SEVERITY = Column(_("Severity"), "severity")
RECEIVED = Column(_("Received"), "received_date")
SHIPMENT_COLS = [
    Column(_("Shipment"), "shipment_id"),
    PRODUCT,
    Column(_("Ship date"), "ship_date"),
    QUANTITY,
    Column(_("Serial"), "serial"),
]
RETURN_COLS = [
    Column(_("Return"), "return_id"),
    PRODUCT,
    RECEIVED,
    Column(_("Shipped"), "ship_date"),
    QUANTITY,
    Column(_("NTF"), "no_trouble_found"),
    Column(_("Excluded because"), "excluded_reason"),
]
INSTALLED_COLS = [
    Column(_("Site"), "site.name"),
    PRODUCT,
    Column(_("In service"), "in_service_date"),
    QUANTITY,
]
UNITS_COLS = [  # both kinds of normalization unit in one list (ALL of categories on different bases)
    Column(_("Unit"), "nu"),
    Column(_("Shipment or site"), "record"),
    PRODUCT,
    Column(_("Category"), "product.category.code"),
    Column(_("Shipped or in service"), "counted_date"),
    QUANTITY,
]
LINE_COLS = [
    Column(_("Order"), "order_id"),
    Column(_("Line"), "line"),
    PRODUCT,
    Column(_("Qty"), "quantity"),
    Column(_("Requested"), "requested_date"),
    Column(_("Promised"), "promised_date"),
    Column(pgettext_lazy("date", "Delivered"), "delivered_date"),
    Column(_("Delivered qty"), "delivered_quantity"),
    Column(_("Early accepted"), "early_accepted"),
]
REPAIR_COLS = [
    Column(_("Repair"), "repair_id"),
    PRODUCT,
    RECEIVED,
    Column(_("Shipped back"), "shipped_date"),
    Column(_("Finding"), "finding"),
]
REPORT_COLS = [
    Column(pgettext_lazy("problem report", "Report"), "report_id"),
    SEVERITY,
    PRODUCT,
    RECEIVED,
    Column(_("Fix delivered"), "fix_delivered_date"),
    Column(_("Title"), "title"),
]
TICKET_COLS = [
    Column(_("Ticket"), "ticket_id"),
    SEVERITY,
    PRODUCT,
    Column(_("Opened"), "opened_at"),
    Column(_("First response"), "first_response_at"),
    Column(_("Resolved"), "resolved_at"),
]
