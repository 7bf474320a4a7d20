"""Charts: Vega-Lite specs rendered to inline SVG (vl-convert: no browser, no Node at run time)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=256)
def _render(spec_json: str) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec_json)


def svg(spec: dict[str, Any]) -> str:
    """The chart as an SVG document string; identical specs are rendered once per process."""
    return _render(json.dumps(spec, sort_keys=True, default=str))


def sparkline(
    points: list[tuple[str, float]], *, title: str, y_title: str, width: int = 320, height: int = 90
) -> dict[str, Any]:
    """A small line chart of (label, value) points, e.g. open items at each week's end."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": width,
        "height": height,
        "title": {"text": title, "fontSize": 11, "anchor": "start"},
        "data": {"values": [{"x": x, "y": y} for x, y in points]},
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
        },
        "config": {"view": {"stroke": None}},
    }
