"""Import lock benchmark: other relationships' writes while a large import runs (issue 9, defect 3).

A supplier imports ``ACCORD_BENCH_LOCK_ROWS`` shipments (default 1,000,000) into its relationship
with Telco A as an import batch, exactly as ``accord worker`` runs one (``execute_batch``), in a
process of its own (forked: its own database connection, as the worker's). Meanwhile ``WRITERS``
(3) of Telco B's admins create action items in the *other* relationship through the API (``POST
…/action-items`` with a bearer token, through Django's test client, each one request after another
with ``ACCORD_BENCH_LOCK_GAP`` seconds, 0.1, between them). The same file is then imported again,
unchanged.

Printed per run: rows, the import's total seconds, how long its write transaction lasted
(``ImportResult.write_seconds``: on SQLite the only time it holds the database's one write lock; on
PostgreSQL it locks only the rows it writes), the writes tried and succeeded while the import ran,
and their median and longest time.

``python -m bench.run import_lock`` runs it as a benchmark case; ``python -m bench.import_lock --rows
N --json`` runs it on the database of the environment (migrating it first) and prints the figures
as JSON (``tests/operations/test_import_lock.py`` does that on a SQLite file of its own).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from accord.system.supervisor import pause
from bench.core import Row, case

SLUG_A, SLUG_B = "lock-telco-a", "lock-telco-b"
PRODUCTS = [f"LK-{n:02d}" for n in range(6)]
GAP = float(os.environ.get("ACCORD_BENCH_LOCK_GAP", "0.1"))  # seconds between two writes of Telco B
WRITERS = int(os.environ.get("ACCORD_BENCH_LOCK_WRITERS", "3"))


@dataclass
class Figures:
    label: str
    rows: int
    import_seconds: float = 0.0
    write_seconds: float = 0.0  # the import's write transaction
    writes_tried: int = 0
    writes_succeeded: int = 0
    max_write_ms: float = 0.0
    median_write_ms: float = 0.0
    status: str = ""
    created: int = 0
    unchanged: int = 0
    failures: list[str] = field(default_factory=list)


def build_world() -> tuple[int, str, int]:
    """Northwind-like supplier, Telco A and Telco B; the importer's pk, Telco B's token, B's relationship."""
    from accord.accounts.models import User
    from accord.accounts.services import create_api_token
    from accord.parties import services as parties
    from accord.parties.models import ProductCategory

    supplier = parties.create_party(actor=None, name="Lock bench supplier", slug="lock-supplier")
    telco_a = parties.create_party(actor=None, name="Lock bench Telco A", slug="lock-telco-a-party")
    telco_b = parties.create_party(actor=None, name="Lock bench Telco B", slug="lock-telco-b-party")
    parties.create_relationship(
        actor=None, supplier=supplier, customer=telco_a, slug=SLUG_A, item_prefix="LKA"
    )
    rel_b = parties.create_relationship(
        actor=None, supplier=supplier, customer=telco_b, slug=SLUG_B, item_prefix="LKB"
    )
    importer = User.objects.create_user("importer@lock.example", "bench-password-1", full_name="Importer")
    writer = User.objects.create_user("mallory@lock.example", "bench-password-2", full_name="Telco B admin")
    parties.add_member(actor=None, party=supplier, user=importer, role="editor")
    parties.add_member(actor=None, party=telco_b, user=writer, role="admin")
    category, _ = ProductCategory.objects.get_or_create(code="1.2.7", defaults={"name": "Category 1.2.7"})
    for code in PRODUCTS:
        parties.create_product(
            actor=None, supplier=supplier, code=code, name=f"Product {code}", category=category
        )
    _token, raw = create_api_token(user=writer, name="lock bench")
    return importer.pk, raw, rel_b.pk


def write_file(path: Path, rows: int) -> None:
    """``rows`` shipments over three years (a clean file: the columnar reader takes it)."""
    days = [f"{2023 + d // 336}-{(d // 28) % 12 + 1:02d}-{d % 28 + 1:02d}" for d in range(3 * 336)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("shipment_id,product_code,ship_date,quantity,serial\n")
        for n in range(rows):
            day, serial = days[(n * 7919) % len(days)], n * 104729 % 9999991
            handle.write(f"S{n:08d},{PRODUCTS[n % 6]},{day},{n % 5 + 1},SN{serial:07d}\n")


def _import_in_child(path: str, importer_pk: int, out: Any) -> None:
    """Run the import as a batch in this (forked) process, as the worker does; send back the figures."""
    from django.db import connections
    from django.test.utils import override_settings

    from accord.accounts.models import User
    from accord.operations.services import create_batch, execute_batch
    from accord.parties.access import relationship_for_user

    connections.close_all()  # never share the parent's connection
    found: dict[str, Any] = {"failures": []}
    try:
        access = relationship_for_user(User.objects.get(pk=importer_pk), slug=SLUG_A, write=True)
        start = time.perf_counter()
        with override_settings(ACCORD_IMPORT_MAX_MB=2000):  # as an operator would, for a file this big
            batch, _size = create_batch(
                access=access, kind="shipments", upload_path=path, file_name=Path(path).name
            )
            batch, result = execute_batch(batch.pk)
        found["import_seconds"] = time.perf_counter() - start
        found.update(status=str(batch.status), created=batch.created, unchanged=batch.unchanged)
        found["write_seconds"] = result.write_seconds if result is not None else 0.0
        if batch.message:
            found["failures"].append(batch.message)
    except BaseException as exc:  # report, never hang the parent
        found["failures"].append(f"import: {exc!r}")
    finally:
        connections.close_all()
        out.send(found)
        out.close()


_writer = threading.local()


def _writer_busy_timeout(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A writer thread's SQLite connections wait ``_writer.busy_timeout`` seconds for the lock."""
    seconds = getattr(_writer, "busy_timeout", None)
    if seconds is not None and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")


def measure(
    path: Path,
    label: str,
    rows: int,
    importer_pk: int,
    token: str,
    rel_b_pk: int,
    *,
    gap: float = GAP,
    busy_timeout: float | None = None,
) -> Figures:
    """Import ``path`` as a batch in a child process while Telco B writes from this one; the figures."""
    import multiprocessing

    from django.db import connection, connections
    from django.test import Client

    figures = Figures(label=label, rows=rows)
    if (
        connection.vendor == "sqlite"
    ):  # start from an empty write-ahead log: no checkpoint of earlier runs in the figures
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connections.close_all()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_import_in_child, args=(str(path), importer_pk, send))
    child.start()
    send.close()
    url = f"/api/v1/relationships/{rel_b_pk}/action-items"
    latencies: list[float] = []
    stop, noting = threading.Event(), threading.Lock()

    def write(writer: int) -> None:
        _writer.busy_timeout = busy_timeout  # None: the configured one (ACCORD_SQLITE_BUSY_TIMEOUT)
        client = Client()
        while not stop.is_set():
            title = f"Written beside the import ({label}), writer {writer}"
            start = time.perf_counter()
            try:
                response = client.post(
                    url,
                    {"title": title, "owner_side": "joint"},
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}",
                )
                failure = "" if response.status_code == 201 else f"HTTP {response.status_code}"
            except Exception as exc:  # the test client raises what the view raised
                cause = exc.__context__  # e.g. "database is locked", under a failing error page
                failure = repr(exc) + (f" while handling {cause!r}" if cause is not None else "")
            with noting:
                latencies.append(time.perf_counter() - start)
                figures.writes_tried += 1
                if failure:
                    figures.failures.append(f"write {figures.writes_tried}: {failure}")
                else:
                    figures.writes_succeeded += 1
            pause(stop, gap)  # not stop.wait(gap), which never returns under faketime
        connections.close_all()

    writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in writers:
        thread.start()
    found = receive.recv()
    stop.set()
    child.join()
    for thread in writers:
        thread.join()
    figures.failures[:0] = found.pop("failures")
    for name, value in found.items():
        setattr(figures, name, value)
    figures.max_write_ms = max(latencies, default=0.0) * 1000
    figures.median_write_ms = statistics.median(latencies) * 1000 if latencies else 0.0
    return figures


def run(
    rows: int,
    *,
    gap: float = GAP,
    unchanged_gap: float | None = None,
    unchanged_busy_timeout: float | None = None,
) -> list[Figures]:
    """A new file of ``rows`` shipments, then the same file again, unchanged (while the writers write
    every ``unchanged_gap`` seconds and wait ``unchanged_busy_timeout`` seconds at most for the write
    lock, when given)."""
    from django.db.backends.signals import connection_created

    connection_created.connect(_writer_busy_timeout)
    importer_pk, token, rel_b_pk = build_world()
    folder = Path(tempfile.mkdtemp(prefix="accord-lock-"))
    path = folder / "shipments.csv"
    write_file(path, rows)
    try:
        return [
            measure(path, "new rows", rows, importer_pk, token, rel_b_pk, gap=gap),
            measure(
                path,
                "unchanged re-import",
                rows,
                importer_pk,
                token,
                rel_b_pk,
                gap=gap if unchanged_gap is None else unchanged_gap,
                busy_timeout=unchanged_busy_timeout,
            ),
        ]
    finally:
        path.unlink()


def table(figures: list[Figures], vendor: str) -> str:
    lines = [
        f"Writes of another relationship during an import ({vendor})",
        f"{'import':<22} {'rows':>10} {'import s':>9} {'write txn s':>13} "
        f"{'writes ok/tried':>16} {'median write ms':>16} {'max write ms':>13}",
    ]
    for f in figures:
        lines.append(
            f"{f.label:<22} {f.rows:>10,} {f.import_seconds:>9.1f} {f.write_seconds:>13.2f} "
            f"{f'{f.writes_succeeded}/{f.writes_tried}':>16} {f.median_write_ms:>16.0f} "
            f"{f.max_write_ms:>13.0f}"
        )
    return "\n".join(lines)


@case
def import_lock() -> list[Row]:
    from django.db import connection

    rows = int(os.environ.get("ACCORD_BENCH_LOCK_ROWS", "1000000"))
    figures = run(rows)
    print("\n" + table(figures, connection.vendor))
    for f in figures:
        if f.failures:
            print(f"  {f.label}: " + "; ".join(f.failures[:5]))
    return [
        Row(
            case=f"writes beside an import: {f.label}",
            size=f"{f.rows:,} rows",
            median_ms=f.median_write_ms,
            p90_ms=f.max_write_ms,  # the longest write, in the p90 column
            queries=f.writes_tried,  # the writes tried, in the queries column
            goal="every write succeeds",
            ok=f.status == "succeeded" and f.writes_tried > 0 and f.writes_succeeded == f.writes_tried,
        )
        for f in figures
    ]


def main() -> None:
    """``python -m bench.import_lock --rows N [--json]`` on the environment's database."""
    import argparse

    import bench.run  # noqa: F401  (the benchmark's environment defaults)

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=int(os.environ.get("ACCORD_BENCH_LOCK_ROWS", "1000000")))
    parser.add_argument("--gap", type=float, default=GAP, help="seconds between two writes")
    parser.add_argument("--unchanged-gap", type=float, default=None, help="--gap of the re-import")
    parser.add_argument(
        "--unchanged-busy-timeout",
        type=float,
        default=None,
        help="seconds the writers wait for the write lock during the unchanged re-import",
    )
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    figures = run(
        options.rows,
        gap=options.gap,
        unchanged_gap=options.unchanged_gap,
        unchanged_busy_timeout=options.unchanged_busy_timeout,
    )
    if options.json:
        print(json.dumps([asdict(f) for f in figures]))
    else:
        print(table(figures, connection.vendor))
    sys.exit(0)


if __name__ == "__main__":
    main()
