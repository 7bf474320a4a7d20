"""A measure is described once: its definition in ``definitions.MEASURES`` holds every attribute the
engine, the drill-down and the pages use, and the measurement modules form no import cycle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from accord.measurements import components
from accord.measurements.definitions import (
    CODES,
    KIND_KEYS,
    MEASURES,
    NORMALIZATION_BASES,
    NU_BASES,
    measure,
)
from accord.measurements.drilldown import LISTINGS

APP = Path(components.__file__).parent
TEMPLATES = APP.parent / "templates" / "measurements"
FACT_KEYS = {key for keys in KIND_KEYS.values() for key in keys}
# a measure code or a family's name, quoted
QUOTED_CODE = re.compile(r"[\"'](?:FR|OTD|REPAIR|NPR|FRT|OFR|SUPPORT)\.[A-Z0-9_]+[\"']")
QUOTED_FAMILY = re.compile(r"[\"'](?:FR|OTD|REPAIR|NPR|FRT|OFR|SUPPORT)[\"']")


@pytest.mark.parametrize("code", list(MEASURES))
def test_every_measure_says_what_it_counts_and_how_its_records_are_listed(code: str) -> None:
    d = measure(code)
    assert d.drill in LISTINGS
    for basis in NU_BASES:
        assert d.needs(basis).kind in KIND_KEYS
    if d.kind == "count":
        assert d.fact in FACT_KEYS
    if d.kind == "distribution":
        assert d.fact in FACT_KEYS and d.statistic in ("mean", "median", "p90")
    else:
        assert not d.statistic
    assert not d.point_in_time or d.kind == "count"
    assert d.family in ("NPR", "FRT", "OFR") or not d.severity


def test_the_look_backs_are_the_windows_of_the_handbook() -> None:
    """How far before M each denominator reaches (a value is partial until the data goes back so far)."""
    assert {code: measure(code).needs().lookback for code in ("FR.ERI", "FR.YRR", "FR.LTR", "NPR.1")} == {
        "FR.ERI": 6,  # shipments M-6 … M-1
        "FR.YRR": 18,  # shipments M-18 … M-7
        "FR.LTR": 19,  # every shipment before M-18
        "NPR.1": 11,  # shipments M-11 … M
    }
    assert measure("NPR.2").needs("installed") == ("installed-base", 0)
    assert {b.code: b.lookback for b in NORMALIZATION_BASES.values()} == {"shipped_12m": 11, "installed": 0}
    others = [d for d in MEASURES.values() if d.family not in ("NPR",) and not d.population]
    assert all(d.needs().lookback == 0 for d in others)


def test_point_in_time_measures_and_their_pooling() -> None:
    assert {c for c, d in MEASURES.items() if d.point_in_time} == {
        "REPAIR.BACKLOG",
        "REPAIR.BACKLOG_OLDEST_DAYS",
        "SUPPORT.BACKLOG",
    }
    assert {c for c, d in MEASURES.items() if d.pool == "max"} == {"REPAIR.BACKLOG_OLDEST_DAYS"}
    assert {c for c, d in MEASURES.items() if d.records_only} == {"REPAIR.BACKLOG_OLDEST_DAYS"}


def test_distributions_share_one_histogram_per_fact() -> None:
    assert components.DIST_CODES == {
        "repair_tat": ("REPAIR.TAT_MEAN", "REPAIR.TAT_MEDIAN", "REPAIR.TAT_P90"),
        "support_first_response": ("SUPPORT.FIRST_RESPONSE_MEDIAN_H",),
        "support_resolution": ("SUPPORT.RESOLUTION_MEDIAN_H",),
    }


def test_ratios_carry_their_factor() -> None:
    factors = {code: d.factor for code, d in MEASURES.items() if d.kind == "ratio"}
    assert {c for c, f in factors.items() if f == 1200} == {"FR.ERI", "FR.YRR", "FR.LTR"}
    assert {c for c, f in factors.items() if f == 12} == {"NPR.1", "NPR.2", "NPR.3"}
    assert {f for c, f in factors.items() if not c.startswith(("FR.", "NPR.")) or c == "FR.NTF"} == {100.0}


@pytest.mark.parametrize("name", ["engine.py", "drilldown.py", "views.py", "selectors.py", "api.py"])
def test_no_module_but_the_definitions_keeps_its_own_list_of_measure_codes(name: str) -> None:
    assert not QUOTED_CODE.findall((APP / name).read_text())


def test_the_templates_name_no_measure_or_family() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert not QUOTED_CODE.findall(text) and not QUOTED_FAMILY.findall(text), template


def _imports(path: Path) -> set[str]:
    """The measurement modules ``path`` imports, anywhere in it (in functions and TYPE_CHECKING too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "accord.measurements":
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("accord.measurements."):
            found.add((node.module or "").split(".")[2])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[2] for a in node.names if a.name.startswith("accord.measurements.")}
    return found


def test_no_two_measurement_modules_import_each_other() -> None:
    graph = {path.stem: _imports(path) for path in APP.glob("*.py")}

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        nexts = graph.get(start, set())
        return any(m == goal or (m not in seen and reaches(m, goal, seen | {m})) for m in nexts)

    assert [(a, b) for a, deps in graph.items() for b in deps if reaches(b, a)] == []


def test_the_documented_codes_come_first_in_their_order() -> None:
    assert list(MEASURES)[: len(CODES)] == list(CODES)
