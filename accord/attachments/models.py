"""A file that a record (an action item today; meetings, topics and survey responses later) carries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.attachments import kinds
from accord.attachments.storage import get_storage, stored_name
from accord.parties.models import Party, Relationship

if TYPE_CHECKING:
    from accord.parties.access import RelationshipAccess


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def visible_to(self, *accesses: RelationshipAccess) -> AttachmentQuerySet:
        """THE rule "a file is as visible as its record", written once: the attachments of each
        access's relationship whose parent record the viewer may see, by the parent kind's own
        ``visible_to``. Every page, API operation, export and count reads through it; audit events
        about files are their record's own, so the record's audit rule hides them with it."""
        if not accesses:
            return self.none()
        cond = Q(pk__in=[])
        for access in accesses:
            for kind in kinds.all_kinds():
                parents = kind.visible(access).values("pk")
                cond |= Q(relationship_id=access.relationship.pk, parent_kind=kind.key, parent_id__in=parents)
        return self.filter(cond)

    def of(self, kind: str, parent_id: int) -> AttachmentQuerySet:
        return self.filter(parent_kind=kind, parent_id=parent_id)


class Attachment(models.Model):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="attachments")
    parent_kind = models.CharField(max_length=40)
    parent_id = models.PositiveBigIntegerField()
    file = models.FileField(storage=get_storage, upload_to=stored_name, max_length=100)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=120)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The uploader's side when they uploaded it: its admins may remove the file.
    uploader_party = models.ForeignKey(Party, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["parent_kind", "parent_id"])]

    def __str__(self) -> str:
        return self.name
