"""The monthly TL 9000 data (`accord tl9000-data`): counts per category and measure component, summed over
the home organization's customer relationships, equal to the engine's numerators and denominators, and
traced to exactly the records behind them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accord.lib.demo import DemoContext
from accord.measurements import tl9000data
from accord.measurements.engine import Value
from accord.parties.models import Party
from tests.conftest import DEMO_DAY, demo_built_for

MONTH = "2026-10"  # two months before the demo's day (DEMO_DAY, 2026-12-04): a complete month
CUSTOMERS = ("northwind-telco-a", "northwind-telco-b")


@pytest.fixture(scope="module")
def demo_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoContext]:
    """The demo, built once for this module for a fixed day, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), demo_built_for(DEMO_DAY) as ctx:
        yield ctx


@pytest.fixture
def demo(demo_world: DemoContext, db: Any) -> DemoContext:
    return demo_world


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("tl9000_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def metrics_rows(slug: str, month: str) -> list[dict[str, Any]]:
    """What `accord metrics` prints for one relationship and month (JSON)."""
    out = io.StringIO()
    call_command("metrics", relationship=slug, start=month, end=month, format="json", stdout=out)
    return list(json.loads(out.getvalue())["rows"])


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_counts_are_the_sums_of_accord_metrics_numerators_and_denominators_over_the_customers(
    demo: DemoContext,
) -> None:
    expected: dict[tuple[str, str, str], float] = {}
    for slug in CUSTOMERS:  # Photon → Northwind is Northwind's supplier: not one of its customers
        for row in metrics_rows(slug, MONTH):
            if row["category"] == "ALL" or row["measure"] not in tl9000data.COMPONENTS:
                continue
            parts = tl9000data.COMPONENTS[row["measure"]]
            for component, amount in zip(parts, (row["numerator"], row["denominator"]), strict=True):
                key = (row["category"], row["measure"], component)
                expected[key] = expected.get(key, 0) + amount
    out, err = run("--month", MONTH, "--party", "northwind")
    rows = read_csv(out)
    assert list(rows[0]) == ["category", "measure", "component", "month", "count"]
    got = {(r["category"], r["measure"], r["component"]): float(r["count"]) for r in rows}
    assert got == expected
    assert {r["month"] for r in rows} == {MONTH}
    measures = {m for _c, m, _p in got}
    assert {"FR.ERI", "FR.YRR", "FR.LTR", "FR.NTF", "OTD.OTI", "OTD.OTIP", "NPR.1", "NPR.2"} <= measures
    assert {"FRT.2", "OFR.2"} & measures
    assert not any(m.startswith(("REPAIR.", "SUPPORT.")) for m in measures)
    assert "over 2 customer relationships" in err
    both = [r for r in rows if (r["category"], r["measure"]) == ("3.2.1", "FR.ERI")]
    assert [r["component"] for r in both] == ["returns", "population"]
    assert all(float(r["count"]).is_integer() and "." not in r["count"] for r in rows)


def test_every_count_is_traced_to_exactly_the_records_behind_it(demo: DemoContext, tmp_path: Path) -> None:
    counts_file, trace_file = tmp_path / "counts.csv", tmp_path / "trace.csv"
    _out, err = run(
        "--month", MONTH, "--party", "northwind", "-o", str(counts_file), "--trace", str(trace_file)
    )
    assert "does not add up" not in err
    counts = read_csv(counts_file.read_text(encoding="utf-8"))
    trace = read_csv(trace_file.read_text(encoding="utf-8"))
    assert list(trace[0]) == tl9000data.TRACE_COLUMNS
    traced: dict[tuple[str, str, str], float] = {}
    for line in trace:
        key = (line["category"], line["measure"], line["component"])
        traced[key] = traced.get(key, 0) + float(line["contribution"])
    assert {k: v for k, v in traced.items() if v} == {
        (r["category"], r["measure"], r["component"]): float(r["count"]) for r in counts if float(r["count"])
    }
    assert {line["relationship"] for line in trace} == set(CUSTOMERS)
    kinds = {line["record_kind"] for line in trace}
    assert {"shipments", "returns", "order-lines", "problem-reports"} <= kinds
    assert "installed-base" in kinds  # 3.3.1 counts NPR's S by installed units
    line = next(t for t in trace if t["record_kind"] == "order-lines")
    assert "/" in line["record_key"] and line["contribution"] == "1"


def test_the_counts_sum_the_relationships_own_counts(demo: DemoContext) -> None:
    northwind = Party.objects.get(slug="northwind")
    each = [tl9000data.counts_of(rel, MONTH) for rel in tl9000data.relationships_of(northwind)]
    total = tl9000data.counts(northwind, MONTH)
    assert len(each) == 2 and all(each)
    for c in total:
        parts = [
            x.count
            for rows in each
            for x in rows
            if (x.category, x.measure, x.component) == (c.category, c.measure, c.component)
        ]
        assert c.count == sum(parts)


def test_sum_counts_adds_the_components_of_every_relationship_and_leaves_out_all() -> None:
    values = [
        Value("FR.ERI", MONTH, "3.2.1", 2, 100, 24.0, 1),
        Value("FR.ERI", MONTH, "3.2.1", 1, 50, 24.0, 1),
        Value("FR.ERI", MONTH, "ALL", 3, 150, 24.0, 1),
        Value("NPR.2", MONTH, "3.10", 4, 900, 0.05, 1),
        Value("NPR.2", MONTH, "3.9", 0, 10, 0.0, 1),
        Value("SUPPORT.OPENED", MONTH, "3.2.1", 5, None, 5, 1, "2"),
        Value("FR.ERI", "2026-09", "3.2.1", 7, 70, 1.0, 1),
    ]
    rows = [c.row() for c in tl9000data.sum_counts(values, MONTH)]
    assert rows == [
        ["3.2.1", "FR.ERI", "returns", MONTH, 3],
        ["3.2.1", "FR.ERI", "population", MONTH, 150],
        ["3.9", "NPR.2", "reports", MONTH, 0],
        ["3.9", "NPR.2", "normalization_units", MONTH, 10],
        ["3.10", "NPR.2", "reports", MONTH, 4],
        ["3.10", "NPR.2", "normalization_units", MONTH, 900],
    ]


def test_without_party_it_asks_for_one_when_several_parties_are_suppliers(demo: DemoContext) -> None:
    with pytest.raises(CommandError, match=r"Several parties are suppliers .*: name one with --party SLUG"):
        run("--month", MONTH)
    with pytest.raises(CommandError, match="No party with the short name 'nobody'"):
        run("--month", MONTH, "--party", "nobody")
