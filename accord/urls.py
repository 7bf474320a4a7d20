from importlib import import_module

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLResolver, include, path
from django.utils.module_loading import module_has_submodule
from django.views.decorators.http import require_GET

from accord.api.main import api


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and `accord demo`: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


# The Django admin is for superusers only (staff status alone is not enough).
admin.site.has_permission = lambda request: bool(request.user.is_active and request.user.is_superuser)  # type: ignore[method-assign]
admin.site.site_header = "Accord administration"


def app_urls() -> list[URLResolver]:
    """Every Accord app's ``urls`` module, under its ``URL_PREFIX`` (none by default), in
    ``INSTALLED_APPS`` order: an app adds its pages from its own folder."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("accord.") and module_has_submodule(config.module, "urls"):
            module = import_module(f"{config.name}.urls")
            found.append(path(getattr(module, "URL_PREFIX", ""), include(module)))
    return found


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    *app_urls(),
]

# The product's own error pages (accord.lib.error_pages); the API's answers keep its error shape.
handler400 = "accord.lib.error_pages.bad_request"
handler403 = "accord.lib.error_pages.permission_denied"
handler404 = "accord.lib.error_pages.page_not_found"
handler500 = "accord.lib.error_pages.server_error"
