"""The demo's shared expectations tell their story on any reference day: about ten expectations per
relationship from both sides, agreed months ago, one change and one expectation awaiting agreement,
rated ones rated at the team's meetings, and exactly two open gaps per relationship, each with an
action plan of shared items that the next team meeting's agenda shows (and a private item it never
shows). Built here for the reference day; tests/test_demo_any_day.py runs these stories on many more."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from accord.expectations import selectors
from accord.expectations.models import OPEN_GAPS, Assessment, Expectation, Gap, RevisionState
from accord.lib.demo import DemoContext
from accord.lib.months import add_months, month_of
from accord.meetings import agendas, sections
from accord.meetings.models import Kind, Meeting, Status
from accord.register.access import shared_view
from accord.register.models import ActionItem, Visibility
from tests.conftest import DEMO_DAY, demo_built_for


@pytest.fixture(scope="module")
def demo_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoContext]:
    with django_db_blocker.unblock(), demo_built_for(DEMO_DAY) as ctx:
        yield ctx


@pytest.fixture
def demo(demo_world: DemoContext, db: Any) -> DemoContext:
    return demo_world


def test_every_relationship_has_about_ten_expectations_from_both_sides(demo: DemoContext) -> None:
    for slug, rel in demo.relationships.items():
        found = Expectation.objects.filter(relationship=rel)
        statuses = sorted(found.values_list("status", flat=True))
        assert statuses.count("agreed") == 10 and statuses.count("proposed") == 1, slug
        assert set(found.values_list("holder", flat=True)) == {"customer", "supplier"}, slug
        measured = [selectors.terms(e) for e in selectors.with_terms(found)]
        assert sum(1 for t in measured if t is not None and t.measurable) == 6, slug
        # agreed months ago, by a lead of each side
        for exp in selectors.with_terms(found.filter(status="agreed")):
            terms = selectors.in_force(exp)
            assert terms is not None and terms.agreed_at is not None
            assert terms.effective_month <= add_months(month_of(demo.today), -7), (slug, exp)
            assert {a.side for a in terms.agreements.all()} == {"supplier", "customer"}
        # one change awaits the supplier
        changes = [e for e in selectors.with_terms(found.filter(status="agreed")) if selectors.proposed(e)]
        assert len(changes) == 1 and changes[0].revisions.filter(state=RevisionState.AGREED).exists()


def test_two_open_gaps_per_relationship_each_with_a_shared_plan(demo: DemoContext) -> None:
    for slug, rel in demo.relationships.items():
        gaps = Gap.objects.filter(expectation__relationship=rel, status__in=OPEN_GAPS)
        assert gaps.count() == 2, slug
        view = shared_view(rel)
        plans = selectors.plan_items(view, list(gaps))
        for gap in gaps:
            assert 2 <= len(plans.get(gap.pk, [])) <= 3, (slug, gap)
            last = gap.expectation.assessments.exclude(result="no_data").order_by("-month").first()
            assert last is not None and last.result == "not_met" and gap.size and gap.size > 0
        private = ActionItem.objects.filter(
            relationship=rel, source_kind="gap", visibility=Visibility.PRIVATE
        )
        assert private.count() == 1 and private.get().private_party_id == rel.supplier_id


def test_the_assessments_are_the_engines_and_every_other_expectation_is_met(demo: DemoContext) -> None:
    end = add_months(month_of(demo.today), -1)
    for slug, rel in demo.relationships.items():
        for exp in Expectation.objects.filter(relationship=rel, status="agreed"):
            gap = Gap.objects.filter(expectation=exp).first()
            if gap is None or not gap.is_open:
                last = exp.assessments.filter(status="confirmed").exclude(result="no_data")
                assert not last.filter(
                    result="not_met", month__gte=exp.revisions.get(state="agreed").effective_month
                ).exists(), (slug, exp)
        assert (
            Assessment.objects.filter(expectation__relationship=rel, automatic=True, month=end).count() == 6
        )


def test_the_team_rated_at_its_meetings_and_a_draft_awaits_telco_a(demo: DemoContext) -> None:
    rel = demo.relationships["northwind-telco-a"]
    rated = Assessment.objects.filter(expectation__relationship=rel, automatic=False)
    assert rated.filter(meeting__kind=Kind.SET).count() == rated.count() == 8
    drafts = rated.filter(status="draft")
    assert drafts.count() == 1 and drafts.get().drafted_by == demo.people["fay"]


def test_the_next_team_meeting_shows_the_gaps_and_plans(demo: DemoContext) -> None:
    rel = demo.relationships["northwind-telco-a"]
    upcoming = Meeting.objects.get(relationship=rel, kind=Kind.SET, status=Status.SCHEDULED)
    bindings = list(upcoming.agenda_items.order_by("position").values_list("binding", flat=True))
    assert bindings == [d.binding for d in agendas.DEFAULTS[Kind.SET]]
    found = sections.prepare(upcoming, bindings, today=demo.today)
    gaps = next(g for g in found[agendas.EXPECTATIONS_GAPS].groups if g.key == "open")
    assert gaps.count == 2
    plans = found[agendas.EXPECTATIONS_PLANS]
    assert len(plans.groups) == 2 and all(2 <= g.count <= 3 for g in plans.groups)
    titles = {r.title for g in plans.groups for r in g.rows}
    assert not titles & set(
        ActionItem.objects.filter(relationship=rel, visibility=Visibility.PRIVATE).values_list(
            "title", flat=True
        )
    )
    tracked = next(g for g in found[agendas.EXPECTATIONS_MEASURES].groups if g.key == "tracked")
    open_gaps = Gap.objects.filter(expectation__relationship=rel, status__in=OPEN_GAPS)
    assert {r.label for r in tracked.rows} == set(open_gaps.values_list("tracked_by", flat=True))
