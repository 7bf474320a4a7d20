from django.contrib import admin

from accord.register.models import ActionItem, ActionUpdate, TaskForce


class UpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0
    fields = ("at", "actor", "kind", "from_status", "to_status", "body")
    readonly_fields = ("at", "actor", "kind", "from_status", "to_status", "body")


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "relationship", "status", "owner", "due_date", "visibility"]
    list_filter = ["status", "priority", "visibility", "source_kind"]
    search_fields = ["title", "external_id"]
    list_select_related = ["relationship", "owner"]
    inlines = [UpdateInline]
    raw_id_fields = ["owner", "requested_by", "task_force", "related"]


admin.site.register(TaskForce, list_display=["name", "relationship", "status", "lead"])
