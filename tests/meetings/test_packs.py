"""The pre-read pack: the agenda with its data sections as a PDF, frozen as sent (stored bytes and
their sha256), e-mailed on commit, never showing a side's private items or topics, downloadable
through the meeting's door."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from accord.meetings import agenda, emails, packs
from accord.meetings.models import Pack, Topic
from accord.parties.access import RelationshipAccess, access_from
from accord.register import services as register
from tests.meetings.helpers import review, team_meeting


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _access(w: Any, person: str = "sam") -> RelationshipAccess:
    found = access_from(getattr(w, person), w.nw_ta, allow_guest=True)
    assert found is not None
    return found


def test_sending_stores_the_pdf_with_its_sha256_and_mails_it_on_commit(
    world: Any, media: Path, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(emails, "pack_sent", sent.append)
    meeting = review(world)
    with django_capture_on_commit_callbacks(execute=True):
        pack = packs.send(access=_access(world, "carol"), meeting=meeting)
    data = packs.read(pack)
    assert data.startswith(b"%PDF")
    assert (pack.sha256, pack.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert (media / pack.file).is_file() and pack.file.startswith(f"meetings/packs/{meeting.pk}/")
    assert sent == [pack.pk]
    assert pack.created_by == world.carol


def test_a_sent_pack_does_not_change_when_the_agenda_or_register_does(world: Any) -> None:
    meeting = review(world)
    pack = packs.send(access=_access(world), meeting=meeting)
    frozen = packs.read(pack)
    agenda.add_item(access=_access(world), meeting=meeting, title="Added after sending")
    register.create_item(access=_access(world, "carol"), title="A new shared item", owner_side="supplier")
    assert "Added after sending" in packs.pack_html(meeting, generated_at=pack.created_at)
    pack.refresh_from_db()
    assert packs.read(pack) == frozen and hashlib.sha256(frozen).hexdigest() == pack.sha256
    later = packs.send(access=_access(world), meeting=meeting)
    assert later.sha256 != pack.sha256 and later.file != pack.file
    assert list(meeting.packs.all()) == [later, pack]


def test_private_items_and_topics_never_reach_a_pack(world: Any) -> None:
    meeting = review(world)
    register.create_item(
        access=_access(world, "carol"), title="Telco A only", owner_side="customer", visibility="private"
    )
    Topic.objects.create(
        relationship=world.nw_ta,
        kind="customer_concern",
        title="Our private concern",
        raised_by_side="customer",
        visibility="private",
        private_party=world.telco_a,
    )
    Topic.objects.create(
        relationship=world.nw_ta, kind="customer_concern", title="A shared concern", raised_by_side="customer"
    )
    html = packs.pack_html(meeting, generated_at=meeting.created_at)
    assert "A shared concern" in html and "Root-cause the line card returns" in html
    for private in ("Telco A only", "Our private concern", world.private_item.title):
        assert private not in html


def test_the_pack_lists_the_meeting_facts_and_who_is_invited(world: Any) -> None:
    meeting = review(world)
    html = packs.pack_html(meeting, generated_at=meeting.created_at)
    assert "Stuttgart HQ" in html and "Carol Nguyen" in html and "Sam Patel" in html
    assert "Europe/Berlin" in html and "125 minutes planned" in html


def test_viewers_and_the_facilitator_do_not_send_the_pre_read(world: Any) -> None:
    for person in ("vic", "fay"):
        with pytest.raises(PermissionDenied):
            packs.send(access=_access(world, person), meeting=team_meeting(world))
    assert not Pack.objects.exists()


def test_packs_are_downloaded_through_the_meetings_door(world: Any, as_user: Any) -> None:
    meeting = review(world)
    pack = packs.send(access=_access(world), meeting=meeting)
    url = f"/r/northwind-telco-a/meetings/{meeting.pk}/packs/{pack.pk}.pdf"
    answer = as_user(world.vic).get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert hashlib.sha256(answer.content).hexdigest() == pack.sha256
    assert as_user(world.mallory).get(url).status_code == 404
    assert as_user(world.fay).get(url).status_code == 404  # not her team's meeting
    elsewhere = f"/r/northwind-telco-b/meetings/{meeting.pk}/packs/{pack.pk}.pdf"
    assert as_user(world.vic).get(elsewhere).status_code == 404


def test_the_facilitator_reads_her_teams_pre_read(world: Any, as_user: Any) -> None:
    meeting = team_meeting(world)
    pack = packs.send(access=_access(world), meeting=meeting)
    answer = as_user(world.fay).get(f"/r/northwind-telco-a/meetings/{meeting.pk}/packs/{pack.pk}.pdf")
    assert answer.status_code == 200


def test_the_send_button_freezes_a_pack_and_the_preview_is_not_stored(world: Any, as_user: Any) -> None:
    meeting = review(world)
    base = f"/r/northwind-telco-a/meetings/{meeting.pk}/"
    preview = as_user(world.vic).get(base + "agenda/preview.pdf")
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    assert not Pack.objects.exists()
    assert as_user(world.vic).post(base + "packs/send/").status_code == 403
    sent = as_user(world.sam).post(base + "packs/send/")
    assert sent.status_code == 303 and meeting.packs.count() == 1


def test_the_api_sends_lists_and_downloads_packs(world: Any, as_user: Any) -> None:
    meeting = review(world)
    base = f"/api/v1/relationships/{world.nw_ta.pk}/meetings/{meeting.pk}/packs"
    made = as_user(world.carol).post(base)
    assert made.status_code == 201
    listed = as_user(world.vic).get(base).json()
    assert [p["sha256"] for p in listed] == [made.json()["sha256"]]
    pdf = as_user(world.vic).get(f"{base}/{made.json()['id']}")
    assert pdf.status_code == 200 and hashlib.sha256(pdf.content).hexdigest() == made.json()["sha256"]
