"""Adding and removing attachments: sniffing, digest, size limit, audit, timeline, visibility through
the parent, and files that leave with their rows on commit."""

import hashlib
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.attachments import kinds, services
from accord.attachments.models import Attachment
from accord.audit.models import AuditEvent
from accord.parties.access import access_from
from accord.register.models import ActionUpdate
from tests.attachments.helpers import LOG, attach


def test_an_attachment_keeps_size_sha256_sniffed_type_and_a_random_stored_name(world: Any) -> None:
    a = attach(world, world.carol, world.item, name="../secret/alarms.log")
    assert (a.name, a.size, a.content_type) == ("alarms.log", len(LOG), "text/plain")
    assert a.sha256 == hashlib.sha256(LOG).hexdigest()
    assert "alarms" not in a.file.name and len(Path(a.file.name).name) == 32
    assert Path(a.file.path).read_bytes() == LOG
    assert "/attachments/" in a.file.path and "static" not in a.file.path
    assert a.uploaded_by == world.carol and a.uploader_party == world.telco_a


def test_the_client_type_and_extension_do_not_decide_the_type(world: Any) -> None:
    a = attach(world, world.carol, world.item, data=b"\x89PNG\r\n\x1a\n" + b"\0" * 40, name="notes.txt")
    assert a.content_type == "image/png"


def test_adding_a_file_writes_one_audit_event_and_a_timeline_entry(world: Any) -> None:
    before = AuditEvent.objects.count()
    a = attach(world, world.carol, world.item)
    events = AuditEvent.objects.order_by("-pk")[: AuditEvent.objects.count() - before]
    assert [e.verb for e in events] == ["attachment.added"]
    # The parent's event, so the audit trail shows it exactly to those who see the item.
    assert events[0].object_type == "register.actionitem" and events[0].object_id == str(world.item.pk)
    assert events[0].changes["attachment"] == [None, "alarms.log"]
    assert events[0].changes["sha256"] == [None, a.sha256]
    entry = ActionUpdate.objects.filter(item=world.item).last()
    assert entry.changes == {"attachment": [None, "alarms.log"]} and entry.actor == world.carol


def test_an_empty_file_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError, match="empty"):
        attach(world, world.carol, world.item, data=b"")
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(
    world: Any, settings: Any, media: Path
) -> None:
    settings.ACCORD_ATTACHMENT_MAX_MB = 1
    with pytest.raises(services.TooLarge):
        attach(world, world.carol, world.item, data=b"x" * (1024 * 1024 + 1))
    attach(world, world.carol, world.item, data=b"x" * (1024 * 1024))  # at the limit: fine
    assert Attachment.objects.count() == 1
    assert len([p for p in media.rglob("*") if p.is_file()]) == 1


def test_a_viewer_may_not_add_files(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        attach(world, world.vic, world.item)


def test_a_file_of_a_private_item_is_seen_by_its_side_only(world: Any) -> None:
    a = attach(world, world.ada, world.private_item, name="margin.txt")
    shared = attach(world, world.carol, world.item)
    for user, expected in [(world.sam, {a, shared}), (world.carol, {shared}), (world.vic, {shared})]:
        assert set(Attachment.objects.visible_to(access_from(user, world.nw_ta))) == expected
    fay = access_from(world.fay, world.nw_ta, allow_guest=True)
    assert set(Attachment.objects.visible_to(fay)) == {shared}
    assert not Attachment.objects.visible_to(access_from(world.mallory, world.nw_tb)).exists()


def test_the_uploader_or_an_admin_of_their_side_may_remove_a_file(world: Any) -> None:
    a = attach(world, world.sam, world.item)
    kind = kinds.get("action-item")
    for user in (world.carol, world.val):
        with pytest.raises(PermissionDenied):
            services.remove(access=access_from(user, world.nw_ta), kind=kind, parent=world.item, attachment=a)
    services.remove(access=access_from(world.ada, world.nw_ta), kind=kind, parent=world.item, attachment=a)
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.filter(verb="attachment.removed").count() == 1
    assert ActionUpdate.objects.filter(item=world.item).last().changes == {"attachment": ["alarms.log", None]}


def test_a_removed_file_leaves_the_disk_when_the_transaction_commits(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = attach(world, world.sam, world.item)
    path = Path(a.file.path)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.remove(
            access=access_from(world.sam, world.nw_ta),
            kind=kinds.get("action-item"),
            parent=world.item,
            attachment=a,
        )
    assert path.exists()
    for callback in callbacks:
        callback()
    assert not path.exists()


def test_deleting_an_item_or_a_relationship_deletes_its_files_on_commit(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    on_item = Path(attach(world, world.sam, world.item).file.path)
    on_private = Path(attach(world, world.ada, world.private_item).file.path)
    with django_capture_on_commit_callbacks(execute=True):
        world.item.delete()
    assert not on_item.exists() and on_private.exists()
    assert Attachment.objects.count() == 1
    # Audit events protect a relationship; a test clears them as only a database administrator could.
    AuditEvent.objects.filter(relationship=world.nw_ta)._raw_delete("default")
    with django_capture_on_commit_callbacks(execute=True):
        world.nw_ta.delete()
    assert not on_private.exists() and not Attachment.objects.exists()


def test_a_file_is_removed_from_disk_when_its_row_is_not_written(
    world: Any, media: Path, monkeypatch: Any
) -> None:
    from accord.audit import services as audit

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit down")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        services.add(
            access=access_from(world.sam, world.nw_ta),
            kind=kinds.get("action-item"),
            parent=world.item,
            upload=BytesIO(LOG),
            name="a.log",
        )
    assert not [p for p in media.rglob("*") if p.is_file()]
