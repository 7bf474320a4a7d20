"""The feedback's charts: the distribution of each area's ratings as a 100 % bar, red to green, and each
area's mean over the relationship's surveys; each mark says in words what it shows (its text
alternative and tooltip), so colour is never the only carrier."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from accord.feedback import charts
from accord.feedback.models import Survey
from accord.feedback.selectors import AreaResult
from accord.lib.charts import svg

QUALITY = "Quality and reliability of hardware and software"


def results() -> list[AreaResult]:
    return [
        AreaResult("quality", QUALITY, "How well?", 1, [0, 1, 2, 3, 1]),
        AreaResult("documentation", "Documentation", "How complete?", 2, [3, 2, 1, 0, 0]),
        AreaResult("repair", "Repair", "How quickly?", 3, [0, 0, 0, 0, 0], not_applicable=4),
    ]


def titles(drawn: str) -> list[str]:
    return re.findall(r"<title>([^<]*)</title>", drawn)


def test_the_distribution_has_a_bar_per_area_in_the_surveys_order() -> None:
    spec = charts.distribution_spec(results())
    y = spec["encoding"]["y"]
    assert y["sort"] == y["scale"]["domain"] == [QUALITY, "Documentation", "Repair"]  # Repair: no rating
    assert spec["encoding"]["x"]["stack"] == "normalize"
    colour = spec["encoding"]["color"]["scale"]
    assert colour["domain"] == ["1", "2", "3", "4", "5"] and len(colour["range"]) == 5
    assert colour["range"][0] == charts.RATING_COLOURS[0] and colour["range"][-1] == charts.RATING_COLOURS[-1]


def test_each_segment_says_its_area_rating_and_count() -> None:
    spec = charts.distribution_spec(results())
    assert [v["label"] for v in spec["data"]["values"]] == [
        f"{QUALITY}: rating 2: 1",
        f"{QUALITY}: rating 3: 2",
        f"{QUALITY}: rating 4: 3",
        f"{QUALITY}: rating 5: 1",
        "Documentation: rating 1: 3",
        "Documentation: rating 2: 2",
        "Documentation: rating 3: 1",
    ]  # a rating nobody gave draws nothing
    assert spec["encoding"]["description"] == {"field": "label", "type": "nominal"}


def test_the_drawn_distribution_carries_the_words_on_every_bar() -> None:
    drawn = svg(charts.distribution_spec(results()))
    assert drawn.startswith("<svg")
    assert titles(drawn) == [v["label"] for v in charts.distribution_spec(results())["data"]["values"]]
    assert "Repair" in drawn  # its row is there, empty


def surveys() -> list[Survey]:
    return [
        Survey(pk=n, number=n, title=f"Visit {n}", opened_at=datetime(2026, 3 * n, 2, 9, tzinfo=UTC))
        for n in (1, 2, 3)
    ]


MEANS = {
    (1, "documentation"): (1.8, 5),
    (2, "documentation"): (3.2, 6),
    (3, "documentation"): (4.1, 5),
    (1, "quality"): (4.0, 6),
    (3, "quality"): (4.4, 5),  # nobody rated quality in the second survey
}
AREAS = [("quality", QUALITY), ("documentation", "Documentation")]


def test_the_history_draws_each_areas_mean_per_survey_on_the_rating_scale() -> None:
    spec = charts.history_spec(surveys(), MEANS, AREAS)
    points = [(v["survey"], v["area"], v["mean"], v["day"]) for v in spec["data"]["values"]]
    assert points == [
        ("FB-1", QUALITY, 4.0, "2026-03-02"),
        ("FB-1", "Documentation", 1.8, "2026-03-02"),
        ("FB-2", "Documentation", 3.2, "2026-06-02"),
        ("FB-3", QUALITY, 4.4, "2026-09-02"),
        ("FB-3", "Documentation", 4.1, "2026-09-02"),
    ]
    assert spec["encoding"]["y"]["scale"]["domain"] == [1, 5]
    assert spec["encoding"]["color"]["sort"] == [QUALITY, "Documentation"]


def test_each_point_of_the_history_says_what_it_is() -> None:
    spec = charts.history_spec(surveys(), MEANS, AREAS)
    assert spec["data"]["values"][2]["label"] == "Documentation · FB-2, 2026-06-02: mean 3.2 of 5 (6 ratings)"
    drawn = svg(spec)
    assert "Documentation · FB-1, 2026-03-02: mean 1.8 of 5 (5 ratings)" in titles(drawn)
    assert len(titles(drawn)) == 5  # the points; the lines themselves carry no single value


def test_a_survey_never_opened_counts_from_the_day_it_was_made() -> None:
    draft = Survey(pk=9, number=9, created_at=datetime(2026, 1, 5, 9, tzinfo=UTC))
    assert charts.survey_day(draft).isoformat() == "2026-01-05"
