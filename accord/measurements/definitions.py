"""Every measure Accord computes (docs/measurements.md, "Codes used everywhere"), and handbook defaults.

Pure data. ``CODES`` is exactly the documented list, in its order; ``MEASURES`` also holds the
supplementary ``REPAIR.BACKLOG_OLDEST_DAYS`` ([Accord]: measurements.md asks for the backlog's oldest
age but gives it no code).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = [
    "CODES",
    "DEFAULT_NU_BASIS",
    "FAMILIES",
    "FRT_DEFAULT_THRESHOLDS",
    "MEASURES",
    "NU_BASES",
    "MeasureDef",
    "measure",
]

Direction = Literal["lower", "higher", "none"]
Kind = Literal["ratio", "distribution", "count"]

FAMILIES = ("FR", "OTD", "REPAIR", "NPR", "FRT", "OFR", "SUPPORT")

# Fix-response thresholds in days by severity (handbook defaults for hardware and software categories).
# A severity missing here (1, critical) has no threshold: no FRT, never overdue for OFR.
FRT_DEFAULT_THRESHOLDS: MappingProxyType[int, int | None] = MappingProxyType({2: 30, 3: 180})

# How a category counts its normalization units S for NPR.
NU_BASES = ("shipped_12m", "installed")
DEFAULT_NU_BASIS = "shipped_12m"
NU_BASIS_NAMES = MappingProxyType(
    {
        "shipped_12m": "units shipped in the 12 months ending with M",
        "installed": "installed units at end of M",
    }
)


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


_ALL = [
    MeasureDef("FR.ERI", "Early return index", "FR", "% per year", "lower",
               "100 × 12 × returns received in M of units shipped M…M-6 / units shipped M-1…M-6.",
               "ratio", 2),
    MeasureDef("FR.YRR", "One-year return rate", "FR", "% per year", "lower",
               "100 × 12 × returns received in M of units shipped M-7…M-18 / units shipped M-7…M-18.",
               "ratio", 2),
    MeasureDef("FR.LTR", "Long-term return rate", "FR", "% per year", "lower",
               "100 × 12 × returns received in M of units shipped before M-18 / units shipped before M-18.",
               "ratio", 2),
    MeasureDef("FR.NTF", "No trouble found returns", "FR", "%", "lower",
               "100 × no-trouble-found returns received in M / all returns received in M.",
               "ratio", 2),
    MeasureDef("OTD.OTI", "On-time delivery to requested date", "OTD", "%", "higher",
               "100 × order lines delivered complete on the requested date / lines requested in M.",
               "ratio", 1),
    MeasureDef("OTD.OTIP", "On-time delivery to promised date", "OTD", "%", "higher",
               "100 × order lines delivered complete on the promised date / lines promised in M.",
               "ratio", 1),
    MeasureDef("REPAIR.TAT_MEAN", "Repair turnaround, mean", "REPAIR", "days", "lower",
               "Mean calendar days from receipt to ship-back, repairs shipped back in M.",
               "distribution", 1),
    MeasureDef("REPAIR.TAT_MEDIAN", "Repair turnaround, median", "REPAIR", "days", "lower",
               "Median calendar days from receipt to ship-back, repairs shipped back in M.",
               "distribution", 1),
    MeasureDef("REPAIR.TAT_P90", "Repair turnaround, 90th percentile", "REPAIR", "days", "lower",
               "90th percentile (nearest rank) of days from receipt to ship-back, repairs shipped back in M.",
               "distribution", 1),
    MeasureDef("REPAIR.WITHIN_SLA", "Repairs within agreed time", "REPAIR", "%", "higher",
               "100 × repairs shipped back in M within the agreed days / repairs shipped back in M.",
               "ratio", 1),
    MeasureDef("REPAIR.BACKLOG", "Open repair backlog", "REPAIR", "count", "lower",
               "Repairs received and not shipped back at the end of M.",
               "count", 0),
    MeasureDef("NPR.1", "Problem reports, critical", "NPR", "per NU per year", "lower",
               "12 × customer-originated non-duplicate critical reports received in M / normalization units.",
               "ratio", 4),
    MeasureDef("NPR.2", "Problem reports, major", "NPR", "per NU per year", "lower",
               "12 × customer-originated non-duplicate major reports received in M / normalization units.",
               "ratio", 4),
    MeasureDef("NPR.3", "Problem reports, minor", "NPR", "per NU per year", "lower",
               "12 × customer-originated non-duplicate minor reports received in M / normalization units.",
               "ratio", 4),
    MeasureDef("FRT.2", "Fix response time, major", "FRT", "%", "higher",
               "100 × major fixes delivered in M within the threshold / major fixes delivered in M.",
               "ratio", 1),
    MeasureDef("FRT.3", "Fix response time, minor", "FRT", "%", "higher",
               "100 × minor fixes delivered in M within the threshold / minor fixes delivered in M.",
               "ratio", 1),
    MeasureDef("OFR.2", "Overdue fix responsiveness, major", "OFR", "%", "higher",
               "100 × overdue major reports fixed in M / major reports overdue at any time in M.",
               "ratio", 1),
    MeasureDef("OFR.3", "Overdue fix responsiveness, minor", "OFR", "%", "higher",
               "100 × overdue minor reports fixed in M / minor reports overdue at any time in M.",
               "ratio", 1),
    MeasureDef("SUPPORT.OPENED", "Support tickets opened", "SUPPORT", "count", "none",
               "Support tickets opened in M.", "count", 0, per_severity=True),
    MeasureDef("SUPPORT.RESOLVED", "Support tickets resolved", "SUPPORT", "count", "none",
               "Support tickets resolved in M.", "count", 0, per_severity=True),
    MeasureDef("SUPPORT.BACKLOG", "Open support tickets", "SUPPORT", "count", "lower",
               "Support tickets open at the end of M.", "count", 0, per_severity=True),
    MeasureDef("SUPPORT.FIRST_RESPONSE_MEDIAN_H", "First response time, median", "SUPPORT", "hours", "lower",
               "Median whole hours from opening to first response, tickets opened in M.",
               "distribution", 1, per_severity=True),
    MeasureDef("SUPPORT.RESOLUTION_MEDIAN_H", "Resolution time, median", "SUPPORT", "hours", "lower",
               "Median whole hours from opening to resolution, tickets resolved in M.",
               "distribution", 1, per_severity=True),
    MeasureDef("SUPPORT.FIRST_RESPONSE_WITHIN_SLA", "First responses within target", "SUPPORT", "%", "higher",
               "100 × tickets opened in M first answered within the severity's target / those answered.",
               "ratio", 1, per_severity=True),
    MeasureDef("REPAIR.BACKLOG_OLDEST_DAYS", "Oldest open repair", "REPAIR", "days", "lower",
               "Age in days at the end of M of the oldest repair still open.",
               "count", 0, supplementary=True),
]  # fmt: skip

MEASURES: MappingProxyType[str, MeasureDef] = MappingProxyType({m.code: m for m in _ALL})
CODES: tuple[str, ...] = tuple(m.code for m in _ALL if not m.supplementary)


def measure(code: str) -> MeasureDef:
    """The definition of a measure code; KeyError for an unknown code."""
    return MEASURES[code]
