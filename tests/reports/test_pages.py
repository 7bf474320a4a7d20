"""The reports' pages as the test people use them, on a fixed day (``TODAY``, 20 January 2027) with a
year of fixed months: defining a report, generating an issue, commentary, publishing, corrections, the
files, and who reads what (the customer only published issues and only the customer edition; Mallory
and Fay nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from django.core import mail

from accord.audit.models import AuditEvent
from accord.reports import rendering, services
from accord.reports.models import IssueStatus, RenderState, ReportDefinition, ReportIssue
from tests.reports.helpers import (
    QUARTER,
    TODAY,
    access,
    definition,
    issue,
    issue_url,
    operational_year,
    url,
)

pytestmark = pytest.mark.django_db
BASE = "/r/northwind-telco-a/reports/"


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    """Every page here runs on ``TODAY`` (the periods of 2026 have ended, whatever the real date)."""
    with time_machine.travel(datetime.combine(TODAY, time(9), tzinfo=UTC)):
        yield


@pytest.fixture
def year(world: Any) -> Any:
    return operational_year(world)


def _form(world: Any, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Quarterly quality report",
        "sections": ["returns", "delivery", "register"],
        "period": "quarterly",
        "first_period": "2026-Q1",
        "history_months": "12",
        "compare_targets": "on",
        "compare_previous": "on",
        "benchmarks": "position",
        "recipients": [world.carol.pk, world.vic.pk],
        "after_days": "1",
        "active": "on",
    }
    return {k: v for k, v in (data | changes).items() if v is not None}


# --- definitions -----------------------------------------------------------------------------------------


def test_the_empty_list_explains_the_reports_and_offers_a_new_one_to_leads(world: Any, as_user: Any) -> None:
    page = as_user(world.ada).get(BASE).content.decode()
    assert 'data-testid="no-reports"' in page and "Reports follow what Telco A asked for" in page
    assert f'href="{BASE}new/"' in page
    carol = as_user(world.carol).get(BASE).content.decode()
    assert 'data-testid="no-reports"' in carol and f'href="{BASE}new/"' not in carol
    assert f'href="{BASE}new/"' not in as_user(world.val).get(BASE).content.decode()


def test_ada_defines_a_report(world: Any, as_user: Any) -> None:
    form = as_user(world.ada).get(BASE + "new/")
    assert form.status_code == 200 and b"Carol Nguyen &lt;carol@telco-a.example&gt;" in form.content
    assert b"mallory@" not in form.content and b"ada@northwind" not in form.content  # the customer's only
    made = as_user(world.ada).post(BASE + "new/", _form(world, categories=["3.2.1"]))
    d = ReportDefinition.objects.get(relationship=world.nw_ta)
    assert made.status_code == 302 and made["Location"] == url(d)
    assert (d.ref, d.sections, d.categories, d.first_period) == (
        "RD-1",
        ["returns", "delivery", "register"],
        ["3.2.1"],
        "2026-Q1",
    )
    assert set(d.recipients.all()) == {world.carol, world.vic}
    page = as_user(world.ada).get(BASE).content.decode()
    assert "RD-1 Quarterly quality report" in page and "2 recipients" in page and "No issue yet." in page


def test_a_bad_definition_re_renders_with_the_services_messages_and_writes_nothing(
    world: Any, as_user: Any
) -> None:
    bad = as_user(world.sam).post(
        BASE + "new/", _form(world, title=" ", sections=None, first_period="2026-09", recipients=None)
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "This field is required." in page  # the title, checked by the form first
    assert not ReportDefinition.objects.exists()
    # the service's messages sit next to their fields
    bad = as_user(world.sam).post(BASE + "new/", _form(world, sections=None, first_period="2026-09"))
    assert bad.status_code == 400
    assert b"Choose at least one section." in bad.content
    assert b"A quarterly report&#x27;s periods are quarters (2026-Q3)." in bad.content
    bad = as_user(world.sam).post(BASE + "new/", _form(world, recipients=[world.mallory.pk]))
    assert bad.status_code == 400 and b"Select a valid choice." in bad.content
    assert not ReportDefinition.objects.exists()


def test_a_stale_definition_form_keeps_what_was_typed(world: Any, as_user: Any) -> None:
    d = definition(world)
    services.update_definition(
        access=access(world, world.sam),
        definition=d,
        version=d.version,
        data=services.DefinitionInput(title="Sam's title", sections=["returns"], first_period="2026-Q1"),
    )
    stale = as_user(world.ada).post(url(d, "edit/"), _form(world, title="Ada's title", version=1))
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Someone else saved this record while you were editing it" in page
    assert 'value="Ada&#x27;s title"' in page and "Sam&#x27;s title" in page  # typed kept, saved shown
    d.refresh_from_db()
    assert d.title == "Sam's title"
    again = as_user(world.ada).post(url(d, "edit/"), _form(world, title="Ada's title", version=d.version))
    assert again.status_code == 302
    d.refresh_from_db()
    assert d.title == "Ada's title"


@pytest.mark.parametrize("who", ["val", "carol", "vic"])
def test_only_a_supplier_lead_defines_or_changes_a_report(world: Any, as_user: Any, who: str) -> None:
    d = definition(world)
    client = as_user(getattr(world, who))
    assert client.get(BASE + "new/").status_code == 403
    assert client.post(BASE + "new/", _form(world)).status_code == 403
    assert client.post(url(d, "edit/"), _form(world, version=1)).status_code == 403
    assert client.post(url(d, "generate/"), {"period": QUARTER}).status_code == 403
    assert ReportDefinition.objects.count() == 1 and not ReportIssue.objects.exists()


# --- generating --------------------------------------------------------------------------------------------


def test_ada_generates_an_issue_for_an_ended_quarter(
    year: Any, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    d = definition(year)
    page = as_user(year.ada).get(url(d)).content.decode()
    assert 'data-testid="generate-form"' in page and 'value="2026-Q4"' in page  # the last ended quarter
    with django_capture_on_commit_callbacks(execute=True):
        made = as_user(year.ada).post(url(d, "generate/"), {"period": QUARTER})
    found = ReportIssue.objects.get(definition=d)
    assert made.status_code == 302 and made["Location"] == issue_url(found)
    assert (found.status, found.render_state) == (IssueStatus.DRAFT, RenderState.READY)  # rendered at once
    again = as_user(year.sam).post(url(d, "generate/"), {"period": "2026-q3"})
    assert again.status_code == 302 and ReportIssue.objects.count() == 1  # never two for one period


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2027-Q1", "Q1 2027 has not ended yet."),
        ("2026-09", "RD-1 is quarterly: give a period like 2026-Q3."),
        ("soon", "is not a period"),
        ("", "is not a period"),
    ],
)
def test_a_refused_period_shows_why_on_the_report_s_page(
    world: Any, as_user: Any, period: str, message: str
) -> None:
    d = definition(world)
    refused = as_user(world.ada).post(url(d, "generate/"), {"period": period})
    assert refused.status_code == 400
    assert message in refused.content.decode().replace("&#x27;", "'")
    assert b'data-testid="settings"' in refused.content  # the report's page, with its settings
    assert not ReportIssue.objects.exists()


# --- an issue's page ---------------------------------------------------------------------------------------


def test_the_issue_page_shows_the_document_the_files_and_the_lead_s_next_steps(
    year: Any, as_user: Any
) -> None:
    d = definition(year, sections=["returns", "register"])
    i = issue(year, d, commentary={"overall": "A calm quarter", "returns": "Returns fell in August"})
    page = as_user(year.ada).get(issue_url(i)).content.decode()
    assert "Quarterly quality report · Q3 2026" in page and 'data-testid="issue-status">Draft<' in page
    assert "A calm quarter" in page and "Returns fell in August" in page
    assert "<svg" in page  # the charts inline
    assert 'data-testid="commentary-form"' in page and "Publish now" in page and "Take the data again" in page
    assert f"{BASE}1/2026-Q3/r1/customer.pdf" in page and "RD-1-2026-Q3-r1.pdf" in page
    assert "Supplier internal edition" not in page  # no benchmark: the customer's edition only
    assert "generated 20 Jan 2027" in page and "by Ada Quinn" in page
    val = as_user(year.val).get(issue_url(i)).content.decode()
    assert "A calm quarter" in val and 'data-testid="commentary-form"' not in val and "Publish now" not in val


def test_a_draft_being_rendered_says_so_and_cannot_be_published(world: Any, as_user: Any) -> None:
    d = definition(world, sections=["register"])
    i = issue(world, d, render=False)
    page = as_user(world.ada).get(issue_url(i)).content.decode()
    assert "Rendering the files… refresh in a moment." in page
    assert "Publish now" not in page and "Publishing waits until the files are rendered." in page
    refused = as_user(world.ada).post(issue_url(i, "publish/"), {"version": i.version}, follow=True)
    assert refused.status_code == 200
    assert "Only a draft whose files are rendered may be published." in refused.content.decode()
    i.refresh_from_db()
    assert i.status == IssueStatus.DRAFT and not mail.outbox


def test_a_failed_render_shows_the_error_and_a_lead_retries(
    world: Any, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    d = definition(world, sections=["register"])
    i = issue(world, d, render=False)
    ReportIssue.objects.filter(pk=i.pk).update(
        render_state=RenderState.FAILED, render_attempts=3, render_error="OSError: the disk is full"
    )
    page = as_user(world.ada).get(issue_url(i)).content.decode()
    assert "OSError: the disk is full" in page and "Retry" in page
    assert "Retry" not in as_user(world.val).get(issue_url(i)).content.decode()
    assert as_user(world.val).post(issue_url(i, "retry/")).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        retried = as_user(world.sam).post(issue_url(i, "retry/"))
    assert retried.status_code == 302
    i.refresh_from_db()
    assert i.render_state == RenderState.READY and i.files.exists()


def test_sam_writes_the_commentary_and_the_draft_renders_again(
    year: Any, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    d = definition(year, sections=["returns", "register"])
    i = issue(year, d)
    with django_capture_on_commit_callbacks(execute=True):
        saved = as_user(year.sam).post(
            issue_url(i, "commentary/"),
            {"version": i.version, "overall": "Better than Q2", "returns": "Two line cards", "register": ""},
        )
    assert saved.status_code == 302
    i.refresh_from_db()
    assert i.commentary == {"overall": "Better than Q2", "returns": "Two line cards"}
    assert i.render_state == RenderState.READY
    assert AuditEvent.objects.filter(verb="report_issue.commented").count() == 1


def test_a_stale_commentary_keeps_what_was_typed(year: Any, as_user: Any) -> None:
    d = definition(year, sections=["register"])
    i = issue(year, d)
    services.comment(access=access(year, year.sam), issue=i, commentary={"overall": "Sam's words"})
    stale = as_user(year.ada).post(
        issue_url(i, "commentary/"), {"version": i.version, "overall": "Ada's words"}
    )
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Ada&#x27;s words</textarea>" in page and "Now saved:" in page and "Sam&#x27;s words" in page
    i.refresh_from_db()
    assert i.commentary == {"overall": "Sam's words"}


def test_too_long_a_commentary_is_refused_on_the_page(year: Any, as_user: Any) -> None:
    d = definition(year, sections=["register"])
    i = issue(year, d)
    refused = as_user(year.ada).post(
        issue_url(i, "commentary/"), {"version": i.version, "overall": "x" * 4001}
    )
    assert refused.status_code == 400 and b"Ensure this value has at most 4000 characters" in refused.content
    i.refresh_from_db()
    assert i.commentary == {}


def test_publishing_shows_the_issue_to_the_customer_and_e_mails_the_recipients(
    year: Any, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    d = definition(year, sections=["returns"])
    i = issue(year, d, commentary={"overall": "A calm quarter"})
    assert as_user(year.carol).get(issue_url(i)).status_code == 404  # a draft is the supplier's
    assert "Q3 2026" not in as_user(year.carol).get(BASE).content.decode()
    page = as_user(year.ada).get(issue_url(i)).content.decode()
    assert "e-mails its 2 recipients" in page and "never change" in page  # the confirmation says so
    with django_capture_on_commit_callbacks(execute=True):
        published = as_user(year.ada).post(issue_url(i, "publish/"), {"version": i.version})
    assert published.status_code == 302
    i.refresh_from_db()
    assert i.status == IssueStatus.PUBLISHED and i.published_by == year.ada
    assert sorted(m.to[0] for m in mail.outbox) == ["carol@telco-a.example", "vic@telco-a.example"]
    carol = as_user(year.carol).get(issue_url(i)).content.decode()
    assert "A calm quarter" in carol and "published" in carol and "by Ada Quinn" in carol
    assert 'data-testid="commentary-form"' not in carol and "Correct this issue" not in carol
    listed = as_user(year.carol).get(BASE).content.decode()
    assert "2026-Q3" in listed and f"{BASE}1/2026-Q3/r1/customer.pdf" in listed


def test_a_stale_publish_is_refused_with_a_message(year: Any, as_user: Any) -> None:
    d = definition(year, sections=["register"])
    i = issue(year, d)
    refused = as_user(year.ada).post(issue_url(i, "publish/"), {"version": i.version - 1 or 99}, follow=True)
    assert "Someone changed this issue meanwhile" in refused.content.decode()
    i.refresh_from_db()
    assert i.status == IssueStatus.DRAFT


def test_a_correction_is_a_new_revision_and_the_first_stays_readable(
    year: Any, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    d = definition(year, sections=["returns"])
    first = issue(year, d, publish=True)
    page = as_user(year.ada).get(issue_url(first)).content.decode()
    assert "Correct this issue" in page and "Publish now" not in page
    assert as_user(year.carol).get(issue_url(first, "revise/")).status_code == 403
    empty = as_user(year.ada).post(issue_url(first, "revise/"), {"reason": " "})
    assert empty.status_code == 400 and b"Say what the correction corrects." in empty.content
    with django_capture_on_commit_callbacks(execute=True):
        made = as_user(year.ada).post(
            issue_url(first, "revise/"), {"reason": "August's returns were counted twice"}
        )
    second = ReportIssue.objects.get(definition=d, revision=2)
    assert made.status_code == 302 and made["Location"] == issue_url(second) + "?revision=2"
    page = as_user(year.ada).get(made["Location"]).content.decode()
    assert "August&#x27;s returns were counted twice" in page and "revision 1" in page
    # the customer still reads revision 1 (the draft is the supplier's), with no link to the draft
    carol = as_user(year.carol).get(issue_url(first)).content.decode()
    assert 'data-testid="issue-status">Published<' in carol and "counted twice" not in carol
    assert as_user(year.carol).get(issue_url(first) + "?revision=2").status_code == 404
    services.publish(access=access(year), issue=second)
    carol = as_user(year.carol).get(issue_url(first)).content.decode()
    assert "counted twice" in carol and "revision 1" in carol  # the latest, and a link to the first
    old = as_user(year.carol).get(issue_url(first) + "?revision=1").content.decode()
    assert "A later revision corrects this issue." in old


# --- files -------------------------------------------------------------------------------------------------


def test_vic_downloads_the_customer_edition_s_pdf(year: Any, as_user: Any) -> None:
    d = definition(year, sections=["returns"])
    i = issue(year, d, publish=True)
    got = as_user(year.vic).get(issue_url(i, "r1/customer.pdf"))
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"] == 'attachment; filename="RD-1-2026-Q3-r1.pdf"'
    assert got["X-Content-Type-Options"] == "nosniff"
    stored = i.files.get(edition="customer", format="pdf")
    assert got.content == rendering.read_file(stored) and got.content.startswith(b"%PDF")
    html = as_user(year.vic).get(issue_url(i, "r1/customer.html"))
    assert html["Content-Disposition"] == 'attachment; filename="RD-1-2026-Q3-r1.html"'
    assert html["Content-Type"].startswith("text/html")
    xlsx = as_user(year.vic).get(issue_url(i, "r1/customer.xlsx"))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def test_the_internal_edition_is_the_supplier_s_only(year: Any, as_user: Any) -> None:
    from accord.operations.models import Benchmark

    Benchmark.objects.bulk_create(
        Benchmark(
            supplier=year.northwind,
            category=year.category,
            measure="FR.YRR",
            month=f"2026-{m:02d}",
            best_in_class=0.5,
            industry_average=2.0,
            worst_in_class=6.0,
        )
        for m in range(1, 13)
    )
    d = definition(year, sections=["returns"])
    i = issue(year, d, publish=True)
    assert i.files.filter(edition="internal").exists()
    ada = as_user(year.ada).get(issue_url(i)).content.decode()
    assert "Supplier internal edition" in ada and "not for the customer" in ada
    assert "RD-1-2026-Q3-r1-internal.pdf" in ada and "· average" in ada
    internal = as_user(year.sam).get(issue_url(i, "r1/internal.pdf"))
    assert internal.status_code == 200
    assert internal["Content-Disposition"] == 'attachment; filename="RD-1-2026-Q3-r1-internal.pdf"'
    for who in ("carol", "vic"):
        client = as_user(getattr(year, who))
        assert client.get(issue_url(i, "r1/internal.pdf")).status_code == 404
        assert client.get(issue_url(i, "r1/internal.xlsx")).status_code == 404
        page = client.get(issue_url(i)).content.decode()
        assert "r1/internal" not in page and "r1-internal" not in page
        assert "Supplier internal edition" not in page
        assert 'class="pos-' in page and "· average" not in page  # the position, not the licensed values


def test_a_draft_s_files_and_unknown_ones_are_404_for_the_customer(world: Any, as_user: Any) -> None:
    d = definition(world, sections=["register"])
    i = issue(world, d)
    assert as_user(world.ada).get(issue_url(i, "r1/customer.pdf")).status_code == 200
    assert as_user(world.carol).get(issue_url(i, "r1/customer.pdf")).status_code == 404
    assert as_user(world.ada).get(issue_url(i, "r1/customer.exe")).status_code == 404
    assert as_user(world.ada).get(issue_url(i, "r2/customer.pdf")).status_code == 404
    assert as_user(world.ada).get(issue_url(i, "r1/secret.pdf")).status_code == 404


@pytest.mark.parametrize("who", ["mallory", "fay"])
def test_mallory_and_fay_get_404_everywhere(world: Any, as_user: Any, who: str) -> None:
    d = definition(world, sections=["register"])
    i = issue(world, d, publish=True)
    client = as_user(getattr(world, who))
    for path in (
        BASE,
        BASE + "new/",
        url(d),
        url(d, "edit/"),
        issue_url(i),
        issue_url(i, "revise/"),
        issue_url(i, "r1/customer.pdf"),
        issue_url(i, "r1/customer.html"),
    ):
        assert client.get(path).status_code == 404, path
    for path in ("generate/", f"{QUARTER}/publish/", f"{QUARTER}/commentary/"):
        assert client.post(url(d, path), {"period": QUARTER}).status_code == 404, path


# --- the overview and the home page ------------------------------------------------------------------------


def test_the_home_page_tells_carol_of_a_new_report_and_the_leads_of_drafts(world: Any, as_user: Any) -> None:
    d = definition(world, sections=["register"])
    issue(world, d, "2026-Q3", publish=True)
    issue(world, d, "2026-Q4")
    carol = as_user(world.carol).get("/").content.decode()
    assert "A new report was published: Q3 2026" in carol and "draft" not in carol
    ada = as_user(world.ada).get("/").content.decode()
    assert "1 report draft waits to be published" in ada
    assert "waits to be published" not in as_user(world.val).get("/").content.decode()
    overview = as_user(world.carol).get("/r/northwind-telco-a/").content.decode()
    assert 'data-testid="reports-latest"' in overview and "RD-1 Quarterly quality report, Q3 2026" in overview
    assert 'data-testid="reports-drafts"' not in overview
    assert 'data-testid="reports-drafts"' in as_user(world.sam).get("/r/northwind-telco-a/").content.decode()
    with time_machine.travel(datetime.combine(TODAY, time(9), tzinfo=UTC).replace(month=3)):
        later = as_user(world.carol).get("/").content.decode()
    assert "A new report was published" not in later  # after a fortnight it is no longer news
