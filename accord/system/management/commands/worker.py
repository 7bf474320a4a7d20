import logging
import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import OperationalError, close_old_connections, connections

from accord.system.services import run_due_jobs
from accord.system.supervisor import pause

log = logging.getLogger(__name__)

# After a database error (SQLite's "database is locked" past the busy timeout, a PostgreSQL restart)
# the worker waits, doubling the wait up to the most, and goes on; a quiet minute starts it over.
BACKOFF_FIRST = 1.0
BACKOFF_MOST = 30.0


def tick_forever(interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            run_due_jobs()
        except Exception:  # the worker keeps going; the next minute tries again
            log.exception("tick failed")
        finally:
            close_old_connections()
        pause(stop, interval)


class Command(BaseCommand):
    help = "Run background tasks (e-mail, imports, reports) and, every minute, the periodic jobs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-tick", action="store_true", help="Do not run the periodic jobs.")
        parser.add_argument("--batch", action="store_true", help="Run the queued tasks, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between queue polls.")

    def handle(
        self, *args: Any, no_tick: bool = False, batch: bool = False, interval: float = 1.0, **options: Any
    ) -> None:
        stop = threading.Event()
        if not no_tick and not batch:
            threading.Thread(target=tick_forever, args=(60.0, stop), daemon=True, name="accord-tick").start()
        try:
            run_until_done(batch=batch, interval=interval, verbosity=options.get("verbosity", 1))
        finally:
            stop.set()
            time.sleep(0)


def run_until_done(*, batch: bool, interval: float, verbosity: int) -> None:
    """django-tasks-db's ``db_worker``, started again after a database error instead of exiting."""
    wait, last_error = BACKOFF_FIRST, 0.0
    while True:
        try:
            call_command("db_worker", batch=batch, interval=interval, reload=False, verbosity=verbosity)
            return
        except OperationalError as exc:
            now = time.monotonic()
            if now - last_error > 60:
                wait = BACKOFF_FIRST
            last_error = now
            log.warning("the worker met a database error (%s); it goes on in %g s", exc, wait)
            connections.close_all()
            time.sleep(wait)
            wait = min(wait * 2, BACKOFF_MOST)
