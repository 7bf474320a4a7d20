"""The feedback's charts, as Vega-Lite specs that ``accord.lib.charts.svg`` renders (pages, the visit PDF):

- ``distribution_spec``: per area, a horizontal 100 % bar of its ratings 1 to 5, red to green;
- ``history_spec``: per area, its mean rating in each of the relationship's surveys over time.

Pure functions of the selectors' results (no queries). Colour is never the only carrier: each mark's
text alternative (its ``description``, read by screen readers and shown as its tooltip) says what it is
in words: "Documentation: rating 2: 3", "Documentation · FB-2, 2026-03-02: mean 3.4 of 5 (7 ratings)".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accord.feedback.areas import RATING_MAX, RATING_MIN
from accord.feedback.models import Survey
from accord.feedback.selectors import COLORS, AreaResult

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
RATINGS = [str(n) for n in range(RATING_MIN, RATING_MAX + 1)]
RATING_COLOURS = list(COLORS)  # 1 (poor) to 5 (very good): red to green, as the results page draws them
BAR_STEP = 20  # pixels per area
WIDTH = 420


def rating_label(area: str, rating: int, count: int) -> str:
    return _("%(area)s: rating %(n)d: %(count)d") % {"area": area, "n": rating, "count": count}


def distribution_spec(results: Sequence[AreaResult], *, width: int = WIDTH) -> dict[str, Any]:
    """One row per area (in the survey's order), its bar split by the share of each rating 1–5;
    areas without a rating keep their row, empty. Ratings with no answer draw no mark."""
    titles = [r.title for r in results]
    values = [
        {
            "area": r.title,
            "rating": str(n),
            "count": count,
            "label": rating_label(r.title, n, count),
        }
        for r in results
        for n, count in enumerate(r.counts, start=RATING_MIN)
        if count
    ]
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": {"step": BAR_STEP},
        "data": {"values": values},
        "mark": {"type": "bar", "stroke": "#ffffff", "strokeWidth": 0.5},
        "encoding": {
            "y": {
                "field": "area",
                "type": "nominal",
                "title": None,
                "sort": titles,
                "scale": {"domain": titles},
                "axis": {"labelLimit": 240, "labelFontSize": 10},
            },
            "x": {
                "field": "count",
                "type": "quantitative",
                "stack": "normalize",
                "title": _("Share of the ratings"),
                "axis": {"format": "%", "labelFontSize": 9, "titleFontSize": 9, "tickCount": 5},
            },
            "color": {
                "field": "rating",
                "type": "ordinal",
                "scale": {"domain": RATINGS, "range": RATING_COLOURS},
                "legend": {
                    "title": _("Rating (1 poor, 5 very good)"),
                    "orient": "bottom",
                    "direction": "horizontal",
                    "columns": len(RATINGS),
                },
            },
            "order": {"field": "rating", "type": "ordinal", "sort": "ascending"},
            "description": {"field": "label", "type": "nominal"},
        },
        "config": {"view": {"stroke": None}},
    }


def survey_day(survey: Survey) -> date:
    """The day a survey counts from on a time axis: when it opened (or was made, if never opened)."""
    return timezone.localdate(survey.opened_at or survey.created_at)


def history_label(area: str, ref: str, day: date, mean: float, n: int) -> str:
    return _("%(area)s · %(ref)s, %(day)s: mean %(mean)s of 5 (%(n)d ratings)") % {
        "area": area,
        "ref": ref,
        "day": day.isoformat(),
        "mean": f"{mean:g}",
        "n": n,
    }


def history_spec(
    surveys: Iterable[Survey],
    means: dict[tuple[Any, str], tuple[float, int]],
    areas: Sequence[tuple[str, str]],
    *,
    width: int = WIDTH,
    height: int = 200,
) -> dict[str, Any]:
    """A line per area (``areas``: (key, title), in the legend's order) through its mean rating in each
    survey (``means``: (survey id, area key) → (mean, ratings), as ``selectors.history`` gives them),
    by the day each survey opened; the y axis is the rating scale, 1 to 5."""
    values = []
    for survey in surveys:
        day = survey_day(survey)
        for key, title in areas:
            found = means.get((survey.pk, key))
            if found is None:
                continue
            mean, n = found
            values.append(
                {
                    "day": day.isoformat(),
                    "survey": survey.ref,
                    "area": title,
                    "mean": mean,
                    "label": history_label(title, survey.ref, day, mean, n),
                }
            )
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "data": {"values": values},
        "mark": {"type": "line", "point": {"size": 40}, "strokeWidth": 1.5},
        "encoding": {
            "x": {
                "field": "day",
                "type": "temporal",
                "title": None,
                "axis": {"format": "%b %Y", "labelFontSize": 9, "tickCount": 6},
            },
            "y": {
                "field": "mean",
                "type": "quantitative",
                "title": _("Mean rating"),
                "scale": {"domain": [RATING_MIN, RATING_MAX]},
                "axis": {"values": [int(r) for r in RATINGS], "labelFontSize": 9, "titleFontSize": 9},
            },
            "color": {
                "field": "area",
                "type": "nominal",
                "sort": [title for _key, title in areas],
                "scale": {"scheme": "tableau20"},  # twelve areas: ten colours would repeat
                "legend": {"title": None, "columns": 3, "direction": "horizontal", "labelFontSize": 9},
            },
            "description": {"field": "label", "type": "nominal"},
        },
        "config": {"view": {"stroke": None}},
    }
