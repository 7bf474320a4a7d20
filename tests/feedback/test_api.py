"""The feedback API: areas with versions, surveys and their invitations, a member answering signed in
with every value checked, results, anonymity, and triage into the register; its errors in the one
shape, a stale version's 409, Mallory's and Fay's 404."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accord.feedback import answering, door, services
from accord.feedback.areas import COMMENT_MAX
from accord.feedback.models import Proposal, Response, Survey, TemplateArea
from accord.parties.access import access_from
from accord.register import services as register
from accord.register.models import ActionItem
from tests.feedback.api_helpers import (
    GRACE_SAYS,
    answered,
    api,
    area_ids,
    at,
    comment_of,
    draft,
    opened,
    proposal_of,
    send,
)
from tests.feedback.helpers import GRACE, answer, invitation


@pytest.fixture(autouse=True)
def a_fixed_day() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 9, 15, 9, tzinfo=UTC)):
        yield


def in_days(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def assert_400(response: Any, *fields: str) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error", "fields"}
    assert set(fields) <= set(body["fields"]), body
    return body


# --- areas -------------------------------------------------------------------------------------------


def test_the_areas_start_as_the_guidance_s_twelve_and_a_new_version_keeps_old_surveys_questions(
    world: Any, as_user: Any
) -> None:
    old = draft(world)
    current = as_user(world.vic).get(api(world, "/areas")).json()
    assert current["version"] == 1 and len(current["areas"]) == 12
    assert [a["key"] for a in current["areas"][:2]] == ["quality", "ordering"]
    kept = [{"key": a["key"], "title": a["title"], "question": a["question"]} for a in current["areas"]]
    edited = [a for a in kept if a["key"] != "invoices"] + [
        {"title": "Spare parts", "question": "How quickly do spares arrive?"}
    ]
    saved = send(
        as_user(world.sam), "post", api(world, "/areas"), {"version": 1, "areas": edited, "note": "x"}
    )
    assert saved.status_code == 201, saved.content
    body = saved.json()
    assert body["version"] == 2 and body["created_by"] == "Sam Patel" and body["note"] == "x"
    assert body["areas"][-1]["key"] == "spare-parts" and "invoices" not in {a["key"] for a in body["areas"]}
    assert as_user(world.carol).get(at(old)).json()["template_version"] == 1
    first = as_user(world.carol).get(api(world, "/areas/1")).json()
    assert "invoices" in {a["key"] for a in first["areas"]}
    assert as_user(world.carol).get(api(world, "/areas/3")).status_code == 404


def test_saving_areas_from_an_old_version_is_a_409_with_the_current_areas(world: Any, as_user: Any) -> None:
    areas = [{"title": "Delivery", "question": "On time?"}]
    assert (
        send(as_user(world.ada), "post", api(world, "/areas"), {"version": 1, "areas": areas}).status_code
        == 201
    )
    stale = send(as_user(world.sam), "post", api(world, "/areas"), {"version": 1, "areas": areas})
    assert stale.status_code == 409, stale.content
    body = stale.json()
    assert body["current"]["version"] == 2 and [a["title"] for a in body["current"]["areas"]] == ["Delivery"]
    assert set(body) == {"error", "fields", "current"}


def test_bad_areas_are_a_400_naming_the_field(world: Any, as_user: Any) -> None:
    ada = as_user(world.ada)
    assert_400(send(ada, "post", api(world, "/areas"), {"version": 1, "areas": []}), "areas")
    twice = [{"title": "A", "question": "Q"}, {"title": "a", "question": "Q2"}]
    assert_400(send(ada, "post", api(world, "/areas"), {"version": 1, "areas": twice}), "areas")
    same = [
        {"key": "delivery", "title": "Delivery", "question": "Q"},
        {"key": "delivery", "title": "B", "question": "Q"},
    ]
    body = assert_400(send(ada, "post", api(world, "/areas"), {"version": 1, "areas": same}), "areas")
    assert body["fields"]["areas"] == ["Area 2 is given twice."]  # was a 500: a key is unique per version
    unknown = [{"key": "no-such-area", "title": "A", "question": "Q"}]
    assert_400(send(ada, "post", api(world, "/areas"), {"version": 1, "areas": unknown}), "areas")
    assert_400(
        send(ada, "post", api(world, "/areas"), {"version": 1, "areas": [{"title": "A"}]}), "areas.0.question"
    )
    refused = send(as_user(world.carol), "post", api(world, "/areas"), {"version": 1, "areas": twice[:1]})
    assert refused.status_code == 403 and "supplier" in refused.json()["error"]


# --- surveys and invitations -------------------------------------------------------------------------


def test_ada_prepares_a_survey_invites_carol_and_grace_and_opens_it(world: Any, as_user: Any) -> None:
    ada = as_user(world.ada)
    made = send(
        ada,
        "post",
        api(world, "/surveys"),
        {"title": "Munich visit", "closes_on": in_days(14), "site_id": world.ta_site.pk},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["reference"], body["status"], body["version"], body["site"]["name"]) == (
        "FB-1",
        "draft",
        1,
        "Munich core",
    )
    assert body["progress"] == {"invited": 0, "answered": 0, "open_proposals": 0}
    url = api(world, "/surveys/1")
    invitees = [
        {"function": "engineering", "user_id": world.carol.pk},
        {"function": "operation", "name": "Grace Hopper", "email": "Grace@Telco-A.example"},
    ]
    invited = send(ada, "post", url + "/invitations", {"invitees": invitees})
    assert invited.status_code == 201, invited.content
    assert [(i["name"], i["email"], i["member"], i["sent_at"]) for i in invited.json()] == [
        ("Carol Nguyen", "carol@telco-a.example", True, None),
        ("Grace Hopper", GRACE, False, None),
    ]
    mail.outbox.clear()
    opened_ = send(ada, "post", url + "/open", {"version": 1})
    assert opened_.status_code == 200, opened_.content
    assert (opened_.json()["status"], opened_.json()["version"]) == ("open", 2)
    assert {m.to[0] for m in mail.outbox} == {GRACE, "carol@telco-a.example"}
    listed = as_user(world.vic).get(url + "/invitations").json()
    assert all(i["sent_at"] for i in listed) and {i["answered"] for i in listed} == {False}
    detail = as_user(world.carol).get(url).json()
    assert detail["my_invitation"] == {"function": "engineering", "answered": False}
    assert detail["progress"]["invited"] == 2 and as_user(world.ada).get(url).json()["my_invitation"] is None


def test_inviting_someone_twice_or_a_stranger_by_id_is_a_400(world: Any, as_user: Any) -> None:
    s = draft(world)
    carol = as_user(world.carol)
    twice = send(carol, "post", at(s, "/invitations"), {"invitees": [{"function": "other", "email": GRACE}]})
    assert GRACE in assert_400(twice, "invitees")["fields"]["invitees"][0]
    mallory = {"invitees": [{"function": "other", "user_id": world.mallory.pk}]}
    assert_400(send(carol, "post", at(s, "/invitations"), mallory), "user_id")
    assert_400(
        send(
            carol, "post", at(s, "/invitations"), {"invitees": [{"function": "chef", "email": "a@b.example"}]}
        ),
        "invitees.0.function",
    )
    assert_400(
        send(carol, "post", at(s, "/invitations"), {"invitees": [{"function": "other", "email": "nope"}]}),
        "email",
    )
    refused = send(
        as_user(world.vic),
        "post",
        at(s, "/invitations"),
        {"invitees": [{"function": "other", "email": "x@y.example"}]},
    )
    assert refused.status_code == 403


def test_sending_a_link_again_ends_the_old_one(world: Any, as_user: Any) -> None:
    s = opened(world)
    old = door.token_for(invitation(s))
    again = send(as_user(world.carol), "post", at(s, f"/invitations/{invitation(s).pk}/send-again"), {})
    assert again.status_code == 200, again.content
    assert door.invitation_for_token(old) is None and door.invitation_for_token(door.token_for(invitation(s)))


def test_the_list_filters_by_status_and_shows_each_survey_s_progress(world: Any, as_user: Any) -> None:
    draft(world, title="Draft one")
    answered(world, title="Answered one")
    client = as_user(world.vic)
    everything = client.get(api(world, "/surveys")).json()
    assert [(s["reference"], s["status"]) for s in everything] == [("FB-2", "open"), ("FB-1", "draft")]
    assert everything[0]["progress"] == {"invited": 2, "answered": 1, "open_proposals": 1}
    assert [s["reference"] for s in client.get(api(world, "/surveys?status=draft")).json()] == ["FB-1"]
    assert_400(client.get(api(world, "/surveys?status=lost")), "status")


def test_a_survey_changes_with_its_version_and_a_stale_one_is_a_409(world: Any, as_user: Any) -> None:
    s = draft(world)
    ada = as_user(world.ada)
    changed = send(
        ada, "patch", at(s), {"version": 1, "equipment": "OTX-100", "equipment_since": "2021-04-01"}
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["equipment"], changed.json()["version"]) == ("OTX-100", 2)
    stale = send(as_user(world.sam), "patch", at(s), {"version": 1, "title": "Mine"})
    assert stale.status_code == 409, stale.content
    assert stale.json()["current"]["equipment"] == "OTX-100" and stale.json()["current"]["version"] == 2
    assert send(ada, "post", at(s, "/open"), {"version": 1}).status_code == 409
    assert Survey.objects.get(pk=s.pk).title == "Munich core site visit"
    cleared = send(ada, "patch", at(s), {"version": 2, "site_id": None})
    assert cleared.json()["site"] is None
    assert send(as_user(world.carol), "patch", at(s), {"version": 3, "title": "Ours"}).status_code == 403


def test_bad_survey_fields_are_a_400_naming_them(world: Any, as_user: Any) -> None:
    ada = as_user(world.ada)
    url = api(world, "/surveys")
    ok = {"title": "Visit", "closes_on": in_days(7)}
    assert_400(send(ada, "post", url, {**ok, "site_id": world.tb_site.pk}), "site_id")  # Telco B's site
    assert_400(send(ada, "post", url, {**ok, "meeting_id": 2**40}), "meeting_id")
    assert_400(send(ada, "post", url, {**ok, "closes_on": in_days(-1)}), "closes_on")
    assert_400(
        send(ada, "post", url, {**ok, "closes_on": "9999-12-31"}), "closes_on"
    )  # no link expiry past 9999
    assert_400(send(ada, "post", url, {**ok, "equipment_since": in_days(30)}), "equipment_since")
    assert_400(send(ada, "post", url, {**ok, "title": ""}), "title")
    assert not Survey.objects.exists()


def test_closing_ends_the_answers(world: Any, as_user: Any) -> None:
    s = opened(world)
    closed = send(as_user(world.sam), "post", at(s, "/close"), {"version": 2})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = send(as_user(world.carol), "put", at(s, "/my-response"), {"answers": []})
    assert late.status_code == 400 and "not open" in late.json()["fields"]["__all__"][0]
    assert send(as_user(world.sam), "post", at(s, "/close"), {"version": 3}).status_code == 403


# --- answering signed in -----------------------------------------------------------------------------


def test_carol_saves_a_draft_and_submits_it(world: Any, as_user: Any) -> None:
    s = opened(world)
    ids = area_ids(s)
    carol = as_user(world.carol)
    mine = carol.get(at(s, "/my-response")).json()
    assert (mine["status"], mine["function"], mine["answers"]) == ("not_started", "engineering", [])
    draft_ = {"answers": [{"area_id": ids["support"], "rating": 1, "comment": "Tickets wait a week"}]}
    saved = send(carol, "put", at(s, "/my-response"), draft_)
    assert saved.status_code == 200, saved.content
    assert saved.json()["status"] == "draft" and saved.json()["answers"][0]["rating"] == 1
    assert not Proposal.objects.exists()  # a draft raises nothing yet
    submitted = send(
        carol,
        "post",
        at(s, "/my-response/submit"),
        {"answers": [{"area_id": ids["repair"], "not_applicable": True}]},
    )
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == "submitted" and body["submitted_at"]
    assert [(a["area_id"], a["rating"], a["not_applicable"]) for a in body["answers"]] == [
        (ids["support"], 1, False), (ids["repair"], None, True),
    ]  # fmt: skip
    assert Proposal.objects.get().answer.area.key == "support"
    again = send(carol, "put", at(s, "/my-response"), draft_)
    assert "answered already" in assert_400(again)["fields"]["__all__"][0]


def test_only_the_person_invited_answers(world: Any, as_user: Any) -> None:
    s = opened(world)
    for who in (world.ada, world.vic, world.val):
        assert as_user(who).get(at(s, "/my-response")).status_code == 403
        assert send(as_user(who), "put", at(s, "/my-response"), {"answers": []}).status_code == 403
    for who in (world.mallory, world.fay):
        assert as_user(who).get(at(s, "/my-response")).status_code == 404


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"rating": 6}, "answers.0.rating"),
        ({"rating": 0}, "answers.0.rating"),
        ({"comment": "x" * (COMMENT_MAX + 1)}, "answers.0.comment"),
    ],
)
def test_a_bad_answer_is_a_400_and_nothing_is_stored(
    world: Any, as_user: Any, given: dict[str, Any], field: str
) -> None:
    s = opened(world)
    bad = {"answers": [{"area_id": area_ids(s)["delivery"], **given}]}
    assert_400(send(as_user(world.carol), "post", at(s, "/my-response/submit"), bad), field)
    assert not Response.objects.exists()


def test_a_rating_with_not_applicable_is_a_400_naming_the_area(world: Any, as_user: Any) -> None:
    s = opened(world)
    area = area_ids(s)["delivery"]
    bad = {"answers": [{"area_id": area, "rating": 3, "not_applicable": True}]}
    assert_400(send(as_user(world.carol), "put", at(s, "/my-response"), bad), f"area-{area}-rating")
    assert not Response.objects.exists()


def test_a_forged_area_id_is_a_400_and_nothing_is_stored(world: Any, as_user: Any) -> None:
    s = opened(world)
    foreign = services.current_template(world.nw_tb).areas.first()  # Telco B's areas
    assert foreign is not None and foreign.pk not in area_ids(s).values()
    for area_id in (foreign.pk, 2**40):
        forged = {"answers": [{"area_id": area_id, "rating": 5}]}
        assert_400(send(as_user(world.carol), "post", at(s, "/my-response/submit"), forged), "areas")
    assert not Response.objects.exists() and not TemplateArea.objects.filter(answers__isnull=False).exists()


# --- responses, results and anonymity ----------------------------------------------------------------


def test_responses_and_results_show_each_area_s_ratings_and_comments(world: Any, as_user: Any) -> None:
    s = opened(world)
    delivery_id = area_ids(s)["delivery"]
    answering.add_file(
        invitation=invitation(s), area_id=delivery_id, upload=io.BytesIO(b"LOS 10:00\n"), name="alarms.log"
    )
    answer(s, GRACE_SAYS)
    answer(
        s, {"delivery": (4, "Better lately"), "quality": 5, "training": "na"}, email="carol@telco-a.example"
    )
    client = as_user(world.val)
    listed = client.get(at(s, "/responses")).json()
    assert [
        (r["number"], r["respondent"], r["rated"], r["not_applicable"], r["comments"]) for r in listed
    ] == [
        (1, "Grace Hopper (Operation)", 2, 0, 2),
        (2, "Carol Nguyen (Engineering)", 2, 1, 1),
    ]
    one = client.get(at(s, "/responses/1")).json()
    delivery = next(a for a in one["answers"] if a["area_key"] == "delivery")
    assert [(f["name"], f["size"]) for f in delivery["files"]] == [("alarms.log", 10)]
    files = f"/api/v1/relationships/{world.nw_ta.pk}/attachments/feedback-answer/{delivery['id']}"
    assert client.get(f"{files}/{delivery['files'][0]['id']}").status_code == 200
    assert (delivery["rating"], delivery["comment"], delivery["proposal_id"]) == (
        2,
        "Crates arrive damaged",
        proposal_of(s).pk,
    )
    assert client.get(at(s, "/responses/3")).status_code == 404
    results = client.get(at(s, "/results")).json()
    assert results["survey"] == "FB-1" and results["responses"] == 2
    by_key = {a["key"]: a for a in results["areas"]}
    d = by_key["delivery"]
    assert (d["counts"], d["rated"], d["mean"], d["low"]) == ([0, 1, 0, 1, 0], 2, 3.0, 1)
    assert [(f["function"], f["mean"], f["ratings"]) for f in d["by_function"]] == [
        ("engineering", 4.0, 1),
        ("operation", 2.0, 1),
    ]
    assert [
        (c["respondent"], c["text"], c["proposal"] and c["proposal"]["status"]) for c in d["comments"]
    ] == [
        ("Grace Hopper (Operation)", "Crates arrive damaged", "open"),
        ("Carol Nguyen (Engineering)", "Better lately", None),
    ]
    assert (by_key["training"]["not_applicable"], by_key["training"]["mean"]) == (1, None)


def test_an_anonymous_survey_names_no_one_to_the_supplier_but_to_the_customer(
    world: Any, as_user: Any
) -> None:
    s = answered(world, anonymous=True)
    answer(s, {"support": (1, "Nobody calls back")}, email="carol@telco-a.example")
    urls = [at(s, "/responses"), at(s, "/responses/1"), at(s, "/results"), at(s, "/proposals")]
    for who in (world.ada, world.val):
        client = as_user(who)
        for url in urls:
            body = client.get(url).content.decode()
            assert "Grace" not in body and "Carol" not in body, (who, url)
        responses = client.get(at(s, "/responses")).json()
        assert [r["respondent"] for r in responses] == [
            "Respondent 1 (Operation)",
            "Respondent 2 (Engineering)",
        ]
        assert {r["submitted_at"] for r in responses} == {None}
        assert {i["answered"] for i in client.get(at(s, "/invitations")).json()} == {None}
    carol = as_user(world.carol)
    assert "Grace Hopper (Operation)" in carol.get(at(s, "/results")).content.decode()
    assert [i["answered"] for i in carol.get(at(s, "/invitations")).json()] == [True, True]


def test_mallory_and_fay_get_the_one_404_for_every_survey_read(world: Any, as_user: Any) -> None:
    s = answered(world)
    reads = ["", "/invitations", "/responses", "/responses/1", "/results", "/proposals", "/my-response"]
    for who in (world.mallory, world.fay):
        client = as_user(who)
        for suffix in reads:
            response = client.get(at(s, suffix))
            assert response.status_code == 404, (who, suffix)
            assert response.json() == {"error": "Not found.", "fields": {}}
        assert client.get(api(world, "/surveys")).status_code == 404
        assert client.get(api(world, "/areas")).status_code == 404
    # Telco B's own survey number 1 is not Telco A's: Mallory sees only hers
    assert as_user(world.mallory).get(api(world, "/surveys/1", rel=world.nw_tb)).status_code == 404


# --- triage ------------------------------------------------------------------------------------------


def test_a_low_rating_becomes_an_item_whose_source_is_the_response(world: Any, as_user: Any) -> None:
    s = answered(world)
    proposals = as_user(world.carol).get(at(s, "/proposals?status=open")).json()
    assert [(p["area_key"], p["rating"], p["reason"], p["respondent"]) for p in proposals] == [
        ("delivery", 2, "low_rating", "Grace Hopper (Operation)")
    ]
    assert proposals[0]["suggested_title"] == "Product delivery: Crates arrive damaged"
    created = send(
        as_user(world.sam),
        "post",
        at(s, f"/proposals/{proposals[0]['id']}/create-item"),
        {"owner_id": world.sam.pk, "priority": "high", "due_date": in_days(30)},
    )
    assert created.status_code == 200, created.content
    body = created.json()
    assert body["status"] == "created" and body["decided_by"] == "Sam Patel"
    key = body["item"]["number"]
    assert body["item"]["title"] == "Product delivery: Crates arrive damaged"
    item = as_user(world.carol).get(f"/api/v1/relationships/{world.nw_ta.pk}/action-items/{key}").json()
    assert item["source"]["kind"] == "feedback" and "FB-1" in item["source"]["label"]
    assert item["source"]["url"].endswith("/feedback/1/responses/1/")
    assert (item["owner"]["id"], item["priority"], item["visibility"]) == (world.sam.pk, "high", "shared")
    assert ActionItem.objects.get(pk=Proposal.objects.get().item_id).source == Response.objects.get()
    assert as_user(world.vic).get(at(s)).json()["progress"]["open_proposals"] == 0
    twice = send(
        as_user(world.sam), "post", at(s, f"/proposals/{proposals[0]['id']}/dismiss"), {"reason": "x"}
    )
    assert "triaged already" in assert_400(twice)["fields"]["__all__"][0]


def test_an_owner_must_be_one_who_may_own_the_item(world: Any, as_user: Any) -> None:
    s = answered(world)
    url = at(s, f"/proposals/{proposal_of(s).pk}/create-item")
    for stranger in (world.mallory, world.val, world.carol):  # another customer; a viewer; the other side
        refused = send(as_user(world.ada), "post", url, {"owner_id": stranger.pk})
        assert_400(refused, "owner_id")
    assert not ActionItem.objects.filter(source_kind="feedback").exists()


def test_merging_opens_the_item_through_the_register_s_door(world: Any, as_user: Any) -> None:
    s = answered(world)
    carol_private = register.create_item(
        access=access_from(world.carol, world.nw_ta),
        title="Our own",
        owner_side="customer",
        visibility="private",
    )
    url = at(s, f"/proposals/{proposal_of(s).pk}/merge")
    ada = as_user(world.ada)
    for hidden in (carol_private.key, "999"):  # Telco A's private item and a missing one: the same 404
        response = send(ada, "post", url, {"item": hidden})
        assert response.status_code == 404 and response.json() == {"error": "Not found.", "fields": {}}
    refused = send(ada, "post", url, {"item": world.private_item.key})  # Northwind's own private item
    assert_400(refused, "item")  # the customer could not follow it
    assert "shared item" in refused.json()["fields"]["item"][0]
    assert proposal_of(s).status == "open"


def test_merging_into_a_shared_item_writes_what_was_raised_in_its_timeline(world: Any, as_user: Any) -> None:
    s = answered(world)
    merged = send(
        as_user(world.sam), "post", at(s, f"/proposals/{proposal_of(s).pk}/merge"), {"item": world.item.key}
    )
    assert merged.status_code == 200 and merged.json()["item"]["number"] == world.item.key
    comments = (
        as_user(world.carol)
        .get(f"/api/v1/relationships/{world.nw_ta.pk}/action-items/{world.item.key}/comments")
        .json()
    )
    assert any("Crates arrive damaged" in c["body"] for c in comments)


def test_dismissing_needs_a_reason_and_only_a_supplier_lead_triages(world: Any, as_user: Any) -> None:
    s = answered(world)
    url = at(s, f"/proposals/{proposal_of(s).pk}/dismiss")
    assert_400(send(as_user(world.ada), "post", url, {"reason": ""}), "reason")
    assert_400(send(as_user(world.ada), "post", url, {"reason": "   "}), "reason")
    for who in (world.carol, world.val):
        assert send(as_user(who), "post", url, {"reason": "No"}).status_code == 403
    done = send(as_user(world.ada), "post", url, {"reason": "The carrier changed in March"})
    assert (
        done.json()["status"] == "dismissed"
        and done.json()["dismiss_reason"] == "The carrier changed in March"
    )
    assert [p["status"] for p in as_user(world.vic).get(at(s, "/proposals?status=dismissed")).json()] == [
        "dismissed"
    ]
    assert as_user(world.vic).get(at(s, "/proposals?status=open")).json() == []


def test_a_flagged_comment_becomes_a_proposal_once(world: Any, as_user: Any) -> None:
    s = answered(world)
    quality = comment_of(s, "quality")
    url = at(s, f"/answers/{quality.pk}/flag")
    assert send(as_user(world.carol), "post", url, {}).status_code == 403
    flagged = send(as_user(world.ada), "post", url, {})
    assert flagged.status_code == 200, flagged.content
    assert (flagged.json()["reason"], flagged.json()["comment"]) == ("flagged", GRACE_SAYS["quality"][1])
    assert send(as_user(world.ada), "post", url, {}).json()["id"] == flagged.json()["id"]
    assert Proposal.objects.filter(survey=s).count() == 2
    unanswered = answer(opened(world), {"quality": 4})  # no comment to flag (another survey's answer too)
    other = unanswered.answers.get()
    assert send(as_user(world.ada), "post", at(s, f"/answers/{other.pk}/flag"), {}).status_code == 404
    own = at(unanswered.survey, f"/answers/{other.pk}/flag")
    assert "comment" in assert_400(send(as_user(world.ada), "post", own, {}))["fields"]["__all__"][0]
