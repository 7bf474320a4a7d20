"""The minutes' pages: the run view, its forms, the workflow buttons, the revisions and the PDFs."""

from __future__ import annotations

import io
from typing import Any

import pypdf
from django.urls import reverse
from django.utils.html import escape

from accord.meetings import minutes
from accord.meetings.models import Kind, Meeting, MinutesStatus
from accord.register.models import ActionItem, SourceKind
from tests.meetings.helpers import review, schedule, team_meeting
from tests.meetings.helpers_minutes import access, approve_both, first_item

TA = "northwind-telco-a"


def run_url(meeting: Meeting, suffix: str = "") -> str:
    return f"/r/{TA}/meetings/{meeting.pk}/run/{suffix}"


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)


def test_minutes_with_an_action_item_reach_the_register_and_are_approved_by_sam_and_carol(
    world: Any, as_user: Any
) -> None:
    meeting = review(world)
    item = first_item(meeting)
    sam = as_user(world.sam)
    page = sam.get(run_url(meeting))
    assert page.status_code == 200 and b"Save minutes" in page.content
    sam.post(run_url(meeting, f"items/{item.pk}/minutes/"), {"minutes": "Both closed", "version": 1})
    sam.post(run_url(meeting, f"items/{item.pk}/decisions/"), {"text": "Close NC-7"})
    made = sam.post(
        run_url(meeting, f"items/{item.pk}/action-item/"),
        {
            "title": "Send the alarm logs",
            "owner_side": "supplier",
            "owner": world.sam.pk,
            "visibility": "shared",
        },
    )
    assert made.status_code == 303
    action = ActionItem.objects.get(title="Send the alarm logs")
    assert (action.source_kind, action.source) == (SourceKind.MEETING, item)
    # the register's item page links back to the meeting's agenda item
    item_page = as_user(world.carol).get(reverse("register:item", args=[TA, action.key])).content.decode()
    label = escape(f"{meeting.title} · {item.title}")
    assert f'Meeting agenda item: <a href="{action.source_url}">{label}</a>' in item_page

    sam.post(f"/r/{TA}/meetings/{meeting.pk}/minutes/circulate/")
    sam.post(f"/r/{TA}/meetings/{meeting.pk}/minutes/approve/", {"revision": 1})
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == MinutesStatus.CIRCULATED
    carol = as_user(world.carol)
    assert b"Approve for my side" in carol.get(run_url(meeting)).content
    carol.post(f"/r/{TA}/meetings/{meeting.pk}/minutes/approve/", {"revision": 1})
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == MinutesStatus.APPROVED

    revision = carol.get(f"/r/{TA}/meetings/{meeting.pk}/minutes/1/").content.decode()
    assert "Both closed" in revision and "Close NC-7" in revision and action.reference in revision
    text = pdf_text(carol.get(f"/r/{TA}/meetings/{meeting.pk}/minutes/1.pdf").content)
    assert "Send the alarm logs" in text and "Sam Patel" in text and "Carol Nguyen" in text


def test_approved_minutes_show_no_editing_and_refuse_edits(world: Any, as_user: Any) -> None:
    meeting = approve_both(world, review(world))
    item = first_item(meeting)
    sam = as_user(world.sam)
    page = sam.get(run_url(meeting)).content
    assert b"Save minutes" not in page and b"approved and locked" in page
    refused = sam.post(run_url(meeting, f"items/{item.pk}/minutes/"), {"minutes": "Later", "version": 1})
    assert refused.status_code == 403


def test_a_correction_opens_a_new_revision_and_the_old_one_stays_readable(world: Any, as_user: Any) -> None:
    meeting = review(world)
    item = first_item(meeting)
    minutes.write_minutes(access=access(world, world.sam), item=item, version=1, minutes="Due in May")
    meeting = approve_both(world, meeting)
    carol = as_user(world.carol)
    carol.post(f"/r/{TA}/meetings/{meeting.pk}/minutes/correct/", {"reason": "The due date is June"})
    item.refresh_from_db()
    minutes.write_minutes(
        access=access(world, world.sam), item=item, version=item.version, minutes="Due in June"
    )
    old = carol.get(f"/r/{TA}/meetings/{meeting.pk}/minutes/1/").content.decode()
    assert "Due in May" in old and "The due date is June" in old
    draft = carol.get(f"/r/{TA}/meetings/{meeting.pk}/minutes/2/").content.decode()
    assert "Due in June" in draft and "not approved" in draft
    assert "Due in May" in pdf_text(carol.get(f"/r/{TA}/meetings/{meeting.pk}/minutes/1.pdf").content)
    assert "Due in June" in pdf_text(carol.get(f"/r/{TA}/meetings/{meeting.pk}/minutes.pdf").content)
    assert carol.get(f"/r/{TA}/meetings/{meeting.pk}/minutes/3/").status_code == 404


def test_fay_drafts_and_circulates_her_teams_minutes_and_cannot_open_a_program_review(
    world: Any, as_user: Any
) -> None:
    team = team_meeting(world)
    program = schedule(world, kind=Kind.PROGRAM_REVIEW, title="Program review")
    fay = as_user(world.fay)
    page = fay.get(run_url(team)).content
    assert b"Save minutes" in page and b"New action item" not in page and b"Approve" not in page
    item = first_item(team)
    fay.post(run_url(team, f"items/{item.pk}/minutes/"), {"minutes": "Expectations agreed", "version": 1})
    fay.post(f"/r/{TA}/meetings/{team.pk}/minutes/circulate/")
    assert Meeting.objects.get(pk=team.pk).minutes_status == MinutesStatus.CIRCULATED
    assert fay.post(f"/r/{TA}/meetings/{team.pk}/minutes/approve/", {"revision": 1}).status_code == 403
    for url in (run_url(program), f"/r/{TA}/meetings/{program.pk}/minutes.pdf"):
        assert fay.get(url).status_code == 404


def test_an_edit_of_circulated_minutes_warns_and_sends_them_back_to_draft(world: Any, as_user: Any) -> None:
    meeting = review(world)
    minutes.circulate(access=access(world, world.sam), meeting=meeting)
    carol = as_user(world.carol)
    assert b"Any edit sends them back to draft" in carol.get(run_url(meeting)).content
    carol.post(run_url(meeting, f"items/{first_item(meeting).pk}/decisions/"), {"text": "One more"})
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == MinutesStatus.DRAFT


def test_a_stale_minutes_form_comes_back_with_what_was_typed(world: Any, as_user: Any) -> None:
    meeting = review(world)
    item = first_item(meeting)
    minutes.write_minutes(access=access(world, world.sam), item=item, version=1, minutes="Sam's words")
    carol = as_user(world.carol)
    answer = carol.post(
        run_url(meeting, f"items/{item.pk}/minutes/"), {"minutes": "Carol's", "version": 1, "item": item.pk}
    )
    assert answer.status_code == 303
    page = carol.get(answer["Location"]).content.decode()
    assert (
        "Someone else changed this record" in page and "Carol&#x27;s" in page and "Sam&#x27;s words" in page
    )


def test_attendance_and_a_walk_in_are_recorded_from_the_run_view(world: Any, as_user: Any) -> None:
    meeting = review(world)
    carol_row = meeting.attendees.get(user=world.carol)
    sam = as_user(world.sam)
    sam.post(run_url(meeting, "attendance/"), {f"attended_{carol_row.pk}": "on"})
    sam.post(run_url(meeting, "walk-in/"), {"name": "Olga Auditor", "email": "olga@example.org"})
    marks = {a.display_name: a.attended for a in meeting.attendees.all()}
    assert marks == {"Carol Nguyen": True, "Sam Patel": False, "Olga Auditor": True}


def test_the_run_view_shows_one_item_at_a_time_or_all(world: Any, as_user: Any) -> None:
    meeting = review(world)
    items = list(meeting.agenda_items.order_by("position"))
    client = as_user(world.vic)
    one = client.get(run_url(meeting) + f"?item={items[1].pk}").content.decode()
    assert "Item 2 of 8" in one and f"?item={items[2].pk}" in one and f"?item={items[0].pk}" in one
    assert items[3].title not in one
    every = client.get(run_url(meeting) + "?all=1").content.decode()
    assert all(i.title in every for i in items) and "Save minutes" not in every


def test_private_action_items_never_reach_the_minutes_pdf(world: Any, as_user: Any) -> None:
    meeting = review(world)
    item = first_item(meeting)
    ada = access(world, world.ada)
    minutes.create_action_item(
        access=ada, item=item, title="Our own cost review", owner_side="supplier", visibility="private"
    )
    minutes.create_action_item(access=ada, item=item, title="Shared alarm review", owner_side="supplier")
    for person in (world.ada, world.carol):
        text = pdf_text(as_user(person).get(f"/r/{TA}/meetings/{meeting.pk}/minutes.pdf").content)
        assert "Shared alarm review" in text and "Our own cost review" not in text
    frozen = approve_both(world, meeting).revisions.get(revision=1)
    assert "Our own cost review" not in str(frozen.snapshot)
