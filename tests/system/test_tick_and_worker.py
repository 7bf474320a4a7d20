from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from accord.lib.periodic import REGISTRY, periodic, slot_for
from accord.system.models import JobRun
from accord.system.services import run_due_jobs


@pytest.fixture
def counting_job() -> Any:
    calls: list[datetime] = []

    @periodic("test.counting", every="hour")
    def job(now: datetime) -> str:
        calls.append(now)
        return f"call {len(calls)}"

    yield calls
    REGISTRY.pop("test.counting")


def test_a_job_runs_once_per_slot(db: Any, counting_job: list[datetime]) -> None:
    now = datetime(2026, 11, 25, 10, 5, tzinfo=UTC)
    first = {r.job: r for r in run_due_jobs(now=now)}
    again = {r.job: r for r in run_due_jobs(now=now.replace(minute=59))}
    later = {r.job: r for r in run_due_jobs(now=now.replace(hour=11))}
    assert first["test.counting"].ran and not again["test.counting"].ran and later["test.counting"].ran
    assert len(counting_job) == 2
    assert JobRun.objects.get(job="test.counting", slot="2026-11-25T10").outcome == "call 1"


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(
    db: Any, counting_job: list[datetime]
) -> None:
    @periodic("test.broken", every="day")
    def broken(now: datetime) -> str:
        raise RuntimeError("boom")

    try:
        results = {r.job: r for r in run_due_jobs(now=datetime(2026, 1, 1, tzinfo=UTC))}
    finally:
        REGISTRY.pop("test.broken")
    assert results["test.broken"].outcome == "failed: boom"
    assert results["test.counting"].ran


def test_slots_are_utc_minutes_hours_or_days() -> None:
    now = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    assert [slot_for(e, now) for e in ("minute", "hour", "day")] == [
        "2026-03-04T05:06",
        "2026-03-04T05",
        "2026-03-04",
    ]


def test_the_foundation_registers_its_house_keeping_jobs(db: Any) -> None:
    names = {r.job for r in run_due_jobs(now=datetime(2026, 5, 5, tzinfo=UTC))}
    assert {"system.prune_finished_tasks", "accounts.forget_login_failures"} <= names


def test_tick_command_prints_what_ran(db: Any, capsys: Any) -> None:
    call_command("tick")
    call_command("tick")
    out = capsys.readouterr().out
    assert "system.prune_finished_tasks" in out and "ran" in out and "skipped: already ran" in out


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_queued_email_from_the_database_queue(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from django_tasks_db.models import DBTaskResult

    from accord.lib.mail import queue_email

    queue_email(
        to=["someone@example.org"], subject="Hello", template="email/password_reset_subject.txt", context={}
    )
    assert mail.outbox == [] and DBTaskResult.objects.count() == 1
    call_command("worker", batch=True, verbosity=0)
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_the_worker_outlives_a_locked_database(settings: Any, monkeypatch: Any, caplog: Any) -> None:
    """A "database is locked" past the busy timeout (a long import on SQLite) used to end `accord
    worker`; it now logs, waits and goes on, and still runs the queued task."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker

    from accord.lib.mail import queue_email
    from accord.system.management.commands import worker as worker_command

    real_run = db_worker.Worker.run
    calls: list[int] = []

    def locked_twice(self: Any) -> None:
        calls.append(1)
        if len(calls) <= 2:
            raise OperationalError("database is locked")
        real_run(self)

    monkeypatch.setattr(db_worker.Worker, "run", locked_twice)
    monkeypatch.setattr(worker_command, "BACKOFF_FIRST", 0.0, raising=False)
    template = "email/password_reset_subject.txt"
    queue_email(to=["x@example.org"], subject="Later", template=template, context={})
    with caplog.at_level("WARNING", logger="accord.system.management.commands.worker"):
        call_command("worker", batch=True, verbosity=0)
    assert len(calls) == 3
    assert [m.subject for m in mail.outbox] == ["Later"]
    assert "database is locked" in caplog.text
