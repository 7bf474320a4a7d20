import os
import signal
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accord.lib.demo import generate
from accord.parties.models import Party
from accord.system.demo_passwords import demo_password
from accord.system.management.commands.load_demo import print_sign_ins
from accord.system.supervisor import Supervisor


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(0)  # as Ctrl-C does: the server stops and the worker is stopped with it


class Command(BaseCommand):
    help = "Run Accord with demo data: migrate, load the demo data when empty, serve and run a worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="Do not start a background worker.")

    def handle(self, *args: Any, port: int, no_worker: bool, **options: Any) -> None:
        if "ACCORD_BASE_URL" not in os.environ:  # links in e-mails point to the port served
            os.environ["ACCORD_BASE_URL"] = settings.ACCORD_BASE_URL = f"http://127.0.0.1:{port}"
        call_command("migrate", interactive=False, verbosity=0)
        password = demo_password()
        if not Party.objects.exists():
            self.stdout.write("Loading demo data…")
            generate(password=password)
        print_sign_ins(self.stdout, password)
        self.stdout.write(f"\nAccord runs on http://127.0.0.1:{port}/  (Ctrl-C stops it)\n")
        worker = None
        if not no_worker:  # started again whenever it dies (1 s, doubling to 60 s while it keeps dying)
            worker = Supervisor(
                [sys.executable, "-m", "accord.cli", "worker"], env={**os.environ, "ACCORD_DEMO": "true"}
            )
            worker.start()
        previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)
        finally:
            signal.signal(signal.SIGTERM, previous)
            if worker is not None:
                worker.stop()
