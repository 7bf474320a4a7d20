import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accord.lib.demo import generate
from accord.parties.models import Party
from accord.system.demo_passwords import demo_password
from accord.system.management.commands.load_demo import print_sign_ins


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
        if not no_worker:
            worker = subprocess.Popen(
                [sys.executable, "-m", "accord.cli", "worker"], env={**os.environ, "DEBUG": "true"}
            )
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
