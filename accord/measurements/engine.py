"""Layer 2 of the measurements: monthly facts (``counting.py``) -> measure values.

``compute`` never reads raw records: every value is derived from additive monthly base counts, in
three steps that only ever pool **counts**:

1. For each category and month, every measure's *component*: a numerator and a denominator (ratios),
   a histogram (means, medians, percentiles) or a count.
2. ``ALL``: the components of the requested categories pooled month by month (sums; histograms
   merged; the oldest open repair is the maximum). NPR pools numerators and each category's own
   normalization units, so categories on different bases still add up.
3. Rolling windows (``window`` = 3 or 12): the components of the window's months M-window+1 … M
   pooled the same way (sum of numerators over sum of denominators; merged histograms; counts of
   flows such as tickets opened are summed). **Point-in-time** measures (``REPAIR.BACKLOG``,
   ``REPAIR.BACKLOG_OLDEST_DAYS``, ``SUPPORT.BACKLOG``) take the window's last month's row.

Choices where measurements.md is silent ([Accord]):

- Median: the middle value, or the mean of the two middle values for an even count. P90: nearest
  rank, the smallest value with at least 90% of observations at or below it (rank ⌈0.9·n⌉).
  Distribution rows carry ``numerator`` None (the mean carries the sum) and ``denominator`` = n.
- Rows exist when they have data: a ratio when its numerator or denominator is not zero (a zero
  denominator then gives ``value`` None); a distribution when it has observations; a count when its
  family (repairs; support tickets of that severity) has any fact in the category and window
  (point-in-time: in the last month); ``REPAIR.BACKLOG_OLDEST_DAYS`` only when the backlog is not empty.
- SUPPORT measures come per severity (``Value.severity`` "1", "2", …) plus severity "" pooled over
  all severities; ``SUPPORT.FIRST_RESPONSE_WITHIN_SLA`` only for severities with a target (its ""
  row pools those). Within target = whole hours to first response < target (exact for whole-hour
  targets; the facts keep whole hours).
- FR: returns whose ship month is after M (bad data) count in ``FR.NTF``'s denominator only.
- ``FR.LTR``'s population is every ``shipped`` fact before M-18 that ``facts`` holds: pass the full
  shipment history. NPR on ``shipped_12m`` needs M-11 … M, FR needs back to M-18.
- ``Settings.otd_days_early/late`` are applied when counting (``count_order_lines``); the engine only
  carries them for display. ``Settings.frt_thresholds`` is applied here to the ``fix_days`` histogram
  (and must be the same thresholds the OFR facts were counted with).
- Nothing is rounded; ``round_value`` rounds for display.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from accord.measurements.counting import Facts
from accord.measurements.definitions import (
    DEFAULT_NU_BASIS,
    FRT_DEFAULT_THRESHOLDS,
    MEASURES,
    NU_BASES,
)
from accord.measurements.months import add_months

__all__ = ["ALL", "Facts", "Settings", "Value", "compute", "round_value"]

ALL = "ALL"


@dataclass(frozen=True)
class Settings:
    frt_thresholds: Mapping[int, int | None] = field(default_factory=lambda: dict(FRT_DEFAULT_THRESHOLDS))
    otd_days_early: int = 0
    otd_days_late: int = 0
    repair_sla_days: int | None = None
    support_response_targets_h: Mapping[int, float] = field(default_factory=dict)
    nu_basis: Mapping[str, str] = field(default_factory=dict)  # category -> "shipped_12m" | "installed"

    def basis(self, category: str) -> str:
        return self.nu_basis.get(category, DEFAULT_NU_BASIS)


@dataclass(frozen=True)
class Value:
    measure: str
    month: str
    category: str
    numerator: float | None
    denominator: float | None
    value: float | None
    window: int
    severity: str = ""  # SUPPORT rows only: "1", "2", … or "" pooled over severities


def round_value(v: float | None, measure: str) -> float | None:
    """``v`` rounded for display (FR: 2 decimals, percentages 1, NPR 4, counts 0); None stays None."""
    if v is None:
        return None
    return round(v, MEASURES[measure].decimals)


# ------------------------------------------------------------------------------------------ components
@dataclass(frozen=True)
class _Ratio:
    num: float
    den: float


@dataclass(frozen=True)
class _Dist:
    hist: Mapping[int, float]


@dataclass(frozen=True)
class _Count:
    value: float
    active: bool
    pool: Literal["sum", "max"] = "sum"


_Component = _Ratio | _Dist | _Count
_Key = tuple[str, str]  # (measure code, severity)

_FACTOR = {"FR.ERI": 1200.0, "FR.YRR": 1200.0, "FR.LTR": 1200.0, "NPR.1": 12.0, "NPR.2": 12.0, "NPR.3": 12.0}
_POINT_IN_TIME = {"REPAIR.BACKLOG", "REPAIR.BACKLOG_OLDEST_DAYS", "SUPPORT.BACKLOG"}
_SUPPORT_KEYS = (
    "support_opened",
    "support_resolved",
    "support_backlog",
    "support_first_response",
    "support_resolution",
)


def _pool(a: _Component | None, b: _Component | None) -> _Component | None:
    """Pool two components of the same measure (across categories or months)."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, _Ratio) and isinstance(b, _Ratio):
        return _Ratio(a.num + b.num, a.den + b.den)
    if isinstance(a, _Dist) and isinstance(b, _Dist):
        hist = dict(a.hist)
        for k, v in b.hist.items():
            hist[k] = hist.get(k, 0) + v
        return _Dist(hist)
    if isinstance(a, _Count) and isinstance(b, _Count):
        value = max(a.value, b.value) if a.pool == "max" else a.value + b.value
        return _Count(value, a.active or b.active, a.pool)
    raise TypeError("cannot pool different component kinds")


def _pool_all(parts: Iterable[Mapping[_Key, _Component]]) -> dict[_Key, _Component]:
    out: dict[_Key, _Component] = {}
    for part in parts:
        for key, comp in part.items():
            pooled = _pool(out.get(key), comp)
            assert pooled is not None
            out[key] = pooled
    return out


# ------------------------------------------------------------------------------------------ fact index
class _Index:
    """Facts of the requested categories, indexed for lookups by (category, key) and month."""

    def __init__(self, facts: Facts, categories: Iterable[str]) -> None:
        wanted = set(categories)
        self._data: dict[tuple[str, str], dict[str, dict[str, float]]] = {}
        self._active: dict[tuple[str, str, str], set[str]] = {}  # (cat, month, family) -> severities
        for (cat, month, key, dim), value in facts.items():
            if cat not in wanted or value == 0:
                continue
            by_dim = self._data.setdefault((cat, key), {}).setdefault(month, {})
            by_dim[dim] = by_dim.get(dim, 0) + value
            if key.startswith("repair_"):
                self._active.setdefault((cat, month, "REPAIR"), set()).add("")
            elif key.startswith("support_"):
                self._active.setdefault((cat, month, "SUPPORT"), set()).add(dim.split(":")[0])
        self._cum: dict[str, tuple[list[str], list[float]]] = {}
        for cat in wanted:
            shipped = self._data.get((cat, "shipped"), {})
            months = sorted(shipped)
            cum, total = [], 0.0
            for m in months:
                total += shipped[m].get("", 0)
                cum.append(total)
            self._cum[cat] = (months, cum)

    def dims(self, cat: str, month: str, key: str) -> dict[str, float]:
        return self._data.get((cat, key), {}).get(month, {})

    def get(self, cat: str, month: str, key: str, dim: str = "") -> float:
        return self.dims(cat, month, key).get(dim, 0)

    def active(self, cat: str, month: str, family: str) -> set[str]:
        return self._active.get((cat, month, family), set())

    def shipped(self, cat: str, first: str | None, last: str) -> float:
        """Units shipped from ``first`` (None: from the beginning) to ``last``, both included."""
        months, cum = self._cum[cat]
        hi = bisect.bisect_right(months, last)
        lo = 0 if first is None else bisect.bisect_left(months, first)
        if hi <= lo:
            return 0.0
        return cum[hi - 1] - (cum[lo - 1] if lo > 0 else 0.0)


def _hist(dims: Mapping[str, float], severity: str | None = None) -> dict[int, float]:
    """``{"17": 2}`` or, with a severity, the ``"SEV:N"`` entries of that severity -> ``{17: 2}``."""
    out: dict[int, float] = {}
    for dim, v in dims.items():
        if severity is not None:
            sev, _, rest = dim.partition(":")
            if sev != severity:
                continue
            dim = rest
        out[int(dim)] = out.get(int(dim), 0) + v
    return out


# ------------------------------------------------------------------------------------------ per family
def _fr(idx: _Index, c: str, m: str) -> dict[_Key, _Component]:
    returns = idx.dims(c, m, "returns")
    m6, m7, m18 = add_months(m, -6), add_months(m, -7), add_months(m, -18)
    eri = sum(v for s, v in returns.items() if m6 <= s <= m)
    yrr = sum(v for s, v in returns.items() if m18 <= s <= m7)
    ltr = sum(v for s, v in returns.items() if s < m18)
    return {
        ("FR.ERI", ""): _Ratio(eri, idx.shipped(c, m6, add_months(m, -1))),
        ("FR.YRR", ""): _Ratio(yrr, idx.shipped(c, m18, m7)),
        ("FR.LTR", ""): _Ratio(ltr, idx.shipped(c, None, add_months(m, -19))),
        ("FR.NTF", ""): _Ratio(idx.get(c, m, "returns_ntf"), sum(returns.values())),
    }


def _otd(idx: _Index, c: str, m: str) -> dict[_Key, _Component]:
    return {
        (code, ""): _Ratio(idx.get(c, m, "otd_on_time", dim), idx.get(c, m, "otd_lines", dim))
        for code, dim in (("OTD.OTI", "crd"), ("OTD.OTIP", "promised"))
    }


def _repair(idx: _Index, c: str, m: str, s: Settings) -> dict[_Key, _Component]:
    dist = _Dist(_hist(idx.dims(c, m, "repair_tat")))
    backlog = idx.get(c, m, "repair_backlog")
    out: dict[_Key, _Component] = {
        ("REPAIR.TAT_MEAN", ""): dist,
        ("REPAIR.TAT_MEDIAN", ""): dist,
        ("REPAIR.TAT_P90", ""): dist,
        ("REPAIR.BACKLOG", ""): _Count(backlog, bool(idx.active(c, m, "REPAIR"))),
        ("REPAIR.BACKLOG_OLDEST_DAYS", ""): _Count(
            idx.get(c, m, "repair_backlog_oldest"), backlog > 0, pool="max"
        ),
    }
    if s.repair_sla_days is not None:
        within = sum(v for d, v in dist.hist.items() if d <= s.repair_sla_days)
        out[("REPAIR.WITHIN_SLA", "")] = _Ratio(within, sum(dist.hist.values()))
    return out


def _npr(idx: _Index, c: str, m: str, s: Settings) -> dict[_Key, _Component]:
    basis = s.basis(c)
    if basis == "installed":
        units = idx.get(c, m, "installed")
    elif basis == "shipped_12m":
        units = idx.shipped(c, add_months(m, -11), m)
    else:
        raise ValueError(f"unknown normalization basis {basis!r} for category {c!r} (expected {NU_BASES})")
    return {(f"NPR.{sev}", ""): _Ratio(idx.get(c, m, "npr", str(sev)), units) for sev in (1, 2, 3)}


def _frt_ofr(idx: _Index, c: str, m: str, s: Settings) -> dict[_Key, _Component]:
    out: dict[_Key, _Component] = {}
    fixes = idx.dims(c, m, "fix_days")
    for sev in (2, 3):
        threshold = s.frt_thresholds.get(sev)
        if threshold is not None:
            hist = _hist(fixes, str(sev))
            within = sum(v for d, v in hist.items() if d <= threshold)
            out[(f"FRT.{sev}", "")] = _Ratio(within, sum(hist.values()))
        out[(f"OFR.{sev}", "")] = _Ratio(
            idx.get(c, m, "ofr_fixed", str(sev)), idx.get(c, m, "ofr_overdue", str(sev))
        )
    return out


def _support(idx: _Index, c: str, m: str, s: Settings) -> dict[_Key, _Component]:
    per_sev: list[dict[_Key, _Component]] = []
    for sev in idx.active(c, m, "SUPPORT"):
        first = _hist(idx.dims(c, m, "support_first_response"), sev)
        part: dict[_Key, _Component] = {
            ("SUPPORT.OPENED", sev): _Count(idx.get(c, m, "support_opened", sev), True),
            ("SUPPORT.RESOLVED", sev): _Count(idx.get(c, m, "support_resolved", sev), True),
            ("SUPPORT.BACKLOG", sev): _Count(idx.get(c, m, "support_backlog", sev), True),
            ("SUPPORT.FIRST_RESPONSE_MEDIAN_H", sev): _Dist(first),
            ("SUPPORT.RESOLUTION_MEDIAN_H", sev): _Dist(_hist(idx.dims(c, m, "support_resolution"), sev)),
        }
        target = s.support_response_targets_h.get(int(sev)) if sev.lstrip("-").isdigit() else None
        if target is not None:
            within = sum(v for h, v in first.items() if h < target)
            part[("SUPPORT.FIRST_RESPONSE_WITHIN_SLA", sev)] = _Ratio(within, sum(first.values()))
        per_sev.append(part)
    out = _pool_all(per_sev)
    out.update(_pool_all({(code, ""): comp for (code, _), comp in part.items()} for part in per_sev))
    return out


_FAMILY_FUNCS = {
    "FR": lambda idx, c, m, s: _fr(idx, c, m),
    "OTD": lambda idx, c, m, s: _otd(idx, c, m),
    "REPAIR": _repair,
    "NPR": _npr,
    "FRT": _frt_ofr,
    "OFR": _frt_ofr,
    "SUPPORT": _support,
}


# ------------------------------------------------------------------------------------------ values
def _quantile_rank(hist: Mapping[int, float], rank: int) -> int:
    """The value at 1-based ``rank`` in the sorted observations of ``hist``."""
    seen = 0.0
    for x in sorted(hist):
        seen += hist[x]
        if seen >= rank:
            return x
    raise ValueError("rank beyond the histogram")


def _dist_value(code: str, hist: Mapping[int, float]) -> tuple[float | None, float, float]:
    n = sum(hist.values())
    if code.endswith("MEAN"):
        total = float(sum(x * v for x, v in hist.items()))
        return total, n, total / n
    count = round(n)
    if code.endswith("P90"):
        return None, n, float(_quantile_rank(hist, max(1, (9 * count + 9) // 10)))
    if count % 2:
        return None, n, float(_quantile_rank(hist, count // 2 + 1))
    return None, n, (_quantile_rank(hist, count // 2) + _quantile_rank(hist, count // 2 + 1)) / 2


def _value(
    code: str, severity: str, month: str, category: str, comp: _Component, window: int
) -> Value | None:
    if isinstance(comp, _Ratio):
        if comp.num == 0 and comp.den == 0:
            return None
        factor = _FACTOR.get(code, 100.0)
        value = factor * comp.num / comp.den if comp.den else None
        return Value(code, month, category, comp.num, comp.den, value, window, severity)
    if isinstance(comp, _Dist):
        if sum(comp.hist.values()) <= 0:
            return None
        num, den, value = _dist_value(code, comp.hist)
        return Value(code, month, category, num, den, value, window, severity)
    if not comp.active:
        return None
    return Value(code, month, category, comp.value, None, comp.value, window, severity)


def _sev_order(key: _Key, order: Mapping[str, int]) -> tuple[int, int, str]:
    code, sev = key
    return (order[code], 0 if sev == "" else 1, sev.zfill(6))


def compute(
    facts: Facts,
    *,
    months: list[str],
    categories: list[str],
    settings: Settings,
    window: int = 1,
    measures: list[str] | None = None,
) -> list[Value]:
    """Every requested measure for every month and category with data, and for ``ALL`` (the
    categories pooled). Ordered by category (as given, then ALL), month, measure (definitions order)
    and severity."""
    if window < 1:
        raise ValueError("window must be at least 1 month")
    codes = list(MEASURES) if measures is None else list(measures)
    unknown = [c for c in codes if c not in MEASURES]
    if unknown:
        raise ValueError(f"unknown measure codes: {', '.join(unknown)}")
    order = {code: i for i, code in enumerate(MEASURES)}
    wanted = set(codes)
    families = [f for f in _FAMILY_FUNCS if any(MEASURES[c].family == f for c in wanted)]
    if "FRT" in families and "OFR" in families:
        families.remove("OFR")  # one function counts both

    categories = list(dict.fromkeys(categories))
    idx = _Index(facts, categories)
    cache: dict[tuple[str, str], dict[_Key, _Component]] = {}

    def monthly(cat: str, m: str) -> dict[_Key, _Component]:
        if (cat, m) not in cache:
            if cat == ALL:
                cache[(cat, m)] = _pool_all(monthly(c, m) for c in categories)
            else:
                parts: dict[_Key, _Component] = {}
                for fam in families:
                    parts.update(_FAMILY_FUNCS[fam](idx, cat, m, settings))
                cache[(cat, m)] = {k: v for k, v in parts.items() if k[0] in wanted}
        return cache[(cat, m)]

    rows: list[Value] = []
    for cat in [*categories, ALL] if categories else []:
        for month in months:
            last = monthly(cat, month)
            pooled = _pool_all(monthly(cat, add_months(month, -i)) for i in range(window - 1, 0, -1))
            keys = set(pooled) | set(last)
            for key in sorted(keys, key=lambda k: _sev_order(k, order)):
                comp = last.get(key) if key[0] in _POINT_IN_TIME else _pool(pooled.get(key), last.get(key))
                if comp is None:
                    continue
                row = _value(key[0], key[1], month, cat, comp, window)
                if row is not None:
                    rows.append(row)
    return rows
