"""lib/charts: every chart's legend shows its labels whole, under the plot and no wider than it, and each
data mark carries its description as the browser's tooltip."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from accord.lib import charts

SVG = "{http://www.w3.org/2000/svg}"
LONG = "SUPPORT.FIRST_RESPONSE_WITHIN_SLA"  # wider than Vega-Lite's default 160-pixel label limit


def coloured(measures: list[str], *, mark: str = "point") -> dict[str, Any]:
    """Points (or another mark) of each measure over three months, coloured by measure, each described."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 300,
        "height": 120,
        "data": {
            "values": [
                {"month": f"2026-0{m}", "value": m * (i + 1), "measure": code, "label": f"{code} in {m}: {i}"}
                for i, code in enumerate(measures)
                for m in (1, 2, 3)
            ]
        },
        "mark": mark,
        "encoding": {
            "x": {"field": "month", "type": "ordinal"},
            "y": {"field": "value", "type": "quantitative"},
            "color": {"field": "measure", "type": "nominal"},
            "description": {"field": "label", "type": "nominal"},
        },
    }


def drawn(spec: dict[str, Any]) -> ET.Element:
    return ET.fromstring(charts.svg(spec))


def texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


def marks(svg: ET.Element, role: str) -> list[ET.Element]:
    return [e for e in svg.iter() if e.get("aria-roledescription") == role]


def test_a_long_legend_label_is_drawn_whole() -> None:
    svg = drawn(coloured([LONG, "SUPPORT.RESOLUTION_MEDIAN_H", "FR.ERI"]))
    shown = texts(svg)
    assert LONG in shown and "SUPPORT.RESOLUTION_MEDIAN_H" in shown
    assert not [t for t in shown if t.endswith("…")]


def test_long_legend_labels_make_the_key_taller_not_the_chart_wider() -> None:
    short, long = drawn(coloured(["A", "B", "C"])), drawn(coloured([LONG, LONG + "_2", LONG + "_3"]))
    assert long.get("width") == short.get("width")
    # under the plot: the legend's entries are stacked below the chart's 120 pixels
    assert float(long.get("height") or 0) > 120 + 3 * 10


def test_a_specs_own_legend_config_wins_over_the_defaults() -> None:
    spec = coloured([LONG]) | {"config": {"legend": {"labelLimit": 60}}}
    assert LONG not in texts(drawn(spec))
    assert charts.with_defaults(spec)["config"]["legend"] == {
        "labelLimit": 60,
        "orient": "bottom",
        "direction": "vertical",
    }
    assert spec["config"] == {"legend": {"labelLimit": 60}}  # the spec itself is left as it was


def test_each_point_has_its_description_as_tooltip() -> None:
    points = marks(drawn(coloured(["FR.ERI", "FR.YRR"])), "point")
    assert len(points) == 6
    titles = [p.find(f"{SVG}title") for p in points]
    assert sorted(t.text or "" for t in titles if t is not None) == sorted(
        f"{code} in {m}: {i}" for i, code in enumerate(["FR.ERI", "FR.YRR"]) for m in (1, 2, 3)
    )
    for point in points:
        assert point.find(f"{SVG}title").text == point.get("aria-label")  # type: ignore[union-attr]


def test_the_tooltip_text_is_escaped_as_in_the_label() -> None:
    spec = coloured(["A"])
    spec["data"]["values"][0]["label"] = 'a < b & "c"'
    points = marks(drawn(spec), "point")
    assert 'a < b & "c"' in [p.find(f"{SVG}title").text for p in points]  # type: ignore[union-attr]


def test_bars_get_tooltips_but_a_line_drawn_as_one_shape_does_not() -> None:
    bars = marks(drawn(coloured(["A", "B"], mark="bar")), "bar")
    assert bars and all(b.find(f"{SVG}title") is not None for b in bars)
    lines = marks(drawn(coloured(["A", "B"], mark="line")), "line mark")
    assert len(lines) == 2 and all(line.find(f"{SVG}title") is None for line in lines)


def test_marks_hidden_from_screen_readers_get_no_tooltip() -> None:
    spec = coloured(["A"]) | {"mark": {"type": "point", "aria": False}}
    assert not list(drawn(spec).iter(f"{SVG}title"))


def test_a_sparklines_points_read_the_week_and_the_value() -> None:
    spec = charts.sparkline([("2026-01-05", 3), ("2026-01-12", 5)], title="Open items", y_title="open")
    titles = [p.find(f"{SVG}title") for p in marks(drawn(spec), "point")]
    assert [t.text for t in titles if t is not None] == ["05 Jan · open: 3", "12 Jan · open: 5"]
