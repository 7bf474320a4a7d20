"""`accord tick`'s reports job: it generates each due period once (from the definition's first period,
the day after the period ends), renders in the worker, publishes when the definition says so, and
queues a failed render again until it gives up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail

from accord.parties import services as parties
from accord.parties.access import access_from
from accord.parties.models import Role
from accord.reports import rendering, services
from accord.reports.jobs import generate_due
from accord.reports.models import IssueStatus, RenderState, ReportIssue
from tests.conftest import make_user
from tests.reports.data import definition

JAN_20 = datetime(2027, 1, 20, 6, tzinfo=UTC)


def test_the_schedule_generates_each_due_period_once(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    d = definition(world, first_period="2026-Q2", sections=["returns", "register"])
    with django_capture_on_commit_callbacks(execute=True):
        assert generate_due(JAN_20) == "generated 3, re-queued 0 renders"
    with django_capture_on_commit_callbacks(execute=True):
        assert generate_due(JAN_20) == "generated 0, re-queued 0 renders"
    issues = ReportIssue.objects.filter(definition=d).order_by("period")
    assert [(i.period, i.status, i.render_state) for i in issues] == [
        (p, IssueStatus.DRAFT, RenderState.READY) for p in ("2026-Q2", "2026-Q3", "2026-Q4")
    ]
    assert not mail.outbox  # drafts wait for a supplier editor


def test_the_day_after_the_period_ends_and_not_before(world: Any) -> None:
    d = definition(world, first_period="2026-Q3", sections=["returns"], after_days=3)
    services.schedule(datetime(2026, 10, 2, 23, tzinfo=UTC))
    assert not ReportIssue.objects.filter(definition=d).exists()
    services.schedule(datetime(2026, 10, 3, 0, 30, tzinfo=UTC))
    assert list(ReportIssue.objects.filter(definition=d).values_list("period", flat=True)) == ["2026-Q3"]


def test_an_inactive_definition_generates_nothing(world: Any) -> None:
    definition(world, first_period="2026-Q2", sections=["returns"], active=False)
    assert services.schedule(JAN_20) == (0, 0)


def test_automatic_publishing_needs_no_editor(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    d = definition(world, first_period="2026-Q4", sections=["returns"], auto_publish=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule(JAN_20)
    found = ReportIssue.objects.get(definition=d)
    assert (found.status, found.published_by) == (IssueStatus.PUBLISHED, None)
    assert sorted(m.to[0] for m in mail.outbox) == ["carol@telco-a.example", "vic@telco-a.example"]


def test_a_failed_render_is_queued_again_by_the_schedule(
    world: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    d = definition(world, first_period="2026-Q4", sections=["returns"])
    calls = []

    def flaky(*args: Any, **kwargs: Any) -> bytes:
        calls.append(1)
        raise OSError("disk full")

    monkeypatch.setattr(rendering.render, "pdf", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule(JAN_20)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.schedule(JAN_20) == (0, 1)
    found = ReportIssue.objects.get(definition=d)
    assert (found.render_state, found.render_attempts) == (RenderState.FAILED, 2)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule(JAN_20)
    found.refresh_from_db()
    assert found.render_state == RenderState.READY and len(calls) == 2


def test_reports_a_supplier_sends_its_customer_reach_the_home_organization(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The symmetric relationship: Photon Optics supplies Northwind; its reports reach Northwind's
    members like any customer's, and Northwind's people cannot change them."""
    photon = parties.create_party(actor=None, name="Photon Optics", slug="photon", country="PT")
    rel = parties.create_relationship(
        actor=None, supplier=photon, customer=world.northwind, slug="photon-northwind"
    )
    ines = make_user("ines@photon.example", "Ines Duarte", photon, Role.EDITOR)
    photon_access = access_from(ines, rel)
    assert photon_access is not None
    d = services.create_definition(
        access=photon_access,
        data=services.DefinitionInput(
            title="Photon quality report", sections=["returns", "delivery"], first_period="2026-Q3",
            recipients=[world.ada.pk, world.val.pk],
        ),
    )  # fmt: skip
    made, _ = services.generate(access=photon_access, definition=d, period="2026-Q3", today=JAN_20.date())
    rendering.render_issue(made.pk)
    ada = access_from(world.ada, rel)
    assert ada is not None
    assert not ReportIssue.objects.visible_to(ada).exists()
    with pytest.raises(Exception, match="supplier"):
        services.publish(access=ada, issue=made)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(access=photon_access, issue=made)
    assert list(ReportIssue.objects.visible_to(ada)) == [made]
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@northwind.example", "val@northwind.example"]
