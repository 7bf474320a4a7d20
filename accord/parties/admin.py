from django.contrib import admin

from accord.parties.models import (
    Guest,
    Invitation,
    Membership,
    Party,
    Product,
    ProductCategory,
    Relationship,
    Site,
    SupplierCategoryBasis,
)


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country"]
    search_fields = ["name", "slug"]


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ["slug", "supplier", "customer", "status", "item_prefix"]
    list_filter = ["status"]


admin.site.register(Membership, list_display=["user", "party", "role", "is_active"], list_filter=["role"])
admin.site.register(Guest, list_display=["user", "relationship", "role", "is_active"])
admin.site.register(Site, list_display=["name", "party", "kind", "country"])
admin.site.register(
    ProductCategory,
    list_display=["code", "name", "parent", "normalization_basis", "table_release", "effective_from"],
)
admin.site.register(
    SupplierCategoryBasis,
    list_display=["supplier", "category", "normalization_basis"],
    list_filter=["normalization_basis"],
)
admin.site.register(Product, list_display=["code", "name", "supplier", "category"])
admin.site.register(
    Invitation, list_display=["email", "party", "guest_of", "role", "created_at", "accepted_at"]
)
