"""An import announces what it writes (``accord.lib.written``): every written row, old and new
version, or the new rows as columns, whether it is a dry run; a listener hears it without operations
knowing who listens."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from accord.lib import written
from tests.operations.helpers import csv_file, do_import
from tests.operations.test_import_shipments_returns import SHIP


class Spy:
    def __init__(self, announced: written.Written) -> None:
        self.announced = announced
        self.rows: list[dict[str, Any]] = []
        self.columns: list[dict[str, Any]] = []
        self.finished = False

    def add(self, values: Sequence[Any]) -> None:
        self.rows.append(dict(zip(self.announced.fields, values, strict=True)))

    def add_columns(self, table: Any) -> None:
        self.columns.extend(table.to_pylist())

    def done(self) -> None:
        self.finished = True


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Spy]]:
    spies: list[Spy] = []

    def listen(announced: written.Written) -> Spy:
        spies.append(Spy(announced))
        return spies[-1]

    monkeypatch.setattr(written, "_WATCHERS", [*written._WATCHERS, listen])
    yield spies


def test_an_import_announces_its_new_rows_and_the_old_and_new_versions_of_changed_ones(
    world: Any, tmp_path: Path, heard: list[Spy]
) -> None:
    rows = [["S-1", "NW-OTX-100", "2026-01-05", "3", "", "", ""]]
    assert do_import(world, "shipments", csv_file(tmp_path, SHIP, rows)).created == 1
    first = heard[-1]
    assert (first.announced.kind, first.announced.relationship, first.announced.dry_run) == (
        "shipments",
        world.nw_ta,
        False,
    )
    new_rows = first.rows + first.columns  # a clean file may be read (and announced) as columns
    assert [(r["shipment_id"], r["quantity"]) for r in new_rows] == [("S-1", 3)]
    assert first.finished

    rows[0][3] = "5"
    assert do_import(world, "shipments", csv_file(tmp_path, SHIP, rows)).updated == 1
    changed = heard[-1]
    assert [(r["shipment_id"], r["quantity"]) for r in changed.rows] == [("S-1", 3), ("S-1", 5)]
    assert changed.finished


def test_a_dry_run_says_it_is_one(world: Any, tmp_path: Path, heard: list[Spy]) -> None:
    rows = [["S-1", "NW-OTX-100", "2026-01-05", "3", "", "", ""]]
    assert do_import(world, "shipments", csv_file(tmp_path, SHIP, rows), dry_run=True).created == 1
    assert heard[-1].announced.dry_run


def test_every_listener_hears_and_a_listener_may_decline() -> None:
    announced = written.Written("shipments", None, ("shipment_id",))
    spies = [Spy(announced), Spy(announced)]
    saved = list(written._WATCHERS)
    try:
        written._WATCHERS[:] = [lambda _a: spies[0], lambda _a: None, lambda _a: spies[1]]
        watcher = written.watch(announced)
        watcher.add(("S-1",))
        watcher.done()
        written._WATCHERS[:] = []
        written.watch(announced).add(("S-2",))  # nobody listens: nothing happens
    finally:
        written._WATCHERS[:] = saved
    assert [s.rows for s in spies] == [[{"shipment_id": "S-1"}]] * 2
    assert all(s.finished for s in spies)
