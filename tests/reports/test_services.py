"""The reports' services: definitions, generating a period once, rendering files with their SHA-256,
commentary while a draft, publishing (and the e-mails), corrections as revisions, and who may."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accord.audit.models import AuditEvent
from accord.lib import auditing
from accord.lib.errors import Conflict
from accord.reports import rendering, services
from accord.reports.models import Edition, IssueStatus, RenderState, ReportIssue
from tests.reports.data import TODAY, access, definition, issue, operational_year

QUICK = ["returns", "register"]  # what a test that reads no document needs: one measure section


@pytest.fixture
def year(world: Any) -> Any:
    return operational_year(world)


def test_a_definition_needs_a_title_sections_and_a_period_of_its_kind(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        definition(world, title=" ", sections=[], first_period="2026-09", history_months=99, after_days=-1)
    fields = caught.value.message_dict
    assert {"title", "sections", "first_period", "history_months", "after_days"} <= set(fields)
    assert "quarter" in fields["first_period"][0]


def test_recipients_are_members_of_the_customer(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        definition(world, recipients=[world.mallory.pk])
    assert "Telco A" in caught.value.message_dict["recipients"][0]
    with pytest.raises(ValidationError):
        definition(world, recipients=[world.ada.pk])  # the supplier's own people do not receive it


def test_unknown_sections_and_categories_are_named(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        definition(world, sections=["returns", "gossip"], categories=["9.9.9"])
    assert "gossip" in caught.value.message_dict["sections"][0]
    assert "9.9.9" in caught.value.message_dict["categories"][0]


@pytest.mark.parametrize("who", ["val", "carol", "vic"])
def test_only_a_supplier_lead_defines_reports(world: Any, who: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.create_definition(
            access=access(world, getattr(world, who)),
            data=services.DefinitionInput(title="Mine", sections=["returns"], first_period="2026-Q1"),
        )


def test_definitions_are_numbered_per_relationship(world: Any) -> None:
    first, second = definition(world), definition(world, title="Another")
    other = services.create_definition(
        access=access(world, rel=world.nw_tb),
        data=services.DefinitionInput(title="Telco B's", sections=["returns"], first_period="2026-Q1"),
    )
    assert (first.number, second.number, other.number) == (1, 2, 1)


def test_a_stale_definition_save_is_refused(world: Any) -> None:
    d = definition(world)
    services.update_definition(
        access=access(world), definition=d, version=1,
        data=services.DefinitionInput(title="Renamed", sections=["returns"], first_period="2026-Q1"),
    )  # fmt: skip
    with pytest.raises(Conflict):
        services.update_definition(
            access=access(world), definition=d, version=1,
            data=services.DefinitionInput(title="Lost", sections=["returns"], first_period="2026-Q1"),
        )  # fmt: skip
    d.refresh_from_db()
    assert (d.title, d.version) == ("Renamed", 2)


def test_a_period_is_generated_once(year: Any) -> None:
    d = definition(year)
    first, created = services.generate(access=access(year), definition=d, period="2026-Q3", today=TODAY)
    again, created_again = services.generate(access=access(year), definition=d, period="2026-q3", today=TODAY)
    assert created and not created_again and first.pk == again.pk
    assert ReportIssue.objects.filter(definition=d).count() == 1


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2027-Q1", "has not ended"),
        ("2026-09", "quarterly"),
        ("2026-Q5", "not a period"),
        ("Q3", "not a period"),
    ],
)
def test_a_bad_period_is_refused_with_its_reason(world: Any, period: str, message: str) -> None:
    d = definition(world)
    with pytest.raises(ValidationError) as caught:
        services.generate(access=access(world), definition=d, period=period, today=TODAY)
    assert message in caught.value.message_dict["period"][0]
    assert not ReportIssue.objects.exists()


def test_rendering_stores_each_file_with_its_sha256(year: Any) -> None:
    d = definition(year)
    made = issue(year, d)
    assert made.render_state == RenderState.READY
    files = {(f.edition, f.format): f for f in made.files.all()}
    # the FR.YRR benchmark is licensed: the customer reads its position, the supplier's edition its values
    assert set(files) == {
        (e, f) for e in (Edition.CUSTOMER, Edition.INTERNAL) for f in ("html", "pdf", "xlsx")
    }
    for f in files.values():
        content = rendering.read_file(f)
        assert hashlib.sha256(content).hexdigest() == f.sha256 and len(content) == f.size
    customer = rendering.read_file(files[(Edition.CUSTOMER, "html")]).decode()
    internal = rendering.read_file(files[(Edition.INTERNAL, "html")]).decode()
    assert "At or better than the best in class" in customer  # FR.YRR 0.00 in 2026-09 against 0.5 … 6.0
    assert "average 2.00" not in customer and "average 2.00" in internal
    assert rendering.read_file(files[(Edition.CUSTOMER, "pdf")]).startswith(b"%PDF")
    assert rendering.read_file(files[(Edition.CUSTOMER, "xlsx")]).startswith(b"PK")


def test_without_licensed_values_there_is_one_edition(year: Any) -> None:
    made = issue(year, definition(year, benchmarks="values"))
    assert {f.edition for f in made.files.all()} == {Edition.CUSTOMER}


def test_commentary_is_written_on_a_draft_and_renders_it_again(
    year: Any, django_capture_on_commit_callbacks: Any
) -> None:
    made = issue(year, definition(year))
    old = set(made.files.values_list("sha256", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        services.comment(
            access=access(year), issue=made, version=made.version,
            commentary={"returns": "Returns fell after the new packaging.", "overall": "A steady quarter."},
        )  # fmt: skip
    made.refresh_from_db()
    assert made.render_state == RenderState.READY
    html = rendering.read_file(made.files.get(edition="customer", format="html")).decode()
    assert "Returns fell after the new packaging." in html and "A steady quarter." in html
    assert not old & set(made.files.values_list("sha256", flat=True))


def test_commentary_of_no_such_section_or_too_long_is_refused(year: Any) -> None:
    made = issue(year, definition(year, sections=["returns"]))
    with pytest.raises(ValidationError) as caught:
        services.comment(access=access(year), issue=made, commentary={"meetings": "x", "returns": "y" * 5000})
    assert set(caught.value.message_dict) == {"meetings", "returns"}
    made.refresh_from_db()
    assert made.commentary == {}


def test_publishing_waits_for_the_files(year: Any) -> None:
    d = definition(year)
    made, _ = services.generate(access=access(year), definition=d, period="2026-Q2", today=TODAY)
    with pytest.raises(PermissionDenied):
        services.publish(access=access(year), issue=made)
    assert ReportIssue.objects.get(pk=made.pk).status == IssueStatus.DRAFT


def test_publishing_tells_the_recipients(year: Any, django_capture_on_commit_callbacks: Any) -> None:
    made = issue(year, definition(year, sections=QUICK))
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(access=access(year), issue=made)
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["carol@telco-a.example", "vic@telco-a.example"]
    assert (
        "Q3 2026" in mail.outbox[0].subject
        and "/r/northwind-telco-a/reports/1/2026-Q3/" in mail.outbox[0].body
    )


def test_a_published_issue_never_changes(year: Any) -> None:
    made = issue(year, definition(year, sections=QUICK), publish=True)
    before = {(f.edition, f.format): (f.sha256, rendering.read_file(f)) for f in made.files.all()}
    with pytest.raises(PermissionDenied):
        services.comment(access=access(year), issue=made, commentary={"returns": "late words"})
    with pytest.raises(PermissionDenied):
        services.refresh(access=access(year), issue=made)
    assert rendering.render_issue(made.pk) == "nothing to render"
    made.refresh_from_db()
    after = {(f.edition, f.format): (f.sha256, rendering.read_file(f)) for f in made.files.all()}
    assert after == before and made.commentary == {}


def test_a_correction_is_a_new_revision_and_the_first_stays(year: Any) -> None:
    first = issue(year, definition(year, sections=QUICK), publish=True)
    with pytest.raises(ValidationError):
        services.revise(access=access(year), issue=first, reason="  ")
    second = services.revise(access=access(year), issue=first, reason="Two returns were booked twice.")
    assert (second.revision, second.status, second.reason) == (
        2,
        IssueStatus.DRAFT,
        "Two returns were booked twice.",
    )
    with pytest.raises(ValidationError):  # one correction at a time
        services.revise(access=access(year), issue=first, reason="Again")
    first.refresh_from_db()
    assert first.status == IssueStatus.PUBLISHED and first.files.count() == 6


def test_customers_read_published_issues_only(year: Any) -> None:
    d = definition(year, sections=QUICK)
    published = issue(year, d, "2026-Q2", publish=True)
    issue(year, d, "2026-Q3")
    carol, fay, mallory = (access(year, year.carol), year.fay, year.mallory)
    assert list(ReportIssue.objects.visible_to(carol)) == [published]
    assert ReportIssue.objects.visible_to(access(year)).count() == 2
    from accord.parties.access import access_from

    assert access_from(mallory, year.nw_ta) is None
    guest = access_from(fay, year.nw_ta, allow_guest=True)
    assert guest is not None and not ReportIssue.objects.visible_to(guest).exists()


def test_the_customers_audit_trail_has_no_draft(year: Any) -> None:
    d = definition(year, sections=QUICK)
    draft = issue(year, d, "2026-Q3")
    events = AuditEvent.objects.filter(relationship=year.nw_ta, object_type="reports.reportissue")
    assert events.filter(object_id=str(draft.pk)).exists()
    assert (
        not auditing.visible_events(events, access(year, year.carol)).filter(object_id=str(draft.pk)).exists()
    )
    services.publish(access=access(year), issue=draft)
    assert auditing.visible_events(events, access(year, year.carol)).filter(object_id=str(draft.pk)).exists()


def test_a_failed_render_is_shown_and_retried(
    year: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    d = definition(year)

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("the PDF engine ran out of memory")

    monkeypatch.setattr(rendering.render, "pdf", broken)
    made, _ = services.generate(access=access(year), definition=d, period="2026-Q1", today=TODAY)
    for attempt in range(1, rendering.MAX_ATTEMPTS + 1):
        with django_capture_on_commit_callbacks(execute=True):
            rendering.render_issue(made.pk)
        made.refresh_from_db()
        assert (made.render_state, made.render_attempts) == (RenderState.FAILED, attempt)
    assert "ran out of memory" in made.render_error
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@northwind.example", "sam@northwind.example"]
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.retry(access=access(year), issue=made)
    made.refresh_from_db()
    assert made.render_state == RenderState.READY and made.files.count() == 6
