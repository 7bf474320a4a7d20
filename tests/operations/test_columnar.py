"""A clean CSV file read at once (``accord.operations.columnar``) stores exactly what reading it row by
row stores; any doubt sends the whole file back to the row-by-row path, whose errors are exact."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from django.db.models import ProtectedError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.measurements import counting, facts
from accord.measurements import services as measurements
from accord.measurements.models import MonthlyFact
from accord.operations import cells, columnar
from accord.operations.importers_base import TableImporter
from accord.operations.models import Return, Shipment
from tests.operations.helpers import csv_file, do_import
from tests.operations.test_import_shipments_returns import RET, SHIP, returns, shipments


def return_rows(count: int, *, seed: int = 7) -> list[list[Any]]:
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        received = date(2025, 1, 1) + timedelta(days=rng.randrange(500))
        shipped = received - timedelta(days=rng.randrange(1, 400))
        rows.append([
            f"R-{n:05d}", rng.choice(["NW-OTX-100", "NW-R900"]), received.isoformat(), shipped.isoformat(),
            f"SN-{n}", rng.choice(["", "1", "3"]), rng.choice(["", "Fan failure", "No light, port 2"]),
            rng.choice(["", "true", "false", "YES", "0"]), rng.choice(["", "", "", "stock rotation"]),
        ])  # fmt: skip
    return rows


def shipment_rows(count: int) -> list[list[Any]]:
    return [
        [f"S-{n:05d}", "NW-OTX-100", (date(2025, 1, 1) + timedelta(days=n % 400)).isoformat(), 1 + n % 5,
         f"SN-{n}" if n % 3 else "", "Munich core" if n % 2 else "", f"PO-{n % 7}" if n % 4 else ""]
        for n in range(count)
    ]  # fmt: skip


def stored_facts(world: Any, kind: str | None = None) -> dict[tuple[str, str, str, str], float]:
    rows = MonthlyFact.objects.filter(relationship=world.nw_ta)
    if kind:
        rows = rows.filter(key__in=measurements.KIND_KEYS[kind])
    return {(f.category, f.month, f.key, f.dim): f.value for f in rows}


@pytest.fixture
def by_row(monkeypatch: Any) -> Any:
    """Switch the columnar reading off: every file is read row by row."""

    def switch() -> None:
        monkeypatch.setattr(TableImporter, "validate_file", lambda self, *args: None)

    return switch


@pytest.fixture
def at_once(monkeypatch: Any) -> None:
    """Fail the test if a file is read row by row (the columnar reading must take it)."""

    def refuse(self: Any, rows: Any, context: Any) -> Any:
        raise AssertionError("read row by row")

    monkeypatch.setattr(TableImporter, "validate", refuse)


def test_a_clean_file_read_at_once_stores_what_reading_by_row_stores(
    world: Any, router: Any, tmp_path: Path, at_once: None, by_row: Any, monkeypatch: Any
) -> None:
    ship_file = csv_file(tmp_path, SHIP, shipment_rows(300), "ship.csv")
    ret_file = csv_file(tmp_path, RET, return_rows(400), "ret.csv")
    assert do_import(world, "shipments", ship_file).created == 300
    assert do_import(world, "returns", ret_file).created == 400
    quick = (shipments(), returns(), stored_facts(world))
    Shipment.objects.all().delete()
    Return.objects.all().delete()
    MonthlyFact.objects.all().delete()
    monkeypatch.undo()  # the row-by-row reading is allowed again …
    by_row()  # … and now the only one
    assert do_import(world, "shipments", ship_file).created == 300
    assert do_import(world, "returns", ret_file).created == 400
    assert (shipments(), returns(), stored_facts(world)) == quick
    assert len(quick[1]) == 400 and quick[2]


def test_a_second_file_updates_changed_rows_adds_new_ones_and_keeps_the_facts_exact(
    world: Any, router: Any, tmp_path: Path, at_once: None
) -> None:
    rows = return_rows(300)
    assert do_import(world, "returns", csv_file(tmp_path, RET, rows, "one.csv")).created == 300
    again = [list(row) for row in rows[100:]] + return_rows(50, seed=9)
    for row in again[:50]:
        row[6] = "Changed reason"
    for n, row in enumerate(again[200:]):
        row[0] = f"NEW-{n:03d}"
    result = do_import(world, "returns", csv_file(tmp_path, RET, again, "two.csv"))
    assert (result.created, result.updated, result.unchanged) == (50, 50, 150)
    assert Return.objects.count() == 350
    assert Return.objects.get(return_id="R-00100").reason == "Changed reason"
    added = stored_facts(world, "returns")
    measurements.refresh_all(world.nw_ta)  # a full recount from the stored rows
    assert stored_facts(world, "returns") == added
    assert do_import(world, "returns", csv_file(tmp_path, RET, again, "two.csv")).unchanged == 250


def test_a_return_without_ship_date_takes_it_from_the_shipment(
    world: Any, tmp_path: Path, at_once: None
) -> None:
    do_import(
        world, "shipments", csv_file(tmp_path, SHIP, [["S-1", "NW-OTX-100", "2025-03-01", 1, "SN-9", "", ""]])
    )
    rows = [
        ["R-1", "NW-OTX-100", "2025-06-01", "", "SN-9"],
        ["R-2", "NW-OTX-100", "2025-06-02", "2025-01-05", ""],
    ]
    assert do_import(world, "returns", csv_file(tmp_path, RET[:5], rows, "r.csv")).created == 2
    assert Return.objects.get(return_id="R-1").ship_date == date(2025, 3, 1)


CLEAN = [["R-1", "NW-OTX-100", "2025-06-01", "2025-01-05", "SN-1", "1", "Fan", "no", ""]] * 1


@pytest.mark.parametrize(
    ("cell", "text", "stored"),
    [
        (6, "  Fan failure ", "Fan failure"),  # blanks around a cell are dropped
        (6, "'=SUM(A1)", "=SUM(A1)"),  # the quote of a neutralized formula is dropped
        (6, "Two\nlines", "Two\nlines"),  # a quoted line break
        (6, 'A "quoted" word', 'A "quoted" word'),
        (1, "nw-otx-100", "NW-OTX-100"),  # a product code in other letter case
        (7, " YES", True),
    ],
)
def test_a_cell_the_columnar_reading_doubts_is_read_by_row_and_stored_right(
    world: Any, tmp_path: Path, cell: int, text: str, stored: Any
) -> None:
    row = list(CLEAN[0])
    row[cell] = text
    result = do_import(world, "returns", csv_file(tmp_path, RET, [row]))
    assert result.ok and result.created == 1, result.errors
    got = Return.objects.values_list(
        "reason" if cell == 6 else "product__code" if cell == 1 else "no_trouble_found", flat=True
    ).get()
    assert got == stored


def test_errors_found_after_a_doubt_are_exact(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    good = ",".join(CLEAN[0])
    lines = [",".join(RET), good, "", good.replace("R-1", "R-2").replace("2025-01-05", "2025-02-30"),
             good.replace("R-1", "R-3").replace("Fan", '"Fan\nfailure"'), good]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = do_import(world, "returns", path)
    assert [str(e) for e in result.errors] == [
        "row 4, column ship_date: '2025-02-30' is not a date (YYYY-MM-DD).",
        "row 6, column return_id: This return (R-1) appears twice: row 2 has it already.",
    ]
    assert Return.objects.count() == 0


# --- each rule's columnar form against its cell parser -----------------------------------------------

CELL = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="0123456789-: .'TtRrUuEeYySsNnOoFfAaLl\"", max_size=12),
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    st.sampled_from(["1", "0", "007", "2147483647", "2147483648", "-1", "1.5", "1e3", "true", "NO", "Major",
                     "major", "MAJOR", "critical ", "2026-02-29", "2024-02-29", "0999-01-01", "x" * 60]),
)  # fmt: skip
PARSERS = [
    cells.text(10),
    cells.parse_date,
    cells.positive_int(),
    cells.positive_int(0),
    cells.number,
    cells.boolean,
    cells.choice({"1": 1, "2": 2, "critical": 1, "major": 2}, "a severity"),
    cells.lookup({"NW-OTX-100": 5, "nw-r900": 6}, "no product {value!r}"),
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(values=st.lists(CELL, min_size=1, max_size=20))
@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.rule)
def test_a_cell_read_at_once_is_accepted_only_with_the_value_read_by_row(
    parser: cells.Parser, values: list[str]
) -> None:
    col = cells.Col("c", "c", parser)
    form = columnar.form_of(col)
    assert form is not None
    cells_array = pa.array(values, pa.string())
    try:
        parsed, good = form(cells_array)
    except pa.ArrowInvalid:
        return  # doubt about the whole block: read by row
    plain = pa.compute.invert(pa.compute.match_substring_regex(cells_array, columnar.NOT_PLAIN))
    for value, got, ok, is_plain in zip(
        values, parsed.to_pylist(), good.to_pylist(), plain.to_pylist(), strict=True
    ):
        if not (ok and is_plain and value):
            continue
        assert parser(cells.clean_text(value)) == got, value


# --- the facts of new rows, folded by month, are the facts of the rows ----------------------------


RETURN = st.tuples(
    st.sampled_from([1, 2]),
    st.dates(date(2024, 1, 1), date(2026, 6, 30)),
    st.integers(0, 400),
    st.integers(1, 5),
    st.booleans(),
    st.sampled_from(["", "retrofit", "stock rotation"]),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(RETURN, max_size=40))
def test_folded_returns_and_shipments_count_as_the_rows_do(rows: list[tuple[Any, ...]]) -> None:
    categories = {1: "3.2.1", 2: "1.2.7"}
    table = pa.table({
        "product_id": [r[0] for r in rows], "received_date": pa.array([r[1] for r in rows], pa.date32()),
        "ship_date": pa.array([r[1] - timedelta(days=r[2]) for r in rows], pa.date32()),
        "quantity": [r[3] for r in rows], "no_trouble_found": [r[4] for r in rows],
        "excluded_reason": [r[5] for r in rows],
    })  # fmt: skip
    for kind, count in (("returns", counting.count_returns), ("shipments", counting.count_shipments)):
        source = counting.SOURCES[kind]
        names = ("product_id", *source.fields)
        data = table.select(list(names))
        months = facts.months_of(data, source.touch_dates)

        def record(values: tuple[Any, ...], source: counting.Source = source) -> Any:
            return source.make(categories[values[0]], *values[1:])

        every = [record(r) for r in zip(*(data[f].to_pylist() for f in names), strict=True)]
        touched = set().union(*(counting.months_touched_by(kind, r, today=date(2026, 7, 1)) for r in every))
        assert months == touched
        folded = facts.folded(data, names, source.month_dates, "quantity")
        assert count([record(r) for r in folded], months) == count(every, months)


# --- shipments and returns have no database foreign keys: Django keeps their integrity ------------


def test_a_product_with_returns_cannot_be_deleted(world: Any, tmp_path: Path) -> None:
    assert do_import(world, "returns", csv_file(tmp_path, RET, CLEAN)).created == 1
    product = Return.objects.get().product
    with pytest.raises(ProtectedError):
        product.delete()
