from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

from accord.api.main import api


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and `accord demo`: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


# The Django admin is for superusers only (staff status alone is not enough).
admin.site.has_permission = lambda request: bool(request.user.is_active and request.user.is_superuser)  # type: ignore[method-assign]
admin.site.site_header = "Accord administration"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accord.accounts.urls")),
    path("api/v1/", api.urls),
    path("", include("accord.register.urls")),
    path("", include("accord.measurements.urls")),
    path("", include("accord.operations.urls")),
    path("", include("accord.parties.urls")),
]
