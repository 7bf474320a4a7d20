"""How the operational imports read one cell: ``Col``, the cell parsers, and the columns the kinds share.

A parser takes the cell's text (already stripped) and returns its value, or raises
``ValueError(reason)`` with the reason a person reads next to the row and column. Most parsers are
``Parser`` objects that also name their rule (``rule``, ``arg``): ``accord.operations.columnar``
has the same rule for a whole column at once, used to read large clean files quickly. A plain
function is a parser too; a kind with one reads row by row.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accord.lib.csvsafe import DANGEROUS_STARTS
from accord.lib.importing import ImportContext
from accord.lib.tabular import parse_bool
from accord.lib.tabular import parse_date as _parse_date
from accord.parties.models import Product, Site

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

INT_MAX = 2_147_483_647
DATE_CACHE_MAX = 100_000
# [Accord] Operational dates (a shipment, a return, a ticket, …) lie between 1900 and 2199: a year
# 0001 or 9999 is a typing or export error, and a date that far out would stretch every monthly
# count and chart over thousands of empty months. (columnar.DATE accepts the same years.)
FIRST_YEAR, LAST_YEAR = 1900, 2199


@dataclass(frozen=True)
class Parser:
    """A cell parser that names its rule, so that a whole column can be read by the same rule."""

    rule: str
    read: Callable[[str], Any] = field(repr=False)
    arg: Any = None

    def __call__(self, value: str) -> Any:
        return self.read(value)


@dataclass(frozen=True)
class Col:
    """One column of a kind: the file's column name, the model attribute it sets, how a cell is read."""

    name: str
    field: str
    parse: Callable[[str], Any]
    required: bool = False
    default: Any = None  # the value of an empty optional cell
    required_reason: str = ""


def clean_text(raw: str) -> str:
    """The cell's text: trimmed, and without the quote a CSV export put before a formula-like text."""
    text = raw.strip()
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(DANGEROUS_STARTS):
        return text[1:]
    return text


def text(max_length: int) -> Parser:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(too_long(len(value), max_length))
        return value

    return Parser("text", parse, max_length)


def too_long(length: int, limit: int) -> str:
    """Why a cell of ``length`` characters is refused (more than ``limit``)."""
    return ngettext(
        "The text has %(length)s character; at most %(limit)s are allowed.",
        "The text has %(length)s characters; at most %(limit)s are allowed.",
        length,
    ) % {"length": length, "limit": limit}


_dates: dict[str, date] = {}


def _date(value: str) -> date:
    """A ``YYYY-MM-DD`` date; the same text gives the same (shared) object, to keep records small."""
    found = _dates.get(value)
    if found is None:
        try:
            found = _parse_date(value)
        except ValueError:
            raise ValueError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": repr(value)}) from None
        _check_year(found.year, value)
        if len(_dates) < DATE_CACHE_MAX:
            _dates[value] = found
    return found


parse_date = Parser("date", _date)


def _check_year(year: int, value: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            _("%(value)s is out of range: a date must lie between %(first)s and %(last)s.")
            % {"value": repr(value), "first": FIRST_YEAR, "last": LAST_YEAR}
        )


def _not_a_datetime(value: str) -> str:
    return _("%(value)s is not a date and time (ISO 8601, e.g. 2026-01-31T14:05:00+01:00).") % {
        "value": repr(value)
    }


def parse_datetime(value: str) -> datetime:
    """An ISO 8601 date and time with an offset (``Z`` or ``+02:00``); without one it is UTC."""
    if len(value) < 16 or value[10] not in "T ":
        raise ValueError(_not_a_datetime(value))
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(_not_a_datetime(value)) from None
    _check_year(when.year, value)
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def positive_int(minimum: int = 1) -> Parser:
    def parse(value: str) -> int:
        if value.startswith("-") and value[1:].isdigit() and value.isascii():
            raise ValueError(_("The number must be at least %(min)s.") % {"min": minimum})
        if not value.isdigit() or not value.isascii():
            raise ValueError(_("%(value)s is not a whole number.") % {"value": repr(value)})
        number = int(value)
        if number < minimum:
            raise ValueError(_("The number must be at least %(min)s.") % {"min": minimum})
        if number > INT_MAX:
            raise ValueError(_("The number must be at most %(max)s.") % {"max": INT_MAX})
        return number

    return Parser("whole", parse, minimum)


def _number(value: str) -> float:
    try:
        result = float(value)
    except ValueError:
        raise ValueError(_("%(value)s is not a number.") % {"value": repr(value)}) from None
    if math.isnan(result) or math.isinf(result):
        raise ValueError(_("%(value)s is not a number.") % {"value": repr(value)})
    return result


number = Parser("number", _number)


def _boolean(value: str) -> bool:
    try:
        return parse_bool(value)
    except ValueError:
        raise ValueError(
            _("%(value)s is not true or false (true/false, yes/no, 1/0).") % {"value": repr(value)}
        ) from None


boolean = Parser("boolean", _boolean)


def choice(mapping: dict[str, Any], reason: StrOrPromise) -> Parser:
    """A value looked up in ``mapping`` (exact text first, then lower-cased). ``reason`` is the whole
    (translated) sentence of a value not found, with ``%(value)s`` (the value, quoted) and
    ``%(choices)s`` (the values accepted): ``"%(value)s is not a severity (%(choices)s)."``."""
    words = ", ".join(sorted({k for k in mapping if k == k.lower()}))

    def parse(value: str) -> Any:
        found = mapping.get(value, mapping.get(value.lower()))
        if found is None:
            raise ValueError(reason % {"value": repr(value), "choices": words})
        return found

    return Parser("choice", parse, mapping)


def lookup(mapping: dict[str, Any], reason: Callable[[str], str]) -> Parser:
    """A name looked up in ``mapping`` (exact, then case-folded if unambiguous); ``reason(value)`` is
    why a name is not found (a whole translated sentence)."""
    folded: dict[str, Any] = {}
    for name, value in mapping.items():
        key = name.casefold()
        folded[key] = None if key in folded and folded[key] != value else value

    def parse(value: str) -> Any:
        found = mapping.get(value)
        if found is None:
            found = folded.get(value.casefold())
        if found is None:
            raise ValueError(reason(value))
        return found

    return Parser("lookup", parse, mapping)


# --- the columns the kinds share ----------------------------------------------------------------------


def max_length(model: type[models.Model], name: str) -> int:
    return int(model._meta.get_field(name).max_length or 100)  # type: ignore[union-attr]


def _products(context: ImportContext) -> dict[str, int]:
    rel = context.relationship
    return dict(Product.objects.filter(supplier_id=rel.supplier_id).values_list("code", "pk"))


def product_col(context: ImportContext, *, required: bool = True) -> Col:
    supplier = context.relationship.supplier.name

    def reason(value: str) -> str:
        return _("There is no product %(code)s in the catalog of %(supplier)s.") % {
            "code": repr(value),
            "supplier": supplier,
        }

    return Col("product_code", "product_id", lookup(_products(context), reason), required=required)


def site_col(context: ImportContext, *, required: bool) -> Col:
    rel = context.relationship
    sites = dict(Site.objects.filter(party_id=rel.customer_id).values_list("name", "pk"))
    customer = rel.customer.name

    def reason(value: str) -> str:
        return _("%(customer)s has no site named %(name)s.") % {"customer": customer, "name": repr(value)}

    return Col("site", "site_id", lookup(sites, reason), required=required)


def id_col(name: str, model: type[models.Model], field: str | None = None) -> Col:
    return Col(name, field or name, text(max_length(model, field or name)), required=True)


def date_col(name: str, *, required: bool = False) -> Col:
    return Col(name, name, parse_date, required=required)


def text_col(name: str, model: type[models.Model], field: str | None = None) -> Col:
    return Col(name, field or name, text(max_length(model, field or name)), default="")


def not_before(
    values: list[Any],
    at: dict[str, int],
    later: str,
    earlier: str,
    bad: Any,
    row: dict[str, str],
    reason: str,
) -> None:
    """The date field ``later`` must not be before ``earlier`` (either missing: nothing to check);
    the fields are named as their columns. ``reason`` is the whole (translated) sentence, with
    ``%(date)s`` for the earlier date as the file writes it."""
    late, early = values[at[later]], values[at[earlier]]
    if late is not None and early is not None and late < early:
        bad(later, row.get(later, ""), reason % {"date": row.get(earlier, "").strip()})
