"""The files section of an item page: list, upload, download, remove, and bad input."""

import hashlib
from typing import Any

from accord.attachments import kinds, services
from accord.attachments.models import Attachment
from accord.audit.models import AuditEvent
from accord.parties.access import access_from
from tests.attachments.helpers import LOG, attach, files_url, item_url, upload


def test_the_item_page_lists_its_files_with_size_type_who_and_when(world: Any, as_user: Any) -> None:
    a = attach(world, world.carol, world.item)
    body = as_user(world.sam).get(item_url(world, world.item)).content.decode()
    assert 'data-testid="attachments"' in body and "alarms.log" in body
    assert "text/plain" in body and "Carol Nguyen" in body and files_url(world.item, a.pk) in body
    timeline = body[body.index('data-testid="timeline"') :]
    assert "added the file <strong>alarms.log</strong>" in timeline
    services.remove(
        access=access_from(world.carol, world.nw_ta),
        kind=kinds.get("action-item"),
        parent=world.item,
        attachment=a,
    )
    body = as_user(world.sam).get(item_url(world, world.item)).content.decode()
    assert "removed the file <del>alarms.log</del>" in body[body.index('data-testid="timeline"') :]


def test_an_editor_uploads_a_file_from_the_item_page(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).post(files_url(world.item), {"file": upload()})
    assert response.status_code == 302 and response["Location"].endswith("/items/1/#attachments")
    a = Attachment.objects.get()
    assert a.sha256 == hashlib.sha256(LOG).hexdigest() and a.parent_id == world.item.pk


def test_an_empty_file_re_renders_the_form_with_a_message(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).post(files_url(world.item), {"file": upload(b"")})
    assert response.status_code == 400 and "The file is empty" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_post_without_a_file_re_renders_the_form_with_a_message(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).post(files_url(world.item), {})
    assert response.status_code == 400 and "Choose a file to add." in response.content.decode()


def test_a_file_over_the_limit_re_renders_the_form_with_a_message(
    world: Any, as_user: Any, settings: Any
) -> None:
    settings.ACCORD_ATTACHMENT_MAX_MB = 1
    response = as_user(world.carol).post(files_url(world.item), {"file": upload(b"x" * (1024 * 1024 + 5))})
    assert response.status_code == 400 and "at most 1 MB is accepted" in response.content.decode()


def test_a_viewer_sees_files_but_no_upload_form_and_may_not_upload(world: Any, as_user: Any) -> None:
    attach(world, world.carol, world.item)
    body = as_user(world.vic).get(item_url(world, world.item)).content.decode()
    assert "alarms.log" in body and 'enctype="multipart/form-data"' not in body and "Remove" not in body
    assert as_user(world.vic).post(files_url(world.item), {"file": upload()}).status_code == 403


def test_the_download_is_the_same_bytes_as_an_attachment_never_sniffed_or_cached(
    world: Any, as_user: Any
) -> None:
    a = attach(world, world.carol, world.item, name="Prüf log.txt")
    response = as_user(world.sam).get(files_url(world.item, a.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == LOG
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Pr_f log.txt\"; filename*=UTF-8''Pr%C3%BCf%20log.txt"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_a_stored_file_missing_on_disk_is_a_404(world: Any, as_user: Any) -> None:
    a = attach(world, world.carol, world.item)
    a.file.storage.delete(a.file.name)
    assert as_user(world.sam).get(files_url(world.item, a.pk)).status_code == 404


def test_the_other_side_and_mallory_get_404_for_a_private_items_files(world: Any, as_user: Any) -> None:
    a = attach(world, world.ada, world.private_item, name="margin.txt")
    assert as_user(world.sam).get(files_url(world.private_item, a.pk)).status_code == 200
    assert as_user(None).get(files_url(world.private_item, a.pk)).status_code == 302  # to sign in
    for user in (world.carol, world.vic, world.fay, world.mallory):
        assert as_user(user).get(files_url(world.private_item, a.pk)).status_code == 404
        assert as_user(user).get(f"/r/northwind-telco-a/files/action-item/1/{a.pk}/").status_code == 404
    for user in (world.carol, world.mallory):  # (a viewer's write is 403 at the relationship's door)
        assert as_user(user).post(files_url(world.private_item), {"file": upload()}).status_code == 404


def test_an_attachment_is_found_only_under_its_own_item(world: Any, as_user: Any) -> None:
    a = attach(world, world.ada, world.private_item, name="margin.txt")
    # The shared item's door opens, but the private item's file is not under it.
    assert as_user(world.carol).get(files_url(world.item, a.pk)).status_code == 404
    assert as_user(world.sam).get(files_url(world.item, a.pk)).status_code == 404


def test_the_uploader_removes_a_file_and_others_get_403(world: Any, as_user: Any) -> None:
    a = attach(world, world.carol, world.item)
    remove = files_url(world.item, a.pk) + "remove/"
    assert as_user(world.sam).post(remove).status_code == 403
    assert as_user(world.ada).post(remove).status_code == 403  # an admin of the other side
    assert as_user(world.vic).post(remove).status_code == 403
    # a reload of the remove URL removes nothing: it is sent to the item's files (303, then the page)
    reload = as_user(world.carol).get(remove, follow=True)
    assert reload.redirect_chain[-1] == (f"/r/northwind-telco-a/items/{world.item.key}/#attachments", 303)
    assert reload.status_code == 200 and Attachment.objects.exists()
    assert as_user(world.mallory).get(files_url(world.item) + "page/").status_code == 404
    response = as_user(world.carol).post(remove)
    assert response.status_code == 302 and not Attachment.objects.exists()
    assert AuditEvent.objects.filter(verb="attachment.removed").count() == 1


def test_the_other_side_does_not_see_a_private_items_file_events_in_the_audit_trail(
    world: Any, as_user: Any
) -> None:
    attach(world, world.ada, world.private_item, name="margin-secret.txt")
    body = as_user(world.carol).get("/r/northwind-telco-a/audit/").content.decode()
    assert "margin-secret" not in body and "TLA-0002" not in body
    assert "margin-secret" in as_user(world.ada).get("/r/northwind-telco-a/audit/").content.decode()
