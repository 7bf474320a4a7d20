"""The measurements page's charts, as Vega-Lite specs (``accord.lib.charts.svg`` draws them).

One chart per family and unit (so no chart mixes days with percentages), each measure's monthly values
and rolling line over the chosen period. A month without a value is in the data with ``value: null``,
and the line mark breaks its path there (``invalid: "break-paths-filter-domains"``) rather than drawing
straight across the gap as if the months either side were neighbours; points are drawn only where there
is a value. Whatever renders a chart (the page, a PDF, an e-mail) renders this spec.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accord.lib.months import month_range, month_start, parse_month
from accord.lib.targets import Target
from accord.measurements import definitions
from accord.measurements.engine import Value, round_value

# A line breaks at a month whose value is null (and nulls do not stretch the scales). Vega-Lite's
# default ("filter") drops the null and joins the months either side.
LINE_INVALID = "break-paths-filter-domains"

_TWO_WEEKS_MS = 14 * 24 * 3600 * 1000


def _when(month: str) -> dict[str, Any]:
    year, mon = parse_month(month)
    return {"year": year, "month": mon, "date": 1, "utc": True}


@lru_cache(maxsize=4096)
def _month_label(month: str, fmt: str, language: str | None) -> str:
    """A month as the viewer's language writes it ("Mar 2026"), formatted once per process: the same
    few months are on every chart of every page. (``language``, the active one, keys the cache.)"""
    return date_format(month_start(month), fmt)


def _x_axis(start: str, end: str) -> dict[str, Any]:
    """Months on the x axis: the period's first to last month on every chart, whatever its data, with a
    tick per month (per quarter or year over long periods) labelled "May 2026"."""
    months = month_range(start, end)
    language = get_language()
    step = 1 if len(months) <= 24 else 3 if len(months) <= 72 else 12
    domain: list[Any] = [_when(start), _when(end)]
    if start == end:  # a scale of no width puts the month on the edge: centre it in two weeks each side
        first = datetime(*parse_month(start), 1, tzinfo=UTC).timestamp() * 1000
        domain = [first - _TWO_WEEKS_MS, first + _TWO_WEEKS_MS]
    return {
        "field": "month",
        "type": "temporal",
        "timeUnit": "utcyearmonth",
        "title": None,
        "scale": {"domain": domain, "padding": 14},
        "axis": {
            "values": [_when(m) for m in months[::step]],
            "format": "%b %Y",
            "labelFlush": False,
            # what a screen reader says of the axis (Vega's own would name the padded scale's ends)
            "description": _("Months, %(start)s to %(end)s")
            % {"start": _month_label(start, "F Y", language), "end": _month_label(end, "F Y", language)},
        },
    }


# points only where a month has a value
VALUED = {"filter": "isValid(datum.value)"}


def _gap(month: str, measure: str, line: str) -> dict[str, Any]:
    """A month of a line without a value: in the data, so that the line breaks there."""
    return {
        "month": month,
        "value": None,
        "measure": measure,
        "line": line,
        "window": "",
        "partial": False,
        "label": "",
    }


def chart_spec(
    title: str,
    series: dict[str, list[Value]],
    rolling: dict[str, list[Value]],
    bands: dict[str, list[Any]],
    *,
    start: str,
    end: str,
    window: int,
    targets: Sequence[Target] = (),
) -> dict[str, Any]:
    """One family's chart: each measure's monthly values and rolling line (when given) over the period,
    the benchmark band when imported; values whose window is partial are hollow points. Each of
    ``targets`` (agreed on one of the chart's measures, for its monthly or the rolling value) is a
    rule named in the legend, and the months that missed it are ringed (``target_layers``)."""
    partial = _("partial window")
    rolling_label = _("rolling %(n)d") % {"n": window}
    points = []
    language = get_language()
    months = month_range(start, end)
    for line, by_measure in ((_("monthly"), series), (rolling_label, rolling)):
        for measure, rows in by_measure.items():
            decimals = definitions.measure(measure).decimals
            valued = {r.month: r for r in rows if r.value is not None}
            if not valued:  # a measure without a value in the period: no line, nor a legend entry
                continue
            for month in months:  # every month of the period: null where there is no value
                r = valued.get(month)
                if r is None or r.value is None:
                    points.append(_gap(month, measure, line))
                    continue
                value = round_value(r.value, measure)
                when = _month_label(r.month, "M Y", language)
                label = f"{when} · {measure} {line}: {value:.{decimals}f}"
                points.append(
                    {
                        "month": r.month,
                        "value": value,
                        "measure": measure,
                        "line": line,
                        "window": partial if r.partial else "",
                        "partial": r.partial,
                        "label": f"{label} ({partial})" if r.partial else label,
                    }
                )
    x = _x_axis(start, end)
    y = {"field": "value", "type": "quantitative", "title": None}
    layers: list[dict[str, Any]] = []
    band_points = [
        {"month": b.month, "low": b.best_in_class, "high": b.worst_in_class, "measure": m}
        for m, rows in bands.items()
        for b in rows
    ]
    if band_points:
        layers.append(
            {
                "data": {"values": band_points},
                "mark": {"type": "area", "opacity": 0.15, "color": "#6c757d"},
                "encoding": {
                    "x": x,
                    "y": {"field": "low", "type": "quantitative"},
                    "y2": {"field": "high"},
                    "detail": {"field": "measure"},
                },
            }
        )
    colour = {"field": "measure", "type": "nominal", "title": None}
    # what a screen reader says of a point, and (charts.svg) the browser shows over it
    described = {"field": "label", "type": "nominal"}
    layers.append(
        {
            "mark": {"type": "line", "strokeWidth": 1.5, "invalid": LINE_INVALID},
            "encoding": {
                "x": x,
                "y": y,
                "color": colour,
                "strokeDash": {"field": "line", "type": "nominal", "title": None},
            },
        }
    )
    if any(p["partial"] for p in points):  # hollow points (a white disc under a ring), in the legend
        partial_only = [{"filter": {"field": "partial", "equal": True}}, VALUED]
        layers += [
            {
                "transform": partial_only,
                "mark": {
                    "type": "point",
                    "filled": True,
                    "color": "white",
                    "size": 36,
                    "opacity": 1,
                    "aria": False,
                },
                "encoding": {"x": x, "y": y},
            },
            {
                "transform": partial_only,
                "mark": {"type": "point", "filled": False, "strokeWidth": 1.5, "size": 36, "opacity": 1},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": colour,
                    "shape": {
                        "field": "window",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": [partial], "range": ["circle"]},
                        "legend": {"symbolStrokeColor": "#6c757d", "symbolStrokeWidth": 1.5},
                    },
                    "description": described,
                },
            },
        ]
    layers.append(  # on top, so a hollow point never hides a complete one in the same place
        {
            "transform": [{"filter": {"field": "partial", "equal": False}}, VALUED],
            "mark": {"type": "point", "filled": True, "size": 44, "opacity": 1},
            "encoding": {"x": x, "y": y, "color": colour, "description": described},
        }
    )
    lines = {window: rolling_label, 1: _("monthly")}  # a rolling window of 1 is the monthly value
    layers += target_layers(targets, points, lines, x=x, colour=colour, months=set(months))
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 460,
        "height": 170,
        "title": {"text": title, "anchor": "start", "fontSize": 12},
        "data": {"values": points},
        "layer": layers,
        "config": {
            "view": {"stroke": None},
            "legend": {"labelFontSize": 10},  # under the plot, labels whole (charts.CONFIG)
            "axis": {"labelFontSize": 10},
        },
    }


def target_layers(
    targets: Sequence[Target],
    points: list[dict[str, Any]],
    lines: dict[int, str],
    *,
    x: dict[str, Any],
    colour: dict[str, Any],
    months: set[str],
) -> list[dict[str, Any]]:
    """The agreed targets drawn on a chart whose ``points`` are drawn: each a horizontal rule, coloured
    and named in the legend by its label ("E-3 target ≥ 95"), and a red ring on each month whose value
    (the monthly one, or the rolling one of the target's window: ``lines``) was assessed as missing it.
    A target whose window the chart does not draw is left out: the rule would judge another value."""
    drawn = [t for t in targets if t.window in lines]
    if not drawn:
        return []
    missed_label = _("missed the agreed target")
    rules = [{"measure": t.label, "target": t.value, "label": t.label} for t in drawn]
    missed = []
    for t in drawn:
        gone = set(t.missed) & months
        for p in points:
            on_line = p["measure"] == t.measure and p["line"] == lines[t.window]
            if on_line and p["month"] in gone and p["value"] is not None:
                label = f"{p['label']} · {missed_label} ({t.label})"
                missed.append({**p, "missed": missed_label, "label": label})
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": rules},
            "mark": {"type": "rule", "strokeDash": [6, 3], "strokeWidth": 1.5},
            "encoding": {
                "y": {"field": "target", "type": "quantitative"},
                "color": colour,
                "description": {"field": "label", "type": "nominal"},
            },
        }
    ]
    if missed:
        layers.append(
            {
                "data": {"values": missed},
                "mark": {"type": "point", "filled": False, "size": 150, "strokeWidth": 2, "opacity": 1},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "color": {"value": "#dc3545"},
                    "shape": {
                        "field": "missed",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": [missed_label], "range": ["diamond"]},
                    },
                    "description": {"field": "label", "type": "nominal"},
                },
            }
        )
    return layers


class _Chart(NamedTuple):
    """A chart: one family's measures of one unit, so no chart mixes days with percentages."""

    family: str
    unit: str


Charted = dict[_Chart, dict[str, list[Value]]]


def _charted(monthly: list[Value], rolling: list[Value]) -> tuple[Charted, Charted]:
    """The monthly and the rolling values on each chart, by measure (pooled severities only). A
    count's rolling value is a window's total (flows) or its last month's (backlogs): not charted."""
    by_chart: Charted = defaultdict(lambda: defaultdict(list))
    rolling_by_chart: Charted = defaultdict(lambda: defaultdict(list))
    for rows, out, counts in ((monthly, by_chart, True), (rolling, rolling_by_chart, False)):
        for r in rows:
            d = definitions.measure(r.measure)
            if not r.severity and (counts or d.kind != "count"):
                out[_Chart(d.family, d.unit)][r.measure].append(r)
    return by_chart, rolling_by_chart


def chart_specs(
    monthly: list[Value],
    rolling: list[Value],
    bands: dict[str, list[Any]],
    *,
    start: str,
    end: str,
    window: int,
    targets: Sequence[Target] = (),
) -> tuple[list[dict[str, Any]], bool]:
    """Every chart of the period, in the families' order, and whether any charted value is partial;
    each chart with the agreed ``targets`` on its measures (already of the page's category)."""
    by_chart, rolling_by_chart = _charted(monthly, rolling)
    specs = [
        chart_spec(
            f"{chart.family} · {_(chart.unit)}",
            by_chart[chart],
            rolling_by_chart.get(chart, {}),
            {m: bands.get(m, []) for m in by_chart[chart]},
            start=start,
            end=end,
            window=window,
            targets=[t for t in targets if t.measure in by_chart[chart]],
        )
        for chart in sorted(by_chart, key=lambda c: (definitions.FAMILIES.index(c.family), c.unit))
    ]
    charted = (
        r for c in (*by_chart.values(), *rolling_by_chart.values()) for rows in c.values() for r in rows
    )
    return specs, any(r.partial for r in charted)
