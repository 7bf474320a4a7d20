from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def _message(response: HttpResponse) -> str:
    """A short plain-text answer (such as accord.lib.bodysize's 413) says why; others give the reason
    phrase ("Not Found"), never an HTML page."""
    if response.get("Content-Type", "").startswith("text/plain") and hasattr(response, "content"):
        text = response.content.decode("utf-8", "replace").strip()
        if text and len(text) <= 500:
            return text
    return response.reason_phrase


class ApiErrorShapeMiddleware:
    """Answers under /api/ that Django or django-ninja make outside an operation (an unknown path, a
    wrong method) get the API's one error shape too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            shaped = HttpResponse(
                json.dumps({"error": _message(response), "fields": {}}),
                status=response.status_code,
                content_type="application/json",
            )
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
