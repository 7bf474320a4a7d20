"""The expectations' services: proposing and agreeing side by side, changing, withdrawing, retiring,
rating qualitative expectations, planning a gap's actions; who may, bad input, stale versions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accord.audit.models import AuditEvent
from accord.expectations import services
from accord.expectations.models import Assessment, Expectation, Gap, Revision
from accord.expectations.services import Terms
from accord.lib.errors import Conflict
from accord.parties.access import access_from
from accord.register.models import ActionItem
from tests.expectations.helpers import DOCS_4, OTI_95, agree, agreed, propose


@pytest.fixture(autouse=True)
def march_2026() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 3, 15, 12, tzinfo=UTC)):
        yield


def acc(world: Any, who: str) -> Any:
    found = access_from(getattr(world, who), world.nw_ta, allow_guest=True)
    assert found is not None
    return found


def test_a_proposal_is_agreed_by_the_proposers_side(world: Any) -> None:
    exp = propose(world)
    revision = exp.revisions.get()
    assert (exp.status, exp.number, revision.state) == ("proposed", 1, "proposed")
    assert list(revision.agreements.values_list("side", "user")) == [("customer", world.carol.pk)]
    assert AuditEvent.objects.filter(verb="proposed", object_id=str(exp.pk)).exists()


def test_the_other_sides_lead_agrees_and_it_is_in_force_and_assessed(world: Any) -> None:
    exp = agree(world, propose(world))
    revision = exp.revisions.get()
    assert (exp.status, revision.state, revision.effective_month) == ("agreed", "agreed", "2026-02")
    assert revision.agreed_at is not None
    # assessed at once, from the month before: no data yet
    assert Assessment.objects.filter(expectation=exp, month="2026-02", result="no_data").exists()
    assert AuditEvent.objects.filter(verb="agreed", object_id=str(exp.pk)).count() == 1


@pytest.mark.parametrize("who", ["val", "vic", "fay"])
def test_a_viewer_or_the_facilitator_cannot_agree(world: Any, who: str) -> None:
    exp = propose(world)
    with pytest.raises(PermissionDenied):
        services.agree(access=acc(world, who), expectation=exp, version=exp.version)


def test_the_same_side_cannot_agree_twice(world: Any) -> None:
    exp = propose(world)
    with pytest.raises(PermissionDenied):
        services.agree(access=acc(world, "carol"), expectation=exp, version=exp.version)
    assert exp.revisions.get().agreements.count() == 1


@pytest.mark.parametrize("who", ["val", "vic", "fay"])
def test_only_leads_propose(world: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.propose(access=acc(world, who), holder="customer", terms=OTI_95)


def test_a_change_keeps_the_old_terms_in_force_until_agreed_and_keeps_history(world: Any) -> None:
    exp = agreed(world)
    with pytest.raises(ValidationError) as refused:
        services.propose_change(access=acc(world, "sam"), expectation=exp, version=exp.version, terms=OTI_95)
    assert "reason" in refused.value.message_dict
    change = Terms(
        area="OTD", statement="Deliver on time", measure="OTD.OTI", comparator="at_least", target=97
    )
    services.propose_change(
        access=acc(world, "sam"), expectation=exp, version=exp.version, terms=change, reason="New contract"
    )
    assert services.revision_in_force(exp).target == 95
    assert services.proposed_revision(exp).target == 97
    agree(world, exp, by=world.carol)
    states = list(Revision.objects.filter(expectation=exp).values_list("number", "state", "target"))
    assert [(n, s, float(t)) for n, s, t in states] == [(1, "superseded", 95.0), (2, "agreed", 97.0)]


def test_a_second_change_replaces_the_one_not_agreed(world: Any) -> None:
    exp = propose(world)
    services.propose_change(access=acc(world, "sam"), expectation=exp, version=exp.version, terms=DOCS_4)
    assert list(exp.revisions.values_list("state", flat=True)) == ["withdrawn", "proposed"]
    assert list(services.proposed_revision(exp).agreements.values_list("side", flat=True)) == ["supplier"]


def test_withdrawing_a_proposal_never_agreed_retires_it(world: Any) -> None:
    exp = propose(world)
    done = services.withdraw(access=acc(world, "ada"), expectation=exp, version=exp.version)
    assert (done.status, exp.revisions.get().state) == ("retired", "withdrawn")


def test_withdrawing_a_change_keeps_the_agreed_terms(world: Any) -> None:
    exp = agreed(world)
    services.propose_change(
        access=acc(world, "sam"), expectation=exp, version=exp.version, terms=OTI_95, reason="Why not"
    )
    exp.refresh_from_db()
    done = services.withdraw(access=acc(world, "carol"), expectation=exp, version=exp.version)
    assert done.status == "agreed" and services.revision_in_force(exp).number == 1


def test_only_the_holding_sides_lead_retires(world: Any) -> None:
    exp = agreed(world)  # held by the customer
    for who in ("ada", "sam", "vic", "fay"):
        with pytest.raises(PermissionDenied):
            services.retire(access=acc(world, who), expectation=exp, version=exp.version, reason="No")
    with pytest.raises(ValidationError):
        services.retire(access=acc(world, "carol"), expectation=exp, version=exp.version, reason=" ")
    done = services.retire(access=acc(world, "carol"), expectation=exp, version=exp.version, reason="Done")
    assert (done.status, done.retired_reason) == ("retired", "Done")


def test_the_facilitator_drafts_the_holders_lead_confirms_and_the_gap_follows(world: Any) -> None:
    exp = agreed(world, DOCS_4)
    draft = services.rate(access=acc(world, "fay"), expectation=exp, rating=2, note="Late manuals")
    assert (draft.status, draft.result, draft.month, draft.target) == ("draft", "not_met", "2026-03", 4.0)
    assert not Gap.objects.exists()  # a draft does not count
    with pytest.raises(PermissionDenied):
        services.confirm_rating(access=acc(world, "ada"), expectation=exp, month="2026-03")
    services.confirm_rating(access=acc(world, "carol"), expectation=exp, month="2026-03")
    gap = Gap.objects.get(expectation=exp)
    assert (gap.status, gap.since, gap.size) == ("open", "2026-03", 2.0)
    with pytest.raises(ValidationError):  # nothing left to confirm
        services.confirm_rating(access=acc(world, "carol"), expectation=exp, month="2026-03")


def test_ratings_of_the_holding_side_count_at_once_and_close_the_gap(world: Any) -> None:
    exp = agreed(world, DOCS_4)
    services.rate(access=acc(world, "carol"), expectation=exp, rating=1, month="2026-02")
    for month in ("2026-03", "2026-04", "2026-05"):
        services.rate(access=acc(world, "carol"), expectation=exp, rating=5, month=month)
    gap = Gap.objects.get(expectation=exp)
    assert (gap.status, gap.closed_month, gap.met_streak) == ("closed", "2026-05", 3)


@pytest.mark.parametrize("who", ["val", "vic"])
def test_viewers_cannot_rate(world: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.rate(access=acc(world, who), expectation=agreed(world, DOCS_4), rating=3)


def test_a_measured_expectation_is_not_rated(world: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.rate(access=acc(world, "carol"), expectation=agreed(world), rating=3)
    assert "rating" in refused.value.message_dict


def test_a_rating_is_from_one_to_five(world: Any) -> None:
    exp = agreed(world, DOCS_4)
    for bad in (0, 6):
        with pytest.raises(ValidationError):
            services.rate(access=acc(world, "carol"), expectation=exp, rating=bad)


def test_plan_action_makes_a_register_item_whose_source_is_the_gap(world: Any) -> None:
    exp = agreed(world, DOCS_4)
    services.rate(access=acc(world, "carol"), expectation=exp, rating=2)
    gap = Gap.objects.get(expectation=exp)
    item = services.plan_action(access=acc(world, "sam"), gap=gap, title="Proof-read", owner=world.sam)
    assert (item.source_kind, item.source, item.relationship) == ("gap", gap, world.nw_ta)
    assert item.source_label.startswith("Gap E-1: Documentation rated")
    assert item.source_url == f"/r/northwind-telco-a/expectations/{exp.number}/#gap"
    assert ActionItem.objects.filter(source_kind="gap").count() == 1
    for who in ("vic", "fay"):
        with pytest.raises(PermissionDenied):
            services.plan_action(access=acc(world, who), gap=gap, title="x")


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (Terms(statement="x", measure="NOPE", comparator="at_least", target=1), "measure"),
        (
            Terms(statement="x", measure="OTD.OTI", category="9.9", comparator="at_least", target=1),
            "category",
        ),
        (Terms(statement="x", measure="OTD.OTI", comparator="at_least"), "target"),
        (Terms(statement="x", measure="OTD.OTI", comparator="at_least", target=1e12), "target"),
        (Terms(statement="x", measure="OTD.OTI", comparator="about", target=1), "comparator"),
        (Terms(statement="x"), "rating_target"),
        (Terms(statement="x", rating_target=7), "rating_target"),
        (Terms(statement=" ", rating_target=3), "statement"),
        (Terms(statement="x", rating_target=3, area="nowhere"), "area"),
        (Terms(statement="x", rating_target=3, close_after=13), "close_after"),
    ],
)
def test_bad_terms_are_refused_naming_the_field(world: Any, terms: Terms, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.propose(access=acc(world, "carol"), holder="customer", terms=terms)
    assert field in refused.value.message_dict
    assert not Expectation.objects.exists()


def test_a_stale_version_is_a_conflict(world: Any) -> None:
    exp = propose(world)
    with pytest.raises(Conflict):
        services.agree(access=acc(world, "ada"), expectation=exp, version=exp.version + 1)
    assert exp.revisions.get().agreements.count() == 1


def test_an_owner_from_the_wrong_side_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        propose(world, owner=world.vic)  # Telco A holds it: the owner meets it at Northwind
    assert "owner" in refused.value.message_dict
