"""Charts: Vega-Lite specs rendered to inline SVG (vl-convert: no browser, no Node at run time).

Every chart rendered by ``svg`` gets, whatever its spec:

- axis labels that never overlap: one that would touch its neighbour is left out (``CONFIG``);
- legends that show their labels whole (Vega-Lite cuts them at 160 pixels: "REPAIR.BACKLOG_OLDEST_D…"),
  as a key under the plot: each legend a column, legends side by side, so that long labels make the key
  taller rather than the chart wider than its plot (``CONFIG``; a spec's own ``config`` overrides it);
- a tooltip on each data mark (a point, a bar, …): the mark's ``<title>``, which the browser shows on
  hover, is the text screen readers read for it, i.e. the ``description`` encoding when the spec gives one
  (Vega-Lite's "field: value; …" otherwise). Marks drawn as one shape for a whole series (a line, an
  area) get none: no one value is theirs.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from django.utils import translation

# What every chart's config starts from; a spec's own config overrides it key by key.
CONFIG: dict[str, dict[str, Any]] = {
    "legend": {"labelLimit": 0, "orient": "bottom", "direction": "vertical"},
    # a label that would touch its neighbour is left out (a page scales a chart down to a phone's width)
    "axis": {"labelOverlap": "greedy", "labelSeparation": 6},
}

# Vega draws each datum of a mark as a self-closing element, described for screen readers when aria is on.
_MARK = re.compile(r"<(path|line|image)(\s[^>]*?)\s*/>")
_LABEL = re.compile(r'\saria-label="([^"]*)"')
_ROLE = re.compile(r'\saria-roledescription="([^"]*)"')
_WHOLE_SERIES = frozenset({"line mark", "area mark", "trail mark"})


def _titled(match: re.Match[str]) -> str:
    tag, attrs = match.group(1), match.group(2)
    label, role = _LABEL.search(attrs), _ROLE.search(attrs)
    if not label or 'role="graphics-symbol"' not in attrs or (role and role.group(1) in _WHOLE_SERIES):
        return match.group(0)
    # the label is already escaped for an attribute, and so for text too
    return f"<{tag}{attrs}><title>{label.group(1)}</title></{tag}>"


def with_tooltips(svg_text: str) -> str:
    """The SVG with a ``<title>`` (the browser's tooltip) in each data mark: its screen reader label."""
    return _MARK.sub(_titled, svg_text)


# d3's number and time locales (vl-convert bundles them) for the languages Accord speaks: month names and
# decimal marks on the axes and in the tooltips; English keeps Vega's own
LOCALES = {"es": "es-ES", "ja": "ja-JP", "ko": "ko-KR", "zh-hans": "zh-CN"}


def _language() -> str:
    """The active language, which the charts' axes and tooltips follow."""
    return translation.get_language() or ""


def _locale(language: str) -> Any:
    """d3's locale name for ``language`` (None: Vega's own, English)."""
    return LOCALES.get(language)


@lru_cache(maxsize=256)
def _render(spec_json: str, language: str) -> str:
    import vl_convert

    return with_tooltips(
        vl_convert.vegalite_to_svg(
            spec_json, format_locale=_locale(language), time_format_locale=_locale(language)
        )
    )


def with_defaults(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with ``CONFIG`` under its own config."""
    own = spec.get("config", {})
    config = {**own, **{key: {**default, **own.get(key, {})} for key, default in CONFIG.items()}}
    return {**spec, "config": config}


@lru_cache(maxsize=256)
def _png(spec_json: str, scale: float, language: str) -> bytes:
    import vl_convert

    drawn: bytes = vl_convert.vegalite_to_png(
        spec_json, scale=scale, format_locale=_locale(language), time_format_locale=_locale(language)
    )
    return drawn


def png(spec: dict[str, Any], *, scale: float = 1.5) -> bytes:
    """The chart as a PNG image (``scale`` × its size): for print, where a PDF engine draws a picture in a
    tenth of the time it takes to draw the same chart's SVG shape by shape."""
    return _png(json.dumps(with_defaults(spec), sort_keys=True, default=str), scale, _language())


def svg(spec: dict[str, Any]) -> str:
    """The chart as an SVG document string, with whole legend labels and a tooltip on each data mark;
    identical specs are rendered once per process."""
    return _render(json.dumps(with_defaults(spec), sort_keys=True, default=str), _language())


def sparkline(
    points: list[tuple[str, float]], *, title: str, y_title: str, width: int = 320, height: int = 90
) -> dict[str, Any]:
    """A small line chart of (label, value) points, e.g. open items at each week's end; each point's
    tooltip reads "05 Jan · open: 3"."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": width,
        "height": height,
        "title": {"text": title, "fontSize": 11, "anchor": "start"},
        "data": {"values": [{"x": x, "y": y} for x, y in points]},
        "transform": [
            {
                "calculate": f"timeFormat(datum.x, '%d %b') + ' · ' + {json.dumps(y_title)} + ': ' + datum.y",
                "as": "label",
            }
        ],
        "mark": {"type": "line", "point": True, "color": "#0d6efd"},
        "encoding": {
            "x": {
                "field": "x",
                "type": "temporal",
                "title": None,
                "axis": {"format": "%d %b", "labelFontSize": 9},
            },
            "y": {
                "field": "y",
                "type": "quantitative",
                "title": y_title,
                "axis": {"labelFontSize": 9, "titleFontSize": 9},
            },
            "description": {"field": "label", "type": "nominal"},
        },
        "config": {"view": {"stroke": None}},
    }
