"""Response headers that every page, export and API answer carries.

- A Content-Security-Policy that allows scripts, styles, fonts and connections from Accord's own
  origin only, with no inline script or style, no plugin, no framing. Pages satisfy it: their scripts
  and styles are static files (``static/``), the API docs start Swagger UI from a static script, and
  charts are SVG with presentation attributes, not ``style``. ``img-src`` allows ``data:`` for the small
  icons Bootstrap and Swagger UI draw from their CSS.
- ``Cache-Control: private, no-store`` on everything that is not a static file: pages, exports and the
  API are a signed-in person's (or carry a CSRF token), and no browser or proxy keeps them. Static
  files keep WhiteNoise's long-lived caching.

A small middleware rather than django-csp: there is one fixed policy for the whole site and no inline
script to give a nonce to, which is what that package is for; these few lines need no dependency.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
NOT_STORED = "private, no-store"


class SecurityHeadersMiddleware:
    """Sets the CSP on every response and ``Cache-Control: private, no-store`` on every response that
    is not a static file. Listed before WhiteNoise, so that static files get the CSP too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if not request.path.startswith(self.static_prefix):
            response["Cache-Control"] = NOT_STORED
        return response
