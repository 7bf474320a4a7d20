"""E-mail is rendered where it is asked for and sent by the worker, never inside a request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    return settings.ACCORD_BASE_URL + path


def queue_email(*, to: list[str], subject: str, template: str, context: dict[str, Any]) -> None:
    """Render ``template`` (a plain-text e-mail body) and enqueue its sending."""
    from accord.system.tasks import send_email

    body = render_to_string(template, {**context, "base_url": settings.ACCORD_BASE_URL})
    send_email.enqueue(to=to, subject=" ".join(subject.split()), body=body)
