from django.contrib import admin

from accord.operations.models import InstalledBase

admin.site.register(
    InstalledBase, list_display=["relationship", "site", "product", "quantity", "in_service_date"]
)
