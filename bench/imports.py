"""Import benchmark: 1,000,000 returns from a CSV file through the real import, against a raw load.

The import is ``accord.lib.importing.run_import(kind="returns", …)`` exactly as ``accord import`` runs
it (validate every row, write in one transaction, recompute the monthly facts of the touched months).
It runs in a forked child process, so its peak memory can be read alone: **peak RSS growth** =
the child's high-water resident set size (``VmHWM``, which starts at the child's size when it is
forked) minus its resident set size before the import.

The raw load reads the same file with ``csv.reader`` and writes it into a plain table of the same
columns, without keys or indexes, in the same database and the same run: SQLite ``executemany``, or
PostgreSQL ``COPY … FROM STDIN`` (psycopg's ``cursor.copy``). Rows per second of the import over rows
per second of the raw load is the ratio (goal ≥ 10 %, aim 25 %).

``ACCORD_BENCH_RETURNS_ROWS`` sets the row count (default 1,000,000) for a quick run.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.core import Row, case

ROWS = int(os.environ.get("ACCORD_BENCH_RETURNS_ROWS", "1000000"))
SLUG = "bench-returns"
COLUMNS = [
    "return_id",
    "product_code",
    "received_date",
    "ship_date",
    "serial",
    "quantity",
    "reason",
    "no_trouble_found",
    "excluded_reason",
]
PRODUCTS = [(f"BR-{n:02d}", code) for n, code in enumerate(["1.2.7", "3.2.1", "8.1.1"] * 4)]
REASONS = ["No light on client port", "Fails self-test", "Fan failure", "Intermittent reboots", ""]
RAW_TABLE = "bench_raw_returns"


def _world() -> tuple[Any, Any]:
    from accord.accounts.models import User
    from accord.parties import services as parties
    from accord.parties.models import ProductCategory

    supplier = parties.create_party(actor=None, name="Returns bench supplier", slug="s-returns")
    customer = parties.create_party(actor=None, name="Returns bench customer", slug="c-returns")
    rel = parties.create_relationship(
        actor=None, supplier=supplier, customer=customer, slug=SLUG, item_prefix="BRT"
    )
    user = User.objects.create_user("importer@returns.example", "bench-password-1", full_name="Importer")
    parties.add_member(actor=None, party=supplier, user=user, role="editor")
    for code, category in PRODUCTS:
        cat, _ = ProductCategory.objects.get_or_create(
            code=category, defaults={"name": f"Category {category}"}
        )
        parties.create_product(actor=None, supplier=supplier, code=code, name=f"Product {code}", category=cat)
    return rel, user


def write_csv(path: Path, rows: int, *, today: date) -> None:
    """``rows`` returns over the 36 months before ``today``, each shipped 1–700 days before."""
    rng = random.Random(1000)
    first = today - timedelta(days=36 * 30)
    days = [(first + timedelta(days=d)).isoformat() for d in range(36 * 30)]
    ships = {
        d: [(first + timedelta(days=d - s)).isoformat() for s in range(1, 701)] for d in range(len(days))
    }
    codes = [code for code, _cat in PRODUCTS]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(1, rows + 1):
            d = rng.randrange(len(days))
            roll = rng.random()
            writer.writerow(
                (
                    f"R{n:07d}",
                    codes[n % len(codes)],
                    days[d],
                    ships[d][int(roll * 697) % 700],
                    f"SN{n:08d}",
                    1,
                    REASONS[n % len(REASONS)],
                    "true" if roll < 0.18 else "false",
                    "stock rotation" if roll > 0.98 else "",
                )
            )


def _rss_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _child(path: str, user_pk: int, out: Any) -> None:
    """Run the import in this (forked) process; send back seconds, rows written and peak RSS growth."""
    from django.db import connections
    from django.test.utils import override_settings

    from accord.accounts.models import User
    from accord.lib.importing import run_import
    from accord.parties.access import relationship_for_user

    connections.close_all()  # never share the parent's connection
    try:
        user = User.objects.get(pk=user_pk)
        access = relationship_for_user(user, slug=SLUG, write=True)
        before = _rss_kb("VmRSS")
        start = time.perf_counter()
        with override_settings(ACCORD_IMPORT_MAX_MB=2000):  # as an operator would, for a file this big
            result = run_import(
                kind="returns", path_or_file=Path(path), filename="returns.csv", relationship_access=access
            )
        seconds = time.perf_counter() - start
        peak = _rss_kb("VmHWM")
        errors = [str(e) for e in result.errors[:3]]
        out.send((seconds, result.created, (peak - before) / 1024, errors))
    except BaseException as exc:  # report, never hang the parent
        out.send((0.0, 0, 0.0, [repr(exc)]))
    finally:
        connections.close_all()
        out.close()


def run_import_in_child(path: Path, user_pk: int) -> tuple[float, int, float, list[str]]:
    from django.db import connections

    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(str(path), user_pk, send))
    proc.start()
    send.close()
    result = receive.recv()
    proc.join()
    return result


def raw_load(path: Path) -> float:
    """Seconds to load the file into a plain table of the same columns (no keys, no indexes)."""
    from django.db import connection, transaction

    types = (
        "varchar(100), varchar(60), date, date, varchar(100), integer, varchar(300), boolean, varchar(300)"
    )
    columns = ", ".join(f"{c} {t}" for c, t in zip(COLUMNS, types.split(", "), strict=True))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        cursor.execute(f"CREATE TABLE {RAW_TABLE} ({columns})")
    start = time.perf_counter()
    # the table and column names below are constants of this module, not input
    with (
        path.open(newline="", encoding="utf-8") as handle,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        if connection.vendor == "postgresql":
            sql = f"COPY {RAW_TABLE} ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, HEADER true)"
            with cursor.cursor.copy(sql) as copy:
                while block := handle.read(1 << 20):
                    copy.write(block)
        else:
            reader = csv.reader(handle)
            next(reader)
            marks = ", ".join(["%s"] * len(COLUMNS))
            cursor.cursor.executemany(f"INSERT INTO {RAW_TABLE} VALUES ({marks})", reader)  # noqa: S608
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {RAW_TABLE}")  # noqa: S608
        loaded = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {RAW_TABLE}")
    assert loaded == ROWS, loaded
    return seconds


def _clean_up(rel: Any) -> None:
    """Leave the database as the next case expects: without the million returns."""
    from django.db import connection

    from accord.measurements.models import MonthlyFact
    from accord.operations.models import Return

    with connection.cursor() as cursor:
        table = Return._meta.db_table
        cursor.execute(f"DELETE FROM {table} WHERE relationship_id = %s", [rel.pk])  # noqa: S608
    MonthlyFact.objects.filter(relationship=rel).delete()


@case
def returns_import() -> list[Row]:
    from django.utils import timezone

    rel, user = _world()
    workdir = Path(tempfile.mkdtemp(prefix="accord-bench-returns-"))
    path = workdir / "returns.csv"
    write_csv(path, ROWS, today=timezone.localdate())
    raw_seconds = raw_load(path)
    seconds, created, peak_mb, errors = run_import_in_child(path, user.pk)
    path.unlink()
    workdir.rmdir()
    ok_import = created == ROWS and not errors
    import_rate = ROWS / seconds if seconds else 0.0
    raw_rate = ROWS / raw_seconds
    ratio = import_rate / raw_rate
    _clean_up(rel)
    if errors:
        print("returns import errors:", *errors, sep="\n  ")
    size = f"{ROWS:,} rows"
    return [
        Row(f"returns import: {import_rate:,.0f} rows/s", size, seconds * 1000, seconds * 1000, 0,
            "all rows written", ok_import),
        Row(f"raw load ({_raw_kind()}): {raw_rate:,.0f} rows/s",
            size, raw_seconds * 1000, raw_seconds * 1000, 0, "reference", True),
        Row("returns import / raw, rows/s (%)", "ratio", 100 * ratio, 100 * ratio, 0,
            "≥ 10 % (aim 25 %)", ratio >= 0.10),
        Row(f"returns import peak RSS growth: {peak_mb:,.0f} MB", size, peak_mb, peak_mb, 0,
            "< 500 MB", peak_mb < 500),
    ]  # fmt: skip


def _raw_kind() -> str:
    from django.db import connection

    return "COPY" if connection.vendor == "postgresql" else "executemany"
