"""The engine's first two steps (``engine.py``): facts arranged by category, month and key, then every
measure's monthly *component* per category, kept as arrays over month positions, and ``ALL``.

Pure code. A component is a numerator and a denominator (ratios), a histogram (distributions) or a
count with an "active" flag (point-in-time counts apart, since windows take their last month only).
Arrays make pooling over categories and over rolling windows a matter of slices and sums.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from itertools import accumulate
from typing import Any

from accord.lib.months import add_months
from accord.measurements.definitions import (
    MEASURES,
    NORMALIZATION_BASES,
    NU_BASES,
    MeasureDef,
    Settings,
    Window,
    of_family,
)

Cell = tuple[str, str, str, str]  # (category, month, key, part)
Table = dict[Cell, dict[Any, float]]
"""Facts arranged for the engine: ``(category, month, key, part) -> {dim: value}``, zeros left out.
``fix_days``, ``support_first_response`` and ``support_resolution`` (dims ``"SEV:N"``) have the severity
as ``part`` and the integer N as dim; ``repair_tat`` has its integer days as dim; every other key has
part "" and its dims as they are."""

SEV_HIST_KEYS = frozenset({"fix_days", "support_first_response", "support_resolution"})
INT_HIST_KEYS = frozenset({"repair_tat"})


def table_from_rows(rows: Iterable[tuple[str, str, str, str, float]]) -> Table:
    """Fact rows ``(category, month, key, dim, value)`` arranged as a ``Table``."""
    out: Table = {}
    get = out.get
    for c, m, k, d, v in rows:
        if not v:
            continue
        dim: Any = d
        part = ""
        if k in SEV_HIST_KEYS:
            part, _, rest = d.partition(":")
            dim = int(rest)
        elif k in INT_HIST_KEYS:
            dim = int(d)
        cell = (c, m, k, part)
        dims = get(cell)
        if dims is None:
            out[cell] = {dim: v}
        elif dim in dims:
            dims[dim] += v
        else:
            dims[dim] = v
    return out


def table_of(facts: Mapping[tuple[str, str, str, str], float]) -> Table:
    """``counting.Facts`` arranged as a ``Table``."""
    return table_from_rows((c, m, k, d, v) for (c, m, k, d), v in facts.items())


def first_months(cells: Iterable[Cell]) -> dict[str, str]:
    """The first month with a fact of each key, over all categories."""
    out: dict[str, str] = {}
    for _c, m, k, _p in cells:
        if m < out.get(k, "~"):
            out[k] = m
    return out


# ------------------------------------------------------------------------------------------ components
RATIO, COUNT, PIT, DIST = 0, 1, 2, 3  # PIT: a point-in-time count
Key = tuple[str, str]  # (measure code, severity); distributions: (histogram's fact key, severity)
Hist = dict[Any, float]
# Distributions share histograms: the histogram's fact key -> the measures taken of it.
DIST_CODES: dict[str, tuple[str, ...]] = {}
for _d in MEASURES.values():
    if _d.kind == "distribution":
        DIST_CODES[_d.fact] = (*DIST_CODES.get(_d.fact, ()), _d.code)
_EMPTY: Hist = {}


def kind_of(d: MeasureDef) -> int:
    """The kind of series a measure's component is."""
    if d.kind == "count":
        return PIT if d.point_in_time else COUNT
    return DIST if d.kind == "distribution" else RATIO


class Series:
    """One component per month position: ratios ``a``/``b`` = numerators/denominators, counts
    ``a``/``b`` = values/active, distributions ``a`` = histograms (None when empty)."""

    __slots__ = ("a", "b", "kind")

    def __init__(self, kind: int, n: int) -> None:
        self.kind = kind
        self.a: list[Any] = [None if kind == DIST else 0.0] * n
        self.b: list[Any] = [False if kind in (COUNT, PIT) else 0.0] * n


class Category:
    """The components of one category (or ALL), by key."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.series: dict[Key, Series] = {}

    def get(self, key: Key, kind: int) -> Series:
        s = self.series.get(key)
        if s is None:
            s = self.series[key] = Series(kind, self.n)
        return s

    def ratio(self, key: Key, p: int, num: float, den: float) -> None:
        s = self.get(key, RATIO)
        s.a[p], s.b[p] = num, den

    def count(self, key: Key, p: int, value: float, active: bool, kind: int = COUNT) -> None:
        s = self.get(key, kind)
        s.a[p], s.b[p] = value, active

    def dist(self, key: Key, p: int, hist: Hist | None) -> None:
        if hist:
            self.get(key, DIST).a[p] = hist


def merge(hists: Iterable[Hist | None]) -> Hist | None:
    """Histograms merged left to right; a lone one is returned itself (histograms are never changed)."""
    out: Hist | None = None
    copied = False
    for h in hists:
        if not h:
            continue
        if out is None:
            out = h
            continue
        if not copied:
            out, copied = dict(out), True
        common = out.keys() & h.keys()
        if common:
            summed = {k: out[k] + h[k] for k in common}
            out.update(h)
            out.update(summed)
        else:
            out.update(h)
    return out


def window_merges(hists: list[Hist | None], w: int, ends: Iterable[int]) -> dict[int, Hist | None]:
    """The histograms merged over each window ``[p - w + 1, p]`` for ``p`` in ``ends``. Whole positive
    counts (what counting gives) slide: add the month coming in, take off the one going out, exact in
    floating point; anything else is merged window by window."""
    ends = sorted(set(ends))
    if not ends:
        return {}
    first = ends[0] - w + 1
    if not all(v > 0 and v % 1 == 0 for h in hists[first:] if h for v in h.values()):
        return {p: merge(hists[p - w + 1 : p + 1]) for p in ends}
    out: dict[int, Hist | None] = {}
    acc: Hist = {}
    get = acc.get
    wanted = set(ends)
    for p in range(first, ends[-1] + 1):
        for k, v in (hists[p] or _EMPTY).items():
            acc[k] = get(k, 0) + v
        if p - w >= first:
            for k, v in (hists[p - w] or _EMPTY).items():
                left = acc[k] - v
                if left:
                    acc[k] = left
                else:
                    del acc[k]
        if p in wanted:
            out[p] = dict(acc) if acc else None
    return out


def pool_categories(parts: list[Category], n: int) -> Category:
    """``ALL``: the categories' components pooled position by position, in category order (sums;
    histograms merged; the oldest open repair is the maximum; active when any is)."""
    out = Category(n)
    kinds: dict[Key, int] = {}
    for part in parts:
        for key, s in part.series.items():
            kinds.setdefault(key, s.kind)
    for key, kind in kinds.items():
        got = [part.series[key] for part in parts if key in part.series]
        s = out.series[key] = Series(kind, n)
        if len(got) == 1:
            s.a, s.b = got[0].a, got[0].b
        elif kind == DIST:
            s.a = [merge(hs) for hs in zip(*(g.a for g in got), strict=True)]
        elif kind == RATIO:
            s.a = [sum(xs) for xs in zip(*(g.a for g in got), strict=True)]
            s.b = [sum(xs) for xs in zip(*(g.b for g in got), strict=True)]
        else:
            name, _severity = key
            pool = max if MEASURES[name].pool == "max" else sum
            s.a = [pool(xs) for xs in zip(*(g.a for g in got), strict=True)]
            s.b = [any(xs) for xs in zip(*(g.b for g in got), strict=True)]
    return out


# ------------------------------------------------------------------------------------------ families
class Shipped:
    """Units shipped per month of one category, summed over ranges of ship months."""

    def __init__(self, by_month: Mapping[str, float]) -> None:
        self.months = sorted(by_month)
        self.cum = list(accumulate(by_month[m] for m in self.months))

    def between(self, first: str | None, last: str) -> float:
        """Units shipped from ``first`` (None: from the beginning) to ``last``, both included."""
        months, cum = self.months, self.cum
        hi = bisect.bisect_right(months, last)
        lo = 0 if first is None else bisect.bisect_left(months, first)
        if hi <= lo:
            return 0.0
        return cum[hi - 1] - (cum[lo - 1] if lo > 0 else 0.0)


Slot = dict[tuple[str, str], Hist]  # (key, part) -> dims, of one category and month


def _within(hist: Hist | None, limit: float) -> tuple[float, float]:
    """(observations at most ``limit``; all observations)."""
    if not hist:
        return 0.0, 0.0
    return sum(v for x, v in hist.items() if x <= limit), sum(hist.values())


# FR's window measures: (code, ship months of the returns counted, ship months of the population)
_FR_WINDOWS = [
    (d.code, d.returns_shipped, d.population) for d in of_family("FR") if d.returns_shipped and d.population
]
_NPR, _OTD, _FRT, _OFR = (of_family(f) for f in ("NPR", "OTD", "FRT", "OFR"))
# How far before the first month of a span the components reach (FR.LTR's population: M-19).
REACH = max(d.needs(basis).lookback for d in MEASURES.values() for basis in NU_BASES)


def _months(months: list[str], e: int, window: Window) -> tuple[str | None, str]:
    """The first and last month of ``window`` around the month ``months[e]`` (None: from the first)."""
    first, last = window
    return (None if first is None else months[e + first]), months[e + last]


def fr(cat: Category, p: int, slot: Slot | None, months: list[str], e: int, shipped: Shipped) -> None:
    """``months[e]`` is the month at position ``p``; ``months[e - k]`` is k months before it."""
    returns = slot.get(("returns", "")) if slot else None
    for code, returned, population in _FR_WINDOWS:
        counted = 0.0
        if returns:
            lo, hi = _months(months, e, returned)
            within = (v for ship, v in returns.items() if (lo is None or lo <= ship) and ship <= hi)
            counted = sum(within, 0.0)
        cat.ratio((code, ""), p, counted, shipped.between(*_months(months, e, population)))
    ntf = slot.get(("returns_ntf", ""), _EMPTY).get("", 0) if slot else 0
    cat.ratio(("FR.NTF", ""), p, ntf, sum(returns.values()) if returns else 0.0)


def npr(cat: Category, p: int, slot: Slot | None, units: float) -> None:
    reports = slot.get(("npr", ""), _EMPTY) if slot else _EMPTY
    for d in _NPR:
        cat.ratio((d.code, ""), p, reports.get(str(d.severity), 0), units)


def otd(cat: Category, p: int, slot: Slot) -> None:
    on_time, lines = slot.get(("otd_on_time", ""), _EMPTY), slot.get(("otd_lines", ""), _EMPTY)
    for d in _OTD:
        cat.ratio((d.code, ""), p, on_time.get(d.dim, 0), lines.get(d.dim, 0))


def repair(cat: Category, p: int, slot: Slot, s: Settings) -> None:
    tat = slot.get(("repair_tat", ""))
    cat.dist(("repair_tat", ""), p, tat)
    backlog = slot.get(("repair_backlog", ""), _EMPTY).get("", 0)
    active = any(k.startswith("repair_") for k, _part in slot)
    cat.count(("REPAIR.BACKLOG", ""), p, backlog, active, PIT)
    oldest = slot.get(("repair_backlog_oldest", ""), _EMPTY).get("", 0)
    cat.count(("REPAIR.BACKLOG_OLDEST_DAYS", ""), p, oldest, backlog > 0, PIT)
    if s.repair_sla_days is not None:
        cat.ratio(("REPAIR.WITHIN_SLA", ""), p, *_within(tat, s.repair_sla_days))


def frt_ofr(cat: Category, p: int, slot: Slot, s: Settings) -> None:
    for d in _FRT:
        threshold = s.frt_thresholds.get(d.severity)
        if threshold is not None:
            cat.ratio((d.code, ""), p, *_within(slot.get(("fix_days", str(d.severity))), threshold))
    fixed, overdue = slot.get(("ofr_fixed", ""), _EMPTY), slot.get(("ofr_overdue", ""), _EMPTY)
    for d in _OFR:
        cat.ratio((d.code, ""), p, fixed.get(str(d.severity), 0), overdue.get(str(d.severity), 0))


_SUPPORT = of_family("SUPPORT")
_SUPPORT_COUNTS = [(d.code, d.fact, kind_of(d)) for d in _SUPPORT if d.kind == "count"]
_SUPPORT_HISTS = list(dict.fromkeys(d.fact for d in _SUPPORT if d.kind == "distribution"))


def support(cat: Category, p: int, slot: Slot, s: Settings) -> None:
    """Per severity with any support fact in the month, and pooled over them (severity "")."""
    severities: set[str] = set()
    for (key, part), dims in slot.items():
        if key.startswith("support_"):
            if key in SEV_HIST_KEYS:
                severities.add(part)
            else:
                severities.update(str(d).split(":")[0] for d in dims)
    if not severities:
        return
    for code, key, kind in _SUPPORT_COUNTS:
        dims = slot.get((key, ""), _EMPTY)
        counts = [dims.get(sev, 0) for sev in severities]
        for sev, v in zip(severities, counts, strict=True):
            cat.count((code, sev), p, v, True, kind)
        cat.count((code, ""), p, sum(counts), True, kind)
    by_fact = {fact: [slot.get((fact, sev)) for sev in severities] for fact in _SUPPORT_HISTS}
    for fact, hists in by_fact.items():
        for sev, hist in zip(severities, hists, strict=True):
            cat.dist((fact, sev), p, hist)
        cat.dist((fact, ""), p, merge(hists))
    firsts = by_fact["support_first_response"]
    # Within target is counted exactly from the records (``support_first_within``); the total is the
    # tickets answered, from the first-response histogram.
    within_target = slot.get(("support_first_within", ""), _EMPTY)
    within = total = 0.0
    targeted = False
    for sev, hist in zip(severities, firsts, strict=True):
        target = s.support_response_targets_h.get(int(sev)) if sev.lstrip("-").isdigit() else None
        if target is not None:
            yes, all_ = within_target.get(sev, 0), sum(hist.values()) if hist else 0.0
            cat.ratio(("SUPPORT.FIRST_RESPONSE_WITHIN_SLA", sev), p, yes, all_)
            within, total, targeted = within + yes, total + all_, True
    if targeted:
        cat.ratio(("SUPPORT.FIRST_RESPONSE_WITHIN_SLA", ""), p, within, total)


def build(
    table: Table,
    *,
    categories: list[str],
    span: list[str],
    needed: list[int],
    families: set[str],
    settings: Settings,
) -> list[Category]:
    """The components of each category at the ``needed`` positions of ``span`` (consecutive months)."""
    n = len(span)
    pos = {m: i for i, m in enumerate(span)}
    slots: dict[str, list[Slot | None]] = {c: [None] * n for c in categories}
    shipped: dict[str, dict[str, float]] = {c: {} for c in categories}
    for (c, m, k, part), dims in table.items():
        cat_slots = slots.get(c)
        if cat_slots is None:
            continue
        if k == "shipped":
            shipped[c][m] = dims.get("", 0)
            continue
        p = pos.get(m)
        if p is None:
            continue
        slot = cat_slots[p]
        if slot is None:
            slot = cat_slots[p] = {}
        slot[(k, part)] = dims
    # ext[p + REACH - k]: the month k months before position p
    ext = [*(add_months(span[0], -k) for k in range(REACH, 0, -1)), *span]
    out = []
    for c in categories:
        cat = Category(n)
        ships = Shipped(shipped[c])
        # NPR's normalization units: shipped in these months, or (None) installed at the end of M
        nu = NORMALIZATION_BASES[settings.basis(c)].shipped if "NPR" in families else None
        for p in needed:
            slot = slots[c][p]
            e = p + REACH
            if "FR" in families:
                fr(cat, p, slot, ext, e, ships)
            if "NPR" in families:
                if nu is None:
                    units = slot.get(("installed", ""), _EMPTY).get("", 0) if slot else 0
                else:
                    units = ships.between(*_months(ext, e, nu))
                npr(cat, p, slot, units)
            if slot is None:
                continue
            if "OTD" in families:
                otd(cat, p, slot)
            if "REPAIR" in families:
                repair(cat, p, slot, settings)
            if "FRT" in families or "OFR" in families:
                frt_ofr(cat, p, slot, settings)
            if "SUPPORT" in families:
                support(cat, p, slot, settings)
        out.append(cat)
    return out
