"""The meetings' rhythm on fixed dates (pure functions, no database): per approach the last and next
meeting and a broken cadence; a quality review alternates its location; a site visit goes where the
equipment is young."""

from __future__ import annotations

from datetime import UTC, date, datetime

from accord.meetings.cadence import (
    Held,
    Unit,
    approach_states,
    plus_months,
    propose_host,
    rank_sites,
    site_age,
)
from accord.meetings.models import Kind

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
START = date(2025, 1, 1)
MONTHS = {"A": 6, "B": 6, "D": 3}


def held(n: int, kind: str, day: date, *, where: str = "supplier", status: str = "held") -> Held:
    at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    return Held(n, 1, kind, f"m{n}", at, status, where)


def state(meetings: list[Held], approach: str, start: date = START) -> object:
    states = {s.approach: s for s in approach_states(meetings, months=MONTHS, start=start, now=NOW)}
    return states[approach]


def test_plus_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert plus_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert plus_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert plus_months(date(2026, 6, 1), -6) == date(2025, 12, 1)


def test_a_team_that_met_within_six_months_is_on_cadence() -> None:
    s = state([held(1, Kind.SET, date(2026, 7, 1))], "A")
    assert not s.broken
    assert s.last.id == 1 and s.due_by == date(2027, 1, 1)


def test_a_team_that_has_not_met_for_more_than_six_months_is_broken() -> None:
    s = state([held(1, Kind.SET, date(2026, 5, 1))], "A")
    assert s.broken and s.due_by == date(2026, 11, 1)


def test_a_meeting_scheduled_later_does_not_mend_a_gap_that_is_already_too_long() -> None:
    s = state(
        [held(1, Kind.SET, date(2026, 5, 1)), held(2, Kind.SET, date(2027, 1, 10), status="scheduled")], "A"
    )
    assert s.broken and s.next.id == 2


def test_without_any_meeting_the_gap_counts_from_the_relationships_start() -> None:
    assert state([], "D", start=date(2026, 10, 1)).broken is False
    assert state([], "D", start=date(2026, 8, 1)).broken is True


def test_cancelled_meetings_do_not_count() -> None:
    s = state(
        [held(1, Kind.PROGRAM_REVIEW, date(2026, 11, 1), status="cancelled")], "D", start=date(2026, 1, 1)
    )
    assert s.last is None and s.broken


def test_two_quality_reviews_in_a_row_at_the_organizations_location_break_the_alternation() -> None:
    twice = [held(1, Kind.QUALITY_REVIEW, date(2026, 6, 1)), held(2, Kind.QUALITY_REVIEW, date(2026, 11, 1))]
    s = state(twice, "B")
    assert s.broken and "same kind of location" in s.reasons[0]


def test_alternating_quality_reviews_are_on_cadence() -> None:
    alternating = [
        held(1, Kind.QUALITY_REVIEW, date(2026, 6, 1)),
        held(2, Kind.SITE_VISIT, date(2026, 11, 1), where="customer"),
        held(3, Kind.QUALITY_REVIEW, date(2027, 3, 1), status="scheduled"),
    ]
    s = state(alternating, "B")
    assert not s.broken and (s.last.id, s.next.id) == (2, 3)


def test_a_next_review_planned_at_the_same_kind_of_location_is_flagged() -> None:
    planned = [
        held(1, Kind.SITE_VISIT, date(2026, 11, 1), where="customer"),
        held(2, Kind.SITE_VISIT, date(2027, 2, 1), where="customer", status="scheduled"),
    ]
    assert state(planned, "B").broken


def test_a_quality_review_proposes_the_host_opposite_to_the_last_one() -> None:
    after_ours = propose_host("supplier")
    assert (after_ours.kind, after_ours.host_side) == (Kind.SITE_VISIT, "customer")
    after_theirs = propose_host("customer")
    assert (after_theirs.kind, after_theirs.host_side) == (Kind.QUALITY_REVIEW, "supplier")
    assert propose_host(None).host_side == "supplier"


TODAY = date(2026, 12, 6)


def test_a_sites_age_is_weighted_by_quantity_and_ignores_units_not_in_service_yet() -> None:
    units = [Unit(1, 3, date(2026, 9, 6)), Unit(1, 1, date(2025, 12, 6)), Unit(1, 5, date(2027, 1, 1))]
    age, count = site_age(units, TODAY)
    assert count == 4
    assert age == round((3 * 91 + 365) / 4)


def test_sites_in_the_preferred_three_to_six_months_come_first() -> None:
    sites = [(1, "Old"), (2, "Young"), (3, "Preferred"), (4, "Empty"), (5, "Almost a year")]
    units = [
        Unit(1, 2, date(2024, 1, 1)),
        Unit(2, 2, date(2026, 11, 20)),
        Unit(3, 2, date(2026, 8, 1)),
        Unit(5, 2, date(2026, 1, 1)),
    ]
    ranked = rank_sites(sites, units, TODAY)
    assert [s.name for s in ranked] == ["Preferred", "Young", "Almost a year", "Old", "Empty"]
    assert [s.qualifies for s in ranked] == [True, True, True, False, False]
    assert [s.preferred for s in ranked] == [True, False, False, False, False]


def test_no_site_qualifies_when_all_equipment_is_a_year_old_or_more() -> None:
    ranked = rank_sites([(1, "Old"), (2, "Empty")], [Unit(1, 1, date(2025, 12, 6))], TODAY)
    assert not any(s.qualifies for s in ranked)
    assert ranked[0].age_days == 365
