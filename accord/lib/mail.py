"""E-mail is rendered where it is asked for and sent by the worker, never inside a request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django_tasks import task


def absolute_url(path: str) -> str:
    return settings.ACCORD_BASE_URL + path


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """The worker's half: send one rendered e-mail."""
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    return message.send()


def queue_email(*, to: list[str], subject: str, template: str, context: dict[str, Any]) -> None:
    """Render ``template`` (a plain-text e-mail body) and enqueue its sending."""
    body = render_to_string(template, {**context, "base_url": settings.ACCORD_BASE_URL})
    send_email.enqueue(to=to, subject=" ".join(subject.split()), body=body)
