"""A side's private topics never reach the other side: not in pages, exports, the API, the audit trail,
the topic's files or the meetings that discussed it. Fay (facilitator) sees no topics at all; Mallory
sees nothing of Telco A."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.meetings import topics
from accord.parties.models import Role
from tests.conftest import make_user
from tests.meetings.helpers import review, team_meeting
from tests.meetings.topic_helpers import access, concern, raise_topic, supplier_secret

SECRET = "Telco A pays late again"
TA = "/r/northwind-telco-a"


def _customer_secret(w: Any) -> Any:
    return raise_topic(w, title="Northwind support is slow", kind="customer_concern", visibility="private")


def _urls(w: Any, topic_id: int) -> list[str]:
    api = f"/api/v1/relationships/{w.nw_ta.pk}/topics/{topic_id}"
    return [f"{TA}/topics/{topic_id}/", f"{TA}/topics/{topic_id}/edit/", api]


@pytest.mark.parametrize("person", ["carol", "vic", "mallory", "fay"])
def test_the_other_side_gets_404_for_a_private_topic(world: Any, as_user: Any, person: str) -> None:
    secret = supplier_secret(world)
    client = as_user(getattr(world, person))
    for url in _urls(world, secret.pk):
        expected = 403 if (url.endswith("edit/") and person == "vic") else 404
        assert client.get(url).status_code == expected, url
    status = client.post(f"{TA}/topics/{secret.pk}/status/", {"status": "closed", "version": 1})
    assert status.status_code in (403, 404)
    assert secret.status == "open"


def test_its_own_side_reads_a_private_topic(world: Any, as_user: Any) -> None:
    secret = supplier_secret(world)
    for person in (world.ada, world.val):
        for url in _urls(world, secret.pk)[::2]:
            assert as_user(person).get(url).status_code == 200, url
    page = as_user(world.val).get(f"{TA}/topics/{secret.pk}/").content.decode()
    assert "Private to Northwind Networks" in page


def test_lists_exports_and_the_api_leave_out_the_other_sides_private_topics(world: Any, as_user: Any) -> None:
    supplier_secret(world)
    _customer_secret(world)
    concern(world)
    lists = [
        f"{TA}/topics/?status=open&status=closed",
        f"{TA}/topics/export.csv",
        f"{TA}/topics/export.xlsx",
        f"/api/v1/relationships/{world.nw_ta.pk}/topics",
    ]
    for person, mine, theirs in (
        (world.vic, "Northwind support is slow", SECRET),
        (world.val, SECRET, "Northwind support is slow"),
    ):
        client = as_user(person)
        for url in lists:
            body = client.get(url).content
            if url.endswith("xlsx"):
                continue  # compressed: checked through the CSV of the same rows
            assert theirs.encode() not in body, (person, url)
            assert mine.encode() in body, (person, url)
            assert b"Alarm floods after upgrade" in body, (person, url)


def test_the_audit_trail_hides_the_other_sides_private_topics(world: Any, as_user: Any) -> None:
    tara = make_user("tara@telco-a.example", "Tara Admin", world.telco_a, Role.ADMIN)
    secret = supplier_secret(world)
    topics.update_topic(access=access(world, world.sam), topic=secret, version=1, description="Chase them")
    concern(world)
    theirs = as_user(tara).get(f"{TA}/audit/").content.decode()
    assert SECRET not in theirs
    assert "Alarm floods after upgrade" in theirs
    assert SECRET in as_user(world.ada).get(f"{TA}/audit/").content.decode()


def test_a_shared_topic_once_private_names_no_private_item_in_its_history(world: Any, as_user: Any) -> None:
    tara = make_user("tara@telco-a.example", "Tara Admin", world.telco_a, Role.ADMIN)
    ada = access(world, world.ada)
    secret = supplier_secret(world)
    topics.link_items(access=ada, topic=secret, keys=["S1", "1"])
    topics.unlink_items(access=ada, topic=secret, keys=["S1"])
    topics.update_topic(access=ada, topic=secret, version=secret.version, visibility="shared")
    trail = as_user(tara).get(f"{TA}/audit/").content.decode()
    assert "TLA-0001" in trail  # the shared link is told
    assert "TLA-S0001" not in trail
    assert "TLA-S0001" in as_user(world.ada).get(f"{TA}/audit/").content.decode()


def test_the_topic_lists_the_meetings_that_discussed_it_and_the_facilitator_sees_no_topic(
    world: Any, as_user: Any
) -> None:
    topic = concern(world)
    meeting = review(world)
    team = team_meeting(world)
    for m in (meeting, team):
        item = m.agenda_items.first()
        item.topic = topic
        item.save()
    page = as_user(world.vic).get(f"{TA}/topics/{topic.pk}/")
    assert {m.pk for m in page.context["meetings"]} == {meeting.pk, team.pk}
    assert "Shared expectations team" in html.unescape(page.content.decode())
    assert as_user(world.fay).get(f"{TA}/topics/{topic.pk}/").status_code == 404
    assert as_user(world.fay).get(f"{TA}/topics/").status_code == 404


def test_the_other_side_may_not_see_or_add_files_of_a_private_topic(world: Any, as_user: Any) -> None:
    secret = supplier_secret(world)
    upload = SimpleUploadedFile("notes.txt", b"internal", content_type="text/plain")
    assert as_user(world.carol).post(f"{TA}/files/topic/{secret.pk}/", {"file": upload}).status_code == 404
    mine = SimpleUploadedFile("notes.txt", b"internal", content_type="text/plain")
    assert as_user(world.sam).post(f"{TA}/files/topic/{secret.pk}/", {"file": mine}).status_code == 302
    assert b"notes.txt" in as_user(world.val).get(f"{TA}/topics/{secret.pk}/").content
    assert as_user(world.carol).get(f"{TA}/files/topic/{secret.pk}/page/").status_code == 404


def test_a_linked_item_made_private_later_leaves_the_other_sides_view(world: Any, as_user: Any) -> None:
    from accord.register import services as register

    sam = access(world, world.sam)
    topic = concern(world)
    item = register.create_item(access=sam, title="Check the alarm thresholds", owner_side="supplier")
    topics.link_items(access=sam, topic=topic, keys=[item.key])
    assert len(topics.linked_items(access(world, world.carol), topic)) == 2
    register.update_item(access=sam, item=item, version=item.version, visibility="private")
    assert [i.pk for i in topics.linked_items(access(world, world.sam), topic)] == [world.item.pk, item.pk]
    assert [i.pk for i in topics.linked_items(access(world, world.carol), topic)] == [world.item.pk]
    page = as_user(world.carol).get(f"{TA}/topics/{topic.pk}/").content.decode()
    assert "Check the alarm thresholds" not in page
    api = as_user(world.carol).get(f"/api/v1/relationships/{world.nw_ta.pk}/topics/{topic.pk}").json()
    assert api["action_items"] == ["TLA-0001"]
