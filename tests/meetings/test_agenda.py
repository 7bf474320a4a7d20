"""Editing an agenda: add, change, remove and reorder items, the total time against the meeting's
length, who may edit and until when; and the relationship's templates, which new meetings copy."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.audit.models import AuditEvent
from accord.lib.errors import Conflict
from accord.meetings import agenda, services
from accord.meetings.models import AgendaItem, Kind, Meeting, MinutesStatus, Topic
from accord.parties.access import RelationshipAccess, access_from
from tests.meetings.helpers import review, schedule, team_meeting


def _access(w: Any, person: str = "sam") -> RelationshipAccess:
    found = access_from(getattr(w, person), w.nw_ta, allow_guest=True)
    assert found is not None
    return found


def _titles(meeting: Meeting) -> list[str]:
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


def test_an_item_added_goes_to_the_end_and_is_audited(world: Any) -> None:
    meeting = review(world)
    item = agenda.add_item(
        access=_access(world, "carol"), meeting=meeting, title="  Spares pool  ", minutes_allotted=10
    )
    assert _titles(meeting)[-1] == "Spares pool"
    assert item.position == 9
    assert AuditEvent.objects.filter(verb="meeting.agenda.added", object_id=str(item.pk)).exists()


def test_items_move_up_and_down_and_take_a_new_order(world: Any) -> None:
    meeting = review(world)
    first, second, third = list(meeting.agenda_items.order_by("position"))[:3]
    agenda.move_item(access=_access(world), item=second, direction="up")
    assert _titles(meeting)[:3] == [second.title, first.title, third.title]
    agenda.move_item(access=_access(world), item=second, direction="up")  # already first: stays
    assert _titles(meeting)[0] == second.title
    ids = list(meeting.agenda_items.order_by("-position").values_list("pk", flat=True))
    agenda.reorder(access=_access(world), meeting=meeting, order=ids)
    assert list(meeting.agenda_items.order_by("position").values_list("pk", flat=True)) == ids
    assert list(meeting.agenda_items.order_by("position").values_list("position", flat=True)) == list(
        range(1, 9)
    )


def test_a_new_order_must_name_every_item_once(world: Any) -> None:
    meeting = review(world)
    ids = list(meeting.agenda_items.values_list("pk", flat=True))
    for order in (ids[:-1], [*ids, ids[0]], [*ids[:-1], 10**9]):
        with pytest.raises(ValidationError):
            agenda.reorder(access=_access(world), meeting=meeting, order=order)


def test_removing_an_item_closes_the_gap(world: Any) -> None:
    meeting = review(world)
    third = meeting.agenda_items.get(position=3)
    agenda.remove_item(access=_access(world), item=third)
    assert list(meeting.agenda_items.values_list("position", flat=True)) == list(range(1, 8))
    assert third.title not in _titles(meeting)


def test_an_item_is_versioned_and_a_stale_change_conflicts(world: Any) -> None:
    meeting = review(world)
    item = meeting.agenda_items.get(position=1)
    changed = agenda.update_item(
        access=_access(world), item=item, version=1, title="NCs", minutes_allotted=5, presenter=world.carol
    )
    assert (changed.version, changed.title, changed.presenter) == (2, "NCs", world.carol)
    with pytest.raises(Conflict):
        agenda.update_item(access=_access(world, "carol"), item=item, version=1, title="Late edit")


def test_the_presenter_is_invited_or_a_member_and_the_topic_shared(world: Any) -> None:
    meeting = review(world)
    item = meeting.agenda_items.get(position=1)
    with pytest.raises(ValidationError) as caught:
        agenda.update_item(access=_access(world), item=item, version=1, presenter=world.mallory)
    assert "presenter" in caught.value.message_dict
    private = Topic.objects.create(
        relationship=world.nw_ta,
        kind="customer_concern",
        title="Ours",
        raised_by_side="customer",
        visibility="private",
        private_party=world.telco_a,
    )
    with pytest.raises(ValidationError) as caught:
        agenda.update_item(access=_access(world, "carol"), item=item, version=1, topic=private)
    assert "topic" in caught.value.message_dict
    with pytest.raises(ValidationError):
        agenda.update_item(access=_access(world), item=item, version=1, binding="gossip")
    # the facilitator may present the meeting she is invited to
    team = team_meeting(world)
    first = team.agenda_items.get(position=1)
    assert (
        agenda.update_item(access=_access(world), item=first, version=1, presenter=world.fay).presenter
        == world.fay
    )


def test_the_total_time_is_told_against_the_meetings_length(world: Any) -> None:
    meeting = review(world)  # four hours, 125 minutes planned
    prepared = agenda.prepare(meeting, with_sections=False)
    assert (prepared.total_minutes, prepared.length_minutes, prepared.over_by) == (125, 240, 0)
    assert [e.starts_after for e in prepared.entries][:3] == [0, 15, 30]
    agenda.add_item(access=_access(world), meeting=meeting, title="Deep dive", minutes_allotted=130)
    assert agenda.prepare(meeting, with_sections=False).over_by == 15


def test_viewers_and_the_facilitator_do_not_edit_an_agenda(world: Any) -> None:
    meeting = team_meeting(world)
    for person in ("vic", "val", "fay"):
        with pytest.raises(PermissionDenied):
            agenda.add_item(access=_access(world, person), meeting=meeting, title="No")


def test_the_agenda_is_locked_once_the_minutes_are_approved_or_the_meeting_cancelled(world: Any) -> None:
    meeting = review(world)
    item = meeting.agenda_items.first()
    assert item is not None
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=MinutesStatus.APPROVED)
    meeting.refresh_from_db()
    item.meeting = meeting
    with pytest.raises(PermissionDenied):
        agenda.add_item(access=_access(world), meeting=meeting, title="Too late")
    with pytest.raises(PermissionDenied):
        agenda.remove_item(access=_access(world), item=item)
    other = schedule(world, days=40)
    services.cancel(access=_access(world), meeting=other, version=other.version)
    other.refresh_from_db()
    with pytest.raises(PermissionDenied):
        agenda.add_item(access=_access(world), meeting=other, title="Too late")


def test_template_edits_apply_to_meetings_scheduled_afterwards_only(world: Any) -> None:
    before = review(world)
    access = _access(world, "carol")
    added = agenda.add_template_item(
        access=access, kind=Kind.QUALITY_REVIEW, title="Spares", binding="deliveries"
    )
    first = agenda.template_item_for(access, Kind.QUALITY_REVIEW, added.pk - 8)
    agenda.update_template_item(
        access=access, item=first, title="NCs (TL 9000)", binding=first.binding, minutes=5
    )
    agenda.move_template_item(access=access, item=added, direction="up")
    removed = services.template_for(world.nw_ta, Kind.QUALITY_REVIEW).items.get(position=2)
    agenda.remove_template_item(access=access, item=removed)
    after = schedule(world, days=60)
    assert _titles(before)[0] == "Nonconformances to TL 9000" and "Spares" not in _titles(before)
    assert _titles(after)[0] == "NCs (TL 9000)"
    assert _titles(after)[-2:] == ["Spares", "Action item registers"]
    assert removed.title not in _titles(after)
    assert after.agenda_items.get(title="Spares").binding == "deliveries"
    assert AuditEvent.objects.filter(verb__startswith="meeting.template.").count() == 4


def test_another_relationships_template_item_is_not_found(world: Any) -> None:
    from django.http import Http404

    access = _access(world)
    item = services.template_for(world.nw_tb, Kind.QUALITY_REVIEW).items.first()
    assert item is not None
    with pytest.raises(Http404):
        agenda.template_item_for(access, Kind.QUALITY_REVIEW, item.pk)


def test_viewers_do_not_edit_templates(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        agenda.add_template_item(access=_access(world, "vic"), kind=Kind.SET, title="No")


# --- pages ----------------------------------------------------------------------------------------


def test_the_agenda_page_shows_items_sections_and_time(world: Any, as_user: Any) -> None:
    meeting = review(world)
    page = as_user(world.vic).get(f"/r/northwind-telco-a/meetings/{meeting.pk}/agenda/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nonconformances to TL 9000" in html and "125 of 240 minutes planned" in html
    assert "Root-cause the line card returns" in html
    assert world.private_item.title not in html
    assert "Send the pre-read" not in html and "/agenda/add/" not in html


def test_a_writer_adds_moves_edits_and_removes_items_from_the_page(world: Any, as_user: Any) -> None:
    meeting = review(world)
    client = as_user(world.carol)
    base = f"/r/northwind-telco-a/meetings/{meeting.pk}/agenda/"
    added = client.post(base + "add/", {"title": "Spares", "minutes_allotted": "10", "binding": "deliveries"})
    assert added.status_code == 303 and added["Location"] == base
    item = AgendaItem.objects.get(meeting=meeting, title="Spares")
    assert client.post(base + f"{item.pk}/move/", {"direction": "up"}).status_code == 303
    item.refresh_from_db()
    assert item.position == 8
    edit = client.get(base + f"{item.pk}/edit/")
    assert edit.status_code == 200
    saved = client.post(
        base + f"{item.pk}/edit/",
        {
            "title": "Spares pool",
            "binding": "",
            "minutes_allotted": "20",
            "version": "1",
            "presenter": world.sam.pk,
        },
    )
    assert saved.status_code == 303
    item.refresh_from_db()
    assert (item.title, item.presenter, item.minutes_allotted) == ("Spares pool", world.sam, 20)
    assert client.post(base + f"{item.pk}/remove/", {}).status_code == 303
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_a_failed_add_keeps_what_was_typed(world: Any, as_user: Any) -> None:
    meeting = review(world)
    client = as_user(world.carol)
    base = f"/r/northwind-telco-a/meetings/{meeting.pk}/agenda/"
    failed = client.post(base + "add/", {"title": "", "minutes_allotted": "-5"})
    assert failed.status_code == 303
    page = client.get(base)
    assert page.status_code == 200 and "-5" in page.content.decode()


def test_a_stale_edit_answers_409_with_the_typed_values(world: Any, as_user: Any) -> None:
    meeting = review(world)
    item = meeting.agenda_items.get(position=1)
    agenda.update_item(access=_access(world), item=item, version=1, title="Changed by Sam")
    url = f"/r/northwind-telco-a/meetings/{meeting.pk}/agenda/{item.pk}/edit/"
    answer = as_user(world.carol).post(url, {"title": "Carol's", "minutes_allotted": "15", "version": "1"})
    assert answer.status_code == 409 and "Carol&#x27;s" in answer.content.decode()


def test_the_template_editor_adds_and_edits_items(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    url = "/r/northwind-telco-a/meetings/templates/program_review/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Spares", "binding": "deliveries", "minutes": "10"}).status_code == 303
    item = services.template_for(world.nw_ta, Kind.PROGRAM_REVIEW).items.get(title="Spares")
    assert client.post(url + f"{item.pk}/move/", {"direction": "up"}).status_code == 303
    assert (
        client.post(
            url + f"{item.pk}/edit/", {"title": "Spare parts", "binding": "", "minutes": "5"}
        ).status_code
        == 303
    )
    item.refresh_from_db()
    assert (item.title, item.binding, item.minutes, item.position) == ("Spare parts", "", 5, 9)
    assert client.get("/r/northwind-telco-a/meetings/templates/nonsense/").status_code == 404


# --- API ------------------------------------------------------------------------------------------


def test_the_api_lists_the_agenda_with_its_sections(world: Any, as_user: Any) -> None:
    meeting = review(world)
    answer = as_user(world.vic).get(f"/api/v1/relationships/{world.nw_ta.pk}/meetings/{meeting.pk}/agenda")
    assert answer.status_code == 200
    body = answer.json()
    assert body["total_minutes"] == 125 and body["may_edit"] is False
    register = next(i for i in body["items"] if i["binding"] == "register")
    assert register["section"]["counts"][0] == {"label": "Open", "count": 1}


def test_the_api_adds_changes_reorders_and_removes_items(world: Any, as_user: Any) -> None:
    meeting = review(world)
    client = as_user(world.carol)
    base = f"/api/v1/relationships/{world.nw_ta.pk}/meetings/{meeting.pk}/agenda"
    made = client.post(
        base,
        {"title": "Spares", "binding": "forecasts", "presenter_id": world.sam.pk},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["section"]["binding"] == "forecasts"
    item_id = made.json()["id"]
    patched = client.patch(
        f"{base}/{item_id}",
        {"version": 1, "minutes_allotted": 3, "presenter_id": None},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["presenter"] is None
    stale = client.patch(f"{base}/{item_id}", {"version": 1, "title": "x"}, content_type="application/json")
    assert stale.status_code == 409
    ids = [i["id"] for i in client.get(base + "?sections=false").json()["items"]]
    ordered = client.post(base + "/order", {"order": ids[::-1]}, content_type="application/json")
    assert ordered.status_code == 200 and [i["id"] for i in ordered.json()["items"]] == ids[::-1]
    assert client.delete(f"{base}/{item_id}").status_code == 204
    unknown = client.post(
        base, {"title": "x", "presenter_id": world.mallory.pk}, content_type="application/json"
    )
    assert unknown.status_code == 400 and "presenter" in str(unknown.json()["fields"])


def test_the_edit_page_offers_open_shared_topics_only(world: Any, as_user: Any) -> None:
    meeting = review(world)
    item = meeting.agenda_items.get(position=1)
    topic = {"relationship": world.nw_ta, "kind": "customer_concern", "raised_by_side": "customer"}
    Topic.objects.create(title="Open and shared", **topic)
    Topic.objects.create(title="Closed and shared", status="closed", **topic)
    Topic.objects.create(title="Telco A's own", visibility="private", private_party=world.telco_a, **topic)
    page = as_user(world.carol).get(f"/r/northwind-telco-a/meetings/{meeting.pk}/agenda/{item.pk}/edit/")
    html = page.content.decode()
    assert "Open and shared" in html
    assert "Closed and shared" not in html and "Telco A&#x27;s own" not in html


def test_every_default_agenda_title_fits_its_column() -> None:
    """PostgreSQL refuses a value longer than its column (SQLite does not check): a default title that
    is too long breaks scheduling there only."""
    from accord.meetings import agendas
    from accord.meetings.models import TemplateItem

    room = min(
        TemplateItem._meta.get_field("title").max_length, AgendaItem._meta.get_field("title").max_length
    )
    too_long = [
        str(d.title) for items in agendas.DEFAULTS.values() for d in items if len(str(d.title)) > room
    ]
    assert too_long == []
