"""``accord report``: a published issue's stored file byte for byte, else one rendered from today's data
(said on stderr, nothing stored); the default, chosen and ad-hoc definitions; clear errors and a non-zero
exit. And the issue's acceptance check that the numbers agree: a report's monthly table (the document
and the PDF's text) equals ``accord metrics`` for the same months."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.audit.models import AuditEvent
from accord.measurements import engine
from accord.measurements import services as measurements
from accord.operations.models import Repair, Return
from accord.parties.access import access_from
from accord.reports import render, rendering, services, snapshot
from accord.reports.management.commands.report import NOT_PUBLISHED, Command
from accord.reports.models import ReportDefinition, ReportFile, ReportIssue
from tests.measurements.records import add, repair, returned, ship_monthly
from tests.reports.api_helpers import PUBLISHED_PERIOD, definition, published, quick

DAY = datetime(2026, 7, 10, 9, tzinfo=UTC)  # 2026-Q2 (April–June) has ended
TA = "northwind-telco-a"


@pytest.fixture(autouse=True)
def a_fixed_day() -> Iterator[None]:
    with time_machine.travel(DAY):
        yield


@pytest.fixture
def data(world: Any) -> Any:
    """Telco A: 1,000 units shipped each month January–June 2026 (and 500 in 2025's last quarter);
    returns in March, May and June (one NTF, one excluded), repairs shipped back in April–June."""
    rel, product = world.nw_ta, world.product
    ship_monthly(rel, product, range(1, 7))
    ship_monthly(rel, product, range(10, 13), year=2025, quantity=500)
    add(
        Return,
        rel,
        product,
        returned("R1", date(2026, 3, 3), date(2026, 1, 5), 2, no_trouble_found=False),
        returned("R2", date(2026, 5, 20), date(2026, 4, 5), 1, no_trouble_found=True),
        returned("R3", date(2026, 5, 21), date(2026, 4, 5), 5, excluded_reason="stock rotation"),
        returned("R4", date(2026, 6, 2), date(2026, 2, 5), 3, no_trouble_found=False),
    )
    add(
        Repair,
        rel,
        product,
        repair("P1", date(2026, 4, 1), date(2026, 4, 11)),
        repair("P2", date(2026, 4, 25), date(2026, 5, 25)),
        repair("P3", date(2026, 6, 1), date(2026, 6, 8)),
    )
    measurements.refresh_all(rel, today=DAY.date())
    return world


def report(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def metrics_json(start: str, end: str, category: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command(
        "metrics", relationship=TA, start=start, end=end, category=category, format="json", stdout=out
    )
    return json.loads(out.getvalue())["rows"]


def number(text: str) -> float | None:
    """A number as the report prints it (thousands separated, "–" for none)."""
    return None if text in ("–", "") else float(text.replace(",", ""))


# --- the numbers agree -------------------------------------------------------------------------------


@pytest.mark.parametrize("categories", [[], ["3.2.1"]], ids=["all-pooled", "one-category"])
def test_a_report_s_monthly_tables_equal_accord_metrics(data: Any, categories: list[str]) -> None:
    """Each measure section's charted block (the pooled ALL, or the one chosen category): every month's
    value, numerator and denominator equals the ``accord metrics --format json`` row of that measure,
    month and category, the value rounded as ``engine.round_value`` rounds it."""
    made = definition(
        data, title="Returns and repairs", sections=["returns", "repair", "delivery"], categories=categories
    )
    snap = snapshot.take(made, "2026-Q2")
    doc = render.document(snap, {}, "customer")
    category = categories[0] if categories else engine.ALL
    rows = {(r["measure"], r["month"]): r for r in metrics_json(snap["history"][0], "2026-06", category)}
    compared = 0
    for section in doc["sections"]:
        for block in section.get("blocks", []):
            if not block["table"]:
                continue
            assert block["category"] == category
            for line in block["table"]:
                for code, cell in zip(block["codes"], line["cells"], strict=True):
                    row = rows.get((code, line["month"]))
                    if row is None:
                        assert cell["value"] == "–", (code, line["month"])
                        continue
                    assert number(cell["value"]) == engine.round_value(row["value"], code), (code, line)
                    assert number(cell["num"]) == row["numerator"], (code, line)
                    assert number(cell["den"]) == row["denominator"], (code, line)
                    compared += 1
    assert compared >= 12  # FR and repair measures over several months: the test compared something
    eri = rows[("FR.ERI", "2026-06")]
    assert (eri["numerator"], eri["denominator"]) == (
        3,
        5500,
    )  # R4; Dec 2025 (500) and Jan–May 2026 shipments


def test_the_published_pdf_prints_the_numbers_accord_metrics_gives(data: Any, tmp_path: Path) -> None:
    """The acceptance check on the file a customer downloads: the published PDF's text (as ``accord
    report`` writes it) holds each month's ERI value with its numerator and denominator as ``accord
    metrics`` gives them."""
    made = definition(data, title="Returns", sections=["returns"], categories=["3.2.1"])
    lead = access_from(data.ada, data.nw_ta)
    issue, _created = services.generate(access=lead, definition=made, period="2026-Q2")
    assert rendering.render_issue(issue.pk) == "rendered"
    services.publish(access=lead, issue=issue, version=1)
    target = tmp_path / "q2.pdf"
    _out, err = report("--relationship", TA, "--period", "2026-Q2", "--format", "pdf", "-o", str(target))
    assert NOT_PUBLISHED not in err
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = text.splitlines()
    # the monthly table: "2026-03   0.69*   –   0.00", under it "2 / 3,500   0/2" (ERI: the first column)
    printed = {
        line.split()[0]: (line.split()[1].rstrip("*"), re.findall(r"([\d,]+) ?/ ?([\d,]+)", below)[0])
        for line, below in itertools.pairwise(lines)
        if re.match(r"^ *\d{4}-\d{2} +[\d.,]+\*? ", line)
    }
    checked = 0
    for row in metrics_json("2025-07", "2026-06", "3.2.1"):
        if row["measure"] != "FR.ERI" or row["value"] is None:
            continue
        value, (num, den) = printed[row["month"]]
        assert number(value) == engine.round_value(row["value"], "FR.ERI"), (row, value)
        assert (number(num), number(den)) == (row["numerator"], row["denominator"]), (row, num, den)
        checked += 1
    assert checked >= 6


# --- which file ----------------------------------------------------------------------------------------


def test_a_published_issue_s_stored_file_is_written_byte_for_byte(world: Any, tmp_path: Path) -> None:
    shown = published(world)
    for fmt in ("pdf", "xlsx", "html"):
        target = tmp_path / f"report.{fmt}"
        out, err = report(
            "--relationship", TA, "--period", PUBLISHED_PERIOD, "--format", fmt, "-o", str(target)
        )
        stored = ReportFile.objects.get(issue=shown, edition="customer", format=fmt)
        assert hashlib.sha256(target.read_bytes()).hexdigest() == stored.sha256
        assert NOT_PUBLISHED not in err and stored.sha256 in out and "published" in out


def test_the_latest_published_revision_is_written_not_a_draft_correction(world: Any, tmp_path: Path) -> None:
    first = published(world)
    with quick():
        services.revise(access=access_from(world.ada, world.nw_ta), issue=first, reason="June was missing")
    target = tmp_path / "r.pdf"
    report("--relationship", TA, "--period", PUBLISHED_PERIOD, "--format", "pdf", "-o", str(target))
    assert target.read_bytes() == render_stored(first, "pdf")


def render_stored(issue: ReportIssue, fmt: str) -> bytes:
    return rendering.read_file(ReportFile.objects.get(issue=issue, edition="customer", format=fmt))


def test_without_a_published_issue_it_renders_from_today_s_data_and_stores_nothing(
    world: Any, tmp_path: Path
) -> None:
    definition(world)
    published(world)  # 2025-Q3; 2025-Q4 is not published
    before = [m.objects.count() for m in (ReportDefinition, ReportIssue, ReportFile, AuditEvent)]
    target = tmp_path / "q4.xlsx"
    with CaptureQueriesContext(connection) as queries:
        _out, err = report("--relationship", TA, "--period", "2025-Q4", "--format", "xlsx", "-o", str(target))
    assert err.strip() == NOT_PUBLISHED
    assert target.read_bytes()[:2] == b"PK"
    assert [m.objects.count() for m in (ReportDefinition, ReportIssue, ReportFile, AuditEvent)] == before
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []


def test_with_no_definition_an_ad_hoc_report_of_every_section_is_rendered(world: Any, tmp_path: Path) -> None:
    target = tmp_path / "may.html"
    with quick():
        _out, err = report("--relationship", TA, "--period", "2026-05", "--format", "html", "-o", str(target))
    assert NOT_PUBLISHED in err
    page = target.read_text()
    assert "May 2026" in page and "Action item register" in page and "Meetings" in page
    assert not ReportDefinition.objects.exists()


def test_the_internal_edition_falls_back_to_the_customer_s_when_the_issue_has_none(
    world: Any, tmp_path: Path
) -> None:
    shown = published(world)
    target = tmp_path / "i.pdf"
    _out, err = report(
        "--relationship", TA, "--period", PUBLISHED_PERIOD, "--format", "pdf", "--edition", "internal",
        "-o", str(target),
    )  # fmt: skip
    assert "no internal edition" in err
    assert target.read_bytes() == render_stored(shown, "pdf")


# --- definitions and errors ----------------------------------------------------------------------------


def test_several_definitions_need_one_chosen(world: Any, tmp_path: Path) -> None:
    definition(world)
    definition(
        world, title="Monthly delivery", sections=["delivery"], period="monthly", first_period="2025-01"
    )
    target = str(tmp_path / "x.pdf")
    with pytest.raises(CommandError, match=r"choose one with --definition N: 1 \(RD-1 .*2 \(RD-2 Monthly"):
        report("--relationship", TA, "--period", "2025-Q4", "--format", "pdf", "-o", target)
    with pytest.raises(CommandError, match="no report definition 7; its definitions: 1 "):
        report(
            "--relationship", TA, "--period", "2025-Q4", "--format", "pdf", "-o", target, "--definition", "7"
        )
    with pytest.raises(CommandError, match="RD-2 is monthly: give a period like 2026-09"):
        report(
            "--relationship", TA, "--period", "2025-Q4", "--format", "pdf", "-o", target, "--definition", "2"
        )
    with quick():
        report(
            "--relationship", TA, "--period", "2025-11", "--format", "pdf", "-o", target, "--definition", "2"
        )
    assert Path(target).read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--relationship", "nowhere"], "No relationship with the short name 'nowhere'"),
        (["--period", "2026-13"], "is not a period"),
        (["--period", "2026-Q5"], "is not a period"),
        (["--period", "2027-Q1"], "has not started yet"),
        (["-o", "/no/such/dir/r.pdf"], "No directory '/no/such/dir'"),
        (["--format", "docx"], "invalid choice: 'docx'"),
        (["--edition", "secret"], "invalid choice: 'secret'"),
    ],
)
def test_clear_errors(world: Any, tmp_path: Path, args: list[str], message: str) -> None:
    given = {"--relationship": TA, "--period": "2026-Q2", "--format": "pdf", "-o": str(tmp_path / "r.pdf")}
    given.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError, match=re.escape(message)):
        report(*[part for pair in given.items() for part in pair])
    assert not (tmp_path / "r.pdf").exists()


def test_an_error_exits_non_zero_with_the_message_on_stderr(world: Any, tmp_path: Path, capsys: Any) -> None:
    argv = ["accord", "report", "--relationship", "nowhere", "--period", "2026-Q2", "--format", "pdf"]
    with mock.patch("django.core.management.base.connections.close_all"), pytest.raises(SystemExit) as exit_:
        Command().run_from_argv([*argv, "-o", str(tmp_path / "r.pdf")])
    assert exit_.value.code == 1
    assert "No relationship with the short name 'nowhere'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv([*argv[:-1], "docx", "-o", str(tmp_path / "r.pdf")])
    assert exit_.value.code == 2
