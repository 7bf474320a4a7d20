"""The meetings API: the same doors, rules and services as the pages."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.utils import timezone

from accord.meetings.models import Kind, Meeting, Status
from accord.operations.models import InstalledBase
from tests.meetings.helpers import at, review, schedule, team_meeting


def _url(w: Any, suffix: str = "") -> str:
    return f"/api/v1/relationships/{w.nw_ta.pk}/meetings{suffix}"


def _send(client: Any, method: str, url: str, data: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(data), content_type="application/json")


def _new(w: Any, **more: Any) -> dict[str, Any]:
    data = {
        "kind": "quality_review",
        "starts_at": at(20).isoformat(),
        "ends_at": at(20, 12).isoformat(),
        "time_zone": "Europe/Berlin",
        "host_side": "supplier",
        "site_id": w.nw_site.pk,
        "invitee_ids": [w.carol.pk],
        "guests": [{"name": "Jane Roe", "email": "jane@example.com"}],
    }
    data.update(more)
    return data


def test_scheduling_answers_the_meeting_with_its_invitees(world: Any, as_user: Any) -> None:
    response = _send(as_user(world.sam), "POST", _url(world), _new(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"].startswith("Quality review at the organization's location, ")
    people = {a["user"]["id"] if a["user"] else a["email"] for a in body["attendees"]}
    assert people == {world.sam.pk, world.carol.pk, "jane@example.com"}
    assert body["answers"] == {"accepted": 0, "declined": 0, "pending": 3}


def test_a_stranger_cannot_be_invited_and_nothing_is_made(world: Any, as_user: Any) -> None:
    response = _send(as_user(world.sam), "POST", _url(world), _new(world, invitee_ids=[world.mallory.pk]))
    assert response.status_code == 400 and "invitee_ids" in response.json()["fields"]
    assert not Meeting.objects.exists()


def test_a_bad_time_zone_and_a_bad_guest_address_are_400(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    assert _send(client, "POST", _url(world), _new(world, time_zone="Mars/Olympus")).status_code == 400
    bad_guest = _new(world, guests=[{"name": "x", "email": "nope"}])
    assert _send(client, "POST", _url(world), bad_guest).status_code == 400


def test_a_meeting_needs_a_site_or_a_remote_link(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    nowhere = _send(client, "POST", _url(world), _new(world, site_id=None))
    assert nowhere.status_code == 400 and "site_id" in nowhere.json()["fields"]
    remote = _new(world, site_id=None, remote_link="https://meet.example.com/q")
    assert _send(client, "POST", _url(world), remote).status_code == 201


def test_the_list_filters_and_fay_sees_her_team_only(world: Any, as_user: Any) -> None:
    review(world)
    team = team_meeting(world)
    schedule(world, title="Old program review", kind=Kind.PROGRAM_REVIEW, days=-30)
    sam = as_user(world.sam)
    assert sam.get(_url(world)).json()["count"] == 3
    upcoming = sam.get(_url(world, "?when=upcoming")).json()
    assert upcoming["count"] == 2
    assert sam.get(_url(world, "?kind=program_review")).json()["items"][0]["title"] == "Old program review"
    fay = as_user(world.fay)
    assert [m["id"] for m in fay.get(_url(world)).json()["items"]] == [team.pk]
    assert [m["id"] for m in fay.get("/api/v1/meetings").json()["items"]] == [team.pk]
    assert fay.get(_url(world, f"/{review(world).pk}")).status_code == 404


def test_a_stale_update_is_409_with_the_current_meeting(world: Any, as_user: Any) -> None:
    meeting = review(world)
    client = as_user(world.carol)
    ok = _send(client, "PATCH", _url(world, f"/{meeting.pk}"), {"version": 1, "title": "Moved"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = _send(client, "PATCH", _url(world, f"/{meeting.pk}"), {"version": 1, "title": "Again"})
    assert stale.status_code == 409
    assert stale.json()["current"]["title"] == "Moved"


def test_moving_a_meeting_bumps_its_sequence(world: Any, as_user: Any) -> None:
    meeting = review(world)
    moved = _send(
        as_user(world.sam),
        "PATCH",
        _url(world, f"/{meeting.pk}"),
        {"version": 1, "starts_at": at(33).isoformat(), "ends_at": at(33, 11).isoformat()},
    )
    assert moved.status_code == 200 and moved.json()["sequence"] == 1


def test_cancelling_and_then_changing_is_refused(world: Any, as_user: Any) -> None:
    meeting = review(world)
    client = as_user(world.sam)
    cancelled = _send(
        client, "POST", _url(world, f"/{meeting.pk}/cancel"), {"version": 1, "reason": "Strike"}
    )
    assert cancelled.json()["status"] == Status.CANCELLED
    again = _send(client, "PATCH", _url(world, f"/{meeting.pk}"), {"version": 2, "title": "x"})
    assert again.status_code == 403


def test_inviting_and_uninviting(world: Any, as_user: Any) -> None:
    meeting = review(world)
    client = as_user(world.carol)
    added = _send(
        client,
        "POST",
        _url(world, f"/{meeting.pk}/attendees"),
        {"user_ids": [world.vic.pk], "guests": [{"name": "Ann", "email": "ann@example.com"}]},
    )
    assert added.status_code == 201 and len(added.json()) == 2
    vic = meeting.attendees.get(user=world.vic)
    assert client.delete(_url(world, f"/{meeting.pk}/attendees/{vic.pk}")).status_code == 204
    assert client.delete(_url(world, f"/{meeting.pk}/attendees/{vic.pk}")).status_code == 404


def test_the_cadence_reads_and_changes_with_its_version(world: Any, as_user: Any) -> None:
    client = as_user(world.ada)
    read = client.get(_url(world, "/cadence")).json()
    assert (read["set_months"], read["program_review_months"], read["version"]) == (6, 3, 1)
    assert [a["approach"] for a in read["approaches"]] == ["A", "B", "D"]
    changed = _send(client, "PATCH", _url(world, "/cadence"), {"version": 1, "set_months": 4})
    assert changed.status_code == 200 and changed.json()["set_months"] == 4
    stale = _send(client, "PATCH", _url(world, "/cadence"), {"version": 1, "set_months": 5})
    assert stale.status_code == 409
    assert [a["approach"] for a in as_user(world.fay).get(_url(world, "/cadence")).json()["approaches"]] == [
        "A"
    ]


def test_proposals_rank_the_customers_sites_and_warn_when_none_qualifies(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    InstalledBase.objects.filter(pk=world.ta_installed.pk).update(
        in_service_date=timezone.localdate() - timedelta(days=150)
    )
    young = client.get(_url(world, "/proposals?kind=site_visit")).json()
    assert young["site_id"] == world.ta_site.pk and young["host_side"] == "customer" and not young["warning"]
    assert young["sites"][0]["preferred"] is True
    InstalledBase.objects.filter(pk=world.ta_installed.pk).update(
        in_service_date=timezone.localdate() - timedelta(days=800)
    )
    old = client.get(_url(world, "/proposals?kind=site_visit")).json()
    assert old["site_id"] is None and old["warning"]


def test_a_quality_review_proposal_alternates(world: Any, as_user: Any) -> None:
    schedule(world, kind=Kind.SITE_VISIT, days=-50)
    proposal = as_user(world.sam).get(_url(world, "/proposals?kind=quality_review")).json()
    assert (proposal["suggested_kind"], proposal["host_side"]) == ("quality_review", "supplier")
