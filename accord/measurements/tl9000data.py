"""The monthly TL 9000 data (measurements.md, "The monthly TL 9000 data"): for one month, the raw counts
per product category and measure component, summed over the home organization's customer
relationships (those in which it is the supplier), with a trace from each count to its source records.

Nothing is counted anew. A count is the sum over the relationships of the numerator or denominator
that the measurements engine gives for the month and category (``selectors.metrics``, window 1: the
same numbers as ``accord metrics``), and its trace lists, per relationship, the records the
drill-down lists for that numerator or denominator (``drilldown.drill``: the records ``counting.py``
counts), each with its contribution (the units a shipment, return or installed base adds; 1 for an
order line or problem report). So the trace of a count adds up to the count.

Decisions ([Accord]):

- The measures are the TL 9000 ones (families FR, OTD, NPR, FRT, OFR); repair turnaround and support
  activity are industry practice, not part of the submission, and are left out. Each is a ratio whose
  two components are named in ``COMPONENTS`` (e.g. FR.ERI: ``returns`` and ``population``; NPR.n:
  ``reports`` and ``normalization_units``, S).
- Each relationship's counts follow its own agreed settings (fix-response thresholds, on-time
  tolerance), as its measurements do; a relationship that agreed no threshold for a severity adds
  nothing to that severity's FRT and OFR. NPR's S is counted on the supplier's basis for the category.
- Every relationship in which the party is the supplier counts, whatever its status (an ended
  relationship's past months are still its data). Categories only: ``ALL`` is not a category.
- A count is listed when any relationship has a value of that measure in the category and month (the
  engine's rule: a numerator or denominator that is not zero); both components are then listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from accord.measurements import drilldown, engine, selectors, services
from accord.measurements.definitions import MEASURES, MeasureDef
from accord.operations import models as ops
from accord.parties.models import Party, Relationship

__all__ = [
    "COLUMNS",
    "COMPONENTS",
    "MEASURE_CODES",
    "TRACE_COLUMNS",
    "Count",
    "NoHomeParty",
    "Source",
    "counts",
    "counts_of",
    "home_party",
    "relationships_of",
    "sum_counts",
    "trace",
]

FAMILIES = ("FR", "OTD", "NPR", "FRT", "OFR")
MEASURE_CODES: tuple[str, ...] = tuple(code for code, d in MEASURES.items() if d.family in FAMILIES)


def _components(d: MeasureDef) -> tuple[str, str]:
    """(the numerator's component, the denominator's) of a TL 9000 measure."""
    if d.code == "FR.NTF":
        return "ntf_returns", "returns"
    return {
        "FR": ("returns", "population"),
        "OTD": ("lines_on_time", "lines"),
        "NPR": ("reports", "normalization_units"),
        "FRT": ("fixes_on_time", "fixes"),
        "OFR": ("overdue_fixed", "overdue"),
    }[d.family]


COMPONENTS: dict[str, tuple[str, str]] = {code: _components(MEASURES[code]) for code in MEASURE_CODES}
PARTS = ("numerator", "denominator")

COLUMNS = ["category", "measure", "component", "month", "count"]
TRACE_COLUMNS = [
    "category",
    "measure",
    "component",
    "month",
    "relationship",
    "record_kind",
    "record_id",
    "record_key",
    "contribution",
]


@dataclass(frozen=True)
class Count:
    category: str
    measure: str
    component: str
    month: str
    count: float

    def row(self) -> list[Any]:
        return [self.category, self.measure, self.component, self.month, whole(self.count)]


@dataclass(frozen=True)
class Source:
    """One record contributing to a count, in one relationship."""

    category: str
    measure: str
    component: str
    month: str
    relationship: str  # its slug
    record_kind: str  # the import kind of the record: shipments, returns, …
    record_id: int  # the record's primary key
    record_key: str  # its natural key, as imported (order lines: order/line)
    contribution: float

    def row(self) -> list[Any]:
        return [
            self.category,
            self.measure,
            self.component,
            self.month,
            self.relationship,
            self.record_kind,
            self.record_id,
            self.record_key,
            whole(self.contribution),
        ]


def whole(value: float) -> float | int:
    """A count as a whole number when it is one (counts are; a CSV then reads ``12``, not ``12.0``)."""
    return int(value) if float(value).is_integer() else value


# ------------------------------------------------------------------------------------------ pure
def _order(count: Count) -> tuple[Any, ...]:
    measures = list(MEASURES)
    parts = COMPONENTS[count.measure]
    return (_code_key(count.category), measures.index(count.measure), parts.index(count.component))


def _code_key(code: str) -> tuple[Any, ...]:
    """``3.10`` after ``3.9``: numeric parts compare as numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.replace("-", ".").split("."))


def sum_counts(values: Iterable[engine.Value], month: str) -> list[Count]:
    """The counts of ``month``: the numerators and denominators of ``values`` (the engine's rows of
    every relationship, window 1) summed per category, measure and component; ``ALL`` rows, other
    months and measures other than the TL 9000 ones are left out. Pure."""
    sums: dict[tuple[str, str, str], float] = {}
    for v in values:
        if v.category == engine.ALL or v.month != month or v.measure not in COMPONENTS or v.window != 1:
            continue
        for component, amount in zip(COMPONENTS[v.measure], (v.numerator, v.denominator), strict=True):
            key = (v.category, v.measure, component)
            sums[key] = sums.get(key, 0.0) + (amount or 0.0)
    out = [Count(c, m, part, month, total) for (c, m, part), total in sums.items()]
    return sorted(out, key=_order)


# ------------------------------------------------------------------------------------------ reading
class NoHomeParty(LookupError):
    """No party, or several, is the supplier in relationships: name one."""


def home_party(slug: str | None = None) -> Party:
    """The party named by ``slug``, or else the only party that is a supplier in relationships."""
    if slug is not None:
        party = Party.objects.filter(slug=slug).first()
        if party is None:
            raise NoHomeParty(f"No party with the short name {slug!r} (see `accord party list`).")
        return party
    suppliers = list(Party.objects.filter(as_supplier__isnull=False).distinct().order_by("slug"))
    if len(suppliers) == 1:
        return suppliers[0]
    if not suppliers:
        raise NoHomeParty("No party is the supplier in any relationship: there is no data to export.")
    names = ", ".join(p.slug for p in suppliers)
    raise NoHomeParty(
        f"Several parties are suppliers in relationships ({names}): name one with --party SLUG."
    )


def relationships_of(party: Party) -> list[Relationship]:
    """The home organization's customer relationships: those in which ``party`` is the supplier."""
    return list(
        Relationship.objects.filter(supplier=party).select_related("supplier", "customer").order_by("slug")
    )


def _values(rel: Relationship, month: str) -> list[engine.Value]:
    return selectors.metrics(rel, start=month, end=month, measures=list(MEASURE_CODES))


def counts_of(rel: Relationship, month: str) -> list[Count]:
    """One relationship's counts of the month."""
    return sum_counts(_values(rel, month), month)


def counts(party: Party, month: str) -> list[Count]:
    """The month's counts, summed over ``party``'s customer relationships."""
    values: list[engine.Value] = []
    for rel in relationships_of(party):
        values += _values(rel, month)
    return sum_counts(values, month)


# The records a drill-down lists, by model: the import kind, and the fields of the natural key.
_RECORDS: dict[type[Any], tuple[str, tuple[str, ...]]] = {
    ops.Shipment: ("shipments", ("shipment_id",)),
    ops.Return: ("returns", ("return_id",)),
    ops.OrderLine: ("order-lines", ("order_id", "line")),
    ops.ProblemReport: ("problem-reports", ("report_id",)),
    ops.InstalledBase: ("installed-base", ("site__name", "product__code", "in_service_date", "serial")),
}


def _key_text(values: Iterable[Any]) -> str:
    return "/".join("" if v is None else v.isoformat() if isinstance(v, date) else str(v) for v in values)


def _sources(rows: Any, quantity: str) -> Iterator[tuple[str, int, str, float]]:
    """(record kind, id, natural key, contribution) of a drill-down's rows."""
    parts = rows.parts if isinstance(rows, drilldown.Chain) else [("", rows)]
    for _month, part in parts:
        if isinstance(part, QuerySet):
            kind, fields = _RECORDS[part.model]
            amount = [quantity] if quantity else []
            for pk, *rest in part.values_list("pk", *fields, *amount).iterator(chunk_size=2000):
                key = rest[: len(fields)]
                yield kind, pk, _key_text(key), (rest[-1] or 0) if quantity else 1
            continue
        for obj in part:
            kind, fields = _RECORDS[type(obj)]
            key = [_attribute(obj, name) for name in fields]
            yield kind, obj.pk, _key_text(key), (getattr(obj, quantity) or 0) if quantity else 1


def _attribute(obj: Any, dotted: str) -> Any:
    for name in dotted.split("__"):
        obj = getattr(obj, name)
    return obj


def trace(party: Party, month: str, *, today: date) -> Iterator[Source]:
    """Every record behind each count of ``counts(party, month)``: per relationship, category, measure
    and component, the records the drill-down lists (``today``: the day the drill-down counts late
    lines and overdue reports by, as the daily recount does)."""
    for rel in relationships_of(party):
        stored = services.settings_for(rel)
        wanted = {(v.category, v.measure) for v in _values(rel, month) if v.category != engine.ALL}
        for category, measure in sorted(
            wanted, key=lambda cm: (_code_key(cm[0]), list(MEASURES).index(cm[1]))
        ):
            for part, component in zip(PARTS, COMPONENTS[measure], strict=True):
                d = drilldown.drill(
                    rel,
                    measure=measure,
                    month=month,
                    category=category,
                    part=part,
                    settings=stored,
                    today=today,
                )
                for kind, pk, key, amount in _sources(d.rows, d.quantity):
                    yield Source(category, measure, component, month, rel.slug, kind, pk, key, amount)


def traced_totals(sources: Iterable[Source]) -> dict[tuple[str, str, str], float]:
    """The sum of the contributions per (category, measure, component): what the counts must be."""
    out: dict[tuple[str, str, str], float] = {}
    for s in sources:
        key = (s.category, s.measure, s.component)
        out[key] = out.get(key, 0.0) + s.contribution
    return out


def mismatches(rows: Iterable[Count], totals: dict[tuple[str, str, str], float]) -> list[str]:
    """The counts that their trace does not add up to (none, unless the facts are older than the
    records: a day's recount pending)."""
    out = []
    for c in rows:
        traced = totals.get((c.category, c.measure, c.component), 0.0)
        if abs(traced - c.count) > 1e-9:
            out.append(
                f"{c.category} {c.measure} {c.component}: counted {whole(c.count)}, traced {whole(traced)}"
            )
    return out
