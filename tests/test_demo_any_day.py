"""The demo tells its stories whatever the day it is built on.

The demo is built for "today": its registers end yesterday, its operational data last month, and its
random draws follow the calendar, so a story that holds today may not hold on another day (a month
with 14 radio measures instead of 20 was found on 2026-12-04). The other demo tests build it for one
fixed day; here it is built once for each of these days, with the clock on that day, and every story
of tests/register/test_demo.py, tests/operations/test_demo_data.py, tests/meetings/test_demo.py,
tests/expectations/test_demo.py, tests/feedback/test_demo.py and tests/reports/test_demo.py is checked
on it, with the
measurements' breadth and drill-downs.
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from django.utils import timezone

from accord.lib.demo import DemoContext
from accord.lib.months import add_months, month_of
from accord.measurements.definitions import FAMILIES
from accord.measurements.selectors import metrics
from tests.conftest import demo_built_for
from tests.expectations import test_demo as expectation_stories
from tests.feedback import test_demo as feedback_stories
from tests.measurements import test_drilldown as drill_stories
from tests.meetings import test_demo as meeting_stories
from tests.operations import test_demo_data as data_stories
from tests.register import test_demo as register_stories
from tests.reports import test_demo as report_stories

DAYS = sorted(
    {
        date(2026, 12, 4),  # the day a sparse month was found
        date(2027, 1, 1),  # New Year's Day: last month is December, late deliveries in the holidays
        date(2027, 2, 28),  # the end of February in a common year
        date(2027, 5, 1),  # a 1st: last month has just ended, its files came in after midnight
        date(2027, 8, 31),  # the end of a 31-day month
        date(2027, 12, 31),  # 31 December
        date(2028, 2, 29),  # 29 February
        date(2028, 11, 30),  # the end of a 30-day month, two years on
        timezone.localdate(),  # the real day (of the clock, which faketime may have moved)
    }
)
TELCO_A = "northwind-telco-a"
CATEGORIES = ("1.2.7", "3.2.1", "3.3.1")  # Telco A's: routers, optical transport, microwave radios


def stories(module: ModuleType) -> list[Callable[[DemoContext], None]]:
    """The tests of ``module`` that check the demo built once: each takes the demo and nothing else."""
    found = [f for name, f in vars(module).items() if name.startswith("test_") and inspect.isfunction(f)]
    assert found and all(list(inspect.signature(f).parameters) == ["demo"] for f in found), module
    return found


STORIES = (
    stories(register_stories)
    + stories(data_stories)
    + stories(meeting_stories)
    + stories(expectation_stories)  # two open gaps per relationship, each with a plan, on every day
    + stories(feedback_stories)  # three surveys per customer, a weak area improving, one proposal open
    # a year of published issues per report, one corrected, Telco A's latest quarter a draft only
    # Northwind sees, Photon's report in Northwind's portal, the commentary following the numbers
    + stories(report_stories)
)


@pytest.fixture(scope="module", params=DAYS, ids=str)
def demo_world(request: Any, django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoContext]:
    """The demo built for the day, once for all the checks of that day, rolled back afterwards. Its report
    files are labels: their rendering is tests/reports/test_demo.py's (on the demo's own day); here the
    stories are who reads which issue of which period."""
    with django_db_blocker.unblock(), demo_built_for(request.param) as ctx:
        register_stories.assert_no_mail_waits_for_the_commit()
        yield ctx


@pytest.fixture
def demo(demo_world: DemoContext, db: Any) -> DemoContext:
    return demo_world


@pytest.mark.parametrize("story", STORIES, ids=lambda f: f"{f.__module__.split('.')[-1]}.{f.__name__}")
def test_the_story_holds(demo: DemoContext, story: Callable[[DemoContext], None]) -> None:
    story(demo)


def test_every_category_has_most_measures_in_each_of_the_last_two_years(demo: DemoContext) -> None:
    """What the drill-down tests need of every month they pick: data of at least 20 measures (with
    severities), in every category, also in the thinnest one (the radios: few units, few tickets)."""
    end = add_months(month_of(demo.today), -1)
    months = {add_months(end, -back) for back in range(24)}
    for category in ("ALL", *CATEGORIES):
        found = metrics(demo.relationships[TELCO_A], start=min(months), end=end, category=category)
        per_month = Counter(r.month for r in found)
        assert {m: per_month[m] for m in months if per_month[m] < 20} == {}, category


def test_every_measure_family_has_data_in_recent_months(demo: DemoContext) -> None:
    """Every relationship shows every family in each rolling quarter of the last 6 months (but OFR at
    Photon: its fixes come on time, so it rarely has an overdue report), and Telco A every family in
    each of its categories over the last 12 months."""
    end = add_months(month_of(demo.today), -1)
    recent = [add_months(end, -back) for back in range(6)]
    for slug, rel in demo.relationships.items():
        found = metrics(rel, start=recent[-1], end=end, category="ALL", window=3)
        expected = set(FAMILIES) - ({"OFR"} if slug == "photon-northwind" else set())
        for month in recent:
            assert expected - {family(r.measure) for r in found if r.month == month} == set(), (slug, month)
    for category in CATEGORIES:
        found = metrics(demo.relationships[TELCO_A], start=end, end=end, category=category, window=12)
        assert set(FAMILIES) - {family(r.measure) for r in found} == set(), category


def family(measure: str) -> str:
    return measure.split(".")[0]


@pytest.mark.parametrize(("category", "back"), [("ALL", 0), ("3.2.1", 7), ("3.3.1", 19)])
def test_numbers_drill_down_to_the_records_behind_them(demo: DemoContext, category: str, back: int) -> None:
    rel = demo.relationships[TELCO_A]
    end = add_months(month_of(demo.today), -1)
    world = drill_stories.Demo(demo, rel, add_months(end, -2), end)
    drill_stories.test_every_number_drills_down_to_exactly_the_records_behind_it(world, category, back)


def test_a_rolling_value_drills_down_to_the_records_of_its_window(demo: DemoContext) -> None:
    rel = demo.relationships[TELCO_A]
    end = add_months(month_of(demo.today), -1)
    world = drill_stories.Demo(demo, rel, add_months(end, -2), end)
    rolling = drill_stories.test_a_rolling_value_drills_down_to_the_records_of_every_month_of_its_window
    rolling(world, "ALL", 3)
