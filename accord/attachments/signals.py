"""Stored files leave with their rows, after the transaction commits (a rolled-back delete keeps them).

Deleting an attachment row (one removed by a person, or every one of a record or relationship deleted
in the admin, by cascade) removes its file on commit; deleting a parent record deletes its
attachments. A file already missing is no error."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete

from accord.attachments import kinds
from accord.attachments.models import Attachment


def _remove_file(name: str) -> None:
    from accord.attachments.storage import attachment_storage

    if name:
        attachment_storage.delete(name)  # FileSystemStorage.delete ignores a missing file


def attachment_deleted(sender: Any, instance: Attachment, **kwargs: Any) -> None:
    name = instance.file.name or ""
    transaction.on_commit(lambda: _remove_file(name))


post_delete.connect(attachment_deleted, sender=Attachment, dispatch_uid="attachments.file_on_commit")


def connect_parent(kind: kinds.ParentKind) -> None:
    def parent_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
        Attachment.objects.of(kind.key, instance.pk).delete()

    post_delete.connect(parent_deleted, sender=kind.model, weak=False, dispatch_uid=f"attachments.{kind.key}")


kinds.on_register(connect_parent)
