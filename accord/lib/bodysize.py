"""Refuse a request body larger than the limits before anything reads it (413 Content Too Large).

Django streams a multipart upload to a temporary file as the request is parsed, and only then could a
view see that the file is too large: the whole body would have been read and written to disk first. This
middleware looks at ``Content-Length`` before any view, form or CSRF check touches the body and answers
413 at once. What it lets through is read no further than that length: Django reads the body through a
stream bounded by ``Content-Length`` (a request without one, such as a chunked upload, is read as empty).

- a multipart body (a file upload): at most ``ACCORD_UPLOAD_MAX_MB`` (by default 1 MB more than the
  largest import, ``ACCORD_IMPORT_MAX_MB``, for the form fields and multipart framing around the file);
- any other body (JSON, a form): at most ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

It answers plain text; the API's own middleware (``accord.api.middleware``) puts that message into the
API's one error shape under ``/api/``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

MB = 1024 * 1024


def body_limit(content_type: str) -> int:
    """The largest body, in bytes, of a request with this ``Content-Type``."""
    if content_type.lower().startswith("multipart/"):
        return int(settings.ACCORD_UPLOAD_MAX_MB) * MB
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0")


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty too
        limit = body_limit(request.META.get("CONTENT_TYPE", ""))
        if length > limit:
            return HttpResponse(
                _("The request body is %(size)s MB; at most %(limit)s MB is accepted.")
                % {"size": _megabytes(length), "limit": _megabytes(limit)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
