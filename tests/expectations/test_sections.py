"""The shared expectations team's agenda reads the expectations: each side's expectations, the
comparison with current performance, the gaps, their action plans (shared items only) and the measures
tracking them; existing team templates are rebound by migration."""

from __future__ import annotations

import importlib
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.expectations import services
from accord.expectations.models import Gap
from accord.meetings import agendas, sections
from accord.meetings.models import AgendaTemplate, Kind, TemplateItem
from accord.parties.access import access_from
from tests.expectations.helpers import DOCS_4, agreed, propose
from tests.expectations.test_gap_end_to_end import imported, lines
from tests.meetings.helpers import team_meeting

BINDINGS = [
    agendas.EXPECTATIONS_CUSTOMER,
    agendas.EXPECTATIONS_ORGANIZATION,
    agendas.EXPECTATIONS_COMPARISON,
    agendas.EXPECTATIONS_GAPS,
    agendas.EXPECTATIONS_PLANS,
    agendas.EXPECTATIONS_MEASURES,
]
MARCH = datetime(2026, 3, 15, 12, tzinfo=UTC)


def _access(world: Any, user: Any) -> Any:
    found = access_from(user, world.nw_ta, allow_guest=True)
    assert found is not None
    return found


def _group(section: sections.Section, key: str) -> sections.Group:
    return next(g for g in section.groups if g.key == key)


@pytest.fixture
def gap_world(world: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """In March 2026: OTI ≥ 95 % agreed, February imported at 80 % (a gap), a team meeting scheduled
    for April, the gap's plan: one shared item and one Northwind keeps private."""
    with time_machine.travel(MARCH):
        world.oti = agreed(world, owner=world.sam)
        imported(world, tmp_path, django_capture_on_commit_callbacks, "feb.csv", lines("2026-02", 8, 2))
        world.gap = Gap.objects.get(expectation=world.oti)
        sam = _access(world, world.sam)
        world.shared_plan = services.plan_action(access=sam, gap=world.gap, title="Buffer stock for the OTX")
        world.private_plan = services.plan_action(
            access=sam, gap=world.gap, title="Internal cost of the buffer", visibility="private"
        )
        world.meeting = team_meeting(world)
    return world


def test_a_new_team_meeting_binds_its_six_items_to_the_expectations(gap_world: Any) -> None:
    items = gap_world.meeting.agenda_items.order_by("position")
    assert list(items.values_list("binding", flat=True)) == BINDINGS
    assert all(b in sections.REGISTRY for b in BINDINGS)


def test_a_gap_shows_at_the_next_team_meetings_agenda(gap_world: Any) -> None:
    with time_machine.travel(MARCH):
        found = sections.prepare(gap_world.meeting, BINDINGS)
    customer = found[agendas.EXPECTATIONS_CUSTOMER]
    assert [r.label for r in _group(customer, "agreed").rows] == ["E-1"]
    assert _group(customer, "agreed").rows[0].cells[0] == "OTD.OTI ≥ 95 %, monthly"
    assert found[agendas.EXPECTATIONS_ORGANIZATION].is_empty

    compared = _group(found[agendas.EXPECTATIONS_COMPARISON], "assessed").rows
    assert [(r.label, r.cells[0], r.cells[1], r.flag) for r in compared] == [
        ("E-1", "2026-02", "80 %", "not met")
    ]
    gaps = _group(found[agendas.EXPECTATIONS_GAPS], "open").rows
    assert [(r.label, r.cells[:3]) for r in gaps] == [("Gap E-1", ["Open", "2026-02", "15 %"])]

    plans = found[agendas.EXPECTATIONS_PLANS]
    assert [g.label for g in plans.groups] == ["Gap E-1: Deliver order lines on time"]
    assert [r.title for r in plans.groups[0].rows] == ["Buffer stock for the OTX"]

    tracked = _group(found[agendas.EXPECTATIONS_MEASURES], "tracked").rows
    assert [(r.label, r.cells[0], r.cells[1]) for r in tracked] == [("OTD.OTI", "2026-02", "80 %")]


def test_a_private_plan_item_never_shows(gap_world: Any, as_user: Any) -> None:
    found = sections.prepare(gap_world.meeting, [agendas.EXPECTATIONS_PLANS])
    titles = [r.title for g in found[agendas.EXPECTATIONS_PLANS].groups for r in g.rows]
    assert gap_world.shared_plan.title in titles and gap_world.private_plan.title not in titles
    assert dict(found[agendas.EXPECTATIONS_PLANS].counts)["Action items"] == 1
    page = f"/r/northwind-telco-a/meetings/{gap_world.meeting.pk}/"
    for user in (gap_world.sam, gap_world.ada, gap_world.carol, gap_world.fay):
        body = as_user(user).get(page).content.decode()
        assert gap_world.shared_plan.title in body, user
        assert gap_world.private_plan.title not in body, user  # not even for Northwind: a shared agenda


def test_the_facilitator_reads_the_gaps_and_plans_without_links_into_the_register(
    gap_world: Any, as_user: Any
) -> None:
    page = f"/r/northwind-telco-a/meetings/{gap_world.meeting.pk}/"
    item_url = reverse("register:item", args=["northwind-telco-a", gap_world.shared_plan.key])
    fay = as_user(gap_world.fay).get(page)
    assert fay.status_code == 200
    body = fay.content.decode()
    assert "Gap E-1" in body and gap_world.shared_plan.title in body and item_url not in body
    assert item_url in as_user(gap_world.carol).get(page).content.decode()
    assert as_user(gap_world.mallory).get(page).status_code == 404


def test_proposals_await_the_other_side_and_draft_ratings_await_the_holder(gap_world: Any) -> None:
    w = gap_world
    with time_machine.travel(MARCH):
        docs = agreed(w, DOCS_4)
        propose(w, replace(DOCS_4, statement="Forecasts every month"), by=w.ada, holder="supplier")
        services.rate(access=_access(w, w.fay), expectation=docs, rating=3, meeting=w.meeting, note="typos")
        found = sections.prepare(w.meeting, BINDINGS)
    organization = found[agendas.EXPECTATIONS_ORGANIZATION]
    waiting = _group(organization, "proposed").rows
    assert [(r.label, r.title, r.flag) for r in waiting] == [
        ("E-3", "Forecasts every month", "awaits Customer")
    ]
    drafts = _group(found[agendas.EXPECTATIONS_COMPARISON], "drafts")
    assert drafts.count == 1 and drafts.rows[0].label == "E-2" and "Rated 3 of 5" in drafts.rows[0].title
    assert drafts.rows[0].flag == "awaiting confirmation"


def _queries(meeting: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        sections.prepare(meeting, BINDINGS)
    return len(ctx.captured_queries)


def test_the_sections_read_as_many_queries_for_many_expectations_as_for_few(gap_world: Any) -> None:
    w = gap_world
    with time_machine.travel(MARCH):
        few = _queries(w.meeting)
        sam = _access(w, w.sam)
        for n in range(6):
            agreed(w, replace(DOCS_4, statement=f"Rated thing {n}"))
            propose(w, replace(DOCS_4, statement=f"Proposed thing {n}"), by=w.ada, holder="supplier")
            services.plan_action(access=sam, gap=w.gap, title=f"Step {n}")
        assert _queries(w.meeting) == few


def test_the_migration_rebinds_team_templates_still_carrying_the_defaults(world: Any) -> None:
    migration = importlib.import_module("accord.expectations.migrations.0002_rebind_team_agendas")
    template = AgendaTemplate.objects.create(relationship=world.nw_ta, kind=Kind.SET)
    old = [
        ("Customer expectations", ""),
        ("Comparison of current performance against expectations", "measurements"),
        ("Action plans to address the gaps", "register"),
        ("Our own item", "register"),  # not a default: stays
        ("Identification of gaps", "register"),  # rebound by the relationship: stays
    ]
    for position, (title, binding) in enumerate(old, start=1):
        TemplateItem.objects.create(template=template, position=position, title=title, binding=binding)
    migration.forwards(apps, None)
    bound = list(template.items.order_by("position").values_list("binding", flat=True))
    assert bound == [
        "expectations.customer",
        "expectations.comparison",
        "expectations.plans",
        "register",
        "register",
    ]
    migration.backwards(apps, None)
    assert list(template.items.order_by("position").values_list("binding", flat=True)) == [b for _t, b in old]
