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
   flows such as tickets opened are summed). **Point-in-time** measures (``MeasureDef.point_in_time``:
   ``REPAIR.BACKLOG``, ``REPAIR.BACKLOG_OLDEST_DAYS``, ``SUPPORT.BACKLOG``) take the window's last
   month's row.

What a measure is (its factor, look-back, how it pools, its histogram and statistic) is read from its
definition (``definitions.MEASURES``); this module keeps no list of measure codes.

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
  row pools those). Within target is decided when counting, exactly (``support_first_within``: the
  time from opening to the first response is at most the target's hours; not the whole hours the
  histogram keeps); the engine divides those counts by the tickets answered (the first-response
  histogram).
- FR: returns whose ship month is after M (bad data) count in ``FR.NTF``'s denominator only.
- ``FR.LTR``'s population is every ``shipped`` fact before M-18 that ``facts`` holds: pass the full
  shipment history. NPR on ``shipped_12m`` needs M-11 … M, FR needs back to M-18.
- ``Settings.otd_days_early/late`` are applied when counting (``count_order_lines``); the engine only
  carries them for display. ``Settings.frt_thresholds`` is applied here to the ``fix_days`` histogram
  (and must be the same thresholds the OFR facts were counted with).
- Nothing is rounded; ``round_value`` rounds for display.
- **Partial windows.** ``Value.partial`` is true when the value's window reaches before the first
  month with data of the kind its denominator counts: the relationship's first month with a fact of
  that kind, over all categories (``data_start``, or else from the facts given). For month M and
  ``window`` w the window reaches back to M - (w - 1) - L, L being the measure's own look-back
  (``MeasureDef.needs``: ``FR.ERI`` 6, ``FR.YRR`` 18, ``FR.LTR`` 19, ``NPR.*`` 11 on ``shipped_12m`` and
  0 on ``installed``, and 0 for every other measure, whose denominator counts its own kind), so
  monthly values of those are never partial and their rolling ones are while the window starts before
  their first month. Point-in-time measures ignore ``window``. A kind with no data at all makes the
  values that need it partial. ``ALL`` is partial when a category
  contributing to the window is. A return or problem report is an event, so the first one does not
  mark where the data starts: only the denominator's kind counts.

Speed: the facts are first arranged by category, month and key (``components.Table``, histogram
dims parsed once); each component is an array over month positions; ``ALL`` sums those arrays and a
rolling window sums a slice of them (histograms slide: the month coming in is added, the one going
out taken off); each row is built once, as a named tuple. So the work grows with the facts and the
rows asked for, not with lookups repeated per month and window.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from itertools import accumulate
from operator import attrgetter, mul
from typing import TYPE_CHECKING, NamedTuple, Required, TypedDict

from accord.lib.months import add_months, month_range
from accord.measurements import components as comp
from accord.measurements.counting import Facts
from accord.measurements.definitions import KIND_KEYS, MEASURES, NU_BASES, Settings

__all__ = ["ALL", "Facts", "Settings", "Value", "compute", "compute_table", "round_value"]

ALL = "ALL"


class Value(NamedTuple):
    """One value (immutable; a named tuple because thousands are made per request)."""

    measure: str
    month: str
    category: str
    numerator: float | None
    denominator: float | None
    value: float | None
    window: int
    severity: str = ""  # SUPPORT rows only: "1", "2", … or "" pooled over severities
    partial: bool = False  # the window reaches before the first month with the data it needs


def round_value(v: float | None, measure: str) -> float | None:
    """``v`` rounded for display (FR: 2 decimals, percentages 1, NPR 4, counts 0); None stays None."""
    if v is None:
        return None
    return round(v, MEASURES[measure].decimals)


# ------------------------------------------------------------------------------------------ values
_Ordered = tuple[list[int], list[float], bool]  # sorted observations, running counts, counts all >= 0


def _ordered(hist: Mapping[int, float]) -> _Ordered:
    keys = sorted(hist)
    counts = list(map(hist.__getitem__, keys))
    return keys, list(accumulate(counts)), min(counts) >= 0


def _quantile(ordered: _Ordered, rank: int) -> int:
    """The value at 1-based ``rank`` in the sorted observations."""
    keys, cum, rising = ordered
    if rising:
        i = bisect.bisect_left(cum, rank)
        if i < len(keys):
            return keys[i]
    else:  # negative counts (never from counting.py): scan
        for x, seen in zip(keys, cum, strict=True):
            if seen >= rank:
                return x
    raise ValueError("rank beyond the histogram")


def _dist_value(
    statistic: str, hist: Mapping[int, float], n: float, ordered: _Ordered | None
) -> tuple[float | None, float, float, _Ordered | None]:
    """(numerator, denominator, value, the sorted histogram for the next measure of it)."""
    if statistic == "mean":
        total = float(sum(map(mul, hist.keys(), hist.values())))
        return total, n, total / n, ordered
    ordered = ordered or _ordered(hist)
    count = round(n)
    if statistic == "p90":
        return None, n, float(_quantile(ordered, max(1, (9 * count + 9) // 10))), ordered
    if count % 2:
        return None, n, float(_quantile(ordered, count // 2 + 1)), ordered
    low, high = _quantile(ordered, count // 2), _quantile(ordered, count // 2 + 1)
    return None, n, (low + high) / 2, ordered


class _Plan(NamedTuple):
    """How to make one measure's rows (of one severity) of a category or ALL."""

    rank: tuple[int, bool, str]  # definitions order, then severities (pooled "" first)
    code: str
    severity: str
    series: comp.Series
    kind: int  # the series' kind
    factor: float  # ratios
    statistic: str  # distributions
    first_full: str  # the first month whose window is full of data
    # ALL of categories on different NPR bases: per category, its series and first full month
    checks: list[tuple[comp.Series, str]] | None


def _emit(
    out: list[Value], label: str, plans: list[_Plan], months: list[str], pos: dict[str, int], w: int
) -> None:
    """Append the rows of one category (or ALL) for ``months``, in plan order within each month."""
    append = out.append
    windows: dict[comp.Series, dict[int, comp.Hist | None]] = {}  # distributions pooled over windows
    for m in months:
        p = pos[m]
        lo, hi = p - w + 1, p + 1
        last: comp.Series | None = None  # distributions of one fact share its histogram
        hist: comp.Hist | None = None
        n = 0.0
        ordered: _Ordered | None = None
        for _rank, code, sev, s, kind, factor, statistic, first_full, checks in plans:
            num: float | None
            den: float | None
            if kind == comp.RATIO:
                if w == 1:
                    num, den = s.a[p], s.b[p]
                else:
                    num, den = sum(s.a[lo:hi]), sum(s.b[lo:hi])
                if num == 0 and den == 0:
                    continue
                value = factor * num / den if den else None
            elif kind == comp.COUNT:
                if not (s.b[p] if w == 1 else any(s.b[lo:hi])):
                    continue
                num = value = s.a[p] if w == 1 else sum(s.a[lo:hi])
                den = None
            elif kind == comp.PIT:
                if not s.b[p]:
                    continue
                num, den, value = s.a[p], None, s.a[p]
            else:
                if s is not last:
                    last, ordered = s, None
                    if w == 1:
                        hist = s.a[p]
                    else:
                        if s not in windows:
                            windows[s] = comp.window_merges(s.a, w, [pos[x] for x in months])
                        hist = windows[s][p]
                    n = sum(hist.values()) if hist else 0.0
                if not hist or n <= 0:
                    continue
                num, den, value, ordered = _dist_value(statistic, hist, n, ordered)
            if checks is None:
                partial = m < first_full
            else:  # ALL of categories on different bases: partial when a contributing one is
                partial = any(m < ff and (any(c.a[lo:hi]) or any(c.b[lo:hi])) for c, ff in checks)
            append(Value(code, m, label, num, den, value, w, sev, partial))


if TYPE_CHECKING:
    from typing_extensions import Unpack

    class _Options(TypedDict, total=False):
        months: Required[list[str]]
        categories: Required[list[str]]
        settings: Required[Settings]
        window: int
        measures: list[str] | None
        data_start: Mapping[str, str] | None
        labels: set[str] | None


def compute(facts: Facts, **options: Unpack[_Options]) -> list[Value]:
    """Every requested measure for every month and category with data, and for ``ALL`` (the
    categories pooled), from ``facts``: see ``compute_table`` for the options."""
    return compute_table(comp.table_of(facts), **options)


def compute_table(
    table: comp.Table,
    *,
    months: list[str],
    categories: list[str],
    settings: Settings,
    window: int = 1,
    measures: list[str] | None = None,
    data_start: Mapping[str, str] | None = None,
    labels: set[str] | None = None,
) -> list[Value]:
    """Every requested measure for every month and category with data, and for ``ALL`` (the
    categories pooled), from facts arranged as a ``components.Table``. Ordered by category (as given,
    then ALL), month, measure (definitions order) and severity. ``data_start``: the first month with a
    fact per key (default: from ``table``); ``labels``: only the rows of these categories (or ALL)."""
    if window < 1:
        raise ValueError("window must be at least 1 month")
    codes = list(MEASURES) if measures is None else list(measures)
    unknown = [c for c in codes if c not in MEASURES]
    if unknown:
        raise ValueError(f"unknown measure codes: {', '.join(unknown)}")
    categories = list(dict.fromkeys(categories))
    if not categories or not months:
        return []
    wanted = set(codes)
    families = {MEASURES[c].family for c in wanted}
    if any(MEASURES[c].normalized for c in wanted):
        for c in categories:
            if (basis := settings.basis(c)) not in NU_BASES:
                raise ValueError(
                    f"unknown normalization basis {basis!r} for category {c!r} (expected {NU_BASES})"
                )
    w = window
    span = month_range(add_months(min(months), -(w - 1)), max(months))
    pos = {m: i for i, m in enumerate(span)}
    needed = sorted({pos[m] - i for m in set(months) for i in range(w)})
    parts = comp.build(
        table, categories=categories, span=span, needed=needed, families=families, settings=settings
    )
    for cat in parts:
        cat.series = {
            (name, sev): s
            for (name, sev), s in cat.series.items()
            if (wanted.intersection(comp.DIST_CODES[name]) if s.kind == comp.DIST else name in wanted)
        }

    starts = comp.first_months(table) if data_start is None else data_start
    kind_start = {
        kind: min((starts[k] for k in keys if k in starts), default=None) for kind, keys in KIND_KEYS.items()
    }

    def first_full(code: str, category: str) -> str:
        """The first month whose window of ``code`` in ``category`` is full of data."""
        d = MEASURES[code]
        kind, back = d.needs(settings.basis(category))
        start = kind_start[kind]
        if start is None:
            return "~"  # after every month: always partial
        return add_months(start, back + (0 if d.point_in_time else w - 1))

    order = {code: i for i, code in enumerate(MEASURES)}

    def plans(label: str, cat: comp.Category) -> list[_Plan]:
        """What to emit for a category (or ALL), in measure and severity order."""
        out: list[_Plan] = []
        for (name, sev), s in cat.series.items():
            for code in comp.DIST_CODES[name] if s.kind == comp.DIST else (name,):
                if code not in wanted:
                    continue
                fulls = {first_full(code, c) for c in ([label] if label != ALL else categories)}
                checks = None
                if len(fulls) > 1:  # ALL of categories on different NPR bases: see who contributes
                    checks = [
                        (part.series[(name, sev)], first_full(code, c))
                        for c, part in zip(categories, parts, strict=True)
                        if (name, sev) in part.series
                    ]
                d = MEASURES[code]
                rank = (order[code], sev != "", sev.zfill(6))
                out.append(_Plan(rank, code, sev, s, s.kind, d.factor, d.statistic, min(fulls), checks))
        out.sort(key=attrgetter("rank"))
        return out

    rows: list[Value] = []
    for label, part in [*zip(categories, parts, strict=True), (ALL, None)]:
        if labels is None or label in labels:
            cat = part if part is not None else comp.pool_categories(parts, len(span))
            _emit(rows, label, plans(label, cat), months, pos, w)
    return rows
