from typing import Any

from django.core.management.base import BaseCommand

from accord.system.services import run_due_jobs


class Command(BaseCommand):
    help = "Run the periodic jobs that are due. Idempotent: each job runs once per slot (hour or day)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--job", help="Run only this job.")

    def handle(self, *args: Any, job: str | None = None, **options: Any) -> None:
        for result in run_due_jobs(only=job):
            state = "ran" if result.ran else "skipped"
            self.stdout.write(f"{result.job} [{result.slot}] {state}: {result.outcome}")
