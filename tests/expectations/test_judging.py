"""The pure rules of judging: meeting a target, the shortfall, the trend, and how a gap follows a run
of periods (with property tests over random runs)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.expectations import judging
from accord.expectations.judging import MET, NO_DATA, NOT_MET, Period, follow


def run(*results: str, value: float | None = None) -> list[Period]:
    return [Period(f"2026-{i + 1:02d}", r, value, 95.0) for i, r in enumerate(results)]


@pytest.mark.parametrize(
    ("value", "comparator", "target", "met"),
    [
        (95.0, "at_least", 95.0, True),
        (94.99, "at_least", 95.0, False),
        (95.0, "above", 95.0, False),
        (1.5, "at_most", 1.5, True),
        (1.5, "below", 1.5, False),
        (1.4, "below", 1.5, True),
    ],
)
def test_meets(value: float, comparator: str, target: float, met: bool) -> None:
    assert judging.meets(value, comparator, target) is met


def test_an_unknown_comparator_is_an_error() -> None:
    with pytest.raises(ValueError):
        judging.meets(1, "about", 1)


def test_no_value_is_no_data() -> None:
    assert judging.result_of(None, "at_least", 95) == NO_DATA
    assert judging.result_of(96, "at_least", 95) == MET


def test_shortfall_is_positive_when_short_either_way() -> None:
    assert judging.shortfall(80, "at_least", 95) == 15
    assert judging.shortfall(2.0, "at_most", 1.5) == 0.5
    assert judging.shortfall(None, "at_most", 1.5) is None


def test_trend_follows_the_direction_of_the_comparator() -> None:
    assert judging.trend([80, 90], "at_least") == judging.BETTER
    assert judging.trend([2.0, 1.0], "at_most") == judging.BETTER
    assert judging.trend([90, 80], "at_least") == judging.WORSE
    assert judging.trend([90, None, 90], "at_least") == judging.FLAT
    assert judging.trend([90], "at_least") == judging.UNKNOWN


def test_a_gap_opens_improves_closes_and_reopens() -> None:
    periods = run(NOT_MET, MET, MET, MET, NOT_MET)
    assert follow(periods[:1], comparator="at_least").status == "open"
    assert follow(periods[:2], comparator="at_least").status == "improving"
    closed = follow(periods[:4], comparator="at_least")
    assert (closed.status, closed.closed_month, closed.met_streak) == ("closed", "2026-04", 3)
    reopened = follow(periods, comparator="at_least")
    assert (reopened.status, reopened.times_opened, reopened.since) == ("open", 2, "2026-05")


def test_open_after_needs_consecutive_misses() -> None:
    assert follow(run(NOT_MET, MET, NOT_MET), comparator="at_least", open_after=2) is None
    gap = follow(run(NOT_MET, NO_DATA, NOT_MET), comparator="at_least", open_after=2)
    assert gap is not None and (gap.since, gap.opened_month) == ("2026-01", "2026-03")


def test_an_improving_gap_that_misses_again_is_open() -> None:
    gap = follow(run(NOT_MET, MET, NOT_MET), comparator="at_least")
    assert (gap.status, gap.times_opened, gap.met_streak) == ("open", 1, 0)


def test_nothing_below_one_period() -> None:
    with pytest.raises(ValueError):
        follow([], comparator="at_least", open_after=0)


RESULTS = st.lists(st.sampled_from([MET, NOT_MET, NO_DATA]), max_size=30)
AFTER = st.integers(min_value=1, max_value=4)


def _brute(results: list[str], open_after: int, close_after: int) -> tuple[str | None, int]:
    """The gap's status and times opened, by counting runs directly."""
    status: str | None = None
    times = missed = met = 0
    for r in results:
        if r == NO_DATA:
            continue
        if r == NOT_MET:
            missed, met = missed + 1, 0
            if status in (None, "closed") and missed >= open_after:
                status, times = "open", times + 1
            elif status == "improving":
                status = "open"
        else:
            missed, met = 0, met + 1
            if status in ("open", "improving"):
                status = "closed" if met >= close_after else "improving"
    return status, times


@settings(max_examples=300, deadline=None)
@given(results=RESULTS, open_after=AFTER, close_after=AFTER)
def test_the_gap_follows_the_runs(results: list[str], open_after: int, close_after: int) -> None:
    gap = follow(run(*results), comparator="at_least", open_after=open_after, close_after=close_after)
    status, times = _brute(results, open_after, close_after)
    assert (gap.status if gap else None, gap.times_opened if gap else 0) == (status, times)


@settings(max_examples=300, deadline=None)
@given(results=RESULTS, open_after=AFTER, close_after=AFTER)
def test_a_gap_never_closes_without_close_after_met_periods_in_a_row(
    results: list[str], open_after: int, close_after: int
) -> None:
    gap = follow(run(*results), comparator="at_least", open_after=open_after, close_after=close_after)
    if gap is None or gap.status != "closed":
        return
    known = [r for r in results[: int(gap.closed_month[5:])] if r != NO_DATA]
    assert known[-close_after:] == [MET] * close_after


@settings(max_examples=300, deadline=None)
@given(results=RESULTS, open_after=AFTER, close_after=AFTER, at=st.integers(min_value=0, max_value=30))
def test_a_period_without_data_changes_nothing(
    results: list[str], open_after: int, close_after: int, at: int
) -> None:
    """Inserting a no-data month anywhere leaves the gap's status, streak and times opened as they were."""
    with_gap = [*results[:at], NO_DATA, *results[at:]]
    before = follow(run(*results), comparator="at_least", open_after=open_after, close_after=close_after)
    after = follow(run(*with_gap), comparator="at_least", open_after=open_after, close_after=close_after)
    shape = lambda g: None if g is None else (g.status, g.met_streak, g.times_opened)  # noqa: E731
    assert shape(before) == shape(after)


@settings(max_examples=200, deadline=None)
@given(results=RESULTS, open_after=AFTER)
def test_a_gap_opens_only_after_open_after_misses_in_a_row(results: list[str], open_after: int) -> None:
    gap = follow(run(*results), comparator="at_least", open_after=open_after)
    known = [r for r in results if r != NO_DATA]
    longest = max((len(s) for s in "".join("x" if r == NOT_MET else " " for r in known).split()), default=0)
    assert (gap is not None) == (longest >= open_after)
