"""The rules of judging, as pure functions (no ORM): whether a value meets a target, how far short it
is, and how a gap follows a run of assessed periods. ``assessing.py`` and ``services.py`` feed them
stored rows; the tests feed them lists.

[Accord] decisions, written here once:
* A value is compared **as shown** (rounded as the measurements page rounds it), so "95.0 %" never
  fails a "≥ 95 %" target by a hidden 94.96.
* A period with no data neither meets nor misses: it neither breaks nor extends a run.
* A gap opens after ``open_after`` consecutive periods not met; it is *improving* from the first period
  met again, *closed* after ``close_after`` consecutive periods met, and *reopened* (the same gap,
  ``times_opened`` + 1) when missed ``open_after`` times in a row after closing. An improving gap that
  misses again is open again.
* A gap's size is its shortfall in the measure's unit (positive: short of the target); its trend
  compares the last two values against the measure's direction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
OPEN, IMPROVING, CLOSED = "open", "improving", "closed"
BETTER, WORSE, FLAT, UNKNOWN = "better", "worse", "flat", ""

HIGHER_IS_BETTER = ("at_least", "above")


def meets(value: float, comparator: str, target: float) -> bool:
    if comparator == "at_least":
        return value >= target
    if comparator == "above":
        return value > target
    if comparator == "at_most":
        return value <= target
    if comparator == "below":
        return value < target
    raise ValueError(f"unknown comparator {comparator!r}")


def result_of(value: float | None, comparator: str, target: float) -> str:
    if value is None:
        return NO_DATA
    return MET if meets(value, comparator, target) else NOT_MET


def shortfall(value: float | None, comparator: str, target: float | None) -> float | None:
    """How far ``value`` falls short of ``target`` (positive: short; zero or less: met)."""
    if value is None or target is None:
        return None
    return target - value if comparator in HIGHER_IS_BETTER else value - target


def trend(values: Sequence[float | None], comparator: str) -> str:
    """The direction of the last two known values (better, worse, flat), else unknown."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return UNKNOWN
    before, last = known[-2], known[-1]
    if last == before:
        return FLAT
    up = last > before
    return BETTER if up == (comparator in HIGHER_IS_BETTER) else WORSE


@dataclass(frozen=True)
class Period:
    month: str
    result: str  # MET, NOT_MET or NO_DATA
    value: float | None = None
    target: float | None = None


@dataclass(frozen=True)
class GapState:
    status: str
    since: str  # the first missed month of the run that opened (or reopened) it
    opened_month: str
    last_month: str
    closed_month: str = ""
    value: float | None = None
    target: float | None = None
    size: float | None = None
    trend: str = UNKNOWN
    met_streak: int = 0
    times_opened: int = 1

    @property
    def is_open(self) -> bool:
        return self.status in (OPEN, IMPROVING)


def follow(
    periods: Sequence[Period], *, comparator: str, open_after: int = 1, close_after: int = 3
) -> GapState | None:
    """The gap after ``periods`` (in month order), or None when none ever opened."""
    if open_after < 1 or close_after < 1:
        raise ValueError("open_after and close_after are at least 1")
    state: GapState | None = None
    missed = met = 0
    run_start = ""
    values: list[float | None] = []
    for p in periods:
        if p.result == NO_DATA:
            continue
        values.append(p.value)
        if p.result == NOT_MET:
            missed, met = missed + 1, 0
            if missed == 1:
                run_start = p.month
            if state is None or state.status == CLOSED:
                if missed >= open_after:
                    times = 1 if state is None else state.times_opened + 1
                    state = GapState(
                        status=OPEN,
                        since=run_start,
                        opened_month=p.month,
                        last_month=p.month,
                        times_opened=times,
                    )
            elif state.status == IMPROVING:
                state = replace(state, status=OPEN, since=run_start)
        else:
            missed, met = 0, met + 1
            if state is not None and state.is_open:
                closed = met >= close_after
                state = replace(
                    state, status=CLOSED if closed else IMPROVING, closed_month=p.month if closed else ""
                )
        if state is not None and (state.is_open or state.closed_month == p.month):
            state = replace(
                state,
                last_month=p.month,
                value=p.value,
                target=p.target,
                size=shortfall(p.value, comparator, p.target),
                trend=trend(values, comparator),
                met_streak=met,
            )
    return state
