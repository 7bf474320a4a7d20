"""The scorecard's exports: the PDF prints the grid's words and numbers and the gaps' plans; the
workbook has the grid, every assessment with its numerator and denominator, and the gaps with their
plans. Plus the page's months (12, 24 or 36) and the targets the measurements page draws."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
import time_machine
from openpyxl import load_workbook

from accord.expectations.models import Assessment
from accord.lib.targets import targets_for
from accord.measurements import charting
from accord.measurements.engine import Value
from accord.parties.access import access_from
from tests.access import TA
from tests.expectations.scenario import DAY, Scenario, build


@pytest.fixture
def scene(world: Any) -> Any:
    with time_machine.travel(DAY, tick=False):
        yield build(world)


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)


def test_the_pdf_prints_the_headline_grid_and_plans(world: Any, scene: Scenario, as_user: Any) -> None:
    with time_machine.travel(DAY, tick=False):
        response = as_user(world.fay).get(f"/r/{TA}/scorecard.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="northwind-telco-a-scorecard-2026-07-15.pdf"' in response["Content-Disposition"]
    text = " ".join(pdf_text(response.content).split())
    assert "1 of 1 expectations met in 2026-06" in text
    assert "E-1" in text and "Deliver order lines on time" in text and "OTD.OTI ≥ 95" in text
    assert "Not met" in text and "Met" in text and "No data" in text
    assert "80" in text and "85" in text and "98" in text  # April, May and June's values
    assert scene.item.reference in text and "Add a second carrier for Berlin" in text
    assert "0 of 1 done" in text and "1 overdue" in text


def test_the_workbook_has_the_grid_the_assessments_and_the_gaps(
    world: Any, scene: Scenario, as_user: Any
) -> None:
    with time_machine.travel(DAY, tick=False):
        response = as_user(world.val).get(f"/r/{TA}/scorecard.xlsx?months=24")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Scorecard", "Assessments", "Gaps and plans"]
    grid = [list(r) for r in book["Scorecard"].iter_rows(values_only=True)]
    assert (
        grid[0][:3] == ["Expectation", "Held by", "Target"]
        and grid[0][3] == "2024-07"
        and grid[0][-1] == "2026-06"
    )
    oti = next(r for r in grid if str(r[0]).startswith("E-1 "))
    assert oti[1:3] == ["Telco A", "≥ 95"]
    assert oti[-3:] == ["Not met", "Not met", "Met"] and oti[-6] == "No data" and oti[3] == "not assessed"
    docs = next(r for r in grid if str(r[0]).startswith("E-2 "))
    assert docs[-1] == "Not met (draft)"
    rows = [list(r) for r in book["Assessments"].iter_rows(values_only=True)]
    april = next(r for r in rows if str(r[0]).startswith("E-1 ") and r[1] == "2026-04")
    assert april[2:7] == ["Not met", 80.0, 40.0, 50.0, 95.0]
    gaps = [list(r) for r in book["Gaps and plans"].iter_rows(values_only=True)]
    assert gaps[1][1:4] == ["Improving", "2026-04", 10.0]
    assert gaps[1][6:] == [
        scene.item.reference,
        "Add a second carrier for Berlin",
        "Open",
        "2026-07-01",
        "yes",
    ]


def test_the_scorecard_page_shows_the_months_chosen(world: Any, scene: Scenario, as_user: Any) -> None:
    client = as_user(world.vic)
    with time_machine.travel(DAY, tick=False):
        body = client.get(f"/r/{TA}/scorecard/").content.decode()
        longer = client.get(f"/r/{TA}/scorecard/?months=36").content.decode()
        wrong = client.get(f"/r/{TA}/scorecard/?months=7").content.decode()
    assert body.count('class="month') == 12 and longer.count('class="month') == 36
    assert wrong.count('class="month') == 12
    assert '<th scope="col" class="month text-center small">2025-07</th>' in body
    assert '<span class="visually-hidden">Not met</span>' in body  # text, not colour alone
    assert "E-1 target ≥ 95" in body  # the small chart's legend
    assert 'data-testid="plan-progress"' in body and "0 of 1 done" in body


def test_the_measurements_chart_draws_the_agreed_target_and_its_missed_months(
    world: Any, scene: Scenario
) -> None:
    access = access_from(world.val, world.nw_ta)
    found = targets_for(access, ["OTD.OTI", "NPR.H"])
    assert [(t.measure, t.category, t.window, t.comparator, t.value) for t in found] == [
        ("OTD.OTI", "ALL", 1, "at_least", 95.0)
    ]
    assert found[0].missed == ("2026-04", "2026-05") and found[0].label == "E-1 target ≥ 95"
    assert found[0].url == f"/r/{TA}/expectations/1/"
    monthly = [
        Value("OTD.OTI", m, "ALL", n, d, 100.0 * n / d, 1)
        for m, n, d in (("2026-04", 40, 50), ("2026-05", 68, 80), ("2026-06", 98, 100))
    ]
    specs, _partial = charting.chart_specs(
        monthly, [], {}, start="2026-01", end="2026-06", window=12, targets=found
    )
    layers = specs[0]["layer"]
    rule = next(layer for layer in layers if layer["mark"]["type"] == "rule")
    assert rule["data"]["values"] == [
        {"measure": "E-1 target ≥ 95", "target": 95.0, "label": "E-1 target ≥ 95"}
    ]
    assert rule["encoding"]["color"]["field"] == "measure"  # the legend names the expectation
    ringed = next(layer for layer in layers if layer.get("mark", {}).get("size") == 150)
    assert [p["month"] for p in ringed["data"]["values"]] == ["2026-04", "2026-05"]
    # a target of another window than the chart draws is left out; a Mallory sees none
    other, _partial = charting.chart_specs(
        monthly,
        [],
        {},
        start="2026-01",
        end="2026-06",
        window=12,
        targets=[found[0].__class__(**{**found[0].__dict__, "window": 3})],
    )
    assert not any(layer["mark"]["type"] == "rule" for layer in other[0]["layer"] if "mark" in layer)
    Assessment.objects.filter(expectation=scene.oti).delete()
    assert targets_for(access, ["OTD.OTI"])[0].missed == ()


def test_the_measurements_page_draws_the_agreed_target(
    world: Any, tmp_path: Any, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Through the real import: February misses OTI ≥ 95; the page's OTD chart has the target's rule,
    named in the legend, and February ringed; the page lists the target with a link to it."""
    from datetime import UTC, datetime

    from tests.expectations.helpers import agreed
    from tests.expectations.test_gap_end_to_end import imported, lines

    with time_machine.travel(datetime(2026, 3, 15, 12, tzinfo=UTC)):
        agreed(world)
        imported(world, tmp_path, django_capture_on_commit_callbacks, "feb.csv", lines("2026-02", 8, 2))
        body = as_user(world.val).get(f"/r/{TA}/measurements/?window=3").content.decode()
    assert 'data-testid="agreed-targets"' in body and f'href="/r/{TA}/expectations/1/"' in body
    assert "E-1 target ≥ 95" in body.split('data-testid="agreed-targets"')[0]  # in a chart's legend
    assert "missed the agreed target (E-1 target ≥ 95)" in body  # February's ring, its tooltip
