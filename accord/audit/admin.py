from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accord.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: nothing edits or deletes audit events."""

    list_display = ["at", "actor_label", "verb", "object_label", "relationship", "party"]
    list_filter = ["verb"]
    search_fields = ["object_label", "actor_label"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
