"""`make bench`: Accord's speed goals, measured on a fresh database and printed as one table.

Each case builds its data, warms up, then times repeated requests through Django's test client (the
server's time: routing, queries, rendering). Machines here are shared and noisy, so compare ratios
measured in the same run rather than absolute numbers across runs. Uses DATABASE_URL when set
(PostgreSQL), otherwise a temporary SQLite file.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ.setdefault("ACCORD_DATA_DIR", tempfile.mkdtemp(prefix="accord-bench-"))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("ACCORD_HTTPS", "false")


GROUPS = ["register", "imports", "measurements", "meetings", "expectations", "feedback", "reports"]


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as in production (manifest storage)
    from importlib import import_module

    # ``python -m bench.run imports`` runs one group; no argument, all of them
    for group in sys.argv[1:] or GROUPS:
        import_module(f"bench.{group}")  # registers its cases; they run in this order
    from bench.core import CASES, Row

    rows: list[Row] = []
    for func in CASES:
        rows.extend(func())
    print(f"\nAccord benchmarks on {connection.vendor} ({time.strftime('%Y-%m-%d %H:%M')})\n")
    header = f"{'case':<44} {'size':>14} {'median ms':>10} {'p90 ms':>8} {'queries':>8}  {'goal':<28} ok"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.case:<44} {r.size:>14} {r.median_ms:>10.1f} {r.p90_ms:>8.1f} {r.queries:>8}  {r.goal:<28} "
            f"{'yes' if r.ok else 'NO'}"
        )
    print()
    if not all(r.ok for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
