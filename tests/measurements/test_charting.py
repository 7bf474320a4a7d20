"""The measurement charts break their lines at months without a value instead of drawing through them."""

import re
import xml.etree.ElementTree as ET
from typing import Any

from accord.lib import charts
from accord.measurements import charting
from accord.measurements.engine import Value

MEASURE = "REPAIR.WITHIN_SLA"
SVG = "{http://www.w3.org/2000/svg}"


def value(month: str, v: float | None) -> Value:
    return Value(MEASURE, month, "ALL", None, None, v, 1)


def gappy_spec() -> dict[str, Any]:
    """January and February have values, March has a row without one, April none at all, May one."""
    rows = [value("2026-01", 90.0), value("2026-02", 80.0), value("2026-03", None), value("2026-05", 95.0)]
    return charting.chart_spec(
        "REPAIR · %", {MEASURE: rows}, {}, {}, start="2026-01", end="2026-06", window=3
    )


def line_paths(svg_text: str) -> list[str]:
    root = ET.fromstring(svg_text)
    return [p.get("d", "") for p in root.iter(f"{SVG}path") if p.get("aria-roledescription") == "line mark"]


def test_a_month_without_a_value_is_null_in_the_data_not_skipped_nor_zero() -> None:
    data = gappy_spec()["data"]["values"]
    assert [(p["month"], p["value"]) for p in data] == [
        ("2026-01", 90.0),
        ("2026-02", 80.0),
        ("2026-03", None),
        ("2026-04", None),
        ("2026-05", 95.0),
        ("2026-06", None),
    ]


def test_the_line_breaks_at_nulls_and_points_are_drawn_only_at_values() -> None:
    spec = gappy_spec()
    (line,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    assert line["mark"]["invalid"] == "break-paths-filter-domains"  # not "filter": no joining across
    for layer in spec["layer"]:
        if layer["mark"]["type"] == "point":
            assert charting.VALUED in layer["transform"]


def test_the_drawn_line_has_a_separate_segment_on_each_side_of_a_gap() -> None:
    svg = charts.svg(gappy_spec())
    (path,) = line_paths(svg)
    segments = [s for s in re.split(r"(?=M)", path) if s]
    assert len(segments) == 2, path  # January–February, then May alone
    assert "L" in segments[0] and "L" not in segments[1]
    # and the points: three values, three points
    root = ET.fromstring(svg)
    points = [p for p in root.iter(f"{SVG}path") if p.get("aria-roledescription") == "point"]
    assert len(points) == 3


def test_a_line_without_gaps_is_one_segment() -> None:
    rows = [value(m, 50.0 + i) for i, m in enumerate(["2026-01", "2026-02", "2026-03"])]
    spec = charting.chart_spec(
        "REPAIR · %", {MEASURE: rows}, {}, {}, start="2026-01", end="2026-03", window=3
    )
    (path,) = line_paths(charts.svg(spec))
    assert path.count("M") == 1


def test_a_measure_without_any_value_in_the_period_draws_nothing() -> None:
    spec = charting.chart_spec(
        "REPAIR · %",
        {MEASURE: [value("2026-01", None)], "REPAIR.TAT_MEDIAN": []},
        {},
        {},
        start="2026-01",
        end="2026-02",
        window=3,
    )
    assert spec["data"]["values"] == []


def test_the_measurements_page_breaks_a_turnaround_line_where_no_repair_was_shipped(
    world: Any, as_user: Any
) -> None:
    """Repairs shipped in February and in May 2026, none in March and April: the monthly turnaround
    lines are drawn as two pieces, not one line from February to May."""
    from datetime import date

    from accord.measurements import services
    from accord.operations.models import Repair
    from tests.measurements.records import add, repair

    add(
        Repair,
        world.nw_ta,
        world.product,
        repair("G1", date(2026, 2, 2), date(2026, 2, 12)),
        repair("G2", date(2026, 5, 4), date(2026, 5, 8)),
    )
    services.refresh_all(world.nw_ta, today=date(2026, 12, 4))
    response = as_user(world.carol).get(
        "/r/northwind-telco-a/measurements/?start=2026-01&end=2026-06&window=3"
    )
    (chart,) = [c for c in response.context["charts"] if c["spec"]["title"]["text"] == "REPAIR · days"]
    monthly = {
        p["month"]: p["value"]
        for p in chart["spec"]["data"]["values"]
        if (p["measure"], p["line"]) == ("REPAIR.TAT_MEAN", "monthly")
    }
    assert monthly["2026-02"] is not None and monthly["2026-05"] is not None
    assert monthly["2026-03"] is None and monthly["2026-04"] is None
    broken = [d for d in line_paths(chart["svg"]) if d.count("M") == 2]
    assert len(broken) >= 3, line_paths(chart["svg"])  # mean, median and 90th percentile, monthly
    assert 'aria-roledescription="line mark"' in response.content.decode()  # the page shows the SVG
