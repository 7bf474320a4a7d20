"""The reports API: definitions with a version, an issue's life (generate, commentary, publish, correct,
render again, take the data again) and its files, byte for byte what the detail's SHA-256 vouches for;
the customer's members read published issues only; errors in the one shape, a stale version's 409,
Mallory's and Fay's 404 (the same body as for a missing record)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core import mail

from accord.operations.models import Benchmark
from accord.reports import render, rendering, services
from accord.reports.models import ReportFile, ReportIssue
from tests.reports.api_helpers import (
    DRAFT_PERIOD,
    PUBLISHED_PERIOD,
    api,
    at,
    definition,
    draft,
    file_at,
    lead,
    published,
    quick,
    send,
)

DAY = datetime(2026, 2, 10, 9, tzinfo=UTC)
NOT_FOUND = {"error": "Not found.", "fields": {}}


@pytest.fixture(autouse=True)
def a_fixed_day() -> Iterator[None]:
    with time_machine.travel(DAY):
        yield


def assert_400(response: Any, *fields: str) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error", "fields"}
    assert set(fields) <= set(body["fields"]), body
    return body


# --- definitions -------------------------------------------------------------------------------------


def test_a_supplier_lead_defines_a_report_and_both_sides_read_it(world: Any, as_user: Any) -> None:
    made = send(
        as_user(world.sam),
        "post",
        api(world),
        {
            "title": "Monthly delivery report",
            "sections": ["register", "delivery"],
            "period": "monthly",
            "first_period": "2025-11",
            "categories": [world.category.code],
            "recipients": [world.carol.pk, world.vic.pk],
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["number"], body["reference"], body["version"]) == (1, "RD-1", 1)
    assert body["sections"] == ["delivery", "register"]  # in the order they print
    assert [r["full_name"] for r in body["recipients"]] == ["Carol Nguyen", "Vic Romero"]
    assert body["created_by"] == "Sam Patel"
    for person in (world.val, world.carol, world.vic):
        listed = as_user(person).get(api(world)).json()
        assert [d["reference"] for d in listed] == ["RD-1"]
        assert as_user(person).get(api(world, "/1")).json() == body


def test_a_definition_s_bad_fields_are_400_naming_each(world: Any, as_user: Any) -> None:
    client = as_user(world.ada)
    assert_400(
        send(client, "post", api(world), {"title": "R", "sections": [], "first_period": "2025-Q1"}),
        "sections",
    )
    assert_400(
        send(client, "post", api(world), {"title": "R", "sections": ["gossip"], "first_period": "2025-Q1"}),
        "sections.0",
    )
    body = assert_400(
        send(
            client,
            "post",
            api(world),
            {
                "title": "R",
                "sections": ["returns"],
                "first_period": "2025-09",  # a month, for a quarterly report
                "categories": ["9.9.9"],
                "recipients": [world.mallory.pk, world.sam.pk],
            },
        ),
        "first_period",
        "categories",
        "recipients",
    )
    assert "9.9.9" in body["fields"]["categories"][0]


def test_only_a_supplier_lead_defines_and_changes_reports(world: Any, as_user: Any) -> None:
    data = {"title": "R", "sections": ["returns"], "first_period": "2025-Q1"}
    for person in (world.val, world.carol, world.vic):
        refused = send(as_user(person), "post", api(world), data)
        assert refused.status_code == 403 and set(refused.json()) == {"error", "fields"}
    definition(world)
    assert (
        send(as_user(world.carol), "patch", api(world, "/1"), {"version": 1, "title": "X"}).status_code == 403
    )


def test_a_change_from_a_stale_version_is_409_with_the_current_definition(world: Any, as_user: Any) -> None:
    definition(world)
    client = as_user(world.sam)
    changed = send(
        client, "patch", api(world, "/1"), {"version": 1, "title": "For Telco A", "history_months": 6}
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["title"], body["history_months"], body["version"]) == ("For Telco A", 6, 2)
    assert body["sections"] == definition(world).sections and body["recipients"][0]["id"] == world.carol.pk
    stale = send(client, "patch", api(world, "/1"), {"version": 1, "title": "Mine"})
    assert stale.status_code == 409
    assert stale.json()["current"] == body
    assert send(client, "patch", api(world, "/1"), {"version": 2, "period": "monthly"}).status_code == 400


def test_mallory_and_fay_get_the_same_404_as_for_a_missing_definition(world: Any, as_user: Any) -> None:
    definition(world)
    assert as_user(world.ada).get(api(world, "/9")).json() == NOT_FOUND
    for person in (world.mallory, world.fay):
        for url in (api(world), api(world, "/1"), api(world, "/1/issues")):
            response = as_user(person).get(url)
            assert (response.status_code, response.json()) == (404, NOT_FOUND), (person, url)
    assert as_user(None).get(api(world)).status_code == 401


# --- issues ------------------------------------------------------------------------------------------


def test_generating_makes_one_draft_per_period(world: Any, as_user: Any) -> None:
    definition(world)
    client = as_user(world.ada)
    with quick():
        first = send(client, "post", api(world, "/1/issues"), {"period": "2025-q4"})
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["period"], body["revision"], body["status"]) == ("2025-Q4", 1, "draft")
    again = send(client, "post", api(world, "/1/issues"), {"period": "2025-Q4"})
    assert again.status_code == 200 and again.json()["version"] == body["version"]
    assert ReportIssue.objects.filter(period="2025-Q4").count() == 1
    assert_400(send(client, "post", api(world, "/1/issues"), {"period": "2025-11"}), "period")
    unended = assert_400(send(client, "post", api(world, "/1/issues"), {"period": "2026-Q1"}), "period")
    assert "not ended" in unended["fields"]["period"][0]
    assert send(as_user(world.val), "post", api(world, "/1/issues"), {"period": "2025-Q3"}).status_code == 403


def test_an_issue_from_generation_to_publication_with_its_files(
    world: Any, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The real renderers: the detail lists the customer edition's HTML, PDF and XLSX, each download is
    the bytes whose SHA-256 the detail gives, with its content type."""
    definition(world)
    ada = as_user(world.ada)
    with django_capture_on_commit_callbacks(execute=True):
        made = send(ada, "post", api(world, "/1/issues"), {"period": PUBLISHED_PERIOD})
    assert made.status_code == 201
    issue_url = api(world, f"/1/issues/{PUBLISHED_PERIOD}")
    detail = ada.get(issue_url).json()
    assert detail["render_state"] == "ready" and detail["render_error"] == ""
    assert detail["sections"][0] == {"key": "overall", "title": "Overall"}
    assert {s["key"] for s in detail["sections"]} >= {"returns", "register", "meetings"}
    assert detail["months"] == ["2025-07", "2025-08", "2025-09"]
    with django_capture_on_commit_callbacks(execute=True):
        commented = send(
            ada,
            "patch",
            issue_url + "/commentary",
            {"version": 1, "commentary": {"overall": "A calm quarter"}},
        )
    assert commented.status_code == 200, commented.content
    detail = ada.get(issue_url).json()
    assert detail["commentary"] == {"overall": "A calm quarter"} and detail["render_state"] == "ready"
    assert as_user(world.carol).get(issue_url).json() == NOT_FOUND  # a draft is the supplier's
    assert as_user(world.vic).get(api(world, "/1/issues")).json() == []
    with django_capture_on_commit_callbacks(execute=True):
        done = send(ada, "post", issue_url + "/publish", {"version": detail["version"]})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "published" and done.json()["published_by"] == "Ada Quinn"
    assert [m.to for m in mail.outbox] == [[world.carol.email]]
    seen = as_user(world.carol).get(issue_url).json()
    assert seen["status"] == "published" and seen["revisions"] == [1]
    assert {(f["edition"], f["format"]) for f in seen["files"]} == {
        ("customer", "html"),
        ("customer", "pdf"),
        ("customer", "xlsx"),
    }
    types = {"html": "text/html", "pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats"}
    for f in seen["files"]:
        got = as_user(world.vic).get(f["download_url"])
        assert got.status_code == 200, f
        content = got.content
        assert hashlib.sha256(content).hexdigest() == f["sha256"] and len(content) == f["size"]
        assert got["Content-Type"].startswith(types[f["format"]])
        assert got["Content-Disposition"].startswith("attachment;")
    assert ada.get(seen["files"][1]["download_url"]).content.startswith(b"%PDF")


def test_a_correction_is_a_new_revision_and_the_published_one_stays_as_it_was(
    world: Any, as_user: Any
) -> None:
    first = published(world)
    pdf_url = file_at(first)
    before = as_user(world.carol).get(pdf_url).content
    ada = as_user(world.ada)
    with quick():
        revised = send(ada, "post", at(first, "/revise"), {"reason": "Returns of June were missing"})
    assert revised.status_code == 201, revised.content
    body = revised.json()
    assert (body["revision"], body["status"], body["reason"]) == (2, "draft", "Returns of June were missing")
    assert body["revisions"] == [1, 2]
    again = send(ada, "post", at(first, "/revise"), {"reason": "Once more"})
    assert again.status_code == 403  # the period's latest revision is a draft: it is simply changed
    assert_400(send(ada, "post", at(first, "/revise"), {"reason": ""}), "reason")
    second = ReportIssue.objects.get(definition=first.definition, period=first.period, revision=2)
    with quick():
        rendering.render_issue(second.pk)
        services.publish(access=lead(world), issue=second, version=second.version)
    carol = as_user(world.carol)
    latest = carol.get(at(first)).json()
    assert (latest["revision"], latest["revisions"]) == (2, [1, 2])
    assert carol.get(at(first) + "?revision=1").json()["revision"] == 1
    assert carol.get(pdf_url).content == before  # the published revision 1 never changes
    assert hashlib.sha256(before).hexdigest() == ReportFile.objects.get(issue=first, format="pdf").sha256
    assert send(as_user(world.val), "post", at(first, "/revise"), {"reason": "x"}).status_code == 403


def test_the_customer_reads_only_published_issues_and_never_the_internal_edition(
    world: Any, as_user: Any
) -> None:
    made, shown = draft(world), published(world)
    for person in (world.carol, world.vic):
        client = as_user(person)
        assert [i["period"] for i in client.get(api(world, "/1/issues")).json()] == [PUBLISHED_PERIOD]
        assert client.get(at(made)).json() == NOT_FOUND
        assert client.get(file_at(made)).json() == NOT_FOUND
        assert client.get(file_at(shown, edition="internal")).json() == NOT_FOUND
        assert client.get(at(shown) + "?revision=2").json() == NOT_FOUND
    listed = as_user(world.val).get(api(world, "/1/issues")).json()
    assert [(i["period"], i["status"]) for i in listed] == [
        (DRAFT_PERIOD, "draft"),
        (PUBLISHED_PERIOD, "published"),
    ]
    assert as_user(world.mallory).get(file_at(shown)).json() == NOT_FOUND
    assert as_user(world.fay).get(at(shown)).json() == NOT_FOUND


def test_publishing_needs_the_current_version_and_rendered_files(world: Any, as_user: Any) -> None:
    made = draft(world)
    ada = as_user(world.ada)
    stale = send(ada, "post", at(made, "/publish"), {"version": 7})
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 1 and stale.json()["current"]["status"] == "draft"
    ReportIssue.objects.filter(pk=made.pk).update(render_state="pending")
    refused = send(ada, "post", at(made, "/publish"), {"version": 1})
    assert refused.status_code == 403 and "rendered" in refused.json()["error"]
    assert send(as_user(world.val), "post", at(made, "/publish"), {"version": 1}).status_code == 403
    done = send(ada, "post", at(published(world), "/publish"), {"version": 2})
    assert done.status_code == 403  # published already: nothing to publish


def test_commentary_is_checked_per_section_and_a_stale_one_is_409(world: Any, as_user: Any) -> None:
    made = draft(world)
    sam = as_user(world.sam)
    body = assert_400(
        send(sam, "patch", at(made, "/commentary"), {"version": 1, "commentary": {"gossip": "x"}}), "gossip"
    )
    assert body["error"]
    too_long = {"version": 1, "commentary": {"returns": "x" * 4001}}
    assert send(sam, "patch", at(made, "/commentary"), too_long).status_code == 400
    ok = send(
        sam, "patch", at(made, "/commentary"), {"version": 1, "commentary": {"returns": "Fewer returns"}}
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert ok.json()["render_state"] == "pending"  # rendered again with the commentary
    cleared = send(sam, "patch", at(made, "/commentary"), {"version": 2, "commentary": {"returns": ""}})
    assert cleared.json()["commentary"] == {}
    assert send(sam, "patch", at(made, "/commentary"), {"version": 2, "commentary": {}}).status_code == 409
    assert (
        send(sam, "patch", at(published(world), "/commentary"), {"version": 2, "commentary": {}}).status_code
        == 403
    )


def test_a_failed_render_is_retried_and_a_draft_s_data_taken_again(world: Any, as_user: Any) -> None:
    made = draft(world)
    with mock.patch.object(render, "xlsx", side_effect=RuntimeError("disk full")):
        rendering.render_issue(made.pk)
    ada = as_user(world.ada)
    failed = ada.get(at(made)).json()
    assert (failed["render_state"], failed["render_attempts"]) == ("failed", 1)
    assert "disk full" in failed["render_error"]
    retried = send(ada, "post", at(made, "/retry"), {})
    assert retried.status_code == 200 and retried.json()["render_state"] == "pending"
    assert send(as_user(world.val), "post", at(made, "/retry"), {}).status_code == 403
    refreshed = send(ada, "post", at(made, "/refresh"), {"version": retried.json()["version"]})
    assert refreshed.status_code == 200 and refreshed.json()["version"] == retried.json()["version"] + 1
    assert send(ada, "post", at(made, "/refresh"), {"version": 1}).status_code == 409


def test_a_path_the_api_cannot_read_is_400_or_404(world: Any, as_user: Any) -> None:
    shown = published(world)
    ada = as_user(world.ada)
    assert ada.get(api(world, "/1/issues/2025-13")).status_code == 400
    assert ada.get(api(world, "/0")).status_code == 400
    assert ada.get(api(world, "/1/issues/2025-Q1")).json() == NOT_FOUND
    assert ada.get(at(shown, "/revisions/1/files/customer.doc")).status_code == 400
    assert ada.get(at(shown, "/revisions/9/files/customer.pdf")).json() == NOT_FOUND


def test_the_internal_edition_with_the_licensed_benchmark_values_is_the_supplier_s(
    world: Any, as_user: Any
) -> None:
    Benchmark.objects.create(
        supplier=world.northwind,
        category=world.category,
        measure="FR.ERI",
        month="2025-09",
        best_in_class=0.1,
        industry_average=0.2,
        worst_in_class=5.0,
    )
    definition(world, categories=[world.category.code], sections=["returns"], benchmarks="position")
    shown = published(world)
    editions = {f["edition"] for f in as_user(world.val).get(at(shown)).json()["files"]}
    assert editions == {"customer", "internal"}
    assert as_user(world.val).get(file_at(shown, edition="internal", fmt="xlsx")).status_code == 200
    carol = as_user(world.carol)
    assert {f["edition"] for f in carol.get(at(shown)).json()["files"]} == {"customer"}
    assert carol.get(file_at(shown, edition="internal", fmt="xlsx")).json() == NOT_FOUND
    assert carol.get(file_at(shown, edition="customer", fmt="xlsx")).status_code == 200
