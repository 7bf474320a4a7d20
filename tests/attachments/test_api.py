"""Attachments through the API: list, multipart upload, download, delete, and the one error shape."""

import hashlib
from typing import Any

from accord.attachments.models import Attachment
from tests.attachments.helpers import LOG, attach, upload


def url(world: Any, item: Any, suffix: str = "") -> str:
    return f"/api/v1/relationships/{item.relationship.pk}/attachments/action-item/{item.key}{suffix}"


def test_an_editor_uploads_lists_downloads_and_deletes_a_file(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    response = client.post(url(world, world.item), {"file": upload(name="../alarms.log")})
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["name"] == "alarms.log" and made["content_type"] == "text/plain"
    assert made["sha256"] == hashlib.sha256(LOG).hexdigest() and made["size"] == len(LOG)
    assert made["uploaded_by"]["full_name"] == "Carol Nguyen" and made["may_remove"] is True
    listed = as_user(world.sam).get(url(world, world.item)).json()
    assert [a["name"] for a in listed] == ["alarms.log"] and listed[0]["may_remove"] is False
    got = as_user(world.sam).get(url(world, world.item, f"/{made['id']}"))
    assert got.status_code == 200 and b"".join(got.streaming_content) == LOG
    assert got["X-Content-Type-Options"] == "nosniff" and got["Content-Disposition"].startswith("attachment;")
    assert as_user(world.sam).delete(url(world, world.item, f"/{made['id']}")).status_code == 403
    assert client.delete(url(world, world.item, f"/{made['id']}")).status_code == 204
    assert not Attachment.objects.exists()


def test_an_empty_file_is_a_400_and_a_file_over_the_limit_a_413(
    world: Any, as_user: Any, settings: Any
) -> None:
    settings.ACCORD_ATTACHMENT_MAX_MB = 1
    client = as_user(world.carol)
    empty = client.post(url(world, world.item), {"file": upload(b"")})
    assert empty.status_code == 400 and "empty" in empty.json()["fields"]["file"][0]
    big = client.post(url(world, world.item), {"file": upload(b"x" * (1024 * 1024 + 1))})
    assert big.status_code == 413 and set(big.json()) == {"error", "fields"}
    missing = client.post(url(world, world.item), {})
    assert missing.status_code == 400 and set(missing.json()) == {"error", "fields"}
    assert not Attachment.objects.exists()


def test_the_other_side_and_mallory_get_404_for_a_private_items_files(world: Any, as_user: Any) -> None:
    a = attach(world, world.ada, world.private_item, name="margin.txt")
    for user in (world.carol, world.mallory):
        client = as_user(user)
        assert client.get(url(world, world.private_item)).status_code == 404
        assert client.get(url(world, world.private_item, f"/{a.pk}")).status_code == 404
        assert client.get(url(world, world.item, f"/{a.pk}")).status_code in (404,)
        assert client.delete(url(world, world.private_item, f"/{a.pk}")).status_code == 404
        assert client.post(url(world, world.private_item), {"file": upload()}).status_code == 404
    assert as_user(world.carol).get(url(world, world.item)).json() == []


def test_an_unknown_kind_is_a_404_and_a_malformed_one_a_400(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    base = f"/api/v1/relationships/{world.nw_ta.pk}/attachments"
    assert client.get(f"{base}/meeting/1").status_code == 404
    assert client.get(f"{base}/Bad_Kind/1").status_code == 400
    assert client.get(url(world, world.item), HTTP_AUTHORIZATION="").status_code == 200
    assert as_user(None).get(url(world, world.item)).status_code == 401
