"""Measurements are computed once per process for each version of a relationship's facts and settings
(selectors.metrics_by_window): read again until a write of the facts, a settings change or a change of
the supplier's normalization basis, then computed afresh."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from accord.measurements import engine, services
from accord.measurements.selectors import _Computed, metrics, metrics_by_window
from accord.parties.models import NormalizationBasis, SupplierCategoryBasis

SHIPPED = {("3.2.1", "2026-03", "shipped", ""): 100.0}
RETURNED = {("3.2.1", "2026-03", "returns", "2026-01"): 2.0}


def _returns(world: Any) -> list[Any]:
    rows = metrics(world.nw_ta, start="2026-03", end="2026-03", category="3.2.1")
    return [(r.measure, r.numerator, r.denominator) for r in rows if r.measure.startswith("FR.")]


@pytest.fixture
def computed(world: Any) -> Any:
    services.add_facts(world.nw_ta, "shipments", SHIPPED)
    services.add_facts(world.nw_ta, "returns", RETURNED)
    with mock.patch.object(engine, "compute_table", wraps=engine.compute_table) as spy:
        yield spy


def test_the_same_request_is_computed_once(world: Any, computed: Any) -> None:
    first = _returns(world)
    assert first and _returns(world) == first
    assert computed.call_count == 1
    both = metrics_by_window(world.nw_ta, start="2026-03", end="2026-03", windows=[1, 12])
    again = metrics_by_window(world.nw_ta, start="2026-03", end="2026-03", windows=[1, 12])
    assert both == again and computed.call_count == 3  # one per window, once


def test_a_write_of_the_facts_is_seen_at_once(world: Any, computed: Any) -> None:
    before = _returns(world)
    services.add_facts(world.nw_ta, "returns", RETURNED)
    after = _returns(world)
    assert computed.call_count == 2
    assert any(n for _m, n, _d in before)
    assert [n for _m, n, _d in after] == [n if n is None else 2 * n for _m, n, _d in before]


def test_a_settings_change_and_a_new_basis_are_seen_at_once(world: Any, computed: Any) -> None:
    metrics(world.nw_ta, start="2026-03", end="2026-03")
    current = services.settings_for(world.nw_ta)
    services.update_settings(
        actor=world.ada, relationship=world.nw_ta, version=current.version, otd_days_late=3
    )
    metrics(world.nw_ta, start="2026-03", end="2026-03")
    assert computed.call_count == 2
    other = next(b for b in NormalizationBasis.values if b != world.category.normalization_basis)
    SupplierCategoryBasis.objects.create(
        supplier=world.northwind, category=world.category, normalization_basis=other
    )
    metrics(world.nw_ta, start="2026-03", end="2026-03")
    assert computed.call_count == 3


def test_what_a_caller_gets_is_its_own_list(world: Any, computed: Any) -> None:
    rows = metrics(world.nw_ta, start="2026-03", end="2026-03")
    rows.clear()
    assert metrics(world.nw_ta, start="2026-03", end="2026-03") and computed.call_count == 1


def test_the_least_recently_read_go_first_beyond_the_bound() -> None:
    cache = _Computed(max_values=5)
    value = engine.Value("RR", "2026-03", "ALL", 1.0, 2.0, 0.5, 1)
    cache.put(("a",), {1: [value] * 2})
    cache.put(("b",), {1: [value] * 2})
    assert cache.get(("a",)) is not None  # read: now the most recent
    cache.put(("c",), {1: [value] * 2})
    assert cache.get(("b",)) is None and cache.get(("a",)) and cache.get(("c",))
    cache.put(("huge",), {1: [value] * 6})  # larger than the bound: not kept
    assert cache.get(("huge",)) is None and cache.get(("c",))
