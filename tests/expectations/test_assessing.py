"""Monthly assessment from the measurements engine: which terms govern which month, which months are
assessed, rolling bases, idempotence and the daily job."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from accord.expectations import assessing
from accord.expectations.models import Assessment, Gap
from accord.expectations.services import Terms, propose_change
from accord.parties.access import access_from
from accord.system.services import run_due_jobs
from tests.expectations.helpers import OTI_95, agree, agreed
from tests.expectations.test_gap_end_to_end import ORDER, lines
from tests.operations.helpers import csv_file, do_import

MARCH_15 = datetime(2026, 3, 15, 12, tzinfo=UTC)


def results(expectation: Any) -> dict[str, tuple[str, float | None, float | None]]:
    return {
        a.month: (a.result, a.value, a.target) for a in Assessment.objects.filter(expectation=expectation)
    }


@pytest.fixture
def load(world: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Import order lines (on time, late) of each month, and run what waits for the commit."""

    def load(*months: tuple[str, int, int]) -> None:
        rows = [row for month, on_time, late in months for row in lines(month, on_time, late)]
        with django_capture_on_commit_callbacks(execute=True):
            assert do_import(world, "order-lines", csv_file(tmp_path, ORDER, rows, "lines.csv")).errors == []

    return load


def test_months_before_the_agreement_are_history_and_open_no_gap(world: Any, load: Any) -> None:
    with time_machine.travel(MARCH_15):
        load(("2025-12", 1, 1), ("2026-01", 10, 0))
        expectation = agreed(world)  # in force from February; assessed back a year
    found = results(expectation)
    assert min(found) == "2025-03" and max(found) == "2026-02"  # a year, ending with the first month in force
    assert found["2025-12"] == ("not_met", 50.0, 95.0)
    assert found["2026-01"] == ("met", 100.0, 95.0)
    assert found["2026-02"] == ("no_data", None, 95.0)
    assert not Gap.objects.exists()  # December was missed before the terms took effect


def test_a_rolling_basis_pools_the_counts_of_its_window(world: Any, load: Any) -> None:
    rolling = Terms(**{**OTI_95.__dict__, "basis": 3})
    with time_machine.travel(MARCH_15):
        load(("2025-12", 1, 1), ("2026-01", 10, 0), ("2026-02", 8, 0))
        expectation = agreed(world, rolling)
    february = Assessment.objects.get(expectation=expectation, month="2026-02")
    assert (february.numerator, february.denominator, february.value) == (19, 20, 95.0)
    assert february.result == "met"


def test_agreed_new_terms_govern_the_months_from_their_agreement(world: Any, load: Any) -> None:
    with time_machine.travel(MARCH_15):
        load(("2026-02", 9, 1))
        expectation = agreed(world, Terms(**{**OTI_95.__dict__, "target": 90}))
    assert results(expectation)["2026-02"] == ("met", 90.0, 90.0)
    with time_machine.travel(datetime(2026, 5, 10, 12, tzinfo=UTC)):
        load(("2026-02", 9, 1), ("2026-04", 9, 1))
        expectation.refresh_from_db()
        propose_change(
            access=access_from(world.carol, world.nw_ta),
            expectation=expectation,
            version=expectation.version,
            terms=OTI_95,
            reason="The network roll-out needs tighter deliveries",
        )
        assert results(expectation)["2026-04"] == ("met", 90.0, 90.0)  # the old terms stay in force
        agree(world, expectation)
    found = results(expectation)
    assert found["2026-02"] == ("met", 90.0, 90.0)  # months before keep the terms of their time
    assert found["2026-04"] == ("not_met", 90.0, 95.0)  # in force from April
    assert Gap.objects.get(expectation=expectation).since == "2026-04"


def test_assessing_again_changes_nothing(world: Any, load: Any) -> None:
    with time_machine.travel(MARCH_15):
        load(("2026-02", 8, 2))
        expectation = agreed(world)
        before = list(Assessment.objects.values_list("pk", "month", "result", "updated_at"))
        again = assessing.assess_relationship(world.nw_ta)
    assert (again.assessed, again.opened, again.closed) == (0, 0, 0)
    assert list(Assessment.objects.values_list("pk", "month", "result", "updated_at")) == before
    assert Gap.objects.get(expectation=expectation).times_opened == 1


def test_the_daily_job_assesses_the_month_just_completed(world: Any, load: Any) -> None:
    with time_machine.travel(MARCH_15):
        load(("2026-02", 10, 0), ("2026-03", 5, 5))
        expectation = agreed(world)
    assert "2026-03" not in results(expectation)  # March was not complete yet
    april_first = datetime(2026, 4, 1, 6, tzinfo=UTC)
    with time_machine.travel(april_first):
        ran = {r.job: r for r in run_due_jobs(now=april_first)}
    assert ran["expectations.assess"].ran
    assert results(expectation)["2026-03"] == ("not_met", 50.0, 95.0)
    assert Gap.objects.get(expectation=expectation).since == "2026-03"
    with time_machine.travel(april_first):
        again = {r.job: r for r in run_due_jobs(now=april_first)}
    assert again["expectations.assess"].outcome == "already ran"


def test_an_import_reassesses_from_its_first_month_only(world: Any, load: Any) -> None:
    with time_machine.travel(datetime(2026, 5, 10, 12, tzinfo=UTC)):
        load(("2026-02", 8, 2), ("2026-03", 10, 0))
        expectation = agreed(world)  # in force from April; assessed back to 2025-05
        Assessment.objects.filter(expectation=expectation, month="2026-03").update(value=1.0)
        load(("2026-04", 9, 1))
        found = results(expectation)
        assert found["2026-03"] == ("met", 1.0, 95.0)  # its facts did not change: not read again
        assert found["2026-04"] == ("not_met", 90.0, 95.0)
        assessing.assess_relationship(world.nw_ta)  # every month: March is put right
    assert results(expectation)["2026-03"] == ("met", 100.0, 95.0)
