"""Every measure Accord computes (docs/measurements.md, "Codes used everywhere"), and handbook defaults.

Pure data: everything the engine, the drill-down and the pages need to know of a measure is an
attribute of its ``MeasureDef``; they read it from ``MEASURES`` and keep no lists of codes of their
own. ``CODES`` is exactly the documented list, in its order; ``MEASURES`` also holds the
supplementary ``REPAIR.BACKLOG_OLDEST_DAYS`` ([Accord]: measurements.md asks for the backlog's oldest
age but gives it no code).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "CODES",
    "DEFAULT_NU_BASIS",
    "FAMILIES",
    "FRT_DEFAULT_THRESHOLDS",
    "KIND_KEYS",
    "MEASURES",
    "NORMALIZATION_BASES",
    "NU_BASES",
    "SEVERITY_NAMES",
    "MeasureDef",
    "NormalizationBasis",
    "Settings",
    "measure",
]

Direction = Literal["lower", "higher", "none"]
Kind = Literal["ratio", "distribution", "count"]
Statistic = Literal["", "mean", "median", "p90"]
Window = tuple[int | None, int]
"""Months relative to M, both included: ``(-6, -1)`` is M-6 … M-1; ``(None, -19)`` every month up to M-19."""

FAMILIES = ("FR", "OTD", "REPAIR", "NPR", "FRT", "OFR", "SUPPORT")
SEVERITY_NAMES: Mapping[int, str] = MappingProxyType({1: "critical", 2: "major", 3: "minor"})

# Fix-response thresholds in days by severity (handbook defaults for hardware and software categories).
# A severity missing here (1, critical) has no threshold: no FRT, never overdue for OFR.
FRT_DEFAULT_THRESHOLDS: MappingProxyType[int, int | None] = MappingProxyType({2: 30, 3: 180})

# The kinds of operational data (named as their imports are) and the fact keys each leaves.
KIND_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "shipments": ("shipped",),
        "returns": ("returns", "returns_ntf"),
        "installed-base": ("installed",),
        "order-lines": ("otd_lines", "otd_on_time"),
        "repairs": ("repair_tat", "repair_backlog", "repair_backlog_oldest"),
        "problem-reports": ("npr", "fix_days", "ofr_overdue", "ofr_fixed"),
        "support-tickets": (
            "support_opened",
            "support_resolved",
            "support_backlog",
            "support_first_response",
            "support_first_within",
            "support_resolution",
        ),
    }
)


@dataclass(frozen=True)
class NormalizationBasis:
    """How a category counts its normalization units S for NPR."""

    code: str
    name: StrOrPromise  # what is counted, as the page says it
    counts: str  # the kind of data (``KIND_KEYS``) S counts
    shipped: Window | None = None  # units shipped in these months; None: installed units at the end of M

    @property
    def lookback(self) -> int:
        first, _last = self.shipped or (0, 0)
        return -first if first is not None else 0


NORMALIZATION_BASES: Mapping[str, NormalizationBasis] = MappingProxyType(
    {
        b.code: b
        for b in (
            NormalizationBasis(
                "shipped_12m", _("units shipped in the 12 months ending with M"), "shipments", (-11, 0)
            ),
            NormalizationBasis("installed", _("installed units at end of M"), "installed-base"),
        )
    }
)
NU_BASES = tuple(NORMALIZATION_BASES)
DEFAULT_NU_BASIS = "shipped_12m"


@dataclass(frozen=True)
class Settings:
    """What a relationship agreed, as the engine and the drill-down apply it."""

    frt_thresholds: Mapping[int, int | None] = field(default_factory=lambda: dict(FRT_DEFAULT_THRESHOLDS))
    otd_days_early: int = 0
    otd_days_late: int = 0
    repair_sla_days: int | None = None
    support_response_targets_h: Mapping[int, float] = field(default_factory=dict)
    nu_basis: Mapping[str, str] = field(default_factory=dict)  # category -> "shipped_12m" | "installed"

    def basis(self, category: str) -> str:
        return self.nu_basis.get(category, DEFAULT_NU_BASIS)


class Need(NamedTuple):
    kind: str  # the kind of data (``KIND_KEYS``) a denominator counts
    lookback: int  # how many months before M its window starts


@dataclass(frozen=True)
class MeasureDef:
    code: str
    name: str
    family: str
    unit: str
    direction: Direction
    definition: str
    kind: Kind  # ratio: value from numerator/denominator; distribution: from a histogram; count
    decimals: int  # for display (round_value)
    per_severity: bool = False  # SUPPORT rows come per severity (and pooled severity "")
    supplementary: bool = False  # not in measurements.md's code list
    # --- how it is computed (components.py, engine.py)
    counts: str = ""  # the kind of data (KIND_KEYS) its denominator counts; "": NPR's normalization units
    factor: float = 100.0  # a ratio's value is factor × numerator / denominator
    point_in_time: bool = False  # a state at the month's end: a rolling value is the window's last month's
    pool: Literal["sum", "max"] = "sum"  # how ALL pools the categories' counts
    fact: str = ""  # counts: the fact key counted; distributions: the histogram's (measures share it)
    statistic: Statistic = ""  # distributions: what is taken of the histogram
    dim: str = ""  # OTD: the dim of its order-line facts ("crd", "promised")
    severity: int = 0  # NPR, FRT, OFR: the problem reports' severity
    returns_shipped: Window | None = None  # FR: the ship months of the returns received in M it counts
    population: Window | None = None  # FR: the ship months of the units its population counts
    # --- how its records are listed (drilldown.py) and linked (views.py)
    drill: str = ""  # which records list the drill-down gives (a key of ``drilldown.LISTINGS``)
    due_date: str = ""  # OTD: the order line's date whose month is M
    records_only: bool = False  # neither a count nor made of counted records: the page links "records"
    drill_note: StrOrPromise = ""  # what the value is, when it is not the number of records listed

    # ``name``, ``unit`` and ``definition`` are English (the API, the CLI and ``accord metrics`` print
    # them so); they are marked with ``gettext_noop`` and these give them in the active language.
    @property
    def shown_name(self) -> str:
        return gettext(self.name)

    @property
    def shown_unit(self) -> str:
        return gettext(self.unit)

    @property
    def shown_definition(self) -> str:
        return gettext(self.definition)

    @property
    def normalized(self) -> bool:
        """Its denominator is the category's normalization units (NPR)."""
        return not self.counts

    def needs(self, basis: str = DEFAULT_NU_BASIS) -> Need:
        """(the kind of data its denominator counts, how many months before M it reaches back to) in
        a category on normalization ``basis``: FR.ERI 6 (shipments M-6 … M-1), FR.YRR 18, FR.LTR 19
        (every shipment up to M-19), NPR 11 on ``shipped_12m`` and 0 on ``installed``; else 0."""
        if self.normalized:
            b = NORMALIZATION_BASES[basis]
            return Need(b.counts, b.lookback)
        if self.population is None:
            return Need(self.counts, 0)
        first, last = self.population
        return Need(self.counts, -(last if first is None else first))


def _fr(code: str, name: str, definition: str, returns: Window, population: Window) -> MeasureDef:
    return MeasureDef(
        code,
        name,
        "FR",
        gettext_noop("% per year"),
        "lower",
        definition,
        "ratio",
        2,
        counts="shipments",
        factor=1200.0,
        returns_shipped=returns,
        population=population,
        drill="fr_window",
    )


def _reports(family: str, severity: int, name: str, definition: str, drill: str) -> MeasureDef:
    """A problem-report measure of one severity (each its whole name and definition, for translators)."""
    npr = family == "NPR"
    return MeasureDef(
        f"{family}.{severity}",
        name,
        family,
        gettext_noop("per NU per year") if npr else "%",
        "lower" if npr else "higher",
        definition,
        "ratio",
        4 if npr else 1,
        counts="" if npr else "problem-reports",
        factor=12.0 if npr else 100.0,
        severity=severity,
        drill=drill,
    )


def _turnaround(statistic: Statistic, name: str, definition: str) -> MeasureDef:
    return MeasureDef(
        f"REPAIR.TAT_{statistic.upper()}",
        name,
        "REPAIR",
        gettext_noop("days"),
        "lower",
        definition,
        "distribution",
        1,
        counts="repairs",
        fact="repair_tat",
        statistic=statistic,
        drill="repair_turnaround",
    )


_REPAIR: dict[str, Any] = {"family": "REPAIR", "counts": "repairs"}
_SUPPORT: dict[str, Any] = {"family": "SUPPORT", "counts": "support-tickets", "per_severity": True}

_ALL = [
    _fr(
        "FR.ERI",
        gettext_noop("Early return index"),
        gettext_noop("100 × 12 × returns received in M of units shipped M…M-6 / units shipped M-1…M-6."),
        (-6, 0),
        (-6, -1),
    ),
    _fr(
        "FR.YRR",
        gettext_noop("One-year return rate"),
        gettext_noop("100 × 12 × returns received in M of units shipped M-7…M-18 / units shipped M-7…M-18."),
        (-18, -7),
        (-18, -7),
    ),
    _fr(
        "FR.LTR",
        gettext_noop("Long-term return rate"),
        gettext_noop(
            "100 × 12 × returns received in M of units shipped before M-18 / units shipped before M-18."
        ),
        (None, -19),
        (None, -19),
    ),
    MeasureDef(
        "FR.NTF",
        gettext_noop("No trouble found returns"),
        "FR",
        "%",
        "lower",
        gettext_noop("100 × no-trouble-found returns received in M / all returns received in M."),
        "ratio",
        2,
        counts="returns",
        drill="fr_ntf",
    ),
    MeasureDef(
        "OTD.OTI",
        gettext_noop("On-time delivery to requested date"),
        "OTD",
        "%",
        "higher",
        gettext_noop("100 × order lines delivered complete on the requested date / lines requested in M."),
        "ratio",
        1,
        counts="order-lines",
        dim="crd",
        drill="order_lines",
        due_date="requested_date",
    ),
    MeasureDef(
        "OTD.OTIP",
        gettext_noop("On-time delivery to promised date"),
        "OTD",
        "%",
        "higher",
        gettext_noop("100 × order lines delivered complete on the promised date / lines promised in M."),
        "ratio",
        1,
        counts="order-lines",
        dim="promised",
        drill="order_lines",
        due_date="promised_date",
    ),
    _turnaround(
        "mean",
        gettext_noop("Repair turnaround, mean"),
        gettext_noop("Mean calendar days from receipt to ship-back, repairs shipped back in M."),
    ),
    _turnaround(
        "median",
        gettext_noop("Repair turnaround, median"),
        gettext_noop("Median calendar days from receipt to ship-back, repairs shipped back in M."),
    ),
    _turnaround(
        "p90",
        gettext_noop("Repair turnaround, 90th percentile"),
        gettext_noop(
            "90th percentile (nearest rank) of days from receipt to ship-back, repairs shipped back in M."
        ),
    ),
    MeasureDef(
        "REPAIR.WITHIN_SLA",
        gettext_noop("Repairs within agreed time"),
        unit="%",
        direction="higher",
        definition=gettext_noop(
            "100 × repairs shipped back in M within the agreed days / repairs shipped back in M."
        ),
        kind="ratio",
        decimals=1,
        drill="repair_sla",
        **_REPAIR,
    ),
    MeasureDef(
        "REPAIR.BACKLOG",
        gettext_noop("Open repair backlog"),
        unit=gettext_noop("count"),
        direction="lower",
        definition=gettext_noop("Repairs received and not shipped back at the end of M."),
        kind="count",
        decimals=0,
        point_in_time=True,
        fact="repair_backlog",
        drill="repairs_open",
        **_REPAIR,
    ),
    _reports(
        "NPR",
        1,
        gettext_noop("Problem reports, critical"),
        gettext_noop(
            "12 × customer-originated non-duplicate critical reports received in M / normalization units."
        ),
        "reports_received",
    ),
    _reports(
        "NPR",
        2,
        gettext_noop("Problem reports, major"),
        gettext_noop(
            "12 × customer-originated non-duplicate major reports received in M / normalization units."
        ),
        "reports_received",
    ),
    _reports(
        "NPR",
        3,
        gettext_noop("Problem reports, minor"),
        gettext_noop(
            "12 × customer-originated non-duplicate minor reports received in M / normalization units."
        ),
        "reports_received",
    ),
    _reports(
        "FRT",
        2,
        gettext_noop("Fix response time, major"),
        gettext_noop("100 × major fixes delivered in M within the threshold / major fixes delivered in M."),
        "fixes",
    ),
    _reports(
        "FRT",
        3,
        gettext_noop("Fix response time, minor"),
        gettext_noop("100 × minor fixes delivered in M within the threshold / minor fixes delivered in M."),
        "fixes",
    ),
    _reports(
        "OFR",
        2,
        gettext_noop("Overdue fix responsiveness, major"),
        gettext_noop("100 × overdue major reports fixed in M / major reports overdue at any time in M."),
        "overdue",
    ),
    _reports(
        "OFR",
        3,
        gettext_noop("Overdue fix responsiveness, minor"),
        gettext_noop("100 × overdue minor reports fixed in M / minor reports overdue at any time in M."),
        "overdue",
    ),
    MeasureDef(
        "SUPPORT.OPENED",
        gettext_noop("Support tickets opened"),
        unit=gettext_noop("count"),
        direction="none",
        definition=gettext_noop("Support tickets opened in M."),
        kind="count",
        decimals=0,
        fact="support_opened",
        drill="tickets_opened",
        **_SUPPORT,
    ),
    MeasureDef(
        "SUPPORT.RESOLVED",
        gettext_noop("Support tickets resolved"),
        unit=gettext_noop("count"),
        direction="none",
        definition=gettext_noop("Support tickets resolved in M."),
        kind="count",
        decimals=0,
        fact="support_resolved",
        drill="tickets_resolved",
        **_SUPPORT,
    ),
    MeasureDef(
        "SUPPORT.BACKLOG",
        gettext_noop("Open support tickets"),
        unit=gettext_noop("count"),
        direction="lower",
        definition=gettext_noop("Support tickets open at the end of M."),
        kind="count",
        decimals=0,
        point_in_time=True,
        fact="support_backlog",
        drill="tickets_open",
        **_SUPPORT,
    ),
    MeasureDef(
        "SUPPORT.FIRST_RESPONSE_MEDIAN_H",
        gettext_noop("First response time, median"),
        unit=gettext_noop("hours"),
        direction="lower",
        definition=gettext_noop("Median whole hours from opening to first response, tickets opened in M."),
        kind="distribution",
        decimals=1,
        fact="support_first_response",
        statistic="median",
        drill="first_response_hours",
        **_SUPPORT,
    ),
    MeasureDef(
        "SUPPORT.RESOLUTION_MEDIAN_H",
        gettext_noop("Resolution time, median"),
        unit=gettext_noop("hours"),
        direction="lower",
        definition=gettext_noop("Median whole hours from opening to resolution, tickets resolved in M."),
        kind="distribution",
        decimals=1,
        fact="support_resolution",
        statistic="median",
        drill="resolution_hours",
        **_SUPPORT,
    ),
    MeasureDef(
        "SUPPORT.FIRST_RESPONSE_WITHIN_SLA",
        gettext_noop("First responses within target"),
        unit="%",
        direction="higher",
        definition=gettext_noop(
            "100 × tickets opened in M first answered within the severity's target / those answered."
        ),
        kind="ratio",
        decimals=1,
        drill="first_response_within",
        **_SUPPORT,
    ),
    MeasureDef(
        "REPAIR.BACKLOG_OLDEST_DAYS",
        gettext_noop("Oldest open repair"),
        unit=gettext_noop("days"),
        direction="lower",
        definition=gettext_noop("Age in days at the end of M of the oldest repair still open."),
        kind="count",
        decimals=0,
        supplementary=True,
        point_in_time=True,
        pool="max",
        fact="repair_backlog_oldest",
        drill="repairs_open",
        records_only=True,
        drill_note=_(
            "The value is the age of the oldest of these repairs at the month's end (the first listed)."
        ),
        **_REPAIR,
    ),
]

MEASURES: MappingProxyType[str, MeasureDef] = MappingProxyType({m.code: m for m in _ALL})
CODES: tuple[str, ...] = tuple(m.code for m in _ALL if not m.supplementary)


def measure(code: str) -> MeasureDef:
    """The definition of a measure code; KeyError for an unknown code."""
    return MEASURES[code]


def of_family(family: str) -> list[MeasureDef]:
    """The measures of a family, in definitions order."""
    return [m for m in _ALL if m.family == family]
