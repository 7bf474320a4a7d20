"""The product's own pages for 400, 403, 404 and 500 (``handler400`` … in ``accord.urls``).

403 and 404 extend ``base.html`` (the top bar, the viewer's relationships). 400 and 500 use the
standalone ``errors/layout.html``: they are rendered without the request's context processors, so
without a database query or a session, since those may be what failed (Django renders its 500 page
with an empty context too). Under ``/api/`` every one answers the API's error shape instead,
``{"error": "...", "fields": {}}``. With ``DEBUG`` on, Django shows its technical pages instead of
these; ``accord demo`` runs with ``DEBUG`` off (see ``ACCORD_DEMO`` in the settings).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

API_PREFIX = "/api/"
REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 500: "Server Error"}


def _api(request: HttpRequest, status: int) -> HttpResponse | None:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": REASONS[status], "fields": {}}, status=status)
    return None


def _standalone(template: str, status: int) -> HttpResponse:
    """A page rendered from the template alone: no request, no context processors, no database."""
    return HttpResponse(loader.get_template(template).render(), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None, **_: Any) -> HttpResponse:
    return _api(request, 400) or _standalone("400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None, **_: Any) -> HttpResponse:
    return _api(request, 403) or defaults.permission_denied(request, exception or Exception())


def page_not_found(request: HttpRequest, exception: Exception | None = None, **_: Any) -> HttpResponse:
    return _api(request, 404) or defaults.page_not_found(request, exception or Exception())


def server_error(request: HttpRequest, **_: Any) -> HttpResponse:
    return _api(request, 500) or _standalone("500.html", 500)
