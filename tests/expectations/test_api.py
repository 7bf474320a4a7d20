"""The expectations' API: each operation, its errors in the one shape, Mallory's 404 and Fay's reading."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from accord.expectations.models import Expectation, Gap
from accord.parties.access import access_from
from accord.register import services as register
from accord.register.models import ActionItem
from tests.expectations import api_helpers as h
from tests.expectations.helpers import DOCS_4, agreed, propose


@pytest.fixture(autouse=True)
def march_2026() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 3, 15, 12, tzinfo=UTC)):
        yield


def post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


OTI = {
    "holder": "customer",
    "area": "OTD",
    "statement": "Deliver on time",
    "measure": "OTD.OTI",
    "target": 95,
}


def test_carol_proposes_and_ada_agrees(world: Any, as_user: Any) -> None:
    created = post(as_user(world.carol), h.api(world, "/expectations"), OTI)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["reference"], body["status"], body["holder"], body["expected_of"]) == (
        "E-1", "proposed", "customer", "supplier",
    )  # fmt: skip
    terms = body["proposed"]
    assert (terms["comparator"], terms["category"], terms["target"]) == ("at_least", "ALL", 95.0)
    assert [a["side"] for a in terms["agreed_by"]] == ["customer"] and body["in_force"] is None

    agreed_ = post(as_user(world.ada), h.api(world, f"/expectations/{body['id']}/agree"), {"version": 1})
    assert agreed_.status_code == 200, agreed_.content
    body = agreed_.json()
    assert body["status"] == "agreed" and body["proposed"] is None
    assert body["in_force"]["effective_month"] == "2026-02"
    assert sorted(a["side"] for a in body["in_force"]["agreed_by"]) == ["customer", "supplier"]


def test_the_list_filters_by_status_and_holder(world: Any, as_user: Any) -> None:
    agreed(world)
    propose(world, DOCS_4, by=world.sam, holder="supplier")
    client = as_user(world.vic)
    everything = client.get(h.api(world, "/expectations")).json()
    assert [(e["reference"], e["status"]) for e in everything] == [("E-1", "agreed"), ("E-2", "proposed")]
    assert [e["reference"] for e in client.get(h.api(world, "/expectations?status=proposed")).json()] == [
        "E-2"
    ]
    assert [e["reference"] for e in client.get(h.api(world, "/expectations?holder=customer")).json()] == [
        "E-1"
    ]
    assert client.get(h.api(world, "/expectations?status=nonsense")).status_code == 400


def test_bad_terms_are_a_400_naming_the_fields(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    bad = post(client, h.api(world, "/expectations"), {**OTI, "measure": "NOPE", "category": "9.9.9"})
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"measure", "category"}
    no_target = post(client, h.api(world, "/expectations"), {**OTI, "target": None})
    assert no_target.json()["fields"].keys() == {"target"}
    qualitative = {"holder": "supplier", "statement": "Forecasts on time"}
    assert post(client, h.api(world, "/expectations"), qualitative).json()["fields"].keys() == {
        "rating_target"
    }
    too_high = post(client, h.api(world, "/expectations"), {**qualitative, "rating_target": 6})
    assert too_high.status_code == 400 and "rating_target" in too_high.json()["fields"]
    assert not Expectation.objects.exists()


def test_an_owner_must_be_of_the_side_expected_to_meet_it(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    for stranger in (world.mallory, world.vic):  # Telco B's admin; Carol's own side (customer holds it)
        refused = post(client, h.api(world, "/expectations"), {**OTI, "owner_id": stranger.pk})
        assert refused.status_code == 400
        assert refused.json()["fields"] == {"owner_id": ["Choose a member of the side expected to meet it."]}
    ok = post(client, h.api(world, "/expectations"), {**OTI, "owner_id": world.sam.pk})
    assert ok.json()["owner"] == {"id": world.sam.pk, "full_name": "Sam Patel"}


def test_a_change_keeps_the_agreed_terms_in_force_and_the_history(world: Any, as_user: Any) -> None:
    expectation = agreed(world)
    url = h.api(world, f"/expectations/{expectation.pk}/changes")
    no_reason = post(as_user(world.sam), url, {"version": 2, "target": 97})
    assert no_reason.status_code == 400 and set(no_reason.json()["fields"]) == {"reason"}
    changed = post(as_user(world.sam), url, {"version": 2, "target": 97, "reason": "New contract"})
    assert changed.status_code == 201, changed.content
    body = changed.json()
    assert (body["in_force"]["target"], body["proposed"]["target"]) == (95.0, 97.0)
    assert body["proposed"]["statement"] == "Deliver order lines on time"  # what was left out stays
    assert [(r["revision"], r["state"]) for r in body["revisions"]] == [(1, "agreed"), (2, "proposed")]
    post(as_user(world.carol), h.api(world, f"/expectations/{expectation.pk}/agree"), {"version": 3})
    detail = as_user(world.fay).get(h.api(world, f"/expectations/{expectation.pk}")).json()
    assert detail["in_force"]["target"] == 97.0
    assert [r["state"] for r in detail["revisions"]] == ["superseded", "agreed"]


def test_a_stale_version_is_a_409_with_the_current_expectation(world: Any, as_user: Any) -> None:
    expectation = propose(world)
    stale = post(as_user(world.ada), h.api(world, f"/expectations/{expectation.pk}/agree"), {"version": 7})
    assert stale.status_code == 409
    body = stale.json()
    assert set(body) >= {"error", "fields", "current"}
    assert (body["current"]["id"], body["current"]["version"]) == (expectation.pk, 1)
    assert Expectation.objects.get(pk=expectation.pk).status == "proposed"


def test_who_may_agree(world: Any, as_user: Any) -> None:
    expectation = propose(world)
    url = h.api(world, f"/expectations/{expectation.pk}/agree")
    for person in ("carol", "vic", "val", "fay"):  # the side that agreed, viewers, the facilitator
        refused = post(as_user(getattr(world, person)), url, {"version": 1})
        assert refused.status_code == 403, person
        assert set(refused.json()) == {"error", "fields"}
    assert post(as_user(world.mallory), url, {"version": 1}).status_code == 404
    assert post(as_user(world.sam), url, {"version": 1}).status_code == 200


def test_withdraw_retires_an_expectation_never_agreed(world: Any, as_user: Any) -> None:
    expectation = propose(world)
    done = post(as_user(world.sam), h.api(world, f"/expectations/{expectation.pk}/withdraw"), {"version": 1})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["revisions"][0]["state"]) == ("retired", "withdrawn")
    again = post(as_user(world.sam), h.api(world, f"/expectations/{expectation.pk}/withdraw"), {"version": 2})
    assert again.status_code == 403


def test_only_the_holding_sides_lead_retires(world: Any, as_user: Any) -> None:
    expectation = agreed(world)
    url = h.api(world, f"/expectations/{expectation.pk}/retire")
    assert post(as_user(world.ada), url, {"version": 2, "reason": "No"}).status_code == 403
    assert post(as_user(world.carol), url, {"version": 2, "reason": ""}).status_code == 400
    done = post(as_user(world.carol), url, {"version": 2, "reason": "Covered by E-2"})
    assert (done.status_code, done.json()["retired_reason"]) == (200, "Covered by E-2")


def test_fay_drafts_a_rating_carol_confirms_it_and_a_gap_opens(world: Any, as_user: Any) -> None:
    expectation = agreed(world, DOCS_4)
    rate = h.api(world, f"/expectations/{expectation.pk}/ratings")
    draft = post(as_user(world.fay), rate, {"rating": 2, "note": "Manuals late"})
    assert draft.status_code == 200, draft.content
    assert (draft.json()["status"], draft.json()["month"], draft.json()["drafted_by"]) == (
        "draft", "2026-03", "Fay Facilitator",
    )  # fmt: skip
    assert not Gap.objects.exists()
    confirm = h.api(world, f"/expectations/{expectation.pk}/ratings/confirm")
    assert post(as_user(world.fay), confirm, {"month": "2026-03"}).status_code == 403
    assert post(as_user(world.ada), confirm, {"month": "2026-03"}).status_code == 403  # not the holder
    assert post(as_user(world.carol), confirm, {"month": "2026-02"}).status_code == 400  # no draft
    done = post(as_user(world.carol), confirm, {"month": "2026-03"})
    assert (done.status_code, done.json()["status"], done.json()["confirmed_by"]) == (
        200, "confirmed", "Carol Nguyen",
    )  # fmt: skip
    gap = Gap.objects.get(expectation=expectation)
    assert (gap.status, gap.since, gap.size) == ("open", "2026-03", 2.0)


def test_ratings_are_refused_for_viewers_measured_ones_and_bad_input(world: Any, as_user: Any) -> None:
    docs, oti = agreed(world, DOCS_4), agreed(world)
    assert (
        post(as_user(world.vic), h.api(world, f"/expectations/{docs.pk}/ratings"), {"rating": 3}).status_code
        == 403
    )
    measured = post(as_user(world.carol), h.api(world, f"/expectations/{oti.pk}/ratings"), {"rating": 3})
    assert measured.status_code == 400 and "rating" in measured.json()["fields"]
    for bad in ({"rating": 0}, {"rating": 6}, {"rating": 3, "month": "2026-13"}):
        answer = post(as_user(world.carol), h.api(world, f"/expectations/{docs.pk}/ratings"), bad)
        assert answer.status_code == 400, bad


def test_a_rating_names_a_meeting_of_this_relationship_only(world: Any, as_user: Any) -> None:
    from tests.meetings.helpers import team_meeting

    docs = agreed(world, DOCS_4)
    url = h.api(world, f"/expectations/{docs.pk}/ratings")
    meeting = team_meeting(world)
    ok = post(as_user(world.carol), url, {"rating": 5, "meeting_id": meeting.pk})
    assert (ok.status_code, ok.json()["meeting_id"]) == (200, meeting.pk)
    foreign = post(as_user(world.carol), url, {"rating": 5, "meeting_id": meeting.pk + 10_000})
    assert foreign.status_code == 400 and "meeting_id" in foreign.json()["fields"]


def test_assessments_filter_by_month(world: Any, as_user: Any) -> None:
    docs = agreed(world, DOCS_4)
    for month, rating in (("2026-01", 4), ("2026-02", 3), ("2026-03", 5)):
        post(
            as_user(world.carol),
            h.api(world, f"/expectations/{docs.pk}/ratings"),
            {"rating": rating, "month": month},
        )
    client = as_user(world.vic)
    url = h.api(world, f"/expectations/{docs.pk}/assessments")
    assert [a["month"] for a in client.get(url).json()] == ["2026-03", "2026-02", "2026-01"]
    ranged = client.get(url + "?month_from=2026-02&month_to=2026-02").json()
    assert [(a["month"], a["result"], a["rating"]) for a in ranged] == [("2026-02", "not_met", 3)]
    assert client.get(url + "?month_from=2026-1").status_code == 400


def test_gaps_list_their_action_plans_as_each_side_may_see_them(world: Any, as_user: Any) -> None:
    gap = h.gap(world)
    plan = h.api(world, f"/gaps/{gap.pk}/action-items")
    shared = post(as_user(world.sam), plan, {"title": "Proof-read the manuals", "owner_id": world.sam.pk})
    assert shared.status_code == 201, shared.content
    private = post(as_user(world.ada), plan, {"title": "Margin of the rework", "visibility": "private"})
    assert private.status_code == 201
    item = ActionItem.objects.get(title="Proof-read the manuals")
    assert (item.source_kind, item.source, item.owner) == ("gap", gap, world.sam)
    for person, titles in (
        ("ada", {"Proof-read the manuals", "Margin of the rework"}),
        ("carol", {"Proof-read the manuals"}),
        ("fay", {"Proof-read the manuals"}),
    ):
        client = as_user(getattr(world, person))
        listed = client.get(h.api(world, "/gaps")).json()
        assert {p["title"] for p in listed[0]["plan"]} == titles, person
        assert {p["title"] for p in client.get(h.api(world, f"/gaps/{gap.pk}")).json()["plan"]} == titles
        card = client.get(h.api(world, "/scorecard?months=3&end=2026-03")).json()
        assert {p["title"] for p in card["rows"][0]["plan"]} == titles
        assert "Margin of the rework" not in json.dumps(listed) or person == "ada"


def test_gaps_filter_by_status(world: Any, as_user: Any) -> None:
    gap = h.gap(world)
    client = as_user(world.carol)
    assert [g["id"] for g in client.get(h.api(world, "/gaps?status=open")).json()] == [gap.pk]
    assert client.get(h.api(world, "/gaps?status=closed")).json() == []


def test_planning_is_for_leads_with_owners_who_may_own_it(world: Any, as_user: Any) -> None:
    gap = h.gap(world)
    plan = h.api(world, f"/gaps/{gap.pk}/action-items")
    for person in ("vic", "val", "fay"):
        assert post(as_user(getattr(world, person)), plan, {"title": "x"}).status_code == 403, person
    refused = post(as_user(world.carol), plan, {"title": "x", "owner_id": world.mallory.pk})
    assert refused.status_code == 400 and "owner_id" in refused.json()["fields"]
    assert post(as_user(world.carol), plan, {"title": ""}).status_code == 400


def test_a_lead_chooses_the_measure_that_tracks_a_gap(world: Any, as_user: Any) -> None:
    gap = h.gap(world)
    tracking = h.api(world, f"/gaps/{gap.pk}/tracking")
    for person in ("vic", "val", "fay"):
        assert post(as_user(getattr(world, person)), tracking, {"measure": "OTD.OTIP"}).status_code == 403
    answer = post(as_user(world.sam), tracking, {"measure": "OTD.OTIP"})
    assert answer.status_code == 200 and answer.json()["tracked_by"] == "OTD.OTIP"
    gap.refresh_from_db()
    assert gap.tracked_by == "OTD.OTIP"
    refused = post(as_user(world.sam), tracking, {"measure": "NOT.A.MEASURE"})
    assert refused.status_code == 400 and "measure" in refused.json()["fields"]


def test_the_scorecard_as_json(world: Any, as_user: Any) -> None:
    h.gap(world)
    agreed(world)
    card = as_user(world.fay).get(h.api(world, "/scorecard?months=2&end=2026-03")).json()
    assert card["months"] == ["2026-02", "2026-03"]
    assert card["headline"] == {"month": "2026-03", "met": 0, "assessed": 1, "agreed": 2, "open_gaps": 1}
    docs = next(r for r in card["rows"] if r["terms"]["rating_target"] == 4)
    assert docs["cells"][0] is None and docs["cells"][1]["result"] == "not_met"
    assert docs["gap"]["status"] == "open"
    assert as_user(world.carol).get(h.api(world, "/scorecard?months=37")).status_code == 400
    for end in ("0000-01", "0001-12", "2026-13"):  # no month before the year 1 is looked for
        assert as_user(world.carol).get(h.api(world, f"/scorecard?end={end}")).status_code == 400, end


def test_mallory_gets_404_for_everything_of_telco_a(world: Any, as_user: Any) -> None:
    gap = h.gap(world)
    exp = gap.expectation
    client = as_user(world.mallory)
    for url in (
        h.api(world, "/expectations"),
        h.api(world, f"/expectations/{exp.pk}"),
        h.api(world, f"/expectations/{exp.pk}/assessments"),
        h.api(world, "/gaps"),
        h.api(world, f"/gaps/{gap.pk}"),
        h.api(world, "/scorecard"),
        h.api(world, f"/expectations/{exp.pk}", rel=world.nw_tb),  # Telco A's id under her relationship
        h.api(world, f"/gaps/{gap.pk}", rel=world.nw_tb),
    ):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert answer.json() == {"error": "Not found.", "fields": {}}
    writes = [
        (f"/expectations/{exp.pk}/agree", {"version": 2}),
        (f"/expectations/{exp.pk}/retire", {"version": 2, "reason": "x"}),
        (f"/gaps/{gap.pk}/action-items", {"title": "x"}),
    ]
    for suffix, data in writes:
        assert post(client, h.api(world, suffix, rel=world.nw_tb), data).status_code == 404
        assert post(client, h.api(world, suffix), data).status_code == 404
    assert client.get(h.api(world, "/expectations", rel=world.nw_tb)).json() == []


def test_fay_reads_everything_but_agrees_nothing(world: Any, as_user: Any) -> None:
    expectation = propose(world)
    client = as_user(world.fay)
    assert client.get(h.api(world, "/expectations")).json()[0]["id"] == expectation.pk
    assert client.get(h.api(world, f"/expectations/{expectation.pk}")).status_code == 200
    for suffix, data in (
        ("/agree", {"version": 1}),
        ("/withdraw", {"version": 1}),
        ("/changes", {"version": 1, "target": 90}),
    ):
        assert post(client, h.api(world, f"/expectations/{expectation.pk}{suffix}"), data).status_code == 403
    assert post(client, h.api(world, "/expectations"), OTI).status_code == 403


def test_anonymous_gets_401(world: Any, as_user: Any) -> None:
    assert as_user(None).get(h.api(world, "/expectations")).status_code == 401


def test_the_facilitator_cannot_see_a_private_plan_item_through_the_register(world: Any) -> None:
    """The gap's plan is the register's rule: a private item of the supplier stays the supplier's."""
    gap = h.gap(world)
    ada = access_from(world.ada, world.nw_ta)
    assert ada is not None
    from accord.expectations import services

    item = services.plan_action(access=ada, gap=gap, title="Internal", visibility="private")
    register.comment(access=ada, item=item, body="our costs")
    fay = access_from(world.fay, world.nw_ta, allow_guest=True)
    carol = access_from(world.carol, world.nw_ta)
    from accord.expectations.selectors import plan_items

    assert plan_items(fay, [gap]) == {} and plan_items(carol, [gap]) == {}
    assert [i.title for i in plan_items(ada, [gap])[gap.pk]] == ["Internal"]
